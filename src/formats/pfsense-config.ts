/**
 * pfSense / OPNsense `config.xml` reading, shared by the `pfsense` and `opnsense` adapters.
 * XML goes through the safe parser in util/xml.ts (no DOCTYPE/ENTITY). Reads port forwards (`<nat><rule>`),
 * 1:1 NAT, aliases, UPnP (miniupnpd) settings, and web GUI / SSH exposure through WAN pass rules.
 * OPNsense's MVC-model NAT (`<OPNsense><Firewall>…`) is read where its element names are known
 * (1:1 NAT) and, for destination NAT, from any container named like `DNat`; those names are UNCONFIRMED.
 */
import { BoxauditError, isBoxauditError } from '../errors.js';
import { isRfc1918 } from '../model/addresses.js';
import type { ForwardInput } from '../model/forward.js';
import { parsePortRange, parseServicePort } from '../model/forward.js';
import { mergeRanges } from '../model/ports.js';
import { remoteAdminOf } from '../model/remote-admin.js';
import type { PortRange, Protocol, RemoteAdminService } from '../model/types.js';
import {
  childElement,
  childElements,
  childText,
  childTextOrNull,
  childValues,
  parseXml,
  type XmlElement,
} from '../util/xml.js';
import {
  ALL_PORTS,
  type ConfigParts,
  type ConfigTransport,
  cover,
  emptyParts,
  ipv4Network,
  markForwardsToRouter,
  type ParseOptions,
  protocolsOf,
  protocolsOrBoth,
  shiftRange,
} from './config-parts.js';

type Vendor = 'pfsense' | 'opnsense';

interface Alias {
  type: string;
  entries: string[];
}

interface Ctx {
  adapter: Vendor;
  transport: ConfigTransport;
  aliases: Map<string, Alias>;
  wanIfs: Set<string>;
  /** Interface-address keyword (`lanip`) → the interface's static address. */
  ifaceAddress: Map<string, string>;
  parts: ConfigParts;
  /** Resolved port aliases, by name (see aliasPorts). */
  aliasPorts: Map<string, AliasPorts>;
  /** Ranges the port aliases may still gather (ALIAS_WORK_BUDGET). */
  aliasWork: number;
}

const has = (node: XmlElement | undefined, name: string) =>
  node !== undefined && childText(node, name) !== null;
/** A checkbox element: set when present (`<nordr/>`, `<not>1</not>`), unset when absent or `0`/`no`/`off`. */
const flag = (node: XmlElement | undefined, name: string) =>
  has(node, name) && !/^(0|no|off|false)$/i.test(childText(node, name) ?? '');
const isTrue = (v: string | null) => v !== null && /^(1|yes|on|true|enabled?)$/i.test(v.trim());

function warn(ctx: Ctx, code: string, message: string, where: string): void {
  ctx.parts.warnings.push({ code: `${ctx.adapter.toUpperCase()}_${code}`, message, where });
}

function readAliases(root: XmlElement): Map<string, Alias> {
  const out = new Map<string, Alias>();
  const containers = [
    childElement(root, 'aliases'),
    childElement(childElement(childElement(root, 'OPNsense'), 'Firewall'), 'Alias'),
  ];
  for (const c of containers) {
    const list = childElements(c, 'alias').concat(childElements(childElement(c, 'aliases'), 'alias'));
    for (const a of list) {
      const name = childTextOrNull(a, 'name');
      if (!name) continue;
      const content = childText(a, 'address') ?? childText(a, 'content') ?? '';
      out.set(name, {
        type: childText(a, 'type') ?? '',
        entries: content.split(/[\s,]+/).filter((e) => e !== ''),
      });
    }
  }
  return out;
}

/** More distinct port ranges than this in one alias (after merging): the rule's port is counted as unknown. */
export const MAX_ALIAS_RANGES = 4096;
/** Ranges gathered over all port aliases of one config.xml; bounds the work a hostile file can ask for. */
const ALIAS_WORK_BUDGET = 1_000_000;
const MAX_ALIAS_DEPTH = 5;

type AliasPorts =
  | { ranges: PortRange[] }
  | { code: 'ALIAS_UNRESOLVED' | 'ALIAS_TOO_LARGE'; message: string; depthBound: boolean };

const tooLarge = (name: string): AliasPorts => ({
  code: 'ALIAS_TOO_LARGE',
  message: `port alias "${name}" expands to more than ${MAX_ALIAS_RANGES} separate port ranges`,
  depthBound: false,
});

