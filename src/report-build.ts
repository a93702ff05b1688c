/**
 * The report from snapshots and a resolved rule set, text included: pure (no I/O, no `node:`
 * import), so `boxaudit/report` can evaluate and describe in a browser too. `audit` and `fleet`
 * call it after reading the boxes.
 */
import { checkOptions } from './errors.js';
import { adjustmentText } from './i18n/adjustment.js';
import type { Snapshot } from './model/types.js';
import { checkSnapshots } from './model/validate.js';
import * as rulesDescribe from './rules/describe.js';
import { evaluate } from './rules/evaluate.js';
import type {
  AuditReport,
  EvaluatedFinding,
  EvaluatedWaivedFinding,
  Finding,
  RuleSet,
  Severity,
  WaivedFinding,
} from './rules/types.js';
import { SCHEMA_VERSION, VERSION } from './version.js';

/** Options of `buildReport` (and of `audit`): `evaluate`'s, with `now` defaulting to the current time. */
export interface ReportOptions {
  /** When waivers are judged (expiry). Default: now. Pass a fixed value for reproducible reports. */
  now?: Date | string;
  /** Exit-code threshold: findings at or above it make `summary.exitCode` 1. Default `high`. */
  failOn?: Severity;
}

/**
 * One finding with its text (its rule's title, message and remediation for the forward, and the
 * sentences of its severity adjustments), for library users who call `evaluate` and want to show a
 * few findings. `snapshots` and `ruleSet` are the ones it was evaluated with.
 * @throws BoxauditError BOXAUDIT_INPUT_INVALID when the finding's rule or forward is not in them.
 */
export function describeFinding(finding: EvaluatedFinding, snapshots: Snapshot[], ruleSet: RuleSet): Finding {
  return rulesDescribe.describeFinding(finding, snapshots, ruleSet, adjustmentText);
}

/** Every finding and waived finding of an evaluation, with its text (what a report holds). */
export function describeFindings(
  result: { findings: EvaluatedFinding[]; waived: EvaluatedWaivedFinding[] },
  snapshots: Snapshot[],
  ruleSet: RuleSet,
): { findings: Finding[]; waived: WaivedFinding[] } {
  return rulesDescribe.describeFindings(result, snapshots, ruleSet, adjustmentText);
}

/** Evaluate snapshots against a resolved rule set and assemble the report, text included (pure). */
export function buildReport(
  snapshots: Snapshot[],
  ruleSet: RuleSet,
  options: ReportOptions = {},
): AuditReport {
  checkOptions('buildReport', options);
  // The schema boundary again for snapshots built by hand (a no-op on what collect returned).
  const checked = checkSnapshots(snapshots);
  const result = evaluate(checked, ruleSet, {
    now: options.now ?? new Date(),
    failOn: options.failOn ?? 'high',
  });
  const { findings, waived } = describeFindings(result, checked, ruleSet);
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'boxaudit', version: VERSION },
    snapshots: checked,
    findings,
    waived,
    summary: result.summary,
  };
}
