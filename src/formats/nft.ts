/**
 * Decode `nft -j list ruleset` (libnftables JSON, schema version 1) into DNAT forwards.
 * Decodes what nft really prints, including miniupnpd's raw payload matches
 * (`@nh,72,8 0x6` = IPv4 protocol tcp, `@nh,96,32` = source address, `th dport`), rather than guessing.
 * A DNAT rule with a match it does not understand still yields its forward, plus a warning naming the handle.
 */
import { BoxauditError } from '../errors.js';
import type { ForwardInput } from '../model/forward.js';
import type { PortRange, Protocol, Warning } from '../model/types.js';
import { ALL_PORTS } from './config-parts.js';
import { blankInputRule, type InputFilter, type InputRule, type Verdict } from './input-filter.js';

/** A DNAT rule decoded from nft JSON, before it is split per protocol. */
export interface NftDnatRule {
  family: string;
  table: string;
  chain: string;
  handle: number | null;
  comment: string | null;
  protocols: Protocol[] | null;
  /** External (matched) destination ports; null = no port match. */
  ports: PortRange[] | null;
  /** Source restriction; null = any. */
  sources: string[] | null;
  sourceNegated: boolean;
  /** Original destination address match (the box's public address), if any. */
  destinations: string[] | null;
  inInterface: string | null;
  /** Every incoming interface the rule names (a set), when it names any. */
  inInterfaces?: string[] | null;
  /** Where the rule is, for warnings (default: family, table, chain and handle). */
  where?: string;
  toAddress: string | null;
  toPort: PortRange | null;
  unknown: string[];
}

type Json = unknown;
type Obj = Record<string, Json>;

function isObj(v: Json): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function intToIpv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** A right-hand value as a list of scalar items (numbers, strings, ranges, prefixes); named sets resolved. */
function rightItems(right: Json, sets: Map<string, Json[]>): Json[] | null {
  if (typeof right === 'string' && right.startsWith('@')) {
    return sets.get(right.slice(1)) ?? null;
  }
  if (isObj(right) && Array.isArray(right.set)) return right.set as Json[];
  return [right];
}

function itemToPortRange(item: Json): PortRange | null {
  if (typeof item === 'number' && item >= 0 && item <= 65535) return { start: item, end: item };
  if (isObj(item) && Array.isArray(item.range)) {
    const [a, b] = item.range as Json[];
    if (typeof a === 'number' && typeof b === 'number' && a <= b) return { start: a, end: b };
  }
  return null;
}

function itemToAddress(item: Json, rawInt: boolean): string | null {
  if (typeof item === 'string') return item;
  if (typeof item === 'number' && rawInt) return intToIpv4(item >>> 0);
  if (isObj(item) && isObj(item.prefix)) {
    const p = item.prefix;
    if (typeof p.addr === 'string' && typeof p.len === 'number') return `${p.addr}/${p.len}`;
  }
  if (isObj(item) && Array.isArray(item.range)) {
    const [a, b] = item.range as Json[];
    if (typeof a === 'string' && typeof b === 'string') return `${a}-${b}`;
  }
  return null;
}

function itemToProtocol(item: Json): Protocol | 'other' {
  if (item === 'tcp' || item === 6) return 'tcp';
  if (item === 'udp' || item === 17) return 'udp';
  return 'other';
}

function describe(expr: Json): string {
  return JSON.stringify(expr).slice(0, 200);
}

