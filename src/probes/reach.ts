/**
 * The outside-in view (issue 13, docs/probes.md "Does the Internet reach it?"): what the vantage
 * and hairpin checks share — the guard on the one address they may reach (the public address the
 * box itself reported, never a private, shared, loopback, link-local, multicast, reserved or LAN
 * address, never one read from a file), the choice of the forwards and ports to check, and the
 * bounds. Pure: no I/O here.
 */
import { BlockList, isIP } from 'node:net';
import { specialIpv4 } from '../model/addresses.js';
import type { ForwardReachability, PortForward, Snapshot } from '../model/types.js';

/**
 * How a reachability check ended, or why it was not tried (a stable code in
 * `forward.reachable.reason`; the reporters have words for each, in English and French).
 */
export const REACH_REASONS = [
  /** A TCP connection to the public address and port was made (true). */
  'CONNECTED',
  /** The connection was refused (vantage: false; hairpin: null). */
  'REFUSED',
  /** No route, host or network unreachable (vantage: false; hairpin: null). */
  'UNREACHABLE',
  /** The vantage host's sshd could not connect, for another reason it gave (false). */
  'CONNECT_FAILED',
  /** Nothing answered within the deadline (vantage: false; hairpin: null). */
  'TIMEOUT',
  'UDP',
  'DISABLED',
  'NO_EXTERNAL_PORT',
  'PORT_RANGE',
  'IPV6_PINHOLE',
  /** Only given sources may use the forward: the vantage host being refused proves nothing for them (null). */
  'SOURCE_RESTRICTED',
  'FORWARD_CAP',
  'BUDGET_TIME',
  'ABORTED',
  'NO_PUBLIC_ADDRESS',
  'BEHIND_ANOTHER_NAT',
  'NOT_PUBLIC',
  'LAN_ADDRESS',
  'ADDRESS_FROM_FILE',
  'VANTAGE_SSH_FAILED',
  'VANTAGE_HOST_KEY',
  'VANTAGE_AUTH_FAILED',
  'VANTAGE_PROHIBITED',
  'VANTAGE_ERROR',
  /** `method: "internet-db"`: InternetDB lists the forward's public port (true). */
  'LISTED',
] as const;

/** One of {@link REACH_REASONS}. */
export type ReachReason = (typeof REACH_REASONS)[number];

/** Bounds of one outside-in check (per snapshot). */
export interface ReachLimits {
  /** Deadline for one TCP connection (hairpin) or one channel to open (vantage). */
  connectTimeoutMs: number;
  /** At most this many connections or channels at a time. */
  concurrency: number;
  /** At most this many distinct public ports checked; the others get `FORWARD_CAP`. */
  maxForwards: number;
  /** The whole check stops after this long; ports not started get `BUDGET_TIME`. */
  totalTimeMs: number;
}

export const REACH_DEFAULTS: ReachLimits = {
  connectTimeoutMs: 5000,
  concurrency: 4,
  maxForwards: 64,
  totalTimeMs: 60_000,
};

/** Hard ceilings, whatever is asked. */
export const REACH_CEILINGS = { concurrency: 8, maxForwards: 256 } as const;

/** The limits asked, clamped to sane values. */
export function reachLimits(asked: Partial<ReachLimits> = {}): ReachLimits {
  const pick = (v: number | undefined, fallback: number, max: number): number =>
    typeof v === 'number' && Number.isFinite(v) && v >= 1 ? Math.min(Math.floor(v), max) : fallback;
  return {
    connectTimeoutMs: pick(asked.connectTimeoutMs, REACH_DEFAULTS.connectTimeoutMs, 120_000),
    concurrency: pick(asked.concurrency, REACH_DEFAULTS.concurrency, REACH_CEILINGS.concurrency),
    maxForwards: pick(asked.maxForwards, REACH_DEFAULTS.maxForwards, REACH_CEILINGS.maxForwards),
    totalTimeMs: pick(asked.totalTimeMs, REACH_DEFAULTS.totalTimeMs, 3_600_000),
  };
}

// IPv6: only global unicast (2000::/3) qualifies; documentation space 2001:db8::/32 does not.
const GLOBAL6 = new BlockList();
GLOBAL6.addSubnet('2000::', 3, 'ipv6');
const DOC6 = new BlockList();
DOC6.addSubnet('2001:db8::', 32, 'ipv6');

function parsePrefix(text: string): { network: string; length: number; family: 'ipv4' | 'ipv6' } | null {
  const slash = text.lastIndexOf('/');
  if (slash < 0) return null;
  const network = text.slice(0, slash).trim();
  const length = Number(text.slice(slash + 1).trim());
  const version = isIP(network);
  if (!Number.isInteger(length) || length < 0) return null;
  if (version === 4 && length <= 32) return { network, length, family: 'ipv4' };
  if (version === 6 && length <= 128) return { network, length, family: 'ipv6' };
  return null;
}

/** Addresses of the snapshot's LAN side: its prefixes, the box's own LAN address, the forwards' hosts. */
export interface LanSide {
  prefixes: readonly string[];
  addresses: readonly string[];
}

