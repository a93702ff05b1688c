/**
 * VNC probe (RFC 6143 7.1): read the server's ProtocolVersion, answer with the same or a lower
 * version (at most 3.8), read the security types it offers, and close before choosing one. Records
 * whether "None" (no password at all) is offered. Never authenticates.
 */
import { protocolError, runProbe } from './run.js';
import type { Framer } from './socket.js';
import { printable } from './text.js';
import type { ProbeOptions, ProbeResult } from './types.js';

export const VNC_SECURITY_TYPES: Record<number, string> = {
  1: 'None',
  2: 'VNC Authentication',
  5: 'RA2',
  6: 'RA2ne',
  16: 'Tight',
  17: 'Ultra',
  18: 'TLS',
  19: 'VeNCrypt',
  20: 'GTK-VNC SASL',
  21: 'MD5 hash authentication',
  22: 'Colin Dean xvp',
  30: 'Apple Remote Desktop (Diffie-Hellman)',
};

const versionFramer: Framer = (buffer) => {
  if (buffer.length < 12) return undefined;
  if (!/^RFB \d{3}\.\d{3}\n$/.test(buffer.subarray(0, 12).toString('latin1'))) {
    throw protocolError('VNC', 'not an RFB ProtocolVersion');
  }
  return 12;
};

const fixed =
  (length: number): Framer =>
  (buffer) =>
    buffer.length >= length ? length : undefined;

/** A u32 length then that many bytes (capped at 1024). */
const reasonFramer: Framer = (buffer) => {
  if (buffer.length < 4) return undefined;
  const length = buffer.readUInt32BE(0);
  if (length > 1024) throw protocolError('VNC', `failure reason of ${length} bytes`);
  return buffer.length >= 4 + length ? 4 + length : undefined;
};

export function probeVnc(host: string, port: number, options: ProbeOptions): Promise<ProbeResult> {
  return runProbe('vnc', host, port, options, async (session) => {
    const facts = session.facts;
    const socket = await session.connect();
    const version = (await socket.read(versionFramer)).subarray(4, 11).toString('latin1');
    facts.rfbVersion = version;
    const [major, minor] = version.split('.').map(Number) as [number, number];
    const reply =
      major > 3 || (major === 3 && minor >= 8)
        ? '003.008'
        : major === 3 && minor === 7
          ? '003.007'
          : '003.003';
    facts.rfbVersionSent = reply;
    await socket.write(Buffer.from(`RFB ${reply}\n`, 'latin1'));
    let types: number[];
    if (reply === '003.003') {
      types = [(await socket.read(fixed(4))).readUInt32BE(0)];
    } else {
      const count = (await socket.read(fixed(1)))[0]!;
      types = count === 0 ? [0] : [...(await socket.read(fixed(count)))];
    }
    if (types.length === 1 && types[0] === 0) {
      const reason = await socket.read(reasonFramer);
      facts.securityTypes = [];
      facts.failureReason = printable(reason.subarray(4), 200);
    } else {
      facts.securityTypes = types;
    }
    const offered = facts.securityTypes as number[];
    facts.securityTypeNames = offered.map((t) => VNC_SECURITY_TYPES[t] ?? `type-${t}`);
    facts.noneOffered = offered.includes(1);
    return { status: 'confirmed', service: 'vnc', facts };
  });
}
