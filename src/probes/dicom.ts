/**
 * DICOM probe (PS3.7, PS3.8): A-ASSOCIATE-RQ for the Verification SOP class from a made-up calling
 * AE title to a generic called AE title, C-ECHO-RQ if accepted, then A-RELEASE-RQ. Records whether
 * an association from an unknown AE title is accepted: that is what makes a PACS readable by anyone
 * who reaches it. Never sends C-FIND, C-MOVE, C-GET or C-STORE.
 */
import { VERSION } from '../version.js';
import { protocolError, runProbe } from './run.js';
import type { ProbeSocket } from './socket.js';
import { printable } from './text.js';
import type { ProbeFacts, ProbeOptions, ProbeResult } from './types.js';

export const VERIFICATION_SOP_CLASS = '1.2.840.10008.1.1';
export const DICOM_APPLICATION_CONTEXT = '1.2.840.10008.3.1.1.1';
export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
/** boxaudit's own Implementation Class UID: a UUID-derived UID (PS3.5 B.2, root 2.25). */
export const BOXAUDIT_IMPLEMENTATION_CLASS_UID = '2.25.136840524233924760044110369541756873834';
/** Default AE titles: a calling title no PACS can have been told about, and a generic called title. */
export const DEFAULT_CALLING_AE = 'BOXAUDIT-PROBE';
export const DEFAULT_CALLED_AE = 'ANY-SCP';
/** Largest PDU the probe accepts (and announces as its maximum length). */
const MAX_PDU = 16_384;

export interface DicomProbeOptions extends ProbeOptions {
  /** Calling AE title (1–16 characters, ASCII printable). Default {@link DEFAULT_CALLING_AE}. */
  callingAeTitle?: string;
  /** Called AE title. Default {@link DEFAULT_CALLED_AE}. */
  calledAeTitle?: string;
}

const REJECT_RESULT: Record<number, string> = { 1: 'rejected-permanent', 2: 'rejected-transient' };
const REJECT_SOURCE: Record<number, string> = {
  1: 'service-user',
  2: 'service-provider-acse',
  3: 'service-provider-presentation',
};
const REJECT_REASON: Record<number, Record<number, string>> = {
  1: {
    1: 'no-reason-given',
    2: 'application-context-name-not-supported',
    3: 'calling-ae-title-not-recognized',
    7: 'called-ae-title-not-recognized',
  },
  2: { 1: 'no-reason-given', 2: 'protocol-version-not-supported' },
  3: { 1: 'temporary-congestion', 2: 'local-limit-exceeded' },
};
const CONTEXT_RESULT: Record<number, string> = {
  0: 'acceptance',
  1: 'user-rejection',
  2: 'no-reason',
  3: 'abstract-syntax-not-supported',
  4: 'transfer-syntaxes-not-supported',
};
const ABORT_SOURCE: Record<number, string> = { 0: 'service-user', 2: 'service-provider' };

function aeTitle(title: string): Buffer {
  if (!/^[\x20-\x7e]{1,16}$/.test(title) || title.trim() === '' || title.includes('\\')) {
    throw new RangeError(`AE title ${JSON.stringify(title)} is not 1-16 printable characters`);
  }
  return Buffer.from(title.padEnd(16, ' '), 'ascii');
}

function item(type: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header[0] = type;
  header.writeUInt16BE(value.length, 2);
  return Buffer.concat([header, value]);
}

const ascii = (text: string) => Buffer.from(text, 'ascii');

/** The A-ASSOCIATE-RQ PDU (PS3.8 9.3.2). */
export function associateRequest(calledAe: string, callingAe: string, version = VERSION): Buffer {
  const applicationContext = item(0x10, ascii(DICOM_APPLICATION_CONTEXT));
  const presentationContext = item(
    0x20,
    Buffer.concat([
      Buffer.from([0x01, 0x00, 0x00, 0x00]), // presentation context id 1, reserved
      item(0x30, ascii(VERIFICATION_SOP_CLASS)),
      item(0x40, ascii(IMPLICIT_VR_LITTLE_ENDIAN)),
    ]),
  );
  const maxLength = Buffer.alloc(4);
  maxLength.writeUInt32BE(MAX_PDU, 0);
  const versionName = `BOXAUDIT_${version}`.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 16);
  const userInformation = item(
    0x50,
    Buffer.concat([
      item(0x51, maxLength),
      item(0x52, ascii(BOXAUDIT_IMPLEMENTATION_CLASS_UID)),
      item(0x55, ascii(versionName)),
    ]),
  );
  const fixed = Buffer.alloc(68);
  fixed.writeUInt16BE(0x0001, 0); // protocol version
  aeTitle(calledAe).copy(fixed, 4);
  aeTitle(callingAe).copy(fixed, 20);
  return pdu(0x01, Buffer.concat([fixed, applicationContext, presentationContext, userInformation]));
}

