/**
 * The UPnP IGD adapter: reads a gateway's description, WAN connection state and every UPnP port
 * mapping over SOAP, read-only (UPnP IGD:1/IGD:2, WANIPConnection:1/2, WANPPPConnection:1).
 */
import { BoxauditError, checkOptions, isBoxauditError } from '../errors.js';
import { isPrivateOrCgnat } from '../model/addresses.js';
import { type ForwardInput, withIds } from '../model/forward.js';
import type { CoverageItem, CoverageStatus, GatewayInfo, Snapshot, Warning } from '../model/types.js';
import { DEFAULT_HTTP_TIMEOUT_MS, httpRequest, redactUrl } from '../transport/http.js';
import { type Lookup, PinnedTarget } from '../transport/pin.js';
import { type SoapArgs, soapCall, UPNP_READ_ONLY_ACTIONS } from '../transport/soap.js';
import {
  type DeviceDescription,
  parseDeviceDescription,
  resolveDescriptionUrl,
  type WanConnectionService,
} from '../upnp/description.js';
import {
  DEFAULT_MAX_ENTRIES,
  type EnumerationEnding,
  type EnumerationResult,
  entryKey,
  enumerateGeneric,
  enumerateList,
  MAX_IN_FLIGHT,
  type ServiceCaller,
} from '../upnp/mappings.js';
import { AuditBudget } from '../util/budget.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';
import { upnpIgdMeta } from './upnp-igd.meta.js';

export type { DeviceDescription, WanConnectionService } from '../upnp/description.js';
export { parseDeviceDescription, resolveDescriptionUrl } from '../upnp/description.js';
export type { EnumerationEnding, EnumerationResult } from '../upnp/mappings.js';
export {
  DEFAULT_MAX_ENTRIES,
  parsePortMappingEntry,
  parsePortMappingList,
  parsePortMappingListEntries,
} from '../upnp/mappings.js';

const ADAPTER_ID = 'upnp-igd';

/**
 * Servers whose handling of a few parallel requests was measured on the lab (docs/performance.md):
 * miniupnpd serves connections from one select() loop with a listen backlog of 5, and closes each
 * after its reply. Any other server is walked one request at a time.
 */
export function copesWithParallelReads(server: unknown): boolean {
  return typeof server === 'string' && /\bminiupnpd\/\d/i.test(server);
}

/** Options of {@link collectUpnp}: reading one UPnP IGD from its description URL. */
export interface CollectUpnpOptions {
  /** The caller's signal: aborting it aborts everything (BOXAUDIT_ABORTED). */
  signal?: AbortSignal;
  /** Per-request deadline in ms (default 5000). */
  timeoutMs?: number;
  /** Cap on mappings read per WAN service (default 4096); past it coverage is `partial`. */
  maxEntries?: number;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
  /**
   * Try IGD:2 GetListOfPortMappings before walking GetGenericPortMappingEntry. Default false:
   * miniupnpd 2.3.1 (nftables backend, Debian 12) crashes on it once more than ~128 mappings fall
   * in the asked port range (reproduced in test/lab), and the list only saves requests. When set,
   * the list is cross-checked by one GetGenericPortMappingEntry past its end, and any failure falls
   * back to the walk.
   */
  useListAction?: boolean;
  /**
   * Budget for the whole collection in ms (default `DEFAULT_COLLECT_DEADLINE_MS`). When it
   * runs out, what was read is kept and coverage says `UPNP_END_DEADLINE` (the caller's own abort,
   * by contrast, throws BOXAUDIT_ABORTED).
   */
  deadlineMs?: number;
  /** The audit's budget for this walk (forwards, bytes, time; see `util/budget.ts`). Default: a fresh one. */
  budget?: AuditBudget;
  /** Name resolution for the description's host, called once (default `dns.lookup`). */
  lookup?: Lookup;
  /**
   * Most GetGenericPortMappingEntry requests in flight on a long, cleanly answered table (1 = one
   * request at a time throughout; at most 4). Default: `MAX_IN_FLIGHT` for a server measured
   * to cope with it (miniupnpd, see docs/performance.md), else 1. Any error or slow reply falls back
   * to one at a time.
   */
  concurrency?: number;
}

