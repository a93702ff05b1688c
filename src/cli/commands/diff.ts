import { buildReport } from '../../audit.js';
import { diffReports, readAuditInput } from '../../baseline.js';
import { BoxauditError } from '../../errors.js';
import { renderDiffChunks } from '../../reporters/diff.js';
import { loadRuleSet } from '../../rules/load.js';
import type { ParsedArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { failOnOption, nowOption, outputFormat, outputLang, rulesConfig } from '../output.js';
import { printThenSave } from '../write.js';

/**
 * `boxaudit diff OLD NEW`: two saved reports, dumps or exports (anything `--from` reads), judged by
 * the same rule set, compared exposure by exposure. Exit 1 when a new exposure fails at or above
 * --fail-on, 0 otherwise, 2 on an unreadable input.
 */
export async function run({ options, positionals }: ParsedArgs, ctx: CliContext): Promise<number> {
  if (positionals.length !== 2) {
    throw new BoxauditError(
      'BOXAUDIT_USAGE',
      positionals.length < 2
        ? 'diff: give two inputs: boxaudit diff OLD NEW (saved reports, dumps or exported configurations)'
        : `diff: unexpected argument "${positionals[2]}"`,
    );
  }
  const format = outputFormat(options, ['text', 'json']);
  const lang = outputLang(options, ctx);
  const failOn = failOnOption(options);
  const now = nowOption(options) ?? new Date();
  // Both sides judged by the same rules: a rule added since is not a change of the box.
  const ruleSet = await loadRuleSet(rulesConfig(options), { signal: ctx.signal });
  const reports = [];
  for (const path of positionals) {
    const input = await readAuditInput(path, {
      signal: ctx.signal,
      secrets: ctx.secrets,
      ...(options.vendor !== undefined ? { vendor: options.vendor } : {}),
    });
    reports.push(buildReport(input.snapshots, ruleSet, { now, failOn }));
  }
  const diff = diffReports(reports[0]!, reports[1]!, { failOn });
  const chunks = renderDiffChunks(diff, { format, lang, secrets: ctx.secrets });
  const json = () => renderDiffChunks(diff, { format: 'json' });
  if (!(await printThenSave(chunks, options.output, json, ctx))) return 2;
  return diff.exitCode;
}