function pdu(type: number, body: Buffer): Buffer {
  const header = Buffer.alloc(6);
  header[0] = type;
  header.writeUInt32BE(body.length, 2);
  return Buffer.concat([header, body]);
}

function element(tag: number, value: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16LE(0x0000, 0);
  header.writeUInt16LE(tag, 2);
  header.writeUInt32LE(value.length, 4);
  return Buffer.concat([header, value]);
}

const us = (value: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(value, 0);
  return b;
};

/** A UI value padded with one NUL to an even length (PS3.5 9.1). */
const ui = (uid: string) => Buffer.from(uid.length % 2 === 1 ? `${uid}\0` : uid, 'ascii');

/** C-ECHO-RQ (PS3.7 9.3.5) in one P-DATA-TF PDV: a command set, Implicit VR Little Endian, last fragment. */
export function echoRequest(messageId = 1): Buffer {
  const elements = Buffer.concat([
    element(0x0002, ui(VERIFICATION_SOP_CLASS)), // Affected SOP Class UID
    element(0x0100, us(0x0030)), // Command Field: C-ECHO-RQ
    element(0x0110, us(messageId)), // Message ID
    element(0x0800, us(0x0101)), // Command Data Set Type: no data set
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(elements.length, 0);
  const command = Buffer.concat([element(0x0000, groupLength), elements]);
  const pdv = Buffer.alloc(6);
  pdv.writeUInt32BE(command.length + 2, 0);
  pdv[4] = 0x01; // presentation context id
  pdv[5] = 0x03; // command, last fragment
  return pdu(0x04, Buffer.concat([pdv, command]));
}

/** A-RELEASE-RQ (PS3.8 9.3.6). */
export const RELEASE_REQUEST = pdu(0x05, Buffer.alloc(4));

/** Frames one PDU: 6-byte header with a 32-bit length, capped. */
function pduFramer(buffer: Buffer): number | undefined {
  if (buffer.length < 6) return undefined;
  const type = buffer[0]!;
  if (type < 0x01 || type > 0x07 || buffer[1] !== 0x00)
    throw protocolError('DICOM', `PDU type ${type} unknown`);
  const length = buffer.readUInt32BE(2);
  if (length > MAX_PDU) throw protocolError('DICOM', `PDU length ${length} over ${MAX_PDU}`);
  return buffer.length >= 6 + length ? 6 + length : undefined;
}

/** Sub-items of a variable field: [type, value][]; malformed lengths throw. */
function items(body: Buffer, where: string): Array<[number, Buffer]> {
  const out: Array<[number, Buffer]> = [];
  let offset = 0;
  while (offset < body.length) {
    if (offset + 4 > body.length) throw protocolError('DICOM', `${where}: truncated item header`);
    const type = body[offset]!;
    const length = body.readUInt16BE(offset + 2);
    if (offset + 4 + length > body.length)
      throw protocolError('DICOM', `${where}: item 0x${type.toString(16)} overruns`);
    out.push([type, body.subarray(offset + 4, offset + 4 + length)]);
    offset += 4 + length;
    if (out.length > 64) throw protocolError('DICOM', `${where}: too many items`);
  }
  return out;
}

/** Facts from an A-ASSOCIATE-AC (PS3.8 9.3.3). */
export function parseAssociateAccept(message: Buffer, facts: ProbeFacts): void {
  const body = message.subarray(6);
  if (body.length < 68) throw protocolError('DICOM', 'A-ASSOCIATE-AC shorter than its fixed part');
  for (const [type, value] of items(body.subarray(68), 'A-ASSOCIATE-AC')) {
    if (type === 0x21 && value.length >= 4) {
      const result = value[2]!;
      facts.presentationContextResult = CONTEXT_RESULT[result] ?? `code-${result}`;
      const transfer = items(value.subarray(4), 'presentation context').find(([t]) => t === 0x40);
      if (transfer) facts.transferSyntax = printable(transfer[1], 64);
    } else if (type === 0x50) {
      for (const [subType, subValue] of items(value, 'user information')) {
        if (subType === 0x51 && subValue.length === 4) facts.peerMaxPduLength = subValue.readUInt32BE(0);
        if (subType === 0x52) facts.peerImplementationClassUid = printable(subValue, 64);
        if (subType === 0x55) facts.peerImplementationVersion = printable(subValue, 16);
      }
    }
  }
}

/** Facts from the command set of a C-ECHO-RSP (P-DATA-TF PDVs already joined). */
export function parseEchoResponse(command: Buffer, facts: ProbeFacts): void {
  let offset = 0;
  let field: number | null = null;
  while (offset + 8 <= command.length) {
    const group = command.readUInt16LE(offset);
    const tag = command.readUInt16LE(offset + 2);
    const length = command.readUInt32LE(offset + 4);
    const value = command.subarray(offset + 8, offset + 8 + length);
    if (group !== 0x0000 || value.length !== length)
      throw protocolError('DICOM', 'malformed C-ECHO-RSP command set');
    if (tag === 0x0100 && length === 2) field = value.readUInt16LE(0);
    if (tag === 0x0900 && length === 2) facts.echoStatus = value.readUInt16LE(0);
    offset += 8 + length;
  }
  if (field !== 0x8030) throw protocolError('DICOM', `expected C-ECHO-RSP, got command field ${field}`);
}

/** Read P-DATA-TF PDUs until a command fragment marked last; returns the joined command set. */
async function readCommand(socket: ProbeSocket): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let pdus = 0; pdus < 16; pdus++) {
    const message = await socket.read(pduFramer);
    if (message[0] !== 0x04) throw new UnexpectedPdu(message);
    let offset = 6;
    while (offset + 6 <= message.length) {
      const length = message.readUInt32BE(offset);
      if (length < 2 || offset + 4 + length > message.length)
        throw protocolError('DICOM', 'PDV item overruns');
      const control = message[offset + 5]!;
      parts.push(message.subarray(offset + 6, offset + 4 + length));
      offset += 4 + length;
      if ((control & 0x01) === 0x01 && (control & 0x02) === 0x02) return Buffer.concat(parts);
    }
  }
  throw protocolError('DICOM', 'no complete command within 16 PDUs');
}