/** Default budget for one collection: 4096 entries at ~70 ms each. */
export const DEFAULT_COLLECT_DEADLINE_MS = 300_000;

/** One control endpoint to read: services sharing a controlURL are read once. */
interface Endpoint {
  /** Control URLs to try, best first (URLBase-resolved, then description-URL-resolved). */
  candidates: string[];
  serviceType: string;
  services: WanConnectionService[];
}

/** Highest WANIPConnection first, then WANPPPConnection: the type used in SOAPAction. */
function preferredType(services: WanConnectionService[]): string {
  const ranked = [...services].sort((a, b) =>
    a.kind === b.kind ? b.version - a.version : a.kind === 'WANIPConnection' ? -1 : 1,
  );
  return ranked[0]!.serviceType;
}

/**
 * Group services by control endpoint, and refuse endpoints on another host than the description:
 * a description must not steer our requests elsewhere (spoofed LOCATION, hostile URLBase).
 */
function planEndpoints(
  description: DeviceDescription,
  descriptionUrl: string,
  warnings: Warning[],
  pin: PinnedTarget,
): Endpoint[] {
  const sameHost = (u: string): boolean => pin.allows(u);
  const byKey = new Map<string, Endpoint>();
  for (const service of description.services) {
    const viaDescription = resolveDescriptionUrl(service.controlUrlDeclared, descriptionUrl);
    const all = [service.controlUrl, viaDescription].filter((u): u is string => u !== null);
    const candidates = [...new Set(all)].filter((u) => sameHost(u));
    for (const refused of new Set(all.filter((u) => !sameHost(u)))) {
      warnings.push({
        code: 'UPNP_CONTROL_URL_OTHER_HOST',
        message: `control URL ${redactUrl(refused)} of ${service.serviceType} is on another host than the description; not contacted`,
        where: redactUrl(descriptionUrl),
      });
    }
    if (candidates.length === 0) continue;
    const key = candidates[0]!;
    const endpoint = byKey.get(key);
    if (endpoint) endpoint.services.push(service);
    else byKey.set(key, { candidates, serviceType: service.serviceType, services: [service] });
  }
  for (const endpoint of byKey.values()) endpoint.serviceType = preferredType(endpoint.services);
  return [...byKey.values()];
}

interface EndpointReading {
  controlUrl: string;
  serviceType: string;
  status: Record<string, SoapArgs | null>;
  enumeration: EnumerationResult | null;
  /** Set when the endpoint could not be reached at all. */
  failure: EnumerationEnding | null;
}

const STATUS_ACTIONS = ['GetExternalIPAddress', 'GetStatusInfo', 'GetConnectionTypeInfo', 'GetNATRSIPStatus'];

