/**
 * `pfsense`: pfSense CE/Plus, read as `/conf/config.xml` over SSH or from a backup file
 * (Diagnostics → Backup & Restore). pfSense has no official REST API; the XML is the source of truth.
 */

import { BoxauditError } from '../errors.js';
import { parsePfsense } from '../formats/pfsense-config.js';
import type { Snapshot } from '../model/types.js';
import { pfsenseMeta } from './pfsense.meta.js';
import { collectOverSsh, type SshSession } from './ssh-skeleton.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';

export const PFSENSE_COMMANDS = {
  config: 'cat /conf/config.xml',
  configCf: 'cat /cf/conf/config.xml',
} as const;

async function collect(target: CollectTarget, ctx: CollectContext): Promise<Snapshot> {
  return collectOverSsh('pfsense', pfsenseAdapter.meta.allowlist, target, ctx, async (session) =>
    parsePfsense(
      await readConfigXml(session, 'pfsense', target.host ?? '?', [
        PFSENSE_COMMANDS.config,
        PFSENSE_COMMANDS.configCf,
      ]),
      { transport: 'ssh' },
    ),
  );
}

/** The `pfsense` adapter (SSH). */
export const pfsenseAdapter: Adapter = {
  meta: { ...pfsenseMeta, allowlist: Object.values(PFSENSE_COMMANDS) },
  collect,
};

/** Read config.xml over SSH (pfSense and OPNsense) with the first allowlisted path that works (never logs its content: it holds secrets). */
export async function readConfigXml(
  session: SshSession,
  adapter: string,
  host: string,
  commands: readonly string[],
): Promise<string> {
  const failures: string[] = [];
  for (const command of commands) {
    const r = await session.run(command);
    if (r.exitCode === 0 && r.stdout.includes('<')) return r.stdout;
    failures.push(`${command}: exit ${r.exitCode ?? '?'} ${r.stderr.trim().slice(0, 120)}`);
  }
  throw new BoxauditError(
    'BOXAUDIT_PROTOCOL_ERROR',
    `[${adapter}] ssh ${host}: config.xml could not be read (${failures.join('; ')}); the user needs a shell and read access to /conf`,
  );
}