/**
 * The merged port ranges of a port alias, nested aliases followed (depth < 5). Memoised per alias and
 * merged as it goes, so an alias that lists another one many times costs its width, not width^depth.
 */
function aliasPorts(ctx: Ctx, name: string, depth: number): AliasPorts {
  const cached = ctx.aliasPorts.get(name);
  if (cached) return cached;
  if (depth >= MAX_ALIAS_DEPTH) {
    const message = `port alias "${name}" is nested more than ${MAX_ALIAS_DEPTH} levels deep (or in a loop)`;
    return { code: 'ALIAS_UNRESOLVED', message, depthBound: true };
  }
  let acc: PortRange[] = [];
  let result: AliasPorts | null = null;
  for (const entry of new Set(ctx.aliases.get(name)?.entries ?? [])) {
    const direct = parsePortRange(entry);
    let part: AliasPorts;
    if (direct) part = { ranges: [direct] };
    else if (ctx.aliases.has(entry)) part = aliasPorts(ctx, entry, depth + 1);
    else {
      const message = `entry "${entry}" of port alias "${name}" is not a port or a known port alias`;
      part = { code: 'ALIAS_UNRESOLVED', message, depthBound: false };
    }
    if (!('ranges' in part)) {
      result = part.code === 'ALIAS_TOO_LARGE' ? tooLarge(name) : part;
      break;
    }
    ctx.aliasWork -= part.ranges.length;
    if (ctx.aliasWork < 0) {
      result = tooLarge(name);
      break;
    }
    for (const r of part.ranges) acc.push(r); // a loop, not push(...): the part may be large
    if (acc.length > 2 * MAX_ALIAS_RANGES) {
      acc = mergeRanges(acc);
      if (acc.length > MAX_ALIAS_RANGES) {
        result = tooLarge(name);
        break;
      }
    }
  }
  if (result === null) {
    acc = mergeRanges(acc);
    result = acc.length > MAX_ALIAS_RANGES ? tooLarge(name) : { ranges: acc };
  }
  // A failure caused only by the depth at which the alias was reached is not the alias's own answer.
  if ('ranges' in result || !result.depthBound) ctx.aliasPorts.set(name, result);
  return result;
}

/** Ports from "104", "8000-8010", "8000:8010" or a port alias; null (with a warning) when unreadable. */
function resolvePorts(ctx: Ctx, text: string, where: string): PortRange[] | null {
  const direct = parsePortRange(text);
  if (direct) return [direct];
  if (!ctx.aliases.has(text)) {
    warn(ctx, 'ALIAS_UNRESOLVED', `port "${text}" is not a port or a known port alias`, where);
    return null;
  }
  const r = aliasPorts(ctx, text, 0);
  if ('ranges' in r) return r.ranges;
  warn(ctx, r.code, `${r.message}; the rule's public port is counted as unknown`, where);
  return null;
}

/** A `<local-port>`: a port, a range, or a port alias of one port or range; null (with a warning) otherwise. */
function resolveLocalPort(ctx: Ctx, text: string, where: string): PortRange | null {
  const direct = parsePortRange(text);
  if (direct) return direct;
  const r = ctx.aliases.has(text) ? aliasPorts(ctx, text, 0) : null;
  if (r && 'ranges' in r && r.ranges.length === 1) return { ...r.ranges[0]! };
  const why =
    r === null
      ? 'is not a port, a range or a known port alias'
      : 'ranges' in r
        ? `is a port alias of ${r.ranges.length} separate ranges, not one`
        : `cannot be read (${r.message})`;
  warn(ctx, 'LOCAL_PORT_INVALID', `local port "${text}" ${why}; the LAN port is counted as unknown`, where);
  return null;
}

/** A host or alias → one address when resolvable; otherwise the name, with a warning. */
function resolveHost(ctx: Ctx, text: string | null, where: string): string | null {
  if (text === null || text === '') return null;
  // `lanip`, `wanip`, `(self)`: the firewall itself, by the interface's address where it is static.
  if (SELF_KEYWORD.test(text) && !ctx.aliases.has(text)) return ctx.ifaceAddress.get(text) ?? text;
  const alias = ctx.aliases.get(text);
  if (!alias) return text;
  if (alias.entries.length === 1 && !ctx.aliases.has(alias.entries[0]!)) return alias.entries[0]!;
  warn(
    ctx,
    'ALIAS_UNRESOLVED',
    `host alias "${text}" has ${alias.entries.length} entries; kept as its name`,
    where,
  );
  return text;
}

