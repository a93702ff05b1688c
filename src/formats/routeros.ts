/**
 * MikroTik RouterOS text (the `routeros` and `routeros-rest` adapters' format): an `/export` (full or
 * `/ip firewall nat export terse`), `print detail` of the NAT table, `/ip upnp print` and
 * `/ip service print detail` → parts. Static dst-nat rules come from the export, dynamic (UPnP) ones
 * only from `print detail` (flag `D`); remote admin is `/ip service` checked against the input chain.
 * The REST adapter turns its JSON rows into {@link RouterosItem}s and reuses the item → model code. Pure.
 */
import { BoxauditError } from '../errors.js';
import { isPrivateOrCgnat, isRfc1918 } from '../model/addresses.js';
import type { ForwardInput } from '../model/forward.js';
import { parsePortRange, parseServicePort } from '../model/forward.js';
import { remoteAdminOf } from '../model/remote-admin.js';
import type { ForwardSource, PortRange, Protocol, RemoteAdminService } from '../model/types.js';
import {
  ALL_PORTS,
  type ConfigParts,
  cover,
  emptyParts,
  ipv4Network,
  markForwardsToRouter,
  type ParseOptions,
  parsePortList,
  protocolsOf,
  protocolsOrBoth,
  splitWords,
} from './config-parts.js';

/** One RouterOS item: its menu path, properties, flags and comment. */
export interface RouterosItem {
  path: string;
  command: string;
  /** Positional argument of `set` (e.g. `telnet` in `/ip service set telnet disabled=yes`). */
  name: string | null;
  props: Record<string, string>;
  flags: string;
  line: number;
  /** Where the item came from when not a text line (REST: `GET /rest/ip/firewall/nat .id *5`). */
  ref?: string;
}

const COMMANDS = new Set(['add', 'set', 'remove', 'print', 'enable', 'disable']);

/** Maximum jump depth followed in a firewall chain (RouterOS itself allows deep chains; we stop here). */
export const ROUTEROS_MAX_JUMP_DEPTH = 8;

/** Rule visits allowed in one chain walk: jumps repeated at every level must not blow up. */
export const ROUTEROS_MAX_RULE_VISITS = 20_000;

/**
 * Join continuation lines (a line ending in `\` goes on with the next one, whose indentation is
 * dropped, wherever the break falls: `dst-port=\` + `    53` gives `dst-port=53`).
 */
function joinContinuations(text: string): { text: string; line: number }[] {
  const joined: { text: string; line: number }[] = [];
  let buf: string | null = null;
  let start = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const piece: string = buf === null ? raw : raw.replace(/^[ \t]+/, '');
    if (buf === null) start = i + 1;
    if (/\\[ \t]*$/.test(raw)) {
      buf = (buf ?? '') + piece.replace(/\\[ \t]*$/, '');
      continue;
    }
    joined.push({ text: (buf ?? '') + piece, line: start });
    buf = null;
  }
  if (buf !== null) joined.push({ text: buf, line: start });
  return joined;
}

/**
 * `key= value` (a space after `=`, seen in real exports) → `key=value`, when the next word is a bare
 * value (no `=` of its own).
 */
function closeEqualsGaps(line: string): string {
  return line.replace(/(^|\s)([a-z][\w-]*)=[ \t]+(?=(?:"[^"]*"|[^\s"=]+)(?:\s|$))/gi, '$1$2=');
}

/** Parse `/export` text (terse or not, `\` continuations, v7 `/ip/firewall/nat` paths) into items. Pure. */
export function parseRouterosExport(text: string): RouterosItem[] {
  const items: RouterosItem[] = [];
  let path = '';
  for (const { text: line, line: n } of joinContinuations(text)) {
    const t = closeEqualsGaps(line.trim().replace(/;\s*$/, ''));
    if (t === '' || t.startsWith('#') || t.startsWith(':') || t.startsWith('}')) continue;
    const words = splitWords(t);
    let linePath = path;
    if (words[0]?.startsWith('/')) {
      // v7 writes `/ip/firewall/nat` (and `/ip/firewall/nat/add`); v6 `/ip firewall nat`.
      const first = words
        .shift()!
        .split('/')
        .filter((w) => w !== '');
      if (first.length > 1 && COMMANDS.has(first[first.length - 1]!)) words.unshift(first.pop()!);
      const pathWords = first;
      while (words.length > 0 && !COMMANDS.has(words[0]!) && !words[0]!.includes('=') && words[0] !== '[') {
        pathWords.push(
          ...words
            .shift()!
            .split('/')
            .filter((w) => w !== ''),
        );
      }
      path = `/${pathWords.join(' ')}`;
      linePath = path;
      if (words.length === 0) continue;
    } else if (words.length > 1 && !COMMANDS.has(words[0]!) && !words[0]!.includes('=')) {
      // A menu relative to the current one: `/ip` then `upnp set enabled=no`.
      const rel: string[] = [];
      while (words.length > 0 && !COMMANDS.has(words[0]!) && !words[0]!.includes('='))
        rel.push(words.shift()!);
      if (words.length === 0) continue;
      linePath = `${path} ${rel.join(' ')}`;
    }
    const command = words.shift();
    if (!command || !COMMANDS.has(command)) continue;
    const props: Record<string, string> = {};
    let name: string | null = null;
    let depth = 0;
    for (const w of words) {
      if (w === '[') depth++;
      else if (w === ']') depth = Math.max(0, depth - 1);
      if (depth > 0 || w === ']') continue;
      const eq = w.indexOf('=');
      // `key=""` is an unset property (verbose exports, WinBox-made rules), as if absent.
      if (eq > 0) {
        if (eq < w.length - 1) props[w.slice(0, eq)] = w.slice(eq + 1);
      }
      // `!prop` in a verbose export is an unset property, not a name.
      else if (name === null && !w.startsWith('!')) name = w;
    }
    items.push({
      path: linePath,
      command,
      name,
      props,
      flags: isYes(props.disabled) ? 'X' : '',
      line: n,
    });
  }
  return items;
}

