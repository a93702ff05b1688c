/**
 * The address gate: a probe may only reach a private address inside the audited LAN's prefixes
 * (or inside a private prefix of the auditing machine's own interfaces) — never the WAN address,
 * never loopback, link-local, multicast, a public address or a host name. Tests reach their own
 * loopback servers only through the explicit `testOnlyPrefixes` of {@link ProbeScope}.
 */
import { BlockList, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { ProbeReason, ProbeScope } from './types.js';

export type ScopeDecision = { allowed: true } | { allowed: false; reason: ProbeReason };

type Family = 'ipv4' | 'ipv6';

/** RFC 1918 private IPv4 and IPv6 unique-local addresses. */
const PRIVATE = blockList(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']);

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Parse `a.b.c.d/n` or `x::/n`; null when malformed. */
export function parsePrefix(text: string): { network: string; length: number; family: Family } | null {
  const slash = text.lastIndexOf('/');
  if (slash < 0) return null;
  const network = text.slice(0, slash).trim();
  const lengthText = text.slice(slash + 1).trim();
  if (!/^\d{1,3}$/.test(lengthText)) return null;
  const length = Number(lengthText);
  const version = isIP(network);
  if (version === 4 && length <= 32) return { network, length, family: 'ipv4' };
  if (version === 6 && length <= 128) return { network, length, family: 'ipv6' };
  return null;
}

function blockList(prefixes: readonly string[] | undefined): BlockList {
  const list = new BlockList();
  for (const text of prefixes ?? []) {
    const prefix = parsePrefix(text);
    if (prefix) list.addSubnet(prefix.network, prefix.length, prefix.family);
  }
  return list;
}

/** Strip an IPv4-mapped IPv6 form (`::ffff:10.0.0.1`) to plain IPv4. */
function normalise(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/** Decide whether `address` may be probed under `scope`. Malformed prefixes in the scope admit nothing. */
export function checkProbeScope(address: string, scope: ProbeScope): ScopeDecision {
  const host = normalise(address.trim());
  const version = isIP(host);
  if (version === 0) return { allowed: false, reason: 'NOT_AN_ADDRESS' };
  const family: Family = version === 4 ? 'ipv4' : 'ipv6';
  const excluded = (scope.excludedAddresses ?? []).map((a) => normalise(a.trim()));
  if (excluded.includes(host)) return { allowed: false, reason: 'WAN_ADDRESS' };
  if (blockList(scope.testOnlyPrefixes).check(host, family)) return { allowed: true };
  if (LOOPBACK.check(host, family)) return { allowed: false, reason: 'LOOPBACK' };
  if (!PRIVATE.check(host, family)) return { allowed: false, reason: 'NOT_PRIVATE' };
  if (blockList(scope.lanPrefixes).check(host, family)) return { allowed: true };
  if (blockList(scope.localPrefixes).check(host, family)) return { allowed: true };
  return { allowed: false, reason: 'OUT_OF_SCOPE' };
}

/** The auditing machine's own interface prefixes (`cidr` as Node reports it), loopback left out. */
export function localInterfacePrefixes(): string[] {
  const prefixes: string[] = [];
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (!entry.internal && entry.cidr) prefixes.push(entry.cidr);
    }
  }
  return prefixes;
}