/** Source restriction of a `<source>` element; null = any (also for a negated source, with a warning). */
function sourceOf(ctx: Ctx, source: XmlElement | undefined, where: string): string | null {
  if (!source || has(source, 'any')) return null;
  const value = childTextOrNull(source, 'address') ?? childTextOrNull(source, 'network');
  if (value === null) return null;
  if (flag(source, 'not')) {
    warn(ctx, 'SOURCE_NEGATED', `source "not ${value}"; counted as open to any other source`, where);
    return null;
  }
  const alias = ctx.aliases.get(value);
  if (alias && alias.entries.length > 0) return alias.entries.join(',');
  return value;
}

/** Protocols that carry no ports: a NAT rule for one of them is not a port forward. */
const PORTLESS_PROTOCOLS = /^(icmp|icmp6|ipv6-icmp|esp|ah|gre|igmp|ospf|pim|carp|pfsync|ipv6|ipencap)$/i;

function protocolsFor(ctx: Ctx, text: string | null, where: string): Protocol[] | null {
  if (text === null || text === '' || text === 'any') return ['tcp', 'udp'];
  if (PORTLESS_PROTOCOLS.test(text.trim())) {
    warn(
      ctx,
      'PROTOCOL_OTHER',
      `NAT rule for protocol "${text}" (no ports: not a port forward); not listed`,
      where,
    );
    return null;
  }
  // Anything else not understood stays a forward, as tcp and udp, with a PROTOCOL_UNKNOWN warning.
  return protocolsOrBoth(text, where, ctx.parts.warnings);
}

function onWan(ctx: Ctx, ifaces: string | null): boolean {
  if (ifaces === null || ifaces === '') return true;
  return ifaces.split(',').some((i) => ctx.wanIfs.has(i.trim()));
}

/** A NAT rule's public ports as pushRule takes them: resolved (null when it gives none), and whether it gave any. */
function givenPorts(
  ctx: Ctx,
  portText: string | null,
  where: string,
): { ports: PortRange[] | null; portsGiven: boolean } {
  return {
    ports: portText === null ? null : resolvePorts(ctx, portText, where),
    portsGiven: portText !== null,
  };
}

function pushRule(
  ctx: Ctx,
  r: {
    where: string;
    protocols: Protocol[];
    ports: PortRange[] | null;
    portsGiven: boolean;
    target: string | null;
    localPort: string | null;
    remoteHost: string | null;
    enabled: boolean;
    description: string | null;
    raw: Record<string, unknown>;
  },
): void {
  const isDmz = !r.portsGiven && (r.localPort === null || r.localPort === '');
  if (isDmz && r.enabled && r.target) ctx.parts.dmz = { enabled: true, host: r.target };
  // An unreadable local port stays unknown (null): falling back to the public port would hide findings.
  const localGiven = r.localPort !== null && r.localPort !== '';
  const local = localGiven ? resolveLocalPort(ctx, r.localPort!, r.where) : null;
  for (const protocol of r.protocols) {
    for (const ext of r.ports ?? (isDmz ? [ALL_PORTS] : [null])) {
      const internal =
        !ext || (localGiven && local === null) ? local : local ? shiftRange(ext, local.start) : { ...ext };
      const f: ForwardInput = {
        source: isDmz ? 'dmz' : 'static',
        protocol,
        externalPort: ext ? { ...ext } : null,
        internalHost: r.target,
        internalPort: internal,
        remoteHost: r.remoteHost,
        enabled: r.enabled,
        description: r.description,
        leaseSeconds: 0,
        provenance: { adapter: ctx.adapter, transport: ctx.transport, raw: r.raw },
      };
      ctx.parts.forwards.push(f);
    }
  }
}

