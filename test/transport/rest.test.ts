/**
 * The shared REST transport of the French box adapters (src/transport/rest.ts) against small
 * loopback HTTP servers: allowlist enforcement before sending, the call named in errors,
 * verbatim cookies (Livebox names contain a slash), secret redaction.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRestClient, parseSetCookies, retryAfterMs } from '../../src/transport/rest.js';
import { failure } from '../adapters/helpers.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(handler: Handler): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url} cookie=${req.headers.cookie ?? ''}`);
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('rest client', () => {
  it('refuses a call off the allowlist before anything reaches the box', async () => {
    const box = await serve((_q, r) => r.end('{}'));
    const rest = createRestClient({ adapter: 't', baseUrl: box.url, allowlist: ['GET /api/read'] });
    const post = await failure(rest.request({ method: 'POST', path: '/api/read' }));
    expect(post.code).toBe('BOXAUDIT_NOT_ALLOWED');
    const other = await failure(rest.request({ method: 'GET', path: '/api/write?x=1' }));
    expect(other.code).toBe('BOXAUDIT_NOT_ALLOWED');
    const rpc = createRestClient({ adapter: 't', baseUrl: box.url, allowlist: ['POST /ws Firewall.getDMZ'] });
    expect(
      (await failure(rpc.request({ method: 'POST', path: '/ws', operation: 'Firewall.setDMZ' }))).code,
    ).toBe('BOXAUDIT_NOT_ALLOWED');
    expect(box.seen).toEqual([]);
    await rest.request({ method: 'GET', path: '/api/read' });
    expect(box.seen).toHaveLength(1);
    expect(rest.trace.calls).toEqual(['GET /api/read']);
  });

  it('keeps slash-named cookies verbatim and sends them back; redacts their values', async () => {
    const box = await serve((req, res) => {
      if (req.url === '/login')
        res.setHeader('set-cookie', ['abc/sessid=VALUE-123456; path=/', 'other=x2y3z4w5']);
      res.end('{}');
    });
    const rest = createRestClient({
      adapter: 't',
      baseUrl: box.url,
      allowlist: ['POST /login', 'GET /data'],
    });
    await rest.request({ method: 'POST', path: '/login' });
    await rest.request({ method: 'GET', path: '/data' });
    expect(box.seen[1]).toBe('GET /data cookie=abc/sessid=VALUE-123456; other=x2y3z4w5');
    expect(rest.cookieNames()).toEqual(['abc/sessid', 'other']);
    expect(rest.redact('x VALUE-123456 y')).toBe('x [redacted] y');
  });

  // Cap, deadline, abort and redirects in depth: test/transport/request.test.ts (the shared core).
  it('names the call in a deadline error and returns a redirect as the answer', async () => {
    const slow = await serve(() => undefined);
    const redirect = await serve((_q, r) => {
      r.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' });
      r.end();
    });
    const t = await failure(
      createRestClient({ adapter: 't', baseUrl: slow.url, allowlist: ['GET /x'], timeoutMs: 200 }).request({
        method: 'GET',
        path: '/x',
      }),
    );
    expect(t.code).toBe('BOXAUDIT_TIMEOUT');
    expect(t.message).toMatch(/\[t\] GET \/x .*timed out after 200 ms/);
    const r = await createRestClient({ adapter: 't', baseUrl: redirect.url, allowlist: ['GET /x'] }).request({
      method: 'GET',
      path: '/x',
    });
    expect(r.status).toBe(302);
    expect(redirect.seen).toHaveLength(1);
  });

  it('refuses credentials in the URL', () => {
    expect(() =>
      createRestClient({ adapter: 't', baseUrl: 'http://admin:pw@127.0.0.1', allowlist: [] }),
    ).toThrow(/credentials in the URL/);
  });

  it('parses Set-Cookie and Retry-After', () => {
    expect(parseSetCookies(['BBOX_ID=abc; Path=/; HttpOnly', 'bad'])).toEqual([['BBOX_ID', 'abc']]);
    expect(retryAfterMs('5')).toBe(5000);
    expect(retryAfterMs(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8000);
    expect(retryAfterMs('soon')).toBeNull();
  });
});