/** Parse `print detail` output (flags column, `;;;` comments, wrapped properties). Pure. */
export function parseRouterosPrintDetail(text: string, path: string): RouterosItem[] {
  const items: RouterosItem[] = [];
  let cur: { head: string; comment: string | null; body: string[]; line: number } | null = null;
  const flush = () => {
    if (!cur) return;
    const m = /^\s*(\d+)\s+([A-Z]*)\s*$/.exec(cur.head) ?? /^\s*(\d+)\s+([A-Z]*)/.exec(cur.head);
    const props: Record<string, string> = {};
    for (const w of splitWords(cur.body.join(' '))) {
      const eq = w.indexOf('=');
      if (eq > 0) props[w.slice(0, eq)] = w.slice(eq + 1);
    }
    if (cur.comment !== null) props.comment = cur.comment;
    items.push({ path, command: 'print', name: null, props, flags: m?.[2] ?? '', line: cur.line });
    cur = null;
  };
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/^\s*Flags:/.test(raw) || /^\s*Columns:/.test(raw)) return;
    const entry = /^\s*(\d+)(\s.*)?$/.exec(raw);
    if (entry) {
      flush();
      let rest = entry[2] ?? '';
      let flags = '';
      for (let m = /^\s*([A-Z]{1,4})(?=\s|$)/.exec(rest); m; m = /^\s*([A-Z]{1,4})(?=\s|$)/.exec(rest)) {
        flags += m[1];
        rest = rest.slice(m[0].length);
      }
      rest = rest.trim();
      const comment = /^;;;\s?(.*)$/.exec(rest);
      cur = {
        head: `${entry[1]} ${flags}`,
        comment: comment ? (comment[1] ?? '') : null,
        body: [],
        line: i + 1,
      };
      if (!comment && rest !== '') cur.body.push(rest);
      return;
    }
    if (!cur) return;
    const c = /^\s*;;;\s?(.*)$/.exec(raw);
    if (c) cur.comment = c[1] ?? '';
    else if (raw.trim() !== '') cur.body.push(raw.trim());
  });
  flush();
  return items;
}

export function isYes(v: string | undefined): boolean {
  return v === 'yes' || v === 'true';
}

/** What the configuration says about the router's interfaces, addresses and address lists. */
export interface RouterosNetwork {
  /** Interface list name → member interfaces (`/interface list member`). */
  lists: Map<string, string[]>;
  /** Interfaces the configuration puts on the Internet side. */
  wan: Set<string>;
  /** Interfaces the configuration puts on the LAN side. */
  lan: Set<string>;
  /** The router's own IPv4 addresses (no prefix), from `/ip address`. */
  routerAddresses: string[];
  /** Router address → the interface that holds it. */
  addressInterfaces: Map<string, string>;
  /** Firewall address lists (`/ip firewall address-list`). */
  addressLists: Map<string, string[]>;
}

export function emptyRouterosNetwork(): RouterosNetwork {
  return {
    lists: new Map(),
    wan: new Set(),
    lan: new Set(),
    routerAddresses: [],
    addressInterfaces: new Map(),
    addressLists: new Map(),
  };
}

const firstAddress = (a: string): string => a.split('/')[0]!.split('-')[0]!.trim();

/** An IPv4 address inside a CIDR network. */
function inNetwork(ip: string, cidr: string): boolean {
  const net = ipv4Network(cidr);
  const host = ipv4Network(ip, 32);
  if (!net || !host) return false;
  return ipv4Network(ip, Number(net.split('/')[1])) === net;
}

/**
 * Which interfaces face the Internet, decided from what the configuration says: members of the
 * `WAN` interface list, DHCP/PPPoE/LTE clients, the out-interface of masquerade/src-nat rules, UPnP
 * external interfaces, the default route's interface, interfaces holding a public address; and which
 * face the LAN: members of the `LAN` list, DHCP servers, bridge ports of a LAN bridge. Never from the
 * first forwarding rule seen. Works on export items and on REST rows alike. Pure.
 */
