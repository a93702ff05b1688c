/**
 * MongoDB, MS SQL Server and memcached greetings (src/probes/db-greetings.ts) against loopback
 * responders written here from each protocol's specification (MongoDB Wire Protocol OP_QUERY /
 * OP_REPLY and BSON; MS-TDS 2.2.6.5 PRELOGIN; memcached's protocol.txt `version`): none of these
 * servers is installed here. Each responder checks what the probe sent before answering.
 */
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bsonTopLevel,
  mongoIsMasterQuery,
  probeMemcached,
  probeMongodb,
  probeMssql,
  tdsPrelogin,
} from '../../src/probes/db-greetings.js';
import { familyForPort } from '../../src/probes/index.js';
import { BOUNDS, closeResponders, LOOPBACK_SCOPE, serve } from './peers.js';

const options = { scope: LOOPBACK_SCOPE, ...BOUNDS };
const received: Buffer[] = [];
afterEach(async () => {
  received.length = 0;
  await closeResponders();
});

/** Answer once, after the whole request (`size` bytes) came. */
function respondAfter(size: number, answer: (request: Buffer) => Buffer | null): Promise<number> {
  return serve((socket: Socket) => {
    let got = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      got = Buffer.concat([got, chunk]);
      if (got.length < size) return;
      received.push(got);
      const reply = answer(got);
      if (reply) socket.write(reply);
      else socket.end();
    });
  });
}

/** A BSON document from [type, name, value bytes] elements. */
function bson(elements: Array<[number, string, Buffer]>): Buffer {
  const body = Buffer.concat(
    elements.map(([type, name, value]) =>
      Buffer.concat([Buffer.from([type]), Buffer.from(`${name}\0`), value]),
    ),
  );
  const doc = Buffer.alloc(4 + body.length + 1);
  doc.writeInt32LE(doc.length, 0);
  body.copy(doc, 4);
  return doc;
}
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n, 0);
  return b;
};
const double = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(n, 0);
  return b;
};
const string = (s: string) => Buffer.concat([int32(Buffer.byteLength(s) + 1), Buffer.from(`${s}\0`)]);

/** OP_REPLY (opcode 1) to request `responseTo` with one document. */
function opReply(responseTo: number, doc: Buffer): Buffer {
  const body = Buffer.alloc(20);
  body.writeInt32LE(1, 16); // numberReturned
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + body.length + doc.length, 0);
  header.writeInt32LE(99, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(1, 12);
  return Buffer.concat([header, body, doc]);
}

