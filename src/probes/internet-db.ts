/**
 * `--internet-db` (issue 13): what the Internet has already seen of the box's public address, from
 * Shodan's free InternetDB (`GET https://internetdb.shodan.io/{ip}` → `{ ip, ports, hostnames, tags,
 * cpes, vulns }`, or 404 `{ "detail": "No information available" }`; docs/probes.md cites the
 * sources and the service's terms). The ONE place where boxaudit sends something about the audited
 * network off the LAN, so:
 *
 * - only when asked (the caller's flag), to the URL the caller configured (default the official one);
 * - only a public IPv4 address: a private, CGNAT (100.64/10), loopback, link-local, multicast,
 *   reserved or documentation address, an IPv6 address or an unknown one is never sent (`skipped`);
 * - through the bounded request core (`transport/request.ts`): one GET, a deadline, a size cap, no
 *   redirect followed (a 3xx is an error), no credentials, no cookie, the audit's budget;
 * - the reply is hostile input: parsed as JSON, checked field by field (the `ip` must be the address
 *   sent), lists capped, strings made printable and short; anything else is an `error`, never a guess.
 *
 * A port InternetDB lists on the address marks the forwards on that external port
 * `reachable: { fromInternet: true, method: 'internet-db' }` (unless a check made now already
 * answered true or false); a port it does not list proves nothing (left unset). Never throws for a network outcome.
 */
import { BoxauditError } from '../errors.js';
import { parseIpv4, type SpecialIpv4, specialIpv4 } from '../model/addresses.js';
import type { InternetDbResult, Snapshot, Warning } from '../model/types.js';
import { type Lookup, PinnedTarget } from '../transport/pin.js';
import { boundedRequest } from '../transport/request.js';
import type { AuditBudget } from '../util/budget.js';
import { VERSION } from '../version.js';
import type { ReachReason } from './reach.js';
import { printable } from './text.js';

/** The official service; the address is appended as the last path segment. */
export const INTERNET_DB_URL = 'https://internetdb.shodan.io/';
/** Deadline of the one request (ms). */
export const INTERNET_DB_TIMEOUT_MS = 10_000;
/** Largest reply read (bytes): a busy address's answer is a few kB. */
export const INTERNET_DB_MAX_BYTES = 256 * 1024;
/** Caps on what is kept of the reply (the snapshot boundary checks the same). */
export const INTERNET_DB_CAPS = { ports: 1024, hostnames: 64, tags: 64, cpes: 128, vulns: 256 } as const;
/** Longest string kept from the reply. */
const MAX_STRING = 200;

/** Warning codes on the snapshot. */
export const INTERNET_DB_PARTIAL = 'INTERNET_DB_PARTIAL';
export const INTERNET_DB_FAILED = 'INTERNET_DB_FAILED';

export interface InternetDbOptions {
  /** Base URL (default {@link INTERNET_DB_URL}); http(s), no user:password, no query or fragment. */
  url?: string;
  signal?: AbortSignal;
  /** The audit's budget: the request counts its bytes and never waits past its deadline. */
  budget?: AuditBudget;
  timeoutMs?: number;
  maxBytes?: number;
  /** Name resolution for the service's host (tests; default the system resolver). */
  lookup?: Lookup;
  /** Clock for `fetchedAt` (tests). */
  now?: () => Date;
}

/**
 * Why a lookup was skipped or gave no usable answer (`snapshot.probes.internetDb.reason`, stable
 * codes; the reporters have words for each, in English and French).
 */
export const INTERNET_DB_REASONS = [
  'NO_PUBLIC_ADDRESS',
  'NOT_IPV4',
  'PRIVATE_ADDRESS',
  'SHARED_ADDRESS',
  'LOOPBACK',
  'NOT_PUBLIC',
  'ABORTED',
  'NOT_FOUND',
  'REDIRECT',
  'RATE_LIMITED',
  'HTTP_STATUS',
  'NOT_JSON',
  'INVALID_REPLY',
  'ADDRESS_MISMATCH',
  'TIMEOUT',
  'TOO_LARGE',
  'TLS_ERROR',
  'NETWORK_ERROR',
  'BUDGET_TIME',
  'BUDGET_BYTES',
] as const;

/** One of {@link INTERNET_DB_REASONS}. */
export type InternetDbReason = (typeof INTERNET_DB_REASONS)[number];

/** The lookup's reason for each special-purpose block (model/addresses.ts). */
const SPECIAL_REASON: Record<SpecialIpv4, InternetDbReason> = {
  private: 'PRIVATE_ADDRESS',
  shared: 'SHARED_ADDRESS',
  loopback: 'LOOPBACK',
  'not-public': 'NOT_PUBLIC',
};