/** Decode one match expression into the rule; returns false when not understood. */
function applyMatch(rule: NftDnatRule, match: Obj, sets: Map<string, Json[]>): boolean {
  const op = match.op;
  const left = match.left;
  const negated = op === '!=';
  if (op !== '==' && op !== 'in' && op !== '!=') return false;
  const items = rightItems(match.right, sets);
  if (items === null) return false;

  const setProtocols = (list: Json[]): boolean => {
    if (negated) return false;
    const protos = new Set<Protocol>();
    for (const it of list) {
      const p = itemToProtocol(it);
      if (p === 'other' || p === null) {
        if (list.length === 1) return false;
        continue;
      }
      protos.add(p);
    }
    rule.protocols = intersect(rule.protocols, [...protos]);
    return true;
  };
  const setPorts = (list: Json[]): boolean => {
    if (negated) return false;
    const ranges: PortRange[] = [];
    for (const it of list) {
      const r = itemToPortRange(it);
      if (!r) return false;
      ranges.push(r);
    }
    rule.ports = ranges;
    return true;
  };
  const setAddresses = (list: Json[], kind: 'saddr' | 'daddr', rawInt: boolean): boolean => {
    const addrs: string[] = [];
    for (const it of list) {
      const a = itemToAddress(it, rawInt);
      if (a === null) return false;
      addrs.push(a);
    }
    if (kind === 'saddr') {
      rule.sources = addrs;
      rule.sourceNegated = negated;
    } else {
      if (negated) return false;
      rule.destinations = addrs;
    }
    return true;
  };

  if (isObj(left) && isObj(left.meta)) {
    const key = left.meta.key;
    if (key === 'l4proto') return setProtocols(items);
    if (key === 'nfproto') return true; // ipv4/ipv6 selector: no effect on the forward itself
    if (key === 'iifname' || key === 'iif') {
      if (typeof match.right === 'string' && !negated) rule.inInterface = match.right;
      return true;
    }
    return false;
  }
  if (isObj(left) && isObj(left.payload)) {
    const p = left.payload;
    if (typeof p.protocol === 'string' && typeof p.field === 'string') {
      const proto = p.protocol;
      const field = p.field;
      if ((proto === 'tcp' || proto === 'udp') && field === 'dport') {
        rule.protocols = intersect(rule.protocols, [proto]);
        return setPorts(items);
      }
      if (proto === 'th' && field === 'dport') return setPorts(items);
      if ((proto === 'ip' || proto === 'ip6') && field === 'saddr')
        return setAddresses(items, 'saddr', false);
      if ((proto === 'ip' || proto === 'ip6') && field === 'daddr')
        return setAddresses(items, 'daddr', false);
      if ((proto === 'ip' && field === 'protocol') || (proto === 'ip6' && field === 'nexthdr')) {
        return setProtocols(items);
      }
      return false;
    }
    // Raw payload matches (miniupnpd writes these): base nh = network header, th = transport header.
    if (typeof p.base === 'string' && typeof p.offset === 'number' && typeof p.len === 'number') {
      const key = `${p.base},${p.offset},${p.len}`;
      if (key === 'nh,72,8') return setProtocols(items); // IPv4 protocol field
      if (key === 'nh,96,32') return setAddresses(items, 'saddr', true); // IPv4 source address
      if (key === 'nh,128,32') return setAddresses(items, 'daddr', true); // IPv4 destination address
      if (key === 'th,16,16') return setPorts(items); // transport destination port
      return false;
    }
  }
  return false;
}

function intersect(current: Protocol[] | null, next: Protocol[]): Protocol[] {
  if (current === null) return [...next].sort();
  return current.filter((p) => next.includes(p));
}

const NEUTRAL_STATEMENTS = new Set(['counter', 'log', 'limit', 'accept', 'notrack', 'continue']);

function decodeDnat(rule: NftDnatRule, dnat: Obj): boolean {
  const addr = dnat.addr;
  if (typeof addr === 'string') rule.toAddress = addr;
  else if (addr !== undefined) {
    const a = itemToAddress(addr, false);
    if (a === null) return false;
    rule.toAddress = a;
  }
  const port = dnat.port;
  if (port !== undefined) {
    const r = itemToPortRange(port);
    if (!r) return false;
    rule.toPort = r;
  }
  return true;
}

/** Named sets with their elements, keyed by `family/table/name` and by bare name as a fallback. */
function collectSets(items: Json[]): Map<string, Map<string, Json[]>> {
  const byTable = new Map<string, Map<string, Json[]>>();
  for (const it of items) {
    if (!isObj(it) || !isObj(it.set)) continue;
    const s = it.set;
    const key = `${String(s.family)}/${String(s.table)}`;
    const elems = Array.isArray(s.elem)
      ? (s.elem as Json[]).map((e) => (isObj(e) && isObj(e.elem) ? (e.elem.val as Json) : e))
      : [];
    const m = byTable.get(key) ?? new Map<string, Json[]>();
    m.set(String(s.name), elems);
    byTable.set(key, m);
  }
  return byTable;
}

