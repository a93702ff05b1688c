import { open } from 'node:fs/promises';
import { markBaseline } from '../../baseline.js';
import type { CollectOptions } from '../../collect.js';
import { BoxauditError, isBoxauditError } from '../../errors.js';
import {
  auditFleet,
  type FleetResult,
  type FleetSite,
  fleetExitCode,
  fleetResultLine,
  MAX_FLEET_CONCURRENCY,
  readFleetBaseline,
  readFleetFile,
} from '../../fleet.js';
import { statusLine } from '../../reporters/index.js';
import { renderPrometheus } from '../../reporters/prometheus.js';
import { choiceOption, intOption, type ParsedArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { failOnOption, nowOption, rulesConfig } from '../output.js';
import { limitOptions } from '../target.js';
import { postNewFindings, webhookOption } from '../webhook.js';
import { checkOutputPath, printThenSave } from '../write.js';

type FleetFormat = 'jsonl' | 'text' | 'prometheus';

/**
 * `boxaudit fleet SITES.json`: audit every site of the fleet file, a few at a time; one JSON line
 * per site as it finishes (stdout, and appended to `--jsonl FILE`); exit code of the worst site.
 * `--baseline LAST.jsonl` (an earlier run's lines): each site's findings marked new/unchanged
 * against its last report there, only new ones counting (and sent to `--webhook`).
 */
export async function run({ options, positionals }: ParsedArgs, ctx: CliContext): Promise<number> {
  if (positionals.length !== 1) {
    throw new BoxauditError(
      'BOXAUDIT_USAGE',
      positionals.length === 0
        ? 'fleet: give the fleet file: boxaudit fleet SITES.json'
        : `fleet: unexpected argument "${positionals[1]}"`,
    );
  }
  if (options.json && options.format !== undefined && options.format !== 'jsonl') {
    throw new BoxauditError('BOXAUDIT_USAGE', `--json contradicts --format ${options.format}`);
  }
  const format: FleetFormat = options.json
    ? 'jsonl'
    : choiceOption(options, 'format', ['jsonl', 'text', 'prometheus'] as const, 'jsonl');
  const failOn = failOnOption(options);
  const now = nowOption(options);
  const concurrency = intOption(options, 'concurrency', 4, MAX_FLEET_CONCURRENCY);
  const webhook = webhookOption(options, ctx.env);
  if (options.output !== undefined) await checkOutputPath(options.output);
  if (options.jsonl !== undefined) {
    await checkOutputPath(options.jsonl).catch((error: unknown) => {
      if (isBoxauditError(error))
        throw new BoxauditError(error.code, error.message.replace(/^--output/, '--jsonl'));
      throw error;
    });
  }
  const baseline =
    options.baseline === undefined
      ? undefined
      : await readFleetBaseline(options.baseline, { signal: ctx.signal });
  for (const problem of baseline?.problems.slice(0, 20) ?? []) ctx.warn(`boxaudit: --baseline: ${problem}`);
  const fleet = await readFleetFile(positionals[0]!, { env: ctx.env, signal: ctx.signal });
  for (const secret of fleet.secrets) ctx.addSecret(secret);
  const ready: FleetSite[] = [];
  const results: FleetResult[] = [];
  let webhookFailed = false;
  // Appended line by line: a log shipper (Wazuh, an OpenTelemetry filelog receiver) tails the file.
  const jsonl = options.jsonl === undefined ? undefined : await open(options.jsonl, 'a', 0o600);
  try {
    const emit = async (result: FleetResult): Promise<void> => {
      results.push(result);
      const line = fleetResultLine(result, ctx.secrets);
      if (jsonl !== undefined) await jsonl.write(line, null, 'utf8');
      if (format === 'jsonl') ctx.out(line);
      else if (format === 'text') {
        ctx.outLine(
          result.ok
            ? `${result.name}: ${statusLine(result.report)}`
            : `${result.name}: BOXAUDIT status=error code=${result.error.code} exit=2 ${result.error.message}`,
        );
      }
      ctx.progress(`boxaudit: fleet: ${result.name} ${result.ok ? 'done' : `failed (${result.error.code})`}`);
    };
    for (const site of fleet.sites) {
      if ('error' in site)
        await emit({
          name: site.name,
          ok: false,
          error: { code: site.error.code, message: site.error.message },
        });
      else ready.push(site);
    }
    const collectOptions: CollectOptions = {
      signal: ctx.signal,
      secrets: ctx.secrets,
      // One site's credentials never go to another site's box: no shared credentials, no prompt.
      ...(options.timeout ? { timeoutMs: intOption(options, 'timeout', 3000) } : {}),
      ...(options['max-entries'] ? { maxEntries: intOption(options, 'max-entries', 4096, 65536) } : {}),
      limits: limitOptions(options),
      log: ctx.progress,
    };
    const rules = rulesConfig(options);
    for await (let result of auditFleet(ready, {
      ...collectOptions,
      ...(rules !== undefined ? { rules } : {}),
      failOn,
      now: now ?? new Date(),
      concurrency,
    })) {
      const was = result.ok ? baseline?.reports.get(result.name) : undefined;
      if (result.ok && was !== undefined) result = { ...result, report: markBaseline(result.report, was) };
      await emit(result);
      if (
        webhook !== undefined &&
        result.ok &&
        !(await postNewFindings(webhook, result.report, ctx, result.name))
      ) {
        webhookFailed = true;
      }
    }
  } finally {
    await jsonl?.close();
  }
  if (format === 'prometheus') {
    const text = renderPrometheus(results, { now: now ?? new Date() });
    if (!(await printThenSave([text], options.output, () => [text], ctx))) return 2;
  } else if (options.output !== undefined) {
    const lines = results.map((r) => fleetResultLine(r, ctx.secrets));
    if (!(await printThenSave([], options.output, () => lines, ctx))) return 2;
  }
  const failed = results.filter((r) => !r.ok).length;
  if (failed > 0)
    ctx.warn(`boxaudit: fleet: ${failed} of ${results.length} sites could not be audited; exit 2`);
  return webhookFailed ? 2 : fleetExitCode(results);
}
