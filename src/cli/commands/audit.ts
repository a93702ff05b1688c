import { buildReport } from '../../audit.js';
import { collect } from '../../collect.js';
import { BoxauditError } from '../../errors.js';
import { renderChunks } from '../../reporters/index.js';
import { loadRuleSet } from '../../rules/load.js';
import type { ParsedArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { failOnOption, nowOption, outputFormat, outputLang, rulesConfig } from '../output.js';
import { checkpoint } from '../signals.js';
import { collectOptions, resolveTarget } from '../target.js';
import { checkOutputPath, printThenSave } from '../write.js';

/** `boxaudit audit` (and bare `boxaudit`): discover → collect → evaluate → report. Exit 0/1/2. */
export async function run({ options, positionals }: ParsedArgs, ctx: CliContext): Promise<number> {
  if (positionals.length > 0) {
    throw new BoxauditError('BOXAUDIT_USAGE', `audit: unexpected argument "${positionals[0]}"`);
  }
  const format = outputFormat(options, ['text', 'json', 'sarif', 'markdown']);
  const lang = outputLang(options, ctx);
  const failOn = failOnOption(options);
  const now = nowOption(options);
  // Rules first: a broken rule file stops us before any traffic is sent.
  const ruleSet = await loadRuleSet(rulesConfig(options), { signal: ctx.signal });
  // --output is checked before the box is contacted: a typo must not cost a read, then the report.
  if (options.output !== undefined) await checkOutputPath(options.output);
  const target = await resolveTarget(options, ctx);
  const { snapshots, warnings } = await collect(target, collectOptions(options, ctx));
  for (const w of warnings) ctx.warn(`boxaudit: warning: ${w.message}`);
  await checkpoint(ctx, 'the audit');
  const report = buildReport(snapshots, ruleSet, { now: now ?? new Date(), failOn });
  await checkpoint(ctx, 'the audit');
  const chunks = renderChunks(report, {
    format,
    lang,
    color: ctx.color && format === 'text',
    rules: ruleSet.rules,
    secrets: ctx.secrets,
  });
  const json = () => renderChunks(report, { format: 'json', secrets: ctx.secrets });
  if (!(await printThenSave(chunks, options.output, json, ctx.signal, ctx.warn))) return 2;
  if (report.summary.exitCode === 2) {
    const failed = report.snapshots.flatMap((s) =>
      s.coverage.filter((c) => c.status === 'error').map((c) => c.area),
    );
    ctx.warn(
      `boxaudit: incomplete audit: could not read ${[...new Set(failed)].join(', ')} (see Coverage); exit 2`,
    );
  }
  return report.summary.exitCode;
}

export { checkpoint } from '../signals.js';
