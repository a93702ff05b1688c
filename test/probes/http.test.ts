/**
 * The HTTP/HTTPS probe against loopback servers: Node's http/https servers playing typical pages
 * (their bodies are written here, not copied), and the real Orthanc's web server when installed.
 */

import { rmSync } from 'node:fs';
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { createServer as createRaw, type Server as NetServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probeHttp } from '../../src/probes/http.js';
import { certificateFromTestRoot, selfSignedCertificate } from '../tls-certificates.js';
import { BOUNDS, LOOPBACK_SCOPE, type Peer, peerBinary, startOrthanc } from './peers.js';

const options = { scope: LOOPBACK_SCOPE, ...BOUNDS };
const servers: NetServer[] = [];
const seen: IncomingMessage[] = [];
afterEach(async () => {
  seen.length = 0;
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function listen(server: NetServer): Promise<number> {
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}
const http = (handler: Handler) =>
  listen(
    createHttp((req, res) => {
      seen.push(req);
      handler(req, res);
    }),
  );

describe('HTTP probe', () => {
  it('reads status, Server, title and recognises the product; sends no credentials', async () => {
    const port = await http((_req, res) => {
      res.writeHead(200, { server: 'nginx', 'content-type': 'text/html' });
      res.end('<html><head><title>Synology&nbsp;DiskStation\u202e</title></head><body>x</body></html>');
    });
    const result = await probeHttp('127.0.0.1', port, options);
    expect(result).toMatchObject({ status: 'confirmed', service: 'http', reason: null });
    expect(result.facts).toMatchObject({
      statusCode: 200,
      authRequired: false,
      server: 'nginx',
      title: 'Synology DiskStation',
      products: ['synology-dsm'],
      bodyComplete: true,
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('GET');
    expect(seen[0]!.url).toBe('/');
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(seen[0]!.headers.cookie).toBeUndefined();
  });

  it('says authentication is required, with the schemes and realm, on a 401', async () => {
    const port = await http((_req, res) => {
      res.writeHead(401, {
        'www-authenticate': ['Digest realm="cam", qop="auth", nonce="abc"', 'Basic realm="cam"'],
        server: 'App-webs/',
      });
      res.end();
    });
    const result = await probeHttp('127.0.0.1', port, options);
    expect(result.facts).toMatchObject({
      statusCode: 401,
      authRequired: true,
      authSchemes: ['Digest', 'Basic'],
      realm: 'cam',
      products: ['hikvision'],
    });
  });

  it('follows one redirect on the same origin, never one off the host', async () => {
    const port = await http((req, res) => {
      if (req.url === '/') {
        res.writeHead(302, { location: '/app/explorer.html' });
        res.end();
      } else {
        res.writeHead(200, { 'transfer-encoding': 'chunked' });
        res.write('<title>Orthanc');
        res.end(' Explorer</title>');
      }
    });
    const result = await probeHttp('127.0.0.1', port, options);
    expect(result.facts).toMatchObject({
      statusCode: 302,
      location: '/app/explorer.html',
      followedPath: '/app/explorer.html',
      finalStatusCode: 200,
      title: 'Orthanc Explorer',
      products: ['orthanc'],
      redirectOffHost: false,
    });
    expect(seen.map((r) => r.url)).toEqual(['/', '/app/explorer.html']);

    const offHost = await http((_req, res) => {
      res.writeHead(301, { location: 'http://203.0.113.7/login' });
      res.end();
    });
    const away = await probeHttp('127.0.0.1', offHost, options);
    expect(away.facts).toMatchObject({
      statusCode: 301,
      location: 'http://203.0.113.7/login',
      redirectOffHost: true,
    });
    expect(away.facts).not.toHaveProperty('followedPath');
  });

  it('stops reading an endless page at the byte cap and keeps what it read', async () => {
    const port = await http((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<title>Reolink</title>');
      const chunk = 'x'.repeat(4096);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const result = await probeHttp('127.0.0.1', port, { ...options, maxBytes: 20_000 });
    expect(result).toMatchObject({ status: 'confirmed' });
    expect(result.facts).toMatchObject({ title: 'Reolink', products: ['reolink'], bodyComplete: false });
    expect(result.bytesReceived).toBeLessThan(200_000);
  });

  it('hostile pages: a malformed status line is an error; entities and controls are neutralised', async () => {
    const raw = (reply: string) =>
      listen(
        createRaw((socket) => {
          socket.on('error', () => {});
          socket.resume(); // consume the request, or the socket never sees the probe's close
          socket.end(reply, 'latin1');
        }),
      );
    const garbage = await raw('HTTP/1.1 OK\r\n\r\n');
    expect(await probeHttp('127.0.0.1', garbage, options)).toMatchObject({
      status: 'error',
      service: 'http',
    });

    const body = '<title>&#x202e;Login&#0;&#27;[2J &amp; more&lt;</title>';
    const port = await raw(
      `HTTP/1.1 200 OK\r\nServer: x\x07\x1b[31m${'A'.repeat(500)}\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    const result = await probeHttp('127.0.0.1', port, options);
    expect(result.facts.title).toBe('Login&#0; [2J & more<');
    expect(String(result.facts.server)).toMatch(/^x \[31mAAAA/);
    expect(String(result.facts.server).length).toBeLessThanOrEqual(120);
  });

  it('a TLS port probed as plain HTTP is different, not confirmed', async () => {
    const cert = selfSignedCertificate('127.0.0.1');
    const port = await listen(createHttps({ key: cert.key, cert: cert.cert }, (_q, s) => s.end('ok')));
    const result = await probeHttp('127.0.0.1', port, options);
    expect(result.status).not.toBe('confirmed');
  });
});

describe('HTTPS probe', () => {
  it('reads the self-signed certificate without trusting it', async () => {
    const cert = selfSignedCertificate('127.0.0.1');
    const port = await listen(
      createHttps({ key: cert.key, cert: cert.cert }, (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<title>QNAP QTS</title>');
      }),
    );
    const result = await probeHttp('127.0.0.1', port, { ...options, tls: true });
    expect(result).toMatchObject({ status: 'confirmed', service: 'https' });
    expect(result.facts).toMatchObject({
      certSubjectCn: '127.0.0.1',
      certIssuerCn: '127.0.0.1',
      certSelfSigned: true,
      certFingerprint256: cert.fingerprint256,
      title: 'QNAP QTS',
      products: ['qnap-qts'],
    });
    expect(Date.parse(String(result.facts.certNotAfter))).toBeGreaterThan(Date.now());
    expect(result.facts.certSubjectAltNames).toEqual(['IP Address:127.0.0.1']);
  });

  it('tells a certificate issued by a CA from a self-signed one', async () => {
    const cert = certificateFromTestRoot('127.0.0.1');
    const port = await listen(createHttps({ key: cert.key, cert: cert.cert }, (_q, s) => s.end('')));
    const result = await probeHttp('127.0.0.1', port, { ...options, tls: true });
    expect(result.facts.certSelfSigned).toBe(false);
    expect(result.facts.certIssuerCn).not.toBe(result.facts.certSubjectCn);
  });

  it('a plain HTTP port probed over TLS is different (TLS_ERROR)', async () => {
    const port = await http((_req, res) => res.end('plain'));
    const result = await probeHttp('127.0.0.1', port, { ...options, tls: true });
    expect(result).toMatchObject({ status: 'different', reason: 'TLS_ERROR' });
  });
});

const orthanc = peerBinary('/usr/sbin/Orthanc');
if (!orthanc.available && process.env.CI) {
  it('has Orthanc (CI must run the real PACS)', () => {
    throw new Error(orthanc.reason);
  });
}

describe.skipIf(!orthanc.available)(`HTTP probe against Orthanc ${orthanc.reason}`, () => {
  const started: Array<{ peer: Peer; dir: string }> = [];
  let open = { httpPort: 0 };
  let locked = { httpPort: 0 };
  beforeAll(async () => {
    const a = await startOrthanc({});
    // A throwaway account only so that Orthanc asks for authentication; the probe never sends it.
    const b = await startOrthanc({ AuthenticationEnabled: true, RegisteredUsers: { probe: 'not-a-secret' } });
    started.push(a, b);
    open = a;
    locked = b;
  });
  afterAll(async () => {
    for (const { peer, dir } of started) {
      await peer.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('recognises Orthanc Explorer open to anyone', async () => {
    const result = await probeHttp('127.0.0.1', open.httpPort, options);
    expect(result.status).toBe('confirmed');
    expect(result.facts.authRequired).toBe(false);
    expect(result.facts.products).toContain('orthanc');
  });

  it('recognises an Orthanc that requires authentication', async () => {
    const result = await probeHttp('127.0.0.1', locked.httpPort, options);
    expect(result.facts).toMatchObject({ statusCode: 401, authRequired: true, authSchemes: ['Basic'] });
    expect(result.facts.products).toContain('orthanc');
  });
});
