/**
 * The plain-http reply reader and request writer (src/transport/http1.ts) on their own: every reply
 * is also fed one byte at a time, so no framing decision depends on where the connection happened
 * to split it. Exchanges over real sockets are in request.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  type Http1Head,
  Http1ParseError,
  Http1ReplyReader,
  Http1RequestError,
  serializeRequest,
} from '../../src/transport/http1.js';

interface Read {
  head: Http1Head | null;
  body: string;
  done: boolean;
}

/** Feed `reply` whole (or byte by byte), then EOF when `eof`; what the reader made of it. */
function read(reply: string, opts: { method?: string; eof?: boolean; bytewise?: boolean } = {}): Read {
  const body: Buffer[] = [];
  const reader = new Http1ReplyReader(
    opts.method ?? 'GET',
    () => undefined,
    (b) => body.push(Buffer.from(b)),
  );
  const bytes = Buffer.from(reply, 'latin1');
  if (opts.bytewise) for (let i = 0; i < bytes.length; i++) reader.push(bytes.subarray(i, i + 1));
  else reader.push(bytes);
  if (opts.eof) reader.end();
  return { head: reader.head, body: Buffer.concat(body).toString('latin1'), done: reader.done };
}

/** Both ways of feeding agree, and this is what they give. */
function readBoth(reply: string, opts: { method?: string; eof?: boolean } = {}): Read {
  const whole = read(reply, opts);
  expect(read(reply, { ...opts, bytewise: true })).toEqual(whole);
  return whole;
}

function refusal(reply: string, opts: { eof?: boolean } = {}): string {
  for (const bytewise of [false, true]) {
    try {
      read(reply, { ...opts, bytewise });
    } catch (error) {
      expect(error).toBeInstanceOf(Http1ParseError);
      if (bytewise) return (error as Error).message;
      continue;
    }
    throw new Error(`accepted: ${JSON.stringify(reply)}`);
  }
  return '';
}

