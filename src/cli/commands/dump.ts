import { writeFile } from 'node:fs/promises';
import { collect } from '../../collect.js';
import { BoxauditError } from '../../errors.js';
import { renderDump } from '../../reporters/index.js';
import { SCHEMA_VERSION } from '../../version.js';
import type { ParsedArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { outputFormat, outputLang } from '../output.js';
import { collectOptions, resolveTarget } from '../target.js';

/** `boxaudit dump`: every forward, mapping, DMZ and coverage note, without judging them. */
export async function run({ options, positionals }: ParsedArgs, ctx: CliContext): Promise<number> {
  if (positionals.length > 0) {
    throw new BoxauditError('BOXAUDIT_USAGE', `dump: unexpected argument "${positionals[0]}"`);
  }
  const format = outputFormat(options, ['text', 'json']);
  const lang = outputLang(options, ctx);
  const target = await resolveTarget(options, ctx);
  const { snapshots, warnings } = await collect(target, collectOptions(options, ctx));
  for (const w of warnings) ctx.warn(`boxaudit: warning: ${w.message}`);
  const doc = { schemaVersion: SCHEMA_VERSION, snapshots };
  if (options.output !== undefined) await writeFile(options.output, renderDump(doc, { format: 'json' }));
  ctx.out(renderDump(doc, { format, lang, color: ctx.color && format === 'text' }));
  return 0;
}
