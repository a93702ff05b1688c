/**
 * `--probe deep` on SMB: does the server let a made-up user in as its guest account? (A Samba with
 * `map to guest = Bad User`, a NAS with "guest access" on: anyone who reaches the port then opens
 * every share the guest may read.) On the connection the NEGOTIATE already opened (MS-SMB2 3.2.4.2):
 *
 * 1. SESSION_SETUP (2.2.5) carrying an NTLMSSP NEGOTIATE_MESSAGE (MS-NLMP 2.2.1.1), raw (no SPNEGO
 *    wrapper), and read the CHALLENGE_MESSAGE (2.2.1.2) from STATUS_MORE_PROCESSING_REQUIRED;
 * 2. SESSION_SETUP with an AUTHENTICATE_MESSAGE (2.2.1.3) for user `boxaudit-probe`, empty domain,
 *    an NTLMv2 response (3.3.2) computed with the EMPTY password (no real credential exists here),
 *    an all-zero LMv2 response (the server's target info carries a timestamp);
 * 3. when a session was set up: LOGOFF (2.2.7), then close.
 *
 * Facts: `guestSession` (true: the server answered STATUS_SUCCESS with SMB2_SESSION_FLAG_IS_GUEST;
 * false: a logon failure or any other refusal; null: the exchange broke), `guestSessionStatus`
 * (the NTSTATUS of the last SESSION_SETUP), `guestSessionFlags`. No TREE_CONNECT, no share
 * listing, no file opened: the session is closed as soon as its flags are read.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { protocolError } from './run.js';
import type { Framer, ProbeSocket } from './socket.js';
import type { ProbeFacts } from './types.js';

/** The user name offered: made up, so that only a "map unknown users to guest" server lets it in. */
export const GUEST_PROBE_USER = 'boxaudit-probe';
const WORKSTATION = 'BOXAUDIT';

const STATUS_SUCCESS = 0;
const STATUS_MORE_PROCESSING_REQUIRED = 0xc0000016;
const SESSION_FLAG_IS_GUEST = 0x0001;

// NTLMSSP negotiate flags (MS-NLMP 2.2.2.5).
const NEGOTIATE_UNICODE = 0x00000001;
const REQUEST_TARGET = 0x00000004;
const NEGOTIATE_NTLM = 0x00000200;
const NEGOTIATE_ALWAYS_SIGN = 0x00008000;
const NEGOTIATE_EXTENDED_SESSIONSECURITY = 0x00080000;
const NEGOTIATE_TARGET_INFO = 0x00800000;
const NEGOTIATE_128 = 0x20000000;
const NEGOTIATE_56 = 0x80000000;
const FLAGS =
  (NEGOTIATE_UNICODE |
    REQUEST_TARGET |
    NEGOTIATE_NTLM |
    NEGOTIATE_ALWAYS_SIGN |
    NEGOTIATE_EXTENDED_SESSIONSECURITY |
    NEGOTIATE_TARGET_INFO |
    NEGOTIATE_128 |
    NEGOTIATE_56) >>>
  0;

/** MD4 of the empty UTF-16LE password (the NT hash of ""), a constant: Node's OpenSSL 3 may lack MD4. */
const EMPTY_PASSWORD_NT_HASH = Buffer.from('31d6cfe0d16ae931b73c59d7e0c089c0', 'hex');
const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');

const hmacMd5 = (key: Buffer, ...data: Buffer[]): Buffer => {
  const h = createHmac('md5', key);
  for (const d of data) h.update(d);
  return h.digest();
};
const utf16 = (s: string): Buffer => Buffer.from(s, 'utf16le');

/** NTLMSSP NEGOTIATE_MESSAGE: no domain, no workstation, no version. */
export function ntlmNegotiate(): Buffer {
  const m = Buffer.alloc(32);
  SIGNATURE.copy(m, 0);
  m.writeUInt32LE(1, 8);
  m.writeUInt32LE(FLAGS, 12);
  // Domain and workstation fields: empty, offset at the end of the fixed part.
  m.writeUInt32LE(32, 20);
  m.writeUInt32LE(32, 28);
  return m;
}

/** The parts of a CHALLENGE_MESSAGE the AUTHENTICATE needs. */
export function parseNtlmChallenge(m: Buffer): {
  serverChallenge: Buffer;
  targetInfo: Buffer;
  flags: number;
} {
  if (m.length < 48 || !m.subarray(0, 8).equals(SIGNATURE) || m.readUInt32LE(8) !== 2) {
    throw protocolError('SMB', 'not an NTLMSSP CHALLENGE_MESSAGE');
  }
  const flags = m.readUInt32LE(20);
  const infoLength = m.readUInt16LE(40);
  const infoOffset = m.readUInt32LE(44);
  if (infoOffset + infoLength > m.length) throw protocolError('SMB', 'NTLMSSP target info out of bounds');
  return {
    serverChallenge: Buffer.from(m.subarray(24, 32)),
    targetInfo: Buffer.from(m.subarray(infoOffset, infoOffset + infoLength)),
    flags,
  };
}

/** A FILETIME (100 ns since 1601) for `now`. */
function fileTime(now: Date): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE((BigInt(now.getTime()) + 11_644_473_600_000n) * 10_000n);
  return b;
}

