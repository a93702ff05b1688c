/**
 * `opnsense`: OPNsense, read as `/conf/config.xml` over SSH or from a backup file
 * (System → Configuration → Backups). Legacy `<nat><rule>` port forwards plus the MVC model where known.
 */

import { parseOpnsense } from '../formats/pfsense-config.js';
import type { Snapshot } from '../model/types.js';
import { opnsenseMeta } from './opnsense.meta.js';
import { readConfigXml } from './pfsense.js';
import { collectOverSsh } from './ssh-skeleton.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';

export const OPNSENSE_COMMANDS = {
  config: 'cat /conf/config.xml',
} as const;

async function collect(target: CollectTarget, ctx: CollectContext): Promise<Snapshot> {
  return collectOverSsh('opnsense', opnsenseAdapter.meta.allowlist, target, ctx, async (session) =>
    parseOpnsense(await readConfigXml(session, 'opnsense', target.host ?? '?', [OPNSENSE_COMMANDS.config]), {
      transport: 'ssh',
    }),
  );
}

/** The `opnsense` adapter (SSH). */
export const opnsenseAdapter: Adapter = {
  meta: { ...opnsenseMeta, allowlist: Object.values(OPNSENSE_COMMANDS) },
  collect,
};
