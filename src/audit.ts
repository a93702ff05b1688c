import { type AuditTarget, type CollectOptions, collect } from './collect.js';
import { checkOptions } from './errors.js';
import { buildReport, type ReportOptions } from './report-build.js';
import { loadRuleSet } from './rules/load.js';
import type { AuditReport, RuleSetConfig } from './rules/types.js';

export { buildReport, describeFinding, describeFindings, type ReportOptions } from './report-build.js';

/** Options of {@link audit}: how to read the box (as {@link collect}) and how to judge it (rules, `failOn`, `now`). */
export interface AuditOptions extends CollectOptions, ReportOptions {
  /** A rule set/config object or the path of a config file. Default: the built-in `recommended` set. */
  rules?: RuleSetConfig | string;
}

/**
 * Audit a box: collect (read-only) → evaluate → report.
 * @example const report = await audit({ upnp: 'http://192.168.1.1:5000/rootDesc.xml' }, { signal });
 */
export async function audit(target: AuditTarget, options: AuditOptions = {}): Promise<AuditReport> {
  checkOptions('audit', options);
  // Load rules first: a broken rule file should fail before any traffic is sent.
  const ruleSet = await loadRuleSet(options.rules, options.signal ? { signal: options.signal } : {});
  const { snapshots } = await collect(target, options);
  return buildReport(snapshots, ruleSet, options);
}
