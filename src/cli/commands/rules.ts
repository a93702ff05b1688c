import { BoxauditError } from '../../errors.js';
import { escapeJsonText } from '../../reporters/sanitize.js';
import { loadRuleSet, validateRuleFiles } from '../../rules/load.js';
import { ruleSeverity } from '../../rules/severity.js';
import type { ParsedArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { outputFormat, outputLang, rulesConfig } from '../output.js';

/** `boxaudit rules list [--json]` and `boxaudit rules validate FILE…` (exit 2 when a file is invalid). */
export async function run({ options, positionals }: ParsedArgs, ctx: CliContext): Promise<number> {
  const [sub, ...files] = positionals;
  if (sub === 'validate') {
    if (files.length === 0)
      throw new BoxauditError('BOXAUDIT_USAGE', 'rules validate: give one or more rule or config files');
    const results = await validateRuleFiles(files);
    const format = outputFormat(options, ['text', 'json']);
    if (format === 'json') {
      ctx.out(`${escapeJsonText(JSON.stringify(results, null, 2))}\n`);
    } else {
      for (const r of results) {
        if (r.ok) ctx.outLine(`${r.file}: ok`);
        else for (const e of r.errors) ctx.warn(e);
      }
    }
    return results.every((r) => r.ok) ? 0 : 2;
  }
  if (sub === 'list' || sub === undefined) {
    const ruleSet = await loadRuleSet(rulesConfig(options), { signal: ctx.signal });
    const format = outputFormat(options, ['text', 'json']);
    const lang = outputLang(options, ctx);
    if (format === 'json') {
      // `severity` is the rule's own; `effectiveSeverity` the one in force (profiles, overrides).
      const rows = ruleSet.rules.map((rule) => {
        const { examples: _examples, ...shown } = rule;
        return { ...shown, effectiveSeverity: ruleSeverity(rule, ruleSet).severity };
      });
      ctx.out(`${escapeJsonText(JSON.stringify({ profiles: ruleSet.profiles, rules: rows }, null, 2))}\n`);
    } else {
      const width = Math.max(...ruleSet.rules.map((r) => r.id.length));
      for (const r of ruleSet.rules) {
        ctx.outLine(
          `${r.id.padEnd(width)}  ${ruleSeverity(r, ruleSet).severity.padEnd(8)}  ${r.category.padEnd(13)}  ${r.title[lang]}`,
        );
      }
    }
    return 0;
  }
  throw new BoxauditError('BOXAUDIT_USAGE', `rules: unknown subcommand "${sub}" (use list or validate)`);
}
