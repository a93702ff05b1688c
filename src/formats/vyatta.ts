/**
 * The Vyatta family's configurations (the `edgeos` and `vyos` adapters' formats): `show configuration
 * commands` output or `/config/config.boot` → parts. EdgeOS: the port-forward wizard (`set
 * port-forward rule N …`) and destination NAT (`set service nat rule N type destination`); VyOS 1.1 to
 * 1.5: `nat destination rule N …` in every syntax (1.3 `inbound-interface 'eth0'`, 1.4+
 * `inbound-interface name 'eth0'`). Both: UPnP, and remote admin (`service gui|https|ssh`) against what
 * filters the WAN. The configuration tree, the WAN and the groups are formats/vyatta-config.ts. Pure.
 */
import { BoxauditError } from '../errors.js';
import { inCidr, isRfc1918 } from '../model/addresses.js';
import type { ForwardInput } from '../model/forward.js';
import { parsePortRange, parseServicePort } from '../model/forward.js';
import { remoteAdminOf } from '../model/remote-admin.js';
import type { CoverageItem, PortRange, Protocol, RemoteAdminService, Warning } from '../model/types.js';
import {
  ALL_PORTS,
  type ConfigParts,
  cover,
  emptyParts,
  ipv4Network,
  markForwardsToRouter,
  type ParseOptions,
  parsePortList,
  protocolsOrBoth,
  shiftRange,
} from './config-parts.js';
import {
  first,
  forkMarkers,
  groupById,
  groupMembers,
  hasPrefix,
  readVyattaConfig,
  routerAddresses,
  type SetLine,
  type VyattaInterface,
  valuesAt,
  vyattaInterfaces,
  vyattaWan,
} from './vyatta-config.js';

/** A value from the file as shown in a message: at most 80 characters (the file is hostile input). */
export function clip(value: string): string {
  return value.length > 80 ? `${value.slice(0, 80)}…` : value;
}

/** Protocols that are not tcp/udp: a destination NAT for them is no port forward (skipped, warned). */
const OTHER_IP_PROTOCOLS =
  /^(icmp|ipv6-icmp|icmpv6|gre|esp|ah|ipip|ipencap|sctp|ospf|igmp|vrrp|pim|1|2|4|41|47|50|51|58|89|112|132)$/i;

/**
 * Protocols of a NAT rule: `tcp`, `udp`, `tcp_udp`, `all`; absent means all (tcp and udp); another IP
 * protocol (gre, icmp…) gives [] so the caller can skip it with a warning; anything else is unknown and
 * kept as tcp and udp with a `PROTOCOL_UNKNOWN` warning.
 */
export function ruleProtocols(value: string | null, where: string, warnings: Warning[]): Protocol[] {
  if (value === null) return ['tcp', 'udp'];
  const known = vyattaProtocols(value);
  if (known !== null && known.length > 0) return known;
  if (OTHER_IP_PROTOCOLS.test(value)) return [];
  return protocolsOrBoth(value, where, warnings);
}

/** `tcp`, `udp`, `tcp_udp`, `all`; null when absent; [] for other protocols. */
export function vyattaProtocols(value: string | null): Protocol[] | null {
  if (value === null) return null;
  const t = value.toLowerCase();
  if (t === 'tcp' || t === '6') return ['tcp'];
  if (t === 'udp' || t === '17') return ['udp'];
  if (t === 'tcp_udp' || t === 'all' || t === 'tcpudp') return ['tcp', 'udp'];
  return [];
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)';
const IPV4 = `${OCTET}(?:\\.${OCTET}){3}`;
/** An IPv4 address, optionally with a prefix or as a range (VyOS 1:1 and pool translations). */
const IPV4_TARGET = new RegExp(`^${IPV4}(?:/\\d{1,2}|-${IPV4})?$`);