function legacyNatRules(ctx: Ctx, nat: XmlElement | undefined): void {
  childElements(nat, 'rule').forEach((rule, i) => {
    const where = `nat/rule[${i + 1}]`;
    if (flag(rule, 'nordr')) return; // "no redirect": an exception, not an exposure
    const iface = childTextOrNull(rule, 'interface');
    if (!onWan(ctx, iface)) {
      warn(
        ctx,
        'NAT_NOT_WAN',
        `port forward on interface "${iface}" is not a WAN exposure; not listed`,
        where,
      );
      return;
    }
    const protocols = protocolsFor(ctx, childTextOrNull(rule, 'protocol'), where);
    if (!protocols) return;
    const destination = childElement(rule, 'destination');
    const portText = childTextOrNull(destination, 'port');
    const descr = childTextOrNull(rule, 'descr');
    pushRule(ctx, {
      where,
      protocols,
      ...givenPorts(ctx, portText, where),
      target: resolveHost(ctx, childTextOrNull(rule, 'target'), where),
      localPort: childTextOrNull(rule, 'local-port'),
      remoteHost: sourceOf(ctx, childElement(rule, 'source'), where),
      enabled: !flag(rule, 'disabled'),
      description: descr,
      raw: {
        interface: iface,
        protocol: childTextOrNull(rule, 'protocol'),
        destination: childTextOrNull(destination, 'network') ?? childTextOrNull(destination, 'address'),
        port: portText,
        target: childTextOrNull(rule, 'target'),
        localPort: childTextOrNull(rule, 'local-port'),
        descr,
      },
    });
  });
}

function oneToOne(ctx: Ctx, rules: XmlElement[], mvc: boolean, path: string): void {
  rules.forEach((rule, i) => {
    const where = `${path}[${i + 1}]`;
    const internal = mvc
      ? childTextOrNull(rule, 'source_net')
      : (childTextOrNull(childElement(rule, 'source'), 'address') ?? childTextOrNull(rule, 'internal'));
    const enabled = mvc ? childText(rule, 'enabled') !== '0' : !flag(rule, 'disabled');
    if (!onWan(ctx, childTextOrNull(rule, 'interface'))) return;
    const host = internal?.replace(/\/32$/, '') ?? null;
    pushRule(ctx, {
      where,
      protocols: ['tcp', 'udp'],
      ports: null,
      portsGiven: false,
      target: host,
      localPort: null,
      remoteHost: null,
      enabled,
      description: childTextOrNull(rule, mvc ? 'description' : 'descr'),
      raw: { kind: '1:1', external: childTextOrNull(rule, 'external'), internal },
    });
    if (host?.includes('/')) {
      warn(ctx, 'ONETOONE_SUBNET', `1:1 NAT of a whole subnet (${host}); every host in it is exposed`, where);
    }
  });
}

/** OPNsense MVC destination NAT (element names UNCONFIRMED): containers named like DNat under OPNsense/Firewall. */
function mvcDnat(ctx: Ctx, firewall: XmlElement | undefined): void {
  if (!firewall) return;
  for (const [name, values] of Object.entries(firewall)) {
    if (!/^(d_?nat|destination_?nat|port_?forward)$/i.test(name)) continue;
    for (const container of values) {
      if (typeof container === 'string') continue;
      const rules = childElements(container, 'rule').concat(
        childElements(childElement(container, 'rules'), 'rule'),
      );
      rules.forEach((rule, i) => {
        const where = `OPNsense/Firewall/${name}/rule[${i + 1}]`;
        if (i === 0) {
          warn(
            ctx,
            'MVC_NAT_UNCONFIRMED',
            'destination NAT read from the MVC model; its field names are UNCONFIRMED',
            where,
          );
        }
        if (!onWan(ctx, childTextOrNull(rule, 'interface'))) return;
        const protocols = protocolsFor(ctx, childTextOrNull(rule, 'protocol'), where);
        if (!protocols) return;
        const portText =
          childTextOrNull(rule, 'destination_port') ??
          childTextOrNull(childElement(rule, 'destination'), 'port');
        const src =
          childTextOrNull(rule, 'source_net') ?? childTextOrNull(childElement(rule, 'source'), 'network');
        const negated = isTrue(childTextOrNull(rule, 'source_not'));
        if (negated && src) warn(ctx, 'SOURCE_NEGATED', `source "not ${src}"; counted as any`, where);
        pushRule(ctx, {
          where,
          protocols,
          ...givenPorts(ctx, portText, where),
          target: resolveHost(ctx, childTextOrNull(rule, 'target'), where),
          localPort: childTextOrNull(rule, 'local_port') ?? childTextOrNull(rule, 'target_port'),
          remoteHost: negated || src === null || src === 'any' ? null : src,
          enabled: childText(rule, 'enabled') !== '0' && !flag(rule, 'disabled'),
          description: childTextOrNull(rule, 'description') ?? childTextOrNull(rule, 'descr'),
          raw: { mvc: name },
        });
      });
    }
  }
}

