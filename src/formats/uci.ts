/**
 * OpenWrt's UCI configuration (the `openwrt` and `openwrt-ubus` adapters' format): `uci show …`
 * output, `/etc/config/*` files and the miniupnpd lease file (any concatenation of them) → parts.
 * Reads redirects (port forwards, DMZ), IPv6 accept rules (pinholes), UPnP state and leases, and
 * remote admin exposure (uhttpd/dropbear + wan zone policy + wan input rules). Pure.
 */
import { BoxauditError } from '../errors.js';
import type { ForwardInput } from '../model/forward.js';
import { parsePortRange } from '../model/forward.js';
import { remoteAdminOf } from '../model/remote-admin.js';
import type {
  CoverageItem,
  DmzState,
  PortRange,
  Protocol,
  RemoteAdminService,
  Warning,
} from '../model/types.js';
import {
  ALL_PORTS,
  type ConfigParts,
  cover,
  emptyParts,
  ipv4Network,
  markForwardsToRouter,
  type ParseOptions,
  protocolsOf,
  protocolsOrBoth,
  splitWords,
} from './config-parts.js';

/** One UCI section: options hold lists (an `option` is a one-element list). */
export interface UciSection {
  package: string | null;
  type: string;
  name: string;
  options: Record<string, string[]>;
  /** The line (1-based) the section starts on (its `config` or first `uci show` line). */
  line?: number;
}

/** A miniupnpd lease line. */
export interface UpnpLease {
  protocol: string;
  externalPort: number;
  internalHost: string;
  internalPort: number;
  /** Expiry as a Unix time; 0 = permanent; null when the line has none (old format). */
  expires: number | null;
  description: string;
}

/** Section types of the firewall package: read ones, and ones known to add no WAN exposure. */
const FIREWALL_TYPES = [
  'defaults',
  'zone',
  'forwarding',
  'rule',
  'redirect',
  'include',
  'ipset',
  'helper',
  'nat',
  // Technicolor (Homeware) gateways
  'userredirect',
  'dmzredirect',
  'pinholerule',
  'redirectsgroup',
  'rulesgroup',
  'fwconfig',
  'cone',
  'normalrule',
  'laxrule',
  'highrule',
  'userrule',
  'userrule_v6',
  'defaultrule',
] as const;

const SECTION_PACKAGE: Record<string, string> = {
  ...Object.fromEntries(FIREWALL_TYPES.map((t) => [t, 'firewall'])),
  upnpd: 'upnpd',
  perm_rule: 'upnpd',
  uhttpd: 'uhttpd',
  cert: 'uhttpd',
  dropbear: 'dropbear',
  interface: 'network',
  device: 'network',
  globals: 'network',
};

const LEASE_RE = /^(TCP|UDP):(\d{1,5}):(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5}):(.*)$/i;

/** Parse UCI text (`uci show` lines and/or `/etc/config` files) and lease lines. Pure. */
export function parseUci(text: string): {
  sections: UciSection[];
  leases: UpnpLease[];
  unknownLines: number[];
} {
  const sections: UciSection[] = [];
  const byKey = new Map<string, UciSection>();
  const leases: UpnpLease[] = [];
  const unknownLines: number[] = [];
  let current: UciSection | null = null;
  // /etc/config files name no package: a section type this parser does not know belongs to the file
  // of the section before it (or to the last `package` line).
  let lastPackage: string | null = null;
  // Anonymous sections are numbered per type, as `uci show` names them (@redirect[0], @rule[3]…).
  const anon = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    // uci show: pkg.section=type | pkg.section.option='v' 'w'
    const show =
      /^([A-Za-z0-9_-]+)\.(@[A-Za-z0-9_-]+\[-?\d+\]|[A-Za-z0-9_]+)(?:\.([A-Za-z0-9_]+))?=(.*)$/.exec(line);
    if (show) {
      const [, pkg, sec, opt, value] = show;
      const key = `${pkg}.${sec}`;
      if (opt === undefined) {
        const type = splitWords(value ?? '')[0] ?? '';
        const s: UciSection = { package: pkg!, type, name: sec!, options: {}, line: i + 1 };
        byKey.set(key, s);
        sections.push(s);
      } else {
        let s = byKey.get(key);
        if (!s) {
          // An option line before its section line (`uci show pkg.section.option`): type from the @name.
          const type = /^@([A-Za-z0-9_-]+)\[/.exec(sec!)?.[1] ?? '';
          s = { package: pkg!, type, name: sec!, options: {}, line: i + 1 };
          byKey.set(key, s);
          sections.push(s);
        }
        s.options[opt] = splitWords(value ?? '');
      }
      current = null;
      return;
    }
    const words = splitWords(line);
    const [kw, a, b] = words;
    if (kw === 'config' && a) {
      const index = anon.get(a) ?? 0;
      anon.set(a, index + 1);
      const name = b ?? `@${a}[${index}]`;
      const pkg = SECTION_PACKAGE[a] ?? lastPackage;
      lastPackage = pkg;
      current = { package: pkg, type: a, name, options: {}, line: i + 1 };
      sections.push(current);
      return;
    }
    if ((kw === 'option' || kw === 'list') && a && current) {
      const value = b ?? '';
      if (kw === 'option') current.options[a] = [value];
      else current.options[a] = [...(current.options[a] ?? []), value];
      return;
    }
    const lease = LEASE_RE.exec(line);
    if (lease) {
      const [, proto, ext, host, int, rest] = lease;
      const tm = /^(\d+):(.*)$/.exec(rest ?? '');
      leases.push({
        protocol: proto!.toLowerCase(),
        externalPort: Number(ext),
        internalHost: host!,
        internalPort: Number(int),
        expires: tm ? Number(tm[1]) : null,
        description: tm ? tm[2]! : (rest ?? ''),
      });
      return;
    }
    if (kw === 'package') {
      lastPackage = a ?? null;
      return;
    }
    unknownLines.push(i + 1);
  });
  return { sections, leases, unknownLines };
}

