/**
 * A small JSON-over-HTTP client for the vendor REST APIs (Freebox, Livebox, Bbox): every call is
 * checked against the adapter's read-only allowlist before anything is sent, bounded by a deadline
 * (body included) and a streamed size cap, follows no redirect, and keeps the session cookies
 * itself (Livebox cookie names contain a slash, which strict cookie jars drop).
 *
 * Non-2xx answers are returned, not thrown: the adapters decide what a 401/403/429 means. Every
 * message this module builds passes through `redact`, so the secrets the adapter registered
 * (password, app token, session id, cookie values) never reach an error or a log line.
 *
 * Built on the bounded request core (`transport/request.ts`), which gives a custom CA bundle (the Freebox
 * roots) or a pinned certificate fingerprint (a console's self-signed certificate) per request,
 * without a global agent and without ever turning certificate checks off.
 */
import type http from 'node:http';
import { abortError, BoxauditError } from '../errors.js';
import { type PinContext, pinFor } from './pin.js';
import { boundedRequest, type RequestTls, tlsFrom } from './request.js';

/** Default per-request deadline. */
export const REST_DEFAULT_TIMEOUT_MS = 5000;
/** Default body cap (2 MiB): a box's forward list is a few kB even with hundreds of rules. */
export const REST_DEFAULT_MAX_BYTES = 2 * 1024 * 1024;

export type RestMethod = 'GET' | 'POST';

/** TLS trust for a REST box: the core's options, never "accept any certificate". */
export type RestTls = Omit<RequestTls, 'acceptAnyCertificate'>;

/**
 * REST TLS from `target.options` (`tlsCa`, `tlsFingerprint`, `tlsServername`), like `tlsFrom` for
 * `transport/digest.ts`; undefined when none is set (the system roots then). `servername` is the adapter's
 * default name for its box (e.g. the Bbox's), used when the target gives none.
 */
export function restTlsFrom(
  target: { options?: Record<string, unknown> },
  servername?: string,
): RestTls | undefined {
  const pin = tlsFrom(target);
  if (!pin) return undefined;
  const name = typeof target.options?.tlsServername === 'string' ? target.options.tlsServername : servername;
  return {
    ...(pin.ca ? { ca: pin.ca } : {}),
    ...(pin.fingerprint256 ? { fingerprint256: pin.fingerprint256 } : {}),
    ...(name ? { servername: name } : {}),
  };
}

export interface RestClientOptions {
  /** Adapter id, used as the message prefix `[id]`. */
  adapter: string;
  /** Scheme, host and port, e.g. `http://192.168.1.1` (no path). */
  baseUrl: string;
  /** `METHOD /path` (plus ` operation` for RPC-style APIs); anything else is refused before sending. */
  allowlist: readonly string[];
  /** Map a concrete path to its allowlist form (e.g. `/api/v8/` → `/api/vN/`). Default: identity. */
  canonicalPath?: (path: string) => string;
  timeoutMs?: number;
  maxBytes?: number;
  /** The caller's signal: aborts every request (BOXAUDIT_ABORTED). */
  signal?: AbortSignal;
  tls?: RestTls;
  /** Headers sent on every request (before per-request ones). */
  headers?: Record<string, string>;
  /**
   * The audited target and the audit's budget (`transport/pin.ts`, `util/budget.ts`). Without a pin, one is made
   * for `baseUrl` (its host and port only, resolved once) with `budget` / `lookup`.
   */
  net?: PinContext;
}

export interface RestRequest {
  method: RestMethod;
  /** Path and query, starting with `/`. */
  path: string;
  /** RPC operation name appended to the allowlist key (`POST /ws Firewall.getDMZ`). */
  operation?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Human name of the call for messages; default `METHOD path[ operation]`. */
  name?: string;
}

export interface RestResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The allowlist key of the call, e.g. `GET /api/vN/fw/redir/`. */
  call: string;
}

/** What a client did, for diagnosis and tests: allowlist keys in order, no bodies, no headers. */
export interface RestTrace {
  calls: string[];
}

export interface RestClient {
  readonly baseUrl: string;
  readonly trace: RestTrace;
  /** Send one allowlisted request. Throws BOXAUDIT_NOT_ALLOWED before sending anything else. */
  request(req: RestRequest): Promise<RestResponse>;
  /** Register strings that must never appear in a message (empty strings are ignored). */
  addSecret(value: string | null | undefined): void;
  /** Replace every registered secret in `text` with `[redacted]`. */
  redact(text: string): string;
  /** Cookie header value built from the cookies the box set, or null. */
  cookieHeader(): string | null;
  clearCookies(): void;
  /** Names of the cookies currently held (never their values). */
  cookieNames(): string[];
}

/** `METHOD canonical-path[ operation]` — the allowlist key of a request. */
export function allowlistKey(method: RestMethod, canonicalPath: string, operation?: string): string {
  return operation ? `${method} ${canonicalPath} ${operation}` : `${method} ${canonicalPath}`;
}

/** Split `Set-Cookie` lines into name/value pairs (attributes dropped); names kept verbatim. */
export function parseSetCookies(lines: readonly string[] | string | undefined): Array<[string, string]> {
  const list = lines === undefined ? [] : Array.isArray(lines) ? lines : [lines as string];
  const out: Array<[string, string]> = [];
  for (const line of list) {
    const first = line.split(';', 1)[0] ?? '';
    const eq = first.indexOf('=');
    if (eq <= 0) continue;
    out.push([first.slice(0, eq).trim(), first.slice(eq + 1).trim()]);
  }
  return out;
}

