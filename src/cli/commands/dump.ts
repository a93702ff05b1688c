import { collect } from '../../collect.js';
import { BoxauditError } from '../../errors.js';
import { cliText } from '../../i18n/cli.js';
import { dumpJsonChunks } from '../../reporters/dump-json.js';
import { SCHEMA_VERSION } from '../../version.js';
import type { ParsedArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { outputFormat, outputLang } from '../output.js';
import { checkpoint } from '../signals.js';
import { collectOptions, resolveTarget } from '../target.js';
import { checkOutputPath, printThenSave } from '../write.js';

/** `boxaudit dump`: every forward, mapping, DMZ and coverage note, without judging them. */
export async function run({ options, positionals }: ParsedArgs, ctx: CliContext): Promise<number> {
  if (positionals.length > 0) {
    throw new BoxauditError('BOXAUDIT_USAGE', `dump: unexpected argument "${positionals[0]}"`);
  }
  const format = outputFormat(options, ['text', 'json']);
  const lang = outputLang(options, ctx);
  // --output is checked before the box is contacted: a typo must not cost a read, then the report.
  if (options.output !== undefined) await checkOutputPath(options.output);
  const target = await resolveTarget(options, ctx);
  const { snapshots, warnings } = await collect(target, collectOptions(options, ctx));
  for (const w of warnings) ctx.warn(cliText(ctx.lang, 'cli.warning', { message: w.message }));
  await checkpoint(ctx, 'the dump');
  const doc = { schemaVersion: SCHEMA_VERSION, snapshots };
  // JSON loads its renderer only; the text renderers (reporters/index.ts) are loaded for text.
  const chunks =
    format === 'json'
      ? dumpJsonChunks(doc, ctx.secrets)
      : (await import('../../reporters/index.js')).renderDumpChunks(doc, {
          format,
          lang,
          color: ctx.color && format === 'text',
          secrets: ctx.secrets,
        });
  const json = () => dumpJsonChunks(doc, ctx.secrets);
  return (await printThenSave(chunks, options.output, json, ctx, ctx.lang)) ? 0 : 2;
}