/** NTLMSSP AUTHENTICATE_MESSAGE for `user` with the empty password (NTLMv2, MS-NLMP 3.3.2). */
export function ntlmAuthenticate(
  challenge: { serverChallenge: Buffer; targetInfo: Buffer },
  user: string = GUEST_PROBE_USER,
  clientChallenge: Buffer = randomBytes(8),
  now: Date = new Date(),
): Buffer {
  const domain = '';
  const responseKey = hmacMd5(EMPTY_PASSWORD_NT_HASH, utf16(user.toUpperCase() + domain));
  const temp = Buffer.concat([
    Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]),
    fileTime(now),
    clientChallenge,
    Buffer.alloc(4),
    challenge.targetInfo,
    Buffer.alloc(4),
  ]);
  const proof = hmacMd5(responseKey, challenge.serverChallenge, temp);
  const fields: Buffer[] = [
    Buffer.alloc(24), // LmChallengeResponse: Z(24) (MsvAvTimestamp present)
    Buffer.concat([proof, temp]), // NtChallengeResponse
    utf16(domain),
    utf16(user),
    utf16(WORKSTATION),
    Buffer.alloc(0), // EncryptedRandomSessionKey: none (no key exchange negotiated)
  ];
  const head = Buffer.alloc(64);
  SIGNATURE.copy(head, 0);
  head.writeUInt32LE(3, 8);
  let offset = head.length;
  for (const [i, field] of fields.entries()) {
    const at = 12 + i * 8;
    head.writeUInt16LE(field.length, at);
    head.writeUInt16LE(field.length, at + 2);
    head.writeUInt32LE(offset, at + 4);
    offset += field.length;
  }
  head.writeUInt32LE(FLAGS, 60);
  return Buffer.concat([head, ...fields]);
}

/** An SMB2 request (64-byte header + body), Direct TCP framed. */
function smb2Request(command: number, messageId: number, sessionId: Buffer, body: Buffer): Buffer {
  const header = Buffer.alloc(64);
  header.write('\xfeSMB', 0, 'latin1');
  header.writeUInt16LE(64, 4);
  header.writeUInt16LE(1, 6); // CreditCharge
  header.writeUInt16LE(command, 12);
  header.writeUInt16LE(1, 14); // CreditRequest
  header.writeBigUInt64LE(BigInt(messageId), 24);
  sessionId.copy(header, 40, 0, 8);
  const message = Buffer.concat([header, body]);
  const framing = Buffer.alloc(4);
  framing.writeUInt32BE(message.length, 0);
  return Buffer.concat([framing, message]);
}

/** SESSION_SETUP request body (MS-SMB2 2.2.5) with `token` as its security buffer. */
function sessionSetupBody(token: Buffer): Buffer {
  const body = Buffer.alloc(24);
  body.writeUInt16LE(25, 0); // StructureSize
  body[3] = 0x01; // SecurityMode: signing enabled
  body.writeUInt16LE(64 + 24, 12); // SecurityBufferOffset
  body.writeUInt16LE(token.length, 14);
  return Buffer.concat([body, token]);
}

interface Smb2Reply {
  status: number;
  command: number;
  sessionId: Buffer;
  body: Buffer;
  message: Buffer;
}

async function readReply(socket: ProbeSocket, framer: Framer, command: number): Promise<Smb2Reply> {
  const message = (await socket.read(framer)).subarray(4);
  if (message.length < 64 + 2 || message.subarray(0, 4).toString('latin1') !== '\xfeSMB') {
    throw protocolError('SMB', 'not an SMB2 reply');
  }
  const reply = {
    status: message.readUInt32LE(8),
    command: message.readUInt16LE(12),
    sessionId: Buffer.from(message.subarray(40, 48)),
    body: message.subarray(64),
    message,
  };
  if (reply.command !== command)
    throw protocolError('SMB', `reply to command ${reply.command}, not ${command}`);
  return reply;
}

/** The security buffer of a SESSION_SETUP response (2.2.6), bounds-checked. */
function securityBuffer(reply: Smb2Reply): Buffer {
  if (reply.body.length < 8) throw protocolError('SMB', 'SESSION_SETUP response too short');
  const offset = reply.body.readUInt16LE(4);
  const length = reply.body.readUInt16LE(6);
  if (offset < 64 + 8 || offset + length > reply.message.length) {
    throw protocolError('SMB', 'SESSION_SETUP security buffer out of bounds');
  }
  return Buffer.from(reply.message.subarray(offset, offset + length));
}

/**
 * The guest check on a connection that has just negotiated (message id 0 used). Fills `facts`;
 * throws a protocol error on a broken exchange (the caller records `guestSession: null`).
 */
export async function smbGuestSession(socket: ProbeSocket, framer: Framer, facts: ProbeFacts): Promise<void> {
  const none = Buffer.alloc(8);
  await socket.write(smb2Request(0x0001, 1, none, sessionSetupBody(ntlmNegotiate())));
  const first = await readReply(socket, framer, 0x0001);
  if (first.status !== STATUS_MORE_PROCESSING_REQUIRED) {
    facts.guestSessionStatus = first.status;
    facts.guestSession = false;
    return;
  }
  const challenge = parseNtlmChallenge(securityBuffer(first));
  const session = first.sessionId;
  await socket.write(smb2Request(0x0001, 2, session, sessionSetupBody(ntlmAuthenticate(challenge))));
  const second = await readReply(socket, framer, 0x0001);
  facts.guestSessionStatus = second.status;
  if (second.status !== STATUS_SUCCESS) {
    facts.guestSession = false;
    return;
  }
  const flags = second.body.length >= 4 ? second.body.readUInt16LE(2) : 0;
  facts.guestSessionFlags = flags;
  facts.guestSession = (flags & SESSION_FLAG_IS_GUEST) !== 0;
  // A session exists: end it at once (LOGOFF, 2.2.7), then the caller closes the connection.
  const logoff = Buffer.alloc(4);
  logoff.writeUInt16LE(4, 0);
  await socket.write(smb2Request(0x0002, 3, second.sessionId, logoff));
  const { bytes } = await socket.readAtMost(framer);
  facts.guestLoggedOff = bytes.length >= 4 + 12 && bytes.readUInt32LE(4 + 8) === STATUS_SUCCESS;
}