function upnpState(ctx: Ctx, root: XmlElement): void {
  const pkg =
    childElement(childElement(childElement(root, 'installedpackages'), 'miniupnpd'), 'config') ??
    childElement(childElement(root, 'OPNsense'), 'miniupnpd') ??
    childElement(childElement(root, 'OPNsense'), 'upnp');
  let enabled = false;
  if (pkg) {
    const general = childElement(pkg, 'general') ?? pkg;
    // Checkboxes are stored as "on"/"1"/"enabled", or as a bare element; unchecked ones are absent.
    const on = (v: string | null) => v === '' || isTrue(v);
    const main = childText(general, 'enable') ?? childText(general, 'enabled');
    const upnp = childText(general, 'enable_upnp');
    const natpmp = childText(general, 'enable_natpmp');
    enabled = on(main) && (upnp === null && natpmp === null ? true : on(upnp) || on(natpmp));
  }
  ctx.parts.upnp = { enabled, mappingCount: null, igdVersion: null };
  ctx.parts.coverage.push(
    cover(
      'upnp-state',
      'complete',
      'PF_MINIUPNPD_SETTINGS',
      pkg
        ? 'read from the miniupnpd (UPnP & NAT-PMP) settings'
        : 'no UPnP & NAT-PMP settings: the service is not configured',
    ),
    cover(
      'upnp-mappings',
      enabled ? 'not-visible' : 'complete',
      enabled ? 'PF_UPNP_RUNTIME_ONLY' : 'PF_UPNP_OFF',
      enabled
        ? 'active UPnP mappings are runtime only (pf anchor miniupnpd), not in config.xml: audit over UPnP too'
        : 'UPnP is off, so there are no UPnP mappings',
    ),
  );
}

/**
 * Whether a rule's `<destination>` includes the firewall itself (any, `(self)`, `wanip`, an interface's
 * net or address). A negated destination (`<not/>`) reaches it unless what it excludes is the
 * firewall's WAN side (`any`, `(self)`, a WAN interface's net or address).
 */
function reachesSelf(ctx: Ctx, dst: XmlElement | undefined): boolean {
  if (!dst) return false;
  const net = childTextOrNull(dst, 'network');
  const address = childTextOrNull(dst, 'address');
  if (flag(dst, 'not')) {
    if (has(dst, 'any')) return false;
    if (net !== null) {
      const wanSide = net === '(self)' || ctx.wanIfs.has(net) || ctx.wanIfs.has(net.replace(/ip$/i, ''));
      return !wanSide;
    }
    const wanAddresses = [...ctx.wanIfs].map((i) => ctx.ifaceAddress.get(`${i}ip`));
    return address !== null && !wanAddresses.includes(address);
  }
  if (has(dst, 'any')) return true;
  if (net !== null) return SELF_KEYWORD.test(net) || ctx.wanIfs.has(net) || ctx.ifaceAddress.has(`${net}ip`);
  return address !== null && [...ctx.ifaceAddress.values()].includes(address);
}

/**
 * WAN pass rules (legacy and MVC) that reach the firewall itself on a TCP port. A pass rule whose
 * ports cannot be resolved (unknown alias) may match: the answer is then unknown (null), not closed.
 */
function wanPassTo(ctx: Ctx, root: XmlElement, port: number): { wan: boolean | null; from: string | null } {
  let unsure = false;
  const legacy = childElements(childElement(root, 'filter'), 'rule');
  for (const rule of legacy) {
    if (flag(rule, 'disabled')) continue;
    const iface = childTextOrNull(rule, 'interface');
    if (iface === null || !onWan(ctx, iface)) continue;
    const proto = childTextOrNull(rule, 'protocol');
    if (proto !== null && !protocolsOf([proto]).includes('tcp')) continue;
    const dst = childElement(rule, 'destination');
    if (!reachesSelf(ctx, dst)) continue;
    const pass = (childText(rule, 'type') ?? 'pass') === 'pass';
    const portText = childTextOrNull(dst, 'port');
    const ports = portText === null ? [ALL_PORTS] : resolvePorts(ctx, portText, 'filter/rule');
    if (ports === null) {
      if (pass) unsure = true;
      continue;
    }
    if (!ports.some((r) => port >= r.start && port <= r.end)) continue;
    const from = sourceOf(ctx, childElement(rule, 'source'), 'filter/rule');
    // First match wins: a block of every source ends the search; a narrower block is passed over.
    if (!pass) {
      if (from === null && !flag(childElement(rule, 'source'), 'not')) break;
      continue;
    }
    return { wan: true, from };
  }
  const mvc = childElements(
    childElement(childElement(childElement(childElement(root, 'OPNsense'), 'Firewall'), 'Filter'), 'rules'),
    'rule',
  );
  for (const rule of mvc) {
    if (childText(rule, 'enabled') === '0' || (childText(rule, 'action') ?? 'pass') !== 'pass') continue;
    if (!onWan(ctx, childTextOrNull(rule, 'interface'))) continue;
    const dst = childTextOrNull(rule, 'destination_net') ?? 'any';
    if (!(dst === 'any' || dst === '(self)' || /ip$/.test(dst))) continue;
    const portText = childTextOrNull(rule, 'destination_port');
    const ports = portText === null ? [ALL_PORTS] : resolvePorts(ctx, portText, 'Filter/rule');
    if (ports === null) {
      unsure = true;
      continue;
    }
    if (!ports.some((r) => port >= r.start && port <= r.end)) continue;
    const src = childTextOrNull(rule, 'source_net');
    return { wan: true, from: src === null || src === 'any' ? null : src };
  }
  return { wan: unsure ? null : false, from: null };
}