/** Parse and validate the nft JSON text; throws BOXAUDIT_INPUT_INVALID naming the problem. */
export function parseNftJson(text: string, where = 'nft -j list ruleset'): Json[] {
  let doc: Json;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? ` (${cause.message})` : '';
    throw new BoxauditError('BOXAUDIT_INPUT_INVALID', `[linux] ${where}: not JSON${reason}`, { cause });
  }
  if (!isObj(doc) || !Array.isArray(doc.nftables)) {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      `[linux] ${where}: no "nftables" array at the top level`,
    );
  }
  // `nft -j list ruleset` always starts with its metainfo, and lists objects only: anything else is
  // not its output, and reading it as "no forwards" would call an unknown box clean.
  const items = doc.nftables as Json[];
  const odd = items.findIndex((it) => !isObj(it));
  if (odd >= 0 || !items.some((it) => isObj(it) && isObj(it.metainfo))) {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      `[linux] ${where}: not the output of nft -j list ruleset (${odd >= 0 ? `/nftables/${odd} is not an object` : 'no metainfo entry'})`,
    );
  }
  return items;
}

/** Decode every DNAT rule of every table and chain; unknown parts become warnings. */
export function decodeNftDnatRules(items: Json[]): { rules: NftDnatRule[]; warnings: Warning[] } {
  const sets = collectSets(items);
  const rules: NftDnatRule[] = [];
  const warnings: Warning[] = [];
  for (const it of items) {
    if (!isObj(it) || !isObj(it.rule)) continue;
    const r = it.rule;
    const expr = Array.isArray(r.expr) ? (r.expr as Json[]) : [];
    const dnatStmt = expr.find((e) => isObj(e) && isObj(e.dnat));
    if (!dnatStmt || !isObj(dnatStmt)) {
      // `redirect` sends the traffic to the router itself: not a forward, but it may expose a router service.
      if (expr.some((e) => isObj(e) && 'redirect' in e)) {
        warnings.push({
          code: 'NFT_REDIRECT_TO_ROUTER',
          message: `redirect to the router itself (${describe(expr.find((e) => isObj(e) && 'redirect' in e))}); not listed as a forward`,
          where: `nft ${String(r.family)} ${String(r.table)} ${String(r.chain)} handle ${String(r.handle ?? '?')}`,
        });
      }
      continue;
    }
    const family = String(r.family);
    const table = String(r.table);
    const rule = blankRule(
      family,
      table,
      String(r.chain),
      typeof r.handle === 'number' ? r.handle : null,
      typeof r.comment === 'string' ? r.comment : null,
    );
    const tableSets = sets.get(`${family}/${table}`) ?? new Map<string, Json[]>();
    for (const e of expr) {
      if (!isObj(e)) continue;
      const [kind] = Object.keys(e);
      if (kind === 'match' && isObj(e.match)) {
        if (!applyMatch(rule, e.match, tableSets)) rule.unknown.push(describe(e));
      } else if (kind === 'dnat' && isObj(e.dnat)) {
        if (!decodeDnat(rule, e.dnat)) rule.unknown.push(describe(e));
      } else if (kind === undefined || !NEUTRAL_STATEMENTS.has(kind)) {
        rule.unknown.push(describe(e));
      }
    }
    const where = `nft ${family} ${table} ${rule.chain} handle ${rule.handle ?? '?'}`;
    if (rule.unknown.length > 0) {
      warnings.push({
        code: 'NFT_RULE_NOT_UNDERSTOOD',
        message: `DNAT rule kept, but parts of it were not understood (the forward may be narrower than shown): ${rule.unknown.join('; ')}`,
        where,
      });
    }
    rules.push(rule);
  }
  return { rules, warnings };
}