const opt = (s: UciSection, name: string): string | null => s.options[name]?.[0] ?? null;
const isOff = (v: string | null) => v !== null && /^(0|false|no|off|disabled)$/i.test(v.trim());
const isOn = (v: string | null) => v !== null && /^(1|true|yes|on|enabled)$/i.test(v.trim());
/** Every word of a (list) option: `'80 443'`, `list dest_port '80'`… */
const words = (s: UciSection, name: string): string[] =>
  (s.options[name] ?? []).flatMap((v) => v.split(/[\s,]+/)).filter((v) => v !== '');

export interface OpenwrtParseOptions extends ParseOptions {
  /** Reference time for lease expiry (default: now). */
  now?: Date;
  /** Packages known to be absent (SSH: `uci show upnpd` said "Entry not found"). */
  absentPackages?: string[];
  /** Whether a lease file was read (SSH); offline, leases are "seen" when lines are present. */
  leaseFileRead?: boolean;
}

/** Redirect-like sections: OpenWrt `redirect`, Technicolor `userredirect` (GUI) and `dmzredirect`. */
const REDIRECT_TYPES = new Set(['redirect', 'userredirect', 'dmzredirect']);
/** Traffic-rule-like sections: OpenWrt `rule`, Technicolor `pinholerule` (GUI IPv6) and level rules. */
export const OPENWRT_RULE_TYPES: ReadonlySet<string> = new Set([
  'rule',
  'pinholerule',
  'normalrule',
  'laxrule',
  'highrule',
  'userrule',
  'userrule_v6',
  'defaultrule',
]);
/** Protocols that are known and are neither TCP nor UDP: no port can be exposed through them. */
const OTHER_PROTOCOLS =
  /^(icmp|icmpv6|icmp6|ipv6-icmp|esp|ah|gre|igmp|pim|sctp|ospf|ipip|ipencap|ipv6|vrrp|l2tp|udplite|mh|dccp)$/;

/** What the firewall sections say, shared by the SSH/file parser and the ubus adapter. */
export interface OpenwrtFirewallReading {
  forwards: ForwardInput[];
  dmz: DmzState;
  warnings: Warning[];
  coverage: CoverageItem[];
  /** Zones that face the Internet, as the configuration states them. */
  wanZones: Set<string>;
  /** Forwards to the router itself whose address the input does not give: remote administration. */
  routerServices: RemoteAdminService[];
}

export interface FirewallReadOptions {
  adapter: string;
  transport: string;
  /** The router's own addresses (network interfaces), when the input has them. */
  routerAddresses?: readonly string[];
}

/**
 * Zones facing the Internet, from the configuration: Technicolor's `option wan` flag when set,
 * else a zone named `wan`, masquerading (`masq 1`) or covering a `wan*` network.
 */
export function openwrtWanZones(sections: UciSection[]): Set<string> {
  const out = new Set<string>();
  for (const z of sections.filter((s) => s.type === 'zone')) {
    const name = opt(z, 'name') ?? z.name;
    const flag = opt(z, 'wan');
    if (flag !== null) {
      if (isOn(flag)) out.add(name);
      continue;
    }
    if (name === 'wan' || isOn(opt(z, 'masq')) || words(z, 'network').some((n) => /^wan/.test(n)))
      out.add(name);
  }
  if (!sections.some((s) => s.type === 'zone')) out.add('wan');
  return out;
}

/** Technicolor groups (`config redirectsgroup 'userredirects'` + `option type 'userredirect'`) switch a whole section type. */
export function openwrtGroupSwitches(sections: UciSection[]): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const g of sections.filter((s) => s.type === 'redirectsgroup' || s.type === 'rulesgroup')) {
    const type = opt(g, 'type');
    if (type !== null) out.set(type, !isOff(opt(g, 'enabled')));
  }
  return out;
}

