/**
 * The one bounded HTTP(S) exchange every box transport is built on (`transport/http.ts` for UPnP, `transport/rest.ts`
 * for the vendor REST APIs, `transport/digest.ts` for TR-064 and ubus): one deadline over the whole exchange
 * (TLS handshake and a slow drip of the body included), a body cap counted while streaming, the
 * caller's AbortSignal, one connection per request, and no redirect ever followed (a 3xx is an
 * answer). Every status is returned; the layers decide what a non-2xx means.
 *
 * TLS is decided before a single byte of the request is written, and never blanket-ignored unless
 * the caller asks for it by name (`acceptAnyCertificate`, UPnP only):
 * - a pinned SHA-256 fingerprint: the chain need not be trusted, the leaf must match exactly;
 * - otherwise the system roots, or only the caller's `ca`, plus the host name (or `servername`
 *   when the URL holds an IP address).
 * A refused certificate's fingerprint is in the message, so the user can pin it on purpose.
 *
 * Every request goes through a `PinnedTarget` (`transport/pin.ts`): a URL off the audited host (or off its
 * allowed ports) is refused before anything is sent, the host is resolved once and every
 * connection goes to that address, and the bytes read and the time spent count against the
 * audit's budget (`util/budget.ts`): a request never waits past the walk's deadline, and never reads
 * past what is left of the audit's byte budget.
 *
 * Plain `http:` is written and read by `transport/http1.ts` (a UPnP walk makes hundreds of requests
 * and node:http's per-request machinery cost as much CPU as the connection); `https:` goes through
 * node:http over the TLS socket verified here.
 *
 * Kept in its own module (not inside one of the three layers) because each layer has its own
 * error semantics (throw on non-2xx, allowlist and cookies, Digest), and none should depend on another.
 */
import type http from 'node:http';
import { connect, isIP, type Socket } from 'node:net';
import { abortError, BoxauditError } from '../errors.js';
import { Http1ParseError, Http1ReplyReader, Http1RequestError, serializeRequest } from './http1.js';
import { type PinnedTarget, redactUrl } from './pin.js';

/** TLS trust for one box (the shape `target.options.tlsCa` / `tlsFingerprint` map onto). */
export interface TlsPin {
  /** PEM CA bundle to trust instead of the system CAs (e.g. the box's own self-signed certificate). */
  ca?: string;
  /** SHA-256 fingerprint of the box's certificate (`AB:CD:…` or plain hex); accepted even if self-signed. */
  fingerprint256?: string;
}

export interface RequestTls {
  /** Trusted roots (PEM), replacing the system store. */
  ca?: string | readonly string[];
  /** Pinned leaf SHA-256 fingerprint; when set, only this certificate is accepted (chain not required). */
  fingerprint256?: string;
  /** Name to check the certificate against (and send as SNI) when the URL holds an IP address. */
  servername?: string;
  /** Accept any certificate. Only for callers that chose it knowingly (UPnP `allowSelfSigned`). */
  acceptAnyCertificate?: boolean;
}

export interface BoundedRequest {
  method: string;
  url: string | URL;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  timeoutMs: number;
  maxBytes: number;
  /** The caller's signal: aborting it gives BOXAUDIT_ABORTED (the own deadline gives BOXAUDIT_TIMEOUT). */
  signal?: AbortSignal;
  tls?: RequestTls;
  /** Message prefix, e.g. `[fritzbox] POST http://…/upnp/control/x GetInfo`. */
  context: string;
  /** Merged into every error's `details` (e.g. `{ url }` or `{ call }`). */
  details?: Record<string, unknown>;
  /** Applied to every message built here (the REST layer removes its secrets). */
  redact?: (text: string) => string;
  /** Node's lenient parser (LF-only headers, Content-Length with chunked), for embedded web servers. */
  lenientParser?: boolean;
  /** The audited target: the URL must be on it; connects to its once-resolved address; budget. */
  pin: PinnedTarget;
}

export interface BoundedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Normalize a fingerprint to upper-case colon-separated hex. */
export function normalizeFingerprint(text: string): string {
  const hex = text.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.replace(/(..)(?!$)/g, '$1:');
}