async function readEndpoint(
  endpoint: Endpoint,
  options: CollectUpnpOptions,
  warnings: Warning[],
  pin: PinnedTarget,
  forwardRoom: number,
): Promise<EndpointReading> {
  const soapOptions = {
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    label: ADAPTER_ID,
    lenientParser: true, // embedded UPnP servers send LF-only headers
    pin,
  };
  let controlUrl = endpoint.candidates[0]!;
  const call: ServiceCaller = (action, args) =>
    soapCall(controlUrl, endpoint.serviceType, action, args, soapOptions);
  const status: Record<string, SoapArgs | null> = {};
  const warn = (action: string, error: unknown): void => {
    if (isBoxauditError(error, 'BOXAUDIT_ABORTED')) throw error;
    warnings.push({
      code: 'UPNP_ACTION_FAILED',
      message: error instanceof Error ? error.message : String(error),
      where: `${redactUrl(controlUrl)} ${action}`,
    });
  };

  // On a server that copes with it, the status calls after the first one (which settles the
  // control URL) are sent together; elsewhere one at a time.
  type Settled = { ok: true; value: SoapArgs } | { ok: false; error: unknown };
  const ahead = new Map<string, Promise<Settled>>();
  for (const [i, action] of STATUS_ACTIONS.entries()) {
    if (i === 1 && (options.concurrency ?? 1) > 1 && status[STATUS_ACTIONS[0]!]) {
      for (const next of STATUS_ACTIONS.slice(1)) {
        ahead.set(
          next,
          call(next, {}).then(
            (value): Settled => ({ ok: true, value }),
            (error: unknown): Settled => ({ ok: false, error }),
          ),
        );
      }
    }
    let failure: unknown;
    const early = ahead.get(action);
    if (early) {
      const settled = await early;
      if (settled.ok) {
        status[action] = settled.value;
        continue;
      }
      failure = settled.error;
    } else {
      try {
        status[action] = await call(action, {});
        continue;
      } catch (error) {
        failure = error;
      }
    }
    // A wrong URLBase (stale address, wrong port) shows as a network error on the first call:
    // try the control URL resolved against the description URL instead.
    if (i === 0 && isBoxauditError(failure, 'BOXAUDIT_NETWORK') && endpoint.candidates.length > 1) {
      const previous = controlUrl;
      controlUrl = endpoint.candidates[1]!;
      warnings.push({
        code: 'UPNP_URLBASE_IGNORED',
        message: `${redactUrl(previous)} could not be reached (${failure.message}); using ${redactUrl(controlUrl)} (resolved against the description URL) instead`,
        where: redactUrl(previous),
      });
      try {
        status[action] = await call(action, {});
        continue;
      } catch (error) {
        failure = error;
      }
    }
    status[action] = null;
    warn(action, failure);
    if (i === 0 && isBoxauditError(failure, 'BOXAUDIT_NETWORK')) {
      const ending: EnumerationEnding = {
        status: 'error',
        code: 'UPNP_END_NETWORK',
        reason: `the control URL ${redactUrl(controlUrl)} could not be reached: ${failure.message}`,
        details: { entries: 0, controlUrl: redactUrl(controlUrl), error: failure.message },
      };
      return { controlUrl, serviceType: endpoint.serviceType, status, enumeration: null, failure: ending };
    }
    // A silent box would cost a full timeout per call: keep the time for the mappings.
    if (isBoxauditError(failure, 'BOXAUDIT_TIMEOUT')) break;
  }
  // Nothing sent ahead keeps running past this point.
  await Promise.all(ahead.values());

  const where = redactUrl(controlUrl);
  // The audit's forward budget caps this listing too; reaching it is said as such below.
  const perService = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const byBudget = forwardRoom < perService;
  const enumOptions = {
    maxEntries: Math.min(perService, forwardRoom),
    where,
    log: options.log,
    concurrency: options.concurrency ?? 1,
  };
  let enumeration: EnumerationResult | null = null;
  const v2 = endpoint.services.some((s) => s.kind === 'WANIPConnection' && s.version >= 2);
  if (v2 && options.useListAction === true) {
    try {
      const listed = await enumerateList(call, enumOptions);
      enumeration = await crossCheckList(listed, call, where, warnings);
    } catch (error) {
      if (isBoxauditError(error, 'BOXAUDIT_ABORTED')) throw error;
      warnings.push({
        code: 'UPNP_LIST_FALLBACK',
        message: `GetListOfPortMappings did not work (${error instanceof Error ? error.message : String(error)}); reading entries one by one with GetGenericPortMappingEntry`,
        where,
      });
    }
  }
  enumeration ??= await enumerateGeneric(call, enumOptions);
  if (byBudget && enumeration.ending.code === 'UPNP_MAX_ENTRIES') {
    pin.budget.hit('forwards', where);
    enumeration.ending = {
      ...enumeration.ending,
      code: 'BUDGET_FORWARDS',
      reason: `stopped after ${enumeration.entriesRead} entries: the audit's forward budget (${pin.budget.limits.maxForwards}) is used up; the box had not ended the list`,
      details: { ...enumeration.ending.details, budget: 'forwards', limit: pin.budget.limits.maxForwards },
    };
  }
  warnings.push(...enumeration.warnings);
  return { controlUrl, serviceType: endpoint.serviceType, status, enumeration, failure: null };
}