/** Build forwards for one destination-NAT style rule. */
export function pushForwards(
  parts: ConfigParts,
  adapter: string,
  transport: string,
  rule: {
    where: string;
    protocols: Protocol[];
    /** null: no port match (all ports); a text that does not parse gives unknown ports, never all. */
    ports: string | null;
    toHost: string | null;
    toPort: string | null;
    source: string | null;
    enabled: boolean;
    description: string | null;
    raw: Record<string, unknown>;
  },
): void {
  let remoteHost: string | null = rule.source;
  if (remoteHost?.startsWith('!')) {
    parts.warnings.push({
      code: `${adapter.toUpperCase()}_SOURCE_NEGATED`,
      message: `source ${clip(remoteHost)} is an exclusion; counted as open to any other source`,
      where: rule.where,
    });
    remoteHost = null;
  }
  const ranges = rule.ports === null ? [ALL_PORTS] : parsePortList(rule.ports);
  if (ranges === null) {
    parts.warnings.push({
      code: `${adapter.toUpperCase()}_PORT_INVALID`,
      message: `port "${clip(rule.ports ?? '')}" not understood; listed with unknown ports`,
      where: rule.where,
    });
  }
  // A LAN host that is no address (a template's `${VAR}`, a typo) is unknown, not a host name.
  let toHost = rule.toHost;
  if (toHost !== null && !IPV4_TARGET.test(toHost) && !/^[0-9a-f:]+:[0-9a-f:.]*$/i.test(toHost)) {
    parts.warnings.push({
      code: 'VYATTA_ADDRESS_INVALID',
      message: `translation address "${clip(toHost)}" is not an address; the LAN host is unknown`,
      where: rule.where,
    });
    toHost = null;
  }
  const isDmz = rule.ports === null && rule.toPort === null;
  if (isDmz && rule.enabled && toHost) parts.dmz = { enabled: true, host: toHost };
  const toPort = rule.toPort === null ? null : parsePortRange(rule.toPort);
  // A translated port that does not parse (a port group?) is unknown, not the public port: guessing
  // it would hide what the forward really reaches.
  const toPortUnknown = rule.toPort !== null && toPort === null;
  if (toPortUnknown) {
    parts.warnings.push({
      code: `${adapter.toUpperCase()}_PORT_INVALID`,
      message: `translated port "${clip(rule.toPort ?? '')}" not understood; listed with an unknown LAN port`,
      where: rule.where,
    });
  }
  for (const protocol of rule.protocols) {
    for (const ext of ranges ?? [null]) {
      let internal: PortRange | null = toPortUnknown ? null : ext;
      if (toPort && ext) internal = toPort.start === toPort.end ? shiftRange(ext, toPort.start) : toPort;
      else if (toPort) internal = toPort;
      const f: ForwardInput = {
        source: isDmz ? 'dmz' : 'static',
        protocol,
        externalPort: ext,
        internalHost: toHost,
        internalPort: internal,
        remoteHost,
        enabled: rule.enabled,
        description: rule.description,
        leaseSeconds: 0,
        provenance: { adapter, transport, raw: rule.raw },
      };
      parts.forwards.push(f);
    }
  }
}

export function mapToObject(node: Map<string, string[]>): Record<string, unknown> {
  return Object.fromEntries(
    [...node].map(([k, v]) => [k, v.length === 0 ? true : v.length === 1 ? v[0] : v]),
  );
}

/**
 * A port text for a rule: its `destination port`, else its `destination group port-group X` expanded
 * from `firewall group port-group X port …` in the same configuration. An undefined group gives a text
 * that does not parse (unknown ports, warned), never null (which would mean all ports).
 */
export function rulePorts(
  lines: SetLine[],
  r: Map<string, string[]>,
  where: string,
  parts: ConfigParts,
): string | null {
  const port = first(r, 'destination port');
  const group = first(r, 'destination group port-group');
  if (group === null) return port;
  const members = groupMembers(lines, 'port-group', group);
  if (members === null || members.length === 0) {
    parts.warnings.push({
      code: 'VYATTA_GROUP_UNDEFINED',
      message: `port group "${clip(group)}" is not defined in this configuration; ports unknown`,
      where,
    });
    return `group:${group}`;
  }
  // Port groups may hold service names (`http`): those fail to parse and leave the ports unknown.
  return [port, ...members].filter((p) => p !== null).join(',');
}

/** A rule's source: `source address`, or its address/network group expanded (undefined → unknown, warned). */
export function ruleSource(
  lines: SetLine[],
  r: Map<string, string[]>,
  where: string,
  parts: ConfigParts,
): string | null {
  const address = first(r, 'source address');
  if (address !== null) return address;
  for (const kind of ['address-group', 'network-group'] as const) {
    const group = first(r, `source group ${kind}`);
    if (group === null) continue;
    const members = groupMembers(lines, kind, group);
    if (members === null || members.length === 0) {
      parts.warnings.push({
        code: 'VYATTA_GROUP_UNDEFINED',
        message: `source ${kind} "${clip(group)}" is not defined in this configuration; the forward is kept as restricted to an unknown source`,
        where,
      });
      return `group:${group}`;
    }
    return members.join(',');
  }
  return null;
}

