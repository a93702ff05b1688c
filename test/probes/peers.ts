/**
 * Real peers for the probe tests, started on 127.0.0.1 by the test itself and stopped after it.
 * Does not import vitest. Nothing here talks to anything but loopback.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProbeScope } from '../../src/probes/types.js';

/** The tests' scope: their own loopback servers, admitted through the test-only door. */
export const LOOPBACK_SCOPE: ProbeScope = { lanPrefixes: [], testOnlyPrefixes: ['127.0.0.0/8'] };

/** Short bounds so a broken peer fails the test quickly. */
export const BOUNDS = { connectTimeoutMs: 2000, readTimeoutMs: 4000 } as const;

/** A free TCP port on 127.0.0.1 (the kernel picks it; released before the peer binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => done(true));
  });
}

export interface Peer {
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Spawn `command`, wait (bounded) until 127.0.0.1:`port` accepts connections. */
export async function startPeer(
  command: string,
  args: string[],
  port: number,
  timeoutMs = 20_000,
  spawnOptions: {
    /** Own process group: for daemons (smbd) that signal their whole group when they stop. */
    detached?: boolean;
    /** A file descriptor for stdin (default: none). */
    stdin?: number;
  } = {},
): Promise<Peer> {
  const child = spawn(command, args, {
    stdio: [spawnOptions.stdin ?? 'ignore', 'pipe', 'pipe'],
    detached: spawnOptions.detached === true,
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const stop = async () => {
    if (exited) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${command} exited before listening on ${port}: ${output}`);
    if (await canConnect(port)) return { process: child, output: () => output, stop };
    await new Promise((r) => setTimeout(r, 150));
  }
  await stop();
  throw new Error(`${command} did not listen on ${port} within ${timeoutMs} ms: ${output}`);
}

/** Whether a peer binary is present; the reason to print when it is not. */
export function peerBinary(path: string): { available: boolean; reason: string } {
  return existsSync(path)
    ? { available: true, reason: '' }
    : { available: false, reason: `${path} is not installed (see .ci/run APT_PACKAGES)` };
}

/** Start Orthanc on loopback ports with its own temp storage; no plugins. */
export async function startOrthanc(
  extra: Record<string, unknown>,
): Promise<{ peer: Peer; dicomPort: number; httpPort: number; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'boxaudit-orthanc-'));
  const dicomPort = await freePort();
  const httpPort = await freePort();
  const config = {
    Name: 'boxaudit-test',
    StorageDirectory: join(dir, 'db'),
    IndexDirectory: join(dir, 'db'),
    Plugins: [],
    HttpPort: httpPort,
    DicomPort: dicomPort,
    DicomAet: 'ORTHANC',
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    ...extra,
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const peer = await startPeer('/usr/sbin/Orthanc', [join(dir, 'config.json')], httpPort, 30_000);
  return { peer, dicomPort, httpPort, dir };
}

const responders: Server[] = [];
const responderSockets: Socket[] = [];

/**
 * A loopback responder written from a protocol's specification, for services no real server here
 * speaks: listens on 127.0.0.1, ignores socket errors; `closeResponders()` ends it, sockets and all.
 */
export function serve(onConnection: (socket: Socket) => void): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer((socket) => {
      responderSockets.push(socket);
      socket.on('error', () => {});
      onConnection(socket);
    });
    responders.push(server);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

export async function closeResponders(): Promise<void> {
  for (const socket of responderSockets.splice(0)) socket.destroy();
  await Promise.all(responders.splice(0).map((s) => new Promise((r) => s.close(r))));
}
