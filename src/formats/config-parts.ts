/**
 * Shared frame of the router-config parsers (linux, openwrt, routeros, edgeos, vyos, pfsense, opnsense):
 * each pure `parse…()` returns ConfigParts, which `partsToSnapshot` turns into a Snapshot for SSH or file.
 */
import { type ForwardInput, parsePortRange, withIds } from '../model/forward.js';
import { emptyGatewayInfo } from '../model/gateway.js';
import { remoteAdminOf } from '../model/remote-admin.js';
import type {
  CoverageItem,
  GatewayInfo,
  PortRange,
  Protocol,
  Snapshot,
  TargetInfo,
  Warning,
} from '../model/types.js';

/** How the text reached the parser: read over SSH, or from a user-supplied file. */
export type ConfigTransport = 'ssh' | 'file';

export interface ParseOptions {
  /** Default `file`. */
  transport?: ConfigTransport;
}

/**
 * What a config parser extracts: the snapshot's areas, with forwards that get their ids in
 * partsToSnapshot and what it read of the gateway.
 */
export interface ConfigParts
  extends Pick<Snapshot, 'dmz' | 'upnp' | 'remoteAdmin' | 'lanPrefixes' | 'coverage' | 'warnings'> {
  forwards: ForwardInput[];
  gateway?: Partial<GatewayInfo>;
}

export function emptyParts(): ConfigParts {
  return {
    forwards: [],
    dmz: null,
    upnp: null,
    remoteAdmin: null,
    lanPrefixes: null,
    coverage: [],
    warnings: [],
  };
}

/** Assemble a Snapshot (ids assigned) from parsed parts. */
export function partsToSnapshot(parts: ConfigParts, target: TargetInfo, collectedAt: string): Snapshot {
  return {
    target,
    collectedAt,
    gateway: { ...emptyGateway(target.address), ...(parts.gateway ?? {}) },
    forwards: withIds(parts.forwards),
    dmz: parts.dmz,
    upnp: parts.upnp,
    remoteAdmin: parts.remoteAdmin,
    lanPrefixes: parts.lanPrefixes,
    coverage: parts.coverage,
    warnings: parts.warnings,
  };
}

/** Merge several parts (e.g. one per SSH command); later non-null router-level states win. */
export function mergeParts(...all: ConfigParts[]): ConfigParts {
  const out = emptyParts();
  for (const p of all) {
    out.forwards.push(...p.forwards);
    out.coverage.push(...p.coverage);
    out.warnings.push(...p.warnings);
    if (p.dmz !== null) out.dmz = p.dmz;
    if (p.upnp !== null) out.upnp = p.upnp;
    if (p.remoteAdmin !== null) out.remoteAdmin = p.remoteAdmin;
    if (p.lanPrefixes !== null) out.lanPrefixes = [...(out.lanPrefixes ?? []), ...p.lanPrefixes];
    if (p.gateway) out.gateway = { ...(out.gateway ?? {}), ...p.gateway };
  }
  return out;
}

/** The whole port space, for forwards of "all ports" (DMZ-like DNAT, 1:1 NAT). */
export const ALL_PORTS: PortRange = { start: 1, end: 65535 };

/**
 * Split a port list such as "80,443,8000-8010" (separators `,` or space, ranges `-` or `:`) into ranges.
 * Returns null when any element is not a port or range (an alias or named service).
 */
export function parsePortList(text: string | null | undefined): PortRange[] | null {
  if (text === null || text === undefined) return null;
  const items = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) return null;
  const out: PortRange[] = [];
  for (const item of items) {
    const r = parsePortRange(item);
    if (!r) return null;
    out.push(r);
  }
  return out;
}

/** Internal range for an external range when only the first internal port is given (pfSense, EdgeOS). */
export function shiftRange(external: PortRange, internalStart: number | null): PortRange {
  if (internalStart === null) return { ...external };
  return { start: internalStart, end: Math.min(65535, internalStart + (external.end - external.start)) };
}

