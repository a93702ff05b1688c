/** IPv4 helpers for classifying addresses (double NAT, LAN membership). */
import type { GatewayInfo } from './types.js';

export function parseIpv4(text: string | null | undefined): number | null {
  if (!text) return null;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function inCidr(address: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const a = parseIpv4(address);
  const b = parseIpv4(base);
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (a === null || b === null || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  if (bits === 0) return true;
  const mask = (~0 << (32 - bits)) >>> 0;
  return (a & mask) === (b & mask);
}

/** What a special-purpose IPv4 block is, as a box's external address. */
export type SpecialIpv4 = 'private' | 'shared' | 'loopback' | 'not-public';

/**
 * The special-purpose IPv4 blocks (RFC 6890 and successors) that are never a box's address on the
 * Internet: RFC 1918 private, RFC 6598 shared (carrier-grade NAT), loopback, and the rest ("this
 * network", link-local, IETF protocol assignments, documentation, benchmarking, multicast,
 * reserved). One table for every "is this address public?" decision that sends something
 * (reachability from outside, the InternetDB lookup); the rules' host kinds classify internal hosts
 * with their own ranges (rules/host-kind.ts: documentation counts as public there).
 */
const SPECIAL_IPV4: ReadonlyArray<readonly [string, SpecialIpv4]> = [
  ['10.0.0.0/8', 'private'],
  ['172.16.0.0/12', 'private'],
  ['192.168.0.0/16', 'private'],
  ['100.64.0.0/10', 'shared'],
  ['127.0.0.0/8', 'loopback'],
  ['0.0.0.0/8', 'not-public'],
  ['169.254.0.0/16', 'not-public'],
  ['192.0.0.0/24', 'not-public'],
  ['192.0.2.0/24', 'not-public'],
  ['198.18.0.0/15', 'not-public'],
  ['198.51.100.0/24', 'not-public'],
  ['203.0.113.0/24', 'not-public'],
  ['224.0.0.0/4', 'not-public'],
  ['240.0.0.0/4', 'not-public'],
];

/** The special-purpose block this dotted IPv4 address is in, or null (a public address, or not IPv4). */
export function specialIpv4(address: string): SpecialIpv4 | null {
  if (parseIpv4(address) === null) return null;
  for (const [cidr, kind] of SPECIAL_IPV4) if (inCidr(address, cidr)) return kind;
  return null;
}

/** RFC 1918 private, RFC 6598 carrier-grade NAT, or link-local: behind another NAT. */
export function isPrivateOrCgnat(address: string | null | undefined): boolean | null {
  if (!address || parseIpv4(address) === null) return null;
  return behindAnotherNat(address) === true || inCidr(address, '169.254.0.0/16');
}

/** RFC 1918 private networks: where a LAN host normally lives. */
export function isRfc1918(address: string): boolean {
  return specialIpv4(address) === 'private';
}

/**
 * Is this IPv4 address RFC 1918 private or RFC 6598 shared (CGNAT, 100.64.0.0/10)? As a box's
 * external address: another NAT sits in front of it. null when not an IPv4 address.
 */
export function behindAnotherNat(address: string | null | undefined): boolean | null {
  if (!address || parseIpv4(address) === null) return null;
  const special = specialIpv4(address);
  return special === 'private' || special === 'shared';
}

/** 127.0.0.0/8, ::1 or ::ffff:127.x: this machine itself (a simulator, never a real box). */
export function isLoopback(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').replace(/^::ffff:/i, '');
  return a === '::1' || inCidr(a, '127.0.0.0/8');
}

/** Does another NAT sit in front of this box (reported double NAT, or a private/CGNAT external IPv4)? */
export function gatewayBehindAnotherNat(gateway: GatewayInfo): boolean {
  return gateway.doubleNat === true || behindAnotherNat(gateway.externalIp) === true;
}