/** A jump chain deeper than this is not followed (a loop, or a damaged file). */
const MAX_JUMPS = 8;
/** Rulesets read for one verdict, jumps included. */
const MAX_RULESETS = 64;

/**
 * Ruleset verdict for a TCP port reaching the router on `wanInterface`: accept → true, drop/reject →
 * false; null when it cannot be told. Stateful accepts are skipped, `jump` targets are followed, a rule
 * limited to a LAN destination address cannot match traffic to the WAN address and is skipped.
 */
export function rulesetVerdict(
  lines: SetLine[],
  base: string[],
  port: number,
  wanInterface: string | null = null,
  depth = 0,
  budget = { rulesets: MAX_RULESETS, exhausted: false },
): boolean | null {
  // Bounded: a hostile file with jumps fanning out or looping must not make this exponential.
  if (depth > MAX_JUMPS || budget.rulesets-- <= 0) {
    budget.exhausted = true;
    return null;
  }
  const rules = groupById(lines, [...base, 'rule']);
  const ids = [...rules.keys()]
    .map(Number)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  for (const id of ids) {
    const r = rules.get(String(id))!;
    if (r.has('disable')) continue;
    if ([...r.keys()].some((k) => k === 'state' || k.startsWith('state ') || k === 'connection-status'))
      continue;
    const action = first(r, 'action');
    const proto = first(r, 'protocol');
    const ports = parsePortList(first(r, 'destination port'));
    const protoOk = proto === null || proto === 'tcp' || proto === 'tcp_udp' || proto === 'all';
    const portOk =
      ports === null
        ? !r.has('destination port') && !r.has('destination group port-group')
        : ports.some((p) => port >= p.start && port <= p.end);
    if (!protoOk || !portOk) continue;
    if ([...r.keys()].some((k) => k.startsWith('source '))) continue;
    // VyOS 1.4 input filter: a rule bound to another interface says nothing about the WAN.
    const iface = first(r, 'inbound-interface name') ?? first(r, 'inbound-interface');
    if (iface !== null && iface !== wanInterface) continue;
    if (r.has('inbound-interface group')) {
      if (action === 'accept') return null;
      continue;
    }
    // A rule for a LAN or multicast destination cannot match new connections to the WAN address.
    const dest = first(r, 'destination address');
    const destStart = (dest ?? '').split('/')[0]?.split('-')[0] ?? '';
    if (dest !== null && (isRfc1918(destStart) || inCidr(destStart, '224.0.0.0/4'))) continue;
    if (dest !== null || [...r.keys()].some((k) => k.startsWith('destination group address'))) {
      if (action === 'accept') return null;
      continue;
    }
    if (action === 'jump') {
      const target = first(r, 'jump-target');
      if (target === null) return null;
      const sub = rulesetVerdict(lines, jumpBase(base, target), port, wanInterface, depth + 1, budget);
      if (budget.exhausted) return null;
      if (sub !== null) return sub;
      continue;
    }
    if (action === 'accept') return true;
    if (action === 'drop' || action === 'reject') return false;
  }
  const def = valuesAt(lines, [...base, 'default-action'])?.[0] ?? null;
  if (def === 'drop' || def === 'reject') return false;
  if (def === 'accept') return true;
  // A named ruleset without default-action drops (EdgeOS, VyOS ≤ 1.3); a jump target returns.
  if (def === null && depth > 0) return null;
  if (def === null && base[1] === 'name') return false;
  return null;
}

/** `firewall ipv4 input filter` jumps to `firewall ipv4 name X`; EdgeOS/1.3 to `firewall name X`. */
function jumpBase(base: string[], target: string): string[] {
  return base[1] === 'ipv4' || base[1] === 'ipv6'
    ? ['firewall', base[1], 'name', target]
    : ['firewall', 'name', target];
}

/** What filters new connections from one WAN interface to the router itself. */
export type InputFilter =
  | { kind: 'ruleset'; base: string[]; iface: string; label: string }
  | { kind: 'fixed'; verdict: boolean | null; iface: string; label: string }
  | { kind: 'open'; iface: string; label: string };

