/**
 * `edgeos`: Ubiquiti EdgeRouter (EdgeOS, Vyatta-based) read over SSH with `show configuration commands`,
 * or offline from that output. Audits both forwarding mechanisms: the port-forward wizard
 * (`set port-forward rule N …`) and destination NAT rules (`set service nat rule N type destination`).
 * The `set`-command helpers here are shared with the `vyos` adapter.
 */
import { BoxauditError } from '../errors.js';
import { isRfc1918 } from '../model/addresses.js';
import type { ForwardInput } from '../model/forward.js';
import { parsePortRange, parseServicePort } from '../model/forward.js';
import { remoteAdminOf } from '../model/remote-admin.js';
import type { PortRange, Protocol, RemoteAdminService, Snapshot } from '../model/types.js';
import {
  ALL_PORTS,
  type ConfigParts,
  cover,
  emptyParts,
  ipv4Network,
  type ParseOptions,
  parsePortList,
  shiftRange,
  splitWords,
} from './_config-parts.js';
import { collectOverSsh, type SshSession } from './_ssh.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';

/** Non-interactive shells have no op-mode `show`; the wrapper (first) runs it (path UNCONFIRMED on some builds). */
export const EDGEOS_COMMANDS = {
  wrapper: '/opt/vyatta/bin/vyatta-op-cmd-wrapper show configuration commands',
  plain: 'show configuration commands',
} as const;

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

/** `tcp`, `udp`, `tcp_udp`, `all`; null when absent; [] for other protocols. */
export function vyattaProtocols(value: string | null): Protocol[] | null {
  if (value === null) return null;
  const t = value.toLowerCase();
  if (t === 'tcp' || t === '6') return ['tcp'];
  if (t === 'udp' || t === '17') return ['udp'];
  if (t === 'tcp_udp' || t === 'all' || t === 'tcpudp') return ['tcp', 'udp'];
  return [];
}

