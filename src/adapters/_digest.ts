/**
 * Authenticated HTTP transport for the FRITZ!Box, OpenWrt ubus, RouterOS REST and UniFi adapters:
 *
 * - `rawRequest`: one bounded request (deadline over the whole exchange, body cap counted while
 *   streaming, no redirects) that returns every status with its headers — a 401 with its
 *   `WWW-Authenticate` challenge is an answer here, not an error.
 * - TLS that never blanket-ignores errors: the system CAs, or the caller's CA (`ca`), or a pinned
 *   SHA-256 certificate fingerprint. The TLS socket is verified before a single byte of the request
 *   is written; a refused certificate's fingerprint is shown so the user can pin it on purpose.
 * - HTTP Digest (RFC 7616, MD5, `qop=auth`) as TR-064 requires, one request at a time, with a
 *   correct nonce count; a `stale=true` challenge is answered once, a second 401 is a failed login.
 *
 * Why not `_http.ts`: it turns non-2xx into errors without headers (Digest needs the challenge) and
 * accepts self-signed certificates by default. The lead may fold `rawRequest`'s TLS pinning into it.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { abortError, BoxauditError } from '../errors.js';

export interface TlsPin {
  /** PEM CA bundle to trust instead of the system CAs (e.g. the box's own self-signed certificate). */
  ca?: string;
  /** SHA-256 fingerprint of the box's certificate (`AB:CD:…` or plain hex); accepted even if self-signed. */
  fingerprint256?: string;
}

export interface RawRequestOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Whole-exchange deadline; default 5000 ms. */
  timeoutMs?: number;
  /** Body cap; default 1 MiB. */
  maxBytes?: number;
  signal?: AbortSignal;
  /** Error prefix, e.g. `[fritzbox] POST http://…/upnp/control/x_remote GetInfo`. */
  context: string;
  tls?: TlsPin;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_MAX_BYTES = 1024 * 1024;

/** Normalize a fingerprint to upper-case colon-separated hex. */
export function normalizeFingerprint(text: string): string {
  const hex = text.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.replace(/(..)(?!$)/g, '$1:');
}

/** Open a TLS socket and decide trust before anything is written. */
function connectTls(
  url: URL,
  pin: TlsPin | undefined,
  signal: AbortSignal,
  context: string,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const socket = tls.connect({
      host,
      port: Number(url.port || 443),
      servername: /^[\d.]+$|:/.test(host) ? undefined : host,
      ca: pin?.ca,
      // Verified by hand just below: authorized (CA + host name) or the pinned fingerprint.
      rejectUnauthorized: false,
    });
    const onAbort = () => {
      socket.destroy();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', onAbort);
      reject(
        new BoxauditError('BOXAUDIT_NETWORK', `${context} failed: ${error.message}`, {
          cause: error,
          details: { errno: error.code ?? null },
        }),
      );
    });
    socket.once('secureConnect', () => {
      signal.removeEventListener('abort', onAbort);
      const seen = normalizeFingerprint(socket.getPeerCertificate().fingerprint256 ?? '');
      const pinned = pin?.fingerprint256 ? normalizeFingerprint(pin.fingerprint256) : null;
      if (pinned !== null ? seen === pinned : socket.authorized) {
        resolve(socket);
        return;
      }
      socket.destroy();
      const why =
        pinned !== null
          ? `certificate fingerprint ${seen} does not match the pinned ${pinned}`
          : `certificate not trusted (${String(socket.authorizationError)}); if this is the box's own certificate, pin it with its SHA-256 fingerprint ${seen}`;
      reject(
        new BoxauditError('BOXAUDIT_NETWORK', `${context}: TLS refused: ${why}`, {
          details: { tls: true, fingerprint256: seen },
        }),
      );
    });
  });
}

/**
 * One bounded HTTP(S) request; every status is returned with its headers.
 * @throws BoxauditError BOXAUDIT_TIMEOUT, BOXAUDIT_ABORTED, BOXAUDIT_NETWORK (incl. TLS refusal),
 *   BOXAUDIT_TOO_LARGE, BOXAUDIT_INPUT_INVALID (not http/https).
 */
