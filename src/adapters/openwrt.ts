/**
 * `openwrt`: OpenWrt (fw3/fw4) read over SSH with `uci show …`, or offline from `uci show` output,
 * `/etc/config/*` files and the miniupnpd lease file (any concatenation of them).
 * Reads redirects (port forwards, DMZ), IPv6 accept rules (pinholes), UPnP state and leases, and remote
 * admin exposure (uhttpd/dropbear + wan zone policy + wan input rules).
 */
import { BoxauditError } from '../errors.js';
import type { ForwardInput } from '../model/forward.js';
import { parsePortRange } from '../model/forward.js';
import { remoteAdminOf } from '../model/remote-admin.js';
import type { PortRange, RemoteAdminService, Snapshot } from '../model/types.js';
import {
  ALL_PORTS,
  type ConfigParts,
  cover,
  emptyParts,
  ipv4Network,
  type ParseOptions,
  protocolsOf,
  splitWords,
} from './_config-parts.js';
import { collectOverSsh } from './_ssh.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';

export const OPENWRT_COMMANDS = {
  firewall: 'uci show firewall',
  upnpd: 'uci show upnpd',
  uhttpd: 'uci show uhttpd',
  dropbear: 'uci show dropbear',
  lan: 'uci show network.lan',
  leases: 'cat /var/run/miniupnpd.leases',
  leasesTmp: 'cat /tmp/upnp.leases',
} as const;

