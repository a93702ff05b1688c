/**
 * HTTP/HTTPS probe: one `GET /` without credentials (and at most one redirect on the same origin,
 * to reach the page a bare `/` points to). Records status, whether authentication is required,
 * Server header, page title, redirect target, the products recognised, and for HTTPS the
 * certificate (read, never verified: a probe does not make trust decisions). No cookies, no
 * credentials, no form, no other method.
 */
import type { PeerCertificate } from 'node:tls';
import { VERSION } from '../version.js';
import { recogniseProducts } from './products.js';
import { protocolError, runProbe } from './run.js';
import type { Framer, ProbeSocket } from './socket.js';
import { printable } from './text.js';
import type { ProbeFacts, ProbeOptions, ProbeResult } from './types.js';

export interface HttpProbeOptions extends ProbeOptions {
  /** Follow one redirect to the same scheme, host and port (default true). Never off the host. */
  followSameOriginRedirect?: boolean;
}

interface HttpResponse {
  statusCode: number;
  headers: Map<string, string[]>;
  body: Buffer;
  complete: boolean;
}

const MAX_HEADERS = 100;

function headerEnd(buffer: Buffer): number {
  return buffer.indexOf('\r\n\r\n');
}

/** Complete when the headers and a Content-Length body (or the chunked terminator) are in. */
const httpFramer: Framer = (buffer) => {
  const end = headerEnd(buffer);
  if (end < 0) return undefined;
  const head = buffer.subarray(0, end).toString('latin1');
  const length = /\r\ncontent-length:[ \t]*(\d{1,12})[ \t]*(\r\n|$)/i.exec(head);
  if (length) {
    const total = end + 4 + Number(length[1]);
    return buffer.length >= total ? total : undefined;
  }
  if (/\r\ntransfer-encoding:[^\r]*chunked/i.test(head)) {
    const terminator = buffer.indexOf('\r\n0\r\n\r\n', end);
    if (terminator >= 0) return terminator + 7;
    const first = buffer.indexOf('0\r\n\r\n', end + 4);
    return first === end + 4 ? end + 9 : undefined;
  }
  if (/^HTTP\/1\.\d (1\d\d|204|304)/.test(head)) return end + 4;
  return undefined; // read until close (Connection: close was asked for)
};

function parseResponse(bytes: Buffer, complete: boolean): HttpResponse {
  const end = headerEnd(bytes);
  if (end < 0) throw protocolError('HTTP', 'no complete response header');
  const lines = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/\d(?:\.\d)? (\d{3})(?: |$)/.exec(lines[0] ?? '');
  if (!status) throw protocolError('HTTP', 'malformed status line');
  const headers = new Map<string, string[]>();
  for (const line of lines.slice(1, MAX_HEADERS + 1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  let body = bytes.subarray(end + 4);
  if (/chunked/i.test(headers.get('transfer-encoding')?.join(',') ?? '')) body = dechunk(body);
  return { statusCode: Number(status[1]), headers, body, complete };
}

/** Join chunked-encoding chunks; stops at the first malformed size (what came before is kept). */
function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (let i = 0; i < 10_000 && offset < body.length; i++) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size) || size <= 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code =
        name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

export function pageTitle(body: string): string | null {
  const match = /<title[^>]*>([\s\S]{0,1000}?)<\/title>/i.exec(body);
  if (!match) return null;
  const title = printable(decodeEntities(match[1]!), 120);
  return title === '' ? null : title;
}

function first(headers: Map<string, string[]>, name: string): string | null {
  const value = headers.get(name)?.[0];
  return value === undefined ? null : printable(value, 120);
}

/** Scheme names of WWW-Authenticate challenges, and the first realm. */
function challenges(headers: Map<string, string[]>): { schemes: string[]; realm: string | null } {
  const values = headers.get('www-authenticate') ?? [];
  const schemes = new Set<string>();
  let realm: string | null = null;
  for (const value of values) {
    for (const part of value.split(',')) {
      const scheme = /^\s*([A-Za-z][A-Za-z0-9_-]{0,30})(?:\s|$)/.exec(part)?.[1];
      if (scheme) schemes.add(scheme);
    }
    realm ??= /realm="([^"]{0,200})"/i.exec(value)?.[1] ?? null;
  }
  return { schemes: [...schemes].slice(0, 8), realm: realm === null ? null : printable(realm, 120) };
}

