/**
 * What kind of address a forward's internal host is, for the `internalHostKind` condition:
 * - `loopback`: the box itself (127.0.0.0/8, 0.0.0.0/8 "this host", ::1, ::);
 * - `lan`: inside one of the snapshot's LAN prefixes;
 * - `private`: not globally routable and not in the LAN prefixes: RFC 1918, RFC 6598 shared
 *   (carrier-grade NAT) 100.64.0.0/10, link-local 169.254.0.0/16, benchmarking 198.18.0.0/15,
 *   multicast and reserved 224.0.0.0/3, IPv6 unique-local fc00::/7, link-local fe80::/10 and
 *   multicast ff00::/8 (a routed subnet, a container network, the upstream network of a double NAT);
 * - `public`: anything else, an Internet host (the documentation ranges count as public: they
 *   stand for public addresses in examples).
 * When the snapshot gives no LAN prefix of the host's family, the private ranges stand for the LAN
 * (as home boxes use them) and a public IPv4 address is public; a global IPv6 address is then
 * either a LAN device or an Internet host, which cannot be told apart (IPv6 LANs are global).
 */

export type HostKind = 'lan' | 'private' | 'loopback' | 'public';
export const HOST_KINDS: readonly HostKind[] = ['lan', 'private', 'loopback', 'public'];

/** Bit per kind, so that "one of several kinds" (an unknown) is a mask. */
export const KIND_BIT: Record<HostKind, number> = { lan: 1, private: 2, loopback: 4, public: 8 };
const ALL = 15;

/** Parsed LAN prefixes of a snapshot, per family. */
export interface LanPrefixes {
  v4: Array<[number, number]>;
  v6: Array<{ words: number[]; bits: number }>;
}

/** The possible kinds of a host (a mask) and, when more than one, which field leaves it open. */
export interface HostKindResult {
  mask: number;
  unknown: 'internalHost' | 'lanPrefixes' | null;
}

/** Dotted-quad IPv4 to a number; null when it is not one (hot path: no regex, no split). */
export function parseIpv4Number(text: string): number | null {
  let n = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return null;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return null;
      n = n * 256 + octet;
      octet = 0;
      digits = 0;
    } else return null;
  }
  if (dots !== 3 || digits === 0) return null;
  return n * 256 + octet;
}