/** Build forwards for one destination-NAT style rule. */
export function pushForwards(
  parts: ConfigParts,
  adapter: string,
  transport: string,
  rule: {
    where: string;
    protocols: Protocol[];
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
      message: `source ${remoteHost} is an exclusion; counted as open to any other source`,
      where: rule.where,
    });
    remoteHost = null;
  }
  const ranges = rule.ports === null ? [ALL_PORTS] : parsePortList(rule.ports);
  if (ranges === null) {
    parts.warnings.push({
      code: `${adapter.toUpperCase()}_PORT_INVALID`,
      message: `port "${rule.ports}" not understood (a port group?); listed with unknown ports`,
      where: rule.where,
    });
  }
  const isDmz = rule.ports === null && rule.toPort === null;
  if (isDmz && rule.enabled && rule.toHost) parts.dmz = { enabled: true, host: rule.toHost };
  const toPort = rule.toPort === null ? null : parsePortRange(rule.toPort);
  // A translated port that does not parse (a port group?) is unknown, not the public port: guessing
  // it would hide what the forward really reaches.
  const toPortUnknown = rule.toPort !== null && toPort === null;
  if (toPortUnknown) {
    parts.warnings.push({
      code: `${adapter.toUpperCase()}_PORT_INVALID`,
      message: `translated port "${rule.toPort}" not understood; listed with an unknown LAN port`,
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
        internalHost: rule.toHost,
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

function mapToObject(node: Map<string, string[]>): Record<string, unknown> {
  return Object.fromEntries(
    [...node].map(([k, v]) => [k, v.length === 0 ? true : v.length === 1 ? v[0] : v]),
  );
}

/** Ruleset verdict for a TCP port: accept → true, default drop/reject → false; stateful accepts are skipped. */
export function rulesetVerdict(
  lines: SetLine[],
  base: string[],
  port: number,
  wanInterface: string | null = null,
): boolean | null {
  const rules = groupById(lines, [...base, 'rule']);
  const ids = [...rules.keys()]
    .map(Number)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  for (const id of ids) {
    const r = rules.get(String(id))!;
    if (r.has('disable')) continue;
    if (r.has('state established') || r.has('state related') || r.has('state') || r.has('connection-status'))
      continue;
    const action = first(r, 'action');
    const proto = first(r, 'protocol');
    const ports = parsePortList(first(r, 'destination port'));
    const protoOk = proto === null || proto === 'tcp' || proto === 'tcp_udp' || proto === 'all';
    const portOk =
      ports === null ? !r.has('destination port') : ports.some((p) => port >= p.start && port <= p.end);
    if (!protoOk || !portOk) continue;
    if (r.has('source address') || r.has('source group address-group')) continue;
    // VyOS 1.4 input filter: a rule bound to another interface says nothing about the WAN.
    const iface = first(r, 'inbound-interface name') ?? first(r, 'inbound-interface');
    if (iface !== null && iface !== wanInterface) continue;
    if (action === 'accept') return true;
    if (action === 'drop' || action === 'reject') return false;
  }
  const def = valuesAt(lines, [...base, 'default-action'])?.[0] ?? null;
  if (def === 'drop' || def === 'reject') return false;
  if (def === 'accept') return true;
  return null;
}

/** Remote admin for EdgeOS/VyOS: `service gui|https|ssh|telnet` vs listen addresses and the WAN local ruleset. */
export function vyattaRemoteAdmin(
  lines: SetLine[],
  parts: ConfigParts,
  localRuleset: string[] | null,
  guiService: 'gui' | 'https',
  wanInterface: string | null = null,
): void {
  const services: RemoteAdminService[] = [];
  // A configured port that is not 1-65535 is unknown (warned), not NaN: the dump must stay readable.
  const portAt = (path: string[], fallback: number): number | null => {
    const text = valuesAt(lines, path)?.[0];
    if (text === undefined) return fallback;
    const port = parseServicePort(text);
    if (port !== null) return port;
    parts.warnings.push({
      code: 'VYATTA_SERVICE_PORT_INVALID',
      message: `${path.join(' ')} "${text}" is not a port 1-65535; counted as unknown`,
      where: path.slice(0, 2).join(' '),
    });
    return null;
  };
  const add = (service: string, port: number | null, listen: string[] | null) => {
    const lanOnly = listen !== null && listen.length > 0 && listen.every((a) => isRfc1918(a));
    const wan = lanOnly
      ? false
      : localRuleset === null || port === null
        ? null
        : rulesetVerdict(lines, localRuleset, port, wanInterface);
    services.push({
      service,
      port,
      wan,
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
  parts.remoteAdmin = remoteAdminOf(services);
  parts.coverage.push(
    cover(
      'remote-admin',
      localRuleset === null ? 'partial' : 'complete',
      'VYATTA_SERVICES',
      localRuleset === null
        ? 'services read; no WAN local firewall ruleset found to decide WAN reachability'
        : `services checked against the WAN local ruleset ${localRuleset.join(' ')}`,
    ),
  );
}

/** RFC 1918 interface addresses as LAN prefixes. */
export function vyattaLanPrefixes(lines: SetLine[]): string[] | null {
  const out = new Set<string>();
  for (const { words } of lines) {
    if (words[0] !== 'interfaces') continue;
    const i = words.indexOf('address');
    const a = i > 0 ? words[i + 1] : undefined;
    if (!a?.includes('/') || !isRfc1918(a.split('/')[0]!)) continue;
    const net = ipv4Network(a);
    if (net) out.add(net);
  }
  return out.size > 0 ? [...out] : null;
}

/** The `firewall name X` applied as `local` on an interface (EdgeOS / VyOS 1.3 style). */
export function localRulesetOf(lines: SetLine[], wanInterface: string | null): string[] | null {
  for (const { words } of lines) {
    if (words[0] !== 'interfaces') continue;
    const iface = words[2];
    const idx = words.indexOf('firewall');
    if (idx < 0 || words[idx + 1] !== 'local' || words[idx + 2] !== 'name') continue;
    if (wanInterface !== null && iface !== wanInterface) continue;
    const name = words[idx + 3];
    if (name) return ['firewall', 'name', name];
  }
  return null;
}

/** Parse EdgeOS `show configuration commands` output. Pure. */
export function parseEdgeos(text: string, options: ParseOptions = {}): ConfigParts {
  const transport = options.transport ?? 'file';
  const lines = parseSetCommands(text);
  if (lines.length === 0) {
    throw new BoxauditError('BOXAUDIT_INPUT_INVALID', '[edgeos] no `set …` configuration command found');
  }
  const parts = emptyParts();
  const wanIf = valuesAt(lines, ['port-forward', 'wan-interface'])?.[0] ?? null;

  // 1. Port-forward wizard rules.
  for (const [id, r] of groupById(lines, ['port-forward', 'rule'])) {
    const where = `port-forward rule ${id}`;
    const protoText = first(r, 'protocol');
    let protocols = vyattaProtocols(protoText);
    if (protocols === null) {
      protocols = ['tcp', 'udp'];
      parts.warnings.push({
        code: 'EDGEOS_PROTOCOL_DEFAULT',
        message:
          'port-forward rule without protocol: counted as tcp and udp (the wizard default, UNCONFIRMED)',
        where,
      });
    }
    if (protocols.length === 0) continue;
    pushForwards(parts, 'edgeos', transport, {
      where,
      protocols,
      ports: first(r, 'original-port'),
      toHost: first(r, 'forward-to address'),
      toPort: first(r, 'forward-to port'),
      source: null,
      enabled: !r.has('disable'),
      description: first(r, 'description'),
      raw: { kind: 'port-forward', rule: id, wanInterface: wanIf, ...mapToObject(r) },
    });
  }

  // 2. service nat destination rules.
  for (const [id, r] of groupById(lines, ['service', 'nat', 'rule'])) {
    if (first(r, 'type') !== 'destination' || r.has('exclude')) continue;
    const where = `service nat rule ${id}`;
    const protocols = vyattaProtocols(first(r, 'protocol')) ?? ['tcp', 'udp'];
    if (protocols.length === 0) {
      parts.warnings.push({
        code: 'EDGEOS_PROTOCOL_OTHER',
        message: 'destination NAT for a non tcp/udp protocol',
        where,
      });
      continue;
    }
    pushForwards(parts, 'edgeos', transport, {
      where,
      protocols,
      ports: first(r, 'destination port'),
      toHost: first(r, 'inside-address address'),
      toPort: first(r, 'inside-address port'),
      source: first(r, 'source address'),
      enabled: !r.has('disable'),
      description: first(r, 'description'),
      raw: { kind: 'service-nat', rule: id, ...mapToObject(r) },
    });
  }
  parts.dmz ??= { enabled: false, host: null };

  // 3. UPnP (`service upnp2`, legacy `service upnp`).
  const upnpOn = hasPrefix(lines, ['service', 'upnp2']) || hasPrefix(lines, ['service', 'upnp']);
  parts.upnp = { enabled: upnpOn, mappingCount: null, igdVersion: null };

  const upnpWan = valuesAt(lines, ['service', 'upnp2', 'wan'])?.[0] ?? null;
  vyattaRemoteAdmin(lines, parts, localRulesetOf(lines, wanIf ?? upnpWan), 'gui');
  parts.lanPrefixes = vyattaLanPrefixes(lines);
  parts.coverage.push(
    cover(
      'static-forwards',
      'complete',
      'EDGEOS_CONFIG',
      'port-forward and service nat destination rules read',
    ),
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

/** Run the configuration dump: the op-mode wrapper first, plain `show` as a fallback. */
export async function showConfigurationCommands(
  session: SshSession,
  adapter: string,
  host: string,
): Promise<string> {
  const wrapped = await session.run(EDGEOS_COMMANDS.wrapper);
  if (wrapped.exitCode === 0 && /^set /m.test(wrapped.stdout)) return wrapped.stdout;
  const plain = await session.run(EDGEOS_COMMANDS.plain);
  if (plain.exitCode === 0 && /^set /m.test(plain.stdout)) return plain.stdout;
  throw new BoxauditError(
    'BOXAUDIT_PROTOCOL_ERROR',
    `[${adapter}] ssh ${host}: \`show configuration commands\` gave no configuration (${(plain.stderr || wrapped.stderr).trim().slice(0, 200) || 'empty output'})`,
  );
}

async function collect(target: CollectTarget, ctx: CollectContext): Promise<Snapshot> {
  return collectOverSsh('edgeos', edgeosAdapter.meta.allowlist, target, ctx, async (session) =>
    parseEdgeos(await showConfigurationCommands(session, 'edgeos', target.host ?? '?'), { transport: 'ssh' }),
  );
}

/** The `edgeos` adapter (SSH). */
export const edgeosAdapter: Adapter = {
  meta: {
    id: 'edgeos',
    name: 'Ubiquiti EdgeRouter / EdgeOS (SSH)',
    transports: ['ssh', 'file'],
    capabilities: ['static-forwards', 'dmz', 'upnp-state', 'remote-admin'],
    credentials: ['username', 'privateKey|agent|password'],
    allowlist: [EDGEOS_COMMANDS.wrapper, EDGEOS_COMMANDS.plain],
  },
  collect,
};
