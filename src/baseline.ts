/**
 * Change over time: what a box exposes, matched by what it is — the box, the protocol, the public
 * port and the device behind it — never by forward ids (ids change with a field of the forward or
 * with the adapter that read it). `diffReports` compares two audits exposure by exposure;
 * `markBaseline` marks each finding of an audit `new` or `unchanged` against an earlier report and
 * lets only the new ones count toward the exit code.
 */
import { type AuditTarget, type CollectOptions, collect } from './collect.js';
import { BoxauditError, checkOptions, isBoxauditError } from './errors.js';
import { formatRange } from './model/ports.js';
import type { PortForward, Snapshot } from './model/types.js';
import { checkSnapshots } from './model/validate.js';
import type { Exposure, ReportDiff } from './reporters/diff.js';
import { checkIsReport, exposureFacts } from './reporters/format.js';
import type { AbsentFinding, AuditReport, Finding, Severity } from './rules/types.js';
import { SEVERITIES } from './rules/types.js';
import { schemaErrorsOfReport } from './schema/validate.js';
import { readBoundedFile, readFailure } from './util/read-file.js';

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

/**
 * Which box a snapshot is: how it was read (UPnP, whichever way it was found; a vendor adapter) and
 * the box's host — not its port or path: miniupnpd moves its description URL to a new port at each
 * restart. For an exported configuration (a file, whose name changes from one night to the next)
 * the adapter alone.
 */
export function boxKey(snapshot: Snapshot): string {
  const t = snapshot.target;
  if (t.kind === 'file') return `file|${t.adapter}`;
  const kind = t.kind === 'vendor' ? 'vendor' : 'upnp';
  return `${kind}|${hostOf(t.address).toLowerCase()}|${t.adapter}`;
}

function hostOf(address: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(address)) {
    try {
      return new URL(address).hostname;
    } catch {}
  }
  return address.replace(/:\d+$/, '');
}

function forwardKey(box: string, f: PortForward): string {
  return `${box}|${f.protocol}|${formatRange(f.externalPort)}|${(f.internalHost ?? '?').toLowerCase()}`;
}

/** The exposures of a report: open forwards (not disabled) and box-level findings, by identity. */
export function exposuresOf(report: AuditReport): Exposure[] {
  const byKey = new Map<string, Exposure>();
  const forwardKeyOf = new Map<string, string>(); // `${snapshotIndex}|${forwardId}` → exposure key
  report.snapshots.forEach((snapshot, si) => {
    const box = boxKey(snapshot);
    for (const f of snapshot.forwards) {
      if (f.enabled === false) continue;
      const key = forwardKey(box, f);
      forwardKeyOf.set(`${si}|${f.id}`, key);
      if (!byKey.has(key)) {
        byKey.set(key, {
          key,
          box: snapshot.target.address,
          kind: 'forward',
          exposure: exposureFacts(f),
          description: f.description,
          severity: null,
          rules: [],
          message: null,
        });
      }
    }
  });
  for (const f of report.findings) {
    const snapshot = report.snapshots[f.snapshotIndex];
    if (snapshot === undefined) continue;
    let e: Exposure | undefined;
    if (f.forwardId === null) {
      const key = `${boxKey(snapshot)}|box|${f.ruleId}`;
      e = byKey.get(key);
      if (e === undefined) {
        e = {
          key,
          box: snapshot.target.address,
          kind: 'box',
          exposure: null,
          description: null,
          severity: null,
          rules: [],
          message: f.message,
        };
        byKey.set(key, e);
      }
    } else {
      const key = forwardKeyOf.get(`${f.snapshotIndex}|${f.forwardId}`);
      e = key === undefined ? undefined : byKey.get(key);
    }
    if (e === undefined) continue;
    if (!e.rules.includes(f.ruleId)) e.rules.push(f.ruleId);
    e.message ??= f.message;
    if (f.status === 'fail' && (e.severity === null || rank(f.severity) < rank(e.severity)))
      e.severity = f.severity;
  }
  for (const e of byKey.values()) e.rules.sort();
  return [...byKey.values()];
}

