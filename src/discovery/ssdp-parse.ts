/**
 * Pure SSDP helpers: build an M-SEARCH, parse an answer, judge its LOCATION.
 * No I/O here, so every rule about hostile answers is unit-testable on plain strings.
 * Spec: UPnP Device Architecture 1.1, §1.3.2 (M-SEARCH) and §1.3.3 (search response).
 */
import { isIP } from 'node:net';

/** The IGD search targets we ask for: both IGD versions and the WAN connection services. */
export const IGD_SEARCH_TARGETS = [
  'urn:schemas-upnp-org:device:InternetGatewayDevice:1',
  'urn:schemas-upnp-org:device:InternetGatewayDevice:2',
  'urn:schemas-upnp-org:service:WANIPConnection:1',
  'urn:schemas-upnp-org:service:WANIPConnection:2',
  'urn:schemas-upnp-org:service:WANPPPConnection:1',
] as const;

export const SSDP_MULTICAST_V4 = '239.255.255.250';
/** Link-local scope SSDP group (UDA 1.1 §1.1.1); site-local ff05::c is not used by home boxes. */
export const SSDP_MULTICAST_V6 = 'ff02::c';

/** Longest header value kept (SERVER, USN, ST); longer values are cut, not trusted. */
export const MAX_HEADER_VALUE = 512;
/** Longest LOCATION accepted. */
export const MAX_LOCATION_LENGTH = 2048;

const IGD_ST =
  /^urn:schemas-upnp-org:(device:InternetGatewayDevice|service:WANIPConnection|service:WANPPPConnection):\d+$/i;

/** True for the search targets an internet gateway answers with (any version, any case). */
export function isIgdSearchTarget(st: string): boolean {
  return IGD_ST.test(st);
}

/** `HOST` header value: `239.255.255.250:1900`, `[ff02::c]:1900`. */
export function hostHeader(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * One M-SEARCH request (UDA 1.1 §1.3.2). `mx` is the answer spread in seconds the devices use;
 * unicast searches ignore it on UDA 1.1 devices but UDA 1.0 devices want it present.
 */
export function buildMSearch(input: {
  host: string;
  port: number;
  st: string;
  mx: number;
  userAgent?: string;
}): string {
  const lines = [
    'M-SEARCH * HTTP/1.1',
    `HOST: ${hostHeader(input.host, input.port)}`,
    'MAN: "ssdp:discover"',
    `MX: ${input.mx}`,
    `ST: ${input.st}`,
  ];
  if (input.userAgent) lines.push(`USER-AGENT: ${input.userAgent}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export type ParsedSsdpMessage =
  | { kind: 'response'; status: number; headers: Map<string, string> }
  /** A NOTIFY or M-SEARCH from someone else: not an answer, not an error either. */
  | { kind: 'request'; method: string }
  | { kind: 'invalid'; reason: string };

/** Control characters (incl. ESC and DEL) that must never reach a terminal or a report. */
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;

/** Trim, strip control characters, cut to `max`: header values are attacker-controlled text. */
export function cleanHeaderValue(value: string, max = MAX_HEADER_VALUE): string {
  const cleaned = value.replace(CONTROL_CHARS, '').trim();
  return cleaned.length > max ? cleaned.slice(0, max) : cleaned;
}

/**
 * Parse one SSDP datagram. Header names are case-insensitive (stored lower-case), CRLF or bare LF,
 * the first occurrence of a header wins, lines without a colon are skipped.
 */
export function parseSsdpMessage(text: string): ParsedSsdpMessage {
  const lines = text.split(/\r?\n/);
  const first = (lines[0] ?? '').trim();
  if (first === '') return { kind: 'invalid', reason: 'empty datagram' };
  const status = /^HTTP\/1\.[01]\s+(\d{3})(?:\s|$)/i.exec(first);
  if (!status) {
    const request = /^(NOTIFY|M-SEARCH)\s+\*\s+HTTP\/1\.[01]$/i.exec(first);
    if (request?.[1]) return { kind: 'request', method: request[1].toUpperCase() };
    return { kind: 'invalid', reason: `not an HTTP status line: "${cleanHeaderValue(first, 60)}"` };
  }
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name) || headers.has(name)) continue;
    headers.set(name, line.slice(colon + 1));
  }
  return { kind: 'response', status: Number(status[1]), headers };
}

/** Comparable form of an address: lower-case, no brackets, no zone, IPv4-mapped IPv6 unwrapped. */
export function normalizeAddress(address: string): string {
  let a = address.trim().toLowerCase();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped?.[1]) a = mapped[1];
  return a;
}

export type LocationCheck = { ok: true; url: URL; sameHost: boolean } | { ok: false; reason: string };

/**
 * Judge a LOCATION header against the address that answered. It must be an absolute http(s) URL
 * without credentials; `sameHost` is false when it names another host (or a DNS name, which we do
 * not resolve: the answer would make us fetch from wherever that name points).
 */
export function checkLocation(location: string, responder: string): LocationCheck {
  if (location === '') return { ok: false, reason: 'empty LOCATION' };
  if (location.length > MAX_LOCATION_LENGTH) {
    return { ok: false, reason: `LOCATION longer than ${MAX_LOCATION_LENGTH} characters` };
  }
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return { ok: false, reason: `LOCATION is not a URL: "${cleanHeaderValue(location, 80)}"` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: `LOCATION is not http(s): ${url.protocol}` };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: 'LOCATION carries credentials' };
  }
  const host = normalizeAddress(url.hostname);
  const sameHost = isIP(host) !== 0 && host === normalizeAddress(responder);
  return { ok: true, url, sameHost };
}