/** A configured service port, or the default; one that is not 1-65535 is unknown (warned), not NaN. */
function servicePort(ctx: Ctx, text: string | null, fallback: number, where: string): number | null {
  if (text === null || text === '') return fallback;
  const port = parseServicePort(text);
  if (port !== null) return port;
  warn(ctx, 'SERVICE_PORT_INVALID', `port "${text}" is not a port 1-65535; counted as unknown`, where);
  return null;
}

function remoteAdmin(ctx: Ctx, root: XmlElement): void {
  const system = childElement(root, 'system');
  const services: RemoteAdminService[] = [];
  const webgui = childElement(system, 'webgui');
  const protocol = (childTextOrNull(webgui, 'protocol') ?? 'https').toLowerCase();
  const guiPort = servicePort(
    ctx,
    childTextOrNull(webgui, 'port'),
    protocol === 'http' ? 80 : 443,
    'system/webgui',
  );
  const gui = guiPort === null ? { wan: null, from: null } : wanPassTo(ctx, root, guiPort);
  services.push({ service: protocol, port: guiPort, wan: gui.wan, restrictedTo: gui.from });
  const ssh = childElement(system, 'ssh');
  const sshOn = isTrue(childText(ssh, 'enable')) || isTrue(childText(ssh, 'enabled'));
  if (sshOn) {
    const sshPort = servicePort(ctx, childTextOrNull(ssh, 'port'), 22, 'system/ssh');
    const s = sshPort === null ? { wan: null, from: null } : wanPassTo(ctx, root, sshPort);
    services.push({ service: 'ssh', port: sshPort, wan: s.wan, restrictedTo: s.from });
  }
  ctx.parts.remoteAdmin = remoteAdminOf(services);
  const unread = services.some((s) => s.wan === null);
  ctx.parts.coverage.push(
    unread
      ? cover(
          'remote-admin',
          'partial',
          'PF_WAN_RULES_UNREADABLE',
          'a service port or a WAN pass rule could not be read (see warnings): whether the web GUI or SSH is open from the Internet is unknown',
        )
      : cover(
          'remote-admin',
          'complete',
          'PF_WEBGUI_WAN_RULES',
          'web GUI and SSH settings checked against WAN pass rules (the WAN blocks by default)',
        ),
  );
}

/** Interface-address keywords of pfSense/OPNsense (`wanip`, `lanip`, `opt1ip`, `(self)`): the firewall itself. */
const SELF_KEYWORD = /^(\(self\)|[a-z][a-z0-9_]*ip)$/i;

/** Private, shared (CGNAT) or link-local IPv4: an address an ISP hands out behind another box. */
function isPrivateV4(ip: string): boolean {
  return isRfc1918(ip) || /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./.test(ip) || /^169\.254\./.test(ip);
}

interface IfaceInfo {
  wanIfs: Set<string>;
  lanPrefixes: string[];
  /** The firewall's own addresses and the interface-address keywords that name them. */
  routerAddresses: string[];
  /** Interface-address keyword (`lanip`) → the address, where the interface has a static one. */
  ifaceAddress: Map<string, string>;
}