/** "192.168.1.1/24" or ("192.168.1.1", "255.255.255.0") → "192.168.1.0/24"; null when not IPv4. */
export function ipv4Network(address: string, prefixOrMask?: string | number | null): string | null {
  const [addr, slash] = address.split('/');
  const parts = (addr ?? '').split('.').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return null;
  let prefix: number | null = null;
  const spec = prefixOrMask ?? slash;
  if (spec === undefined || spec === null || spec === '') prefix = 32;
  else if (/^\d{1,2}$/.test(String(spec))) prefix = Number(spec);
  else {
    const m = String(spec).split('.').map(Number);
    if (m.length === 4 && m.every((n) => Number.isInteger(n) && n >= 0 && n <= 255)) {
      const bits = ((m[0]! << 24) | (m[1]! << 16) | (m[2]! << 8) | m[3]!) >>> 0;
      prefix = bits.toString(2).replace(/0+$/, '').length;
    }
  }
  if (prefix === null || prefix > 32) return null;
  const value = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const net = (value & mask) >>> 0;
  return `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}/${prefix}`;
}

/** Protocols with a warning-free fallback: unknown text gives [] so the caller can warn. */
export function protocolsOf(values: string[]): Protocol[] {
  const out = new Set<Protocol>();
  for (const v of values) {
    const t = v.toLowerCase().trim();
    if (t === 'tcp' || t === '6') out.add('tcp');
    else if (t === 'udp' || t === '17') out.add('udp');
    else if (/^(tcp[\s/,+_-]*udp|udp[\s/,+_-]*tcp|tcpudp|both|all|any)$/.test(t)) {
      out.add('tcp');
      out.add('udp');
    }
  }
  return [...out].sort();
}

/**
 * Protocols of a rule, failing closed: a value the parser does not know keeps the forward as both tcp
 * and udp (never dropped) and adds a `PROTOCOL_UNKNOWN` warning naming the value and where it was.
 * An absent value (`undefined`/`null`/empty) is treated the same way: an unknown protocol is not "none".
 */
export function protocolsOrBoth(
  value: string | null | undefined,
  where: string,
  warnings: Warning[],
): Protocol[] {
  const found = value === null || value === undefined ? [] : protocolsOf([value]);
  if (found.length > 0) return found;
  warnings.push({
    code: 'PROTOCOL_UNKNOWN',
    message: `protocol ${value === null || value === undefined || value === '' ? '(none given)' : JSON.stringify(value)} is not one boxaudit knows; the forward is kept as tcp and udp`,
    where,
  });
  return ['tcp', 'udp'];
}

/** Loopback addresses: a forward there reaches the router itself. */
function isLoopback(host: string): boolean {
  return /^127\./.test(host) || host === '::1' || host === 'localhost';
}

/**
 * A forward to the router's own address (its LAN address, or loopback) exposes the router itself:
 * it is remote administration reachable from the Internet, whatever the port. Each such enabled
 * forward adds a WAN-open `port-forward` service to `parts.remoteAdmin` (the forward stays listed).
 * @param routerAddresses the router's own addresses as the configuration states them (no prefix).
 */
export function markForwardsToRouter(parts: ConfigParts, routerAddresses: readonly string[]): void {
  const own = new Set(routerAddresses.map((a) => a.split('/')[0]!));
  const added = parts.forwards
    .filter((f) => f.enabled !== false && f.internalHost !== null)
    .filter((f) => own.has(f.internalHost!) || isLoopback(f.internalHost!))
    .map((f) => ({
      service: 'port-forward',
      port: (f.internalPort ?? f.externalPort)?.start ?? null,
      wan: true,
      restrictedTo: f.remoteHost,
    }));
  if (added.length === 0) return;
  parts.remoteAdmin = remoteAdminOf([...(parts.remoteAdmin?.services ?? []), ...added]);
}

/** Coverage item shorthand. */
export function cover(
  area: CoverageItem['area'],
  status: CoverageItem['status'],
  code: string,
  reason: string,
  details?: Record<string, unknown>,
): CoverageItem {
  return details ? { area, status, code, reason, details } : { area, status, code, reason };
}

/** Split a single line of shell-like words: 'single', "double" quotes, backslash escapes (outside single quotes). */
export function splitWords(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      const stop = end === -1 ? line.length : end;
      cur += line.slice(i + 1, stop);
      has = true;
      i = stop + 1;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length) i++;
        cur += line[i];
        i++;
      }
      has = true;
      i++;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[i + 1];
      has = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
      i++;
    } else {
      cur += c;
      has = true;
      i++;
    }
  }
  if (has) out.push(cur);
  return out;
}

/** Every field unknown: see model/gateway.ts. */
export const emptyGateway = emptyGatewayInfo;
