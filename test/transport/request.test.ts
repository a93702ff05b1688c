/**
 * The bounded request core (src/transport/request.ts) that `transport/http.ts` (UPnP), `transport/rest.ts` (vendor
 * REST) and `transport/digest.ts` (TR-064, ubus) are built on, against small loopback servers: size cap
 * (declared and streamed), deadline (a slow drip included), the caller's abort, no redirect
 * followed, a reply cut mid-body, http(s) only. Layer-specific behaviour (HTTP_STATUS, allowlist,
 * cookies, Digest) stays in the layers' own tests.
 */
import { getEventListeners } from 'node:events';
import http from 'node:http';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PinnedTarget } from '../../src/transport/pin.js';
import { boundedRequest } from '../../src/transport/request.js';
import { failure } from '../adapters/helpers.js';

const servers: http.Server[] = [];
const rawServers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  for (const s of rawServers.splice(0)) await new Promise((r) => s.close(r));
});

/** A TCP server that answers whatever bytes it is given once the request head is in: embedded servers. */
async function serveRaw(answer: (socket: Socket) => void): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((socket) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n\r\n')) {
        requests.push(text);
        answer(socket);
      }
    });
    socket.on('error', () => undefined);
  });
  rawServers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

async function serve(handler: http.RequestListener): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

// The request's own URL checks come first: an unusable URL gets a pin elsewhere, never used.
const pinOf = (url: string): PinnedTarget => {
  try {
    return new PinnedTarget(url);
  } catch {
    return new PinnedTarget('http://127.0.0.1');
  }
};

const get = (url: string, more: Partial<Parameters<typeof boundedRequest>[0]> = {}) =>
  boundedRequest({
    method: 'GET',
    url,
    timeoutMs: 2000,
    maxBytes: 1000,
    context: '[t] GET x',
    pin: pinOf(url),
    ...more,
  });

