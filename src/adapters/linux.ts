/**
 * `linux`: a Linux router (or any box with nftables/iptables) read over SSH.
 * Reads the kernel's active NAT rules: `nft -j list ruleset`, falling back to `iptables-save -t nat`;
 * offline also nftables text (`/etc/nftables.conf`, `nft list ruleset`) and full `iptables-save` dumps.
 * Every DNAT rule arriving on the WAN (the masquerade/SNAT outgoing interface) becomes a forward;
 * miniupnpd's chains are source `upnp`. SSH exposure is decided on the input chain when there is one.
 * The reading itself is formats/linux-ruleset.ts (shared with the offline import).
 */
import { BoxauditError } from '../errors.js';
import { parseLinuxRuleset } from '../formats/linux-ruleset.js';
import type { Snapshot } from '../model/types.js';
import { linuxMeta } from './linux.meta.js';
import { collectOverSsh, type SshTargetOptions } from './ssh-skeleton.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';

export const LINUX_COMMANDS = {
  nft: 'nft -j list ruleset',
  iptables: 'iptables-save -t nat',
} as const;

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
  meta: { ...linuxMeta, allowlist: [LINUX_COMMANDS.nft, LINUX_COMMANDS.iptables] },
  collect,
};
