import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { familyForPort, probeService, probeServices } from '../../src/probes/index.js';
import { BOUNDS, freePort, LOOPBACK_SCOPE } from './peers.js';

describe('familyForPort', () => {
  it('maps well-known ports and says nothing for others', () => {
    expect(familyForPort(104)).toBe('dicom');
    expect(familyForPort(8042)).toBe('http');
    expect(familyForPort(5001)).toBe('https');
    expect(familyForPort(3389)).toBe('rdp');
    expect(familyForPort(445)).toBe('smb');
    expect(familyForPort(5900)).toBe('vnc');
    expect(familyForPort(12345)).toBeNull();
  });
});

describe('probeService / probeServices', () => {
  let server: Server;
  let port = 0;
  let open = 0;
  let peak = 0;
  beforeAll(async () => {
    server = createServer((socket) => {
      open++;
      peak = Math.max(peak, open);
      socket.on('error', () => {});
      // Counted down when the server answers: the client only moves on after that.
      setTimeout(() => {
        open--;
        socket.end('SSH-2.0-Loopback_1.0\r\n');
      }, 50);
    });
    port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('dispatches by family', async () => {
    const result = await probeService('127.0.0.1', port, 'ssh', { scope: LOOPBACK_SCOPE, ...BOUNDS });
    expect(result).toMatchObject({
      family: 'ssh',
      status: 'confirmed',
      facts: { sshSoftware: 'Loopback_1.0' },
    });
  });

  it('keeps order, bounds concurrency, and skips what is out of scope', async () => {
    const closed = await freePort();
    const targets = [
      ...Array.from({ length: 6 }, () => ({ host: '127.0.0.1', port, family: 'ssh' as const })),
      { host: '127.0.0.1', port: closed, family: 'ftp' as const },
      { host: '192.168.1.10', port: 22, family: 'ssh' as const },
    ];
    peak = 0;
    const results = await probeServices(targets, { scope: LOOPBACK_SCOPE, ...BOUNDS, concurrency: 2 });
    expect(results.map((r) => r.status)).toEqual([...Array(6).fill('confirmed'), 'silent', 'skipped']);
    expect(results[7]).toMatchObject({ reason: 'OUT_OF_SCOPE', bytesSent: 0 });
    expect(peak).toBeLessThanOrEqual(2);
  });
});
