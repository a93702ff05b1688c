/**
 * `vyos`: VyOS 1.1 to 1.5 read over SSH with `show configuration commands`, or offline from that output or
 * from `/config/config.boot`. Reads `nat destination rule N …` in every syntax (1.3 `inbound-interface
 * 'eth0'`, 1.4+ `inbound-interface name 'eth0'`), `service upnp`, and remote admin (`service https|ssh`)
 * against what filters the WAN. The reading itself is formats/vyatta.ts (with EdgeOS's: the two forks
 * share their rules); the tree, the WAN and the groups are formats/vyatta-config.ts.
 */
import { parseVyos } from '../formats/vyatta.js';
import type { Snapshot } from '../model/types.js';
import { EDGEOS_COMMANDS, showConfigurationCommands } from './edgeos.js';
import { collectOverSsh } from './ssh-skeleton.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';
import { vyosMeta } from './vyos.meta.js';

async function collect(target: CollectTarget, ctx: CollectContext): Promise<Snapshot> {
  return collectOverSsh('vyos', vyosAdapter.meta.allowlist, target, ctx, async (session) =>
    parseVyos(await showConfigurationCommands(session, 'vyos', target.host ?? '?'), { transport: 'ssh' }),
  );
}

/** The `vyos` adapter (SSH). */
export const vyosAdapter: Adapter = {
  meta: { ...vyosMeta, allowlist: [EDGEOS_COMMANDS.wrapper, EDGEOS_COMMANDS.plain] },
  collect,
};