/**
 * The filter on traffic from `iface` to the router: VyOS 1.4+ `firewall ipv4 input filter`, a zone
 * policy's local zone (EdgeOS `zone-policy`, VyOS 1.4+ `firewall zone`), or the `firewall local name`
 * bound to the interface; with none of these, nothing filters (`open`).
 */
export function inputFilterOf(
  lines: SetLine[],
  iface: string,
  ifaces: Map<string, VyattaInterface>,
): InputFilter {
  if (hasPrefix(lines, ['firewall', 'ipv4', 'input', 'filter']))
    return {
      kind: 'ruleset',
      base: ['firewall', 'ipv4', 'input', 'filter'],
      iface,
      label: 'firewall ipv4 input filter',
    };
  for (const zoneBase of [
    ['zone-policy', 'zone'],
    ['firewall', 'zone'],
  ]) {
    const zones = groupById(lines, zoneBase);
    if (zones.size === 0) continue;
    const local = [...zones].find(([, z]) => z.has('local-zone'));
    if (!local) continue;
    const [localName, localZone] = local;
    const from = [...zones].find(([, z]) => (z.get('interface') ?? []).includes(iface))?.[0];
    const label = `${zoneBase.join(' ')} ${localName}`;
    if (from === undefined)
      return { kind: 'fixed', verdict: null, iface, label: `${label} (${iface} in no zone)` };
    const name =
      first(localZone, `from ${from} firewall name`) ?? first(localZone, `from ${from} firewall ipv4 name`);
    if (name !== null) {
      const base =
        zoneBase[0] === 'firewall' ? ['firewall', 'ipv4', 'name', name] : ['firewall', 'name', name];
      return { kind: 'ruleset', base, iface, label: `${label} from ${from}: ${name}` };
    }
    const def = first(localZone, 'default-action') ?? 'drop';
    return {
      kind: 'fixed',
      verdict: def === 'accept',
      iface,
      label: `${label} default-action ${def}`,
    };
  }
  const local = ifaces.get(iface)?.localRuleset ?? null;
  if (local !== null)
    return { kind: 'ruleset', base: ['firewall', 'name', local], iface, label: `firewall name ${local}` };
  // DS-Lite: IPv4 arrives through the provider's AFTR, which only passes its own NAT sessions.
  if (ifaces.get(iface)?.dsLite)
    return {
      kind: 'fixed',
      verdict: null,
      iface,
      label: `${iface} is a DS-Lite tunnel without filter: the provider's AFTR decides`,
    };
  return { kind: 'open', iface, label: `no firewall on traffic from ${iface} to the router` };
}

/**
 * Remote admin for EdgeOS/VyOS: each service (`service gui|https|ssh|telnet`) against the input filter
 * of every WAN interface. No filter on a WAN: every listening service answers from the Internet.
 * No WAN found: reachability unknown (partial).
 */
