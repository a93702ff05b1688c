/**
 * A Linux router's NAT ruleset (the `linux` adapter's format): `nft -j list ruleset` JSON, nftables
 * text (`/etc/nftables.conf`, `nft list ruleset`) or `iptables-save` output → parts. Every DNAT rule
 * arriving on the WAN (the masquerade/SNAT outgoing interface) becomes a forward; miniupnpd's chains
 * are source `upnp`. SSH exposure is decided on the input chain when there is one. Pure: the SSH
 * adapter (adapters/linux.ts) and the offline import both call {@link parseLinuxRuleset}.
 */
import { BoxauditError } from '../errors.js';
import { remoteAdminOf } from '../model/remote-admin.js';
import type { CoverageItem } from '../model/types.js';
import {
  type ConfigParts,
  cover,
  emptyParts,
  markForwardsToRouter,
  type ParseOptions,
} from './config-parts.js';
import { type InputFilter, wanReaches } from './input-filter.js';
import { decodeIptablesDnat, decodeIptablesInput, iptablesNatOutIfaces, iptablesTables } from './iptables.js';
import {
  decodeMiniupnpdFilterSources,
  decodeNftDnatRules,
  decodeNftJsonInput,
  decodeNftNatOutIfaces,
  dnatRulesToForwards,
  isMiniupnpdChain,
  type NftDnatRule,
  parseNftJson,
} from './nft.js';
import { looksLikeNftText, parseNftText } from './nft-text.js';

/** What a reader found besides the DNAT rules. */
interface Extra {
  /** WAN interfaces from masquerade/snat rules; empty when none names one. */
  wanIfaces: string[];
  /** The router's input filter; null when the input shows none (remote administration unknown). */
  input: InputFilter | null;
  /** Why remote administration cannot be judged (when `input` is null). */
  inputMissing: string;
  /** Coverage of the static forwards: the whole NAT read, or part of it (`partial`), or none. */
  forwards: CoverageItem;
  upnpSources?: Map<string, string>;
}

/** Remote administration checked on the input filter: SSH (22), the one service every Linux router has. */
const ADMIN_PORTS = [{ service: 'ssh', port: 22 }] as const;

function toParts(
  rules: NftDnatRule[],
  warnings: ConfigParts['warnings'],
  options: ParseOptions,
  extra: Extra,
): ConfigParts {
  const parts = emptyParts();
  const transport = options.transport ?? 'file';
  parts.warnings.push(...warnings);
  // A DNAT rule bound to an inside interface (DNS hijack on the LAN…) is not a forward from the Internet.
  const wan = extra.wanIfaces;
  const inNames = (r: NftDnatRule) =>
    r.inInterfaces !== undefined ? r.inInterfaces : r.inInterface ? r.inInterface.split(',') : null;
  const fromWan = rules.filter((r) => {
    const names = inNames(r);
    if (wan.length === 0 || names === null || isMiniupnpdChain(r.chain)) return true;
    if (names.some((n) => wan.some((w) => ifaceMatch(w, n)))) return true;
    parts.warnings.push({
      code: 'LINUX_DNAT_NOT_WAN',
      message: `DNAT on interface ${names.join(', ')}, not on the WAN (${wan.join(', ')}, named by the masquerade rules): not a forward from the Internet; not listed`,
      where: r.where ?? `nft ${r.family} ${r.table} ${r.chain} handle ${r.handle ?? '?'}`,
    });
    return false;
  });
  const bound = [...new Set(fromWan.flatMap((r) => (isMiniupnpdChain(r.chain) ? [] : (inNames(r) ?? []))))];
  if (wan.length === 0 && bound.length > 0) {
    parts.warnings.push({
      code: 'LINUX_WAN_UNKNOWN',
      message: `no masquerade/SNAT rule names its outgoing interface, so the WAN is not known: DNAT rules on ${bound.slice(0, 10).join(', ')} are all kept as forwards from the Internet`,
    });
  }
  const { forwards, dmzHosts } = dnatRulesToForwards(fromWan, transport, parts.warnings, extra.upnpSources);
  parts.forwards = forwards;
  const upnpCount = forwards.filter((f) => f.source === 'upnp').length;
  // No whole-host DNAT among the rules read says "no DMZ" only when the whole NAT was read.
  parts.dmz =
    dmzHosts.length > 0
      ? { enabled: true, host: dmzHosts[0]! }
      : { enabled: extra.forwards.status === 'complete' ? false : null, host: null };
  if (dmzHosts.length > 1) {
    parts.warnings.push({
      code: 'LINUX_SEVERAL_DMZ',
      message: `several whole-host DNAT rules: ${dmzHosts.join(', ')}`,
    });
  }
  // miniupnpd's chains hold its mappings; their presence does not prove the daemon runs now.
  parts.upnp = { enabled: upnpCount > 0 ? true : null, mappingCount: upnpCount, igdVersion: null };
  const f = extra.forwards;
  parts.coverage.push(
    f,
    cover(
      'upnp-mappings',
      'partial',
      'LINUX_MINIUPNPD_CHAINS',
      "miniupnpd's mappings read from its NAT chains; their descriptions and remaining lease times are not in the ruleset",
    ),
    f.status === 'complete'
      ? cover('dmz', 'complete', 'LINUX_DNAT_ALL_PORTS', 'a DNAT rule with no port match counts as a DMZ')
      : cover(
          'dmz',
          f.status,
          'LINUX_DNAT_PARTLY_READ',
          'a DMZ (DNAT rule with no port) set where the NAT was not read cannot be seen',
        ),
    cover(
      'upnp-state',
      'partial',
      'LINUX_UPNP_DAEMON_NOT_READ',
      'whether miniupnpd runs is not read; only its mappings are',
    ),
    cover(
      'ipv6-pinholes',
      'not-visible',
      'LINUX_FILTER_NOT_AUDITED',
      'IPv6 forward filter rules (pinholes) are not read',
    ),
  );
  remoteAdmin(parts, extra);
  // A DNAT to the router itself (loopback) exposes the router.
  markForwardsToRouter(parts, []);
  return parts;
}

