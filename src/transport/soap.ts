/**
 * A read-only UPnP SOAP client (UPnP Device Architecture 1.1 §3.2). Only actions on an allowlist
 * are ever sent: anything else is refused with BOXAUDIT_NOT_ALLOWED before a byte leaves.
 */
import { BoxauditError, isBoxauditError } from '../errors.js';
import { childElement, childText, childValues, parseXml, type XmlElement } from '../util/xml.js';
import { httpRequest, redactUrl } from './http.js';
import type { PinnedTarget } from './pin.js';

/**
 * The read-only IGD actions boxaudit may call. None of them changes the box: they read the
 * external address, the connection state and the port-mapping table (WANIPConnection:1/2,
 * WANPPPConnection:1, WANCommonInterfaceConfig:1).
 */
export const UPNP_READ_ONLY_ACTIONS = [
  'GetExternalIPAddress',
  'GetStatusInfo',
  'GetConnectionTypeInfo',
  'GetNATRSIPStatus',
  'GetGenericPortMappingEntry',
  'GetSpecificPortMappingEntry',
  'GetListOfPortMappings',
  'GetCommonLinkProperties',
] as const;

export type UpnpReadAction = (typeof UPNP_READ_ONLY_ACTIONS)[number];

export interface SoapCallOptions {
  signal?: AbortSignal;
  /** Per-request deadline (ms); see `transport/http.ts` for the default. */
  timeoutMs?: number;
  /** Body cap in bytes; see `transport/http.ts` for the default. */
  maxBytes?: number;
  /** Label for messages, e.g. `upnp-igd` → `[upnp-igd] POST http://… Action …`. */
  label?: string;
  /** Actions allowed (default {@link UPNP_READ_ONLY_ACTIONS}). */
  allowlist?: readonly string[];
  /** See `HttpRequestOptions.lenientParser`. */
  lenientParser?: boolean;
  /** The audited target: a control URL off it is refused before sending (see `transport/pin.ts`). */
  pin?: PinnedTarget;
}

/** Response out-arguments by name (prefix stripped), text values; empty elements are `''`. */
export type SoapArgs = Record<string, string>;

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);

/**
 * A few small caches keyed by what a walk repeats (its service type and action, the reply's
 * envelope prefixes): bounded, emptied when full, so a hostile box cannot grow them.
 */
function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= 32) cache.clear();
    value = make();
    cache.set(key, value);
  }
  return value;
}
const envelopeEnds = new Map<string, [string, string]>();

/** The SOAP 1.1 envelope UPnP control points send (`u:` prefix, encodingStyle). */
export function buildSoapEnvelope(
  serviceType: string,
  action: string,
  args: Record<string, string | number> = {},
): string {
  let argXml = '';
  for (const [k, v] of Object.entries(args)) argXml += `<${k}>${escapeXml(String(v))}</${k}>`;
  const [head, tail] = cached(envelopeEnds, `${serviceType}\u0000${action}`, () => [
    '<?xml version="1.0" encoding="utf-8"?>\r\n' +
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" ' +
      's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>' +
      `<u:${action} xmlns:u="${escapeXml(serviceType)}">`,
    `</u:${action}></s:Body></s:Envelope>\r\n`,
  ]);
  return head + argXml + tail;
}

/** Throw BOXAUDIT_NOT_ALLOWED unless `action` is on the allowlist. */
export function assertAllowed(action: string, allowlist: readonly string[], context: string): void {
  if (!allowlist.includes(action)) {
    throw new BoxauditError(
      'BOXAUDIT_NOT_ALLOWED',
      `${context}: action ${action} is not on the read-only allowlist; refused before sending`,
      { details: { action, allowlist: [...allowlist] } },
    );
  }
}

function faultOf(body: XmlElement, context: string): BoxauditError | null {
  const fault = childElement(body, 'Fault');
  if (!fault) return null;
  const upnpError = childElement(childElement(fault, 'detail'), 'UPnPError');
  const codeText = childText(upnpError, 'errorCode');
  const code = codeText !== null && /^\d+$/.test(codeText) ? Number(codeText) : null;
  const description = childText(upnpError, 'errorDescription') || childText(fault, 'faultstring') || null;
  const what = code === null ? 'SOAP fault' : `UPnP error ${code}`;
  return new BoxauditError(
    'BOXAUDIT_SOAP_FAULT',
    `${context}: ${what}${description ? ` ${description}` : ''}`,
    {
      details: { upnpErrorCode: code, description },
    },
  );
}

