/**
 * `openwrt`: OpenWrt (fw3/fw4) read over SSH with `uci show …`, or offline from `uci show` output,
 * `/etc/config/*` files and the miniupnpd lease file (any concatenation of them).
 * Reads redirects (port forwards, DMZ), IPv6 accept rules (pinholes), UPnP state and leases, and remote
 * admin exposure (uhttpd/dropbear + wan zone policy + wan input rules). The reading itself is
 * formats/uci.ts (shared with the offline import and openwrt-ubus).
 */
import { BoxauditError } from '../errors.js';
import type { ConfigParts } from '../formats/config-parts.js';
import { parseOpenwrt } from '../formats/uci.js';
import type { Snapshot } from '../model/types.js';
import { openwrtMeta } from './openwrt.meta.js';
import { collectOverSsh } from './ssh-skeleton.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';

export const OPENWRT_COMMANDS = {
  firewall: 'uci show firewall',
  upnpd: 'uci show upnpd',
  uhttpd: 'uci show uhttpd',
  dropbear: 'uci show dropbear',
  lan: 'uci show network.lan',
  leases: 'cat /var/run/miniupnpd.leases',
  leasesTmp: 'cat /tmp/upnp.leases',
  /** Technicolor Homeware's upnpd writes here (`upnp_lease_file '/var/upnp.leases'`). */
  leasesVar: 'cat /var/upnp.leases',
} as const;

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
    for (const command of [OPENWRT_COMMANDS.leases, OPENWRT_COMMANDS.leasesTmp, OPENWRT_COMMANDS.leasesVar]) {
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
  meta: { ...openwrtMeta, allowlist: Object.values(OPENWRT_COMMANDS) },
  collect,
};