export function routerosNetwork(items: RouterosItem[]): RouterosNetwork {
  const net = emptyRouterosNetwork();
  const active = items.filter(
    (i) => !i.flags.includes('X') && (i.command === 'add' || i.command === 'print'),
  );
  const at = (path: string) => active.filter((i) => i.path === path);
  for (const it of at('/interface list member')) {
    const { list, interface: iface } = it.props;
    if (list && iface) net.lists.set(list, [...(net.lists.get(list) ?? []), iface]);
  }
  for (const it of at('/ip firewall address-list')) {
    const { list, address } = it.props;
    if (list && address) net.addressLists.set(list, [...(net.addressLists.get(list) ?? []), address]);
  }
  const addWanList = (list: string | undefined) => {
    if (!list || list.startsWith('!')) return;
    for (const m of net.lists.get(list) ?? []) net.wan.add(m);
  };
  for (const [name, members] of net.lists) {
    if (/^wan$/i.test(name)) for (const m of members) net.wan.add(m);
    if (/^lan$/i.test(name)) for (const m of members) net.lan.add(m);
  }
  for (const it of at('/ip dhcp-client')) {
    if (it.props.interface && it.props['add-default-route'] !== 'no') net.wan.add(it.props.interface);
  }
  for (const path of [
    '/interface pppoe-client',
    '/interface lte',
    '/interface l2tp-client',
    '/interface sstp-client',
  ]) {
    for (const it of at(path)) {
      const name = it.props.name ?? it.name;
      if (name && it.props['add-default-route'] !== 'no') net.wan.add(name);
    }
  }
  for (const it of at('/ip firewall nat')) {
    const p = it.props;
    if (p.chain !== 'srcnat' || (p.action !== 'masquerade' && p.action !== 'src-nat')) continue;
    if (p['out-interface'] && !p['out-interface'].startsWith('!')) net.wan.add(p['out-interface']);
    addWanList(p['out-interface-list']);
  }
  for (const it of at('/ip upnp interfaces')) {
    if (it.props.type === 'external' && it.props.interface) net.wan.add(it.props.interface);
  }
  const addresses = at('/ip address').filter((i) => i.props.address && i.props.interface);
  for (const it of addresses) {
    const ip = firstAddress(it.props.address!);
    if (ipv4Network(ip) === null) continue;
    net.routerAddresses.push(ip);
    net.addressInterfaces.set(ip, it.props.interface!);
    // A public address, or a dynamic one (REST/print flag D: a DHCP or PPP client), faces the WAN.
    if (isPrivateOrCgnat(ip) === false || it.flags.includes('D')) net.wan.add(it.props.interface!);
  }
  for (const it of at('/ip route')) {
    const { gateway } = it.props;
    if ((it.props['dst-address'] ?? '0.0.0.0/0') !== '0.0.0.0/0' || !gateway) continue;
    for (const g of gateway.split(',')) {
      const hop = g.split('%');
      if (hop[1]) net.wan.add(hop[1]);
      else if (ipv4Network(hop[0]!) === null) net.wan.add(hop[0]!);
      else {
        const owner = addresses.find((a) => inNetwork(hop[0]!, a.props.address!));
        if (owner) net.wan.add(owner.props.interface!);
      }
    }
  }
  for (const it of at('/ip dhcp-server')) if (it.props.interface) net.lan.add(it.props.interface);
  for (const it of at('/interface bridge port')) {
    if (it.props.bridge && net.lan.has(it.props.bridge) && it.props.interface)
      net.lan.add(it.props.interface);
  }
  for (const w of net.wan) net.lan.delete(w);
  return net;
}

type Side = 'wan' | 'lan' | 'any' | 'unknown';

const flip = (s: Side): Side => (s === 'wan' ? 'lan' : s === 'lan' ? 'wan' : s);
const WAN_NAME = /wan|internet|outside|uplink|external|pppoe|lte/i;
const LAN_NAME = /lan|local|inside|internal|trusted|^bridge/i;

/** Side of an interface list name (`WAN`, `!LAN`, a list whose members are known). */
function listSide(value: string, net: RouterosNetwork): Side {
  const neg = value.startsWith('!');
  const name = neg ? value.slice(1) : value;
  const members = net.lists.get(name);
  let side: Side;
  if (/^wan$/i.test(name)) side = 'wan';
  else if (/^lan$/i.test(name)) side = 'lan';
  else if (name === 'all') side = 'any';
  else if (members?.some((m) => net.wan.has(m))) side = 'wan';
  else if (members && members.length > 0 && members.every((m) => net.lan.has(m))) side = 'lan';
  else if (WAN_NAME.test(name)) side = 'wan';
  else if (LAN_NAME.test(name)) side = 'lan';
  else side = 'unknown';
  return neg ? flip(side) : side;
}

/** Side of an interface name (`ether1`, `!bridge`). */
function ifaceSide(value: string, net: RouterosNetwork): Side {
  const neg = value.startsWith('!');
  const name = neg ? value.slice(1) : value;
  let side: Side;
  if (net.wan.has(name)) side = 'wan';
  else if (net.lan.has(name)) side = 'lan';
  else if (name === 'all') side = 'any';
  else if (WAN_NAME.test(name)) side = 'wan';
  else if (LAN_NAME.test(name)) side = 'lan';
  else side = 'unknown';
  return neg ? flip(side) : side;
}

/** Side of a rule from its interface matchers (and those of the jumps that led to it). */
function sideOf(constraints: Array<[kind: 'if' | 'list', value: string]>, net: RouterosNetwork): Side {
  const sides = constraints.map(([k, v]) => (k === 'if' ? ifaceSide(v, net) : listSide(v, net)));
  if (sides.includes('lan')) return 'lan';
  if (sides.includes('wan')) return 'wan';
  if (sides.includes('unknown')) return 'unknown';
  return 'any';
}

const interfaceMatchers = (p: Record<string, string>): Array<['if' | 'list', string]> => [
  ...(p['in-interface'] ? [['if', p['in-interface']] as ['if', string]] : []),
  ...(p['in-interface-list'] ? [['list', p['in-interface-list']] as ['list', string]] : []),
];

/** Matchers a jump hands down to the rules of its target chain. */
const INHERITED = [
  'protocol',
  'dst-port',
  'src-address',
  'src-address-list',
  'dst-address',
  'dst-address-list',
  'dst-address-type',
];

interface WalkContext {
  props: Record<string, string>;
  ifaces: Array<['if' | 'list', string]>;
  enabled: boolean;
  chains: string[];
}

/** Where an item is, for warnings. */
const whereOf = (it: RouterosItem, menu: string): string =>
  it.ref ?? `${menu} ${it.command === 'add' ? `line ${it.line}` : `entry at line ${it.line}`}`;

/** What {@link natForwards} found besides forwards. */
export interface NatResult {
  /** False when a jump could not be followed (loop, too deep): some dst-nat rules were not read. */
  complete: boolean;
  /** dstnat redirects to the router itself, not on the LAN side: remote administration candidates. */
  toRouter: RouterTarget[];
}

/** A dstnat `redirect` that sends packets to the router itself. */
export interface RouterTarget {
  port: number | null;
  protocols: Protocol[];
  /** `wan`: the rule names a WAN interface; `any`/`unknown`: no interface matcher, or one of unknown side. */
  side: 'wan' | 'any' | 'unknown';
  restrictedTo: string | null;
}

