import { collect } from '../../collect.js';
import { BoxauditError } from '../../errors.js';
import { renderDumpChunks } from '../../reporters/index.js';
import { SCHEMA_VERSION } from '../../version.js';
import type { ParsedArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { outputFormat, outputLang } from '../output.js';
import { collectOptions, resolveTarget } from '../target.js';
import { stdoutSink, writeChunks, writeFileChunks } from '../write.js';
import { checkpoint } from './audit.js';

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
  await checkpoint(ctx, 'the dump');
  const doc = { schemaVersion: SCHEMA_VERSION, snapshots };
  if (options.output !== undefined) {
    await writeFileChunks(
      options.output,
      renderDumpChunks(doc, { format: 'json', secrets: ctx.secrets }),
      ctx.signal,
    );
  }
  const chunks = renderDumpChunks(doc, {
    format,
    lang,
    color: ctx.color && format === 'text',
    secrets: ctx.secrets,
  });
  await writeChunks(chunks, stdoutSink(), ctx.signal);
  return 0;
}