/** Outgoing interfaces of masquerade/snat rules (`oifname "eth0" masquerade`): the WAN. */
export function decodeNftNatOutIfaces(items: Json[]): { ifaces: string[]; withoutIface: number } {
  const ifaces = new Set<string>();
  let withoutIface = 0;
  for (const it of items) {
    if (!isObj(it) || !isObj(it.rule)) continue;
    const expr = Array.isArray(it.rule.expr) ? (it.rule.expr as Json[]) : [];
    if (!expr.some((e) => isObj(e) && ('masquerade' in e || 'snat' in e))) continue;
    let found = false;
    for (const e of expr) {
      if (!isObj(e) || !isObj(e.match)) continue;
      const m = e.match;
      const key = isObj(m.left) && isObj(m.left.meta) ? m.left.meta.key : null;
      if ((key === 'oifname' || key === 'oif') && m.op === '==' && typeof m.right === 'string') {
        ifaces.add(m.right);
        found = true;
      }
    }
    if (!found) withoutIface++;
  }
  return { ifaces: [...ifaces], withoutIface };
}

/**
 * miniupnpd enforces a mapping's remote host in its filter chain (`miniupnpd`), not in the DNAT rule:
 * read those accept rules as (protocol, internal address, internal port) → allowed source.
 */
export function decodeMiniupnpdFilterSources(items: Json[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const it of items) {
    if (!isObj(it) || !isObj(it.rule)) continue;
    const r = it.rule;
    if (!/^miniupnpd$/i.test(String(r.chain))) continue;
    const expr = Array.isArray(r.expr) ? (r.expr as Json[]) : [];
    if (!expr.some((e) => isObj(e) && 'accept' in e)) continue;
    const probe = blankRule(String(r.family), String(r.table), String(r.chain), null, null);
    for (const e of expr) if (isObj(e) && isObj(e.match)) applyMatch(probe, e.match, new Map());
    if (!probe.sources || probe.sourceNegated || !probe.destinations || !probe.ports || !probe.protocols)
      continue;
    for (const p of probe.protocols) {
      out.set(`${p}|${probe.destinations[0]}|${probe.ports[0]?.start}`, probe.sources.join(','));
    }
  }
  return out;
}

/** A DNAT rule with nothing matched yet (also the iptables-save reader's starting point). */
export function blankRule(
  family: string,
  table: string,
  chain: string,
  handle: number | null,
  comment: string | null,
) {
  const rule: NftDnatRule = {
    family,
    table,
    chain,
    handle,
    comment,
    protocols: null,
    ports: null,
    sources: null,
    sourceNegated: false,
    destinations: null,
    inInterface: null,
    toAddress: null,
    toPort: null,
    unknown: [],
  };
  return rule;
}

/** Whether a chain is miniupnpd's (nftables `prerouting_miniupnpd`, iptables `MINIUPNPD`). */
export function isMiniupnpdChain(chain: string): boolean {
  return /miniupnpd/i.test(chain);
}