/** An IPv6 address as eight 16-bit words; null when it is not one. Accepts a dotted IPv4 tail. */
export function parseIpv6Words(text: string): number[] | null {
  if (text.length > 45 || !text.includes(':')) return null;
  let body = text;
  const lastColon = body.lastIndexOf(':');
  if (body.indexOf('.', lastColon) !== -1) {
    // A dotted IPv4 tail (::ffff:192.0.2.1) is two words.
    const v4 = parseIpv4Number(body.slice(lastColon + 1));
    if (v4 === null) return null;
    body = `${body.slice(0, lastColon + 1)}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const words = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    for (const w of part.split(':')) {
      if (!/^[0-9a-f]{1,4}$/i.test(w)) return null;
      out.push(Number.parseInt(w, 16));
    }
    return out;
  };
  const head = words(halves[0]!);
  const rest = halves.length === 2 ? words(halves[1]!) : [];
  if (head === null || rest === null) return null;
  const given = head.length + rest.length;
  if (halves.length === 1) return given === 8 ? head : null;
  if (given > 7) return null;
  return [...head, ...new Array<number>(8 - given).fill(0), ...rest];
}

function v4Network(base: string, bits: number): [number, number] | null {
  const a = parseIpv4Number(base);
  if (a === null || !Number.isInteger(bits) || bits < 0 || bits > 32) return null;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return [(a & mask) >>> 0, mask];
}

function inV4(a: number, [net, mask]: [number, number]): boolean {
  return (a & mask) >>> 0 === net;
}

function inV6(words: number[], prefix: { words: number[]; bits: number }): boolean {
  let left = prefix.bits;
  for (let i = 0; i < 8 && left > 0; i++, left -= 16) {
    const take = Math.min(16, left);
    const mask = take === 16 ? 0xffff : (0xffff << (16 - take)) & 0xffff;
    if ((words[i]! & mask) !== (prefix.words[i]! & mask)) return false;
  }
  return true;
}

/** Parse a snapshot's LAN prefixes (CIDR text of either family); invalid entries are ignored. */
export function parseLanPrefixes(prefixes: readonly string[] | null | undefined): LanPrefixes {
  const out: LanPrefixes = { v4: [], v6: [] };
  if (!Array.isArray(prefixes)) return out;
  for (const cidr of prefixes) {
    if (typeof cidr !== 'string') continue;
    const [base = '', bitsText] = cidr.trim().split('/');
    const words = parseIpv6Words(base.replace(/%.*$/, ''));
    if (words !== null) {
      const bits = bitsText === undefined ? 128 : Number(bitsText);
      if (Number.isInteger(bits) && bits >= 0 && bits <= 128) out.v6.push({ words, bits });
      continue;
    }
    const net = v4Network(base, bitsText === undefined ? 32 : Number(bitsText));
    if (net) out.v4.push(net);
  }
  return out;
}

const V4_LOOPBACK = ['127.0.0.0/8', '0.0.0.0/8'].map((c) => v4Network(...split(c))!);
/** RFC 1918 private networks: what home boxes use as their LAN when none is known. */
export const V4_RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(
  (c) => v4Network(...split(c))!,
);
const V4_PRIVATE = [
  ...V4_RFC1918,
  ...['100.64.0.0/10', '169.254.0.0/16', '198.18.0.0/15', '224.0.0.0/3'].map((c) => v4Network(...split(c))!),
];

function split(cidr: string): [string, number] {
  const [base, bits] = cidr.split('/');
  return [base!, Number(bits)];
}

// Results are shared constants: evaluation calls this for most forwards of most snapshots.
const IS = {
  lan: { mask: KIND_BIT.lan, unknown: null },
  private: { mask: KIND_BIT.private, unknown: null },
  loopback: { mask: KIND_BIT.loopback, unknown: null },
  public: { mask: KIND_BIT.public, unknown: null },
} as const satisfies Record<HostKind, HostKindResult>;
const UNKNOWN_HOST: HostKindResult = { mask: ALL, unknown: 'internalHost' };
const GLOBAL_V6_UNKNOWN_LAN: HostKindResult = {
  mask: KIND_BIT.lan | KIND_BIT.public,
  unknown: 'lanPrefixes',
};

/** Whether IPv4 address `a` (a number) is in one of `nets`. */
export function inAnyV4(a: number, nets: ReadonlyArray<[number, number]>): boolean {
  for (let i = 0; i < nets.length; i++) if (inV4(a, nets[i]!)) return true;
  return false;
}

function classifyV4(a: number, lan: LanPrefixes): HostKindResult {
  if (inAnyV4(a, V4_LOOPBACK)) return IS.loopback;
  if (inAnyV4(a, lan.v4)) return IS.lan;
  if (inAnyV4(a, V4_PRIVATE)) return lan.v4.length > 0 ? IS.private : IS.lan;
  return IS.public;
}

function classifyV6(w: number[], lan: LanPrefixes): HostKindResult {
  const zeroHead = w.slice(0, 5).every((x) => x === 0);
  if (zeroHead && w[5] === 0xffff) return classifyV4(w[6]! * 65536 + w[7]!, lan); // ::ffff:a.b.c.d
  if (zeroHead && w[5] === 0 && w[6] === 0 && (w[7] === 0 || w[7] === 1)) return IS.loopback; // :: and ::1
  if (lan.v6.some((p) => inV6(w, p))) return IS.lan;
  const nonGlobal = (w[0]! & 0xfe00) === 0xfc00 || (w[0]! & 0xffc0) === 0xfe80 || (w[0]! & 0xff00) === 0xff00;
  if (nonGlobal) return lan.v6.length > 0 ? IS.private : IS.lan;
  if (lan.v6.length > 0) return IS.public;
  // A global IPv6 address: a LAN device or an Internet host, which only the LAN prefix tells.
  return GLOBAL_V6_UNKNOWN_LAN;
}

/** The kind(s) a forward's internal host can be. A missing or unreadable host can be any. */
export function hostKind(host: string | null | undefined, lan: LanPrefixes): HostKindResult {
  if (typeof host !== 'string') return UNKNOWN_HOST;
  const direct = parseIpv4Number(host); // the common case, without building new strings
  if (direct !== null) return classifyV4(direct, lan);
  const text = host
    .trim()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/%[^%]*$/, '');
  const a = parseIpv4Number(text);
  if (a !== null) return classifyV4(a, lan);
  const w = parseIpv6Words(text);
  if (w !== null) return classifyV6(w, lan);
  return UNKNOWN_HOST;
}