/**
 * dstnat `dst-nat`/`netmap`/`redirect` items → forwards (dynamic = UPnP, no dst-port/to-ports =
 * DMZ-like) and warnings into `parts`. Rules in a chain reached by `action=jump` from `dstnat` are
 * followed (the jump's own matchers combined, depth bounded, loops refused with a warning). Rules on
 * the LAN side (DNS/NTP interception) are not Internet forwards. Shared by the SSH/file parser and the
 * REST adapter (`adapter` names the source).
 */
export function natForwards(
  items: RouterosItem[],
  parts: ConfigParts,
  transport: string,
  net: RouterosNetwork,
  adapter = 'routeros',
): NatResult {
  const result: NatResult = { complete: true, toRouter: [] };
  const nat = items.filter(
    (i) => i.path === '/ip firewall nat' && (i.command === 'add' || i.command === 'print'),
  );
  const chains = new Map<string, RouterosItem[]>();
  for (const it of nat) {
    const chain = it.props.chain ?? '';
    chains.set(chain, [...(chains.get(chain) ?? []), it]);
  }
  const found = new Map<string, ForwardInput>();
  const dmzHosts: string[] = [];
  const warned = new Set<string>();
  const warn = (code: string, text: string, where: string) => {
    // Values come from the box: a hostile export must not make a warning grow without bound.
    const message = text.length > 300 ? `${text.slice(0, 299)}…` : text;
    const key = `${code}|${where}|${message}`;
    if (warned.has(key)) return;
    warned.add(key);
    parts.warnings.push({ code, message, where });
  };

  let visits = 0;
  const visit = (it: RouterosItem, ctx: WalkContext): void => {
    if (++visits > ROUTEROS_MAX_RULE_VISITS) {
      result.complete = false;
      warn(
        'ROUTEROS_JUMP_TOO_MANY',
        `more than ${ROUTEROS_MAX_RULE_VISITS} rule visits through jumps; the rest was not followed`,
        '/ip firewall nat',
      );
      return;
    }
    const own = it.props;
    const where = whereOf(it, '/ip firewall nat');
    const action = own.action ?? 'accept';
    const ruleOn = !(it.flags.includes('X') || isYes(own.disabled));
    const inherited: Record<string, string> = {};
    for (const k of INHERITED)
      if (ctx.props[k] !== undefined && own[k] === undefined) inherited[k] = ctx.props[k]!;
    const p = { ...own, ...inherited };
    const ifaces = [...ctx.ifaces, ...interfaceMatchers(own)];
    const enabled = ctx.enabled && ruleOn;
    const via = ctx.chains.length > 1 ? ` (reached by jump from ${ctx.chains.slice(0, -1).join(' → ')})` : '';

    if (action === 'jump') {
      const target = own['jump-target'];
      if (!target) return;
      if (ctx.chains.includes(target) || target === 'dstnat') {
        result.complete = false;
        warn(
          'ROUTEROS_JUMP_LOOP',
          `jump to chain "${target}" loops back (${[...ctx.chains, target].join(' → ')}); not followed`,
          where,
        );
        return;
      }
      if (ctx.chains.length > ROUTEROS_MAX_JUMP_DEPTH) {
        result.complete = false;
        warn(
          'ROUTEROS_JUMP_TOO_DEEP',
          `jump to chain "${target}" is deeper than ${ROUTEROS_MAX_JUMP_DEPTH} levels; not followed`,
          where,
        );
        return;
      }
      const rules = chains.get(target);
      if (!rules || rules.length === 0) {
        warn(
          'ROUTEROS_JUMP_TARGET_EMPTY',
          `jump to chain "${target}", which has no rule in the input`,
          where,
        );
        return;
      }
      const next: WalkContext = { props: p, ifaces, enabled, chains: [...ctx.chains, target] };
      for (const r of rules) visit(r, next);
      return;
    }
    let side = sideOf(ifaces, net);
    // Addressed to the router's own address on a LAN-side interface: only the LAN reaches it.
    const dstIface = net.addressInterfaces.get(p['dst-address'] ?? '');
    if (side !== 'lan' && dstIface !== undefined && ifaceSide(dstIface, net) === 'lan') side = 'lan';
    if (action === 'redirect') {
      if (side === 'lan') {
        warn(
          'ROUTEROS_NAT_NOT_WAN',
          `redirect to the router on the LAN side${via}; not a WAN exposure`,
          where,
        );
        return;
      }
      warn(
        'ROUTEROS_REDIRECT_TO_ROUTER',
        `dstnat redirect to the router itself (port ${p['to-ports'] ?? p['dst-port'] ?? '?'})${via}, not limited to the LAN side: counted as remote administration, the input chain deciding`,
        where,
      );
      if (enabled) {
        const port = parsePortRange(p['to-ports'] ?? p['dst-port'])?.start ?? null;
        const protocols: Protocol[] =
          p.protocol === undefined ? ['tcp', 'udp'] : protocolsOrBoth(p.protocol, where, parts.warnings);
        const restrictedTo = p['src-address'] ?? p['src-address-list'] ?? null;
        result.toRouter.push({ port, protocols, side, restrictedTo });
      }
      return;
    }
    if (action !== 'dst-nat' && action !== 'netmap') return;
    if (side === 'lan') {
      const names = ifaces.map(([, v]) => v).join(', ');
      warn(
        'ROUTEROS_NAT_NOT_WAN',
        `dst-nat on the LAN side (${names})${via}; not a WAN exposure, not listed`,
        where,
      );
      return;
    }
    if (side === 'unknown') {
      warn(
        'ROUTEROS_INTERFACE_SIDE_UNKNOWN',
        `dst-nat on ${ifaces.map(([, v]) => v).join(', ')}, which the configuration does not place on the WAN or the LAN; listed as reachable from the WAN`,
        where,
      );
    }
    const dynamic = it.flags.includes('D') || isYes(p.dynamic);
    const protocols: Protocol[] =
      p.protocol === undefined ? ['tcp', 'udp'] : protocolsOrBoth(p.protocol, where, parts.warnings);
    const portsText = p['dst-port'];
    let ports: (PortRange | null)[] = [ALL_PORTS];
    if (portsText !== undefined) {
      const list = parsePortList(portsText);
      if (list === null) {
        warn('ROUTEROS_PORT_INVALID', `dst-port "${portsText}" not understood: external port unknown`, where);
        ports = [null];
      } else ports = list;
    }
    const isDmz = portsText === undefined && p['to-ports'] === undefined;
    let toPorts: PortRange | null | undefined;
    if (p['to-ports'] !== undefined) {
      toPorts = parsePortRange(p['to-ports']);
      if (toPorts === null)
        warn(
          'ROUTEROS_PORT_INVALID',
          `to-ports "${p['to-ports']}" not understood: internal port unknown`,
          where,
        );
    }
    let remoteHost: string | null = null;
    const src = p['src-address'];
    if (src?.startsWith('!')) {
      warn(
        'ROUTEROS_SOURCE_NEGATED',
        `src-address ${src} is an exclusion; counted as open to any other source`,
        where,
      );
    } else if (src !== undefined) remoteHost = src;
    const list = p['src-address-list'];
    if (list?.startsWith('!')) {
      warn(
        'ROUTEROS_SOURCE_NEGATED',
        `src-address-list ${list} is an exclusion; counted as open to any other source`,
        where,
      );
    } else if (list !== undefined) {
      const members = net.addressLists.get(list);
      if (members && members.length > 0) remoteHost = members.join(',');
      else {
        remoteHost = list;
        warn(
          'ROUTEROS_ADDRESS_LIST_UNRESOLVED',
          `src-address-list "${list}" not in the input; kept as its name`,
          where,
        );
      }
    }
    const toAddress = p['to-addresses'] ?? null;
    if (isDmz && enabled && toAddress && !dmzHosts.includes(toAddress)) dmzHosts.push(toAddress);
    const source: ForwardSource = isDmz ? 'dmz' : dynamic ? 'upnp' : 'static';
    for (const protocol of protocols) {
      for (const ext of ports) {
        let internalPort: PortRange | null;
        if (toPorts === undefined) internalPort = ext === null ? null : { ...ext };
        else if (toPorts === null || ext === null) internalPort = null;
        else if (toPorts.end - toPorts.start === ext.end - ext.start) internalPort = toPorts;
        else if (toPorts.start === toPorts.end) internalPort = toPorts;
        // Netfilter keeps the original port when it lies inside the to-ports range (`to-ports=0-65535`).
        else if (ext.start >= toPorts.start && ext.end <= toPorts.end) internalPort = { ...ext };
        else {
          // A to-ports range for a different-sized external range: RouterOS picks a port in it.
          warn(
            'ROUTEROS_TO_PORTS_RANGE',
            `to-ports ${p['to-ports']} for dst-port ${portsText ?? 'all'}: the internal port is not determined`,
            where,
          );
          internalPort = null;
        }
        const f: ForwardInput = {
          source,
          protocol,
          externalPort: ext,
          internalHost: toAddress,
          internalPort,
          remoteHost,
          enabled,
          description: p.comment ?? null,
          leaseSeconds: dynamic ? null : 0,
          provenance: {
            adapter,
            transport,
            raw: { ...p, flags: it.flags },
            // The export's own line (SARIF points at it); REST items have no line.
            ...(it.ref === undefined ? { line: it.line } : {}),
          },
        };
        const key = JSON.stringify([where, source, protocol, ext, toAddress, internalPort, remoteHost]);
        const prev = found.get(key);
        if (prev === undefined) found.set(key, f);
        else if (enabled && prev.enabled === false) prev.enabled = true;
      }
    }
  };

  for (const it of chains.get('dstnat') ?? [])
    visit(it, { props: {}, ifaces: [], enabled: true, chains: ['dstnat'] });
  parts.forwards.push(...found.values());
  if (dmzHosts.length > 0) parts.dmz = { enabled: true, host: dmzHosts.join(',') };
  return result;
}