const NAME = '[A-Za-z_][\\w.-]*';
const ATTRS = `(?:\\s+${NAME}(?::${NAME})?\\s*=\\s*(?:"[^"<&]*"|'[^'<&]*'))*\\s*`;
/** The envelope of a plain reply: optional declaration, Envelope, Body, the response element. */
const LEAN_HEAD = new RegExp(
  `^\\uFEFF?\\s*(?:<\\?xml${ATTRS}\\?>\\s*)?<(${NAME}:)?Envelope${ATTRS}>\\s*<\\1Body${ATTRS}>\\s*<(${NAME}:)?(${NAME})${ATTRS}>`,
);
/** One out-argument: `<NewName>text</NewName>` (UPnP IGD out-arguments all start with `New`). */
const LEAN_ARG = /\s*<(New[A-Za-z0-9_]*)>([^<&]*)<\/\1>/y;
/** The first closing Envelope tag: where the strict parser cuts too. */
const ENVELOPE_END = /<\/([\w.-]+:)?Envelope\s*>/;
const escapeRe = (text: string): string => text.replace(/\./g, '\\.');
const leanTails = new Map<string, RegExp>();

/**
 * The fast path of {@link parseSoapResponse}, for the common reply (every GetGenericPortMappingEntry
 * of a walk): Envelope > Body > `<ActionResponse>` holding only flat, unprefixed `New…` text
 * arguments, each named once, with no entity, CDATA, comment, DOCTYPE or processing instruction
 * anywhere. Whatever is not exactly that gives null, and the strict parser reads the reply instead:
 * this path only accepts documents on which both give the same out-arguments, so the strict
 * parser's size caps, refusals and precise errors apply to everything else unchanged.
 */
export function leanSoapArgs(xml: string, action: string): SoapArgs | null {
  const end = ENVELOPE_END.exec(xml);
  if (end === null) return null;
  const doc = xml.slice(0, end.index);
  // `<!` (DOCTYPE, CDATA, comments) and `&` (entities) are the strict parser's business.
  if (doc.includes('<!') || doc.includes('&')) return null;
  const head = LEAN_HEAD.exec(doc);
  if (!head || head[3] !== `${action}Response` || (head[1] ?? '') !== (end[1] ?? '')) return null;
  const args: SoapArgs = {};
  LEAN_ARG.lastIndex = head[0].length;
  let at = head[0].length;
  for (let m = LEAN_ARG.exec(doc); m !== null; m = LEAN_ARG.exec(doc)) {
    const name = m[1]!;
    if (Object.hasOwn(args, name)) return null;
    args[name] = m[2]!.trim();
    at = LEAN_ARG.lastIndex;
  }
  const envelopePrefix = head[1] ?? '';
  const responseTag = `${head[2] ?? ''}${head[3]}`;
  const tail = cached(
    leanTails,
    `${envelopePrefix}\u0000${responseTag}`,
    () => new RegExp(`^\\s*</${escapeRe(responseTag)}\\s*>\\s*</${escapeRe(envelopePrefix)}Body\\s*>\\s*$`),
  );
  return tail.test(doc.slice(at)) ? args : null;
}

/**
 * Read a SOAP reply: its out-arguments, or its fault.
 * Typing attributes (`dt:dt`, Yamaha) are ignored; any envelope/action prefix works; the response
 * element's namespace is not checked (Funbox answers in another service's namespace).
 * @throws BoxauditError BOXAUDIT_SOAP_FAULT (`details.upnpErrorCode`, `details.description`), or
 *   BOXAUDIT_PROTOCOL_ERROR for anything that is not a SOAP envelope.
 */
export function parseSoapResponse(xml: string, action: string, context: string): SoapArgs {
  return leanSoapArgs(xml, action) ?? parseSoapResponseStrict(xml, action, context);
}

