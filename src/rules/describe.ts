/**
 * A finding's text: its rule's title, message and remediation, expanded for the forward it concerns,
 * in English and French. Kept apart from evaluation so that matching stays cheap (a fleet's
 * dashboard may only count findings); a report needs it for every finding. The sentences of the
 * severity adjustments come from the message catalogues, which the rules do not import: the caller
 * passes them in (`explain`; buildReport and the public `describeFinding` pass i18n's).
 */
import { BoxauditError } from '../errors.js';
import type { PortForward, Snapshot } from '../model/types.js';
import {
  type CompiledText,
  compileText,
  render,
  templateValues,
  type ValueList,
  valueList,
} from './template.js';
import type {
  EvaluatedFinding,
  EvaluatedWaivedFinding,
  Finding,
  LocalizedText,
  Rule,
  RuleSet,
  SeverityAdjustment,
  SeverityAdjustmentCode,
  WaivedFinding,
} from './types.js';

/** The sentence of a severity adjustment in both languages (i18n's `adjustmentText`). */
export type AdjustmentExplainer = (adjustment: SeverityAdjustmentCode) => LocalizedText;

interface RuleTexts {
  rule: Rule;
  title: CompiledText;
  message: CompiledText;
  remediation: CompiledText;
}

const cache = new WeakMap<RuleSet, Map<string, RuleTexts>>();

/** The rule set's templates, split once per RuleSet object. */
function textsOf(ruleSet: RuleSet): Map<string, RuleTexts> {
  let texts = cache.get(ruleSet);
  if (texts) return texts;
  texts = new Map();
  for (const rule of ruleSet.rules) {
    texts.set(rule.id, {
      rule,
      title: compileText(rule.title),
      message: compileText(rule.message),
      remediation: compileText(rule.remediation),
    });
  }
  cache.set(ruleSet, texts);
  return texts;
}

/**
 * A function that describes findings of these snapshots. It remembers the last forward's template
 * values: findings are sorted by forward within a severity, so a forward's findings come together.
 */
function describer(
  snapshots: Snapshot[],
  ruleSet: RuleSet,
  explain: AdjustmentExplainer,
): (finding: EvaluatedFinding) => Finding {
  const texts = textsOf(ruleSet);
  // Adjustments are shared between findings (a rule's override, a source restriction): one sentence each.
  const explained = new WeakMap<SeverityAdjustmentCode, SeverityAdjustment>();
  const withText = (a: SeverityAdjustmentCode): SeverityAdjustment => {
    let out = explained.get(a);
    if (out === undefined) {
      out = { ...a, text: explain(a) };
      explained.set(a, out);
    }
    return out;
  };
  let lastSnapshot: Snapshot | undefined;
  let lastForward: PortForward | null | undefined;
  let values: ValueList = [];
  return (finding) => {
    const t = texts.get(finding.ruleId);
    const snapshot = snapshots[finding.snapshotIndex];
    const forward = finding.forwardIndex === null ? null : snapshot?.forwards[finding.forwardIndex];
    if (!t || !snapshot || forward === undefined || (forward !== null && forward.id !== finding.forwardId)) {
      const what = !t
        ? `rule ${finding.ruleId} is not in the rule set`
        : `snapshot ${finding.snapshotIndex}, forward ${finding.forwardIndex} (${finding.forwardId}) is not in the snapshots`;
      throw new BoxauditError('BOXAUDIT_INPUT_INVALID', `describeFinding: ${what}`);
    }
    if (snapshot !== lastSnapshot || forward !== lastForward) {
      values = valueList(templateValues(forward, snapshot));
      lastSnapshot = snapshot;
      lastForward = forward;
    }
    const described: Finding = {
      ruleId: finding.ruleId,
      status: finding.status,
      severity: finding.severity,
      confidence: finding.confidence,
      category: finding.category,
      snapshotIndex: finding.snapshotIndex,
      forwardId: finding.forwardId,
      title: render(t.title, values),
      message: render(t.message, values),
      remediation: render(t.remediation, values),
      references: t.rule.references,
    };
    if (finding.adjustments) described.adjustments = finding.adjustments.map(withText);
    if (finding.unknown) described.unknown = finding.unknown;
    if (finding.evidence) described.evidence = finding.evidence;
    return described;
  };
}

/**
 * One finding with its text, for library users who call `evaluate` and want to show a few findings.
 * `snapshots` and `ruleSet` are the ones it was evaluated with; `explain` gives the adjustments' sentences.
 * @throws BoxauditError BOXAUDIT_INPUT_INVALID when the finding's rule or forward is not in them.
 */
export function describeFinding(
  finding: EvaluatedFinding,
  snapshots: Snapshot[],
  ruleSet: RuleSet,
  explain: AdjustmentExplainer,
): Finding {
  return describer(snapshots, ruleSet, explain)(finding);
}

/** Every finding and waived finding of an evaluation, with its text (what a report holds). */
export function describeFindings(
  result: { findings: EvaluatedFinding[]; waived: EvaluatedWaivedFinding[] },
  snapshots: Snapshot[],
  ruleSet: RuleSet,
  explain: AdjustmentExplainer,
): { findings: Finding[]; waived: WaivedFinding[] } {
  const describe = describer(snapshots, ruleSet, explain);
  return {
    findings: result.findings.map(describe),
    waived: result.waived.map((w) => ({ ...describe(w), waiver: w.waiver })),
  };
}