/** RouterOS v7 service defaults (used only for a full export, which omits defaults). */
const SERVICE_DEFAULTS: Record<string, { port: number; disabled: boolean }> = {
  telnet: { port: 23, disabled: false },
  ftp: { port: 21, disabled: false },
  www: { port: 80, disabled: false },
  ssh: { port: 22, disabled: false },
  'www-ssl': { port: 443, disabled: true },
  api: { port: 8728, disabled: false },
  winbox: { port: 8291, disabled: false },
  'api-ssl': { port: 8729, disabled: false },
};

const ADMIN_SERVICES = new Set(Object.keys(SERVICE_DEFAULTS));

/** Input-chain verdict for a service: reachable from the WAN (true/false/null) and from which sources. */
export interface InputVerdict {
  wan: boolean | null;
  restrictedTo: string | null;
}

/** Filter matchers that do not narrow which new TCP packets from the Internet a rule applies to. */
const NEUTRAL = new Set([
  'chain',
  'action',
  'comment',
  'disabled',
  'dynamic',
  'invalid',
  'log',
  'log-prefix',
  'reject-with',
  'jump-target',
  'place-before',
  'address-list',
  'address-list-timeout',
  'in-interface',
  'in-interface-list',
  'connection-state',
  'connection-nat-state',
  'protocol',
  'dst-port',
  'port',
  'dst-address-type',
  'dst-address',
  'src-address',
  'src-address-list',
  'ipsec-policy',
  'hw-offload',
  'flags',
  'name',
]);

type Match =
  | { kind: 'yes' }
  | { kind: 'no' }
  | { kind: 'maybe' }
  | { kind: 'from'; sources: string; negated: boolean };