/**
 * After a complete GetListOfPortMappings, ask GetGenericPortMappingEntry for the index just past
 * its count: a box that ends there agrees with the list; one that returns a mapping the list did
 * not have is read again one entry at a time.
 */
async function crossCheckList(
  listed: EnumerationResult,
  call: ServiceCaller,
  where: string,
  warnings: Warning[],
): Promise<EnumerationResult | null> {
  if (listed.ending.status !== 'complete') return listed;
  const index = listed.entriesRead;
  let extra: SoapArgs;
  try {
    extra = await call('GetGenericPortMappingEntry', { NewPortMappingIndex: index });
  } catch (error) {
    if (isBoxauditError(error, 'BOXAUDIT_ABORTED')) throw error;
    const code = isBoxauditError(error, 'BOXAUDIT_SOAP_FAULT') ? error.details.upnpErrorCode : null;
    listed.ending.details.crossCheck = code === null ? 'no answer' : `index ${index} ended with ${code}`;
    return listed;
  }
  const known = new Set(listed.forwards.map((f) => entryKey(f.provenance.raw as SoapArgs)));
  if (known.has(entryKey(extra))) {
    listed.ending.details.crossCheck = `index ${index} repeated a listed entry`;
    return listed;
  }
  warnings.push({
    code: 'UPNP_LIST_INCOMPLETE',
    message: `GetListOfPortMappings listed ${index} entries but GetGenericPortMappingEntry has another at index ${index}; reading entries one by one`,
    where,
  });
  return null;
}

const worst = (a: CoverageStatus, b: CoverageStatus): CoverageStatus => {
  const rank: CoverageStatus[] = ['complete', 'partial', 'not-visible', 'error'];
  return rank.indexOf(a) >= rank.indexOf(b) ? a : b;
};

const connectionStatusOf = (r: EndpointReading): string | null =>
  textOrNull(r.status.GetStatusInfo?.NewConnectionStatus);

/**
 * A WAN service that says it is not connected and listed nothing (the unused PPP service many
 * boxes describe next to the real IP one): its failure to list does not make the box's coverage
 * worse. It is still shown in `details.services`.
 */
const isIdle = (r: EndpointReading): boolean => {
  const status = connectionStatusOf(r);
  return status !== null && status.toLowerCase() !== 'connected' && (r.enumeration?.entriesRead ?? 0) === 0;
};

function mappingCoverage(readings: EndpointReading[]): CoverageItem {
  const endings = readings.map((r) => ({ reading: r, ending: r.failure ?? r.enumeration!.ending }));
  const active = endings.filter((e) => !isIdle(e.reading));
  const considered = active.length > 0 ? active : endings;
  let status: CoverageStatus = 'complete';
  for (const { ending } of considered) status = worst(status, ending.status);
  const main = considered.find((e) => e.ending.status === status)!;
  const details: Record<string, unknown> = {
    ...main.ending.details,
    controlUrl: redactUrl(main.reading.controlUrl),
  };
  if (main.reading.enumeration) details.method = main.reading.enumeration.method;
  if (endings.length > 1) {
    details.services = endings.map(({ reading, ending }) => ({
      controlUrl: redactUrl(reading.controlUrl),
      serviceType: reading.serviceType,
      status: ending.status,
      code: ending.code,
      entries: reading.enumeration?.entriesRead ?? 0,
      connectionStatus: connectionStatusOf(reading),
      idle: isIdle(reading),
    }));
  }
  return { area: 'upnp-mappings', status, code: main.ending.code, reason: main.ending.reason, details };
}