/**
 * Which interfaces face the Internet, decided by their role: `wan`; an address the ISP hands out
 * (DHCP, PPPoE…); or a gateway that is the default one, a member of a gateway group (multi-WAN), or
 * reached over a public address. A LAN with a `<gateway>` towards an inside router is not a WAN.
 * Static addresses of every other interface, and `<staticroutes>` networks reached through them,
 * are the inside networks (lanPrefixes).
 */
function interfacesInfo(root: XmlElement, warnings: ConfigParts['warnings'], vendor: Vendor): IfaceInfo {
  const gateways = childElement(root, 'gateways');
  const gwIface = new Map<string, string>();
  const upstreamGw = new Set<string>();
  // pfSense and older OPNsense: <gateways><gateway_item>; OPNsense 22.7+: <OPNsense><Gateways><gateway_item>.
  const mvcGateways = childElement(childElement(root, 'OPNsense'), 'Gateways');
  for (const item of childElements(gateways, 'gateway_item').concat(
    childElements(mvcGateways, 'gateway_item'),
  )) {
    const name = childTextOrNull(item, 'name');
    const iface = childTextOrNull(item, 'interface');
    if (name && iface) gwIface.set(name, iface);
    if (name && flag(item, 'defaultgw')) upstreamGw.add(name);
  }
  for (const key of ['defaultgw4', 'defaultgw6']) {
    const name = childTextOrNull(gateways, key);
    if (name && name !== '-') upstreamGw.add(name);
  }
  for (const group of childElements(gateways, 'gateway_group')) {
    for (const item of childValues(group, 'item')) {
      const name = typeof item === 'string' ? item.split('|')[0]?.trim() : undefined;
      if (name) upstreamGw.add(name);
    }
  }
  const upstreamIfaces = new Set([...upstreamGw].map((g) => gwIface.get(g)).filter((i) => i !== undefined));

  const wanIfs = new Set<string>(['wan']);
  const inside: Array<{ name: string; net: string }> = [];
  const routerAddresses: string[] = ['(self)'];
  const ifaceAddress = new Map<string, string>();
  const ifaces = childElement(root, 'interfaces');
  for (const [name, values] of Object.entries(ifaces ?? {})) {
    const node = values[0];
    if (typeof node === 'string' || node === undefined) continue;
    const ip = childTextOrNull(node, 'ipaddr');
    const gw = childTextOrNull(node, 'gateway');
    const staticIp = ip !== null && ipv4Network(ip) !== null ? ip : null;
    routerAddresses.push(`${name}ip`);
    if (staticIp) {
      routerAddresses.push(staticIp);
      ifaceAddress.set(`${name}ip`, staticIp);
    }
    const dynamic = /^(dhcp|pppoe|pptp|l2tp|ppp)$/i.test(ip ?? '');
    const upstream =
      (gw !== null && upstreamGw.has(gw)) || (gw !== null && staticIp !== null && !isPrivateV4(staticIp));
    const isWan = name === 'wan' || dynamic || upstream || (name !== 'lan' && upstreamIfaces.has(name));
    if (isWan) {
      wanIfs.add(name);
      continue;
    }
    if (gw !== null) {
      warnings.push({
        code: `${vendor.toUpperCase()}_GATEWAY_NOT_WAN`,
        message: `interface "${name}" has gateway "${gw}", which is not a default or multi-WAN gateway and not reached over a public address; counted as an inside network`,
        where: `interfaces/${name}`,
      });
    }
    const net = staticIp ? ipv4Network(staticIp, childTextOrNull(node, 'subnet') ?? '24') : null;
    if (net) inside.push({ name, net });
  }
  // Virtual IPs (IP aliases, CARP) are the firewall's own addresses too.
  for (const vip of childElements(childElement(root, 'virtualip'), 'vip')) {
    const address = childTextOrNull(vip, 'subnet');
    if (address && ipv4Network(address) !== null) routerAddresses.push(address);
  }
  const lanPrefixes = inside.map((i) => i.net);
  childElements(childElement(root, 'staticroutes'), 'route').forEach((route) => {
    if (flag(route, 'disabled')) return;
    const network = childTextOrNull(route, 'network');
    const via = gwIface.get(childTextOrNull(route, 'gateway') ?? '');
    const net = network ? ipv4Network(network) : null;
    // A route through an inside interface, or to private addresses, leads to an inside network.
    if (net && ((via !== undefined && !wanIfs.has(via)) || isPrivateV4(net.split('/')[0]!))) {
      if (!lanPrefixes.includes(net)) lanPrefixes.push(net);
    }
  });
  return { wanIfs, lanPrefixes, routerAddresses, ifaceAddress };
}