/** {@link parseSoapResponse} without the fast path: every reply through the strict XML parser. */
export function parseSoapResponseStrict(xml: string, action: string, context: string): SoapArgs {
  const doc = parseXml(xml, { context, cutAfterClosing: 'Envelope' });
  if (doc.name.toLowerCase() !== 'envelope') {
    throw new BoxauditError(
      'BOXAUDIT_PROTOCOL_ERROR',
      `${context}: reply is not a SOAP envelope (root element <${doc.name}>)`,
    );
  }
  const body = childElement(doc.root, 'Body');
  if (!body) throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `${context}: SOAP envelope without a Body`);
  const fault = faultOf(body, context);
  if (fault) throw fault;
  // Some stacks misname the response element: then take the one `…Response` element there is.
  const responseKeys = Object.keys(body).filter((k) => k.toLowerCase().endsWith('response'));
  const exact = childValues(body, `${action}Response`);
  const values = exact.length > 0 ? exact : responseKeys.length === 1 ? body[responseKeys[0]!]! : [];
  const response = values[0];
  if (response === undefined) {
    throw new BoxauditError(
      'BOXAUDIT_PROTOCOL_ERROR',
      `${context}: no ${action}Response element in the reply`,
    );
  }
  // `<u:XResponse/>` (no out-arguments) parses as text.
  if (typeof response === 'string') return {};
  const args: SoapArgs = {};
  for (const [name, values] of Object.entries(response)) {
    const first = values[0];
    args[name] = typeof first === 'string' ? first : '';
  }
  return args;
}

/**
 * Call one read-only action and return its out-arguments.
 * @param controlUrl absolute control URL of the service
 * @param serviceType the service type for SOAPAction and the request namespace
 * @throws BoxauditError BOXAUDIT_NOT_ALLOWED (nothing sent), BOXAUDIT_SOAP_FAULT, BOXAUDIT_HTTP_STATUS
 *   (non-2xx without a readable fault), BOXAUDIT_PROTOCOL_ERROR, BOXAUDIT_TIMEOUT, BOXAUDIT_ABORTED,
 *   BOXAUDIT_NETWORK, BOXAUDIT_TOO_LARGE. Messages read
 *   `[label] POST <url> <Action> timed out after <ms> ms`.
 */
export async function soapCall(
  controlUrl: string,
  serviceType: string,
  action: string,
  args: Record<string, string | number> = {},
  options: SoapCallOptions = {},
): Promise<SoapArgs> {
  const label = options.label ?? 'upnp-igd';
  const context = `[${label}] POST ${redactUrl(controlUrl)} ${action}`;
  assertAllowed(action, options.allowlist ?? UPNP_READ_ONLY_ACTIONS, context);
  const envelope = buildSoapEnvelope(serviceType, action, args);
  let text: string;
  try {
    const res = await httpRequest(controlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'text/xml; charset="utf-8"',
        soapaction: `"${serviceType}#${action}"`,
        connection: 'close',
      },
      body: envelope,
      timeoutMs: options.timeoutMs,
      maxBytes: options.maxBytes,
      lenientParser: options.lenientParser,
      signal: options.signal,
      ...(options.pin ? { pin: options.pin } : {}),
      context,
    });
    text = res.body;
  } catch (error) {
    // UPnP errors come back as HTTP 500 with a SOAP fault body: read it when there is one.
    if (isBoxauditError(error, 'BOXAUDIT_HTTP_STATUS') && typeof error.details.body === 'string') {
      const status = error.details.status;
      let fault: unknown;
      try {
        parseSoapResponse(error.details.body, action, context);
      } catch (parseError) {
        fault = parseError;
      }
      if (isBoxauditError(fault, 'BOXAUDIT_SOAP_FAULT')) {
        fault.details.httpStatus = status;
        throw fault;
      }
      const { body: _body, ...details } = error.details;
      throw new BoxauditError('BOXAUDIT_HTTP_STATUS', error.message, {
        cause: error.cause,
        details: { ...details, bodyStart: String(_body).slice(0, 200) },
      });
    }
    throw error;
  }
  return parseSoapResponse(text, action, context);
}
