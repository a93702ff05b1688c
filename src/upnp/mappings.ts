/**
 * Reading the port-mapping table of one WAN connection service, completely and harmlessly:
 * sequential requests, a bounded index, repeat detection, and every ending recorded.
 * UPnP IGD WANIPConnection:1 §2.4.14/§2.4.15, WANIPConnection:2 §2.5.20 (GetListOfPortMappings).
 */
import { BoxauditError, isBoxauditError } from '../errors.js';
import type { ForwardInput } from '../model/forward.js';
import { parsePortRange, parseProtocols } from '../model/forward.js';
import type { CoverageStatus, Protocol, Warning } from '../model/types.js';
import type { SoapArgs } from '../transport/soap.js';
import { childElements, childText, parseXml } from '../util/xml.js';

/** Default cap on entries read from one service; past it coverage is `partial`. */
export const DEFAULT_MAX_ENTRIES = 4096;
/** Entries asked per GetListOfPortMappings page. */
export const LIST_PAGE_SIZE = 1000;

const ADAPTER_ID = 'upnp-igd';

function parseBool(text: string | undefined): boolean | null {
  const t = (text ?? '').trim().toLowerCase();
  if (t === '1' || t === 'true' || t === 'yes') return true;
  if (t === '0' || t === 'false' || t === 'no') return false;
  return null;
}

function parseUint(text: string | undefined): number | null {
  const t = (text ?? '').trim();
  return /^\d{1,10}$/.test(t) ? Number(t) : null;
}

const ANY_HOST = new Set(['', '0.0.0.0', '*', '::']);

/** True for the all-zero placeholder some boxes return (MikroTik index 0): not a mapping. */
export function isEmptyEntry(args: SoapArgs): boolean {
  const ext = (args.NewExternalPort ?? '').trim();
  const client = (args.NewInternalClient ?? '').trim();
  return (ext === '' || ext === '0') && (client === '' || client === '0.0.0.0');
}

/**
 * One GetGenericPortMappingEntry / GetSpecificPortMappingEntry reply, or one GetListOfPortMappings
 * entry (`NewDescription`, `NewLeaseTime` names), → a forward. Null for the all-zero placeholder
 * and for an entry whose protocol is neither TCP nor UDP.
 * External port 0 is the IGD wildcard (every port) and becomes 1–65535; internal port 0 is not a
 * port and becomes null (unknown); RemoteHost `''`, `0.0.0.0`, `*` mean any source (null).
 */
export function parsePortMappingEntry(args: SoapArgs): ForwardInput | null {
  if (isEmptyEntry(args)) return null;
  const protocols = parseProtocols(args.NewProtocol);
  if (protocols.length !== 1) return null;
  return mappingForward(args, protocols[0]!);
}

/**
 * One mapping entry → its forwards, failing closed: the all-zero placeholder gives none; a protocol
 * boxaudit does not know (empty, "ALL", garbage) keeps the mapping as tcp and udp, and
 * `protocolKnown` is false so the caller warns. A mapping the box reports is never dropped.
 */
export function parsePortMappingEntries(args: SoapArgs): {
  forwards: ForwardInput[];
  protocolKnown: boolean;
} {
  if (isEmptyEntry(args)) return { forwards: [], protocolKnown: true };
  const known = parseProtocols(args.NewProtocol);
  const protocols: Protocol[] = known.length > 0 ? known : ['tcp', 'udp'];
  return { forwards: protocols.map((p) => mappingForward(args, p)), protocolKnown: known.length > 0 };
}