export async function rawRequest(url: string, options: RawRequestOptions): Promise<RawResponse> {
  const { context } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new BoxauditError('BOXAUDIT_INPUT_INVALID', `${context}: not a valid URL`, { cause: error });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new BoxauditError('BOXAUDIT_INPUT_INVALID', `${context}: only http and https URLs are supported`);
  }
  if (options.signal?.aborted) throw abortError(options.signal, context);
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const toAbortError = () =>
    deadline.aborted && !options.signal?.aborted
      ? abortError(deadline, context, timeoutMs)
      : abortError(options.signal ?? deadline, context, timeoutMs);

  let socket: Socket | undefined;
  if (parsed.protocol === 'https:') {
    try {
      socket = await connectTls(parsed, options.tls, signal, context);
    } catch (error) {
      if (signal.aborted) throw toAbortError();
      throw error;
    }
  }

  return new Promise<RawResponse>((resolve, reject) => {
    let settled = false;
    const finish = (error: BoxauditError | null, response?: RawResponse) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (error) {
        req.destroy();
        reject(error);
      } else resolve(response!);
    };
    const onAbort = () => finish(toAbortError());
    const headers: Record<string, string | number> = { connection: 'close', ...options.headers };
    if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
    const verified = socket;
    const req = http.request({
      host: parsed.hostname.replace(/^\[|\]$/g, ''),
      port: Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80)),
      path: `${parsed.pathname}${parsed.search}`,
      method: options.method ?? 'GET',
      headers,
      agent: false,
      ...(verified ? { createConnection: () => verified } : {}),
    });
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    req.on('error', (error: NodeJS.ErrnoException) => {
      finish(
        new BoxauditError('BOXAUDIT_NETWORK', `${context} failed: ${error.message}`, {
          cause: error,
          details: { errno: error.code ?? null },
        }),
      );
    });
    req.on('response', (res) => {
      const declared = Number(res.headers['content-length']);
      const tooLarge = () =>
        new BoxauditError('BOXAUDIT_TOO_LARGE', `${context}: reply body exceeds the ${maxBytes}-byte cap`, {
          details: { maxBytes },
        });
      if (Number.isFinite(declared) && declared > maxBytes) {
        finish(tooLarge());
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          finish(tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (error) =>
        finish(new BoxauditError('BOXAUDIT_NETWORK', `${context}: reply cut off (${error.message})`)),
      );
      res.on('close', () => {
        if (!res.complete) finish(new BoxauditError('BOXAUDIT_NETWORK', `${context}: reply cut off`));
      });
      res.on('end', () =>
        finish(null, {
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.end(options.body);
  });
}

/** A parsed `WWW-Authenticate: Digest …` challenge. */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  qop: string | null;
  opaque: string | null;
  algorithm: string;
  stale: boolean;
}

/** Parse a Digest challenge; null when the header is not a Digest challenge or lacks realm/nonce. */
export function parseDigestChallenge(header: string | string[] | undefined): DigestChallenge | null {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  for (const value of values) {
    const m = /^\s*Digest\s+(.*)$/is.exec(value);
    if (!m) continue;
    const params: Record<string, string> = {};
    for (const p of m[1]!.matchAll(/([a-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/gi)) {
      params[p[1]!.toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
    }
    if (params.realm === undefined || params.nonce === undefined) return null;
    return {
      realm: params.realm,
      nonce: params.nonce,
      qop: params.qop ?? null,
      opaque: params.opaque ?? null,
      algorithm: params.algorithm ?? 'MD5',
      stale: /^true$/i.test(params.stale ?? ''),
    };
  }
  return null;
}

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * The `Authorization: Digest …` header value for one request (RFC 7616 §3.4, MD5 / MD5-sess,
 * `qop=auth` when offered, RFC 2069 compatibility when not).
 * @throws BoxauditError BOXAUDIT_UNSUPPORTED for another algorithm or only `auth-int`.
 */
export function digestAuthorization(input: {
  username: string;
  password: string;
  method: string;
  uri: string;
  challenge: DigestChallenge;
  nc: number;
  cnonce: string;
}): string {
  const { username, password, method, uri, challenge, nc, cnonce } = input;
  const algorithm = challenge.algorithm.toUpperCase();
  if (algorithm !== 'MD5' && algorithm !== 'MD5-SESS') {
    throw new BoxauditError(
      'BOXAUDIT_UNSUPPORTED',
      `Digest algorithm ${challenge.algorithm} is not supported`,
    );
  }
  const qops = (challenge.qop ?? '').split(',').map((q) => q.trim().toLowerCase());
  const qop = qops.includes('auth') ? 'auth' : null;
  if (challenge.qop !== null && qop === null) {
    throw new BoxauditError('BOXAUDIT_UNSUPPORTED', `Digest qop "${challenge.qop}" is not supported`);
  }
  let ha1 = md5(`${username}:${challenge.realm}:${password}`);
  if (algorithm === 'MD5-SESS') ha1 = md5(`${ha1}:${challenge.nonce}:${cnonce}`);
  const ha2 = md5(`${method}:${uri}`);
  const ncText = nc.toString(16).padStart(8, '0');
  const response = qop
    ? md5(`${ha1}:${challenge.nonce}:${ncText}:${cnonce}:${qop}:${ha2}`)
    : md5(`${ha1}:${challenge.nonce}:${ha2}`);
  const q = (v: string) => `"${v.replace(/["\\]/g, '\\$&')}"`;
  const parts = [
    `username=${q(username)}`,
    `realm=${q(challenge.realm)}`,
    `nonce=${q(challenge.nonce)}`,
    `uri=${q(uri)}`,
    `algorithm=${challenge.algorithm}`,
    `response=${q(response)}`,
  ];
  if (qop) parts.push(`qop=${qop}`, `nc=${ncText}`, `cnonce=${q(cnonce)}`);
  if (challenge.opaque !== null) parts.push(`opaque=${q(challenge.opaque)}`);
  return `Digest ${parts.join(', ')}`;
}

/**
 * A Digest-authenticating client: keeps the last challenge and counts `nc`, so that after the first
 * 401 every request goes out authenticated at once. Requests are sequential by design (some
 * FRITZ!OS versions reject pipelined ones).
 */
export interface DigestClient {
  /** Like {@link rawRequest}; answers a challenge once. A final 401 is returned to the caller. */
  request(url: string, options: RawRequestOptions): Promise<RawResponse>;
}

export function createDigestClient(credentials: { username: string; password: string }): DigestClient {
  let challenge: DigestChallenge | null = null;
  let nc = 0;
  const cnonce = randomBytes(8).toString('hex');
  const send = (url: string, options: RawRequestOptions): Promise<RawResponse> => {
    const headers = { ...options.headers };
    if (challenge) {
      nc += 1;
      const parsed = new URL(url);
      headers.authorization = digestAuthorization({
        ...credentials,
        method: options.method ?? 'GET',
        uri: `${parsed.pathname}${parsed.search}`,
        challenge,
        nc,
        cnonce,
      });
    }
    return rawRequest(url, { ...options, headers });
  };
  return {
    async request(url, options) {
      const hadChallenge = challenge !== null;
      let res = await send(url, options);
      if (res.status !== 401) return res;
      const fresh = parseDigestChallenge(res.headers['www-authenticate']);
      // Retry once: on the first challenge, or when the server only says our nonce went stale.
      if (fresh && (!hadChallenge || fresh.stale)) {
        challenge = fresh;
        nc = 0;
        res = await send(url, options);
      }
      return res;
    },
  };
}

/** TLS pinning from `target.options`: `tlsCa` (PEM), `tlsFingerprint` (SHA-256). */
export function tlsFrom(target: { options?: Record<string, unknown> }): TlsPin | undefined {
  const o = target.options ?? {};
  const ca = typeof o.tlsCa === 'string' ? o.tlsCa : undefined;
  const fingerprint256 = typeof o.tlsFingerprint === 'string' ? o.tlsFingerprint : undefined;
  return ca || fingerprint256 ? { ca, fingerprint256 } : undefined;
}