function ifaceMatch(pattern: string, name: string): boolean {
  if (pattern.endsWith('*')) return name.startsWith(pattern.slice(0, -1));
  if (name.endsWith('*')) return pattern.startsWith(name.slice(0, -1));
  return pattern === name;
}

/** SSH exposure decided on the input filter, for new connections arriving on the WAN. */
function remoteAdmin(parts: ConfigParts, extra: Extra): void {
  const input = extra.input;
  if (input === null) {
    parts.coverage.push(cover('remote-admin', 'not-visible', 'LINUX_FILTER_NOT_AUDITED', extra.inputMissing));
    return;
  }
  const wan = extra.wanIfaces.length > 0 ? extra.wanIfaces : null;
  const services = ADMIN_PORTS.map(({ service, port }) => {
    const r = wanReaches(input, wan, port);
    if (r.open === null) {
      parts.warnings.push({
        code: 'LINUX_INPUT_UNDECIDED',
        message: `whether the input filter lets ${service} (${port}) in from the WAN depends on ${r.why}`,
      });
    }
    return { service, port, wan: r.open, restrictedTo: r.from };
  });
  parts.remoteAdmin = remoteAdminOf(services);
  parts.coverage.push(
    cover(
      'remote-admin',
      'partial',
      'LINUX_INPUT_CHAIN_READ',
      `the input filter was read for SSH (22) from ${wan ? `the WAN (${wan.join(', ')})` : 'any interface (no masquerade rule names the WAN)'}; which services listen on the router is not known`,
    ),
  );
}

/**
 * Parse a Linux ruleset: `nft -j list ruleset` JSON, nftables text (`/etc/nftables.conf` or
 * `nft list ruleset`), or `iptables-save` text (auto-detected).
 * Pure; throws BOXAUDIT_INPUT_INVALID when the text is none of them.
 */
export function parseLinuxRuleset(text: string, options: ParseOptions = {}): ConfigParts {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    const items = parseNftJson(text);
    const { rules, warnings } = decodeNftDnatRules(items);
    const out = decodeNftNatOutIfaces(items);
    return toParts(rules, warnings, options, {
      wanIfaces: out.ifaces,
      input: decodeNftJsonInput(items),
      inputMissing:
        'the ruleset has no input chain: what reaches the router is not filtered by nftables, but another firewall (iptables-legacy) may filter it',
      forwards: cover(
        'static-forwards',
        'complete',
        'LINUX_NAT_RULESET',
        'every DNAT rule of the nftables ruleset was read',
      ),
      upnpSources: decodeMiniupnpdFilterSources(items),
    });
  }
  if (/^\*(nat|filter|mangle|raw)\b/m.test(text) || /^-A \S+ .*-j DNAT/m.test(text)) {
    const tables = iptablesTables(text);
    const { rules, warnings } = decodeIptablesDnat(text);
    const hasNat = tables.has('nat') || tables.size === 0;
    return toParts(rules, warnings, options, {
      wanIfaces: iptablesNatOutIfaces(text).ifaces,
      input: decodeIptablesInput(text),
      inputMissing: 'the dump has no filter table (iptables-save -t nat): the INPUT chain is not read',
      forwards: hasNat
        ? cover(
            'static-forwards',
            'complete',
            'LINUX_NAT_RULESET',
            'every DNAT rule of the iptables nat table was read',
          )
        : cover(
            'static-forwards',
            'not-visible',
            'LINUX_NO_NAT_TABLE',
            'the dump has no nat table (saved with -t filter?): port forwards cannot be seen',
          ),
    });
  }
  if (looksLikeNftText(text)) {
    const r = parseNftText(text);
    const partial = r.includes.length > 0 || r.partial;
    const noInput = !r.hasInputChain && !r.whole;
    return toParts(r.dnat, r.warnings, options, {
      wanIfaces: r.wanIfaces,
      input: noInput ? null : r.filter,
      inputMissing:
        'the file has no input chain and does not start with "flush ruleset": other tables may filter what reaches the router',
      forwards: partial
        ? cover(
            'static-forwards',
            'partial',
            'NFT_TEXT_PARTIAL',
            `part of the ruleset was not read${r.includes.length > 0 ? ` (include ${r.includes.join(', ')})` : ''}: forwards there are not listed`,
          )
        : cover(
            'static-forwards',
            'complete',
            'NFT_TEXT_RULESET',
            'every DNAT rule of the nftables text was read',
          ),
      upnpSources: r.upnpSources,
    });
  }
  throw new BoxauditError(
    'BOXAUDIT_INPUT_INVALID',
    '[linux] input is neither `nft -j list ruleset` JSON, nftables text (nftables.conf, nft list ruleset) nor `iptables-save` output',
  );
}
