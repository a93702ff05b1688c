/**
 * `--format prometheus` / `renderPrometheus` (issue 15 part 4): node_exporter textfile collector
 * input, parsed back with a maintained Prometheus text-format parser (parse-prometheus-text-format,
 * devDependency) and checked line by line against the exposition grammar: metric names by the
 * naming conventions, one HELP and TYPE per family, label values escaped so a site name can never
 * forge a line or a label.
 */
import parsePrometheus from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { markBaseline } from '../../src/baseline.js';
import { type PrometheusSite, renderPrometheus } from '../../src/reporters/prometheus.js';
import { doctorOffice } from './helpers.js';

const NOW = '2026-12-02T03:00:00Z';
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** `name{label="value",…} number` with escaped values: \\ \" \n only. */
const SAMPLE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (-?[0-9.e+]+|NaN|[+-]Inf)$/;

function fleet(): PrometheusSite[] {
  return [
    { name: 'cabinet-martin', ok: true, report: doctorOffice() },
    { name: 'clinique "nord"\\\nfake_metric{x="1"} 1', ok: true, report: doctorOffice() },
    { name: 'radiologie-sud', ok: false, error: { code: 'BOXAUDIT_TIMEOUT' } },
  ];
}

function sampleOf(text: string, name: string, labels: Record<string, string>): number | undefined {
  const family = parsePrometheus(text).find((f) => f.name === name);
  const metric = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return metric?.value === undefined ? undefined : Number(metric.value);
}

describe('renderPrometheus', () => {
  it('parses back: per-site counts, success, error code, exit code, gaps, forwards, times', () => {
    const text = renderPrometheus(fleet(), { now: NOW });
    const families = parsePrometheus(text);
    const names = families.map((f) => f.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'boxaudit_audit_success',
        'boxaudit_audit_error',
        'boxaudit_exit_code',
        'boxaudit_findings',
        'boxaudit_inconclusive_checks',
        'boxaudit_waived_findings',
        'boxaudit_expired_waivers',
        'boxaudit_coverage_gaps',
        'boxaudit_forwards',
        'boxaudit_last_audit_timestamp_seconds',
        'boxaudit_last_run_timestamp_seconds',
      ]),
    );
    for (const f of families) {
      expect(f.name).toMatch(NAME);
      expect(f.type).toBe('GAUGE');
      expect(f.help.length).toBeGreaterThan(10);
    }
    const report = doctorOffice();
    const s = report.summary;
    const martin = { site: 'cabinet-martin' };
    expect(sampleOf(text, 'boxaudit_findings', { ...martin, severity: 'critical' })).toBe(s.counts.critical);
    expect(sampleOf(text, 'boxaudit_findings', { ...martin, severity: 'high' })).toBe(s.counts.high);
    expect(sampleOf(text, 'boxaudit_inconclusive_checks', martin)).toBe(s.inconclusive);
    expect(sampleOf(text, 'boxaudit_coverage_gaps', martin)).toBe(s.coverageGaps);
    expect(sampleOf(text, 'boxaudit_forwards', martin)).toBe(s.forwardsChecked);
    expect(sampleOf(text, 'boxaudit_waived_findings', martin)).toBe(s.waived);
    expect(sampleOf(text, 'boxaudit_exit_code', martin)).toBe(s.exitCode);
    expect(sampleOf(text, 'boxaudit_audit_success', martin)).toBe(1);
    expect(sampleOf(text, 'boxaudit_last_audit_timestamp_seconds', martin)).toBe(
      Date.parse(report.snapshots[0]!.collectedAt) / 1000,
    );
    const sud = { site: 'radiologie-sud' };
    expect(sampleOf(text, 'boxaudit_audit_success', sud)).toBe(0);
    expect(sampleOf(text, 'boxaudit_audit_error', { ...sud, code: 'BOXAUDIT_TIMEOUT' })).toBe(1);
    expect(sampleOf(text, 'boxaudit_exit_code', sud)).toBe(2);
    expect(sampleOf(text, 'boxaudit_findings', { ...sud, severity: 'critical' })).toBeUndefined();
    expect(sampleOf(text, 'boxaudit_last_run_timestamp_seconds', {})).toBe(Date.parse(NOW) / 1000);
  });

  it('every line follows the exposition grammar; a hostile site name stays one escaped label value', () => {
    const text = renderPrometheus(fleet(), { now: NOW });
    expect(text.endsWith('\n')).toBe(true);
    const seen = new Map<string, string[]>();
    for (const line of text.slice(0, -1).split('\n')) {
      if (line.startsWith('# ')) {
        const [, kind, name] = line.split(' ');
        expect(['HELP', 'TYPE']).toContain(kind);
        seen.set(name!, [...(seen.get(name!) ?? []), kind!]);
        continue;
      }
      expect(line).toMatch(SAMPLE);
    }
    for (const kinds of seen.values()) expect(kinds).toEqual(['HELP', 'TYPE']);
    expect(text).not.toMatch(/^fake_metric/m);
    const hostile = 'clinique "nord"\\\nfake_metric{x="1"} 1';
    expect(sampleOf(text, 'boxaudit_audit_success', { site: hostile })).toBe(1);
  });

  it('with a baseline: boxaudit_new_findings by severity; without one, no such family', () => {
    const old = doctorOffice();
    const now = doctorOffice();
    const marked = markBaseline(now, old);
    const text = renderPrometheus([{ name: 'x', ok: true, report: marked }]);
    expect(sampleOf(text, 'boxaudit_new_findings', { site: 'x', severity: 'critical' })).toBe(0);
    const plain = renderPrometheus([{ name: 'x', ok: true, report: doctorOffice() }]);
    expect(parsePrometheus(plain).some((f) => f.name === 'boxaudit_new_findings')).toBe(false);
    // Without `now`, no run time: the output is a pure function of the reports.
    expect(parsePrometheus(plain).some((f) => f.name === 'boxaudit_last_run_timestamp_seconds')).toBe(false);
    expect(renderPrometheus([{ name: 'x', ok: true, report: doctorOffice() }])).toBe(plain);
  });

  it('checks its arguments', () => {
    expect(() => renderPrometheus({} as never)).toThrow(/renderPrometheus: sites must be an array/);
    expect(() => renderPrometheus([], 'now' as never)).toThrow(/renderPrometheus: options must be an object/);
  });
});
