/**
 * A bounded HTTP client for talking to boxes: one deadline per request (covering a slow drip of
 * the body too), a body size cap counted while streaming, no redirects, typed errors.
 * node:http/https handle chunked and close-delimited (HTTP/1.0) bodies.
 */
import http from 'node:http';
import https from 'node:https';
import { abortError, BoxauditError } from '../errors.js';

/** Default per-request deadline. */
export const DEFAULT_HTTP_TIMEOUT_MS = 5000;
/** Default body cap: 1 MiB. Device descriptions and SOAP replies are a few kB; 55 mappings ≈ 21 kB. */
export const DEFAULT_HTTP_MAX_BYTES = 1024 * 1024;

export interface HttpRequestOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Deadline for the whole exchange, body included (default {@link DEFAULT_HTTP_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Largest body accepted, in bytes (default {@link DEFAULT_HTTP_MAX_BYTES}). */
  maxBytes?: number;
  /** The caller's signal: aborting it aborts the request (BOXAUDIT_ABORTED). */
  signal?: AbortSignal;
  /** Error-message prefix, e.g. `[upnp-igd] POST http://…/ctl/IPConn GetGenericPortMappingEntry`. */
  context?: string;
  /**
   * https only: accept a certificate that does not verify (a box's self-signed one). Default false:
   * only the caller may choose to skip verification, knowingly.
   */
  allowSelfSigned?: boolean;
  /**
   * Accept replies Node's strict parser refuses but embedded web servers send: LF-only header
   * lines, Content-Length together with chunked encoding. Safe here because every request has its
   * own connection (no keep-alive, so no reply can be mistaken for the next one). Default false.
   */
  lenientParser?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The URL asked (credentials removed). */
  url: string;
}

/** The URL with any user:password removed, for messages and output. */
export function redactUrl(url: string | URL): string {
  try {
    const u = new URL(String(url));
    if (u.username || u.password) {
      u.username = '';
      u.password = '';
    }
    return u.toString();
  } catch {
    return String(url).replace(/\/\/[^/@]*@/, '//');
  }
}

/**
 * Send one HTTP request and read the whole body within the deadline and the size cap.
 * @throws BoxauditError BOXAUDIT_TIMEOUT (own deadline), BOXAUDIT_ABORTED (caller's signal),
 *   BOXAUDIT_TOO_LARGE (body over the cap; the connection is destroyed), BOXAUDIT_NETWORK,
 *   BOXAUDIT_INPUT_INVALID (not an http(s) URL), BOXAUDIT_HTTP_STATUS (non-2xx; `details.status`
 *   and `details.body` are kept so a SOAP fault inside a 500 can still be read).
 */
export function httpRequest(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
  const method = options.method ?? 'GET';
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_HTTP_MAX_BYTES;
  const shownUrl = redactUrl(url);
  const context = options.context ?? `${method} ${shownUrl}`;

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    return Promise.reject(
      new BoxauditError('BOXAUDIT_INPUT_INVALID', `${context}: not a valid URL`, { cause: error }),
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return Promise.reject(
      new BoxauditError('BOXAUDIT_INPUT_INVALID', `${context}: only http and https URLs are supported`),
    );
  }
  if (options.signal?.aborted) return Promise.reject(abortError(options.signal, context));

  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const transport = parsed.protocol === 'https:' ? https : http;

  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const finish = (error: BoxauditError | null, response?: HttpResponse): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (error) {
        req.destroy();
        reject(error);
      } else resolve(response!);
    };
    const onAbort = (): void => {
      // Our own deadline names its duration; the caller's abort (or caller deadline) is theirs.
      const own = deadline.aborted && !options.signal?.aborted;
      finish(own ? abortError(deadline, context, timeoutMs) : abortError(options.signal!, context));
    };

    const headers: Record<string, string | number> = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
    const req = transport.request(parsed, {
      method,
      headers,
      agent: false, // one connection per request, closed after: nothing lingers on the box
      insecureHTTPParser: options.lenientParser === true,
      rejectUnauthorized: parsed.protocol === 'https:' ? options.allowSelfSigned !== true : undefined,
    });
    signal.addEventListener('abort', onAbort, { once: true });

    req.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ? ` (${error.code})` : '';
      finish(
        new BoxauditError('BOXAUDIT_NETWORK', `${context} failed: ${error.message}${code}`, {
          cause: error,
          details: { url: shownUrl, errno: error.code ?? null },
        }),
      );
    });

    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const declared = Number(res.headers['content-length']);
      const tooLarge = (): BoxauditError =>
        new BoxauditError('BOXAUDIT_TOO_LARGE', `${context}: reply body exceeds the ${maxBytes}-byte cap`, {
          details: { url: shownUrl, maxBytes },
        });
      if (Number.isFinite(declared) && declared > maxBytes) {
        finish(tooLarge());
        res.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          finish(tooLarge());
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (error) => {
        finish(
          new BoxauditError('BOXAUDIT_NETWORK', `${context}: reply cut off (${error.message})`, {
            cause: error,
            details: { url: shownUrl },
          }),
        );
      });
      res.on('close', () => {
        // 'end' did not come first: the box closed the connection mid-body.
        if (!res.complete) {
          finish(
            new BoxauditError('BOXAUDIT_NETWORK', `${context}: reply cut off`, {
              details: { url: shownUrl },
            }),
          );
        }
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (status < 200 || status > 299) {
          finish(
            new BoxauditError('BOXAUDIT_HTTP_STATUS', `${context} answered HTTP ${status}`, {
              details: { url: shownUrl, status, body },
            }),
          );
          return;
        }
        finish(null, { status, headers: res.headers, body, url: shownUrl });
      });
    });

    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}
