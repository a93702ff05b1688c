/**
 * More database greetings, without credentials and without a login (issue 13):
 * - MongoDB (27017): the legacy handshake every server version answers before authentication, an
 *   OP_QUERY (opcode 2004) of `{ isMaster: 1 }` on `admin.$cmd` (MongoDB Wire Protocol; 5.1+ keeps
 *   OP_QUERY for this one command), and its OP_REPLY: `ismaster`, `maxWireVersion`, `setName`,
 *   `msg` (`isdbgrid` for a mongos). No other command (no listDatabases: that would read data).
 * - MS SQL Server (1433): a TDS PRELOGIN message (MS-TDS 2.2.6.5) with a zero client version,
 *   encryption off, the default instance, and its answer: the server version and its encryption
 *   setting (`required`, `on`, `off`, `not-supported`). No LOGIN7: no login attempt.
 * - memcached (11211): the text command `version` and its one-line answer (`VERSION 1.6.18`):
 *   memcached has no authentication on its text protocol, so an answer means anyone who reaches it
 *   can read and change the cache. Nothing else is sent (no `stats`, no `get`).
 */
import { askLine, crlfLine, protocolError, runProbe } from './run.js';
import type { Framer } from './socket.js';
import { printable } from './text.js';
import type { ProbeFacts, ProbeOptions, ProbeResult } from './types.js';

// --- MongoDB ---------------------------------------------------------------------------------

/** `{ isMaster: 1 }` as BSON (int32 length, element 0x10 "isMaster" int32 1, terminator). */
function isMasterDocument(): Buffer {
  const name = Buffer.from('isMaster\0', 'latin1');
  const doc = Buffer.alloc(4 + 1 + name.length + 4 + 1);
  doc.writeInt32LE(doc.length, 0);
  doc[4] = 0x10;
  name.copy(doc, 5);
  doc.writeInt32LE(1, 5 + name.length);
  return doc;
}

/** OP_QUERY `admin.$cmd` `{ isMaster: 1 }`, numberToReturn -1 (one document, close the cursor). */
export function mongoIsMasterQuery(requestId = 1): Buffer {
  const collection = Buffer.from('admin.$cmd\0', 'latin1');
  const body = Buffer.concat([Buffer.alloc(4), collection, Buffer.alloc(8), isMasterDocument()]);
  body.writeInt32LE(-1, 4 + collection.length + 4); // numberToReturn
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + body.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(2004, 12); // OP_QUERY
  return Buffer.concat([header, body]);
}

const MAX_MONGO_REPLY = 48 * 1024;

const mongoFramer: Framer = (buffer) => {
  if (buffer.length < 4) return undefined;
  const length = buffer.readInt32LE(0);
  if (length < 16 || length > MAX_MONGO_REPLY) throw protocolError('MongoDB', `message length ${length}`);
  return buffer.length >= length ? length : undefined;
};

/** The top-level fields of a BSON document this probe reads (bool, int32, int64, double, string); others skipped. */
export function bsonTopLevel(doc: Buffer): Record<string, boolean | number | string> {
  if (doc.length < 5) throw protocolError('MongoDB', 'BSON document too short');
  const total = doc.readInt32LE(0);
  if (total < 5 || total > doc.length) throw protocolError('MongoDB', 'BSON length out of bounds');
  const out: Record<string, boolean | number | string> = {};
  let at = 4;
  let fields = 0;
  while (at < total - 1) {
    if (++fields > 256) throw protocolError('MongoDB', 'BSON document with too many fields');
    const type = doc[at]!;
    const nameEnd = doc.indexOf(0, at + 1);
    if (nameEnd < 0 || nameEnd >= total) throw protocolError('MongoDB', 'BSON field name not terminated');
    const name = doc.subarray(at + 1, nameEnd).toString('utf8');
    at = nameEnd + 1;
    const need = (n: number) => {
      if (at + n > total) throw protocolError('MongoDB', 'BSON value out of bounds');
    };
    switch (type) {
      case 0x01: // double
        need(8);
        out[name] = doc.readDoubleLE(at);
        at += 8;
        break;
      case 0x02: {
        // string: int32 length (with the NUL), bytes
        need(4);
        const length = doc.readInt32LE(at);
        if (length < 1) throw protocolError('MongoDB', 'BSON string length');
        need(4 + length);
        out[name] = doc.subarray(at + 4, at + 4 + length - 1).toString('utf8');
        at += 4 + length;
        break;
      }
      case 0x03: // embedded document
      case 0x04: {
        // array: skipped by its length
        need(4);
        const length = doc.readInt32LE(at);
        if (length < 5) throw protocolError('MongoDB', 'BSON embedded length');
        need(length);
        at += length;
        break;
      }
      case 0x07: // ObjectId
        need(12);
        at += 12;
        break;
      case 0x08:
        need(1);
        out[name] = doc[at] === 1;
        at += 1;
        break;
      case 0x09: // UTC datetime
      case 0x11: // timestamp
      case 0x12: // int64
        need(8);
        if (type === 0x12) out[name] = Number(doc.readBigInt64LE(at));
        at += 8;
        break;
      case 0x0a: // null
        break;
      case 0x10:
        need(4);
        out[name] = doc.readInt32LE(at);
        at += 4;
        break;
      default:
        throw protocolError('MongoDB', `BSON type 0x${type.toString(16)} not read`);
    }
  }
  return out;
}

