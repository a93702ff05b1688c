import { buildReport } from '../../audit.js';
import { collect } from '../../collect.js';
import { BoxauditError } from '../../errors.js';
import { cliText } from '../../i18n/cli.js';
import { renderChunks } from '../../reporters/index.js';
import { loadRuleSet } from '../../rules/load.js';
import type { AuditReport } from '../../rules/types.js';
import type { ParsedArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { checkOpenOption, htmlTarget, writeHtml } from '../html-output.js';
import { failOnOption, nowOption, outputFormat, outputLang, renderOptions, rulesConfig } from '../output.js';
import { sarifArtifactOption, sarifArtifacts } from '../sarif-artifact.js';
import { checkpoint } from '../signals.js';
import { collectOptions, resolveTarget } from '../target.js';
import { checkOutputPath, printThenSave } from '../write.js';

/** `boxaudit audit` (and bare `boxaudit`): discover → collect → evaluate → report. Exit 0/1/2. */
export async function run({ options, positionals }: ParsedArgs, ctx: CliContext): Promise<number> {
  if (positionals.length > 0) {
    throw new BoxauditError('BOXAUDIT_USAGE', `audit: unexpected argument "${positionals[0]}"`);
  }
  const format = outputFormat(options, ['text', 'json', 'sarif', 'markdown', 'html', 'prometheus']);
  checkOpenOption(options, format);
  const lang = outputLang(options, ctx);
  const failOn = failOnOption(options);
  const now = nowOption(options);
  // Rules first: a broken rule file stops us before any traffic is sent.
  const ruleSet = await loadRuleSet(rulesConfig(options), { signal: ctx.signal });
  // --output is checked before the box is contacted: a typo must not cost a read, then the report.
  const outputFile = format === 'html' ? htmlTarget(options) : options.output;
  if (outputFile !== undefined) await checkOutputPath(outputFile);
  // The MSP options load their code only when used: a doctor's audit does not pay for them.
  if (options['sarif-artifact'] !== undefined) sarifArtifactOption(options);
  const webhook =
    options.webhook === undefined && !ctx.env.BOXAUDIT_WEBHOOK
      ? undefined
      : (await import('../webhook.js')).webhookOption(options, ctx.env);
  const baseline = options.baseline === undefined ? undefined : await readBaseline(options.baseline, ctx);
  const target = await resolveTarget(options, ctx);
  const { snapshots, warnings } = await collect(target, collectOptions(options, ctx));
  for (const w of warnings) ctx.warn(cliText(ctx.lang, 'cli.warning', { message: w.message }));
  await checkpoint(ctx, 'the audit');
  const built = buildReport(snapshots, ruleSet, { now: now ?? new Date(), failOn });
  const report =
    baseline === undefined ? built : (await import('../../baseline.js')).markBaseline(built, baseline);
  await checkpoint(ctx, 'the audit');
  if (format === 'prometheus') {
    // For node_exporter's textfile collector: --output gets the metrics, written atomically.
    const site = report.snapshots[0]?.target.address ?? 'box';
    const { renderPrometheus } = await import('../../reporters/prometheus.js');
    const text = renderPrometheus([{ name: site, ok: true, report }], { now: now ?? new Date() });
    if (!(await printThenSave([text], options.output, () => [text], ctx))) return 2;
    if (webhook !== undefined && !(await sendWebhook(webhook, report, ctx))) return 2;
    return report.summary.exitCode;
  }
  const chunks = renderChunks(report, {
    ...renderOptions(format, lang, ruleSet.rules, options, ctx),
    // SARIF: each result's file (GitHub code scanning needs one); docs/output.md.
    ...(format === 'sarif' ? { sarifArtifacts: sarifArtifacts(report, options, process.cwd()) } : {}),
  });
  if (format === 'html') {
    await writeHtml(chunks, options, ctx);
  } else {
    const json = () => renderChunks(report, { format: 'json', secrets: ctx.secrets });
    if (!(await printThenSave(chunks, options.output, json, ctx, ctx.lang))) return 2;
  }
  if (webhook !== undefined && !(await sendWebhook(webhook, report, ctx))) return 2;
  if (report.summary.exitCode === 2) {
    const failed = report.snapshots.flatMap((s) =>
      s.coverage.filter((c) => c.status === 'error').map((c) => c.area),
    );
    ctx.warn(cliText(ctx.lang, 'cli.incomplete', { areas: [...new Set(failed)].join(', ') }));
  }
  return report.summary.exitCode;
}

/** `--baseline REPORT.json`: a saved `audit --json` report, read before the box is contacted. */
async function readBaseline(path: string, ctx: CliContext): Promise<AuditReport> {
  const { readAuditInput } = await import('../../baseline.js');
  const input = await readAuditInput(path, { signal: ctx.signal });
  if (input.report === null) {
    throw new BoxauditError(
      'BOXAUDIT_USAGE',
      `--baseline ${path}: not a saved report (give the output of boxaudit audit --json or --output)`,
    );
  }
  return input.report;
}

async function sendWebhook(url: URL, report: AuditReport, ctx: CliContext): Promise<boolean> {
  const { postNewFindings } = await import('../webhook.js');
  return postNewFindings(url, report, ctx);
}