/** Does this filter rule apply to a new connection from the Internet to `protocol`/`port` on the router? */
function matchesWan(it: RouterosItem, port: number, net: RouterosNetwork, protocol: Protocol): Match {
  const p = it.props;
  const side = sideOf(interfaceMatchers(p), net);
  if (side === 'lan') return { kind: 'no' };
  let maybe = side === 'unknown';
  const state = p['connection-state'];
  if (state !== undefined && !state.startsWith('!') && !/\bnew\b/.test(state)) return { kind: 'no' };
  if (p['connection-nat-state'] === 'dstnat') return { kind: 'no' };
  if (p['ipsec-policy'] !== undefined && /ipsec/.test(p['ipsec-policy'])) return { kind: 'no' };
  const proto = p.protocol?.toLowerCase();
  if (proto !== undefined) {
    const neg = proto.startsWith('!');
    const same = protocolsOf([neg ? proto.slice(1) : proto]).includes(protocol);
    if (neg === same) return { kind: 'no' };
  }
  const portsText = p['dst-port'] ?? p.port;
  if (portsText !== undefined) {
    const neg = portsText.startsWith('!');
    const ranges = parsePortList(neg ? portsText.slice(1) : portsText);
    if (ranges === null) maybe = true;
    else if (ranges.some((r) => port >= r.start && port <= r.end) === neg) return { kind: 'no' };
  }
  const type = p['dst-address-type'];
  if (type !== undefined && type !== 'local') return { kind: 'no' };
  const dst = p['dst-address'];
  if (dst !== undefined) {
    const ip = firstAddress(dst.replace(/^!/, ''));
    // A rule for the router's LAN-side address does not see packets sent to its WAN address.
    if (!dst.startsWith('!') && net.routerAddresses.includes(ip) && isRfc1918(ip)) return { kind: 'no' };
    if (!(net.routerAddresses.includes(ip) && !isRfc1918(ip))) maybe = true;
  }
  if (Object.keys(p).some((k) => !NEUTRAL.has(k))) maybe = true;
  const src = p['src-address'] ?? p['src-address-list'];
  if (src !== undefined) {
    const negated = src.startsWith('!');
    const name = negated ? src.slice(1) : src;
    const sources = p['src-address'] !== undefined ? name : (net.addressLists.get(name)?.join(',') ?? name);
    return maybe ? { kind: 'maybe' } : { kind: 'from', sources, negated };
  }
  return maybe ? { kind: 'maybe' } : { kind: 'yes' };
}

const anyPublic = (sources: string[]): boolean =>
  sources.some((s) =>
    s.split(',').some((a) => ipv4Network(firstAddress(a)) === null || !isRfc1918(firstAddress(a))),
  );

/**
 * Walk the input chain (following jumps, bounded) for a new TCP connection from the Internet to
 * `port`: drops and rejects by WAN interface or list, per port, with log/comment matchers are
 * honoured; a rule narrowed by a matcher boxaudit cannot evaluate makes the verdict unknown;
 * `src-address(-list)` accepts are restrictions. RouterOS accepts what no rule drops.
 */
export function wanInputVerdict(
  filter: RouterosItem[] | null,
  port: number,
  net: RouterosNetwork = emptyRouterosNetwork(),
  protocol: Protocol = 'tcp',
): InputVerdict {
  if (filter === null) return { wan: null, restrictedTo: null };
  const chains = new Map<string, RouterosItem[]>();
  for (const it of filter) {
    if (it.flags.includes('X') || isYes(it.props.disabled)) continue;
    const c = it.props.chain ?? '';
    chains.set(c, [...(chains.get(c) ?? []), it]);
  }
  const allowed: string[] = [];
  let uncertain = false;
  const closed = (): InputVerdict => {
    if (uncertain) return { wan: null, restrictedTo: allowed.length > 0 ? allowed.join(',') : null };
    if (allowed.length > 0) return { wan: anyPublic(allowed), restrictedTo: allowed.join(',') };
    return { wan: false, restrictedTo: null };
  };
  const open = (): InputVerdict => ({ wan: uncertain ? null : true, restrictedTo: null });
  let visits = 0;
  const walk = (chain: string, stack: string[]): InputVerdict | 'fallthrough' => {
    for (const it of chains.get(chain) ?? []) {
      if (++visits > ROUTEROS_MAX_RULE_VISITS) {
        uncertain = true;
        return { wan: null, restrictedTo: null };
      }
      const action = it.props.action ?? 'accept';
      const m = matchesWan(it, port, net, protocol);
      if (m.kind === 'no') continue;
      if (action === 'jump') {
        const target = it.props['jump-target'];
        if (!target) continue;
        if (stack.includes(target) || stack.length > ROUTEROS_MAX_JUMP_DEPTH) {
          uncertain = true;
          continue;
        }
        if (m.kind !== 'yes') uncertain = true;
        const r = walk(target, [...stack, target]);
        if (r !== 'fallthrough') return r;
        continue;
      }
      if (action === 'return') {
        if (m.kind === 'yes') return 'fallthrough';
        uncertain = true;
        continue;
      }
      const accept = action === 'accept';
      const drop = action === 'drop' || action === 'reject' || action === 'tarpit';
      if (!accept && !drop) continue;
      if (m.kind === 'maybe') {
        uncertain = true;
        continue;
      }
      if (m.kind === 'from') {
        if (accept && !m.negated) allowed.push(m.sources);
        else if (drop && m.negated) {
          allowed.push(m.sources);
          return closed();
        } else if (accept && m.negated) return open();
        continue;
      }
      return accept ? open() : closed();
    }
    return 'fallthrough';
  };
  const r = walk('input', ['input']);
  return r === 'fallthrough' ? open() : r;
}

/**
 * `/ip service` items → `parts.remoteAdmin` + coverage; each enabled service's WAN reachability comes
 * from its `address` restriction and the input chain of `filter` (null = not read → unknown).
 */
