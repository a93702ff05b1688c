/**
 * Database greetings, without credentials and without a login:
 * - MySQL/MariaDB: the server speaks first (Protocol::Handshake v10, or an ERR packet such as
 *   "Host … is not allowed to connect"); nothing is sent.
 * - PostgreSQL: an SSLRequest (8 bytes; protocol 3 "SSLRequest" code 80877103) and its one-byte
 *   answer (`S` TLS available / `N` not). No StartupMessage: that would be a login attempt.
 * - Redis: `PING` (inline command) and its first reply line: `+PONG` means commands run without
 *   authentication; `-NOAUTH …` means a password is required.
 */
import { askLine, crlfLine, protocolError, runProbe } from './run.js';
import type { Framer } from './socket.js';
import { printable } from './text.js';
import type { ProbeOptions, ProbeResult } from './types.js';

/** One MySQL packet: 3-byte little-endian length, sequence id, payload (capped at 16 KiB). */
const mysqlFramer: Framer = (buffer) => {
  if (buffer.length < 4) return undefined;
  const length = buffer.readUIntLE(0, 3);
  if (length > 16_384) throw protocolError('MySQL', `greeting of ${length} bytes`);
  return buffer.length >= 4 + length ? 4 + length : undefined;
};

export function probeMysql(host: string, port: number, options: ProbeOptions): Promise<ProbeResult> {
  return runProbe('mysql', host, port, options, async (session) => {
    const facts = session.facts;
    const socket = await session.connect();
    const payload = (await socket.read(mysqlFramer)).subarray(4);
    const kind = payload[0];
    if (kind === 0xff && payload.length >= 3) {
      facts.mysqlErrorCode = payload.readUInt16LE(1);
      const message = payload
        .subarray(3)
        .toString('utf8')
        .replace(/^#[0-9A-Z]{5}/, '');
      facts.mysqlErrorMessage = printable(message, 160);
      return { status: 'confirmed', service: 'mysql', facts };
    }
    if (kind !== 10) throw protocolError('MySQL', `handshake protocol ${kind}`);
    const end = payload.indexOf(0, 1);
    if (end < 0) throw protocolError('MySQL', 'server version not terminated');
    facts.mysqlProtocol = 10;
    facts.serverVersion = printable(payload.subarray(1, end), 80);
    facts.mariadb = /mariadb/i.test(String(facts.serverVersion));
    return { status: 'confirmed', service: 'mysql', facts };
  });
}

/** The 8-byte PostgreSQL SSLRequest. */
export const POSTGRES_SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

export function probePostgres(host: string, port: number, options: ProbeOptions): Promise<ProbeResult> {
  return runProbe('postgres', host, port, options, async (session) => {
    const facts = session.facts;
    const socket = await session.connect();
    await socket.write(POSTGRES_SSL_REQUEST);
    const answer = (await socket.read((b) => (b.length >= 1 ? 1 : undefined)))[0];
    if (answer !== 0x53 && answer !== 0x4e)
      throw protocolError('PostgreSQL', 'SSLRequest answer is not S or N');
    facts.tlsAvailable = answer === 0x53;
    return { status: 'confirmed', service: 'postgres', facts };
  });
}

/** The first RESP line (`+…`, `-…`), at most 512 bytes. */
const lineFramer = crlfLine('Redis', 512);

export function probeRedis(host: string, port: number, options: ProbeOptions): Promise<ProbeResult> {
  return runProbe('redis', host, port, options, async (session) => {
    const facts = session.facts;
    const line = await askLine(session, 'PING', lineFramer);
    if (line === '+PONG') {
      facts.authRequired = false;
    } else if (line.startsWith('-')) {
      facts.errorCode = printable(line.slice(1).split(' ')[0]!, 32);
      facts.authRequired = /^-(NOAUTH|WRONGPASS)\b/.test(line) ? true : null;
      facts.protectedMode = /^-DENIED\b/.test(line);
    } else {
      throw protocolError('Redis', 'PING reply is neither +PONG nor an error');
    }
    return { status: 'confirmed', service: 'redis', facts };
  });
}