/**
 * May this address be sent to the lookup service? `{ address }` (normalised) or `{ reason }`:
 * `NO_PUBLIC_ADDRESS` (unknown), `NOT_IPV4` (InternetDB documents IPv4 only), `PRIVATE_ADDRESS`,
 * `SHARED_ADDRESS` (CGNAT), `LOOPBACK`, `NOT_PUBLIC` (link-local, multicast, reserved, documentation).
 */
export function internetDbAddress(
  address: string | null | undefined,
): { address: string } | { reason: InternetDbReason } {
  const text = typeof address === 'string' ? address.trim() : '';
  if (text === '') return { reason: 'NO_PUBLIC_ADDRESS' };
  const n = parseIpv4(text);
  if (n === null) return { reason: text.includes(':') ? 'NOT_IPV4' : 'NO_PUBLIC_ADDRESS' };
  // Leading zeros ("010.1.2.3") are read differently by different parsers: never sent as such.
  const normal = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  if (normal !== text) return { reason: 'NO_PUBLIC_ADDRESS' };
  const special = specialIpv4(normal);
  return special === null ? { address: normal } : { reason: SPECIAL_REASON[special] };
}

/**
 * Check a base URL given by the caller (`--internet-db-url`); returns it with a final `/`.
 * @throws BoxauditError BOXAUDIT_USAGE when it is not http(s), holds a user or password, a query or a fragment.
 */
export function internetDbBaseUrl(url: string = INTERNET_DB_URL): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new BoxauditError('BOXAUDIT_USAGE', `--internet-db-url: not a valid URL (${printable(url, 80)})`);
  }
  const problem =
    u.protocol !== 'http:' && u.protocol !== 'https:'
      ? 'only http and https URLs are accepted'
      : u.username || u.password
        ? 'a user name or password in the URL is refused (no credential is ever sent to the lookup service)'
        : u.search || u.hash || url.includes('?') || url.includes('#')
          ? 'a query or fragment is refused (the address is appended as the last path segment)'
          : null;
  if (problem) {
    throw new BoxauditError('BOXAUDIT_USAGE', `--internet-db-url ${printable(u.origin, 80)}…: ${problem}`);
  }
  return u.href.endsWith('/') ? u.href : `${u.href}/`;
}

function result(
  url: string,
  status: InternetDbResult['status'],
  reason: InternetDbReason | null,
): InternetDbResult {
  return {
    url,
    status,
    ports: [],
    hostnames: [],
    tags: [],
    cpes: [],
    vulns: [],
    reason,
    sentAddress: null,
    httpStatus: null,
    fetchedAt: null,
    truncated: false,
  };
}

/** What was left out of a reply, by field, for the warning. */
export type Dropped = Partial<Record<'ports' | 'hostnames' | 'tags' | 'cpes' | 'vulns', number>>;

type Lists = Pick<InternetDbResult, 'ports' | 'hostnames' | 'tags' | 'cpes' | 'vulns'>;

/**
 * The valid entries of a list, once each, at most `cap`; `dropped` counts the invalid ones and
 * those over the cap. At most `4 × cap` entries are looked at: a reply of a million entries costs
 * no more than that (the rest count as dropped).
 */
function keep<T>(
  raw: readonly unknown[],
  valid: (x: unknown) => T | null,
  cap: number,
  order?: (a: T, b: T) => number,
): { kept: T[]; dropped: number } {
  const scan = Math.min(raw.length, cap * 4);
  const seen = new Set<T>();
  let invalid = raw.length - scan;
  for (let i = 0; i < scan; i++) {
    const v = valid(raw[i]);
    if (v === null) invalid++;
    else seen.add(v);
  }
  const all = [...seen];
  if (order) all.sort(order);
  const kept = all.slice(0, cap);
  return { kept, dropped: invalid + all.length - kept.length };
}

const portOf = (x: unknown): number | null =>
  typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= 65535 ? x : null;
const stringOf = (x: unknown): string | null => {
  if (typeof x !== 'string' || x.length > 4 * MAX_STRING) return null;
  const s = printable(x, MAX_STRING);
  return s === '' ? null : s;
};

/**
 * Read a 200 body. Returns the lists (validated, deduplicated, capped) and what was dropped, or a
 * reason code: `NOT_JSON`, `INVALID_REPLY` (not an object, `ports` missing or not a list, another
 * list field that is not a list), `ADDRESS_MISMATCH` (`ip` is not the address sent).
 */