describe('Http1ReplyReader', () => {
  it('reads a Content-Length body, and is done without waiting for the connection to close', () => {
    const r = readBoth('HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 5\r\n\r\nhello');
    expect(r).toEqual({
      head: { status: 200, headers: { 'content-type': 'text/xml', 'content-length': '5' } },
      body: 'hello',
      done: true,
    });
  });

  it('ignores bytes past the declared length (the connection closes after one reply)', () => {
    expect(readBoth('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA').body).toBe('ok');
  });

  it('reads upper-case names and an empty EXT, as a TP-Link Archer C8 (ipos/7.0) answers a SOAP fault', () => {
    // The head of a real reply, quoted in github.com/ofekp/TinyUPnP issue #1 (2017-10-29); the
    // body here is a stand-in of the declared length.
    const head =
      'HTTP/1.1 500 Internal Server Error\r\nCONTENT-LENGTH: 10\r\nCONTENT-TYPE: text/xml; charset="utf-8"\r\n' +
      'DATE: Sun, 29 Oct 2017 16:57:10 GMT\r\nEXT:\r\nSERVER: ipos/7.0 UPnP/1.0 Archer_C8/1.0\r\n\r\n';
    const r = readBoth(`${head}<fault/>\r\n`);
    expect(r.head).toEqual({
      status: 500,
      headers: {
        'content-length': '10',
        'content-type': 'text/xml; charset="utf-8"',
        date: 'Sun, 29 Oct 2017 16:57:10 GMT',
        ext: '',
        server: 'ipos/7.0 UPnP/1.0 Archer_C8/1.0',
      },
    });
    expect(r.body).toBe('<fault/>\r\n');
  });

  it('reads LF-only lines, as embedded servers send them', () => {
    const r = readBoth('HTTP/1.1 200 OK\nServer: Embedded\nContent-Length: 3\n\nabc');
    expect(r.head?.headers.server).toBe('Embedded');
    expect(r.body).toBe('abc');
  });

  it('decodes chunked bodies with extensions and trailers, and lets chunked win over Content-Length', () => {
    const reply =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 999\r\n\r\n' +
      '4;name=x\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: t\r\n\r\n';
    expect(readBoth(reply)).toMatchObject({ body: 'Wikipedia in\r\n\r\nchunks.', done: true });
    expect(readBoth('HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n').body).toBe('abc');
  });

  it('reads to the end of the connection when nothing frames the body', () => {
    expect(readBoth('HTTP/1.0 200 OK\r\n\r\nuntil close', { eof: true })).toMatchObject({
      body: 'until close',
      done: true,
    });
    expect(read('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxyz', { eof: true }).body).toBe('xyz');
  });

  it('skips interim 1xx replies; 204, 304 and HEAD replies have no body', () => {
    const r = readBoth('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    expect(r.head?.status).toBe(200);
    expect(r.body).toBe('ok');
    expect(readBoth('HTTP/1.1 204 No Content\r\n\r\n').done).toBe(true);
    expect(readBoth('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n').done).toBe(true);
    expect(readBoth('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', { method: 'HEAD' }).done).toBe(true);
  });

  it('folds repeated headers as node:http does', () => {
    const r = readBoth(
      'HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nWWW-Authenticate: Digest realm="x"\r\n' +
        'WWW-Authenticate: Basic realm="y"\r\nServer: first\r\nServer: second\r\nX-Long: one\r\n  two\r\n' +
        '__proto__: x\r\nContent-Length: 0\r\n\r\n',
    );
    expect(r.head?.headers).toEqual({
      'set-cookie': ['a=1', 'b=2'],
      'www-authenticate': 'Digest realm="x", Basic realm="y"',
      server: 'first',
      'x-long': 'one two',
      'content-length': '0',
    });
    expect(Object.getPrototypeOf(r.head?.headers)).toBe(Object.prototype);
  });

  it('accepts a Content-Length repeated with the same value, refuses different ones', () => {
    expect(readBoth('HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nok').body).toBe(
      'ok',
    );
    expect(refusal('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok')).toBe(
      'the reply gives different Content-Lengths (2, 3)',
    );
    expect(refusal('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n')).toBe(
      'the Content-Length "-1" is not valid',
    );
  });

  it('names what is not HTTP/1.x', () => {
    const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
    for (const [reply, message] of [
      [
        'SSH-2.0-OpenSSH_9.2\r\n\r\n',
        'the reply does not start with an HTTP/1.x status line (it starts "SSH-2.0-OpenSSH_9.2")',
      ],
      ['HTTP/1.1 200 OK\r\nBad Header\r\n\r\n', 'the header line "Bad Header" has no valid name'],
      ['HTTP/1.1 200 OK\r\n folded first\r\n\r\n', 'the first header line starts with a space'],
      [`${chunked}zz\r\n`, 'the chunk size "zz" is not valid'],
      [`${chunked}2\r\nabc\r\n`, 'a chunk is longer than its declared size'],
      [`${chunked}123456789\r\n`, 'the chunk size "123456789" is not valid'],
    ]) {
      expect(refusal(reply!), reply).toBe(message);
    }
  });

  it('caps the head, trailers and chunk lines', () => {
    const big = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`;
    expect(refusal(big)).toBe('the reply headers exceed 16384 bytes');
    // Never a complete head: refused once the cap is passed, not buffered without end.
    expect(refusal(`HTTP/1.1 200 OK\r\nX: ${'b'.repeat(20_000)}`)).toBe(
      'the reply headers exceed 16384 bytes',
    );
    const trailers = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n${'T: x\r\n'.repeat(3000)}\r\n`;
    expect(refusal(trailers)).toBe('the reply headers exceed 16384 bytes');
    expect(refusal(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;${'e'.repeat(2000)}`)).toBe(
      'a chunk line is too long',
    );
  });

  it('an early end is no reply, a cut head or a cut body', () => {
    expect(refusal('', { eof: true })).toBe('the box closed the connection without a reply');
    expect(refusal('HTTP/1.1 200 OK\r\nServ', { eof: true })).toBe(
      'the connection closed inside the reply headers',
    );
    expect(refusal('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc', { eof: true })).toBe('reply cut off');
    expect(refusal('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab', { eof: true })).toBe(
      'reply cut off',
    );
  });

  it('calls onHead before any body byte, and stops where a callback throws', () => {
    const seen: string[] = [];
    const reader = new Http1ReplyReader(
      'GET',
      (head) => {
        seen.push(`head ${head.status}`);
        throw new Error('stop');
      },
      () => seen.push('body'),
    );
    expect(() => reader.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc'))).toThrow('stop');
    expect(seen).toEqual(['head 200']);
  });
});

describe('serializeRequest', () => {
  it('writes the request line, the headers in order, Connection: close and the body', () => {
    const bytes = serializeRequest('POST', '/ctl?x=1', { host: '10.0.0.1:5000', 'content-length': 2 }, 'hi');
    expect(bytes.toString()).toBe(
      'POST /ctl?x=1 HTTP/1.1\r\nhost: 10.0.0.1:5000\r\ncontent-length: 2\r\nConnection: close\r\n\r\nhi',
    );
    expect(serializeRequest('GET', '/', { connection: 'keep-alive' }).toString()).toBe(
      'GET / HTTP/1.1\r\nconnection: keep-alive\r\n\r\n',
    );
  });

  it('refuses a header value with a line break or NUL, and a name that is not a token', () => {
    // A service type from a hostile description, sent back in SOAPAction, must not add a header.
    expect(() => serializeRequest('POST', '/', { soapaction: '"urn:x#A"\r\nX-Evil: 1' })).toThrow(
      new Http1RequestError('the value of header soapaction holds a line break or NUL'),
    );
    expect(() => serializeRequest('GET', '/', { 'bad name': 'x' })).toThrow(Http1RequestError);
    expect(() => serializeRequest('GET', '/', { x: 'a\0b' })).toThrow(Http1RequestError);
  });
});