export function probeMongodb(host: string, port: number, options: ProbeOptions): Promise<ProbeResult> {
  return runProbe('mongodb', host, port, options, async (session) => {
    const facts = session.facts;
    const socket = await session.connect();
    await socket.write(mongoIsMasterQuery());
    const reply = await socket.read(mongoFramer);
    if (reply.length < 36 || reply.readInt32LE(12) !== 1 || reply.readInt32LE(8) !== 1) {
      throw protocolError('MongoDB', 'not an OP_REPLY to the query');
    }
    if (reply.readInt32LE(32) < 1) throw protocolError('MongoDB', 'OP_REPLY without a document');
    const doc = bsonTopLevel(reply.subarray(36));
    const str = (v: unknown, max: number) => (typeof v === 'string' ? printable(v, max) : null);
    facts.mongoIsMaster = typeof doc.ismaster === 'boolean' ? doc.ismaster : null;
    facts.mongoMaxWireVersion = typeof doc.maxWireVersion === 'number' ? doc.maxWireVersion : null;
    facts.mongoSetName = str(doc.setName, 64);
    facts.mongoRouter = doc.msg === 'isdbgrid';
    facts.mongoOk = doc.ok === 1;
    if (facts.mongoOk !== true && facts.mongoMaxWireVersion === null) {
      throw protocolError('MongoDB', 'isMaster reply without ok or maxWireVersion');
    }
    return { status: 'confirmed', service: 'mongodb', facts };
  });
}

// --- MS SQL Server -------------------------------------------------------------------------------

/** PRELOGIN (TDS packet type 0x12): VERSION 0.0.0.0, ENCRYPTION off, INSTOPT "" (default), THREADID 0. */
export function tdsPrelogin(): Buffer {
  const options: Array<[number, Buffer]> = [
    [0x00, Buffer.alloc(6)], // VERSION (client: zero), SUBBUILD
    [0x01, Buffer.from([0x00])], // ENCRYPTION: ENCRYPT_OFF
    [0x02, Buffer.from([0x00])], // INSTOPT: the default instance
    [0x03, Buffer.alloc(4)], // THREADID
  ];
  let offset = options.length * 5 + 1;
  const tokens: Buffer[] = [];
  for (const [token, data] of options) {
    const t = Buffer.alloc(5);
    t[0] = token;
    t.writeUInt16BE(offset, 1);
    t.writeUInt16BE(data.length, 3);
    tokens.push(t);
    offset += data.length;
  }
  const payload = Buffer.concat([...tokens, Buffer.from([0xff]), ...options.map(([, d]) => d)]);
  const header = Buffer.alloc(8);
  header[0] = 0x12;
  header[1] = 0x01; // EOM
  header.writeUInt16BE(8 + payload.length, 2);
  header[6] = 1; // PacketID
  return Buffer.concat([header, payload]);
}

const tdsFramer: Framer = (buffer) => {
  if (buffer.length < 8) return undefined;
  const length = buffer.readUInt16BE(2);
  if (length < 8) throw protocolError('TDS', `packet length ${length}`);
  return buffer.length >= length ? length : undefined;
};

const ENCRYPTION = ['off', 'on', 'not-supported', 'required'] as const;

/** The PRELOGIN answer's options: `mssqlVersion`, `encryption`. */
export function parsePreloginAnswer(packet: Buffer, facts: ProbeFacts): void {
  if (packet[0] !== 0x04)
    throw protocolError('TDS', `packet type 0x${(packet[0] ?? 0).toString(16)}, not a reply`);
  const payload = packet.subarray(8);
  for (let at = 0, n = 0; at < payload.length && payload[at] !== 0xff; at += 5, n++) {
    if (n > 32 || at + 5 > payload.length) throw protocolError('TDS', 'PRELOGIN option list not terminated');
    const token = payload[at]!;
    const offset = payload.readUInt16BE(at + 1);
    const length = payload.readUInt16BE(at + 3);
    if (offset + length > payload.length) throw protocolError('TDS', 'PRELOGIN option out of bounds');
    const data = payload.subarray(offset, offset + length);
    if (token === 0x00 && length >= 4) facts.mssqlVersion = `${data[0]}.${data[1]}.${data.readUInt16BE(2)}`;
    if (token === 0x01 && length >= 1)
      facts.encryption = ENCRYPTION[data[0]!] ?? `0x${data[0]!.toString(16)}`;
  }
  if (facts.mssqlVersion === undefined) throw protocolError('TDS', 'PRELOGIN answer without a version');
}

export function probeMssql(host: string, port: number, options: ProbeOptions): Promise<ProbeResult> {
  return runProbe('mssql', host, port, options, async (session) => {
    const facts = session.facts;
    const socket = await session.connect();
    await socket.write(tdsPrelogin());
    parsePreloginAnswer(await socket.read(tdsFramer), facts);
    return { status: 'confirmed', service: 'mssql', facts };
  });
}

// --- memcached -----------------------------------------------------------------------------------

const memcachedLine = crlfLine('memcached', 256);

export function probeMemcached(host: string, port: number, options: ProbeOptions): Promise<ProbeResult> {
  return runProbe('memcached', host, port, options, async (session) => {
    const facts = session.facts;
    const line = await askLine(session, 'version', memcachedLine);
    const m = /^VERSION (\S{1,64})$/.exec(line);
    if (!m) throw protocolError('memcached', 'the answer to "version" is not VERSION …');
    facts.serverVersion = printable(m[1]!, 64);
    // The text protocol has no authentication: it answered, so anyone who reaches it can use it.
    facts.authRequired = false;
    return { status: 'confirmed', service: 'memcached', facts };
  });
}
