/**
 * The UPnP HTTP client: a bounded request (see `transport/request.ts`: one deadline covering a slow drip of
 * the body too, a body size cap counted while streaming, no redirects) that turns a non-2xx reply
 * into BOXAUDIT_HTTP_STATUS, keeping its body (a SOAP fault comes inside an HTTP 500).
 */
import type http from 'node:http';
import { BoxauditError } from '../errors.js';
import { PinnedTarget, redactUrl } from './pin.js';
import { boundedRequest } from './request.js';

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
  /**
   * The audited target (`transport/pin.ts`): a URL off it is refused before sending; its address is
   * resolved once. Default: a pin on `url` itself (a single request to where the caller said).
   */
  pin?: PinnedTarget;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The URL asked (credentials removed). */
  url: string;
}

export { redactUrl };

/**
 * Send one HTTP request and read the whole body within the deadline and the size cap.
 * @throws BoxauditError BOXAUDIT_TIMEOUT (own deadline), BOXAUDIT_ABORTED (caller's signal),
 *   BOXAUDIT_TOO_LARGE (body over the cap; the connection is destroyed), BOXAUDIT_NETWORK,
 *   BOXAUDIT_INPUT_INVALID (not an http(s) URL), BOXAUDIT_HTTP_STATUS (non-2xx; `details.status`
 *   and `details.body` are kept so a SOAP fault inside a 500 can still be read).
 */
export async function httpRequest(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
  const method = options.method ?? 'GET';
  const shownUrl = redactUrl(url);
  const context = options.context ?? `${method} ${shownUrl}`;
  const res = await boundedRequest({
    method,
    url,
    headers: options.headers,
    body: options.body,
    timeoutMs: options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS,
    maxBytes: options.maxBytes ?? DEFAULT_HTTP_MAX_BYTES,
    signal: options.signal,
    context,
    details: { url: shownUrl },
    lenientParser: options.lenientParser,
    pin: options.pin ?? new PinnedTarget(url, { label: context }),
    ...(options.allowSelfSigned === true ? { tls: { acceptAnyCertificate: true } } : {}),
  });
  if (res.status < 200 || res.status > 299) {
    throw new BoxauditError('BOXAUDIT_HTTP_STATUS', `${context} answered HTTP ${res.status}`, {
      details: { url: shownUrl, status: res.status, body: res.body },
    });
  }
  return { status: res.status, headers: res.headers, body: res.body, url: shownUrl };
}