function sortExposures(list: Exposure[]): Exposure[] {
  const r = (e: Exposure) => (e.severity === null ? SEVERITIES.length : rank(e.severity));
  return list.sort((a, b) => r(a) - r(b) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Compare two audits of the same site(s), exposure by exposure (see {@link exposuresOf}). Judge both
 * with the same rule set (the CLI re-evaluates both inputs) so a change of rules is not read as a
 * change of the box. `failOn` defaults to the newer report's.
 */
export function diffReports(
  older: AuditReport,
  newer: AuditReport,
  options: { failOn?: Severity } = {},
): ReportDiff {
  checkOptions('diffReports', options);
  checkIsReport('diffReports', 'older', older);
  checkIsReport('diffReports', 'newer', newer);
  const failOn = options.failOn ?? newer.summary?.failOn ?? 'high';
  if (!SEVERITIES.includes(failOn)) {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      `diffReports: options.failOn must be one of ${SEVERITIES.join(', ')}`,
    );
  }
  const before = new Map(exposuresOf(older).map((e) => [e.key, e]));
  const after = exposuresOf(newer);
  const fresh: Exposure[] = [];
  const unchanged: Exposure[] = [];
  for (const e of after) {
    if (before.delete(e.key)) unchanged.push(e);
    else fresh.push(e);
  }
  const exitCode = fresh.some((e) => e.severity !== null && rank(e.severity) <= rank(failOn)) ? 1 : 0;
  return {
    new: sortExposures(fresh),
    gone: sortExposures([...before.values()]),
    unchanged: sortExposures(unchanged),
    failOn,
    exitCode,
  };
}

/** A finding's identity: its rule on its exposure (or on its box), never its forward id. */
function findingKeys(report: AuditReport): Map<Finding, string> {
  const keys = new Map<Finding, string>();
  const forwards = report.snapshots.map((s) => new Map(s.forwards.map((f) => [f.id, f])));
  for (const f of report.findings) {
    const snapshot = report.snapshots[f.snapshotIndex];
    const box = snapshot === undefined ? '?' : boxKey(snapshot);
    if (f.forwardId === null) {
      keys.set(f, `${f.ruleId}|${box}|box`);
      continue;
    }
    const fw = forwards[f.snapshotIndex]?.get(f.forwardId);
    keys.set(f, `${f.ruleId}|${fw === undefined ? `${box}|id|${f.forwardId}` : forwardKey(box, fw)}`);
  }
  return keys;
}

/**
 * Mark each finding of `report` `new` or `unchanged` against `baseline` (an earlier report of the
 * same site): the same rule on the same exposure (box, protocol, public port, device) or on the same
 * box is unchanged. Baseline findings no longer found are listed in `absent`. The exit code then
 * counts only new failing findings at or above `failOn` (an incomplete read still gives 2);
 * `summary.baseline` has the three counts. Waived findings are not marked. Pure: a new report.
 */
export function markBaseline(report: AuditReport, baseline: AuditReport): AuditReport {
  checkIsReport('markBaseline', 'report', report);
  checkIsReport('markBaseline', 'baseline', baseline);
  const oldKeys = findingKeys(baseline);
  const remaining = new Map<string, Finding>();
  for (const [f, key] of oldKeys) if (!remaining.has(key)) remaining.set(key, f);
  const oldSet = new Set(oldKeys.values());
  const newKeys = findingKeys(report);
  const findings = report.findings.map((f): Finding => {
    const key = newKeys.get(f)!;
    const was = oldSet.has(key);
    remaining.delete(key);
    return { ...f, baseline: was ? 'unchanged' : 'new' };
  });
  const oldForwards = baseline.snapshots.map((s) => new Map(s.forwards.map((f) => [f.id, f])));
  const absent: AbsentFinding[] = [...remaining.values()].map((f) => {
    const fw = f.forwardId === null ? undefined : oldForwards[f.snapshotIndex]?.get(f.forwardId);
    return {
      ruleId: f.ruleId,
      status: f.status,
      severity: f.severity,
      category: f.category,
      box: baseline.snapshots[f.snapshotIndex]?.target.address ?? '',
      exposure: fw === undefined ? null : exposureFacts(fw),
      title: f.title,
      message: f.message,
    };
  });
  const failOn = report.summary.failOn;
  const counting = findings.some(
    (f) => f.status === 'fail' && f.baseline === 'new' && rank(f.severity) <= rank(failOn),
  );
  const incomplete = report.snapshots.some((s) => s.coverage.some((c) => c.status === 'error'));
  const fresh = findings.filter((f) => f.baseline === 'new').length;
  return {
    ...report,
    findings,
    summary: {
      ...report.summary,
      exitCode: counting ? 1 : incomplete ? 2 : 0,
      baseline: { new: fresh, unchanged: findings.length - fresh, absent: absent.length },
    },
    absent,
  };
}

/** Largest saved report read (a report holds its snapshots; 64 MiB as the audit's read budget). */
const MAX_REPORT_BYTES = 64 * 1024 * 1024;

/** What a diff or baseline input holds: a saved report (its findings kept), or snapshots to judge. */
export interface AuditInput {
  /** The saved `audit --json` report, when the file is one (checked against schema/report.schema.json). */
  report: AuditReport | null;
  snapshots: Snapshot[];
}

/**
 * Read a saved `audit --json` report, a `dump --json` document or an exported configuration
 * (anything `--from` reads). A report is checked against the published schema; the rest goes
 * through `collect({ file })`.
 * @throws BoxauditError BOXAUDIT_INPUT_INVALID (not a valid report, dump or export), BOXAUDIT_NOT_FOUND, BOXAUDIT_TOO_LARGE.
 */
export async function readAuditInput(
  path: string,
  options: { vendor?: string } & Pick<CollectOptions, 'signal' | 'secrets'> = {},
): Promise<AuditInput> {
  checkOptions('readAuditInput', options);
  let text: string;
  try {
    text = (await readBoundedFile(path, MAX_REPORT_BYTES, options.signal)).toString('utf8');
  } catch (error) {
    if (isBoxauditError(error)) throw error;
    throw new BoxauditError('BOXAUDIT_NOT_FOUND', `${path}: cannot read it (${readFailure(error)})`);
  }
  if (
    options.vendor === undefined &&
    /^\s*\{/.test(text) &&
    /"findings"\s*:/.test(text) &&
    /"summary"\s*:/.test(text)
  ) {
    let value: unknown;
    try {
      value = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      value = undefined;
    }
    if (value !== undefined && typeof value === 'object' && value !== null && 'findings' in value) {
      const problems = schemaErrorsOfReport(value, path);
      if (problems.length > 0) {
        throw new BoxauditError(
          'BOXAUDIT_INPUT_INVALID',
          `${path} is not a valid boxaudit report (schema/report.schema.json):\n${problems.slice(0, 20).join('\n')}`,
          { details: { problems } },
        );
      }
      const report = value as AuditReport;
      const snapshots = checkSnapshots(report.snapshots);
      return { report: { ...report, snapshots }, snapshots };
    }
  }
  const target: AuditTarget = {
    file: path,
    ...(options.vendor !== undefined ? { vendor: options.vendor } : {}),
  };
  const { snapshots } = await collect(target, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
  });
  return { report: null, snapshots };
}

export type { Exposure, ReportDiff };