function mappingForward(args: SoapArgs, protocol: Protocol): ForwardInput {
  const extText = (args.NewExternalPort ?? '').trim();
  const externalPort = extText === '0' ? { start: 1, end: 65535 } : parsePortRange(extText);
  const intText = (args.NewInternalPort ?? '').trim();
  const internalPort = intText === '0' ? null : parsePortRange(intText);
  const remote = (args.NewRemoteHost ?? '').trim();
  const client = (args.NewInternalClient ?? '').trim();
  const description = (args.NewPortMappingDescription ?? args.NewDescription ?? '').trim();
  return {
    source: 'upnp',
    protocol,
    externalPort,
    internalHost: client === '' ? null : client,
    internalPort,
    remoteHost: ANY_HOST.has(remote) ? null : remote,
    enabled: parseBool(args.NewEnabled),
    description: description === '' ? null : description,
    leaseSeconds: parseUint(args.NewLeaseDuration ?? args.NewLeaseTime),
    provenance: { adapter: ADAPTER_ID, transport: 'upnp-soap', raw: { ...args } },
  };
}

/**
 * The raw entries of a GetListOfPortMappings reply. Accepts the whole SOAP reply or just the
 * `NewPortListing` text; the inner list may be CDATA or entity-escaped (both decode the same).
 * @throws BoxauditError BOXAUDIT_PROTOCOL_ERROR when it is neither.
 */
export function parsePortMappingListEntries(
  xmlText: string,
  context = '[upnp-igd] GetListOfPortMappings',
): SoapArgs[] {
  if (xmlText.trim() === '') return [];
  let listing = xmlText;
  const outer = parseXml(xmlText, { context, cutAfterClosing: 'Envelope' });
  if (outer.name.toLowerCase() === 'envelope') {
    const body = childElements(outer.root, 'Body')[0];
    const response = body ? childElements(body, 'GetListOfPortMappingsResponse')[0] : undefined;
    const text = response ? childText(response, 'NewPortListing') : null;
    if (text === null) {
      throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `${context}: no NewPortListing in the reply`);
    }
    listing = text;
  }
  if (listing.trim() === '') return [];
  const inner = outer.name.toLowerCase() === 'portmappinglist' ? outer : parseXml(listing, { context });
  if (inner.name.toLowerCase() !== 'portmappinglist') {
    throw new BoxauditError(
      'BOXAUDIT_PROTOCOL_ERROR',
      `${context}: NewPortListing is not a PortMappingList (root element <${inner.name}>)`,
    );
  }
  return childElements(inner.root, 'PortMappingEntry').map((entry) => {
    const args: SoapArgs = {};
    for (const [name, values] of Object.entries(entry)) {
      args[name] = typeof values[0] === 'string' ? values[0] : '';
    }
    return args;
  });
}

/** GetListOfPortMappings reply (or its NewPortListing) → forwards (placeholders dropped). */
export function parsePortMappingList(xmlText: string): ForwardInput[] {
  return parsePortMappingListEntries(xmlText).flatMap((entry) => parsePortMappingEntries(entry).forwards);
}

function unknownProtocol(what: string, args: SoapArgs, where: string | undefined): Warning {
  return {
    code: 'PROTOCOL_UNKNOWN',
    message: `${what}: protocol ${JSON.stringify(args.NewProtocol ?? '')} is not TCP or UDP; the mapping is kept as tcp and udp`,
    ...(where !== undefined ? { where } : {}),
  };
}

/** A mapping's identity on the box (IGD: RemoteHost, ExternalPort, Protocol). */
export function entryKey(args: SoapArgs): string {
  const remote = (args.NewRemoteHost ?? '').trim();
  return [
    (args.NewProtocol ?? '').trim().toUpperCase(),
    (args.NewExternalPort ?? '').trim(),
    ANY_HOST.has(remote) ? '' : remote,
  ].join('|');
}

/** How a listing ended. */
export interface EnumerationEnding {
  status: CoverageStatus;
  /** e.g. `UPNP_END_713`, `UPNP_END_501`, `UPNP_END_TIMEOUT`, `UPNP_LIST_REPEATS`, `UPNP_MAX_ENTRIES`. */
  code: string;
  reason: string;
  details: Record<string, unknown>;
}

export interface EnumerationResult {
  forwards: ForwardInput[];
  /** Entries the box returned, placeholders included. */
  entriesRead: number;
  method: 'GetGenericPortMappingEntry' | 'GetListOfPortMappings';
  ending: EnumerationEnding;
  warnings: Warning[];
}

