/**
 * Database greetings: PostgreSQL against a real postgres (initdb into a temp dir, run as the
 * postgres user on 127.0.0.1, TLS on with a throwaway certificate); MySQL and Redis against
 * loopback responders written here from their protocol documentation (no server installed here).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probeMysql, probePostgres, probeRedis } from '../../src/probes/database.js';
import { selfSignedCertificate } from '../tls-certificates.js';
import { BOUNDS, closeResponders, freePort, LOOPBACK_SCOPE, type Peer, serve, startPeer } from './peers.js';

const options = { scope: LOOPBACK_SCOPE, ...BOUNDS };
const received: Buffer[] = [];
afterEach(async () => {
  received.length = 0;
  await closeResponders();
});

/** A responder that also keeps what the probe sent. */
function serveRecording(onConnection: (socket: Socket) => void): Promise<number> {
  return serve((socket) => {
    socket.on('data', (chunk) => received.push(chunk));
    onConnection(socket);
  });
}

function mysqlPacket(payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  return Buffer.concat([header, payload]);
}

describe('MySQL greeting (responder from the MySQL client/server protocol)', () => {
  it('reads the server version from Handshake v10 and sends nothing', async () => {
    const payload = Buffer.concat([
      Buffer.from([10]),
      Buffer.from('10.11.6-MariaDB-0+deb12u1\0'),
      Buffer.alloc(40),
    ]);
    const port = await serveRecording((socket) => socket.write(mysqlPacket(payload)));
    const result = await probeMysql('127.0.0.1', port, options);
    expect(result).toMatchObject({ status: 'confirmed', service: 'mysql', bytesSent: 0 });
    expect(result.facts).toMatchObject({ serverVersion: '10.11.6-MariaDB-0+deb12u1', mariadb: true });
  });

  it('an ERR greeting (host not allowed) is still MySQL, with its code and message', async () => {
    const message = Buffer.from("Host '10.0.0.9' is not allowed to connect to this MySQL server");
    const port = await serveRecording((socket) =>
      socket.end(mysqlPacket(Buffer.concat([Buffer.from([0xff, 0x6a, 0x04]), message]))),
    );
    const result = await probeMysql('127.0.0.1', port, options);
    expect(result.facts).toMatchObject({ mysqlErrorCode: 1130 });
    expect(String(result.facts.mysqlErrorMessage)).toMatch(/not allowed/);
  });
});

describe('Redis PING (responder from the RESP documentation)', () => {
  const redis = (reply: string) =>
    serveRecording((socket) =>
      socket.once('data', (chunk) => chunk.toString() === 'PING\r\n' && socket.write(reply)),
    );

  it('+PONG: commands run without authentication', async () => {
    const result = await probeRedis('127.0.0.1', await redis('+PONG\r\n'), options);
    expect(result).toMatchObject({ status: 'confirmed', service: 'redis', facts: { authRequired: false } });
    expect(Buffer.concat(received).toString()).toBe('PING\r\n');
  });

  it('-NOAUTH: a password is required', async () => {
    const result = await probeRedis(
      '127.0.0.1',
      await redis('-NOAUTH Authentication required.\r\n'),
      options,
    );
    expect(result.facts).toMatchObject({ authRequired: true, errorCode: 'NOAUTH', protectedMode: false });
  });
});

const postgresBin = '/usr/lib/postgresql/15/bin';
const postgres = existsSync(join(postgresBin, 'postgres'))
  ? { available: true, reason: '' }
  : { available: false, reason: `${postgresBin}/postgres is not installed` };
if (!postgres.available && process.env.CI) {
  it('has PostgreSQL (CI must run the real database)', () => {
    throw new Error(postgres.reason);
  });
}

describe.skipIf(!postgres.available)(
  `PostgreSQL SSLRequest against a real postgres ${postgres.reason}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'boxaudit-probe-pg-'));
    const data = join(dir, 'data');
    let peer: Peer | null = null;
    let port = 0;
    beforeAll(async () => {
      const { uid, gid } = {
        uid: Number(execFileSync('id', ['-u', 'postgres'])),
        gid: Number(execFileSync('id', ['-g', 'postgres'])),
      };
      chownSync(dir, uid, gid);
      execFileSync(
        'runuser',
        ['-u', 'postgres', '--', join(postgresBin, 'initdb'), '-A', 'reject', '-D', data],
        {
          stdio: 'pipe',
        },
      );
      const cert = selfSignedCertificate('127.0.0.1');
      for (const [name, text] of [
        ['server.crt', cert.cert],
        ['server.key', cert.key],
      ] as const) {
        writeFileSync(join(data, name), text);
        chownSync(join(data, name), uid, gid);
        chmodSync(join(data, name), 0o600);
      }
      port = await freePort();
      peer = await startPeer(
        'runuser',
        [
          '-u',
          'postgres',
          '--',
          join(postgresBin, 'postgres'),
          '-D',
          data,
          '-p',
          String(port),
          '-k',
          dir,
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'ssl=on',
        ],
        port,
      );
    });
    afterAll(async () => {
      await peer?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers S (TLS available) to the 8-byte SSLRequest; no startup message is sent', async () => {
      const result = await probePostgres('127.0.0.1', port, options);
      expect(result).toMatchObject({ status: 'confirmed', service: 'postgres', bytesSent: 8 });
      expect(result.facts).toEqual({ tlsAvailable: true });
    });
  },
);
