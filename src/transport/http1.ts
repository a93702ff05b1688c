/**
 * One HTTP/1.1 exchange on a connection of its own (RFC 9112): the request written as bytes, the
 * reply read by a small parser, every part of it bounded. `transport/request.ts` uses it for plain
 * `http:` boxes instead of node:http, whose per-request machinery (ClientRequest, an Agent per
 * request, IncomingMessage streams) cost about as much CPU as the connection itself on a UPnP walk
 * of hundreds of requests (docs/performance.md).
 *
 * Only what one request per connection needs: no keep-alive, no pipelining, no upgrade. The parser
 * accepts what embedded web servers send (LF-only lines, folded header lines, Content-Length
 * beside chunked, a body that ends when the connection closes) and refuses, with the reason, what
 * no framing rule can read. Header names are lower-cased and repeated headers folded the way
 * node:http does, so callers see the same `IncomingHttpHeaders`.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** What a reply may not exceed; past either, parsing stops with an error. */
export interface Http1Limits {
  /** The status line and headers together (node:http's default is 16 KiB). */
  maxHeaderBytes: number;
}

export const HTTP1_LIMITS: Http1Limits = { maxHeaderBytes: 16 * 1024 };

/** A request that cannot be written: a header name or value no server could read safely. */
export class Http1RequestError extends Error {}

/** A reply that is not HTTP/1.x (`reason` names what and where). */
export class Http1ParseError extends Error {}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** CR, LF and NUL would end the header early: a value holding one is never sent. */
const UNSAFE_VALUE = /[\r\n\0]/;

/**
 * The request's bytes: request line, headers in the given order (`Connection: close` added unless
 * given), the body with its Content-Length set by the caller.
 * @throws Http1RequestError for a header name that is not a token or a value holding CR, LF or NUL
 *   (a value a box put in its description must never add a header of its own).
 */
export function serializeRequest(
  method: string,
  path: string,
  headers: Record<string, string | number>,
  body?: string | Buffer,
): Buffer {
  let head = `${method} ${path} HTTP/1.1\r\n`;
  let connection = false;
  for (const [name, raw] of Object.entries(headers)) {
    const value = String(raw);
    if (!TOKEN.test(name))
      throw new Http1RequestError(`the header name ${JSON.stringify(name)} is not valid`);
    if (UNSAFE_VALUE.test(value)) {
      throw new Http1RequestError(`the value of header ${name} holds a line break or NUL`);
    }
    if (name.toLowerCase() === 'connection') connection = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!connection) head += 'Connection: close\r\n';
  head += '\r\n';
  const headBytes = Buffer.from(head, 'latin1');
  if (body === undefined) return headBytes;
  return Buffer.concat([headBytes, typeof body === 'string' ? Buffer.from(body, 'utf8') : body]);
}

/** Headers node:http keeps the first of when repeated (`matchKnownFields` in node's _http_incoming). */
const FIRST_WINS = new Set([
  'content-type',
  'content-length',
  'user-agent',
  'referer',
  'host',
  'authorization',
  'proxy-authorization',
  'if-modified-since',
  'if-unmodified-since',
  'from',
  'location',
  'max-forwards',
  'retry-after',
  'etag',
  'last-modified',
  'server',
  'age',
  'expires',
]);

function addHeader(headers: IncomingHttpHeaders, name: string, value: string): void {
  if (name === '__proto__') return;
  const known = headers[name];
  if (name === 'set-cookie') {
    headers[name] = [...((known as string[] | undefined) ?? []), value];
  } else if (known === undefined) {
    headers[name] = value;
  } else if (!FIRST_WINS.has(name)) {
    headers[name] = `${known}${name === 'cookie' ? '; ' : ', '}${value}`;
  }
}

/** The parsed head of a reply. */
export interface Http1Head {
  status: number;
  headers: IncomingHttpHeaders;
}

type Framing =
  | { kind: 'none' }
  | { kind: 'length'; left: number }
  | { kind: 'close' }
  | { kind: 'chunked'; state: 'size' | 'data' | 'data-end' | 'trailers'; left: number };

/** Longest chunk-size or trailer line read (a chunk size is a few hex digits). */
const MAX_CHUNK_LINE = 1024;

/**
 * Reads one reply from the bytes a connection delivers, in order: `push` each chunk, `end` at EOF.
 * The head is parsed once complete (interim 1xx replies skipped); the body's bytes are handed to
 * `onBody` as they are decoded, so the caller counts them against its cap while they arrive.
 */
