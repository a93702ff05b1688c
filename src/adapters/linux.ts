/**
 * `linux`: a Linux router (or any box with nftables/iptables) read over SSH.
 * Reads the kernel's active NAT rules: `nft -j list ruleset`, falling back to `iptables-save -t nat`.
 * Every DNAT rule of every table and chain becomes a forward; miniupnpd's chains are source `upnp`.
 */
import { BoxauditError } from '../errors.js';
import type { Snapshot } from '../model/types.js';
import { type ConfigParts, cover, emptyParts, type ParseOptions } from './_config-parts.js';
import { decodeIptablesDnat } from './_iptables.js';
import {
  decodeMiniupnpdFilterSources,
  decodeNftDnatRules,
  dnatRulesToForwards,
  type NftDnatRule,
  parseNftJson,
} from './_nft.js';
import { collectOverSsh, type SshTargetOptions } from './_ssh.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';

export const LINUX_COMMANDS = {
  nft: 'nft -j list ruleset',
  iptables: 'iptables-save -t nat',
} as const;

function toParts(
  rules: NftDnatRule[],
  warnings: ConfigParts['warnings'],
  options: ParseOptions,
  what: string,
  upnpSources?: Map<string, string>,
) {
  const parts = emptyParts();
  const transport = options.transport ?? 'file';
  parts.warnings.push(...warnings);
  const { forwards, dmzHosts } = dnatRulesToForwards(rules, transport, parts.warnings, upnpSources);
  parts.forwards = forwards;
  const upnpCount = forwards.filter((f) => f.source === 'upnp').length;
  parts.dmz = dmzHosts.length > 0 ? { enabled: true, host: dmzHosts[0]! } : { enabled: false, host: null };
  if (dmzHosts.length > 1) {
    parts.warnings.push({
      code: 'LINUX_SEVERAL_DMZ',
      message: `several whole-host DNAT rules: ${dmzHosts.join(', ')}`,
    });
  }
  // miniupnpd's chains hold its mappings; their presence does not prove the daemon runs now.
  parts.upnp = { enabled: upnpCount > 0 ? true : null, mappingCount: upnpCount, igdVersion: null };
  parts.coverage.push(
    cover('static-forwards', 'complete', 'LINUX_NAT_RULESET', `every DNAT rule of the ${what} was read`),
    cover(
      'upnp-mappings',
      'partial',
      'LINUX_MINIUPNPD_CHAINS',
      "miniupnpd's mappings read from its NAT chains; their descriptions and remaining lease times are not in the ruleset",
    ),
    cover('dmz', 'complete', 'LINUX_DNAT_ALL_PORTS', 'a DNAT rule with no port match counts as a DMZ'),
    cover(
      'upnp-state',
      'partial',
      'LINUX_UPNP_DAEMON_NOT_READ',
      'whether miniupnpd runs is not read; only its mappings are',
    ),
    cover(
      'remote-admin',
      'not-visible',
      'LINUX_FILTER_NOT_AUDITED',
      'services listening on the router and the filter rules that expose them are not read',
    ),
    cover(
      'ipv6-pinholes',
      'not-visible',
      'LINUX_FILTER_NOT_AUDITED',
      'IPv6 forward filter rules (pinholes) are not read',
    ),
  );
  return parts;
}

/**
 * Parse a Linux NAT ruleset: `nft -j list ruleset` JSON or `iptables-save` text (auto-detected).
 * Pure; throws BOXAUDIT_INPUT_INVALID when the text is neither.
 */
export function parseLinuxRuleset(text: string, options: ParseOptions = {}): ConfigParts {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    const items = parseNftJson(text);
    const { rules, warnings } = decodeNftDnatRules(items);
    return toParts(rules, warnings, options, 'nftables ruleset', decodeMiniupnpdFilterSources(items));
  }
  if (/^\*nat\b/m.test(text) || /^-A \S+ .*-j DNAT/m.test(text)) {
    const { rules, warnings } = decodeIptablesDnat(text);
    return toParts(rules, warnings, options, 'iptables nat table');
  }
  throw new BoxauditError(
    'BOXAUDIT_INPUT_INVALID',
    '[linux] input is neither `nft -j list ruleset` JSON nor `iptables-save -t nat` output',
  );
}

async function collect(target: CollectTarget, ctx: CollectContext): Promise<Snapshot> {
  return collectOverSsh('linux', linuxAdapter.meta.allowlist, target, ctx, async (session) => {
    const nft = await session.run(LINUX_COMMANDS.nft);
    if (nft.exitCode === 0 && nft.stdout.trim().startsWith('{')) {
      return parseLinuxRuleset(nft.stdout, { transport: 'ssh' });
    }
    const ipt = await session.run(LINUX_COMMANDS.iptables);
    if (ipt.exitCode === 0 && ipt.stdout.trim() !== '') {
      const p = parseLinuxRuleset(ipt.stdout.includes('*nat') ? ipt.stdout : `*nat\n${ipt.stdout}`, {
        transport: 'ssh',
      });
      p.warnings.push({
        code: 'LINUX_NFT_UNAVAILABLE',
        message: `nft failed (exit ${nft.exitCode ?? '?'}: ${firstLine(nft.stderr)}); read iptables-save instead`,
      });
      return p;
    }
    throw new BoxauditError(
      'BOXAUDIT_PROTOCOL_ERROR',
      `[linux] ssh ${target.host}: neither nft (exit ${nft.exitCode ?? '?'}: ${firstLine(nft.stderr)}) nor iptables-save (exit ${ipt.exitCode ?? '?'}: ${firstLine(ipt.stderr)}) could list the NAT rules (root or CAP_NET_ADMIN is needed)`,
    );
  });
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 200).trim() || 'no message';
}

/**
 * Collect a Linux router's NAT forwards over SSH (the `linux` adapter's collect).
 * @param target host, port (default 22), credentials (username + privateKey/agent/password) and
 *   options ({@link SshTargetOptions}: knownHostsFile | knownHosts | hostKey, trustOnFirstUse, identityFile,
 *   commandTimeoutMs, maxOutputBytes).
 */
export function collectLinux(target: CollectTarget, ctx: CollectContext = {}): Promise<Snapshot> {
  return collect(target, ctx);
}

/** The `linux` adapter (SSH). */
export const linuxAdapter: Adapter = {
  meta: {
    id: 'linux',
    name: 'Linux router (nftables / iptables) over SSH',
    transports: ['ssh', 'file'],
    capabilities: ['static-forwards', 'upnp-mappings', 'dmz'],
    credentials: ['username', 'privateKey|agent|password'],
    allowlist: [LINUX_COMMANDS.nft, LINUX_COMMANDS.iptables],
  },
  collect,
};
