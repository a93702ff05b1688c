/**
 * `edgeos`: Ubiquiti EdgeRouter (EdgeOS, Vyatta-based) read over SSH with `show configuration commands`,
 * or offline from that output or from `/config/config.boot`. Audits both forwarding mechanisms: the
 * port-forward wizard (`set port-forward rule N …`) and destination NAT rules (`set service nat rule N
 * type destination`). The reading itself is formats/vyatta.ts (shared with `vyos` and the offline
 * import); the SSH command below is shared with the `vyos` adapter.
 */
import { BoxauditError } from '../errors.js';
import type { ConfigParts, ParseOptions } from '../formats/config-parts.js';
import { parseEdgeos } from '../formats/vyatta.js';
import type { Snapshot } from '../model/types.js';
import { edgeosMeta } from './edgeos.meta.js';
import { collectOverSsh, type SshSession } from './ssh-skeleton.js';
import type { Adapter, AdapterMeta, CollectContext, CollectTarget } from './types.js';
/** Non-interactive shells have no op-mode `show`; the wrapper (first) runs it (path UNCONFIRMED on some builds). */
export const EDGEOS_COMMANDS = {
  wrapper: '/opt/vyatta/bin/vyatta-op-cmd-wrapper show configuration commands',
  plain: 'show configuration commands',
} as const;

/** Run the configuration dump: the op-mode wrapper first, plain `show` as a fallback. */
export async function showConfigurationCommands(
  session: SshSession,
  adapter: string,
  host: string,
): Promise<string> {
  const wrapped = await session.run(EDGEOS_COMMANDS.wrapper);
  if (wrapped.exitCode === 0 && /^set /m.test(wrapped.stdout)) return wrapped.stdout;
  const plain = await session.run(EDGEOS_COMMANDS.plain);
  if (plain.exitCode === 0 && /^set /m.test(plain.stdout)) return plain.stdout;
  throw new BoxauditError(
    'BOXAUDIT_PROTOCOL_ERROR',
    `[${adapter}] ssh ${host}: \`show configuration commands\` gave no configuration (${(plain.stderr || wrapped.stderr).trim().slice(0, 200) || 'empty output'})`,
  );
}

/**
 * The SSH adapter of a Vyatta fork (EdgeOS, VyOS): `show configuration commands` read by `parse`
 * (formats/vyatta.ts), the two commands its allowlist.
 */
export function vyattaSshAdapter(
  meta: AdapterMeta,
  parse: (text: string, options: ParseOptions) => ConfigParts,
): Adapter {
  const allowlist = [EDGEOS_COMMANDS.wrapper, EDGEOS_COMMANDS.plain];
  const collect = (target: CollectTarget, ctx: CollectContext): Promise<Snapshot> =>
    collectOverSsh(meta.id, allowlist, target, ctx, async (session) =>
      parse(await showConfigurationCommands(session, meta.id, target.host ?? '?'), { transport: 'ssh' }),
    );
  return { meta: { ...meta, allowlist }, collect };
}

/** The `edgeos` adapter (SSH). */
export const edgeosAdapter: Adapter = vyattaSshAdapter(edgeosMeta, parseEdgeos);