/** What UPnP cannot show, always stated: an empty UPnP list is not proof of no exposure. */
function blindSpots(description: DeviceDescription): CoverageItem[] {
  return [
    {
      area: 'static-forwards',
      status: 'not-visible',
      code: 'UPNP_CANNOT_SEE_STATIC',
      reason: 'port forwards set by hand in the box’s admin pages are not visible over UPnP IGD',
    },
    {
      area: 'dmz',
      status: 'not-visible',
      code: 'UPNP_CANNOT_SEE_DMZ',
      reason: 'the DMZ / exposed-host setting is not visible over UPnP IGD',
    },
    description.ipv6FirewallControl
      ? {
          area: 'ipv6-pinholes',
          status: 'not-visible',
          code: 'UPNP_IPV6_PINHOLES_NOT_READ',
          reason:
            'the box offers WANIPv6FirewallControl (IPv6 pinholes) but boxaudit does not read it; IPv6 pinholes are not covered',
        }
      : {
          area: 'ipv6-pinholes',
          status: 'not-visible',
          code: 'UPNP_CANNOT_SEE_IPV6',
          reason:
            'IPv6 firewall openings are not visible over UPnP IGD on this box (no WANIPv6FirewallControl service)',
        },
    {
      area: 'remote-admin',
      status: 'not-visible',
      code: 'UPNP_CANNOT_SEE_REMOTE_ADMIN',
      reason: 'remote administration from the internet is not visible over UPnP IGD',
    },
  ];
}

/** Longest uptime believed (10 years): a Nokia answers a Unix timestamp (~56 years) instead. */
const MAX_PLAUSIBLE_UPTIME = 10 * 365 * 24 * 3600;

/**
 * GetStatusInfo's NewUptime → seconds; null when it is not a plain number of seconds (TP-Link
 * ER605 sends `0 Days, 00:16:40`) or is implausibly large (a timestamp, not an uptime).
 */
export function parseUptimeSeconds(text: string | null | undefined): number | null {
  const t = (text ?? '').trim();
  if (!/^\d{1,12}$/.test(t)) return null;
  const n = Number(t);
  return n <= MAX_PLAUSIBLE_UPTIME ? n : null;
}

const textOrNull = (value: string | undefined): string | null => {
  const t = (value ?? '').trim();
  return t === '' ? null : t;
};

/**
 * Collect a Snapshot from a UPnP IGD, given its root description URL (no SSDP is sent).
 * Reads the description, then for each WAN connection endpoint (services sharing a control URL
 * are read once): GetExternalIPAddress, GetStatusInfo, GetConnectionTypeInfo, GetNATRSIPStatus
 * (each failure is a warning) and every port mapping, walking GetGenericPortMappingEntry from
 * index 0 (GetListOfPortMappings only when `useListAction` is set: it crashes some miniupnpd).
 * Requests are sequential; how each listing ended is in `coverage` (`upnp-mappings`).
 * @throws BoxauditError when the description cannot be fetched or parsed, when it describes no
 *   WAN connection service (BOXAUDIT_UNSUPPORTED), or BOXAUDIT_ABORTED on the caller's abort.
 */