/** TLS pinning from `target.options`: `tlsCa` (PEM), `tlsFingerprint` (SHA-256). */
export function tlsFrom(target: { options?: Record<string, unknown> }): TlsPin | undefined {
  const o = target.options ?? {};
  const ca = typeof o.tlsCa === 'string' ? o.tlsCa : undefined;
  const fingerprint256 = typeof o.tlsFingerprint === 'string' ? o.tlsFingerprint : undefined;
  return ca || fingerprint256 ? { ca, fingerprint256 } : undefined;
}

const HINTS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'the certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not name this box',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'a self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'a self-signed root not among the trusted ones',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'not signed by a trusted root',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'not signed by a trusted root',
};

/** Why a certificate was refused, naming the presented fingerprint (and the pinned one). */
function tlsRefusal(
  request: BoundedRequest,
  seen: string,
  pinned: string | null,
  authorizationError: string,
): BoxauditError {
  const redact = request.redact ?? ((t: string) => t);
  if (pinned !== null) {
    return new BoxauditError(
      'BOXAUDIT_NETWORK',
      redact(
        `${request.context}: TLS refused: the presented certificate's SHA-256 fingerprint ${seen} does not match the pinned (expected) ${pinned}`,
      ),
      {
        details: {
          ...request.details,
          tls: true,
          errno: 'TLS_FINGERPRINT_MISMATCH',
          fingerprint256: seen,
          expectedFingerprint256: pinned,
        },
      },
    );
  }
  const hint = HINTS[authorizationError];
  return new BoxauditError(
    'BOXAUDIT_NETWORK',
    redact(
      `${request.context}: TLS refused: certificate not trusted (${authorizationError}${hint ? `: ${hint}` : ''}); certificate checks are never disabled. If this is the box's own certificate, pin its SHA-256 fingerprint: --tls-fingerprint ${seen} (library: target.options.tlsFingerprint)`,
    ),
    { details: { ...request.details, tls: true, errno: authorizationError, fingerprint256: seen } },
  );
}

/**
 * Open a TLS socket and decide trust before anything is written. node:tls is loaded here, on the
 * first https request: it costs more start-up than node:http (about 15–20 ms of CPU measured), and
 * a UPnP read is plain http.
 */
async function connectTls(url: URL, address: string, request: BoundedRequest, signal: Stop): Promise<Socket> {
  const opts = request.tls ?? {};
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const byIp = isIP(host) !== 0;
  const tls = await import('node:tls');
  if (signal.aborted) throw signal.reason;
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      // The pinned address; the certificate is still checked against the URL's name (servername).
      host: address,
      port: Number(url.port || 443),
      // SNI and the name checked: the URL's name, or `servername` for an IP (an IP is never sent as SNI).
      servername: byIp ? opts.servername : host,
      ...(opts.ca !== undefined ? { ca: typeof opts.ca === 'string' ? opts.ca : [...opts.ca] } : {}),
      // Verified by hand just below: authorized (CA + name), or the pinned fingerprint.
      rejectUnauthorized: false,
    });
    const onAbort = (): void => {
      socket.destroy();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', onAbort);
      reject(networkError(request, error));
    });
    socket.once('secureConnect', () => {
      signal.removeEventListener('abort', onAbort);
      const seen = normalizeFingerprint(socket.getPeerCertificate().fingerprint256 ?? '');
      const pinned = opts.fingerprint256 ? normalizeFingerprint(opts.fingerprint256) : null;
      const trusted =
        opts.acceptAnyCertificate === true || (pinned !== null ? seen === pinned : socket.authorized);
      if (trusted) {
        resolve(socket);
        return;
      }
      socket.destroy();
      reject(tlsRefusal(request, seen, pinned, String(socket.authorizationError)));
    });
  });
}

/** The box closed the connection, or it broke, after the reply's head and before its end. */
function cutOffError(request: BoundedRequest, why: string): BoxauditError {
  const redact = request.redact ?? ((t: string) => t);
  return new BoxauditError('BOXAUDIT_NETWORK', redact(`${request.context}: reply cut off${why}`), {
    details: { ...request.details },
  });
}

function networkError(request: BoundedRequest, error: NodeJS.ErrnoException): BoxauditError {
  const redact = request.redact ?? ((t: string) => t);
  const code = error.code ? ` (${error.code})` : '';
  return new BoxauditError('BOXAUDIT_NETWORK', redact(`${request.context} failed: ${error.message}${code}`), {
    cause: error,
    details: { ...request.details, errno: error.code ?? null },
  });
}