function certificateFacts(cert: PeerCertificate, facts: ProbeFacts): void {
  const name = (entity: PeerCertificate['subject'] | undefined) => {
    const cn = entity?.CN;
    return cn === undefined ? null : printable(Array.isArray(cn) ? cn.join(', ') : String(cn), 120);
  };
  facts.certSubjectCn = name(cert.subject);
  facts.certIssuerCn = name(cert.issuer);
  const flat = (entity: PeerCertificate['subject'] | undefined) => JSON.stringify(entity ?? {});
  facts.certSelfSigned = flat(cert.subject) === flat(cert.issuer);
  const notAfter = new Date(cert.valid_to);
  facts.certNotAfter = Number.isNaN(notAfter.getTime()) ? null : notAfter.toISOString();
  facts.certSubjectAltNames = (cert.subjectaltname ?? '')
    .split(',')
    .map((s) => printable(s, 100))
    .filter((s) => s !== '')
    .slice(0, 16);
  facts.certFingerprint256 = cert.fingerprint256 ?? null;
}

function request(host: string, port: number, path: string): Buffer {
  const hostHeader = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return Buffer.from(
    `GET ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\nUser-Agent: boxaudit-probe/${VERSION}\r\n` +
      'Accept: text/html,*/*;q=0.5\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n',
    'latin1',
  );
}

async function get(socket: ProbeSocket, host: string, port: number, path: string): Promise<HttpResponse> {
  await socket.write(request(host, port, path));
  const { bytes, complete, error } = await socket.readAtMost(httpFramer);
  if (bytes.length === 0 && error) throw error;
  return parseResponse(bytes, complete);
}

/** The same-origin path a Location points to, or null (off-host, other scheme, or malformed). */
function sameOriginPath(location: string, base: URL): string | null {
  try {
    const target = new URL(location, base);
    if (target.origin !== base.origin || target.username || target.password) return null;
    const path = `${target.pathname}${target.search}`;
    return /^\/[\x21-\x7e]{0,500}$/.test(path) && path !== '/' ? path : null;
  } catch {
    return null;
  }
}

/** Probe `GET /` over plain HTTP (`tls` false) or HTTPS. */
export function probeHttp(
  host: string,
  port: number,
  options: HttpProbeOptions & { tls?: boolean },
): Promise<ProbeResult> {
  const tls = options.tls === true;
  return runProbe(tls ? 'https' : 'http', host, port, options, async (session) => {
    const facts = session.facts;
    const socket = await session.connect({ tls });
    if (tls) {
      facts.tlsProtocol = socket.tlsProtocol();
      const cert = socket.peerCertificate();
      if (cert) certificateFacts(cert, facts);
    }
    let response = await get(socket, host, port, '/');
    facts.statusCode = response.statusCode;
    const location = first(response.headers, 'location');
    facts.location = location;
    const base = new URL(`${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}/`);
    const next =
      location && response.statusCode >= 300 && response.statusCode < 400
        ? sameOriginPath(location, base)
        : null;
    facts.redirectOffHost = location !== null && next === null && !/^\/(?!\/)/.test(location);
    if (next !== null && options.followSameOriginRedirect !== false) {
      const second = await session.connect({ tls });
      try {
        response = await get(second, host, port, next);
        facts.followedPath = printable(next, 120);
        facts.finalStatusCode = response.statusCode;
      } catch {
        facts.followedPath = null; // the first answer stands
      }
    }
    const { schemes, realm } = challenges(response.headers);
    facts.authRequired = response.statusCode === 401 || response.statusCode === 407 || schemes.length > 0;
    facts.authSchemes = schemes;
    facts.realm = realm;
    facts.server = first(response.headers, 'server');
    facts.poweredBy = first(response.headers, 'x-powered-by');
    const body = response.body.subarray(0, 32_768).toString('utf8');
    facts.title = pageTitle(body);
    facts.bodyComplete = response.complete;
    facts.products = recogniseProducts({
      title: facts.title,
      server: facts.server,
      realm,
      location,
      body,
    });
    return { status: 'confirmed', service: tls ? 'https' : 'http', facts };
  });
}