export class Http1ReplyReader {
  head: Http1Head | null = null;
  done = false;
  private pending: Buffer = Buffer.alloc(0);
  private headBytes = 0;
  private framing: Framing = { kind: 'close' };

  /**
   * @param onHead called once with the head, before any of the body (it may throw to stop there)
   * @param onBody called with each decoded piece of the body (it may throw to stop there)
   */
  constructor(
    private readonly method: string,
    private readonly onHead: (head: Http1Head) => void,
    private readonly onBody: (bytes: Buffer) => void,
    private readonly limits: Http1Limits = HTTP1_LIMITS,
  ) {}

  /** Feed the next bytes of the connection. @throws Http1ParseError */
  push(chunk: Buffer): void {
    if (this.done) return; // bytes after a complete reply: nothing to read on a closing connection
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (!this.done && data.length > 0) {
      if (this.head === null) {
        const rest = this.readHead(data);
        if (rest === null) {
          this.pending = data;
          return;
        }
        data = rest;
      } else {
        data = this.readBody(data);
      }
    }
  }

  /** The connection ended. @throws Http1ParseError when the reply is not complete. */
  end(): void {
    if (this.done) return;
    if (this.head === null) {
      throw new Http1ParseError(
        this.pending.length === 0
          ? 'the box closed the connection without a reply'
          : 'the connection closed inside the reply headers',
      );
    }
    if (this.framing.kind === 'close') {
      this.done = true;
      return;
    }
    throw new Http1ParseError('reply cut off');
  }

  /** Parse the head when all of it is in `data`; the bytes after it, or null to wait for more. */
  private readHead(data: Buffer): Buffer | null {
    const end = headEnd(data);
    if (end === -1) {
      if (this.headBytes + data.length > this.limits.maxHeaderBytes) throw this.headersTooLarge();
      // A first line that is not a status line is refused at once: nothing after it can help.
      const newline = data.indexOf(0x0a);
      if (newline !== -1) parseStatusLine(chomp(data.subarray(0, newline).toString('latin1')));
      return null;
    }
    this.headBytes += end;
    if (this.headBytes > this.limits.maxHeaderBytes) throw this.headersTooLarge();
    const text = data.subarray(0, end).toString('latin1');
    const rest = data.subarray(end);
    const head = parseHead(text);
    // 100 Continue and other interim replies come before the real one: read on.
    if (head.status >= 100 && head.status < 200) return rest;
    this.head = head;
    this.framing = framingOf(head, this.method);
    this.onHead(head);
    if (this.framing.kind === 'none' || (this.framing.kind === 'length' && this.framing.left === 0)) {
      this.done = true;
    }
    return rest;
  }

  private headersTooLarge(): Http1ParseError {
    return new Http1ParseError(`the reply headers exceed ${this.limits.maxHeaderBytes} bytes`);
  }

  /** Decode body bytes; returns what is left to read in `data` (empty, or bytes for the next state). */
  private readBody(data: Buffer): Buffer {
    const f = this.framing;
    if (f.kind === 'close') {
      this.onBody(data);
      return Buffer.alloc(0);
    }
    if (f.kind === 'length') {
      const take = Math.min(f.left, data.length);
      this.onBody(data.subarray(0, take));
      f.left -= take;
      if (f.left === 0) this.done = true;
      return Buffer.alloc(0);
    }
    if (f.kind === 'chunked') return this.readChunked(f, data);
    this.done = true;
    return Buffer.alloc(0);
  }

  private readChunked(f: Extract<Framing, { kind: 'chunked' }>, data: Buffer): Buffer {
    if (f.state === 'data') {
      const take = Math.min(f.left, data.length);
      this.onBody(data.subarray(0, take));
      f.left -= take;
      if (f.left === 0) f.state = 'data-end';
      return data.subarray(take);
    }
    const newline = data.indexOf(0x0a);
    if (newline === -1) {
      if (data.length > MAX_CHUNK_LINE) throw new Http1ParseError('a chunk line is too long');
      this.pending = data;
      return Buffer.alloc(0);
    }
    if (newline > MAX_CHUNK_LINE) throw new Http1ParseError('a chunk line is too long');
    const line = chomp(data.subarray(0, newline).toString('latin1'));
    const rest = data.subarray(newline + 1);
    if (f.state === 'data-end') {
      if (line !== '') throw new Http1ParseError('a chunk is longer than its declared size');
      f.state = 'size';
    } else if (f.state === 'size') {
      const size = /^([0-9A-Fa-f]{1,8})[ \t]*(?:;.*)?$/.exec(line);
      if (!size)
        throw new Http1ParseError(`the chunk size ${JSON.stringify(line.slice(0, 40))} is not valid`);
      f.left = Number.parseInt(size[1]!, 16);
      f.state = f.left === 0 ? 'trailers' : 'data';
    } else {
      // Trailers are read and dropped (nothing boxaudit reads comes in them), up to the empty line.
      this.headBytes += newline + 1;
      if (this.headBytes > this.limits.maxHeaderBytes) throw this.headersTooLarge();
      if (line === '') this.done = true;
    }
    return rest;
  }
}

