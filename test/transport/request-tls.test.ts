/**
 * TLS trust of the bounded request core, seen through its three layers, against a loopback https
 * server whose self-signed certificate (and throwaway key) is made with openssl at test time
 * (test/tls-certificates.ts): no pin → refused naming the presented fingerprint and
 * `--tls-fingerprint`; the right pin → accepted by a `transport/rest.ts` client and a `transport/digest.ts` rawRequest;
 * a wrong pin → refused naming both fingerprints; nothing is written to the server before the
 * certificate is accepted.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../../src/transport/digest.js';
import { httpRequest } from '../../src/transport/http.js';
import { normalizeFingerprint } from '../../src/transport/request.js';
import { createRestClient, restTlsFrom } from '../../src/transport/rest.js';
import { failure } from '../adapters/helpers.js';
import { selfSignedCertificate } from '../tls-certificates.js';

let server: https.Server;
let url: string;
let cert: string;
let fingerprint: string; // AA:BB:… as Node prints it
const seen: string[] = [];

beforeAll(async () => {
  const made = selfSignedCertificate('console.lan');
  cert = made.cert;
  fingerprint = made.fingerprint256;
  server = https.createServer({ key: made.key, cert }, (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const WRONG = 'AB'.repeat(32);
const rest = (tls?: Parameters<typeof createRestClient>[0]['tls']) =>
  createRestClient({ adapter: 't', baseUrl: url, allowlist: ['GET /api'], ...(tls ? { tls } : {}) });
const raw = (tls?: { ca?: string; fingerprint256?: string }) =>
  rawRequest(`${url}/ubus`, { context: '[t] GET /ubus', ...(tls ? { tls } : {}) });

describe('TLS: untrusted self-signed certificate without a pin', () => {
  it('is refused by all three layers, naming the presented fingerprint and how to pin it', async () => {
    seen.length = 0;
    for (const p of [
      rest().request({ method: 'GET', path: '/api' }),
      raw(),
      httpRequest(`${url}/desc.xml`),
    ]) {
      const e = await failure(p);
      expect(e.code).toBe('BOXAUDIT_NETWORK');
      expect(e.message).toContain('TLS refused: certificate not trusted (DEPTH_ZERO_SELF_SIGNED_CERT');
      expect(e.message).toContain(`--tls-fingerprint ${fingerprint}`);
      expect(e.details).toMatchObject({ tls: true, fingerprint256: fingerprint });
      expect(e.details.errno).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    }
    expect(seen).toEqual([]); // nothing was written before the certificate was accepted
  });

  it('UPnP allowSelfSigned still accepts it knowingly', async () => {
    const res = await httpRequest(`${url}/desc.xml`, { allowSelfSigned: true });
    expect(res.body).toBe('{"ok":true}');
  });
});

describe('TLS: the right pin', () => {
  it('is accepted by a _rest client, in every accepted spelling', async () => {
    for (const pin of [fingerprint, fingerprint.replace(/:/g, '').toLowerCase()]) {
      const res = await rest({ fingerprint256: pin }).request({ method: 'GET', path: '/api' });
      expect(res.status).toBe(200);
      expect(res.body).toBe('{"ok":true}');
    }
  });

  it('is accepted by a _digest rawRequest', async () => {
    seen.length = 0;
    const res = await raw({ fingerprint256: fingerprint });
    expect(res.status).toBe(200);
    expect(seen).toEqual(['GET /ubus']);
  });

  it('wins over a CA that does not vouch for the certificate (chain not required, leaf must match)', async () => {
    const res = await rest({ ca: [], fingerprint256: fingerprint }).request({ method: 'GET', path: '/api' });
    expect(res.status).toBe(200);
  });
});

describe('TLS: a wrong pin', () => {
  it('is refused naming the presented and the expected fingerprint, never trusted silently', async () => {
    seen.length = 0;
    // Even with a CA that does vouch for the certificate: the pin decides.
    for (const p of [
      rest({ fingerprint256: WRONG, ca: cert, servername: 'console.lan' }).request({
        method: 'GET',
        path: '/api',
      }),
      raw({ fingerprint256: WRONG }),
    ]) {
      const e = await failure(p);
      expect(e.code).toBe('BOXAUDIT_NETWORK');
      expect(e.message).toContain(
        `TLS refused: the presented certificate's SHA-256 fingerprint ${fingerprint} does not match the pinned (expected) ${normalizeFingerprint(WRONG)}`,
      );
      expect(e.details).toMatchObject({
        tls: true,
        fingerprint256: fingerprint,
        expectedFingerprint256: normalizeFingerprint(WRONG),
      });
    }
    expect(seen).toEqual([]);
  });
});

describe('TLS: a CA and a name', () => {
  it('the certificate as CA, checked against servername when the URL holds an IP', async () => {
    const ok = await rest({ ca: cert, servername: 'console.lan' }).request({ method: 'GET', path: '/api' });
    expect(ok.status).toBe(200);
    const wrongName = await failure(
      rest({ ca: cert, servername: 'other.lan' }).request({ method: 'GET', path: '/api' }),
    );
    expect(wrongName.details.errno).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(wrongName.message).toContain('does not name this box');
  });

  it('restTlsFrom reads tlsCa / tlsFingerprint / tlsServername from target.options', () => {
    expect(restTlsFrom({})).toBeUndefined();
    expect(restTlsFrom({ options: { tlsServername: 'x.lan' } })).toBeUndefined();
    expect(restTlsFrom({ options: { tlsFingerprint: 'AA:BB' } }, 'box.lan')).toEqual({
      fingerprint256: 'AA:BB',
      servername: 'box.lan',
    });
    expect(restTlsFrom({ options: { tlsCa: 'PEM', tlsServername: 'x.lan' } }, 'box.lan')).toEqual({
      ca: 'PEM',
      servername: 'x.lan',
    });
  });
});
