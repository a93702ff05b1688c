/**
 * The Vyatta configuration tree shared by EdgeOS and VyOS: `show configuration commands` (`set …` lines)
 * and the native `/config/config.boot` curly-brace file, both read into the same `set` lines; the
 * router's interfaces, its WAN as the configuration states it, its own addresses, and firewall groups.
 * Pure functions, no I/O.
 */
import { inCidr, isRfc1918 } from '../model/addresses.js';
import type { Warning } from '../model/types.js';
import { splitWords } from './config-parts.js';

/** One `set` line as its words (after `set`), with its line number. */
export interface SetLine {
  words: string[];
  line: number;
}

/** Parse `show configuration commands` output into `set` lines. Pure. */
export function parseSetCommands(text: string): SetLine[] {
  const out: SetLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const t = raw.trim();
    if (!t.startsWith('set ')) return;
    out.push({ words: splitWords(t).slice(1), line: i + 1 });
  });
  return out;
}

/** Top-level nodes of a Vyatta tree (EdgeOS and VyOS). */
export const VYATTA_TOP_NODES =
  'firewall|interfaces|service|system|nat|nat66|port-forward|protocols|policy|vpn|high-availability|load-balance|traffic-policy|traffic-control|zone-policy|container|pki|qos|vrf';

const BOOT_TOP = new RegExp(`^(?:${VYATTA_TOP_NODES})\\s*\\{\\s*$`, 'm');
const BOOT_TOP_ALL = new RegExp(`^(?:${VYATTA_TOP_NODES})\\s*\\{\\s*$`, 'gm');

/** A `config.boot` file: top-level Vyatta nodes opened with `{` at the start of a line, no `set` line. */
export function looksLikeConfigBoot(text: string): boolean {
  if (/^[ \t]*set \S/m.test(text)) return false;
  // Junos has the same top-level names, but ends its statements with `;`.
  if ((text.match(/;\s*$/gm) ?? []).length > 3) return false;
  if (/vyatta-config-version|vyos-config-version/.test(text) && BOOT_TOP.test(text)) return true;
  return (text.match(BOOT_TOP_ALL) ?? []).length >= 2;
}

/** Deepest nesting read from a config.boot (real files stay under 12). */
const MAX_BOOT_DEPTH = 64;
/** Words of one node header (real ones have 1 to 3: `rule 10 {`, `ethernet eth0 vif 100 {`). */
const MAX_NODE_WORDS = 8;
/** Words emitted for the whole file (a hostile file cannot make the output grow without bound). */
const MAX_BOOT_WORDS = 2_000_000;

/**
 * The native config.boot tree as `set` lines: `ethernet eth0 {` opens a node, `address dhcp` is a leaf,
 * `disable` a flag, `loopback lo {\n}` an empty node. Comments (`/* … *\/`, `// …`) are skipped.
 * Unbalanced braces or nodes deeper than 64 levels are reported in `problems` (what was read is kept).
 */