/** Turn decoded DNAT rules into forwards (one per protocol and port range); DNAT with no port = DMZ. */
export function dnatRulesToForwards(
  rules: NftDnatRule[],
  transport: string,
  warnings: Warning[],
  upnpSources: Map<string, string> = new Map(),
): { forwards: ForwardInput[]; dmzHosts: string[] } {
  const forwards: ForwardInput[] = [];
  const dmzHosts: string[] = [];
  for (const rule of rules) {
    const where = rule.where ?? `nft ${rule.family} ${rule.table} ${rule.chain} handle ${rule.handle ?? '?'}`;
    const source = isMiniupnpdChain(rule.chain) ? 'upnp' : 'static';
    let protocols = rule.protocols;
    if (protocols === null) {
      if (rule.ports !== null) {
        warnings.push({
          code: 'NFT_PROTOCOL_UNKNOWN',
          message: 'DNAT rule matches a port without a protocol; counted as tcp and udp',
          where,
        });
      }
      protocols = ['tcp', 'udp'];
    }
    if (protocols.length === 0) {
      warnings.push({
        code: 'NFT_PROTOCOL_OTHER',
        message: 'DNAT rule for a protocol other than tcp/udp; not a port forward',
        where,
      });
      continue;
    }
    let remoteHost: string | null = null;
    if (rule.sources !== null) {
      if (rule.sourceNegated) {
        warnings.push({
          code: 'NFT_SOURCE_NEGATED',
          message: `DNAT rule excludes sources ${rule.sources.join(', ')}; counted as open to any other source`,
          where,
        });
      } else {
        remoteHost = rule.sources.join(',');
      }
    }
    const isDmz = rule.ports === null && rule.toPort === null;
    if (isDmz && rule.toAddress) dmzHosts.push(rule.toAddress);
    const ranges = rule.ports ?? [ALL_PORTS];
    for (const protocol of protocols) {
      for (const ext of ranges) {
        const internalPort = rule.toPort ?? { ...ext };
        const upnpRemote =
          source === 'upnp' && remoteHost === null
            ? (upnpSources.get(`${protocol}|${rule.toAddress}|${internalPort.start}`) ?? null)
            : null;
        forwards.push({
          source: isDmz ? 'dmz' : source,
          protocol,
          externalPort: ext,
          internalHost: rule.toAddress,
          internalPort,
          remoteHost: upnpRemote ?? remoteHost,
          enabled: true,
          description: rule.comment,
          leaseSeconds: source === 'upnp' ? null : 0,
          provenance: {
            adapter: 'linux',
            transport,
            raw: {
              family: rule.family,
              table: rule.table,
              chain: rule.chain,
              handle: rule.handle,
              inInterface: rule.inInterface,
              ...(rule.destinations ? { destinations: rule.destinations } : {}),
            },
          },
        });
      }
    }
  }
  return { forwards, dmzHosts };
}

/** Strings of a right-hand value (`"eth0"`, `{"set": ["eth0", "ppp0"]}`, a named set). */
function rightStrings(right: Json, sets: Map<string, Json[]>): string[] | null {
  const items = rightItems(right, sets);
  if (items === null || !items.every((i) => typeof i === 'string')) return null;
  return items as string[];
}

function jsonVerdict(e: Obj): Verdict | null | undefined {
  if ('accept' in e) return { kind: 'accept' };
  if ('drop' in e || 'reject' in e) return { kind: 'drop' };
  if ('return' in e) return { kind: 'return' };
  for (const kind of ['jump', 'goto'] as const) {
    const v = e[kind];
    if (isObj(v) && typeof v.target === 'string') return { kind, chain: v.target };
  }
  if ('continue' in e || 'counter' in e || 'log' in e || 'limit' in e) return null;
  return undefined;
}

/**
 * The input filter of `nft -j list ruleset`: base chains on the input hook and the chains they jump to,
 * reduced to what decides whether a new TCP connection reaches the router (see formats/input-filter.ts).
 * Null when the ruleset has no input chain (other firewalls, e.g. iptables-legacy, may filter: unknown).
 */
