import { severityAdjustment } from './adjustment.js';
import type { Category, Rule, RuleSet, Severity, SeverityAdjustmentCode } from './types.js';
import { SEVERITIES } from './types.js';

/** 0 = critical … 4 = info. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** One level up (critical stays critical). */
export function raise(s: Severity): Severity {
  return SEVERITIES[Math.max(0, severityRank(s) - 1)]!;
}

/** One level down (info stays info). */
export function lower(s: Severity): Severity {
  return SEVERITIES[Math.min(SEVERITIES.length - 1, severityRank(s) + 1)]!;
}

/** Categories the `health` profile raises one level (risky-ports.md §0). */
export const HEALTH_RAISED: ReadonlySet<Category> = new Set(['file-sharing', 'database', 'remote-access']);

/**
 * The severity a rule carries in a rule set, before per-forward adjustments, and why it differs
 * from the rule's own. Order: a config override wins; else the profile (a rule's own
 * `profileSeverity`, else `health` raising its categories one level and medical rules to critical).
 */
export function ruleSeverity(
  rule: Rule,
  ruleSet: RuleSet,
): { severity: Severity; adjustments: SeverityAdjustmentCode[] } {
  const override = ruleSet.severityOverrides?.[rule.id];
  if (override !== undefined) {
    return override === rule.severity
      ? { severity: override, adjustments: [] }
      : { severity: override, adjustments: [severityAdjustment('config-override', rule.severity, override)] };
  }
  if (ruleSet.profiles.includes('health')) {
    let s = rule.severity;
    const own = rule.profileSeverity?.health;
    if (own !== undefined) s = own;
    else if (rule.category === 'medical') s = 'critical';
    else if (HEALTH_RAISED.has(rule.category)) s = raise(s);
    if (s !== rule.severity)
      return { severity: s, adjustments: [severityAdjustment('profile', rule.severity, s, 'health')] };
  }
  return { severity: rule.severity, adjustments: [] };
}