export async function collectUpnp(
  descriptionUrl: string,
  options: CollectUpnpOptions = {},
): Promise<Snapshot> {
  checkOptions('collectUpnp', options);
  const collectedAt = new Date().toISOString();
  const shownUrl = redactUrl(descriptionUrl);
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  // One target: the description's host, resolved once; UPnP names its own ports on that host.
  const pin = new PinnedTarget(descriptionUrl, {
    otherPorts: 'any',
    label: `[${ADAPTER_ID}]`,
    budget: options.budget ?? AuditBudget.create().forWalk(),
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });
  options.log?.(`[upnp-igd] reading ${shownUrl}`);
  const res = await httpRequest(descriptionUrl, {
    pin,
    signal: options.signal,
    timeoutMs,
    context: `[upnp-igd] GET ${shownUrl}`,
    lenientParser: true,
  });
  const description = parseDeviceDescription(res.body, descriptionUrl);
  const warnings: Warning[] = [...description.warnings];
  if (description.services.length === 0) {
    throw new BoxauditError(
      'BOXAUDIT_UNSUPPORTED',
      `[upnp-igd] ${shownUrl} describes no WANIPConnection or WANPPPConnection service (device type ${description.deviceType ?? 'unknown'}): not an Internet Gateway Device`,
    );
  }
  const endpoints = planEndpoints(description, descriptionUrl, warnings, pin);
  const readings: EndpointReading[] = [];
  // The whole-collection budget: its reason is a typed error, so requests cut by it end the
  // listing as a deadline (results kept), while the caller's abort still throws.
  const deadlineMs = options.deadlineMs ?? DEFAULT_COLLECT_DEADLINE_MS;
  const budget = new AbortController();
  const timer = setTimeout(() => {
    budget.abort(
      new BoxauditError('BOXAUDIT_TIMEOUT', `[upnp-igd] collection budget of ${deadlineMs} ms used up`, {
        details: { deadline: true, deadlineMs },
      }),
    );
  }, deadlineMs);
  timer.unref?.();
  const signal = options.signal ? AbortSignal.any([options.signal, budget.signal]) : budget.signal;
  try {
    for (const endpoint of endpoints) {
      options.log?.(`[upnp-igd] reading ${endpoint.serviceType} at ${redactUrl(endpoint.candidates[0]!)}`);
      const read = readings.reduce((n, r) => n + (r.enumeration?.forwards.length ?? 0), 0);
      const room = Math.max(0, pin.budget.forwardsLeft() - read);
      const concurrency =
        options.concurrency ?? (copesWithParallelReads(res.headers.server) ? MAX_IN_FLIGHT : 1);
      readings.push(
        await readEndpoint(endpoint, { ...options, timeoutMs, signal, concurrency }, warnings, pin, room),
      );
    }
  } finally {
    clearTimeout(timer);
  }

  // Forwards: every endpoint's, a mapping listed by two endpoints (one shared table) kept once.
  const forwards: ForwardInput[] = [];
  const taken = new Set<string>();
  for (const reading of readings) {
    for (const forward of reading.enumeration?.forwards ?? []) {
      const key = entryKey(forward.provenance.raw as SoapArgs);
      if (taken.has(key)) continue;
      taken.add(key);
      forward.provenance.raw = {
        ...(forward.provenance.raw as SoapArgs),
        controlUrl: redactUrl(reading.controlUrl),
      };
      forwards.push(forward);
    }
  }

  const coverage: CoverageItem[] = [];
  if (readings.length > 0) coverage.push(mappingCoverage(readings));
  else {
    coverage.push({
      area: 'upnp-mappings',
      status: 'error',
      code: 'UPNP_NO_REACHABLE_SERVICE',
      reason: 'no WAN connection service could be contacted (control URLs on another host were refused)',
      details: { entries: 0 },
    });
  }
  coverage.push({
    area: 'upnp-state',
    status: 'complete',
    code: 'UPNP_ANSWERED',
    reason: 'the box answers UPnP IGD control requests from the LAN, so LAN programs can open ports on it',
  });
  coverage.push(...blindSpots(description));

  // Gateway facts from the first endpoint that gave an external address (else the first).
  const hasIp = (r: EndpointReading) =>
    textOrNull(r.status.GetExternalIPAddress?.NewExternalIPAddress) !== null;
  const primary =
    readings.find((r) => hasIp(r) && connectionStatusOf(r)?.toLowerCase() === 'connected') ??
    readings.find(hasIp) ??
    readings[0];
  const st = primary?.status ?? {};
  const externalIp = textOrNull(st.GetExternalIPAddress?.NewExternalIPAddress);
  const uptimeText = textOrNull(st.GetStatusInfo?.NewUptime);
  const nat = textOrNull(st.GetNATRSIPStatus?.NewNATEnabled);
  const anyStatusRead = readings.some((r) => Object.values(r.status).some((v) => v !== null));
  coverage.push({
    area: 'gateway-info',
    status: anyStatusRead ? 'complete' : 'partial',
    code: anyStatusRead ? 'UPNP_GATEWAY_INFO' : 'UPNP_GATEWAY_INFO_DESCRIPTION_ONLY',
    reason: anyStatusRead
      ? 'device description and WAN connection state read'
      : 'only the device description could be read; WAN connection state calls failed',
  });

  const gateway: GatewayInfo = {
    address: (() => {
      try {
        return new URL(descriptionUrl).hostname.replace(/^\[|\]$/g, '');
      } catch {
        return null;
      }
    })(),
    descriptionUrl: shownUrl,
    manufacturer: description.manufacturer,
    model: description.model,
    modelNumber: description.modelNumber,
    friendlyName: description.friendlyName,
    udn: description.udn,
    server: typeof res.headers.server === 'string' ? res.headers.server : null,
    externalIp,
    doubleNat: isPrivateOrCgnat(externalIp),
    connectionStatus: textOrNull(st.GetStatusInfo?.NewConnectionStatus),
    connectionType: textOrNull(st.GetConnectionTypeInfo?.NewConnectionType),
    uptimeSeconds: parseUptimeSeconds(uptimeText),
    natEnabled: nat === null ? null : nat === '1' || nat.toLowerCase() === 'true',
    // Resolved against the description URL, so they would carry its user:password.
    services: description.allServices.map((svc) => ({
      ...svc,
      controlUrl: redactUrl(svc.controlUrl),
      scpdUrl: svc.scpdUrl === null ? null : redactUrl(svc.scpdUrl),
    })),
  };

  const mappingsRead = readings.some((r) => r.enumeration !== null);
  const hasV2 = description.services.some((s) => s.version >= 2 && s.kind === 'WANIPConnection');
  return {
    target: { kind: 'upnp', address: shownUrl, adapter: ADAPTER_ID },
    collectedAt,
    gateway,
    forwards: withIds(forwards),
    dmz: null,
    upnp: {
      enabled: true,
      mappingCount: mappingsRead ? forwards.length : null,
      igdVersion: description.igdVersion ?? (hasV2 ? 2 : 1),
    },
    remoteAdmin: null,
    lanPrefixes: null,
    coverage,
    warnings,
  };
}

/** The UPnP IGD adapter (read-only; its allowlist is the SOAP actions it may send). */
export const upnpIgd: Adapter = {
  meta: { ...upnpIgdMeta, allowlist: UPNP_READ_ONLY_ACTIONS },
  collect(target: CollectTarget, ctx: CollectContext): Promise<Snapshot> {
    if (!target.url) {
      return Promise.reject(
        new BoxauditError(
          'BOXAUDIT_USAGE',
          '[upnp-igd] needs a description URL (e.g. --upnp http://192.168.1.1:5000/rootDesc.xml)',
        ),
      );
    }
    const maxEntries = typeof target.options?.maxEntries === 'number' ? target.options.maxEntries : undefined;
    return collectUpnp(target.url, {
      ...(ctx.budget ? { budget: ctx.budget } : {}),
      ...(ctx.lookup ? { lookup: ctx.lookup } : {}),
      signal: ctx.signal,
      timeoutMs: ctx.timeoutMs,
      log: ctx.log,
      useListAction: target.options?.useListAction === true,
      maxEntries,
    });
  },
};