/** Calls one action on the service being read (bound to its control URL and service type). */
export type ServiceCaller = (action: string, args: Record<string, string | number>) => Promise<SoapArgs>;

export interface EnumerateOptions {
  maxEntries?: number;
  /** For warnings' `where`. */
  where?: string;
  log?: (line: string) => void;
  /**
   * Most GetGenericPortMappingEntry requests in flight (default 1: one request at a time
   * throughout; at most 4). See {@link enumerateGeneric}.
   */
  concurrency?: number;
}

/** Known ways a box says "no entry at this index" — the normal end of a GetGeneric walk. */
const END_FAULTS: Record<number, string> = {
  713: 'SpecifiedArrayIndexInvalid',
  714: 'NoSuchEntryInArray',
  402: 'Invalid Args',
};

/** Map an error that stopped a listing to an ending; rethrows the caller's abort. */
function endingFromError(error: unknown, index: number, entries: number, action: string): EnumerationEnding {
  if (isBoxauditError(error, 'BOXAUDIT_ABORTED')) throw error;
  const details: Record<string, unknown> = { index, entries, action };
  const lost = entries > 0 ? 'partial' : 'error';
  if (isBoxauditError(error, 'BOXAUDIT_SOAP_FAULT')) {
    const code = error.details.upnpErrorCode as number | null;
    const description = (error.details.description as string | null) ?? null;
    Object.assign(details, { endedWith: code, description });
    if (code !== null && END_FAULTS[code] !== undefined) {
      if (code === 402 && index === 0) {
        return {
          status: 'partial',
          code: 'UPNP_END_402',
          reason: `${action} answered 402 Invalid Args at index 0: either the table is empty (the TP-Link ER605 family ends lists this way) or the box rejected the request; cannot tell which`,
          details,
        };
      }
      const family = code === 402 ? ' (how the TP-Link ER605 family ends the list)' : '';
      return {
        status: 'complete',
        code: `UPNP_END_${code}`,
        reason: `the box ended the list at index ${index} with UPnP error ${code} ${description ?? END_FAULTS[code]}${family}`,
        details,
      };
    }
    const name =
      code === 606 ? 'Action not authorized' : code === 501 ? 'Action Failed' : (description ?? '');
    return {
      status: lost,
      code: code === null ? 'UPNP_END_FAULT' : `UPNP_END_${code}`,
      reason: `${action} failed at index ${index} with UPnP error ${code ?? '?'} ${name}; mappings after it, if any, were not read`,
      details,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  Object.assign(details, { error: message });
  if (isBoxauditError(error)) {
    const byCode: Record<string, [string, string]> = {
      BOXAUDIT_TIMEOUT: ['UPNP_END_TIMEOUT', 'timed out'],
      BOXAUDIT_HTTP_STATUS: [
        `UPNP_END_HTTP_${error.details.status ?? 'ERROR'}`,
        `answered HTTP ${error.details.status}`,
      ],
      BOXAUDIT_PROTOCOL_ERROR: ['UPNP_END_BROKEN_REPLY', 'sent a reply that is not valid SOAP'],
      BOXAUDIT_TOO_LARGE: ['UPNP_END_TOO_LARGE', 'sent a reply over the size cap'],
      BOXAUDIT_NETWORK: ['UPNP_END_NETWORK', 'failed on the network'],
    };
    if (error.details.deadline === true) {
      return {
        status: lost,
        code: 'UPNP_END_DEADLINE',
        reason: `${action} at index ${index}: ${message}`,
        details,
      };
    }
    const [code, what] = byCode[error.code] ?? ['UPNP_END_ERROR', 'failed'];
    return { status: lost, code, reason: `${action} ${what} at index ${index}: ${message}`, details };
  }
  return {
    status: lost,
    code: 'UPNP_END_ERROR',
    reason: `${action} failed at index ${index}: ${message}`,
    details,
  };
}

/** Entries walked one request at a time before any second request is sent (small tables stay sequential). */
export const SEQUENTIAL_START = 8;
/** Most GetGenericPortMappingEntry requests in flight at once (miniupnpd's listen backlog is 5). */
export const MAX_IN_FLIGHT = 3;
/** A reply slower than this (a SYN retry is 1 s) makes the rest of the walk sequential. */
export const SLOW_REPLY_MS = 400;

type Settled = { ok: true; args: SoapArgs; ms: number } | { ok: false; error: unknown; ms: number };

/**
 * Walk GetGenericPortMappingEntry from index 0 until the box says the list ended, a reply fails,
 * an entry repeats (endless/cycling lists, Netgear's "unrelated existing mapping"), or
 * `maxEntries` is reached. The caller's abort is rethrown.
 *
 * Replies are consumed strictly in index order, so every ending is decided exactly as a
 * one-at-a-time walk would. Kind to the box: the first {@link SEQUENTIAL_START} entries are read
 * one request at a time; after that, while every reply is clean and quick, up to `concurrency`
 * (default 1; the adapter asks `MAX_IN_FLIGHT` of servers measured to cope) requests for the
 * next indexes are in flight. Any error, fault or
 * reply slower than {@link SLOW_REPLY_MS} makes the rest of the walk sequential. At most
 * `concurrency - 1` requests go past the end of the table (they read nothing and change nothing),
 * never past `maxEntries`; the walk returns only once every request it sent has settled.
 */
export async function enumerateGeneric(
  call: ServiceCaller,
  options: EnumerateOptions = {},
): Promise<EnumerationResult> {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  // Never more than 4 in flight, whatever the caller asks: the box's health comes first.
  const asked = options.concurrency ?? 1;
  const maxInFlight = Number.isFinite(asked) ? Math.min(4, Math.max(1, Math.floor(asked))) : 1;
  const action = 'GetGenericPortMappingEntry';
  const forwards: ForwardInput[] = [];
  const warnings: Warning[] = [];
  const seen = new Map<string, number>();
  // Requests sent ahead of the index being consumed, by index.
  const pending = new Map<number, Promise<Settled>>();
  let nextToSend = 0;
  let sequential = maxInFlight === 1;
  const send = (i: number): void => {
    const t0 = performance.now();
    pending.set(
      i,
      call(action, { NewPortMappingIndex: i }).then(
        (args): Settled => ({ ok: true, args, ms: performance.now() - t0 }),
        (error: unknown): Settled => ({ ok: false, error, ms: performance.now() - t0 }),
      ),
    );
    nextToSend = i + 1;
  };
  let ending: EnumerationEnding | undefined;
  let index = 0;
  try {
    for (; ending === undefined; index++) {
      if (index >= maxEntries) {
        ending = {
          status: 'partial',
          code: 'UPNP_MAX_ENTRIES',
          reason: `stopped after ${maxEntries} entries (the maxEntries cap); the box had not ended the list`,
          details: { index, entries: index, maxEntries, action },
        };
        break;
      }
      if (!pending.has(index)) send(index);
      const width = sequential || index < SEQUENTIAL_START ? 1 : maxInFlight;
      while (nextToSend < Math.min(index + width, maxEntries)) send(nextToSend);
      const settled = await pending.get(index)!;
      pending.delete(index);
      if (!settled.ok) {
        sequential = true;
        ending = endingFromError(settled.error, index, index, action);
        break;
      }
      if (settled.ms > SLOW_REPLY_MS) sequential = true;
      const args = settled.args;
      const key = entryKey(args);
      const firstSeen = seen.get(key);
      if (firstSeen !== undefined) {
        ending = {
          status: 'partial',
          code: 'UPNP_LIST_REPEATS',
          reason: `the box returned at index ${index} the entry it returned at index ${firstSeen} (${key}) instead of ending the list; stopped there. Entries before it were read, but the box never signalled the end`,
          details: { index, entries: index, repeatOf: firstSeen, action },
        };
        break;
      }
      seen.set(key, index);
      const parsed = parsePortMappingEntries(args);
      forwards.push(...parsed.forwards);
      if (parsed.forwards.length === 0) {
        warnings.push({
          code: 'UPNP_EMPTY_ENTRY',
          message: `entry ${index} is an all-zero placeholder, not a mapping; skipped`,
          where: options.where,
        });
      } else if (!parsed.protocolKnown) warnings.push(unknownProtocol(`entry ${index}`, args, options.where));
      if (index > 0 && index % 100 === 0) options.log?.(`[upnp-igd] read ${index} mappings…`);
    }
  } finally {
    // Requests sent ahead (past the end, or after a failure) settle before the walk returns:
    // nothing of it keeps running after. Their outcome is not used.
    if (pending.size > 0) await Promise.all(pending.values());
  }
  return { forwards, entriesRead: seen.size, method: action, ending, warnings };
}

/**
 * IGD:2 GetListOfPortMappings over the full port range, TCP then UDP, in pages of
 * {@link LIST_PAGE_SIZE}. Throws whatever made it fail (the caller falls back to
 * {@link enumerateGeneric}); a 730 PortMappingNotFound is an empty protocol, not a failure.
 */
export async function enumerateList(
  call: ServiceCaller,
  options: EnumerateOptions = {},
): Promise<EnumerationResult> {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const action = 'GetListOfPortMappings';
  const forwards: ForwardInput[] = [];
  const warnings: Warning[] = [];
  const seen = new Set<string>();
  let pages = 0;
  for (const protocol of ['TCP', 'UDP']) {
    let start = 0;
    // Each page starts above the previous one's highest port: at most 66 pages per protocol.
    while (start <= 65535) {
      const room = maxEntries - seen.size;
      if (room <= 0) {
        return {
          forwards,
          entriesRead: seen.size,
          method: action,
          warnings,
          ending: {
            status: 'partial',
            code: 'UPNP_MAX_ENTRIES',
            reason: `stopped after ${maxEntries} entries (the maxEntries cap)`,
            details: { entries: seen.size, maxEntries, action, pages },
          },
        };
      }
      const size = Math.min(LIST_PAGE_SIZE, room);
      let reply: SoapArgs;
      try {
        reply = await call(action, {
          NewStartPort: start,
          NewEndPort: 65535,
          NewProtocol: protocol,
          NewManage: 1,
          NewNumberOfPorts: size,
        });
      } catch (error) {
        if (isBoxauditError(error, 'BOXAUDIT_SOAP_FAULT') && error.details.upnpErrorCode === 730) break;
        throw error;
      }
      pages++;
      const entries = parsePortMappingListEntries(reply.NewPortListing ?? '');
      let highest = -1;
      for (const entry of entries) {
        const key = entryKey(entry);
        if (seen.has(key)) continue; // pages overlap only if the box ignores NewStartPort
        seen.add(key);
        const port = parseUint(entry.NewExternalPort) ?? 0;
        if (port > highest) highest = port;
        const parsed = parsePortMappingEntries(entry);
        forwards.push(...parsed.forwards);
        if (parsed.forwards.length === 0) {
          warnings.push({
            code: 'UPNP_EMPTY_ENTRY',
            message: `a GetListOfPortMappings entry is not a mapping (${key}); skipped`,
            where: options.where,
          });
        } else if (!parsed.protocolKnown)
          warnings.push(unknownProtocol(`entry ${key}`, entry, options.where));
      }
      if (entries.length < size || highest < start) break;
      start = highest + 1;
    }
  }
  return {
    forwards,
    entriesRead: seen.size,
    method: action,
    warnings,
    ending: {
      status: 'complete',
      code: 'UPNP_LIST_COMPLETE',
      reason: `GetListOfPortMappings listed ${seen.size} entries over ports 0–65535, TCP and UDP`,
      details: { entries: seen.size, pages, action },
    },
  };
}