/** Protocols of a section, failing closed; `other` lists the known non-TCP/UDP ones (icmp, esp…). */
function protocolsOfSection(
  s: UciSection,
  where: string,
  warnings: Warning[],
): { protocols: Protocol[]; other: string[] } {
  const values = words(s, 'proto');
  const out = new Set<Protocol>();
  const other: string[] = [];
  for (const raw of values.length > 0 ? values : ['tcp', 'udp']) {
    const v = raw.toLowerCase();
    const negated = v.startsWith('!');
    const t = negated ? v.slice(1) : v;
    const known: Protocol[] | 'other' | null =
      t === 'tcp' || t === '6'
        ? ['tcp']
        : t === 'udp' || t === '17'
          ? ['udp']
          : t === 'tcpudp' || t === 'all' || t === 'any' || t === '*'
            ? ['tcp', 'udp']
            : OTHER_PROTOCOLS.test(t) || (/^\d{1,3}$/.test(t) && Number(t) <= 255)
              ? 'other'
              : null;
    if (known === null) {
      for (const p of protocolsOrBoth(raw, where, warnings)) out.add(p);
    } else if (negated) {
      // "every protocol but X" (Technicolor's DMZ says `!icmp`)
      if (known === 'other' || known.length === 2) {
        if (known === 'other') out.add('tcp').add('udp');
      } else out.add(known[0] === 'tcp' ? 'udp' : 'tcp');
    } else if (known === 'other') other.push(raw);
    else for (const p of known) out.add(p);
  }
  return { protocols: [...out].sort(), other };
}

/**
 * Port option (`src_dport`, `dest_port`): `null` when absent, `'invalid'` when any word is not a port
 * or range (`a-b`, `a:b`), else the ranges.
 */
function portsOf(s: UciSection, name: string): PortRange[] | 'invalid' | null {
  const list = words(s, name);
  if (list.length === 0) return null;
  const ranges = list.map((p) => parsePortRange(p));
  return ranges.every((r): r is PortRange => r !== null) ? ranges : 'invalid';
}

/** The allowed source of a section; an exclusion or an ipset counts as "any source", with a warning. */
function sourceOf(s: UciSection, where: string, warnings: Warning[]): string | null {
  const ips = words(s, 'src_ip');
  const ipset = opt(s, 'ipset');
  if (ipset !== null) {
    warnings.push({
      code: 'OPENWRT_SOURCE_IPSET',
      message: `restricted by ipset "${ipset}", whose members the configuration does not list; counted as open to any source`,
      where,
    });
    return null;
  }
  if (ips.length === 0) return null;
  if (ips.some((ip) => ip.startsWith('!'))) {
    warnings.push({
      code: 'OPENWRT_SOURCE_NEGATED',
      message: `source ${ips.join(' ')} is an exclusion; counted as open to any other source`,
      where,
    });
    return null;
  }
  return ips.join(',');
}

const isIpv4Family = (f: string | null) => f !== null && /^(ipv4|inet4?|4)$/i.test(f.trim());

/**
 * Read the firewall sections of an OpenWrt (fw3/fw4) or Technicolor Homeware configuration:
 * port forwards and DMZ (`redirect`, `userredirect`, `dmzredirect`), IPv6 pinholes (wan→lan ACCEPT
 * rules, `pinholerule`), and what the input cannot show (`include` scripts, unknown sections). Pure.
 */