/**
 * Create a client for one box. Nothing is sent until `request`.
 * @throws BoxauditError BOXAUDIT_INPUT_INVALID when `baseUrl` is not an http(s) URL.
 */
export function createRestClient(options: RestClientOptions): RestClient {
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch (error) {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      `[${options.adapter}] ${options.baseUrl}: not a valid URL`,
      {
        cause: error,
      },
    );
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      `[${options.adapter}] ${base.origin}: only http and https are supported`,
    );
  }
  if (base.username || base.password) {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      `[${options.adapter}] credentials in the URL are refused: pass them through the environment`,
    );
  }
  const origin = base.origin;
  const pin = pinFor(base, options.net, { label: `[${options.adapter}]` });
  const secrets = new Set<string>();
  const cookies = new Map<string, string>();
  const trace: RestTrace = { calls: [] };
  const timeoutMs = options.timeoutMs ?? REST_DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? REST_DEFAULT_MAX_BYTES;
  const canonical = options.canonicalPath ?? ((p: string) => p);

  const redact = (text: string): string => {
    let out = text;
    // Longest first, so a secret containing another is removed whole.
    for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('[redacted]');
    return out;
  };
  const addSecret = (value: string | null | undefined): void => {
    // Very short strings would redact ordinary words; a 1–3 character secret is not worth hiding that way.
    if (value && value.length >= 4) secrets.add(value);
  };

  const request = (req: RestRequest): Promise<RestResponse> => {
    const pathOnly = req.path.split('?', 1)[0] ?? req.path;
    const key = allowlistKey(req.method, canonical(pathOnly), req.operation);
    const name = req.name ?? key;
    const context = redact(`[${options.adapter}] ${name} (${origin})`);
    if (!req.path.startsWith('/') || !options.allowlist.includes(key)) {
      return Promise.reject(
        new BoxauditError(
          'BOXAUDIT_NOT_ALLOWED',
          `${context}: not on the read-only allowlist; refused before sending`,
          {
            details: { call: key },
          },
        ),
      );
    }
    if (options.signal?.aborted) return Promise.reject(abortError(options.signal, context));
    trace.calls.push(key);

    const headers: Record<string, string | number> = {
      accept: 'application/json',
      connection: 'close',
      ...options.headers,
      ...req.headers,
    };
    const cookie = cookieHeader();
    if (cookie && headers.cookie === undefined) headers.cookie = cookie;

    return boundedRequest({
      method: req.method,
      url: new URL(req.path, origin),
      headers,
      body: req.body,
      timeoutMs,
      maxBytes,
      signal: options.signal,
      tls: base.protocol === 'https:' ? options.tls : undefined,
      context,
      details: { call: key },
      redact,
      pin,
    }).then((res) => {
      for (const [n, v] of parseSetCookies(res.headers['set-cookie'])) {
        addSecret(v);
        if (v === '' || /^deleted$/i.test(v)) cookies.delete(n);
        else cookies.set(n, v);
      }
      return { status: res.status, headers: res.headers, body: res.body, call: key };
    });
  };

  const cookieHeader = (): string | null =>
    cookies.size === 0 ? null : [...cookies].map(([n, v]) => `${n}=${v}`).join('; ');

  return {
    baseUrl: origin,
    trace,
    request,
    addSecret,
    redact,
    cookieHeader,
    clearCookies: () => cookies.clear(),
    cookieNames: () => [...cookies.keys()],
  };
}

/**
 * Parse a reply body as JSON.
 * @throws BoxauditError BOXAUDIT_PROTOCOL_ERROR naming the call when it is not JSON.
 */
export function parseJsonBody(res: RestResponse, adapter: string): unknown {
  try {
    return JSON.parse(res.body);
  } catch {
    throw new BoxauditError(
      'BOXAUDIT_PROTOCOL_ERROR',
      `[${adapter}] ${res.call}: the reply is not valid JSON (HTTP ${res.status}, ${res.body.length} bytes)`,
      { details: { call: res.call, status: res.status } },
    );
  }
}

/** A plain object (not an array, not null), or null. */
export function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** `true`/`1`/`"1"`/`"true"`/`"enabled"` → true; their opposites → false; anything else → null. */
export function looseBool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : null;
  if (typeof value === 'string') {
    const t = value.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on', 'enabled', 'up'].includes(t)) return true;
    if (['0', 'false', 'no', 'off', 'disabled', 'down'].includes(t)) return false;
  }
  return null;
}

/** A trimmed non-empty string, or null (numbers are stringified). */
export function looseString(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const t = value.trim();
  return t === '' ? null : t;
}

/** An integer from a number or a digit string, or null. */
export function looseInt(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  return null;
}

/** Parse `Retry-After` (seconds or an HTTP date) into milliseconds, or null. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return null;
  const t = v.trim();
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  const date = Date.parse(t);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Wait `ms`, or reject with a typed abort error when `signal` fires first. */
export function sleep(ms: number, signal: AbortSignal | undefined, context: string): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal, context));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal!, context));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export { emptyGatewayInfo } from '../model/gateway.js';
