/**
 * probeGateway against a loopback HTTP server standing in for a box's web interface: the one GET /
 * it makes, and the DNS check of known box names (through an injected resolver: no query leaves).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeGateway } from '../../src/discovery/fingerprint.js';
import { isLoopback } from '../../src/model/addresses.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

async function webInterface(): Promise<{ port: number; requests: string[] }> {
  const requests: string[] = [];
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} auth=${req.headers.authorization ?? 'none'}`);
    res.writeHead(200, { Server: 'Sagemcom Livebox', 'Content-Type': 'text/html' });
    res.end('<html><head><title>Livebox - Accueil</title></head><body></body></html>');
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { port: (server!.address() as AddressInfo).port, requests };
}

describe('probeGateway', () => {
  it('reads the Server header and title with one credential-free GET /', async () => {
    const web = await webInterface();
    const lookups: string[] = [];
    const probe = await probeGateway('127.0.0.1', {
      port: web.port,
      lookup: async (name) => {
        lookups.push(name);
        return [];
      },
    });
    expect(probe.httpBanner).toContain('server=Sagemcom Livebox');
    expect(probe.httpBanner).toContain('title=Livebox - Accueil');
    expect(web.requests).toEqual(['GET / auth=none']);
    // The default names of ISP boxes are not looked up for a loopback gateway.
    expect(lookups).toEqual([]);
    expect(probe.hostname).toBeNull();
  });

  it('names the first given host name that resolves to the gateway', async () => {
    const web = await webInterface();
    const probe = await probeGateway('127.0.0.1', {
      port: web.port,
      hostnames: ['fritz.box', 'livebox.home'],
      lookup: async (name) => (name === 'livebox.home' ? ['::ffff:127.0.0.1'] : ['192.168.178.1']),
    });
    expect(probe.hostname).toBe('livebox.home');
  });

  it('a closed port is a note, not an error', async () => {
    const web = await webInterface();
    await new Promise((r) => server!.close(r));
    server = undefined;
    const probe = await probeGateway('127.0.0.1', { port: web.port, hostnames: [] });
    expect(probe.httpBanner).toBeNull();
    expect(probe.notes.join(' ')).toMatch(/127\.0\.0\.1/);
  });
});

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['192.168.1.1', false],
    ['10.0.0.127', false],
    ['fe80::1', false],
  ])('%s → %s', (address, expected) => {
    expect(isLoopback(address)).toBe(expected);
  });
});