export function readOpenwrtFirewall(
  sections: UciSection[],
  options: FirewallReadOptions,
): OpenwrtFirewallReading {
  const fw = sections.filter((s) => s.package === 'firewall' || SECTION_PACKAGE[s.type] === 'firewall');
  const wan = openwrtWanZones(fw);
  const groups = openwrtGroupSwitches(fw);
  const warnings: Warning[] = [];
  const forwards: ForwardInput[] = [];
  const routerServices: RemoteAdminService[] = [];
  const routerLan = options.routerAddresses?.[0] ?? null;
  const dmzStates: DmzState[] = [];
  const otherProtocols: string[] = [];
  const zones = new Map(fw.filter((s) => s.type === 'zone').map((z) => [opt(z, 'name') ?? z.name, z]));
  const defaults = fw.find((s) => s.type === 'defaults');
  const ipv6Off = defaults !== undefined && isOn(opt(defaults, 'disable_ipv6'));
  const isWan = (zone: string | null) => zone === '*' || (zone !== null && wan.has(zone));
  const enabledOf = (s: UciSection) => !isOff(opt(s, 'enabled')) && groups.get(s.type) !== false;
  const provenance = (s: UciSection, where: string) => ({
    adapter: options.adapter,
    transport: options.transport,
    raw: { section: where, type: s.type, ...s.options },
    // Where the section starts in the text (SARIF points at it for an exported file).
    ...(s.line !== undefined ? { line: s.line } : {}),
  });

  for (const s of fw) {
    const where = `firewall.${s.name}`;
    if (REDIRECT_TYPES.has(s.type)) {
      const target = (opt(s, 'target') ?? 'DNAT').toUpperCase();
      if (target !== 'DNAT') {
        if (target !== 'SNAT' && target !== 'MASQUERADE' && target !== 'NOTRACK')
          warnings.push({
            code: 'OPENWRT_REDIRECT_TARGET',
            message: `redirect target "${target}" is not DNAT; not listed`,
            where,
          });
        continue;
      }
      const src = opt(s, 'src');
      if (src === null) {
        // fw3 and fw4 skip a DNAT redirect without a source zone ("has no source specified"); listed
        // with an unknown state rather than dropped, in case a firmware reads it otherwise.
        warnings.push({
          code: 'OPENWRT_REDIRECT_NO_SRC',
          message:
            'DNAT redirect without a source zone: fw3/fw4 do not apply it; listed with an unknown state',
          where,
        });
      } else if (!isWan(src)) {
        warnings.push({
          code: 'OPENWRT_REDIRECT_NOT_WAN',
          message: `redirect from zone "${src}" is not a WAN exposure; not listed`,
          where,
        });
        continue;
      }
      const { protocols, other } = protocolsOfSection(s, where, warnings);
      if (protocols.length === 0) {
        // ICMP rules (in every stock config) expose no service: not worth a warning.
        if (!other.every((o) => /^(icmp|icmpv6|icmp6|ipv6-icmp|1|58)$/i.test(o)))
          otherProtocols.push(`${where} (${other.join(' ')})`);
        continue;
      }
      const enabled = src === null ? (enabledOf(s) ? null : false) : enabledOf(s);
      let host = opt(s, 'dest_ip');
      if (host !== null && /^(0\.0\.0\.0|::)$/.test(host.trim())) {
        warnings.push({
          code: 'OPENWRT_DEST_UNKNOWN',
          message: `dest_ip ${host} is set from ${opt(s, 'dest_mac') !== null ? 'a MAC address' : 'elsewhere'} when the rule is applied; the LAN host is unknown`,
          where,
        });
        host = null;
      } else if (host?.startsWith('!')) {
        warnings.push({ code: 'OPENWRT_DEST_INVALID', message: `dest_ip "${host}" is not one host`, where });
        host = null;
      }
      const srcDport = portsOf(s, 'src_dport');
      const destPort = portsOf(s, 'dest_port');
      const remoteHost = sourceOf(s, where, warnings);
      const description = opt(s, 'name') ?? opt(s, '_name');

      // The DMZ: Technicolor's dmzredirect, or a DNAT redirect of every port.
      if (s.type === 'dmzredirect' || (srcDport === null && destPort === null)) {
        if (host === null && s.type !== 'dmzredirect' && opt(s, 'dest_ip') === null) {
          warnings.push({
            code: 'OPENWRT_REDIRECT_INCOMPLETE',
            message: 'DNAT redirect with neither dest_ip nor a port: the firewall does not apply it',
            where,
          });
          continue;
        }
        dmzStates.push({ enabled, host });
        if (enabled && host === null)
          warnings.push({
            code: 'OPENWRT_DMZ_HOST_UNKNOWN',
            message: 'the DMZ is on but its host is not in the configuration',
            where,
          });
        if (host === null) continue;
        for (const protocol of protocols)
          forwards.push({
            source: 'dmz',
            protocol,
            externalPort: ALL_PORTS,
            internalHost: host,
            internalPort: ALL_PORTS,
            remoteHost,
            enabled,
            description,
            leaseSeconds: 0,
            provenance: provenance(s, where),
          });
        continue;
      }

      if (srcDport === 'invalid')
        warnings.push({
          code: 'OPENWRT_PORT_INVALID',
          message: `src_dport "${words(s, 'src_dport').join(' ')}" not understood; port unknown`,
          where,
        });
      if (destPort === 'invalid')
        warnings.push({
          code: 'OPENWRT_PORT_INVALID',
          message: `dest_port "${words(s, 'dest_port').join(' ')}" not understood; port unknown`,
          where,
        });
      if (srcDport === null)
        warnings.push({
          code: 'OPENWRT_EXTERNAL_PORT_UNSTATED',
          message: 'redirect with dest_port but no src_dport: the public port is not stated; unknown',
          where,
        });
      const externals: (PortRange | null)[] = Array.isArray(srcDport) ? srcDport : [null];
      const internals = externals.map((ext, i) =>
        destPort === 'invalid'
          ? null
          : destPort === null
            ? ext
            : ((destPort.length === externals.length
                ? destPort[i]
                : destPort.length === 1
                  ? destPort[0]
                  : null) ?? null),
      );

      let internalHost = host;
      const toRouter = opt(s, 'dest_ip') === null;
      if (toRouter) {
        internalHost = routerLan;
        warnings.push({
          code: 'OPENWRT_REDIRECT_TO_ROUTER',
          message: `redirect without dest_ip reaches the router itself${routerLan === null ? " (the router's address is not in the input)" : ` (${routerLan})`}: remote administration`,
          where,
        });
      }
      externals.forEach((externalPort, i) => {
        const internalPort = internals[i] ?? null;
        if (toRouter && routerLan === null && enabled !== false)
          routerServices.push({
            service: 'port-forward',
            port: (internalPort ?? externalPort)?.start ?? null,
            wan: enabled === null ? null : true,
            restrictedTo: remoteHost,
          });
        for (const protocol of protocols)
          forwards.push({
            source: 'static',
            protocol,
            externalPort,
            internalHost,
            internalPort,
            remoteHost,
            enabled,
            description,
            leaseSeconds: 0,
            provenance: provenance(s, where),
          });
      });
      continue;
    }

    if (OPENWRT_RULE_TYPES.has(s.type)) {
      // An IPv6 pinhole: from a WAN zone into a LAN zone, accepted, not IPv4-only.
      const src = opt(s, 'src');
      const dest = opt(s, 'dest');
      if (!isWan(src) || dest === null || (dest !== '*' && wan.has(dest))) continue;
      if ((opt(s, 'target') ?? '').toUpperCase() !== 'ACCEPT') continue;
      const family = opt(s, 'family');
      if (ipv6Off || isIpv4Family(family)) continue;
      if (
        [src, dest].some(
          (z) => z !== null && isIpv4Family(zones.get(z) ? opt(zones.get(z)!, 'family') : null),
        )
      )
        continue;
      const destIps = words(s, 'dest_ip');
      // An IPv4 destination without DNAT exposes nothing through the NAT.
      if (destIps.length > 0 && destIps.every((ip) => !ip.includes(':'))) continue;
      const { protocols, other } = protocolsOfSection(s, `firewall.${s.name}`, warnings);
      if (protocols.length === 0) {
        // ICMP rules (in every stock config) expose no service: not worth a warning.
        if (!other.every((o) => /^(icmp|icmpv6|icmp6|ipv6-icmp|1|58)$/i.test(o)))
          otherProtocols.push(`${where} (${other.join(' ')})`);
        continue;
      }
      let internalHost: string;
      const v6 = destIps.filter((ip) => ip.includes(':') && !ip.startsWith('!'));
      if (v6.length > 0 && v6.length === destIps.length) internalHost = v6.join(',');
      else {
        internalHost = '::/0';
        warnings.push({
          code: 'OPENWRT_PINHOLE_ALL_HOSTS',
          message: `IPv6 pinhole from the Internet to every host of zone "${dest}"${destIps.length > 0 ? ` but ${destIps.join(' ')}` : ' (no dest_ip)'}`,
          where,
        });
      }
      const ports = portsOf(s, 'dest_port');
      if (ports === 'invalid')
        warnings.push({
          code: 'OPENWRT_PORT_INVALID',
          message: `dest_port "${words(s, 'dest_port').join(' ')}" not understood; port unknown`,
          where,
        });
      const ranges: (PortRange | null)[] =
        ports === null ? [ALL_PORTS] : ports === 'invalid' ? [null] : ports;
      const remoteHost = sourceOf(s, where, warnings);
      for (const protocol of protocols)
        for (const r of ranges)
          forwards.push({
            source: 'pinhole6',
            protocol,
            externalPort: r,
            internalHost,
            internalPort: r,
            remoteHost,
            enabled: enabledOf(s),
            description: opt(s, 'name') ?? opt(s, '_name'),
            leaseSeconds: 0,
            provenance: provenance(s, where),
          });
    }
  }
  if (otherProtocols.length > 0)
    warnings.push({
      code: 'OPENWRT_PROTOCOL_OTHER',
      message: `${otherProtocols.length} WAN section(s) for protocols that are neither TCP nor UDP (no port exposed): ${otherProtocols.slice(0, 5).join(', ')}${otherProtocols.length > 5 ? ', …' : ''}`,
      where: 'firewall',
    });

  // DMZ: an enabled one wins; several enabled ones are reported.
  const on = dmzStates.filter((d) => d.enabled);
  if (on.length > 1)
    warnings.push({
      code: 'OPENWRT_SEVERAL_DMZ',
      message: `${on.length} DMZ redirects are on`,
      where: 'firewall',
    });
  // Off: keep the host the (disabled) DMZ section names, if any.
  const dmz: DmzState = on[0] ?? {
    enabled: false,
    host: dmzStates.find((d) => d.host !== null)?.host ?? null,
  };

  // What the sections cannot show.
  const includes = fw
    .filter((s) => s.type === 'include' && !isOff(opt(s, 'enabled')))
    .map((s) => opt(s, 'path') ?? s.name)
    .filter((path) => !/miniupnpd/.test(path)); // miniupnpd's own chains: UPnP mappings, read from the leases
  const unknown = fw
    .filter((s) => !(FIREWALL_TYPES as readonly string[]).includes(s.type))
    .map((s) => s.type);
  const coverage: CoverageItem[] = [];
  const gaps: CoverageItem[] = [];
  if (includes.length > 0)
    gaps.push(
      cover(
        'static-forwards',
        'partial',
        'OPENWRT_INCLUDE_SCRIPTS',
        `${includes.length} firewall include script(s) (${includes.slice(0, 3).join(', ')}${includes.length > 3 ? ', …' : ''}) may add NAT rules that a configuration file does not show`,
        { includes: includes.length },
      ),
    );
  if (unknown.length > 0)
    gaps.push(
      cover(
        'static-forwards',
        'partial',
        'OPENWRT_SECTION_UNKNOWN',
        `${unknown.length} firewall section(s) of a type boxaudit does not know (${[...new Set(unknown)].slice(0, 3).join(', ')})`,
        { sections: unknown.length },
      ),
    );
  if (zones.size === 0)
    gaps.push(
      cover(
        'static-forwards',
        'partial',
        'OPENWRT_ZONES_MISSING',
        'no firewall zone in the input: the zone named "wan" is taken as the Internet side',
      ),
    );
  if (gaps.length === 0) {
    coverage.push(
      cover(
        'static-forwards',
        'complete',
        'OPENWRT_UCI_REDIRECTS',
        'every firewall redirect section was read',
      ),
      cover(
        'dmz',
        'complete',
        'OPENWRT_UCI_REDIRECTS',
        'a DNAT redirect of every port (or dmzredirect) is the DMZ',
      ),
      cover(
        'ipv6-pinholes',
        'complete',
        'OPENWRT_UCI_RULES',
        'wan→lan ACCEPT rules (family ipv6 or any) read as IPv6 pinholes',
      ),
    );
  } else {
    for (const g of gaps) coverage.push(g, { ...g, area: 'dmz' }, { ...g, area: 'ipv6-pinholes' });
  }
  return { forwards, dmz, warnings, coverage, wanZones: wan, routerServices };
}

