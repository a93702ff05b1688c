/**
 * SMB probe: one SMB2 NEGOTIATE (MS-SMB2 2.2.3) offering dialects 2.0.2 to 3.1.1, read the chosen
 * dialect and whether signing is required (2.2.4); then, on a second connection, one SMB1
 * NEGOTIATE (MS-CIFS 2.2.4.52) offering only "NT LM 0.12", to learn whether SMB1 is still
 * accepted. No SESSION_SETUP (no authentication, no share listing), except in deep mode: the
 * documented guest-session check of smb-guest.ts, then LOGOFF.
 */
import { randomBytes } from 'node:crypto';
import { BoxauditError } from '../errors.js';
import { protocolError, runProbe } from './run.js';
import { smbGuestSession } from './smb-guest.js';
import type { Framer, ProbeSocket } from './socket.js';
import type { ProbeOptions, ProbeResult } from './types.js';

export interface SmbProbeOptions extends ProbeOptions {
  /** Also try an SMB1 negotiate on a second connection (default true). */
  checkSmb1?: boolean;
  /** Deep mode (`--probe deep`): after the NEGOTIATE, try a guest session (smb-guest.ts), then LOGOFF. */
  deep?: boolean;
}

const DIALECTS = [0x0202, 0x0210, 0x0300, 0x0302, 0x0311] as const;

export function dialectName(code: number): string {
  if (code === 0x02ff) return 'SMB2-wildcard';
  const major = code >> 8;
  const minor = (code & 0xff).toString(16).padStart(2, '0');
  return `${major}.${minor[0]}.${minor[1]}`;
}

/** Prefix with the 4-byte Direct TCP transport header (MS-SMB2 2.1): zero, 24-bit length. */
function transport(message: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(message.length, 0);
  return Buffer.concat([header, message]);
}

/** The SMB2 NEGOTIATE request, Direct TCP framed, with a preauth-integrity context for 3.1.1. */
export function smb2NegotiateRequest(
  clientGuid: Buffer = randomBytes(16),
  salt: Buffer = randomBytes(32),
): Buffer {
  const header = Buffer.alloc(64);
  header.write('\xfeSMB', 0, 'latin1');
  header.writeUInt16LE(64, 4); // StructureSize
  header.writeUInt16LE(0x0000, 12); // Command: NEGOTIATE
  header.writeUInt16LE(1, 14); // CreditRequest
  const body = Buffer.alloc(36 + DIALECTS.length * 2);
  body.writeUInt16LE(36, 0); // StructureSize
  body.writeUInt16LE(DIALECTS.length, 2);
  body.writeUInt16LE(0x0001, 4); // SecurityMode: signing enabled (not required)
  clientGuid.copy(body, 12, 0, 16);
  for (const [i, dialect] of DIALECTS.entries()) body.writeUInt16LE(dialect, 36 + i * 2);
  const unaligned = 64 + body.length;
  const padding = Buffer.alloc((8 - (unaligned % 8)) % 8);
  const contextOffset = unaligned + padding.length;
  body.writeUInt32LE(contextOffset, 28); // NegotiateContextOffset
  body.writeUInt16LE(1, 32); // NegotiateContextCount
  const data = Buffer.alloc(6 + 32);
  data.writeUInt16LE(1, 0); // HashAlgorithmCount
  data.writeUInt16LE(32, 2); // SaltLength
  data.writeUInt16LE(0x0001, 4); // SHA-512
  salt.copy(data, 6, 0, 32);
  const context = Buffer.alloc(8);
  context.writeUInt16LE(0x0001, 0); // SMB2_PREAUTH_INTEGRITY_CAPABILITIES
  context.writeUInt16LE(data.length, 2);
  return transport(Buffer.concat([header, body, padding, context, data]));
}