export function vyattaRemoteAdmin(
  lines: SetLine[],
  parts: ConfigParts,
  wan: string[],
  guiService: 'gui' | 'https',
  providerSide: string[] = [],
): void {
  const ifaces = vyattaInterfaces(lines);
  const filters = wan.map((w) => inputFilterOf(lines, w, ifaces));
  for (const p of providerSide) {
    if (inputFilterOf(lines, p, ifaces).kind !== 'open') continue;
    parts.warnings.push({
      code: 'VYATTA_PROVIDER_SIDE_UNFILTERED',
      message: `${clip(p)} is a provider-side network (an ISP's IPTV or VoIP VLAN?) with no firewall towards the router: its services answer there`,
      where: `interfaces ${clip(p)}`,
    });
  }
  const services: RemoteAdminService[] = [];
  // A configured port that is not 1-65535 is unknown (warned), not NaN: the dump must stay readable.
  const portAt = (path: string[], fallback: number): number | null => {
    const text = valuesAt(lines, path)?.[0];
    if (text === undefined) return fallback;
    const port = parseServicePort(text);
    if (port !== null) return port;
    parts.warnings.push({
      code: 'VYATTA_SERVICE_PORT_INVALID',
      message: `${path.join(' ')} "${clip(text)}" is not a port 1-65535; counted as unknown`,
      where: path.slice(0, 2).join(' '),
    });
    return null;
  };
  const verdictOn = (f: InputFilter, port: number): boolean | null =>
    f.kind === 'open' ? true : f.kind === 'fixed' ? f.verdict : rulesetVerdict(lines, f.base, port, f.iface);
  const add = (service: string, port: number | null, listen: string[] | null) => {
    const lanOnly = listen !== null && listen.length > 0 && listen.every((a) => isRfc1918(a));
    let open: boolean | null = null;
    if (lanOnly) open = false;
    else if (filters.length > 0 && port !== null) {
      const each = filters.map((f) => verdictOn(f, port));
      open = each.includes(true) ? true : each.includes(null) ? null : false;
    }
    services.push({
      service,
      port,
      wan: open,
      restrictedTo: listen && listen.length > 0 ? listen.join(',') : null,
    });
  };
  if (hasPrefix(lines, ['service', guiService])) {
    const listen = valuesAt(lines, ['service', guiService, 'listen-address']);
    const httpsPath =
      guiService === 'https' && hasPrefix(lines, ['service', 'https', 'port'])
        ? ['service', 'https', 'port']
        : ['service', guiService, 'https-port'];
    add('https', portAt(httpsPath, 443), listen);
    if (guiService === 'gui') add('http', portAt(['service', 'gui', 'http-port'], 80), listen);
  }
  if (hasPrefix(lines, ['service', 'ssh'])) {
    add('ssh', portAt(['service', 'ssh', 'port'], 22), valuesAt(lines, ['service', 'ssh', 'listen-address']));
  }
  if (hasPrefix(lines, ['service', 'telnet'])) {
    add(
      'telnet',
      portAt(['service', 'telnet', 'port'], 23),
      valuesAt(lines, ['service', 'telnet', 'listen-address']),
    );
  }
  // A part of a configuration (a repository's nat.sh) says nothing of the services it leaves out.
  const fragment = isFragment(lines);
  parts.remoteAdmin = fragment && services.length === 0 ? null : remoteAdminOf(services);
  const unknownFilter = filters.some((f) => f.kind === 'fixed' && f.verdict === null);
  const where = filters.map((f) => `${f.iface}: ${f.label}`).join('; ');
  parts.coverage.push(
    fragment
      ? cover(
          'remote-admin',
          'partial',
          'VYATTA_FRAGMENT',
          'the input has no `system` or `interfaces` section: it is a part of a configuration, and the services it leaves out are not known',
        )
      : wan.length === 0
        ? cover(
            'remote-admin',
            'partial',
            'VYATTA_WAN_UNKNOWN',
            'services read; the configuration does not say which interface is the WAN, so their reachability from the Internet is unknown',
          )
        : cover(
            'remote-admin',
            unknownFilter ? 'partial' : 'complete',
            filters.some((f) => f.kind === 'open') ? 'VYATTA_WAN_UNFILTERED' : 'VYATTA_SERVICES',
            filters.some((f) => f.kind === 'open')
              ? `nothing filters new connections from the WAN to the router, so every service listening answers from the Internet (${where})`
              : `services checked against what filters the WAN (${where})`,
            { wan },
          ),
  );
}

/** A part of a configuration: no `system` or no `interfaces` node (every full dump has both). */
export function isFragment(lines: SetLine[]): boolean {
  return !hasPrefix(lines, ['system']) || !hasPrefix(lines, ['interfaces']);
}

/** RFC 1918 interface addresses as LAN prefixes. */
export function vyattaLanPrefixes(lines: SetLine[]): string[] | null {
  const out = new Set<string>();
  for (const i of vyattaInterfaces(lines).values()) {
    for (const a of i.addresses) {
      if (!isRfc1918(a.split('/')[0]!)) continue;
      const net = ipv4Network(a);
      if (net) out.add(net);
    }
  }
  return out.size > 0 ? [...out] : null;
}

/**
 * Whether a destination-NAT rule's inbound interface faces the Internet: yes when it is a WAN, when the
 * rule names no interface (it applies to all), or when it cannot be told (an interface group, a
 * variable, no WAN found); no only for an interface the configuration does not make a WAN while it
 * names one. LAN-side DNAT (DNS/NTP interception) is no Internet forward.
 */
export function facesInternet(inbound: string | null, wan: string[]): boolean {
  if (inbound === null || inbound === 'any' || inbound.includes('$') || inbound.includes('+')) return true;
  if (wan.length === 0) return true;
  return wan.includes(inbound);
}