describe('boundedRequest', () => {
  it('returns status, headers and body; sends the body with its length', async () => {
    const box = await serve((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.setHeader('x-len', String(req.headers['content-length']));
        res.end(`got ${Buffer.concat(chunks).toString()}`);
      });
    });
    const res = await get(`${box.url}/p?q=1`, { method: 'POST', body: 'héllo' });
    expect(res).toMatchObject({ status: 200, body: 'got héllo' });
    expect(res.headers['x-len']).toBe('6');
    expect(box.seen).toEqual(['POST /p?q=1']);
  });

  it('refuses a declared length over the cap before reading', async () => {
    const box = await serve((_q, r) => {
      r.writeHead(200, { 'content-length': 5000 });
      r.end('x'.repeat(5000));
    });
    const e = await failure(get(box.url, { details: { call: 'GET /x' } }));
    expect(e.code).toBe('BOXAUDIT_TOO_LARGE');
    expect(e.message).toBe('[t] GET x: reply body exceeds the 1000-byte cap');
    expect(e.details).toEqual({ call: 'GET /x', maxBytes: 1000 });
  });

  it('counts a chunked body while streaming and stops at the cap', async () => {
    const box = await serve((_q, r) => {
      r.writeHead(200); // no content-length: chunked
      for (let i = 0; i < 20; i++) r.write('y'.repeat(100));
      r.end();
    });
    expect((await failure(get(box.url))).code).toBe('BOXAUDIT_TOO_LARGE');
    expect((await get(box.url, { maxBytes: 2000 })).body).toHaveLength(2000);
  });

  it('the deadline covers a slow drip of the body, not only the headers', async () => {
    const box = await serve((_q, r) => {
      r.writeHead(200, { 'content-length': 100 });
      const t = setInterval(() => r.write('z'), 50);
      r.on('close', () => clearInterval(t));
    });
    const started = Date.now();
    const e = await failure(get(box.url, { timeoutMs: 300 }));
    expect(e.code).toBe('BOXAUDIT_TIMEOUT');
    expect(e.message).toBe('[t] GET x timed out after 300 ms');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("the caller's signal aborts with BOXAUDIT_ABORTED, before or during the exchange", async () => {
    const box = await serve(() => undefined);
    const ac = new AbortController();
    const p = get(box.url, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    const e = await failure(p);
    expect(e.code).toBe('BOXAUDIT_ABORTED');
    expect(e.message).toBe('[t] GET x was aborted');
    const before = await failure(get(box.url, { signal: AbortSignal.abort() }));
    expect(before.code).toBe('BOXAUDIT_ABORTED');
    expect(box.seen).toHaveLength(1); // the pre-aborted request never left
  });

  it('follows no redirect: a 3xx is the answer', async () => {
    const target = await serve((_q, r) => r.end('moved here'));
    const box = await serve((_q, r) => {
      r.writeHead(302, { location: `${target.url}/elsewhere` });
      r.end();
    });
    const res = await get(`${box.url}/a`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`${target.url}/elsewhere`);
    expect(target.seen).toEqual([]);
  });

  it('a connection cut mid-body is a network error', async () => {
    const box = await serve((_q, r) => {
      r.writeHead(200, { 'content-length': 100 });
      r.write('partial');
      setTimeout(() => r.socket?.destroy(), 20);
    });
    const e = await failure(get(box.url, { details: { url: box.url } }));
    expect(e.code).toBe('BOXAUDIT_NETWORK');
    expect(e.message).toMatch(/^\[t\] GET x: reply cut off/);
    expect(e.details.url).toBe(box.url);
  });

  it('a refused connection is a network error naming the errno; messages pass through redact', async () => {
    const box = await serve(() => undefined);
    const port = new URL(box.url).port;
    await new Promise((r) => servers.pop()!.close(r));
    const e = await failure(
      get(box.url, {
        context: '[t] GET x SECRET-VALUE',
        redact: (t) => t.replace('SECRET-VALUE', '[redacted]'),
      }),
    );
    expect(e.code).toBe('BOXAUDIT_NETWORK');
    expect(e.details.errno).toBe('ECONNREFUSED');
    expect(e.message).toContain(`127.0.0.1:${port}`);
    expect(e.message).not.toContain('SECRET-VALUE');
  });

  it('reads what embedded servers send: LF-only lines, a body ended by closing the connection', async () => {
    const box = await serveRaw((socket) => socket.end('HTTP/1.0 200 OK\nServer: tiny\n\n<root/>'));
    const res = await get(`${box.url}/desc.xml`);
    expect(res).toMatchObject({ status: 200, body: '<root/>', headers: { server: 'tiny' } });
    // One request per connection, closed after: the request says so.
    expect(box.requests[0]).toMatch(
      /^GET \/desc\.xml HTTP\/1\.1\r\nhost: 127\.0\.0\.1:\d+\r\nConnection: close\r\n\r\n$/,
    );
  });

  it('no reply, or a reply that is not HTTP, is a network error saying which', async () => {
    const silent = await serveRaw((socket) => socket.end());
    const hangUp = await failure(get(silent.url));
    expect(hangUp.code).toBe('BOXAUDIT_NETWORK');
    expect(hangUp.message).toBe('[t] GET x failed: the box closed the connection without a reply');
    expect(hangUp.details.errno).toBe('ECONNRESET');
    const ssh = await serveRaw((socket) => socket.end('SSH-2.0-dropbear\r\n'));
    const notHttp = await failure(get(ssh.url));
    expect(notHttp.message).toBe(
      '[t] GET x failed: the reply does not start with an HTTP/1.x status line (it starts "SSH-2.0-dropbear")',
    );
    expect(notHttp.details.errno).toBe('HTTP_PARSE');
  });

  it('a header value holding a line break is refused before anything is sent', async () => {
    const box = await serveRaw((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    const e = await failure(get(box.url, { headers: { soapaction: '"urn:x#A"\r\nX-Evil: 1' } }));
    expect(e.code).toBe('BOXAUDIT_INPUT_INVALID');
    expect(e.message).toBe('[t] GET x: the value of header soapaction holds a line break or NUL; not sent');
    expect(box.requests).toEqual([]);
  });

  it('user:password in the URL is sent as Basic authorization', async () => {
    const box = await serveRaw((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    await get(box.url.replace('http://', 'http://admin:p%40ss@'));
    expect(box.requests[0]).toContain(
      `\r\nauthorization: Basic ${Buffer.from('admin:p@ss').toString('base64')}\r\n`,
    );
  });

  it("leaves no deadline timer nor listener on the caller's signal once a request settled", async () => {
    const box = await serve((_q, r) => r.end('ok'));
    const caller = new AbortController();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await get(box.url, { timeoutMs: 60_000, signal: caller.signal });
      await failure(get(box.url, { timeoutMs: 60_000, maxBytes: 1, signal: caller.signal }));
      expect(vi.getTimerCount()).toBe(0);
      expect(getEventListeners(caller.signal, 'abort')).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('only http and https', async () => {
    expect((await failure(get('file:///etc/passwd'))).code).toBe('BOXAUDIT_INPUT_INVALID');
    expect((await failure(get('not a url'))).message).toBe('[t] GET x: not a valid URL');
  });

  it('a malformed percent-escape in user:password is refused as input, without the credentials', async () => {
    const box = await serve((_req, res) => res.end('ok'));
    const url = box.url.replace('http://', 'http://%ff:pw-SECRET@');
    const e = await failure(get(`${url}/ctl`));
    expect(e.code).toBe('BOXAUDIT_INPUT_INVALID');
    expect(e.message).toContain(`${box.url.slice(7)}/ctl`);
    expect(e.message).not.toContain('pw-SECRET');
    expect(e.message).not.toContain('%ff');
    expect(box.seen).toEqual([]);
  });
});