export function configBootToSetLines(text: string): { lines: SetLine[]; problems: string[] } {
  const lines: SetLine[] = [];
  const problems: string[] = [];
  const path: string[][] = [];
  /** Whether the node opened at each depth got a child (an empty node is emitted on close). */
  const hasChild: boolean[] = [];
  const openedAt: number[] = [];
  /** path.flat(), kept up to date on push and pop (not rebuilt for every leaf). */
  let prefix: string[] = [];
  /** Open nodes at or under a refused header: nothing under them is emitted. */
  let refusedDepth = 0;
  let emitted = 0;
  const emit = (words: string[], line: number) => {
    if (refusedDepth > 0 || emitted > MAX_BOOT_WORDS) return;
    emitted += words.length;
    if (emitted > MAX_BOOT_WORDS) {
      problems.push(`line ${line}: more than ${MAX_BOOT_WORDS} words; the rest was not read`);
      return;
    }
    lines.push({ words, line });
  };
  let inComment = false;
  text.split(/\r?\n/).forEach((raw, i) => {
    let t = raw;
    if (inComment) {
      const end = t.indexOf('*/');
      if (end < 0) return;
      t = t.slice(end + 2);
      inComment = false;
    }
    t = t.replace(/\/\*.*?\*\//g, '');
    const open = t.indexOf('/*');
    if (open >= 0 && !/["']/.test(t.slice(0, open))) {
      t = t.slice(0, open);
      inComment = true;
    }
    t = t.trim();
    if (t === '' || t.startsWith('//') || t.startsWith('#')) return;
    const line = i + 1;
    if (t === '}') {
      if (path.length === 0) {
        problems.push(`line ${line}: "}" closes nothing`);
        return;
      }
      if (!hasChild.pop()) emit(prefix, openedAt[openedAt.length - 1]!);
      const closed = path.pop()!;
      prefix = prefix.slice(0, prefix.length - closed.length);
      if (refusedDepth > 0) refusedDepth--;
      openedAt.pop();
      return;
    }
    const words = splitWords(t);
    if (words.length === 0) return;
    if (hasChild.length > 0) hasChild[hasChild.length - 1] = true;
    // `enable-default-log { }`: an empty node on one line (VyOS 1.3+).
    if (words.length >= 2 && words[words.length - 2] === '{' && words[words.length - 1] === '}') {
      emit([...prefix, ...words.slice(0, -2)], line);
      return;
    }
    if (words[words.length - 1] === '{') {
      if (path.length >= MAX_BOOT_DEPTH) {
        problems.push(`line ${line}: nodes nested deeper than ${MAX_BOOT_DEPTH} levels`);
        return;
      }
      const header = words.slice(0, -1);
      if (refusedDepth > 0) refusedDepth++;
      else if (header.length > MAX_NODE_WORDS) {
        problems.push(
          `line ${line}: a node header of ${header.length} words (more than ${MAX_NODE_WORDS}); what is under it was not read`,
        );
        refusedDepth = 1;
      }
      const kept = refusedDepth > 0 ? [] : header;
      path.push(kept);
      prefix = [...prefix, ...kept];
      hasChild.push(false);
      openedAt.push(line);
      return;
    }
    emit([...prefix, ...words], line);
  });
  if (path.length > 0) problems.push(`${path.length} node(s) never closed (the file is cut short?)`);
  return { lines, problems };
}

/** The configuration as `set` lines, from either format; a damaged config.boot adds a warning. */
export function readVyattaConfig(
  text: string,
  adapter: string,
): { lines: SetLine[]; format: 'set-commands' | 'config.boot'; warnings: Warning[] } {
  const set = parseSetCommands(text);
  if (set.length > 0 || !looksLikeConfigBoot(text))
    return { lines: set, format: 'set-commands', warnings: [] };
  const { lines, problems } = configBootToSetLines(text);
  const warnings: Warning[] = problems.slice(0, 10).map((p) => ({
    code: 'VYATTA_CONFIG_BOOT_DAMAGED',
    message: `config.boot ${p}; what could be read is kept`,
    where: `${adapter} config.boot`,
  }));
  return { lines, format: 'config.boot', warnings };
}

/** The nodes under `prefix <id>`: id → key (words joined) → values (flags have []). */
export function groupById(lines: SetLine[], prefix: string[]): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  for (const { words } of lines) {
    if (words.length < prefix.length + 2 || !prefix.every((p, i) => words[i] === p)) continue;
    const id = words[prefix.length]!;
    const rest = words.slice(prefix.length + 1);
    const node = out.get(id) ?? new Map<string, string[]>();
    const key = rest.length === 1 ? rest[0]! : rest.slice(0, -1).join(' ');
    const values = node.get(key) ?? [];
    if (rest.length > 1) values.push(rest[rest.length - 1]!);
    node.set(key, values);
    out.set(id, node);
  }
  return out;
}

/** Values at an exact path (`service ssh port` → ['22']); flags give []; absent gives null. */
export function valuesAt(lines: SetLine[], path: string[]): string[] | null {
  let found: string[] | null = null;
  for (const { words } of lines) {
    if (words.length < path.length || !path.every((p, i) => words[i] === p)) continue;
    found ??= [];
    if (words.length === path.length + 1) found.push(words[path.length]!);
  }
  return found;
}

export function hasPrefix(lines: SetLine[], path: string[]): boolean {
  return lines.some(({ words }) => path.every((p, i) => words[i] === p));
}

export const first = (node: Map<string, string[]>, key: string): string | null => node.get(key)?.[0] ?? null;

/**
 * `interfaces <type> <name> [vif N] [vif-s N [vif-c N]] [pppoe N] …` → the kernel interface name
 * (`eth0`, `eth0.6`, `pppoe0` for EdgeOS's PPPoE sub-node) and the words after it.
 */
export function interfaceOf(words: string[]): { name: string; rest: string[] } | null {
  if (words[0] !== 'interfaces' || words.length < 3) return null;
  let name = words[2]!;
  let i = 3;
  while (i + 1 < words.length) {
    const w = words[i]!;
    if (w === 'vif' || w === 'vif-s' || w === 'vif-c') name = `${name}.${words[i + 1]}`;
    else if (w === 'pppoe' && /^\d+$/.test(words[i + 1]!)) name = `pppoe${words[i + 1]}`;
    else break;
    i += 2;
  }
  return { name, rest: words.slice(i) };
}

/** What the configuration says about one interface. */
export interface VyattaInterface {
  name: string;
  /** Static addresses with their prefix (`192.168.1.1/24`). */
  addresses: string[];
  dhcp: boolean;
  description: string | null;
  /** `firewall local name X` (EdgeOS, VyOS ≤ 1.3). */
  localRuleset: string | null;
  inRuleset: string | null;
  /** An EdgeOS PPPoE session configured under this interface (its traffic uses `pppoeN`). */
  carriesPppoe: boolean;
  /** A default route is configured through it (`default-route auto|update`, `dhcp-options default-route`). */
  defaultRoute: boolean;
  /** `default-route none` (EdgeOS PPPoE) or `no-default-route` (VyOS PPPoE). */
  noDefaultRoute: boolean;
  /** An IPv4-in-IPv6 tunnel (`encapsulation ipip6`): DS-Lite, behind the provider's carrier-grade NAT. */
  dsLite: boolean;
}

export function vyattaInterfaces(lines: SetLine[]): Map<string, VyattaInterface> {
  const out = new Map<string, VyattaInterface>();
  const get = (name: string) => {
    let i = out.get(name);
    if (!i) {
      i = {
        name,
        addresses: [],
        dhcp: false,
        description: null,
        localRuleset: null,
        inRuleset: null,
        carriesPppoe: false,
        defaultRoute: false,
        noDefaultRoute: false,
        dsLite: false,
      };
      out.set(name, i);
    }
    return i;
  };
  for (const { words } of lines) {
    // VyOS 1.3/1.4 (before 1.4 GA): `firewall interface eth0 local name X`.
    if (words[0] === 'firewall' && words[1] === 'interface' && words[2] && words[4] === 'name' && words[5]) {
      if (words[3] === 'local') get(words[2]).localRuleset = words[5];
      if (words[3] === 'in') get(words[2]).inRuleset = words[5];
      continue;
    }
    const at = interfaceOf(words);
    if (!at) continue;
    const iface = get(at.name);
    const [k, v, w, x] = at.rest;
    if (k === 'address' && v !== undefined) {
      if (v === 'dhcp') iface.dhcp = true;
      else if (v.includes('/')) iface.addresses.push(v);
    } else if (k === 'description' && v !== undefined) iface.description = v;
    else if (k === 'firewall' && w === 'name' && x !== undefined) {
      if (v === 'local') iface.localRuleset = x;
      if (v === 'in') iface.inRuleset = x;
    } else if (k === 'default-route') {
      if (v === 'none') iface.noDefaultRoute = true;
      else iface.defaultRoute = true;
    } else if (k === 'no-default-route') iface.noDefaultRoute = true;
    else if (k === 'encapsulation' && v === 'ipip6') iface.dsLite = true;
    else if (k === 'dhcp-options' && v === 'default-route' && w === 'update') iface.defaultRoute = true;
    else if (k === 'dhcp-options' && v === 'default-route' && w === 'no-update') iface.noDefaultRoute = true;
    else if (k === 'dhcp-options' && v === 'no-default-route') iface.noDefaultRoute = true;
    // The parent of an EdgeOS `pppoe N` node.
    if (at.name.startsWith('pppoe') && words[1] !== 'pppoe') {
      const parentWords = words.slice(0, words.indexOf('pppoe'));
      const parent = interfaceOf(parentWords);
      if (parent) get(parent.name).carriesPppoe = true;
    }
  }
  return out;
}

/** The router's own static addresses (no prefix), from every interface. */
export function routerAddresses(lines: SetLine[]): string[] {
  return [...vyattaInterfaces(lines).values()].flatMap((i) => i.addresses.map((a) => a.split('/')[0]!));
}

const WAN_RULESET = /^(wan|outside|internet|untrust)/i;
const WAN_WORDS = /\b(wan|internet|outside|uplink|isp|pppoe|upstream|ont|modem)\b/i;

/**
 * The WAN interface(s), from what the configuration says, never from a destination-NAT rule's interface.
 * Internet side, strongest first: the port-forward / UPnP WAN setting, the interface of the default
 * route (static route, PPPoE session, DHCP client that installs it), a WAN-named ruleset bound to it.
 * The outbound interface of a masquerade / source-NAT rule is a WAN too, unless another interface
 * carries the default route: then it is a provider-side network (an ISP's IPTV or VoIP VLAN), listed
 * apart. With none of these, an interface described as WAN/Internet. Empty when nothing says it.
 */
export function vyattaWan(lines: SetLine[]): {
  interfaces: string[];
  providerSide: string[];
  reasons: string[];
} {
  const ifaces = vyattaInterfaces(lines);
  const primary = new Map<string, string>();
  const snat = new Map<string, string>();
  const resolve = (name: string | null | undefined): string[] => {
    if (!name || name.includes('$') || name === 'any') return [];
    // An Ethernet port that only carries a PPPoE session is not the WAN: the session is.
    const i = ifaces.get(name);
    if (i?.carriesPppoe && i.addresses.length === 0 && !i.dhcp)
      return [...ifaces.values()].filter((p) => p.name.startsWith('pppoe')).map((p) => p.name);
    return [name];
  };
  const add = (to: Map<string, string>, name: string | null | undefined, why: string) => {
    for (const n of resolve(name)) if (!to.has(n)) to.set(n, why);
  };
  for (const v of valuesAt(lines, ['port-forward', 'wan-interface']) ?? [])
    add(primary, v, 'port-forward wan-interface');
  for (const v of valuesAt(lines, ['service', 'upnp2', 'wan']) ?? []) add(primary, v, 'service upnp2 wan');
  for (const v of valuesAt(lines, ['service', 'upnp', 'wan-interface']) ?? [])
    add(primary, v, 'service upnp wan-interface');
  // Default route in the main table.
  for (const { words } of lines) {
    if (words[0] !== 'protocols' || words[1] !== 'static') continue;
    if (words[2] === 'interface-route' && words[3] === '0.0.0.0/0' && words[4] === 'next-hop-interface')
      add(primary, words[5], 'default interface-route');
    if (words[2] !== 'route' || words[3] !== '0.0.0.0/0') continue;
    if (words[4] === 'interface') add(primary, words[5], 'default route');
    if (words[4] === 'next-hop' && words[5]) {
      if (words[6] === 'interface' && words[7]) add(primary, words[7], 'default route');
      const hop = words[5];
      for (const i of ifaces.values())
        if (i.addresses.some((a) => inCidr(hop, a))) add(primary, i.name, `default route via ${hop}`);
    }
  }
  for (const i of ifaces.values()) {
    if (i.name.startsWith('pppoe') && !i.noDefaultRoute)
      add(primary, i.name, 'PPPoE session (default route)');
    else if (i.dhcp && !i.noDefaultRoute) add(primary, i.name, 'DHCP client (default route)');
    // WAN_LOCAL, WAN_IN, wan-local, OUTSIDE_IN; not LAN_TO_WAN bound on a LAN interface.
    if (i.localRuleset && WAN_RULESET.test(i.localRuleset))
      add(primary, i.name, `firewall local ${i.localRuleset}`);
    if (i.inRuleset && WAN_RULESET.test(i.inRuleset)) add(primary, i.name, `firewall in ${i.inRuleset}`);
  }
  // A zone named WAN (EdgeOS `zone-policy`, VyOS 1.4+ `firewall zone`).
  for (const base of [
    ['zone-policy', 'zone'],
    ['firewall', 'zone'],
  ]) {
    for (const [zone, z] of groupById(lines, base)) {
      if (!WAN_RULESET.test(zone)) continue;
      for (const n of z.get('interface') ?? []) add(primary, n, `${base.join(' ')} ${zone}`);
    }
  }
  // EdgeOS masquerade / source NAT.
  for (const [id, r] of groupById(lines, ['service', 'nat', 'rule'])) {
    const type = first(r, 'type');
    if ((type === 'masquerade' || type === 'source') && !r.has('disable') && !hairpin(r))
      add(snat, first(r, 'outbound-interface'), `service nat rule ${id} (${type})`);
  }
  // VyOS source NAT (1.3 `outbound-interface 'eth0'`, 1.4+ `outbound-interface name 'eth0'`).
  for (const [id, r] of groupById(lines, ['nat', 'source', 'rule'])) {
    if (r.has('disable') || hairpin(r)) continue;
    add(snat, first(r, 'outbound-interface name') ?? first(r, 'outbound-interface'), `nat source rule ${id}`);
  }
  const found = new Map(primary);
  const providerSide: string[] = [];
  for (const [n, why] of snat) {
    if (found.has(n)) continue;
    if (primary.size > 0) providerSide.push(n);
    else found.set(n, why);
  }
  // Weakest hints, only when nothing stronger said it.
  if (found.size === 0) {
    for (const i of ifaces.values()) {
      if (i.description && WAN_WORDS.test(i.description)) add(found, i.name, `described "${i.description}"`);
    }
  }
  return {
    interfaces: [...found.keys()],
    providerSide,
    reasons: [...found].map(([n, why]) => `${n}: ${why}`),
  };
}

/** A source NAT towards private destinations (hairpin NAT, LAN to LAN) says nothing of the WAN. */
function hairpin(r: Map<string, string[]>): boolean {
  const dest = first(r, 'destination address');
  if (dest === null) return false;
  const start = dest.split('/')[0]?.split('-')[0] ?? '';
  return isRfc1918(start);
}

/** Members of `firewall group <kind> <name>` (`port`, `address`, `network`); null when not defined. */
export function groupMembers(
  lines: SetLine[],
  kind: 'port-group' | 'address-group' | 'network-group',
  name: string,
) {
  const key = kind === 'port-group' ? 'port' : kind === 'address-group' ? 'address' : 'network';
  // VyOS 1.4+ keeps groups under `firewall group`; IPv6 groups are separate kinds and not read here.
  const defined = hasPrefix(lines, ['firewall', 'group', kind, name]);
  if (!defined) return null;
  return valuesAt(lines, ['firewall', 'group', kind, name, key]) ?? [];
}

/** Nodes only one fork has: `set` paths that tell an EdgeOS configuration from a VyOS one. */
export function forkMarkers(lines: SetLine[]): { edgeos: number; vyos: number } {
  let edgeos = 0;
  let vyos = 0;
  for (const { words } of lines) {
    const [a, b, c] = words;
    if (
      a === 'port-forward' ||
      (a === 'service' && (b === 'gui' || b === 'upnp2' || (b === 'nat' && c === 'rule')))
    )
      edgeos++;
    else if (
      (a === 'nat' && (b === 'destination' || b === 'source')) ||
      (a === 'service' && b === 'https') ||
      (a === 'firewall' && (b === 'ipv4' || b === 'global-options'))
    )
      vyos++;
  }
  return { edgeos, vyos };
}