class UnexpectedPdu extends Error {
  constructor(readonly pdu: Buffer) {
    super(`unexpected PDU type ${pdu[0]}`);
  }
}

function abortFacts(message: Buffer, facts: ProbeFacts): void {
  const source = message[8] ?? -1;
  facts.abortSource = ABORT_SOURCE[source] ?? `code-${source}`;
  facts.abortReason = message[9] ?? null;
}

/**
 * Probe a DICOM peer. `confirmed` whenever the peer speaks DICOM (accepting, rejecting or aborting);
 * `facts.associationAccepted` says whether it accepted an association from an unknown AE title.
 */
export async function probeDicom(
  host: string,
  port: number,
  options: DicomProbeOptions,
): Promise<ProbeResult> {
  const callingAe = options.callingAeTitle ?? DEFAULT_CALLING_AE;
  const calledAe = options.calledAeTitle ?? DEFAULT_CALLED_AE;
  const request = associateRequest(calledAe, callingAe);
  return runProbe('dicom', host, port, options, async (session) => {
    const facts = session.facts;
    facts.callingAeTitle = callingAe;
    facts.calledAeTitle = calledAe;
    const socket = await session.connect();
    await socket.write(request);
    const reply = await socket.read(pduFramer);
    const type = reply[0];
    if (type === 0x03) {
      const result = reply[7] ?? 0;
      const source = reply[8] ?? 0;
      const reason = reply[9] ?? 0;
      facts.associationAccepted = false;
      facts.rejectResult = REJECT_RESULT[result] ?? `code-${result}`;
      facts.rejectSource = REJECT_SOURCE[source] ?? `code-${source}`;
      facts.rejectReason = REJECT_REASON[source]?.[reason] ?? `code-${reason}`;
      return { status: 'confirmed', service: 'dicom', facts };
    }
    if (type === 0x07) {
      facts.associationAccepted = false;
      abortFacts(reply, facts);
      return { status: 'confirmed', service: 'dicom', facts };
    }
    if (type !== 0x02) throw protocolError('DICOM', `expected A-ASSOCIATE-AC/RJ, got PDU type ${type}`);
    facts.associationAccepted = true;
    parseAssociateAccept(reply, facts);
    if (facts.presentationContextResult === 'acceptance') {
      await socket.write(echoRequest(1));
      try {
        parseEchoResponse(await readCommand(socket), facts);
      } catch (error) {
        if (!(error instanceof UnexpectedPdu)) throw error;
        if (error.pdu[0] === 0x07) abortFacts(error.pdu, facts);
        facts.echoStatus = null;
        return { status: 'confirmed', service: 'dicom', facts };
      }
    }
    try {
      await socket.write(RELEASE_REQUEST);
      facts.released = (await socket.read(pduFramer))[0] === 0x06;
    } catch {
      facts.released = false; // the association facts above stand; the peer just did not release cleanly
    }
    return { status: 'confirmed', service: 'dicom', facts };
  });
}