export function remoteAdmin(
  services: RouterosItem[],
  fromPrint: boolean,
  fullExport: boolean,
  filter: RouterosItem[] | null,
  parts: ConfigParts,
  net: RouterosNetwork = emptyRouterosNetwork(),
): void {
  const state = new Map<string, { port: number | null; disabled: boolean; address: string }>();
  // A script or partial export: only the services it sets are known.
  const onlySet = !fromPrint && !fullExport;
  if (onlySet && services.length === 0) return;
  if (!fromPrint && fullExport) {
    for (const [name, d] of Object.entries(SERVICE_DEFAULTS)) state.set(name, { ...d, address: '' });
  }
  for (const it of services) {
    const name = it.props.name ?? it.name;
    if (!name || !ADMIN_SERVICES.has(name)) continue;
    const prev = state.get(name) ?? { ...SERVICE_DEFAULTS[name]!, address: '' };
    state.set(name, {
      port: it.props.port !== undefined ? parseServicePort(it.props.port) : prev.port,
      disabled:
        it.props.disabled !== undefined
          ? isYes(it.props.disabled)
          : fromPrint
            ? it.flags.includes('X')
            : prev.disabled,
      address: it.props.address ?? prev.address,
    });
  }
  const out: RemoteAdminService[] = [];
  for (const [name, s] of state) {
    if (s.disabled) continue;
    const address = s.address.trim();
    const restricted = address !== '' && address !== '0.0.0.0/0';
    const allPrivate = restricted && !anyPublic([address]);
    const verdict: InputVerdict = allPrivate
      ? { wan: false, restrictedTo: null }
      : s.port === null
        ? { wan: null, restrictedTo: null }
        : wanInputVerdict(filter, s.port, net);
    const restrictedTo = [restricted ? address : null, verdict.restrictedTo]
      .filter((x) => x !== null)
      .join(' & ');
    out.push({
      service: name,
      port: s.port,
      wan: verdict.wan,
      restrictedTo: restrictedTo === '' ? null : restrictedTo,
    });
  }
  const unset = onlySet ? Object.keys(SERVICE_DEFAULTS).filter((n) => !state.has(n)) : [];
  if (unset.length > 0) {
    // The services the file does not set may be on or off: their reachability is unknown.
    for (const name of unset) {
      out.push({ service: name, port: SERVICE_DEFAULTS[name]!.port, wan: null, restrictedTo: null });
    }
    parts.remoteAdmin = remoteAdminOf(out);
    parts.coverage.push(
      cover(
        'remote-admin',
        'partial',
        'ROUTEROS_SERVICES_PARTIAL',
        `/ip service of a script or partial export: ${unset.join(', ')} not set in it, their state is unknown`,
        { inputFilterRead: filter !== null, servicesNotSet: unset },
      ),
    );
    return;
  }
  parts.remoteAdmin = remoteAdminOf(out);
  parts.coverage.push(
    cover(
      'remote-admin',
      filter === null ? 'partial' : 'complete',
      fromPrint ? 'ROUTEROS_IP_SERVICE' : 'ROUTEROS_EXPORT_SERVICE_DEFAULTS',
      fromPrint
        ? '/ip service read; the input firewall decides WAN reachability'
        : 'services from the export, RouterOS defaults assumed where the export omits them',
      { inputFilterRead: filter !== null },
    ),
  );
}

/**
 * dstnat redirects to the router (not on the LAN side) become `port-forward` remote-admin services:
 * the redirected packet still crosses the input chain, which decides when it was read; unread, a
 * redirect from a named WAN interface counts as open and one without interface matcher as unknown.
 * dst-nat rules to the router's own addresses (or loopback) go through markForwardsToRouter.
 */
export function addRouterTargets(
  parts: ConfigParts,
  nat: NatResult,
  net: RouterosNetwork,
  filter: RouterosItem[] | null,
): void {
  const added: RemoteAdminService[] = [];
  for (const t of nat.toRouter) {
    for (const protocol of t.protocols) {
      const verdict =
        filter !== null && t.port !== null
          ? wanInputVerdict(filter, t.port, net, protocol)
          : { wan: t.side === 'wan' ? true : null, restrictedTo: null };
      const restrictedTo = [t.restrictedTo, verdict.restrictedTo].filter((x) => x !== null).join(' & ');
      added.push({
        service: 'port-forward',
        port: t.port,
        wan: verdict.wan,
        restrictedTo: restrictedTo || null,
      });
    }
  }
  if (added.length > 0) parts.remoteAdmin = remoteAdminOf([...(parts.remoteAdmin?.services ?? []), ...added]);
  markForwardsToRouter(parts, net.routerAddresses);
}

export interface RouterosParseOptions extends ParseOptions {
  /** `print detail` output of `/ip firewall nat` (dynamic UPnP rules). */
  natPrint?: string;
  /** `/ip upnp print` output. */
  upnpPrint?: string;
  /** `/ip service print detail` output. */
  servicePrint?: string;
  /** The NAT table was read (SSH), even if it printed nothing. */
  natRead?: boolean;
}

/**
 * Parse RouterOS text: an `/export` (full or `/ip firewall nat export`), or a `print detail` of the NAT
 * table, plus optional print outputs (SSH). Pure.
 */