function leaseForwards(leases: UpnpLease[], parts: ConfigParts, transport: string, now: Date): void {
  const nowSec = Math.floor(now.getTime() / 1000);
  for (const l of leases) {
    const protocols = protocolsOf([l.protocol]);
    for (const protocol of protocols) {
      const forward: ForwardInput = {
        source: 'upnp',
        protocol,
        externalPort: { start: l.externalPort, end: l.externalPort },
        internalHost: l.internalHost,
        internalPort: { start: l.internalPort, end: l.internalPort },
        remoteHost: null,
        enabled: true,
        description: l.description === '' ? null : l.description,
        leaseSeconds: l.expires === null ? null : l.expires === 0 ? 0 : Math.max(0, l.expires - nowSec),
        provenance: { adapter: 'openwrt', transport, raw: l },
      };
      parts.forwards.push(forward);
    }
  }
}

/** Input rules from a WAN zone accepting a TCP port: port → allowed source (`*` = any). */
function wanInputPorts(
  sections: UciSection[],
  wan: Set<string>,
): { any: string | null; ports: Map<number, string> } | null {
  const ports = new Map<number, string>();
  const groups = openwrtGroupSwitches(sections);
  let anyPort: string | null = null;
  for (const s of sections) {
    if (!OPENWRT_RULE_TYPES.has(s.type) || isOff(opt(s, 'enabled')) || groups.get(s.type) === false) continue;
    const src = opt(s, 'src');
    if (!src || !(src === '*' || wan.has(src)) || opt(s, 'dest') !== null) continue;
    if ((opt(s, 'target') ?? '').toUpperCase() !== 'ACCEPT') continue;
    if (!protocolsOfSection(s, '', []).protocols.includes('tcp')) continue;
    const from = words(s, 'src_ip').join(',') || '*';
    const list = words(s, 'dest_port');
    if (list.length === 0) anyPort = from;
    for (const p of list) {
      const r = parsePortRange(p);
      if (!r) continue;
      for (let port = r.start; port <= r.end && port - r.start < 65536; port++) ports.set(port, from);
    }
  }
  return { any: anyPort, ports };
}