/** The SMB1 NEGOTIATE request offering only "NT LM 0.12", Direct TCP framed. */
export function smb1NegotiateRequest(): Buffer {
  const header = Buffer.alloc(32);
  header.write('\xffSMB', 0, 'latin1');
  header[4] = 0x72; // SMB_COM_NEGOTIATE
  header[9] = 0x18; // Flags: case-insensitive, canonicalised paths
  header.writeUInt16LE(0xc001, 10); // Flags2: unicode, NT status codes, long names
  const dialects = Buffer.from('\x02NT LM 0.12\x00', 'latin1');
  const words = Buffer.from([0x00]); // WordCount 0
  const byteCount = Buffer.alloc(2);
  byteCount.writeUInt16LE(dialects.length, 0);
  return transport(Buffer.concat([header, words, byteCount, dialects]));
}

const MAX_MESSAGE = 65_536;

/** One Direct-TCP-framed message. */
const smbFramer: Framer = (buffer) => {
  if (buffer.length < 4) return undefined;
  if (buffer[0] !== 0x00) throw protocolError('SMB', `transport header type ${buffer[0]}`);
  const length = buffer.readUInt32BE(0) & 0xffffff;
  if (length > MAX_MESSAGE) throw protocolError('SMB', `message length ${length} over ${MAX_MESSAGE}`);
  return buffer.length >= 4 + length ? 4 + length : undefined;
};

async function smb1Accepted(socket: ProbeSocket): Promise<boolean> {
  await socket.write(smb1NegotiateRequest());
  const { bytes, error } = await socket.readAtMost(smbFramer);
  if (bytes.length === 0) {
    // Dropping the connection is how servers with SMB1 disabled (Samba's default) answer.
    if (error?.details.closed === true || error?.details.errno === 'ECONNRESET') return false;
    throw error ?? protocolError('SMB', 'no SMB1 reply');
  }
  const message = bytes.subarray(4);
  const protocol = message.subarray(0, 4).toString('latin1');
  if (protocol === '\xfeSMB') return false; // answered in SMB2 only
  if (protocol !== '\xffSMB' || message[4] !== 0x72) throw protocolError('SMB', 'unexpected SMB1 reply');
  if (message.readUInt32LE(5) !== 0) return false; // an error status
  const wordCount = message[32] ?? 0;
  if (wordCount === 0) return false;
  return message.readUInt16LE(33) === 0; // DialectIndex 0 = "NT LM 0.12" chosen; 0xFFFF = none
}

/** Probe SMB: `facts.dialect`, `signingRequired`, `signingEnabled`, `smb1Accepted`. */
export function probeSmb(host: string, port: number, options: SmbProbeOptions): Promise<ProbeResult> {
  return runProbe('smb', host, port, options, async (session) => {
    const facts = session.facts;
    const socket = await session.connect();
    await socket.write(smb2NegotiateRequest());
    const message = (await socket.read(smbFramer)).subarray(4);
    if (message.subarray(0, 4).toString('latin1') !== '\xfeSMB' || message.length < 64 + 64) {
      throw protocolError('SMB', 'not an SMB2 NEGOTIATE response');
    }
    const status = message.readUInt32LE(8);
    if (message.readUInt16LE(12) !== 0x0000) throw protocolError('SMB', 'reply is not to NEGOTIATE');
    facts.smb2Status = status;
    if (status === 0) {
      const securityMode = message.readUInt16LE(64 + 2);
      facts.dialect = dialectName(message.readUInt16LE(64 + 4));
      facts.signingEnabled = (securityMode & 0x0001) !== 0;
      facts.signingRequired = (securityMode & 0x0002) !== 0;
      if (options.deep === true) {
        try {
          await smbGuestSession(socket, smbFramer, facts);
        } catch (error) {
          if (error instanceof BoxauditError && error.code === 'BOXAUDIT_ABORTED') throw error;
          facts.guestSession = null; // unknown, never a guessed "no"
        }
      }
    }
    socket.destroy();
    if (options.checkSmb1 !== false) {
      try {
        facts.smb1Accepted = await smb1Accepted(await session.connect());
      } catch {
        facts.smb1Accepted = null; // unknown, never a guessed "no"
      }
    }
    return { status: 'confirmed', service: 'smb', facts };
  });
}
