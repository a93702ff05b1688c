/**
 * `routeros`: MikroTik RouterOS (v6/v7) read over SSH, or offline from an `/export` file.
 * Static dst-nat rules come from `/ip firewall nat export terse`; dynamic (UPnP) ones only from
 * `print detail` (export omits them, flag `D`); UPnP state from `/ip upnp print`; remote admin from
 * `/ip service print detail` checked against the input chain of `/ip firewall filter export terse`.
 * The reading itself is formats/routeros.ts (shared with the offline import and routeros-rest).
 */
import { BoxauditError } from '../errors.js';
import type { ConfigParts } from '../formats/config-parts.js';
import { parseRouteros } from '../formats/routeros.js';
import type { Snapshot } from '../model/types.js';
import { routerosMeta } from './routeros.meta.js';
import { collectOverSsh } from './ssh-skeleton.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';

export const ROUTEROS_COMMANDS = {
  natExport: '/ip firewall nat export terse',
  natPrint: '/ip firewall nat print detail without-paging',
  upnp: '/ip upnp print',
  services: '/ip service print detail without-paging',
  filterExport: '/ip firewall filter export terse',
  addresses: '/ip address export terse',
  // What says which interface is the WAN (RouterOS 6.41+ for interface lists).
  interfaceLists: '/interface list member export terse',
  dhcpClients: '/ip dhcp-client export terse',
  routes: '/ip route export terse',
  upnpInterfaces: '/ip upnp interfaces export terse',
} as const;

async function collect(target: CollectTarget, ctx: CollectContext): Promise<Snapshot> {
  return collectOverSsh('routeros', routerosAdapter.meta.allowlist, target, ctx, async (session) => {
    const out: Record<string, string> = {};
    const warnings: ConfigParts['warnings'] = [];
    for (const [key, command] of Object.entries(ROUTEROS_COMMANDS)) {
      const r = await session.run(command);
      // RouterOS reports errors on stdout ("bad command name …", "expected end of command").
      if (r.exitCode !== 0 && r.exitCode !== null) {
        warnings.push({
          code: 'ROUTEROS_COMMAND_FAILED',
          message: r.stderr.trim().slice(0, 200),
          where: command,
        });
      } else if (/^(bad command name|expected |syntax error|failure:)/im.test(r.stdout)) {
        warnings.push({
          code: 'ROUTEROS_COMMAND_FAILED',
          message: r.stdout.trim().slice(0, 200),
          where: command,
        });
      } else out[key] = r.stdout;
    }
    if (out.natExport === undefined && out.natPrint === undefined) {
      throw new BoxauditError(
        'BOXAUDIT_PROTOCOL_ERROR',
        `[routeros] ssh ${target.host}: the NAT table could not be read`,
      );
    }
    const text = [
      out.natExport ?? '',
      out.filterExport ?? '',
      out.addresses ?? '',
      out.interfaceLists ?? '',
      out.dhcpClients ?? '',
      out.routes ?? '',
      out.upnpInterfaces ?? '',
    ].join('\n');
    const p = parseRouteros(text, {
      transport: 'ssh',
      natRead: true,
      ...(out.natPrint !== undefined ? { natPrint: out.natPrint } : {}),
      ...(out.upnp !== undefined ? { upnpPrint: out.upnp } : {}),
      ...(out.services !== undefined ? { servicePrint: out.services } : {}),
    });
    p.warnings.push(...warnings);
    return p;
  });
}

/** The `routeros` adapter (SSH). */
export const routerosAdapter: Adapter = {
  meta: { ...routerosMeta, allowlist: Object.values(ROUTEROS_COMMANDS) },
  collect,
};