/** A destination NAT from a provider-side network (an ISP's IPTV/VoIP VLAN) is kept, and said to be so. */
export function providerSideWarning(where: string, inbound: string): Warning {
  return {
    code: 'VYATTA_DNAT_PROVIDER_SIDE',
    message: `destination NAT on ${clip(inbound)}, a provider-side network (source NAT there, but the default route goes elsewhere: an ISP's IPTV or VoIP VLAN?): kept as a forward, reachable from that network, maybe not from the whole Internet`,
    where,
  };
}

/** A LAN-side destination NAT is left out of the forwards, with a warning that says so. */
export function lanSideWarning(where: string, inbound: string, wan: string[]): Warning {
  return {
    code: 'VYATTA_DNAT_LAN_SIDE',
    message: `destination NAT on ${clip(inbound)}, not a WAN interface (${wan.join(', ')}): it redirects LAN traffic (DNS/NTP interception…), no Internet forward; left out`,
    where,
  };
}

/** The other fork's nodes in this configuration: a warning, and the areas it concerns become partial. */
/** Forwards of a file holding the other fork's nodes: partly read whatever else was understood. */
export function otherForkCoverage(theirs: string, mine: string, wan: unknown): CoverageItem {
  return cover(
    'static-forwards',
    'partial',
    'VYATTA_OTHER_FORK',
    `this configuration holds ${theirs} nodes the ${mine} reader does not read`,
    { wan },
  );
}

/** Forwards of a damaged config.boot: what could be read was read, no more. */
export function damagedCoverage(wan: unknown): CoverageItem {
  return cover(
    'static-forwards',
    'partial',
    'VYATTA_CONFIG_BOOT_DAMAGED',
    'the config.boot file is damaged: what could be read was read',
    { wan },
  );
}

export function otherForkWarning(lines: SetLine[], adapter: 'edgeos' | 'vyos'): Warning | null {
  const m = forkMarkers(lines);
  const mine = adapter === 'edgeos' ? m.edgeos : m.vyos;
  const theirs = adapter === 'edgeos' ? m.vyos : m.edgeos;
  if (theirs === 0) return null;
  const other = adapter === 'edgeos' ? 'vyos' : 'edgeos';
  return {
    code: 'VYATTA_OTHER_FORK',
    message: `${theirs} line(s) use ${other === 'vyos' ? 'VyOS' : 'EdgeOS'} nodes (${other === 'vyos' ? '`nat destination`, `service https`, `firewall ipv4`' : '`port-forward`, `service nat rule`, `service gui`'}) that the ${adapter} reader does not read${mine === 0 ? ', and none of its own' : ''}: read it with --vendor ${other}`,
    where: `${adapter} configuration`,
  };
}

/** One destination-NAT rule of either fork: EdgeOS `service nat rule`, VyOS `nat destination rule`. */
interface DestinationNatRule {
  family: 'edgeos' | 'vyos';
  transport: string;
  where: string;
  /** The rule's inbound interface, when named. */
  iface: string | null;
  /** VyOS 1.4 `inbound-interface group`: not resolved, so not judged LAN-side. */
  viaGroup: boolean;
  wan: string[];
  providerSide: string[];
  /** Where the fork keeps the inside host and port. */
  hostKey: string;
  portKey: string;
  raw: Record<string, unknown>;
}

/**
 * A destination-NAT rule as forwards: skipped with a warning when it faces the LAN or is not a
 * tcp/udp forward; a provider-side interface is kept, with its warning.
 */
function pushDestinationNat(
  parts: ConfigParts,
  lines: SetLine[],
  r: Map<string, string[]>,
  d: DestinationNatRule,
): void {
  if (!d.viaGroup && !facesInternet(d.iface, [...d.wan, ...d.providerSide])) {
    parts.warnings.push(lanSideWarning(d.where, d.iface!, d.wan));
    return;
  }
  if (d.iface !== null && d.providerSide.includes(d.iface))
    parts.warnings.push(providerSideWarning(d.where, d.iface));
  const protoText = first(r, 'protocol');
  const protocols = ruleProtocols(protoText, d.where, parts.warnings);
  if (protocols.length === 0) {
    parts.warnings.push({
      code: `${d.family.toUpperCase()}_PROTOCOL_OTHER`,
      message: `destination NAT for protocol ${clip(protoText ?? '')}, not a tcp/udp port forward`,
      where: d.where,
    });
    return;
  }
  pushForwards(parts, d.family, d.transport, {
    where: d.where,
    protocols,
    ports: rulePorts(lines, r, d.where, parts),
    toHost: first(r, d.hostKey),
    toPort: first(r, d.portKey),
    source: ruleSource(lines, r, d.where, parts),
    enabled: !r.has('disable'),
    description: first(r, 'description'),
    raw: d.raw,
  });
}

