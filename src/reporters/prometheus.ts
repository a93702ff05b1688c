/**
 * Prometheus text exposition format (version 0.0.4), for node_exporter's textfile collector: one
 * gauge family per fact of the last audit, one series per site (`site` label). Pure: the run's time
 * is given (`now`), never read from the clock. Metric names follow the Prometheus conventions
 * (`boxaudit_` prefix, base units, `_timestamp_seconds`); label values are escaped (`\\`, `"`, line
 * feed) and other control characters replaced, so a name can never break a line.
 */
import { BoxauditError, checkOptions } from '../errors.js';
import type { AuditReport, Severity } from '../rules/types.js';
import { SEVERITIES } from '../rules/types.js';

/** One site: a report, or the error that stopped its audit (the shape of a fleet result). */
export type PrometheusSite =
  | { name: string; ok: true; report: AuditReport }
  | { name: string; ok: false; error: { code: string } };

/** Options of {@link renderPrometheus}. */
export interface RenderPrometheusOptions {
  /**
   * When this run ended: the `boxaudit_last_run_timestamp_seconds` value, and the audit time of a
   * site that could not be audited. Default: each report's earliest `collectedAt`, else the epoch.
   */
  now?: Date | string;
}

interface Family {
  name: string;
  help: string;
  samples: Array<{ labels: Array<[string, string]>; value: number }>;
}

/** Label values: `\` → `\\`, `"` → `\"`, line feed → `\n`; other controls → `?`. */
export function escapeLabelValue(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}

function seconds(iso: string | Date | undefined): number | null {
  if (iso === undefined) return null;
  const ms = typeof iso === 'string' ? Date.parse(iso) : iso.getTime();
  return Number.isFinite(ms) ? ms / 1000 : null;
}

/** When the site's box was read: the earliest snapshot's `collectedAt`. */
function auditedAt(report: AuditReport): number | null {
  const times = report.snapshots.map((s) => seconds(s.collectedAt)).filter((t): t is number => t !== null);
  return times.length > 0 ? Math.min(...times) : null;
}

function format(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/**
 * Metrics of one audit or of a fleet, in the Prometheus text format (one `# HELP`/`# TYPE` per
 * family, sites sorted by name, trailing newline). Families, all gauges, each labelled `site`:
 * `boxaudit_audit_success` (1 when the site could be read and judged, 0 when its audit failed, with
 * `boxaudit_audit_error{code}`), `boxaudit_exit_code`, `boxaudit_findings{severity}` (failing,
 * not waived), `boxaudit_new_findings{severity}` (with a baseline), `boxaudit_inconclusive_checks`,
 * `boxaudit_waived_findings`, `boxaudit_expired_waivers`, `boxaudit_coverage_gaps`,
 * `boxaudit_forwards`, `boxaudit_last_audit_timestamp_seconds`, and
 * `boxaudit_last_run_timestamp_seconds` (no site label) when `now` is given.
 */
export function renderPrometheus(
  sites: readonly PrometheusSite[],
  options: RenderPrometheusOptions = {},
): string {
  checkOptions('renderPrometheus', options);
  if (!Array.isArray(sites as unknown)) {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      'renderPrometheus: sites must be an array of { name, ok, report | error }',
    );
  }
  const now = seconds(options.now);
  const sorted = [...sites].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const families: Family[] = [];
  const family = (name: string, help: string): Family => {
    const f: Family = { name, help, samples: [] };
    families.push(f);
    return f;
  };
  const success = family(
    'boxaudit_audit_success',
    'Whether the last audit of the site could read and judge the box (1) or failed (0).',
  );
  const error = family('boxaudit_audit_error', 'The error code of a site whose last audit failed (value 1).');
  const exit = family(
    'boxaudit_exit_code',
    'Exit code of the last audit: 0 nothing at or above --fail-on, 1 findings, 2 incomplete or failed.',
  );
  const findings = family(
    'boxaudit_findings',
    'Failing findings of the last audit by severity (waived ones excluded).',
  );
  const fresh = family(
    'boxaudit_new_findings',
    'Failing findings not in the baseline report, by severity (only with a baseline).',
  );
  const inconclusive = family(
    'boxaudit_inconclusive_checks',
    'Checks that could not conclude because a value was unknown.',
  );
  const waived = family('boxaudit_waived_findings', 'Findings covered by a waiver that is still valid.');
  const expired = family('boxaudit_expired_waivers', 'Waivers past their expiry date.');
  const gaps = family(
    'boxaudit_coverage_gaps',
    'Areas of the box that could not be fully read (coverage not complete).',
  );
  const forwards = family('boxaudit_forwards', 'Port forwards and mappings checked.');
  const time = family(
    'boxaudit_last_audit_timestamp_seconds',
    'When the box was last read (Unix time), or when the failed attempt ended.',
  );
  for (const site of sorted) {
    const label: [string, string] = ['site', site.name];
    if (!site.ok) {
      success.samples.push({ labels: [label], value: 0 });
      error.samples.push({ labels: [label, ['code', site.error.code]], value: 1 });
      exit.samples.push({ labels: [label], value: 2 });
      if (now !== null) time.samples.push({ labels: [label], value: now });
      continue;
    }
    const r = site.report;
    const s = r.summary;
    success.samples.push({ labels: [label], value: 1 });
    exit.samples.push({ labels: [label], value: s.exitCode });
    for (const sev of SEVERITIES)
      findings.samples.push({ labels: [label, ['severity', sev]], value: s.counts[sev] });
    if (r.findings.some((f) => f.baseline !== undefined)) {
      const counts = Object.fromEntries(SEVERITIES.map((sev) => [sev, 0])) as Record<Severity, number>;
      for (const f of r.findings) if (f.status === 'fail' && f.baseline === 'new') counts[f.severity]++;
      for (const sev of SEVERITIES)
        fresh.samples.push({ labels: [label, ['severity', sev]], value: counts[sev] });
    }
    inconclusive.samples.push({ labels: [label], value: s.inconclusive });
    waived.samples.push({ labels: [label], value: s.waived });
    expired.samples.push({ labels: [label], value: s.expiredWaivers.length });
    gaps.samples.push({ labels: [label], value: s.coverageGaps });
    forwards.samples.push({ labels: [label], value: s.forwardsChecked });
    const at = auditedAt(r) ?? now;
    if (at !== null) time.samples.push({ labels: [label], value: at });
  }
  if (now !== null) {
    family('boxaudit_last_run_timestamp_seconds', 'When this boxaudit run ended (Unix time).').samples.push({
      labels: [],
      value: now,
    });
  }
  const lines: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    lines.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    lines.push(`# TYPE ${f.name} gauge`);
    for (const { labels, value } of f.samples) {
      const l = labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',');
      lines.push(`${f.name}${l === '' ? '' : `{${l}}`} ${format(value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