/**
 * Parse a pfSense or OPNsense `config.xml`. Pure.
 * @throws BoxauditError BOXAUDIT_INPUT_INVALID on malformed XML, a DOCTYPE/ENTITY, or another root element.
 */
export function parsePfConfig(
  text: string,
  options: { adapter: Vendor; transport?: ConfigTransport },
): ConfigParts & { rootName: string } {
  const adapter = options.adapter;
  let doc: { name: string; root: XmlElement };
  try {
    doc = parseXml(text, { context: `[${adapter}] config.xml` });
  } catch (err) {
    if (isBoxauditError(err)) throw new BoxauditError('BOXAUDIT_INPUT_INVALID', err.message, { cause: err });
    throw err;
  }
  const rootName = doc.name.toLowerCase();
  if (rootName !== 'pfsense' && rootName !== 'opnsense') {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      `[${adapter}] config.xml: root element is <${doc.name}>, expected <pfsense> or <opnsense>`,
    );
  }
  const root = doc.root;
  const parts = emptyParts();
  const { wanIfs, lanPrefixes, routerAddresses, ifaceAddress } = interfacesInfo(
    root,
    parts.warnings,
    adapter,
  );
  const ctx: Ctx = {
    adapter,
    transport: options.transport ?? 'file',
    aliases: readAliases(root),
    wanIfs,
    ifaceAddress,
    parts,
    aliasPorts: new Map(),
    aliasWork: ALIAS_WORK_BUDGET,
  };
  const nat = childElement(root, 'nat');
  legacyNatRules(ctx, nat);
  oneToOne(ctx, childElements(nat, 'onetoone'), false, 'nat/onetoone');
  const firewall = childElement(childElement(root, 'OPNsense'), 'Firewall');
  oneToOne(
    ctx,
    childElements(childElement(childElement(firewall, 'Filter'), 'onetoone'), 'rule'),
    true,
    'OPNsense/Firewall/Filter/onetoone/rule',
  );
  mvcDnat(ctx, firewall);
  const npt =
    childElements(nat, 'npt').length +
    childElements(childElement(childElement(firewall, 'Filter'), 'npt'), 'rule').length;
  if (npt > 0) {
    warn(
      ctx,
      'NPT_NOT_AUDITED',
      `${npt} IPv6 network prefix translation rule(s) (NPT): what they expose over IPv6 is not audited`,
      'nat/npt',
    );
  }
  parts.dmz ??= { enabled: false, host: null };
  upnpState(ctx, root);
  remoteAdmin(ctx, root);
  // A port forward to the firewall's own address exposes the firewall itself.
  markForwardsToRouter(parts, routerAddresses);
  parts.lanPrefixes = lanPrefixes.length > 0 ? lanPrefixes : null;
  parts.gateway = {
    model: rootName === 'pfsense' ? 'pfSense' : 'OPNsense',
    friendlyName: childTextOrNull(childElement(root, 'system'), 'hostname'),
  };
  parts.coverage.push(
    cover('static-forwards', 'complete', 'PF_CONFIG_NAT', 'every port forward of config.xml was read'),
    cover('dmz', 'complete', 'PF_CONFIG_ONETOONE', '1:1 NAT and all-ports forwards count as a DMZ'),
    cover(
      'ipv6-pinholes',
      'not-visible',
      'PF_IPV6_RULES_NOT_AUDITED',
      'WAN pass rules to LAN hosts over IPv6 are not audited',
    ),
  );
  if (rootName !== adapter) {
    parts.warnings.push({
      code: 'PF_ROOT_MISMATCH',
      message: `the file is a ${rootName} config.xml, read with the ${adapter} adapter`,
    });
  }
  return { ...parts, rootName };
}

/** Parse a pfSense `config.xml` (port forwards, 1:1 NAT, aliases, UPnP, web GUI exposure). Pure. */
export function parsePfsense(text: string, options: ParseOptions = {}): ConfigParts {
  const { rootName: _root, ...parts } = parsePfConfig(text, { adapter: 'pfsense', ...options });
  return parts;
}

/** Parse an OPNsense `config.xml`. Pure. */
export function parseOpnsense(text: string, options: ParseOptions = {}): ConfigParts {
  const { rootName: _root, ...parts } = parsePfConfig(text, { adapter: 'opnsense', ...options });
  return parts;
}
