/**
 * RDP probe (MS-RDPBCGR 2.2.1.1, 2.2.1.2): an X.224 Connection Request carrying an RDP
 * Negotiation Request for TLS|CredSSP, read the Connection Confirm (the selected protocol, or a
 * negotiation failure). When CredSSP (NLA) is selected, a second request for TLS alone tells
 * whether NLA is required (the server answers HYBRID_REQUIRED_BY_SERVER) or only preferred. No TLS
 * handshake, no MCS, no credentials.
 */
import { protocolError, runProbe } from './run.js';
import type { Framer, ProbeSocket } from './socket.js';
import type { ProbeOptions, ProbeResult } from './types.js';

export const PROTOCOL_RDP = 0;
export const PROTOCOL_SSL = 1;
export const PROTOCOL_HYBRID = 2;

const PROTOCOL_NAMES: Record<number, string> = {
  0: 'rdp-standard',
  1: 'tls',
  2: 'credssp',
  4: 'rdstls',
  8: 'credssp-early-user-auth',
  16: 'rdsaad',
};

export const NEGOTIATION_FAILURES: Record<number, string> = {
  1: 'ssl-required-by-server',
  2: 'ssl-not-allowed-by-server',
  3: 'ssl-cert-not-on-server',
  4: 'inconsistent-flags',
  5: 'hybrid-required-by-server',
  6: 'ssl-with-user-auth-required-by-server',
};

/** TPKT + X.224 CR TPDU + RDP_NEG_REQ, 19 bytes, no cookie. */
export function connectionRequest(requestedProtocols: number): Buffer {
  const b = Buffer.alloc(19);
  b[0] = 0x03; // TPKT version
  b.writeUInt16BE(19, 2); // TPKT length
  b[4] = 14; // X.224 length indicator (bytes after this one)
  b[5] = 0xe0; // CR TPDU, credit 0
  // dst-ref 0, src-ref 0, class 0 (bytes 6-10 stay zero)
  b[11] = 0x01; // TYPE_RDP_NEG_REQ
  b[12] = 0x00; // flags
  b.writeUInt16LE(8, 13); // length
  b.writeUInt32LE(requestedProtocols, 15);
  return b;
}

const tpktFramer: Framer = (buffer) => {
  if (buffer.length < 4) return undefined;
  if (buffer[0] !== 0x03) throw protocolError('RDP', 'not a TPKT header');
  const length = buffer.readUInt16BE(2);
  if (length < 7) throw protocolError('RDP', `TPKT length ${length}`);
  return buffer.length >= length ? length : undefined;
};

type Negotiation =
  | { kind: 'selected'; protocol: number }
  | { kind: 'failure'; code: number }
  | { kind: 'no-negotiation' };

async function negotiate(socket: ProbeSocket, requested: number): Promise<Negotiation> {
  await socket.write(connectionRequest(requested));
  const tpdu = await socket.read(tpktFramer);
  if ((tpdu[5]! & 0xf0) !== 0xd0) throw protocolError('RDP', 'reply is not an X.224 Connection Confirm');
  const neg = tpdu.subarray(11);
  if (neg.length < 8) return { kind: 'no-negotiation' }; // an old server: standard RDP security only
  const value = neg.readUInt32LE(4);
  if (neg[0] === 0x02) return { kind: 'selected', protocol: value };
  if (neg[0] === 0x03) return { kind: 'failure', code: value };
  throw protocolError('RDP', `negotiation type ${neg[0]}`);
}

export function probeRdp(host: string, port: number, options: ProbeOptions): Promise<ProbeResult> {
  return runProbe('rdp', host, port, options, async (session) => {
    const facts = session.facts;
    const socket = await session.connect();
    const first = await negotiate(socket, PROTOCOL_SSL | PROTOCOL_HYBRID);
    socket.destroy();
    if (first.kind === 'no-negotiation') {
      facts.selectedProtocol = PROTOCOL_NAMES[PROTOCOL_RDP]!;
      facts.nlaRequired = false;
    } else if (first.kind === 'failure') {
      facts.negotiationFailure = NEGOTIATION_FAILURES[first.code] ?? `code-${first.code}`;
      facts.nlaRequired = first.code === 5 ? true : null;
    } else {
      facts.selectedProtocol = PROTOCOL_NAMES[first.protocol] ?? `code-${first.protocol}`;
      if (first.protocol === PROTOCOL_HYBRID || first.protocol === 8) {
        try {
          const tlsOnly = await negotiate(await session.connect(), PROTOCOL_SSL);
          facts.nlaRequired = tlsOnly.kind === 'failure' && tlsOnly.code === 5;
          facts.tlsOnlyAnswer =
            tlsOnly.kind === 'failure'
              ? (NEGOTIATION_FAILURES[tlsOnly.code] ?? `code-${tlsOnly.code}`)
              : tlsOnly.kind === 'selected'
                ? (PROTOCOL_NAMES[tlsOnly.protocol] ?? `code-${tlsOnly.protocol}`)
                : 'rdp-standard';
        } catch {
          facts.nlaRequired = null; // unknown: the second answer did not come
        }
      } else {
        facts.nlaRequired = false; // it chose TLS or standard security although CredSSP was offered
      }
    }
    return { status: 'confirmed', service: 'rdp', facts };
  });
}