/** Parse EdgeOS `show configuration commands` output (or `/config/config.boot`). Pure. */
export function parseEdgeos(text: string, options: ParseOptions = {}): ConfigParts {
  const transport = options.transport ?? 'file';
  const read = readVyattaConfig(text, 'edgeos');
  const { lines } = read;
  if (lines.length === 0) {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      '[edgeos] no `set …` configuration command (nor a config.boot tree) found; export it with `show configuration commands`',
    );
  }
  const parts = emptyParts();
  parts.warnings.push(...read.warnings);
  const fork = otherForkWarning(lines, 'edgeos');
  if (fork) parts.warnings.push(fork);
  const { interfaces: wan, providerSide } = vyattaWan(lines);
  const pfWan = valuesAt(lines, ['port-forward', 'wan-interface'])?.[0] ?? null;

  // 1. Port-forward wizard rules: always on the port-forward WAN interface.
  for (const [id, r] of groupById(lines, ['port-forward', 'rule'])) {
    const where = `port-forward rule ${id}`;
    const protoText = first(r, 'protocol');
    let protocols: Protocol[];
    if (protoText === null) {
      protocols = ['tcp', 'udp'];
      parts.warnings.push({
        code: 'EDGEOS_PROTOCOL_DEFAULT',
        message:
          'port-forward rule without protocol: counted as tcp and udp (the wizard default, UNCONFIRMED)',
        where,
      });
    } else protocols = ruleProtocols(protoText, where, parts.warnings);
    if (protocols.length === 0) {
      parts.warnings.push({
        code: 'EDGEOS_PROTOCOL_OTHER',
        message: `port forward for protocol ${clip(protoText ?? '')}`,
        where,
      });
      continue;
    }
    pushForwards(parts, 'edgeos', transport, {
      where,
      protocols,
      ports: first(r, 'original-port') ?? `(none)`,
      toHost: first(r, 'forward-to address'),
      toPort: first(r, 'forward-to port'),
      source: null,
      enabled: !r.has('disable'),
      description: first(r, 'description'),
      raw: { kind: 'port-forward', rule: id, wanInterface: pfWan, ...mapToObject(r) },
    });
  }

  // 2. service nat destination rules.
  for (const [id, r] of groupById(lines, ['service', 'nat', 'rule'])) {
    if (first(r, 'type') !== 'destination' || r.has('exclude')) continue;
    pushDestinationNat(parts, lines, r, {
      family: 'edgeos',
      transport,
      where: `service nat rule ${id}`,
      iface: first(r, 'inbound-interface'),
      viaGroup: false,
      wan,
      providerSide,
      hostKey: 'inside-address address',
      portKey: 'inside-address port',
      raw: { kind: 'service-nat', rule: id, ...mapToObject(r) },
    });
  }
  parts.dmz ??= { enabled: false, host: null };

  // 3. UPnP (`service upnp2`, legacy `service upnp`).
  const upnpOn = hasPrefix(lines, ['service', 'upnp2']) || hasPrefix(lines, ['service', 'upnp']);
  parts.upnp = { enabled: upnpOn, mappingCount: null, igdVersion: null };

  vyattaRemoteAdmin(lines, parts, wan, 'gui', providerSide);
  markForwardsToRouter(parts, routerAddresses(lines));
  parts.lanPrefixes = vyattaLanPrefixes(lines);
  parts.coverage.push(
    fork
      ? otherForkCoverage('VyOS', 'EdgeOS', wan)
      : read.warnings.length > 0
        ? damagedCoverage(wan)
        : cover(
            'static-forwards',
            'complete',
            'EDGEOS_CONFIG',
            `port-forward and service nat destination rules read (${read.format})`,
            { wan },
          ),
  );
  parts.coverage.push(
    cover('dmz', 'complete', 'EDGEOS_CONFIG', 'a destination NAT without ports counts as a DMZ'),
    cover(
      'upnp-state',
      'complete',
      'EDGEOS_UPNP2',
      'UPnP is on when `service upnp2` (or `service upnp`) is configured',
    ),
    cover(
      'upnp-mappings',
      upnpOn ? 'not-visible' : 'complete',
      upnpOn ? 'EDGEOS_UPNP_RUNTIME' : 'EDGEOS_UPNP_OFF',
      upnpOn
        ? 'UPnP mappings live in the running daemon, not in the configuration: audit over UPnP too'
        : 'UPnP is off, so there are no UPnP mappings',
    ),
    cover(
      'ipv6-pinholes',
      'not-visible',
      'EDGEOS_IPV6_FILTER_NOT_READ',
      'IPv6 firewall rules are not audited',
    ),
  );
  return parts;
}