describe('MongoDB isMaster (responder from the MongoDB Wire Protocol)', () => {
  it('the query is OP_QUERY admin.$cmd { isMaster: 1 }; the reply gives the wire version and replica set', async () => {
    const request = mongoIsMasterQuery();
    expect(request.readInt32LE(0)).toBe(request.length);
    expect(request.readInt32LE(12)).toBe(2004);
    expect(request.includes(Buffer.from('admin.$cmd\0'))).toBe(true);
    expect(bsonTopLevel(request.subarray(request.indexOf(Buffer.from('admin.$cmd\0')) + 11 + 8))).toEqual({
      isMaster: 1,
    });
    const port = await respondAfter(request.length, (got) => {
      const doc = bson([
        [0x08, 'ismaster', Buffer.from([1])],
        [0x03, 'topologyVersion', bson([[0x10, 'counter', int32(0)]])],
        [0x10, 'maxWireVersion', int32(21)],
        [0x02, 'setName', string('rs0\u001b[2J')],
        [0x01, 'ok', double(1)],
      ]);
      return opReply(got.readInt32LE(4), doc);
    });
    const result = await probeMongodb('127.0.0.1', port, options);
    expect(result).toMatchObject({ status: 'confirmed', service: 'mongodb', bytesSent: request.length });
    expect(result.facts).toEqual({
      mongoIsMaster: true,
      mongoMaxWireVersion: 21,
      mongoSetName: 'rs0 [2J',
      mongoRouter: false,
      mongoOk: true,
    });
  });

  it('a web server there is a different service; an answer that is not an OP_REPLY, or a BSON length out of bounds, is an error', async () => {
    const size = mongoIsMasterQuery().length;
    const web = await respondAfter(size, () => Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'));
    expect(await probeMongodb('127.0.0.1', web, options)).toMatchObject({
      status: 'different',
      service: 'http',
    });
    // An OP_MSG (2013) where an OP_REPLY (1) is due.
    const port = await respondAfter(size, (got) => {
      const reply = opReply(got.readInt32LE(4), bson([[0x01, 'ok', double(1)]]));
      reply.writeInt32LE(2013, 12);
      return reply;
    });
    expect((await probeMongodb('127.0.0.1', port, options)).status).toBe('error');
    const broken = Buffer.from(bson([[0x10, 'maxWireVersion', int32(21)]]));
    broken.writeInt32LE(9999, 0);
    expect(() => bsonTopLevel(broken)).toThrow(/BSON length/);
  });
});

describe('MS SQL Server PRELOGIN (responder from MS-TDS 2.2.6.5)', () => {
  /** A PRELOGIN answer: VERSION major.minor.build, ENCRYPTION `enc`. */
  function preloginAnswer(major: number, minor: number, build: number, enc: number): Buffer {
    const version = Buffer.alloc(6);
    version[0] = major;
    version[1] = minor;
    version.writeUInt16BE(build, 2);
    const tokens = Buffer.from([0x00, 0, 11, 0, 6, 0x01, 0, 17, 0, 1, 0xff]);
    const payload = Buffer.concat([tokens, version, Buffer.from([enc])]);
    const header = Buffer.from([0x04, 0x01, 0, 0, 0, 0, 1, 0]);
    header.writeUInt16BE(8 + payload.length, 2);
    return Buffer.concat([header, payload]);
  }

  it('sends PRELOGIN (no LOGIN7) and reads the version and the encryption setting', async () => {
    const request = tdsPrelogin();
    expect(request[0]).toBe(0x12);
    expect(request.readUInt16BE(2)).toBe(request.length);
    const port = await respondAfter(request.length, () => preloginAnswer(16, 0, 4135, 0x02));
    const result = await probeMssql('127.0.0.1', port, options);
    expect(result).toMatchObject({ status: 'confirmed', service: 'mssql', bytesSent: request.length });
    expect(result.facts).toEqual({ mssqlVersion: '16.0.4135', encryption: 'not-supported' });
    expect(received[0]!.equals(request)).toBe(true);
  });

  it('an option pointing outside the packet is an error', async () => {
    const bad = preloginAnswer(15, 0, 2000, 3);
    bad.writeUInt16BE(400, 8 + 1); // VERSION offset far outside
    const port = await respondAfter(tdsPrelogin().length, () => bad);
    expect(await probeMssql('127.0.0.1', port, options)).toMatchObject({ status: 'error' });
  });
});

describe('memcached version (responder from protocol.txt)', () => {
  it('sends `version` only and reads VERSION: no authentication on the text protocol', async () => {
    const port = await respondAfter('version\r\n'.length, (got) =>
      got.toString() === 'version\r\n' ? Buffer.from('VERSION 1.6.18\r\n') : Buffer.from('ERROR\r\n'),
    );
    const result = await probeMemcached('127.0.0.1', port, options);
    expect(result).toMatchObject({ status: 'confirmed', service: 'memcached', bytesSent: 9 });
    expect(result.facts).toEqual({ serverVersion: '1.6.18', authRequired: false });
  });

  it('ERROR (a server that does not speak the text protocol) is not confirmed', async () => {
    const port = await respondAfter(1, () => Buffer.from('ERROR\r\n'));
    expect((await probeMemcached('127.0.0.1', port, options)).status).not.toBe('confirmed');
  });

  it('the rules’ ports reach these probes', () => {
    expect([27017, 1433, 11211].map(familyForPort)).toEqual(['mongodb', 'mssql', 'memcached']);
  });
});