export function parseInternetDbReply(
  body: string,
  sentAddress: string,
): { ok: true; lists: Lists; dropped: Dropped } | { ok: false; reason: InternetDbReason } {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'NOT_JSON' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, reason: 'INVALID_REPLY' };
  }
  const o = data as Record<string, unknown>;
  // The documented reply names the address asked; anything else is not about this box.
  if (typeof o.ip !== 'string' || o.ip.trim() !== sentAddress)
    return { ok: false, reason: 'ADDRESS_MISMATCH' };
  if (!Array.isArray(o.ports)) return { ok: false, reason: 'INVALID_REPLY' };
  const dropped: Dropped = {};
  const ports = keep(o.ports, portOf, INTERNET_DB_CAPS.ports, (a, b) => a - b);
  if (ports.dropped > 0) dropped.ports = ports.dropped;
  const lists: Lists = { ports: ports.kept, hostnames: [], tags: [], cpes: [], vulns: [] };
  for (const k of ['hostnames', 'tags', 'cpes', 'vulns'] as const) {
    const raw = o[k];
    if (raw === undefined || raw === null) continue;
    if (!Array.isArray(raw)) return { ok: false, reason: 'INVALID_REPLY' };
    const r = keep(raw, stringOf, INTERNET_DB_CAPS[k]);
    lists[k] = r.kept;
    if (r.dropped > 0) dropped[k] = r.dropped;
  }
  return { ok: true, lists, dropped };
}

/** The reason code of a request error (never its message: that stays in the log). */
function errorReason(error: unknown): InternetDbReason {
  if (!(error instanceof BoxauditError)) return 'NETWORK_ERROR';
  const budget = (error.details as { budget?: unknown } | undefined)?.budget;
  if (budget === 'time') return 'BUDGET_TIME';
  if (budget === 'bytes') return 'BUDGET_BYTES';
  switch (error.code) {
    case 'BOXAUDIT_TIMEOUT':
      return 'TIMEOUT';
    case 'BOXAUDIT_ABORTED':
      return 'ABORTED';
    case 'BOXAUDIT_TOO_LARGE':
      return 'TOO_LARGE';
    case 'BOXAUDIT_NETWORK':
      return (error.details as { tls?: unknown } | undefined)?.tls ? 'TLS_ERROR' : 'NETWORK_ERROR';
    default:
      return 'NETWORK_ERROR';
  }
}

/**
 * Look one address up. Never throws for a network or reply problem: the result says what happened
 * (`status`, `reason`) and whether the address left the LAN (`sentAddress`).
 * @throws BoxauditError BOXAUDIT_USAGE for a bad `options.url` (before anything is sent).
 */
export async function lookupInternetDb(
  address: string | null | undefined,
  options: InternetDbOptions = {},
): Promise<{ result: InternetDbResult; dropped: Dropped }> {
  const base = internetDbBaseUrl(options.url ?? INTERNET_DB_URL);
  const gate = internetDbAddress(address);
  if ('reason' in gate) return { result: result(base, 'skipped', gate.reason), dropped: {} };
  const url = `${base}${gate.address}`;
  const out = result(url, 'error', null);
  if (options.signal?.aborted)
    return { result: { ...out, reason: 'ABORTED' satisfies InternetDbReason }, dropped: {} };
  const pin = new PinnedTarget(url, {
    label: '[internet-db]',
    ...(options.budget ? { budget: options.budget.forWalk() } : {}),
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });
  // From here the address may leave the LAN: say so even if the request then fails.
  out.sentAddress = gate.address;
  const now = options.now ?? (() => new Date());
  let status: number;
  let body: string;
  try {
    const res = await boundedRequest({
      method: 'GET',
      url,
      headers: { accept: 'application/json', 'user-agent': `boxaudit/${VERSION}` },
      timeoutMs: options.timeoutMs ?? INTERNET_DB_TIMEOUT_MS,
      maxBytes: options.maxBytes ?? INTERNET_DB_MAX_BYTES,
      ...(options.signal ? { signal: options.signal } : {}),
      context: `[internet-db] GET ${url}`,
      details: { url },
      pin,
    });
    status = res.status;
    body = res.body;
  } catch (error) {
    if (error instanceof BoxauditError && error.code === 'BOXAUDIT_NOT_ALLOWED') throw error;
    return { result: { ...out, reason: errorReason(error), fetchedAt: now().toISOString() }, dropped: {} };
  }
  out.httpStatus = status;
  out.fetchedAt = now().toISOString();
  if (status === 404) {
    // The documented "never seen" answer is a JSON object with a `detail` string; a 404 page of
    // something else (a wrong --internet-db-url) is not a statement about the address.
    let detail: unknown;
    try {
      detail = (JSON.parse(body) as { detail?: unknown } | null)?.detail;
    } catch {
      detail = undefined;
    }
    return {
      result:
        typeof detail === 'string'
          ? { ...out, status: 'not-found', reason: 'NOT_FOUND' satisfies InternetDbReason }
          : { ...out, reason: 'HTTP_STATUS' satisfies InternetDbReason },
      dropped: {},
    };
  }
  if (status >= 300 && status < 400)
    return { result: { ...out, reason: 'REDIRECT' satisfies InternetDbReason }, dropped: {} };
  if (status !== 200)
    return {
      result: {
        ...out,
        reason: (status === 429 ? 'RATE_LIMITED' : 'HTTP_STATUS') satisfies InternetDbReason,
      },
      dropped: {},
    };
  const parsed = parseInternetDbReply(body, gate.address);
  if (!parsed.ok) return { result: { ...out, reason: parsed.reason }, dropped: {} };
  const truncated = Object.keys(parsed.dropped).length > 0;
  return {
    result: { ...out, ...parsed.lists, status: 'found', reason: null, truncated },
    dropped: parsed.dropped,
  };
}