/**
 * Send one request and read the whole body within the deadline and the size cap. Every status is
 * returned (a redirect is not followed).
 * @throws BoxauditError BOXAUDIT_TIMEOUT (own deadline), BOXAUDIT_ABORTED (caller's signal),
 *   BOXAUDIT_TOO_LARGE (body over the cap; the connection is destroyed), BOXAUDIT_NETWORK (incl. a
 *   refused certificate, `details.tls`), BOXAUDIT_INPUT_INVALID (not an http(s) URL, or a header
 *   value holding CR, LF or NUL: nothing is sent).
 */
export async function boundedRequest(request: BoundedRequest): Promise<BoundedResponse> {
  const { context, pin } = request;
  const redact = request.redact ?? ((t: string) => t);
  let url: URL;
  try {
    url = new URL(String(request.url));
  } catch (error) {
    throw new BoxauditError('BOXAUDIT_INPUT_INVALID', `${context}: not a valid URL`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BoxauditError('BOXAUDIT_INPUT_INVALID', `${context}: only http and https URLs are supported`);
  }
  // user:password in the URL becomes Basic auth, as http.request(url) would do; a malformed
  // percent-escape in it (typed, or in a URL the box gave) is refused naming the URL without them.
  let auth: string | undefined;
  if (url.username || url.password) {
    try {
      auth = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    } catch (error) {
      const shown = redact(redactUrl(url));
      throw new BoxauditError(
        'BOXAUDIT_INPUT_INVALID',
        `${context}: the user name or password in ${shown} is not valid percent-encoding`,
        { cause: error },
      );
    }
  }
  // Off the audited host or port: refused before anything (a DNS lookup included) is sent.
  pin.check(url, context);
  if (request.signal?.aborted) throw abortError(request.signal, context);
  const budget = pin.budget;
  const timeLeft = budget.timeLeft();
  if (timeLeft <= 0) {
    budget.hit('time', context);
    throw budgetTimeError(context, budget.limits.walkTimeMs, request.details);
  }
  const bytesLeft = budget.bytesLeft();
  if (bytesLeft <= 0) {
    budget.hit('bytes', context);
    throw budgetBytesError(context, budget.limits.maxBytes, request.details);
  }
  // The walk's deadline and the audit's byte budget shorten this request's own limits.
  const byBudgetTime = timeLeft < request.timeoutMs;
  const timeoutMs = Math.min(request.timeoutMs, timeLeft);
  const byBudgetBytes = bytesLeft < request.maxBytes;
  const maxBytes = Math.min(request.maxBytes, bytesLeft);
  const deadline = requestDeadline(timeoutMs, request.signal);
  const signal = deadline.signal;
  // Our own deadline names its duration; the caller's abort (or caller deadline) is theirs.
  const toAbortError = (): BoxauditError => {
    if (deadline.timedOut() && !request.signal?.aborted) {
      if (byBudgetTime) {
        budget.hit('time', context);
        return budgetTimeError(context, budget.limits.walkTimeMs, request.details);
      }
      return abortError(signal, context, timeoutMs);
    }
    return abortError(request.signal ?? signal, context, timeoutMs);
  };
  try {
    let address: string;
    try {
      // A lookup cannot be cancelled: stop waiting for it at the deadline or the caller's abort.
      ({ address } = await untilAborted(pin.address(context), signal));
    } catch (error) {
      if (signal.aborted) throw toAbortError();
      throw error;
    }
    if (signal.aborted) throw toAbortError();
    // Host names the box as the URL does; the connection goes to the pinned address.
    const headers: Record<string, string | number> = { host: url.host, ...request.headers };
    if (auth !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) {
      headers.authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
    }
    if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
    const exchange: Exchange = {
      url,
      address,
      headers,
      signal,
      toAbortError,
      maxBytes,
      tooLarge: () => {
        if (byBudgetBytes) {
          budget.hit('bytes', context);
          return budgetBytesError(context, budget.limits.maxBytes, request.details);
        }
        return new BoxauditError(
          'BOXAUDIT_TOO_LARGE',
          `${context}: reply body exceeds the ${maxBytes}-byte cap`,
          {
            details: { ...request.details, maxBytes },
          },
        );
      },
    };
    return url.protocol === 'http:'
      ? await http1Exchange(request, exchange)
      : await httpsExchange(request, exchange);
  } finally {
    deadline.dispose();
  }
}

/** What each exchange below needs once the request's limits, address and headers are settled. */
interface Exchange {
  url: URL;
  /** The pinned address to connect to. */
  address: string;
  headers: Record<string, string | number>;
  /** The deadline joined with the caller's signal. */
  signal: Stop;
  toAbortError: () => BoxauditError;
  maxBytes: number;
  tooLarge: () => BoxauditError;
}

/**
 * An https exchange: node:http over the TLS socket verified in connectTls. node:http is loaded
 * here, on the first https request: plain http (every UPnP read) goes through http1Exchange.
 */
async function httpsExchange(request: BoundedRequest, x: Exchange): Promise<BoundedResponse> {
  const { pin } = request;
  const { signal, toAbortError, maxBytes, tooLarge } = x;
  let socket: Socket;
  let http: typeof import('node:http');
  try {
    http = await import('node:http');
    socket = await connectTls(x.url, x.address, request, signal);
  } catch (error) {
    if (signal.aborted) throw toAbortError();
    throw error;
  }

  return new Promise<BoundedResponse>((resolve, reject) => {
    let settled = false;
    const finish = (error: BoxauditError | null, response?: BoundedResponse): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (error) {
        req.destroy();
        reject(error);
      } else resolve(response!);
    };
    const onAbort = (): void => finish(toAbortError());
    const req = http.request({
      host: x.address,
      port: Number(x.url.port || 443),
      path: `${x.url.pathname}${x.url.search}`,
      method: request.method,
      headers: x.headers,
      insecureHTTPParser: request.lenientParser === true,
      // One connection per request, closed after: nothing lingers on the box. It is the socket
      // verified above (`agent: false` would make a fresh Agent that ignores createConnection
      // and opens a plain TCP connection instead).
      createConnection: () => socket,
    });
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();

    req.on('error', (error: NodeJS.ErrnoException) => finish(networkError(request, error)));
    req.on('response', (res) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        finish(tooLarge());
        res.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        pin.budget.addBytes(chunk.length);
        if (size > maxBytes) {
          finish(tooLarge());
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (error) => finish(cutOffError(request, ` (${error.message})`)));
      // 'end' did not come first: the box closed the connection mid-body.
      res.on('close', () => {
        if (!res.complete) finish(cutOffError(request, ''));
      });
      res.on('end', () =>
        finish(null, {
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });

    if (request.body !== undefined) req.end(request.body);
    else req.end();
  });
}

/**
 * What stops one request: its deadline or the caller's abort. The part of AbortSignal the exchanges
 * use, without an AbortController per request (creating one cost about 35 µs here, ~20 ms over a
 * walk of 500 mappings).
 */
interface Stop {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * One request's deadline joined with the caller's signal: a timer and a listener, released by
 * `dispose` when the request settles. The timer does not keep the process alive, as
 * AbortSignal.timeout's does not.
 */
function requestDeadline(
  timeoutMs: number,
  caller: AbortSignal | undefined,
): { signal: Stop; timedOut: () => boolean; dispose: () => void } {
  const listeners = new Set<() => void>();
  const stop = { aborted: false, reason: undefined as unknown, timedOut: false };
  const abort = (reason: unknown): void => {
    if (stop.aborted) return;
    Object.assign(stop, { aborted: true, reason });
    for (const listener of [...listeners]) listener();
    listeners.clear();
  };
  const timer = setTimeout(() => {
    stop.timedOut = true;
    abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, timeoutMs);
  timer.unref();
  const onCallerAbort = (): void => abort(caller?.reason);
  if (caller?.aborted) abort(caller.reason);
  else caller?.addEventListener('abort', onCallerAbort, { once: true });
  const signal: Stop = {
    get aborted() {
      return stop.aborted;
    },
    get reason() {
      return stop.reason;
    },
    addEventListener: (_type, listener) => void listeners.add(listener),
    removeEventListener: (_type, listener) => void listeners.delete(listener),
  };
  return {
    signal,
    timedOut: () => stop.timedOut,
    dispose: () => {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
      listeners.clear();
    },
  };
}

/**
 * A plain-http exchange over a TCP connection of its own, read by `transport/http1.ts`: the same
 * deadline, abort, body cap, budget and errors as httpsExchange, without node:http's per-request
 * machinery (a UPnP walk makes hundreds of these).
 */
async function http1Exchange(request: BoundedRequest, x: Exchange): Promise<BoundedResponse> {
  const { context, pin } = request;
  const redact = request.redact ?? ((t: string) => t);
  let bytes: Buffer;
  try {
    bytes = serializeRequest(request.method, `${x.url.pathname}${x.url.search}`, x.headers, request.body);
  } catch (error) {
    if (!(error instanceof Http1RequestError)) throw error;
    throw new BoxauditError('BOXAUDIT_INPUT_INVALID', redact(`${context}: ${error.message}; not sent`), {
      details: { ...request.details },
    });
  }
  return new Promise<BoundedResponse>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const socket = connect({ host: x.address, port: Number(x.url.port || 80) });
    const reader = new Http1ReplyReader(
      request.method,
      (head) => {
        // A declared length over the cap is refused before its body is read.
        const declared = Number(head.headers['content-length']);
        if (!head.headers['transfer-encoding'] && Number.isFinite(declared) && declared > x.maxBytes) {
          throw new BodyTooLarge();
        }
      },
      (bytes) => {
        size += bytes.length;
        pin.budget.addBytes(bytes.length);
        if (size > x.maxBytes) throw new BodyTooLarge();
        chunks.push(bytes);
      },
    );
    const finish = (error: BoxauditError | null): void => {
      if (settled) return;
      settled = true;
      x.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else {
        const { status, headers } = reader.head!;
        resolve({ status, headers, body: Buffer.concat(chunks).toString('utf8') });
      }
    };
    const onAbort = (): void => finish(x.toAbortError());
    // Once the head is in, a broken connection cuts the reply off, as on the node:http path.
    const cutOff = (why: string): BoxauditError => cutOffError(request, why);
    const failed = (error: unknown): void => {
      if (error instanceof BodyTooLarge) finish(x.tooLarge());
      else if (!(error instanceof Http1ParseError))
        finish(networkError(request, error as NodeJS.ErrnoException));
      else if (error.message === 'reply cut off') finish(cutOff(''));
      else {
        // No reply at all is what node:http calls a hang-up (ECONNRESET); anything else is a
        // reply no framing rule can read.
        const hangUp = reader.head === null && error.message.includes('without a reply');
        finish(
          new BoxauditError('BOXAUDIT_NETWORK', redact(`${context} failed: ${error.message}`), {
            details: { ...request.details, errno: hangUp ? 'ECONNRESET' : 'HTTP_PARSE' },
          }),
        );
      }
    };
    const read = (step: () => void): void => {
      try {
        step();
        if (reader.done) finish(null);
      } catch (error) {
        failed(error);
      }
    };
    x.signal.addEventListener('abort', onAbort, { once: true });
    if (x.signal.aborted) onAbort();
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish(reader.head ? cutOff(` (${error.message})`) : networkError(request, error)),
    );
    socket.on('data', (chunk: Buffer) => read(() => reader.push(chunk)));
    socket.on('end', () => read(() => reader.end()));
    socket.write(bytes);
  });
}

/** Thrown by the body sink of {@link http1Exchange} past the cap: the exchange ends there. */
class BodyTooLarge extends Error {}

/** The walk's (or the audit's) time budget ran out: BOXAUDIT_TIMEOUT with `details.budget: 'time'`. */
function budgetTimeError(context: string, limitMs: number, details?: Record<string, unknown>): BoxauditError {
  return new BoxauditError(
    'BOXAUDIT_TIMEOUT',
    `${context}: the time budget of this walk (${limitMs} ms, or what was left of the audit's) is used up`,
    { details: { ...details, budget: 'time', deadline: true, limitMs } },
  );
}

/** The audit's byte budget ran out: BOXAUDIT_TOO_LARGE with `details.budget: 'bytes'`. */
function budgetBytesError(context: string, limit: number, details?: Record<string, unknown>): BoxauditError {
  return new BoxauditError(
    'BOXAUDIT_TOO_LARGE',
    `${context}: the audit's budget of ${limit} bytes read is used up`,
    { details: { ...details, budget: 'bytes', limit } },
  );
}

/** `promise`, or a rejection as soon as `signal` aborts (the promise itself keeps running). */
function untilAborted<T>(promise: Promise<T>, signal: Stop): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