export function parseRouteros(text: string, options: RouterosParseOptions = {}): ConfigParts {
  const transport = options.transport ?? 'file';
  const parts = emptyParts();
  const looksLikePrint =
    /^[ \t]*Flags:/m.test(text) || /^[ \t]*\d+\s+(?:[XIDA]\s*)*(?:;;;|chain=)/m.test(text);
  const exportItems = looksLikePrint ? [] : parseRouterosExport(text);
  const printItems = [
    ...(looksLikePrint ? parseRouterosPrintDetail(text, '/ip firewall nat') : []),
    ...(options.natPrint ? parseRouterosPrintDetail(options.natPrint, '/ip firewall nat') : []),
  ];
  if (exportItems.length === 0 && printItems.length === 0 && !options.upnpPrint && options.natRead !== true) {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      '[routeros] no RouterOS export line (/ip firewall nat add …) or print detail entry found',
    );
  }
  const net = routerosNetwork(exportItems);
  const natExportSeen =
    exportItems.some((i) => i.path === '/ip firewall nat') || /\/ip[ /]firewall[ /]nat/.test(text);
  // Export omits dynamic rules; from print output, keep only dynamic ones when an export was given too.
  const dynamicOnly = natExportSeen && exportItems.length > 0;
  const fromExport = natForwards(exportItems, parts, transport, net);
  const fromPrint = natForwards(
    printItems.filter((i) => !dynamicOnly || i.flags.includes('D')),
    parts,
    transport,
    net,
  );
  const natComplete = fromExport.complete && fromPrint.complete;
  const nat: NatResult = { complete: natComplete, toRouter: [...fromExport.toRouter, ...fromPrint.toRouter] };
  const natSeen = natExportSeen || printItems.length > 0 || options.natRead === true;
  const upnpRulesSeen = printItems.length > 0 || options.natPrint !== undefined;
  parts.dmz = natSeen ? (parts.dmz ?? { enabled: false, host: null }) : null;
  const fullExport = exportItems.some((i) => i.path.startsWith('/interface'));

  // UPnP state.
  let upnpEnabled: boolean | null = null;
  if (options.upnpPrint) {
    const m = /^[ \t]*enabled:\s*(yes|no|true|false)/m.exec(options.upnpPrint);
    if (m) upnpEnabled = isYes(m[1]);
  }
  const upnpSet = exportItems.find((i) => i.path === '/ip upnp' && i.command === 'set' && i.props.enabled);
  if (upnpSet) upnpEnabled = isYes(upnpSet.props.enabled);
  else if (upnpEnabled === null && fullExport) upnpEnabled = false; // default off; export omits defaults
  const upnpCount = parts.forwards.filter((f) => f.source === 'upnp').length;
  parts.upnp = {
    enabled: upnpEnabled,
    mappingCount: upnpRulesSeen ? upnpCount : null,
    igdVersion: null,
  };
  if (upnpCount > 0 && upnpEnabled === null) parts.upnp.enabled = true;

  // Remote admin.
  // A whole `/export` (its `# … by RouterOS` header, interface sections) without a filter section
  // has no filter rule: RouterOS then accepts all input.
  const wholeExport = fullExport && /^# .* by RouterOS /m.test(text);
  const filter = exportItems.some((i) => i.path === '/ip firewall filter')
    ? exportItems.filter((i) => i.path === '/ip firewall filter' && i.command === 'add')
    : wholeExport
      ? []
      : null;
  if (options.servicePrint) {
    remoteAdmin(
      parseRouterosPrintDetail(options.servicePrint, '/ip service'),
      true,
      false,
      filter,
      parts,
      net,
    );
  } else {
    remoteAdmin(
      exportItems.filter((i) => i.path === '/ip service' && i.command === 'set'),
      false,
      fullExport,
      filter,
      parts,
      net,
    );
  }
  const remoteAdminSeen = parts.remoteAdmin !== null;
  addRouterTargets(parts, nat, net, filter);

  const prefixes = exportItems
    .filter((i) => i.path === '/ip address' && i.command === 'add' && i.props.address)
    .map((i) => i.props.address!)
    .filter((a) => isRfc1918(a.split('/')[0] ?? ''))
    .map((a) => ipv4Network(a))
    .filter((p): p is string => p !== null);
  if (prefixes.length > 0) parts.lanPrefixes = [...new Set(prefixes)];

  parts.coverage.push(
    natSeen
      ? natComplete
        ? cover(
            'static-forwards',
            'complete',
            'ROUTEROS_NAT_EXPORT',
            'every dstnat rule of /ip firewall nat was read, jumps followed',
          )
        : cover(
            'static-forwards',
            'partial',
            'ROUTEROS_NAT_JUMP_UNFOLLOWED',
            'a jump from dstnat could not be followed (loop or too deep): the rules behind it were not read',
          )
      : cover(
          'static-forwards',
          'not-visible',
          'ROUTEROS_NO_NAT',
          'no /ip firewall nat section in the input',
        ),
    upnpRulesSeen
      ? cover(
          'upnp-mappings',
          'complete',
          'ROUTEROS_DYNAMIC_NAT',
          'dynamic (UPnP) dstnat rules read from print detail',
        )
      : cover(
          'upnp-mappings',
          upnpEnabled === false ? 'complete' : 'not-visible',
          upnpEnabled === false ? 'ROUTEROS_UPNP_OFF' : 'ROUTEROS_EXPORT_OMITS_DYNAMIC',
          upnpEnabled === false
            ? 'UPnP is off, so there are no UPnP mappings'
            : 'an export omits dynamic (UPnP) rules: UPnP mappings are unknown',
        ),
    upnpEnabled === null
      ? cover('upnp-state', 'not-visible', 'ROUTEROS_NO_UPNP_STATE', 'UPnP state not in the input')
      : cover('upnp-state', 'complete', 'ROUTEROS_UPNP', 'read from /ip upnp'),
    cover(
      'ipv6-pinholes',
      'not-visible',
      'ROUTEROS_IPV6_FILTER_NOT_READ',
      '/ipv6 firewall filter is not read',
    ),
  );
  if (natSeen) {
    parts.coverage.push(
      cover('dmz', 'complete', 'ROUTEROS_DSTNAT_ALL_PORTS', 'a dst-nat without ports counts as a DMZ'),
    );
  }
  if (!remoteAdminSeen) {
    parts.coverage.push(
      cover('remote-admin', 'not-visible', 'ROUTEROS_NO_SERVICES', '/ip service not in the input'),
    );
  }
  return parts;
}