/** Offset just past the empty line ending the head (CRLF CRLF, or LF LF from LF-only servers); -1 if not yet. */
function headEnd(data: Buffer): number {
  for (let i = data.indexOf(0x0a); i !== -1; i = data.indexOf(0x0a, i + 1)) {
    if (data[i + 1] === 0x0a) return i + 2;
    if (data[i + 1] === 0x0d && data[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

function parseHead(text: string): Http1Head {
  let at = text.indexOf('\n');
  const status = parseStatusLine(chomp(text.slice(0, at)));
  const headers: IncomingHttpHeaders = {};
  const fields: Array<{ name: string; value: string }> = [];
  for (let next = text.indexOf('\n', at + 1); next !== -1; next = text.indexOf('\n', at + 1)) {
    const line = chomp(text.slice(at + 1, next));
    at = next;
    if (line === '') continue;
    const last = fields.at(-1);
    if (line[0] === ' ' || line[0] === '\t') {
      // obs-fold (RFC 9112 §5.2): the line continues the previous value.
      if (last === undefined) throw new Http1ParseError('the first header line starts with a space');
      last.value = `${last.value} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon === -1 ? '' : line.slice(0, colon);
    if (!TOKEN.test(name)) {
      throw new Http1ParseError(`the header line ${JSON.stringify(line.slice(0, 40))} has no valid name`);
    }
    fields.push({ name: name.toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  for (const { name, value } of fields) addHeader(headers, name, value);
  // node:http keeps the first Content-Length in `headers`; the framing must not trust it when
  // another one disagrees (each may itself be a list of equal values, RFC 9110 §8.6).
  const lengths = new Set<string>();
  for (const f of fields) {
    if (f.name === 'content-length') for (const v of f.value.split(',')) lengths.add(v.trim());
  }
  if (lengths.size > 1) {
    throw new Http1ParseError(
      `the reply gives different Content-Lengths (${[...lengths].slice(0, 3).join(', ')})`,
    );
  }
  return { status, headers };
}

/** A line without its CR (LF-only servers send none). */
const chomp = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);

/** `HTTP/1.x NNN reason` → NNN. @throws Http1ParseError naming how the line starts */
function parseStatusLine(line: string): number {
  const status = /^HTTP\/1\.[01] ([1-9]\d\d)(?:[ \t].*)?$/.exec(line);
  if (!status) {
    throw new Http1ParseError(
      `the reply does not start with an HTTP/1.x status line (it starts ${JSON.stringify(line.slice(0, 40))})`,
    );
  }
  return Number(status[1]);
}

function framingOf(head: Http1Head, method: string): Framing {
  const { status, headers } = head;
  if (method === 'HEAD' || status === 204 || status === 304) return { kind: 'none' };
  const te = headers['transfer-encoding'];
  if (te !== undefined) {
    // Chunked as the last coding frames the body; any other coding runs to the end of the
    // connection. Content-Length beside it is ignored (RFC 9112 §6.3).
    const last = String(te).split(',').at(-1)?.trim().toLowerCase();
    return last === 'chunked' ? { kind: 'chunked', state: 'size', left: 0 } : { kind: 'close' };
  }
  const length = headers['content-length'];
  if (length === undefined) return { kind: 'close' };
  // Every value was checked equal in parseHead: a list of one value repeated is that value.
  const only = String(length).split(',')[0]!.trim();
  if (!/^\d{1,15}$/.test(only)) {
    throw new Http1ParseError(
      `the Content-Length ${JSON.stringify(String(length).slice(0, 40))} is not valid`,
    );
  }
  return { kind: 'length', left: Number(only) };
}