function listenPorts(values: string[] | undefined): { port: number; wide: boolean }[] {
  const out: { port: number; wide: boolean }[] = [];
  for (const v of (values ?? []).flatMap((x) => x.split(/\s+/))) {
    const m = /^(?:\[?([^\]]*)\]?:)?(\d{1,5})$/.exec(v);
    if (!m) continue;
    const host = m[1] ?? '';
    out.push({ port: Number(m[2]), wide: host === '' || host === '0.0.0.0' || host === '::' });
  }
  return out;
}

function remoteAdmin(sections: UciSection[], parts: ConfigParts, wan: Set<string>, includes: boolean): void {
  const firewallSeen = sections.some((s) => s.package === 'firewall' || s.type === 'zone');
  const uhttpd = sections.filter((s) => s.type === 'uhttpd');
  const dropbear = sections.filter((s) => s.type === 'dropbear');
  if (!firewallSeen && uhttpd.length === 0 && dropbear.length === 0) return;
  // Every WAN zone counts (Technicolor has wan, wwan and mgmt): one that accepts input exposes the router.
  const inputs = sections
    .filter((s) => s.type === 'zone' && wan.has(opt(s, 'name') ?? s.name))
    .map((z) => (opt(z, 'input') ?? 'ACCEPT').toUpperCase());
  const zoneInput =
    inputs.length === 0
      ? null
      : inputs.includes('ACCEPT')
        ? 'ACCEPT'
        : inputs.every((i) => i === 'REJECT' || i === 'DROP')
          ? 'REJECT'
          : null;
  const rules = firewallSeen ? wanInputPorts(sections, wan) : null;

  const exposure = (
    port: number,
    boundToLanOnly: boolean,
  ): { wan: boolean | null; restrictedTo: string | null } => {
    if (boundToLanOnly) return { wan: false, restrictedTo: null };
    if (zoneInput === 'ACCEPT') return { wan: true, restrictedTo: null };
    const from = rules?.ports.get(port) ?? rules?.any ?? null;
    if (from !== null) return { wan: true, restrictedTo: from === '*' ? null : from };
    if (zoneInput === 'REJECT' || zoneInput === 'DROP') return { wan: false, restrictedTo: null };
    return { wan: null, restrictedTo: null };
  };

  const services: RemoteAdminService[] = [];
  const candidates: { service: string; port: number; lanOnly: boolean }[] = [];
  for (const u of uhttpd) {
    for (const l of listenPorts(u.options.listen_http))
      candidates.push({ service: 'http', port: l.port, lanOnly: !l.wide });
    for (const l of listenPorts(u.options.listen_https))
      candidates.push({ service: 'https', port: l.port, lanOnly: !l.wide });
  }
  for (const d of dropbear) {
    if (isOff(opt(d, 'enable'))) continue;
    const iface = opt(d, 'Interface');
    candidates.push({
      service: 'ssh',
      port: Number(opt(d, 'Port') ?? 22),
      lanOnly: iface !== null && !wan.has(iface) && !/^wan/.test(iface),
    });
  }
  if (uhttpd.length === 0 && dropbear.length === 0) {
    // Only the firewall was seen: check the usual ports.
    candidates.push(
      { service: 'ssh', port: 22, lanOnly: false },
      { service: 'http', port: 80, lanOnly: false },
    );
    candidates.push({ service: 'https', port: 443, lanOnly: false });
  }
  const seen = new Set<string>();
  for (const c of candidates) {
    const key = `${c.service}:${c.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const e = firewallSeen
      ? exposure(c.port, c.lanOnly)
      : { wan: c.lanOnly ? false : null, restrictedTo: null };
    services.push({ service: c.service, port: c.port, wan: e.wan, restrictedTo: e.restrictedTo });
  }
  parts.remoteAdmin = remoteAdminOf(services);
  parts.coverage.push(
    includes
      ? cover(
          'remote-admin',
          'partial',
          'OPENWRT_INCLUDE_SCRIPTS',
          'uhttpd/dropbear listeners checked against the wan zone input policy and wan input rules; firewall include scripts may open more',
        )
      : cover(
          'remote-admin',
          firewallSeen && (uhttpd.length > 0 || dropbear.length > 0) ? 'complete' : 'partial',
          'OPENWRT_REMOTE_ADMIN',
          'uhttpd/dropbear listeners checked against the wan zone input policy and wan input rules',
          { firewall: firewallSeen, uhttpd: uhttpd.length > 0, dropbear: dropbear.length > 0 },
        ),
  );
}

/**
 * UPnP on/off from upnpd: `enabled` is the service switch (luci-app-upnp ≥ 19.07); `enable_upnp` and
 * `enable_natpmp` choose the protocols. On when the service runs with either protocol; null when unsaid.
 */
export function upnpdEnabled(
  service: string | null,
  upnp: string | null,
  natpmp: string | null,
): boolean | null {
  if (isOff(service)) return false;
  // miniupnpd's init script defaults both protocols to on.
  const protocolOn = !isOff(upnp ?? '1') || !isOff(natpmp ?? '1');
  if (isOn(service)) return protocolOn;
  if (isOn(upnp) || isOn(natpmp)) return true;
  if (isOff(upnp) && isOff(natpmp)) return false;
  return null;
}

/** The router's own IPv4 addresses from `network` interface sections (`ipaddr`, with or without a prefix). */
export function openwrtRouterAddresses(sections: UciSection[]): string[] {
  const out: string[] = [];
  const lanFirst = [...sections.filter((s) => s.type === 'interface')].sort(
    (a, b) => Number(b.name === 'lan') - Number(a.name === 'lan'),
  );
  for (const s of lanFirst)
    for (const a of words(s, 'ipaddr')) {
      const addr = a.split('/')[0]!;
      if (ipv4Network(addr) !== null && !out.includes(addr)) out.push(addr);
    }
  return out;
}

/**
 * Parse OpenWrt configuration text: `uci show firewall|upnpd|uhttpd|dropbear|network.lan` output,
 * `/etc/config/*` file content and miniupnpd lease lines, in any combination. Pure.
 */
export function parseOpenwrt(text: string, options: OpenwrtParseOptions = {}): ConfigParts {
  const transport = options.transport ?? 'file';
  const { sections, leases, unknownLines } = parseUci(text);
  if (sections.length === 0 && leases.length === 0) {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      '[openwrt] no UCI section (uci show / /etc/config format) and no miniupnpd lease line found',
    );
  }
  const parts = emptyParts();
  if (unknownLines.length > 0) {
    parts.warnings.push({
      code: 'OPENWRT_LINES_SKIPPED',
      message: `${unknownLines.length} line(s) not understood and skipped`,
      where: `lines ${unknownLines.slice(0, 10).join(', ')}${unknownLines.length > 10 ? ', …' : ''}`,
    });
  }
  const absent = new Set(options.absentPackages ?? []);
  const routerAddresses = openwrtRouterAddresses(sections);
  const firewallSeen = sections.some((s) => s.package === 'firewall');
  const fw = readOpenwrtFirewall(sections, { adapter: 'openwrt', transport, routerAddresses });
  const wan = fw.wanZones;
  if (firewallSeen) {
    parts.forwards.push(...fw.forwards);
    parts.warnings.push(...fw.warnings);
    parts.coverage.push(...fw.coverage);
    parts.dmz = fw.dmz;
  } else {
    parts.coverage.push(
      cover(
        'static-forwards',
        'not-visible',
        'OPENWRT_NO_FIREWALL_CONFIG',
        'no firewall configuration in the input',
      ),
    );
  }

  // UPnP: upnpd config + leases.
  const upnpd = sections.find((s) => s.type === 'upnpd');
  let enabled: boolean | null = null;
  if (upnpd)
    enabled = upnpdEnabled(opt(upnpd, 'enabled'), opt(upnpd, 'enable_upnp'), opt(upnpd, 'enable_natpmp'));
  else if (absent.has('upnpd')) enabled = false;
  const leasesSeen = options.leaseFileRead ?? leases.length > 0;
  if (leasesSeen) leaseForwards(leases, parts, transport, options.now ?? new Date());
  parts.upnp = {
    enabled: enabled ?? (leases.length > 0 ? true : null),
    mappingCount: leasesSeen ? leases.length : null,
    igdVersion: null,
  };
  parts.coverage.push(
    upnpd || absent.has('upnpd')
      ? cover(
          'upnp-state',
          'complete',
          'OPENWRT_UPNPD_CONFIG',
          upnpd ? 'read from the upnpd configuration' : 'the upnpd package is not installed',
        )
      : cover('upnp-state', 'not-visible', 'OPENWRT_NO_UPNPD_CONFIG', 'no upnpd configuration in the input'),
    leasesSeen
      ? cover('upnp-mappings', 'complete', 'OPENWRT_LEASE_FILE', 'read from the miniupnpd lease file')
      : cover(
          'upnp-mappings',
          enabled === false ? 'complete' : 'not-visible',
          enabled === false ? 'OPENWRT_UPNP_OFF' : 'OPENWRT_NO_LEASE_FILE',
          enabled === false
            ? 'UPnP is off, so there are no UPnP mappings'
            : 'the miniupnpd lease file was not read: UPnP mappings are unknown',
        ),
  );

  remoteAdmin(
    sections,
    parts,
    wan,
    fw.coverage.some((c) => c.code === 'OPENWRT_INCLUDE_SCRIPTS'),
  );
  if (fw.routerServices.length > 0 || parts.remoteAdmin) {
    parts.remoteAdmin = remoteAdminOf([...(parts.remoteAdmin?.services ?? []), ...fw.routerServices]);
  }
  markForwardsToRouter(parts, routerAddresses);
  if (parts.remoteAdmin) {
    // One service per port and source: a tcp+udp forward to the router is one exposure, not two.
    const seen = new Set<string>();
    parts.remoteAdmin = remoteAdminOf(
      parts.remoteAdmin.services.filter((x) => {
        const key = `${x.service}|${x.port}|${x.wan}|${x.restrictedTo}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      }),
    );
  }
  if (!parts.remoteAdmin) {
    parts.coverage.push(
      cover(
        'remote-admin',
        'not-visible',
        'OPENWRT_NO_ADMIN_CONFIG',
        'no uhttpd/dropbear/firewall configuration',
      ),
    );
  }

  parts.lanPrefixes = openwrtLanPrefixes(sections);
  return parts;
}

/** The IPv4 prefix of the `lan` interface (`ipaddr` with a prefix, or with `netmask`, default /24); null when absent. */
export function openwrtLanPrefixes(sections: UciSection[]): string[] | null {
  const lan = sections.find((s) => s.type === 'interface' && s.name === 'lan');
  if (!lan) return null;
  const prefixes = words(lan, 'ipaddr')
    .map((a) => ipv4Network(a, a.includes('/') ? undefined : (opt(lan, 'netmask') ?? '24')))
    .filter((p): p is string => p !== null);
  return prefixes.length > 0 ? prefixes : null;
}
