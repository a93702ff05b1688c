import { buildReport } from '../../audit.js';
import { type AuditTarget, collect } from '../../collect.js';
import { BoxauditError } from '../../errors.js';
import { cliText } from '../../i18n/cli.js';
import { colon, type Lang, severityWord } from '../../i18n/index.js';
import type { PortForward, Snapshot } from '../../model/types.js';
import { renderChunks } from '../../reporters/index.js';
import { loadRuleSet } from '../../rules/load.js';
import { type AuditReport, type Finding, SEVERITIES, type Severity } from '../../rules/types.js';
import { redactUrl } from '../../transport/pin.js';
import { type MappingToRemove, mappingFromRaw, openUpnpFixClient } from '../../upnp/write.js';
import type { ParsedArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { failOnOption, nowOption, outputFormat, outputLang, renderOptions, rulesConfig } from '../output.js';
import { promptYesNo } from '../prompt.js';
import { checkpoint } from '../signals.js';
import { collectOptions, resolveTarget } from '../target.js';
import { checkOutputPath, printThenSave } from '../write.js';

/**
 * `boxaudit fix [target]`: the one command that changes a box. It audits, lists the UPnP mappings
 * with a finding at or above --fail-on (or the ones named with --forward ID), asks for confirmation
 * on a terminal (or takes --yes), removes each with DeletePortMapping, reads the box again and prints
 * the new report. Only mappings the box reported over UPnP are touched; manual forwards get advice.
 *
 * Exit: the new report's code (0 nothing left at or above --fail-on, 1 some left); 2 for a usage
 * error, a refused confirmation context, or a removal that failed; 1 when the user declined.
 */
export async function run({ options, positionals }: ParsedArgs, ctx: CliContext): Promise<number> {
  if (positionals.length > 0) {
    throw new BoxauditError('BOXAUDIT_USAGE', `fix: unexpected argument "${positionals[0]}"`);
  }
  const lang = outputLang(options, ctx);
  // Never without a confirmation: a terminal to answer on, or --yes. Checked before any traffic.
  if (options.yes !== true && !ctx.interactive) {
    throw new BoxauditError('BOXAUDIT_USAGE', cliText(lang, 'fix.needsConfirmation'), LOCALIZED);
  }
  for (const flag of ['from', 'vendor'] as const) {
    if (options[flag] !== undefined) {
      throw new BoxauditError(
        'BOXAUDIT_USAGE',
        cliText(lang, 'fix.notUpnpTarget', { flag: `--${flag}` }),
        LOCALIZED,
      );
    }
  }
  const format = outputFormat(options, ['text', 'json', 'sarif', 'markdown']);
  const failOn = failOnOption(options);
  const now = nowOption(options);
  const ruleSet = await loadRuleSet(rulesConfig(options), { signal: ctx.signal });
  if (options.output !== undefined) await checkOutputPath(options.output);
  const target = await resolveTarget(options, ctx);
  // Only UPnP matters here: no password prompt for a recognised box (its API is never written to).
  const readOptions = { ...collectOptions(options, ctx), askCredentials: undefined };
  const audit = async (): Promise<AuditReport> => {
    const { snapshots, warnings } = await collect(target, readOptions);
    for (const w of warnings) ctx.warn(cliText(ctx.lang, 'cli.warning', { message: w.message }));
    await checkpoint(ctx, 'fix');
    return buildReport(snapshots, ruleSet, { now: now ?? new Date(), failOn });
  };

  ctx.progress(cliText(lang, 'fix.reading'));
  const before = await audit();
  const plan = planFix(before, failOn, options.forward ?? [], lang);
  const show = (line: string) => ctx.warn(line);

  if (plan.remove.length === 0) show(cliText(lang, 'fix.nothing', { severity: severityWord(lang, failOn) }));
  else {
    const key = options.forward !== undefined ? 'fix.planTitleChosen' : 'fix.planTitle';
    show(cliText(lang, key, { count: plan.remove.length, severity: severityWord(lang, failOn) }));
    for (const item of plan.remove) {
      show(`  - ${item.label}`);
      for (const reason of item.reasons) show(`      ${cliText(lang, 'fix.why')}${colon(lang)}${reason}`);
    }
  }
  listOthers(show, lang, 'fix.cannotTitle', plan.cannot);
  listOthers(show, lang, 'fix.manualTitle', plan.manual);
  if (plan.remove.length === 0) return before.summary.exitCode;

  let confirmed = options.yes === true;
  if (!confirmed) {
    show('');
    confirmed = await promptYesNo(cliText(lang, 'fix.confirm', { count: plan.remove.length }), ctx.signal);
  }
  if (!confirmed) {
    show(cliText(lang, 'fix.declined'));
    return 1;
  }

  let failed = 0;
  let removed = 0;
  const removedKeys = new Set<string>();
  const clients = new Map<string, Awaited<ReturnType<typeof openUpnpFixClient>>>();
  for (const item of plan.remove) {
    await checkpoint(ctx, 'fix');
    // The URL as given (with any user:password it carries) when it is the audited one.
    const url = fullUrl(target, item.descriptionUrl);
    let client = clients.get(url);
    if (client === undefined) {
      try {
        client = await openUpnpFixClient(url, {
          signal: ctx.signal,
          ...(options.timeout ? { timeoutMs: readOptions.timeoutMs } : {}),
        });
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        failed += 1;
        const message = error instanceof Error ? error.message : String(error);
        show(cliText(lang, 'fix.failed', { mapping: item.label, message }));
        continue;
      }
      clients.set(url, client);
    }
    const outcome = await client.remove(item.mapping);
    if (outcome.status === 'removed') {
      removed += 1;
      removedKeys.add(keyOf(item.mapping));
      show(cliText(lang, 'fix.removed', { mapping: item.label }));
    } else if (outcome.status === 'gone') {
      show(cliText(lang, 'fix.gone', { mapping: item.label }));
    } else if (outcome.status === 'changed') {
      show(
        cliText(lang, 'fix.changed', {
          mapping: item.label,
          client: outcome.internalClient || '?',
          port: outcome.internalPort || '?',
        }),
      );
    } else {
      failed += 1;
      show(cliText(lang, 'fix.failed', { mapping: item.label, message: outcome.message }));
    }
  }
  show(cliText(lang, 'fix.summary', { removed, total: plan.remove.length }));

  ctx.progress(cliText(lang, 'fix.rereading'));
  const after = await audit();
  // A mapping removed and listed again: the device that opened it is renewing it.
  const still = new Set(
    after.snapshots.flatMap((s) => s.forwards.map((f) => mappingFromRaw(f.provenance.raw))).map(keyOf),
  );
  for (const item of plan.remove) {
    const key = keyOf(item.mapping);
    if (removedKeys.has(key) && still.has(key))
      show(cliText(lang, 'fix.reappeared', { mapping: item.label }));
  }
  if (removed > 0) show(cliText(lang, 'fix.upnpAdvice'));
  show('');
  // health only shapes the HTML page, which fix does not print: the same options as audit.
  const chunks = renderChunks(after, renderOptions(format, lang, ruleSet.rules, options, ctx));
  const json = () => renderChunks(after, { format: 'json', secrets: ctx.secrets });
  if (!(await printThenSave(chunks, options.output, json, ctx, ctx.lang))) return 2;
  return failed > 0 ? 2 : after.summary.exitCode;
}

const fullUrl = (target: AuditTarget, shown: string): string =>
  'upnp' in target && redactUrl(target.upnp) === shown ? target.upnp : shown;

function listOthers(
  show: (line: string) => void,
  lang: Lang,
  key: 'fix.cannotTitle' | 'fix.manualTitle',
  items: PlanItem[],
) {
  if (items.length === 0) return;
  show('');
  show(cliText(lang, key, { count: items.length }));
  for (const item of items) {
    show(`  - ${item.label}`);
    for (const reason of item.reasons) show(`      ${cliText(lang, 'fix.why')}${colon(lang)}${reason}`);
  }
}

interface PlanItem {
  label: string;
  reasons: string[];
}

interface Removal extends PlanItem {
  descriptionUrl: string;
  mapping: MappingToRemove;
}

export interface FixPlan {
  /** UPnP mappings the box reported, to remove over UPnP. */
  remove: Removal[];
  /** UPnP-sourced forwards boxaudit cannot name safely (unknown protocol, wildcard port, read via a vendor API). */
  cannot: PlanItem[];
  /** Forwards UPnP did not open (manual forwards, DMZ): advice only. */
  manual: PlanItem[];
}

/** The message is already in the run's language (see describeError). */
const LOCALIZED = { details: { localized: true } };

const keyOf = (m: MappingToRemove | null): string =>
  m === null ? '' : `${m.controlUrl} ${m.remoteHost} ${m.externalPort} ${m.protocol}`;

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

/**
 * Which forwards `fix` would remove: those with a failed finding at or above `failOn`, or exactly
 * the `chosen` ids. A forward is removable only when the UPnP IGD adapter read it (its box values
 * and control URL are at hand) from a box whose description URL is known.
 */
export function planFix(report: AuditReport, failOn: Severity, chosen: string[], lang: Lang): FixPlan {
  const plan: FixPlan = { remove: [], cannot: [], manual: [] };
  const reasons = new Map<string, Finding[]>();
  for (const finding of report.findings) {
    if (finding.forwardId === null || finding.status !== 'fail') continue;
    const key = `${finding.snapshotIndex} ${finding.forwardId}`;
    reasons.set(key, [...(reasons.get(key) ?? []), finding]);
  }
  const found = new Set<string>();
  const seen = new Set<string>();
  report.snapshots.forEach((snapshot, index) => {
    for (const forward of snapshot.forwards) {
      const findings = reasons.get(`${index} ${forward.id}`) ?? [];
      const picked =
        chosen.length > 0
          ? chosen.includes(forward.id)
          : findings.some((f) => rank(f.severity) <= rank(failOn));
      if (!picked) continue;
      found.add(forward.id);
      const item: PlanItem = {
        label: describeForward(forward, lang),
        reasons: findings
          .filter((f) => chosen.length > 0 || rank(f.severity) <= rank(failOn))
          .map((f) => `${severityWord(lang, f.severity)}${colon(lang)}${f.title[lang]}`),
      };
      if (forward.source !== 'upnp') {
        plan.manual.push(item);
        continue;
      }
      const mapping =
        forward.provenance.adapter === 'upnp-igd' ? mappingFromRaw(forward.provenance.raw) : null;
      const descriptionUrl = descriptionUrlOf(snapshot);
      if (mapping === null || descriptionUrl === null) {
        plan.cannot.push(item);
        continue;
      }
      // A mapping of unknown protocol is two forwards (tcp, udp) of one box entry: removed once.
      const key = `${descriptionUrl} ${keyOf(mapping)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      plan.remove.push({ ...item, descriptionUrl, mapping });
    }
  });
  for (const id of chosen) {
    if (!found.has(id))
      throw new BoxauditError('BOXAUDIT_USAGE', cliText(lang, 'fix.unknownForward', { id }), LOCALIZED);
  }
  return plan;
}

/** The URL the audit read the box's UPnP description from (shown without credentials). */
function descriptionUrlOf(snapshot: Snapshot): string | null {
  const url = snapshot.gateway.descriptionUrl;
  return url !== null && /^https?:\/\//i.test(url) ? redactUrl(url) : null;
}

/** `TCP 104 → 10.77.0.10:104 "PACS"` (the box's description capped; the line is sanitized on output). */
function describeForward(f: PortForward, lang: Lang): string {
  const range = (r: PortForward['externalPort']) =>
    r === null ? '?' : r.start === r.end ? String(r.start) : `${r.start}-${r.end}`;
  const what = f.source === 'dmz' ? 'DMZ' : `${f.protocol.toUpperCase()} ${range(f.externalPort)}`;
  const to = `${f.internalHost ?? '?'}${f.internalPort === null ? '' : `:${range(f.internalPort)}`}`;
  const description = f.description === null ? '' : ` "${f.description.slice(0, 60)}"`;
  const from =
    f.remoteHost === null ? '' : lang === 'fr' ? ` (depuis ${f.remoteHost})` : ` (from ${f.remoteHost})`;
  return `${what} → ${to}${description}${from}`;
}
