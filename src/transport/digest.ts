/**
 * Authenticated HTTP transport for the FRITZ!Box (TR-064) and OpenWrt ubus adapters:
 *
 * - `rawRequest`: one bounded request (`transport/request.ts`: deadline over the whole exchange, body cap
 *   counted while streaming, no redirects) that returns every status with its headers — a 401 with
 *   its `WWW-Authenticate` challenge is an answer here, not an error.
 * - TLS that never blanket-ignores errors (`transport/request.ts`): the system CAs, or the caller's CA
 *   (`ca`), or a pinned SHA-256 certificate fingerprint, decided before the request is written.
 * - HTTP Digest (RFC 7616, MD5, `qop=auth`) as TR-064 requires, one request at a time, with a
 *   correct nonce count; a `stale=true` challenge is answered once, a second 401 is a failed login.
 *
 * Why not `transport/http.ts`: it turns non-2xx into errors without headers (Digest needs the challenge).
 */
import { createHash, randomBytes } from 'node:crypto';
import type http from 'node:http';
import { BoxauditError } from '../errors.js';
import { PinnedTarget } from './pin.js';
import { boundedRequest, type TlsPin } from './request.js';

export type { TlsPin } from './request.js';
export { normalizeFingerprint, tlsFrom } from './request.js';

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
  /** The audited target (see `transport/pin.ts`); default a pin on `url` itself. */
  pin?: PinnedTarget;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_MAX_BYTES = 1024 * 1024;

/**
 * One bounded HTTP(S) request; every status is returned with its headers.
 * @throws BoxauditError BOXAUDIT_TIMEOUT, BOXAUDIT_ABORTED, BOXAUDIT_NETWORK (incl. TLS refusal),
 *   BOXAUDIT_TOO_LARGE, BOXAUDIT_INPUT_INVALID (not http/https).
 */
export function rawRequest(url: string, options: RawRequestOptions): Promise<RawResponse> {
  return boundedRequest({
    method: options.method ?? 'GET',
    url,
    headers: { connection: 'close', ...options.headers },
    body: options.body,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    signal: options.signal,
    context: options.context,
    tls: options.tls,
    pin: options.pin ?? new PinnedTarget(url, { label: options.context }),
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

/**
 * @param pin the audited target: every request (and so every Digest response, from which the
 *   password could be cracked offline) goes to it only; a URL off it is refused before sending.
 */
export function createDigestClient(
  credentials: { username: string; password: string },
  pin: PinnedTarget,
): DigestClient {
  let challenge: DigestChallenge | null = null;
  let nc = 0;
  const cnonce = randomBytes(8).toString('hex');
  const send = (url: string, options: RawRequestOptions): Promise<RawResponse> => {
    // Checked here too, before the Authorization header is even computed.
    pin.check(url, options.context);
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
    return rawRequest(url, { ...options, headers, pin });
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