/** The LAN side of a snapshot (plus this machine's own addresses and prefixes, given by the caller). */
export function lanSideOf(snapshot: Snapshot, local: Partial<LanSide> = {}): LanSide {
  const addresses = new Set<string>(local.addresses ?? []);
  const gatewayHost = hostOf(snapshot.gateway.address) ?? hostOf(snapshot.gateway.descriptionUrl);
  if (gatewayHost) addresses.add(gatewayHost);
  for (const f of snapshot.forwards) if (f.internalHost) addresses.add(f.internalHost.trim());
  return {
    prefixes: [...(snapshot.lanPrefixes ?? []), ...(local.prefixes ?? [])],
    addresses: [...addresses],
  };
}

function hostOf(text: string | null): string | null {
  if (!text) return null;
  try {
    const host = new URL(text).hostname.replace(/^\[|\]$/g, '');
    return isIP(host) ? host : null;
  } catch {
    const bare = text.trim().replace(/:\d+$/, '');
    return isIP(bare) ? bare : null;
  }
}

export type PublicAddressDecision = { ok: true; address: string } | { ok: false; reason: ReachReason };

/**
 * The one address an outside-in check may reach: the box's external address, as the box itself
 * reported it over a live read (UPnP GetExternalIPAddress or a vendor adapter), public, and not an
 * address of the LAN side. An address from a file (an export, a saved snapshot) may be stale and
 * belong to someone else today: never used.
 */
export function publicAddressOf(snapshot: Snapshot, lan: LanSide): PublicAddressDecision {
  if (snapshot.target.kind === 'file') return { ok: false, reason: 'ADDRESS_FROM_FILE' };
  const raw = snapshot.gateway.externalIp?.trim() ?? '';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(raw);
  const address = mapped ? mapped[1]! : raw;
  const version = isIP(address);
  if (version === 0) return { ok: false, reason: 'NO_PUBLIC_ADDRESS' };
  if (version === 4) {
    const special = specialIpv4(address);
    // Private or shared (CGNAT, RFC 6598): another NAT sits in front of the box.
    if (special === 'private' || special === 'shared') return { ok: false, reason: 'BEHIND_ANOTHER_NAT' };
    if (special !== null) return { ok: false, reason: 'NOT_PUBLIC' };
    if (snapshot.gateway.doubleNat === true) return { ok: false, reason: 'BEHIND_ANOTHER_NAT' };
  } else if (!GLOBAL6.check(address, 'ipv6') || DOC6.check(address, 'ipv6')) {
    return { ok: false, reason: 'NOT_PUBLIC' };
  }
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (lan.addresses.some((a) => a.trim().toLowerCase() === address.toLowerCase())) {
    return { ok: false, reason: 'LAN_ADDRESS' };
  }
  for (const text of lan.prefixes) {
    const prefix = parsePrefix(text);
    if (!prefix || prefix.family !== family) continue;
    const list = new BlockList();
    list.addSubnet(prefix.network, prefix.length, prefix.family);
    if (list.check(address, family)) return { ok: false, reason: 'LAN_ADDRESS' };
  }
  return { ok: true, address };
}

/** Why a forward's public port is not checked (null: check it). */
export function notChecked(f: PortForward): ReachReason | null {
  if (f.enabled === false) return 'DISABLED';
  if (f.source === 'pinhole6') return 'IPV6_PINHOLE';
  if (f.protocol !== 'tcp') return 'UDP';
  if (f.externalPort === null) return 'NO_EXTERNAL_PORT';
  if (f.externalPort.start !== f.externalPort.end) return 'PORT_RANGE';
  const port = f.externalPort.start;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return 'NO_EXTERNAL_PORT';
  return null;
}

/** The plan of a check: the distinct public ports to try (at most `maxForwards`), and each forward's port or reason. */
export interface ReachPlan {
  ports: number[];
  perForward: Array<{ port: number } | { reason: ReachReason }>;
}

export function reachPlan(forwards: readonly PortForward[], maxForwards: number): ReachPlan {
  const ports: number[] = [];
  const perForward = forwards.map((f): { port: number } | { reason: ReachReason } => {
    const why = notChecked(f);
    if (why) return { reason: why };
    const port = f.externalPort!.start;
    if (!ports.includes(port)) {
      if (ports.length >= maxForwards) return { reason: 'FORWARD_CAP' };
      ports.push(port);
    }
    return { port };
  });
  return { ports, perForward };
}

/** A reachability result (never true without a connection). */
export function reached(
  method: ForwardReachability['method'],
  fromInternet: boolean | null,
  reason: ReachReason,
): ForwardReachability {
  return { fromInternet, method, reason };
}

/**
 * Run `work` over `items`, at most `concurrency` at a time, until the signal aborts; items not
 * started then get `stopped(item)`. Results in the order of `items`.
 */
export async function boundedEach<I, R>(
  items: readonly I[],
  concurrency: number,
  signal: AbortSignal,
  work: (item: I) => Promise<R>,
  stopped: (item: I) => R,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const item = items[index]!;
      out[index] = signal.aborted ? stopped(item) : await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, worker));
  return out;
}