/** Parse VyOS `show configuration commands` output (or `/config/config.boot`). Pure. */
export function parseVyos(text: string, options: ParseOptions = {}): ConfigParts {
  const transport = options.transport ?? 'file';
  const read = readVyattaConfig(text, 'vyos');
  const { lines } = read;
  if (lines.length === 0) {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      '[vyos] no `set …` configuration command (nor a config.boot tree) found; export it with `show configuration commands`',
    );
  }
  const parts = emptyParts();
  parts.warnings.push(...read.warnings);
  const fork = otherForkWarning(lines, 'vyos');
  if (fork) parts.warnings.push(fork);
  const { interfaces: wan, providerSide } = vyattaWan(lines);
  let syntax14 = false;
  for (const [id, r] of groupById(lines, ['nat', 'destination', 'rule'])) {
    if (r.has('exclude')) continue;
    const ifName = first(r, 'inbound-interface name');
    const ifGroup = first(r, 'inbound-interface group');
    if (ifName !== null || ifGroup !== null) syntax14 = true;
    const iface = ifName ?? first(r, 'inbound-interface');
    pushDestinationNat(parts, lines, r, {
      family: 'vyos',
      transport,
      where: `nat destination rule ${id}`,
      iface,
      viaGroup: ifGroup !== null,
      wan,
      providerSide,
      hostKey: 'translation address',
      portKey: 'translation port',
      raw: {
        rule: id,
        inboundInterface: iface ?? (ifGroup === null ? null : `group ${ifGroup}`),
        ...mapToObject(r),
      },
    });
  }
  parts.dmz ??= { enabled: false, host: null };

  const upnpOn = hasPrefix(lines, ['service', 'upnp']) || hasPrefix(lines, ['service', 'upnp2']);
  parts.upnp = { enabled: upnpOn, mappingCount: null, igdVersion: null };
  vyattaRemoteAdmin(lines, parts, wan, 'https', providerSide);
  markForwardsToRouter(parts, routerAddresses(lines));
  parts.lanPrefixes = vyattaLanPrefixes(lines);
  parts.gateway = { model: syntax14 ? 'VyOS 1.4+' : null };
  parts.coverage.push(
    fork
      ? otherForkCoverage('EdgeOS', 'VyOS', wan)
      : read.warnings.length > 0
        ? damagedCoverage(wan)
        : cover(
            'static-forwards',
            'complete',
            'VYOS_NAT_DESTINATION',
            `every nat destination rule was read (${read.format})`,
            { wan },
          ),
  );
  parts.coverage.push(
    cover('dmz', 'complete', 'VYOS_NAT_DESTINATION', 'a destination NAT without ports counts as a DMZ'),
    cover(
      'upnp-state',
      'complete',
      'VYOS_SERVICE_UPNP',
      'UPnP is on when `service upnp` (or `upnp2`) is configured',
    ),
    cover(
      'upnp-mappings',
      upnpOn ? 'not-visible' : 'complete',
      upnpOn ? 'VYOS_UPNP_RUNTIME' : 'VYOS_UPNP_OFF',
      upnpOn
        ? 'UPnP mappings live in the running daemon, not in the configuration: audit over UPnP too'
        : 'UPnP is off, so there are no UPnP mappings',
    ),
    cover(
      'ipv6-pinholes',
      'not-visible',
      'VYOS_IPV6_FILTER_NOT_READ',
      'IPv6 forward filter rules are not audited',
    ),
  );
  return parts;
}
