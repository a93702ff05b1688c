/**
 * `vyos`: VyOS 1.3 / 1.4 / 1.5 read over SSH with `show configuration commands`, or offline from that output.
 * Reads `nat destination rule N …` in both syntaxes (1.3 `inbound-interface 'eth0'`, 1.4+
 * `inbound-interface name 'eth0'`), `service upnp`, and remote admin (`service https|ssh`) against the
 * WAN local ruleset (1.3 `firewall name` bound as `local`, 1.4+ `firewall ipv4 input filter`).
 */
import { BoxauditError } from '../errors.js';
import type { Snapshot } from '../model/types.js';
import { type ConfigParts, cover, emptyParts, type ParseOptions } from './_config-parts.js';
import { collectOverSsh } from './_ssh.js';
import {
  EDGEOS_COMMANDS,
  first,
  groupById,
  hasPrefix,
  localRulesetOf,
  parseSetCommands,
  pushForwards,
  showConfigurationCommands,
  valuesAt,
  vyattaLanPrefixes,
  vyattaProtocols,
  vyattaRemoteAdmin,
} from './edgeos.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';

/** Parse VyOS `show configuration commands` output. Pure. */
export function parseVyos(text: string, options: ParseOptions = {}): ConfigParts {
  const transport = options.transport ?? 'file';
  const lines = parseSetCommands(text);
  if (lines.length === 0) {
    throw new BoxauditError('BOXAUDIT_INPUT_INVALID', '[vyos] no `set …` configuration command found');
  }
  const parts = emptyParts();
  let wanIf: string | null = null;
  let syntax14 = false;
  for (const [id, r] of groupById(lines, ['nat', 'destination', 'rule'])) {
    if (r.has('exclude')) continue;
    const where = `nat destination rule ${id}`;
    const ifName = first(r, 'inbound-interface name');
    if (ifName !== null || r.has('inbound-interface group')) syntax14 = true;
    const iface = ifName ?? first(r, 'inbound-interface') ?? first(r, 'inbound-interface group');
    wanIf ??= iface;
    const protocols = vyattaProtocols(first(r, 'protocol')) ?? ['tcp', 'udp'];
    if (protocols.length === 0) {
      parts.warnings.push({
        code: 'VYOS_PROTOCOL_OTHER',
        message: 'destination NAT for a non tcp/udp protocol',
        where,
      });
      continue;
    }
    const portGroup = first(r, 'destination group port-group');
    if (portGroup !== null) {
      parts.warnings.push({
        code: 'VYOS_PORT_GROUP',
        message: `destination port group "${portGroup}" not expanded; ports unknown`,
        where,
      });
    }
    pushForwards(parts, 'vyos', transport, {
      where,
      protocols,
      ports: first(r, 'destination port') ?? portGroup,
      toHost: first(r, 'translation address'),
      toPort: first(r, 'translation port'),
      source: first(r, 'source address') ?? first(r, 'source group address-group'),
      enabled: !r.has('disable'),
      description: first(r, 'description'),
      raw: {
        rule: id,
        inboundInterface: iface,
        ...Object.fromEntries([...r].map(([k, v]) => [k, v.length === 0 ? true : v.length === 1 ? v[0] : v])),
      },
    });
  }
  parts.dmz ??= { enabled: false, host: null };

  const upnpOn = hasPrefix(lines, ['service', 'upnp']) || hasPrefix(lines, ['service', 'upnp2']);
  parts.upnp = { enabled: upnpOn, mappingCount: null, igdVersion: null };
  wanIf ??= valuesAt(lines, ['service', 'upnp', 'wan-interface'])?.[0] ?? null;
  const ruleset = hasPrefix(lines, ['firewall', 'ipv4', 'input', 'filter'])
    ? ['firewall', 'ipv4', 'input', 'filter']
    : localRulesetOf(lines, wanIf);
  vyattaRemoteAdmin(lines, parts, ruleset, 'https', wanIf);
  parts.lanPrefixes = vyattaLanPrefixes(lines);
  parts.gateway = { model: syntax14 ? 'VyOS 1.4+' : null };
  parts.coverage.push(
    cover('static-forwards', 'complete', 'VYOS_NAT_DESTINATION', 'every nat destination rule was read'),
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

async function collect(target: CollectTarget, ctx: CollectContext): Promise<Snapshot> {
  return collectOverSsh('vyos', vyosAdapter.meta.allowlist, target, ctx, async (session) =>
    parseVyos(await showConfigurationCommands(session, 'vyos', target.host ?? '?'), { transport: 'ssh' }),
  );
}

/** The `vyos` adapter (SSH). */
export const vyosAdapter: Adapter = {
  meta: {
    id: 'vyos',
    name: 'VyOS 1.3+ (SSH)',
    transports: ['ssh', 'file'],
    capabilities: ['static-forwards', 'dmz', 'upnp-state', 'remote-admin'],
    credentials: ['username', 'privateKey|agent|password'],
    allowlist: [EDGEOS_COMMANDS.wrapper, EDGEOS_COMMANDS.plain],
  },
  collect,
};