/** Does InternetDB's port list include a port of this range? */
function listed(ports: readonly number[], range: { start: number; end: number }): boolean {
  return ports.some((p) => p >= range.start && p <= range.end);
}

/**
 * Put a lookup's result on a snapshot that went through the probe step: `probes.internetDb`, a
 * `sentOutside` line when the address left the LAN, `reachable` (method `internet-db`) on the
 * enabled forwards whose external port is listed and that carry no reachability yet, and a warning
 * when the reply was partial or unusable. Returns a new snapshot.
 */
export function applyInternetDb(
  snapshot: Snapshot,
  lookup: { result: InternetDbResult; dropped: Dropped },
): Snapshot {
  const { result: r, dropped } = lookup;
  if (!snapshot.probes) return snapshot;
  const warnings: Warning[] = [...snapshot.warnings];
  const parts = Object.entries(dropped).map(([k, n]) => `${n} of ${k}`);
  if (parts.length > 0) {
    warnings.push({
      code: INTERNET_DB_PARTIAL,
      message: `the InternetDB reply had entries that are invalid or over the caps, left out: ${parts.join(', ')}`,
      where: 'probes.internetDb',
    });
  }
  if (r.status === 'error') {
    warnings.push({
      code: INTERNET_DB_FAILED,
      message: `the InternetDB lookup at ${r.url} gave no usable answer (${r.reason ?? 'unknown'}${r.httpStatus ? `, HTTP ${r.httpStatus}` : ''}): what the Internet has seen of this address is unknown`,
      where: 'probes.internetDb',
    });
  }
  const forwards =
    r.status !== 'found'
      ? snapshot.forwards
      : snapshot.forwards.map((f) =>
          f.enabled !== false &&
          f.externalPort !== null &&
          (f.reachable === undefined || f.reachable.fromInternet === null) &&
          listed(r.ports, f.externalPort)
            ? {
                ...f,
                reachable: {
                  fromInternet: true,
                  method: 'internet-db' as const,
                  reason: 'LISTED' satisfies ReachReason,
                },
              }
            : f,
        );
  const sentOutside = [...snapshot.probes.sentOutside];
  if (r.sentAddress) sentOutside.push({ what: r.sentAddress, to: r.url });
  return { ...snapshot, forwards, warnings, probes: { ...snapshot.probes, sentOutside, internetDb: r } };
}

/**
 * Look up each snapshot's external address (once per distinct address) and apply the result.
 * Snapshots without a probe run are returned unchanged (the lookup belongs to the probe step).
 */
export async function internetDbSnapshots(
  snapshots: Snapshot[],
  options: InternetDbOptions = {},
): Promise<Snapshot[]> {
  const cache = new Map<string, { result: InternetDbResult; dropped: Dropped }>();
  const out: Snapshot[] = [];
  for (const s of snapshots) {
    if (!s.probes) {
      out.push(s);
      continue;
    }
    const key = s.gateway.externalIp?.trim() ?? '';
    let lookup = cache.get(key);
    if (!lookup) {
      lookup = await lookupInternetDb(s.gateway.externalIp, options);
      cache.set(key, lookup);
    }
    out.push(applyInternetDb(s, lookup));
  }
  return out;
}