/** One UCI section: options hold lists (an `option` is a one-element list). */
export interface UciSection {
  package: string | null;
  type: string;
  name: string;
  options: Record<string, string[]>;
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

const SECTION_PACKAGE: Record<string, string> = {
  redirect: 'firewall',
  rule: 'firewall',
  zone: 'firewall',
  forwarding: 'firewall',
  defaults: 'firewall',
  include: 'firewall',
  upnpd: 'upnpd',
  perm_rule: 'upnpd',
  uhttpd: 'uhttpd',
  cert: 'uhttpd',
  dropbear: 'dropbear',
  interface: 'network',
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
  let anon = 0;
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
        const s: UciSection = { package: pkg!, type, name: sec!, options: {} };
        byKey.set(key, s);
        sections.push(s);
      } else {
        let s = byKey.get(key);
        if (!s) {
          // An option line before its section line (`uci show pkg.section.option`): type from the @name.
          const type = /^@([A-Za-z0-9_-]+)\[/.exec(sec!)?.[1] ?? '';
          s = { package: pkg!, type, name: sec!, options: {} };
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
      const name = b ?? `@${a}[${anon++}]`;
      current = { package: SECTION_PACKAGE[a] ?? null, type: a, name, options: {} };
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
    if (kw === 'package') return;
    unknownLines.push(i + 1);
  });
  return { sections, leases, unknownLines };
}

const opt = (s: UciSection, name: string): string | null => s.options[name]?.[0] ?? null;
const isOff = (v: string | null) => v !== null && /^(0|false|no|off|disabled)$/i.test(v.trim());
const isOn = (v: string | null) => v !== null && /^(1|true|yes|on|enabled)$/i.test(v.trim());

function protoValues(s: UciSection): string[] {
  const values = s.options.proto ?? ['tcp udp'];
  return values.flatMap((v) => v.split(/\s+/)).filter((v) => v !== '');
}

export interface OpenwrtParseOptions extends ParseOptions {
  /** Reference time for lease expiry (default: now). */
  now?: Date;
  /** Packages known to be absent (SSH: `uci show upnpd` said "Entry not found"). */
  absentPackages?: string[];
  /** Whether a lease file was read (SSH); offline, leases are "seen" when lines are present. */
  leaseFileRead?: boolean;
}

function wanZones(sections: UciSection[]): Set<string> {
  const zones = sections.filter((s) => s.type === 'zone');
  const out = new Set<string>();
  for (const z of zones) {
    const name = opt(z, 'name') ?? z.name;
    const nets = (z.options.network ?? []).flatMap((v) => v.split(/\s+/));
    if (name === 'wan' || isOn(opt(z, 'masq')) || nets.some((n) => /^wan/.test(n))) out.add(name);
  }
  if (zones.length === 0) out.add('wan');
  return out;
}

function sourceOf(s: UciSection, parts: ConfigParts, where: string): string | null {
  const ips = (s.options.src_ip ?? []).flatMap((v) => v.split(/\s+/)).filter((v) => v !== '');
  if (ips.length === 0) return null;
  if (ips.some((ip) => ip.startsWith('!'))) {
    parts.warnings.push({
      code: 'OPENWRT_SOURCE_NEGATED',
      message: `source ${ips.join(' ')} is an exclusion; counted as open to any other source`,
      where,
    });
    return null;
  }
  return ips.join(',');
}

function redirectForwards(s: UciSection, parts: ConfigParts, transport: string, wan: Set<string>): void {
  const where = `${s.package ?? 'firewall'}.${s.name}`;
  const target = (opt(s, 'target') ?? 'DNAT').toUpperCase();
  if (target !== 'DNAT') return;
  const src = opt(s, 'src');
  if (src !== null && !wan.has(src)) {
    parts.warnings.push({
      code: 'OPENWRT_REDIRECT_NOT_WAN',
      message: `redirect from zone "${src}" is not a WAN exposure; not listed`,
      where,
    });
    return;
  }
  const protocols = protocolsOf(protoValues(s));
  if (protocols.length === 0) {
    parts.warnings.push({
      code: 'OPENWRT_PROTOCOL_OTHER',
      message: `redirect for protocol ${protoValues(s).join(' ')} (not tcp/udp); not listed`,
      where,
    });
    return;
  }
  const srcDport = opt(s, 'src_dport');
  const destPort = opt(s, 'dest_port');
  let external: PortRange | null = null;
  let isDmz = false;
  if (srcDport === null || srcDport.trim() === '') {
    isDmz = destPort === null;
    external = isDmz ? ALL_PORTS : null;
  } else {
    external = parsePortRange(srcDport);
    if (!external) {
      parts.warnings.push({
        code: 'OPENWRT_PORT_INVALID',
        message: `src_dport "${srcDport}" not understood`,
        where,
      });
    }
  }
  let internal: PortRange | null = destPort === null ? external : parsePortRange(destPort);
  if (destPort !== null && !internal) {
    parts.warnings.push({
      code: 'OPENWRT_PORT_INVALID',
      message: `dest_port "${destPort}" not understood`,
      where,
    });
    internal = null;
  }
  const destIp = opt(s, 'dest_ip');
  if (destIp === null) {
    parts.warnings.push({
      code: 'OPENWRT_REDIRECT_TO_ROUTER',
      message: 'redirect without dest_ip points at the router itself',
      where,
    });
  }
  const enabled = !isOff(opt(s, 'enabled'));
  if (isDmz && enabled && destIp) {
    if (parts.dmz?.enabled) {
      parts.warnings.push({ code: 'OPENWRT_SEVERAL_DMZ', message: 'several all-ports redirects', where });
    } else parts.dmz = { enabled: true, host: destIp };
  }
  const remoteHost = sourceOf(s, parts, where);
  for (const protocol of protocols) {
    parts.forwards.push({
      source: isDmz ? 'dmz' : 'static',
      protocol,
      externalPort: external,
      internalHost: destIp,
      internalPort: internal,
      remoteHost,
      enabled,
      description: opt(s, 'name') ?? opt(s, '_name'),
      leaseSeconds: 0,
      provenance: { adapter: 'openwrt', transport, raw: { section: where, ...s.options } },
    });
  }
}

/** `config rule` src wan → dest lan ACCEPT, family ipv6/any: an IPv6 pinhole (no NAT). */
function pinholeForwards(s: UciSection, parts: ConfigParts, transport: string, wan: Set<string>): void {
  const src = opt(s, 'src');
  const dest = opt(s, 'dest');
  const target = (opt(s, 'target') ?? '').toUpperCase();
  const family = (opt(s, 'family') ?? 'any').toLowerCase();
  if (!src || !wan.has(src) || !dest || wan.has(dest) || target !== 'ACCEPT') return;
  if (family === 'ipv4' || family === 'inet4') return;
  const where = `${s.package ?? 'firewall'}.${s.name}`;
  const protocols = protocolsOf(protoValues(s));
  if (protocols.length === 0) return;
  const ports = (s.options.dest_port ?? []).flatMap((v) => v.split(/\s+/)).filter((v) => v !== '');
  const ranges = ports.length === 0 ? [ALL_PORTS] : ports.map((p) => parsePortRange(p));
  const remoteHost = sourceOf(s, parts, where);
  for (const protocol of protocols) {
    for (const r of ranges) {
      parts.forwards.push({
        source: 'pinhole6',
        protocol,
        externalPort: r,
        internalHost: opt(s, 'dest_ip'),
        internalPort: r,
        remoteHost,
        enabled: !isOff(opt(s, 'enabled')),
        description: opt(s, 'name') ?? opt(s, '_name'),
        leaseSeconds: 0,
        provenance: { adapter: 'openwrt', transport, raw: { section: where, ...s.options } },
      });
    }
  }
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

/** Input rules from the wan zone accepting a TCP port: port → allowed source (null = any). */
function wanInputPorts(
  sections: UciSection[],
  wan: Set<string>,
): { any: string | null; ports: Map<number, string> } | null {
  const ports = new Map<number, string>();
  let anyPort: string | null = null;
  for (const s of sections) {
    if (s.type !== 'rule' || isOff(opt(s, 'enabled'))) continue;
    const src = opt(s, 'src');
    if (!src || !wan.has(src) || opt(s, 'dest') !== null) continue;
    if ((opt(s, 'target') ?? '').toUpperCase() !== 'ACCEPT') continue;
    if (!protocolsOf(protoValues(s)).includes('tcp')) continue;
    const from = (s.options.src_ip ?? []).join(',') || '*';
    const list = (s.options.dest_port ?? []).flatMap((v) => v.split(/\s+/)).filter((v) => v !== '');
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

function remoteAdmin(sections: UciSection[], parts: ConfigParts, wan: Set<string>): void {
  const firewallSeen = sections.some((s) => s.package === 'firewall' || s.type === 'zone');
  const uhttpd = sections.filter((s) => s.type === 'uhttpd');
  const dropbear = sections.filter((s) => s.type === 'dropbear');
  if (!firewallSeen && uhttpd.length === 0 && dropbear.length === 0) return;
  const wanZone = sections.find((s) => s.type === 'zone' && wan.has(opt(s, 'name') ?? s.name));
  const zoneInput = wanZone ? (opt(wanZone, 'input') ?? 'ACCEPT').toUpperCase() : null;
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
    cover(
      'remote-admin',
      firewallSeen && (uhttpd.length > 0 || dropbear.length > 0) ? 'complete' : 'partial',
      'OPENWRT_REMOTE_ADMIN',
      'uhttpd/dropbear listeners checked against the wan zone input policy and wan input rules',
      { firewall: firewallSeen, uhttpd: uhttpd.length > 0, dropbear: dropbear.length > 0 },
    ),
  );
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
  const wan = wanZones(sections);
  const firewallSeen = sections.some((s) => s.package === 'firewall');
  for (const s of sections) {
    if (s.type === 'redirect') redirectForwards(s, parts, transport, wan);
    else if (s.type === 'rule') pinholeForwards(s, parts, transport, wan);
  }
  if (firewallSeen) {
    parts.dmz ??= { enabled: false, host: null };
    parts.coverage.push(
      cover(
        'static-forwards',
        'complete',
        'OPENWRT_UCI_REDIRECTS',
        'every firewall redirect section was read',
      ),
      cover('dmz', 'complete', 'OPENWRT_UCI_REDIRECTS', 'a DNAT redirect without src_dport counts as a DMZ'),
      cover(
        'ipv6-pinholes',
        'partial',
        'OPENWRT_UCI_RULES',
        'wan→lan ACCEPT rules read as IPv6 pinholes; ipsets and includes are not expanded',
      ),
    );
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
  if (upnpd) {
    const flags = [opt(upnpd, 'enabled'), opt(upnpd, 'enable_upnp'), opt(upnpd, 'enable_natpmp')];
    if (flags.some(isOn)) enabled = true;
    else if (flags.some(isOff)) enabled = false;
  } else if (absent.has('upnpd')) enabled = false;
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

  remoteAdmin(sections, parts, wan);
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

  const lan = sections.find((s) => s.type === 'interface' && s.name === 'lan');
  if (lan) {
    const prefixes = (lan.options.ipaddr ?? [])
      .flatMap((v) => v.split(/\s+/))
      .map((a) => ipv4Network(a, a.includes('/') ? undefined : (opt(lan, 'netmask') ?? '24')))
      .filter((p): p is string => p !== null);
    if (prefixes.length > 0) parts.lanPrefixes = prefixes;
  }
  return parts;
}

async function collect(target: CollectTarget, ctx: CollectContext): Promise<Snapshot> {
  return collectOverSsh('openwrt', openwrtAdapter.meta.allowlist, target, ctx, async (session) => {
    const chunks: string[] = [];
    const absent: string[] = [];
    const warnings: ConfigParts['warnings'] = [];
    for (const [pkg, command] of [
      ['firewall', OPENWRT_COMMANDS.firewall],
      ['upnpd', OPENWRT_COMMANDS.upnpd],
      ['uhttpd', OPENWRT_COMMANDS.uhttpd],
      ['dropbear', OPENWRT_COMMANDS.dropbear],
      ['network', OPENWRT_COMMANDS.lan],
    ] as const) {
      const r = await session.run(command);
      if (r.exitCode === 0) chunks.push(r.stdout);
      else if (/not found/i.test(r.stderr)) absent.push(pkg);
      else
        warnings.push({
          code: 'OPENWRT_COMMAND_FAILED',
          message: r.stderr.trim().slice(0, 200),
          where: command,
        });
    }
    if (absent.includes('firewall') || chunks.length === 0) {
      throw new BoxauditError(
        'BOXAUDIT_PROTOCOL_ERROR',
        `[openwrt] ssh ${target.host}: \`uci show firewall\` failed; is this OpenWrt?`,
      );
    }
    let leaseFileRead = false;
    for (const command of [OPENWRT_COMMANDS.leases, OPENWRT_COMMANDS.leasesTmp]) {
      const r = await session.run(command);
      if (r.exitCode === 0) {
        leaseFileRead = true;
        chunks.push(r.stdout);
        break;
      }
    }
    const p = parseOpenwrt(chunks.join('\n'), { transport: 'ssh', absentPackages: absent, leaseFileRead });
    p.warnings.push(...warnings);
    return p;
  });
}

/** The `openwrt` adapter (SSH + UCI). */
export const openwrtAdapter: Adapter = {
  meta: {
    id: 'openwrt',
    name: 'OpenWrt (UCI over SSH)',
    transports: ['ssh', 'file'],
    capabilities: ['static-forwards', 'dmz', 'upnp-state', 'upnp-mappings', 'remote-admin', 'ipv6-pinholes'],
    credentials: ['username', 'privateKey|agent|password'],
    allowlist: Object.values(OPENWRT_COMMANDS),
  },
  collect,
};