export function decodeNftJsonInput(items: Json[]): InputFilter | null {
  const sets = collectSets(items);
  const filter: InputFilter = { base: [], chains: new Map() };
  const scoped = (family: unknown, table: unknown, chain: unknown) =>
    `${String(family)} ${String(table)} ${String(chain)}`;
  for (const it of items) {
    if (!isObj(it) || !isObj(it.chain)) continue;
    const c = it.chain;
    if (c.family === 'ip6' || c.family === 'arp' || c.family === 'bridge' || c.family === 'netdev') continue;
    const name = scoped(c.family, c.table, c.name);
    const rules = filter.chains.get(name) ?? [];
    filter.chains.set(name, rules);
    if (c.type === 'filter' && c.hook === 'input') {
      filter.base.push({ name, policy: c.policy === 'drop' ? 'drop' : 'accept', rules });
    }
  }
  if (filter.base.length === 0) return null;
  for (const it of items) {
    if (!isObj(it) || !isObj(it.rule)) continue;
    const r = it.rule;
    const list = filter.chains.get(scoped(r.family, r.table, r.chain));
    if (!list) continue;
    const tableSets = sets.get(`${String(r.family)}/${String(r.table)}`) ?? new Map<string, Json[]>();
    const where = `nft ${String(r.family)} ${String(r.table)} ${String(r.chain)} handle ${String(r.handle ?? '?')}`;
    const rule = blankInputRule(where);
    const probe = blankRule(String(r.family), String(r.table), String(r.chain), null, null);
    const expr = Array.isArray(r.expr) ? (r.expr as Json[]) : [];
    let vmap: Obj | null = null;
    for (const e of expr) {
      if (!isObj(e)) continue;
      if (isObj(e.vmap)) {
        vmap = e.vmap;
        continue;
      }
      const verdict = jsonVerdict(e);
      if (verdict !== undefined) {
        if (verdict !== null) rule.verdict = verdict;
        continue;
      }
      if (!isObj(e.match)) {
        rule.unknown.push(describe(e));
        continue;
      }
      const m = e.match;
      const left = m.left;
      const negated = m.op === '!=';
      const meta = isObj(left) && isObj(left.meta) ? left.meta.key : null;
      const ct = isObj(left) && isObj(left.ct) ? left.ct.key : null;
      const payload = isObj(left) && isObj(left.payload) ? left.payload : null;
      if (meta === 'iifname' || meta === 'iif') {
        const names = rightStrings(m.right, tableSets);
        if (names) rule.iif = { names, negated };
        else rule.unknown.push(describe(e));
      } else if (ct === 'state') {
        const states = rightStrings(m.right, tableSets) ?? [];
        rule.states = negated
          ? ['new', 'established', 'related', 'invalid'].filter((s) => !states.includes(s))
          : states;
      } else if (ct === 'status') {
        if (!negated) rule.never = true;
      } else if (payload && (payload.protocol === 'ip6' || payload.protocol === 'icmpv6')) {
        rule.never = true;
      } else if (payload && payload.protocol === 'icmp') {
        rule.protocols = [];
      } else if (!applyMatch(probe, m, tableSets)) {
        rule.unknown.push(describe(e));
      }
    }
    if (probe.protocols !== null)
      rule.protocols = intersect(rule.protocols ?? probe.protocols, probe.protocols);
    if (probe.ports !== null) rule.ports = { ranges: probe.ports, negated: false };
    if (probe.sources !== null) rule.sources = { items: probe.sources, negated: probe.sourceNegated };
    if (probe.destinations !== null) rule.unknown.push(`ip daddr ${probe.destinations.join(',')}`);
    for (const one of vmap ? expandVmap(rule, vmap) : [rule]) {
      const v = one.verdict;
      if (v && (v.kind === 'jump' || v.kind === 'goto')) v.chain = scoped(r.family, r.table, v.chain);
      list.push(one);
    }
  }
  return filter;
}

/** A verdict map on `ct state` or `meta iifname` as one rule per entry; any other key: an unknown verdict. */
function expandVmap(rule: InputRule, vmap: Obj): InputRule[] {
  const key = vmap.key;
  const ct = isObj(key) && isObj(key.ct) ? key.ct.key : null;
  const meta = isObj(key) && isObj(key.meta) ? key.meta.key : null;
  const data = isObj(vmap.data) && Array.isArray(vmap.data.set) ? (vmap.data.set as Json[]) : null;
  if (data === null || !(ct === 'state' || meta === 'iifname' || meta === 'iif')) {
    return [{ ...rule, verdict: { kind: 'unknown', text: describe({ vmap }) } }];
  }
  const out: InputRule[] = [];
  for (const entry of data) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !isObj(entry[1])) continue;
    const verdict = jsonVerdict(entry[1]) ?? { kind: 'unknown' as const, text: describe(entry[1]) };
    if (verdict === null) continue;
    out.push(
      ct === 'state'
        ? { ...rule, states: [entry[0]], verdict }
        : { ...rule, iif: { names: [entry[0]], negated: false }, verdict },
    );
  }
  return out;
}
