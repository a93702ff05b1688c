/**
 * `vyos`: VyOS 1.1 to 1.5 read over SSH with `show configuration commands`, or offline from that output or
 * from `/config/config.boot`. Reads `nat destination rule N …` in every syntax (1.3 `inbound-interface
 * 'eth0'`, 1.4+ `inbound-interface name 'eth0'`), `service upnp`, and remote admin (`service https|ssh`)
 * against what filters the WAN (see formats/vyatta-config.ts for the WAN, edgeos.ts for the shared rules).
 */
import { BoxauditError } from '../errors.js';
import {
  type ConfigParts,
  cover,
  emptyParts,
  markForwardsToRouter,
  type ParseOptions,
} from '../formats/config-parts.js';
import {
  first,
  groupById,
  hasPrefix,
  readVyattaConfig,
  routerAddresses,
  vyattaWan,
} from '../formats/vyatta-config.js';
import type { Snapshot } from '../model/types.js';
import {
  clip,
  damagedCoverage,
  EDGEOS_COMMANDS,
  facesInternet,
  lanSideWarning,
  mapToObject,
  otherForkCoverage,
  otherForkWarning,
  providerSideWarning,
  pushForwards,
  rulePorts,
  ruleProtocols,
  ruleSource,
  showConfigurationCommands,
  vyattaLanPrefixes,
  vyattaRemoteAdmin,
} from './edgeos.js';
import { collectOverSsh } from './ssh-skeleton.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';

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
    const where = `nat destination rule ${id}`;
    const ifName = first(r, 'inbound-interface name');
    const ifGroup = first(r, 'inbound-interface group');
    if (ifName !== null || ifGroup !== null) syntax14 = true;
    const iface = ifName ?? first(r, 'inbound-interface');
    if (ifGroup === null && !facesInternet(iface, [...wan, ...providerSide])) {
      parts.warnings.push(lanSideWarning(where, iface!, wan));
      continue;
    }
    if (iface !== null && providerSide.includes(iface))
      parts.warnings.push(providerSideWarning(where, iface));
    const protoText = first(r, 'protocol');
    const protocols = ruleProtocols(protoText, where, parts.warnings);
    if (protocols.length === 0) {
      parts.warnings.push({
        code: 'VYOS_PROTOCOL_OTHER',
        message: `destination NAT for protocol ${clip(protoText ?? '')}, not a tcp/udp port forward`,
        where,
      });
      continue;
    }
    pushForwards(parts, 'vyos', transport, {
      where,
      protocols,
      ports: rulePorts(lines, r, where, parts),
      toHost: first(r, 'translation address'),
      toPort: first(r, 'translation port'),
      source: ruleSource(lines, r, where, parts),
      enabled: !r.has('disable'),
      description: first(r, 'description'),
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
