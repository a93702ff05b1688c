import { buildReport } from '../../audit.js';
import { diffReports, readAuditInput } from '../../baseline.js';
import { BoxauditError, isBoxauditError } from '../../errors.js';
import type { Snapshot } from '../../model/types.js';
import { checkSnapshots } from '../../model/validate.js';
import { type ReportDiff, renderDiffChunks } from '../../reporters/diff.js';
import { createRedactor, escapeJsonText, terminalLine } from '../../reporters/sanitize.js';
import { loadRuleSet } from '../../rules/load.js';
import type { AuditReport, RuleSet, Severity } from '../../rules/types.js';
import { schemaErrorsOfReport } from '../../schema/validate.js';
import { readBoundedFile, readFailure } from '../../util/read-file.js';
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
  // Fleet JSON lines (`fleet --jsonl`, or its stdout): compared site by site.
  const fleets = await Promise.all(positionals.map((p) => readFleetLines(p, ctx.signal)));
  if (fleets.some((f) => f !== null) || options.site !== undefined) {
    return diffFleet(
      positionals as [string, string],
      fleets,
      ruleSet,
      { now, failOn, format, lang },
      options,
      ctx,
    );
  }
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

/** One night of a fleet: each site's report (`ok: true` lines) or why it has none. */
interface FleetLines {
  reports: Map<string, AuditReport>;
  failed: Map<string, string>;
}

const MAX_FLEET_LINES_BYTES = 256 * 1024 * 1024;

/**
 * FILE as fleet JSON lines (schema/fleet-result.schema.json), or null when it is not: its first
 * non-blank line must be a JSON object with a string `name` and a boolean `ok`. A later line that
 * is not valid, or whose report breaks the schema, makes that site failed (named, never skipped).
 */
async function readFleetLines(path: string, signal: AbortSignal | undefined): Promise<FleetLines | null> {
  let text: string;
  try {
    text = (await readBoundedFile(path, MAX_FLEET_LINES_BYTES, signal)).toString('utf8');
  } catch (error) {
    if (isBoxauditError(error)) throw error;
    throw new BoxauditError('BOXAUDIT_NOT_FOUND', `${path}: cannot read it (${readFailure(error)})`);
  }
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const first = lines.find((l) => l.trim() !== '');
  if (first === undefined || !isSiteLine(parse(first))) return null;
  const out: FleetLines = { reports: new Map(), failed: new Map() };
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const value = parse(line);
    if (!isSiteLine(value)) {
      throw new BoxauditError(
        'BOXAUDIT_INPUT_INVALID',
        `${path}:${i + 1}: not a fleet result line ({"name": …, "ok": …})`,
      );
    }
    if (!value.ok) {
      const error = value.error as { code?: unknown } | undefined;
      out.reports.delete(value.name);
      out.failed.set(value.name, `the site could not be audited (${String(error?.code ?? 'no report')})`);
      return;
    }
    const problems = schemaErrorsOfReport(value.report, `${path}:${i + 1}`);
    if (problems.length > 0) {
      out.reports.delete(value.name);
      out.failed.set(value.name, problems[0]!);
      return;
    }
    out.failed.delete(value.name);
    out.reports.set(value.name, value.report as AuditReport);
  });
  return out;
}

function parse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function isSiteLine(v: unknown): v is { name: string; ok: boolean; report?: unknown; error?: unknown } {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { name?: unknown }).name === 'string' &&
    typeof (v as { ok?: unknown }).ok === 'boolean'
  );
}

type SiteDiff = { name: string; ok: true; diff: ReportDiff } | { name: string; ok: false; error: string };

/**
 * `diff OLD.jsonl NEW.jsonl [--site NAME]`: each site of either night, judged by the same rules.
 * A site with no report last night is compared with nothing (all its exposures new: an alert too
 * many, never one too few); a site with none tonight cannot be compared (exit 2). One side may be a
 * single report, dump or export when `--site` names the site of the other.
 */
async function diffFleet(
  paths: [string, string],
  fleets: (FleetLines | null)[],
  ruleSet: RuleSet,
  o: { now: string | Date; failOn: Severity; format: 'text' | 'json'; lang: 'en' | 'fr' },
  options: ParsedArgs['options'],
  ctx: CliContext,
): Promise<number> {
  const site = options.site;
  if (site === undefined && fleets.some((f) => f === null)) {
    throw new BoxauditError(
      'BOXAUDIT_USAGE',
      `diff: ${paths[fleets.indexOf(null)]} is not fleet JSON lines; compare one site of the other with --site NAME`,
    );
  }
  // A side that is not fleet lines is the named site's own input.
  const sides: FleetLines[] = [];
  for (const [i, fleet] of fleets.entries()) {
    if (fleet !== null) {
      sides.push(fleet);
      continue;
    }
    const input = await readAuditInput(paths[i]!, {
      signal: ctx.signal,
      secrets: ctx.secrets,
      ...(options.vendor !== undefined ? { vendor: options.vendor } : {}),
    });
    sides.push({ reports: new Map([[site!, reportOf(input.snapshots, ruleSet, o)]]), failed: new Map() });
  }
  const [older, newer] = sides as [FleetLines, FleetLines];
  const names =
    site !== undefined
      ? [site]
      : [...new Set([...older.reports.keys(), ...newer.reports.keys(), ...newer.failed.keys()])].sort();
  const results: SiteDiff[] = names.map((name) => {
    const after = newer.reports.get(name);
    if (after === undefined) {
      const why = newer.failed.get(name) ?? `no line for this site in ${paths[1]}`;
      return { name, ok: false, error: why };
    }
    const before = older.reports.get(name);
    const rejudged = (r: AuditReport) => reportOf(checkSnapshots(r.snapshots), ruleSet, o);
    return {
      name,
      ok: true,
      diff: diffReports(before === undefined ? reportOf([], ruleSet, o) : rejudged(before), rejudged(after), {
        failOn: o.failOn,
      }),
    };
  });
  const exit = results.reduce<number>((worst, r) => Math.max(worst, r.ok ? r.diff.exitCode : 2), 0);
  const redactor = createRedactor(ctx.secrets);
  function* chunks(format: 'text' | 'json'): Generator<string> {
    for (const r of results) {
      if (format === 'json') {
        yield `${escapeJsonText(JSON.stringify(r.ok ? r : { name: r.name, ok: false, error: { message: r.error } }))}\n`;
        continue;
      }
      yield `${terminalLine(`== ${r.name} ==`, redactor)}\n`;
      if (r.ok) yield* renderDiffChunks(r.diff, { format: 'text', lang: o.lang, secrets: ctx.secrets });
      else yield `${terminalLine(`  could not compare: ${r.error}`, redactor)}\n`;
      yield '\n';
    }
    if (format === 'text') {
      const changed = results.filter((r) => r.ok && r.diff.new.length + r.diff.gone.length > 0).length;
      const failed = results.filter((r) => !r.ok).length;
      yield `BOXAUDIT-DIFF-FLEET sites=${results.length} changed=${changed} failed=${failed} failon=${o.failOn} exit=${exit}\n`;
    }
  }
  if (!(await printThenSave(chunks(o.format), options.output, () => chunks('json'), ctx))) {
    return 2;
  }
  return exit;
}

function reportOf(
  snapshots: Snapshot[],
  ruleSet: RuleSet,
  o: { now: string | Date; failOn: Severity },
): AuditReport {
  return buildReport(snapshots, ruleSet, { now: o.now, failOn: o.failOn });
}
