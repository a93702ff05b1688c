/**
 * Secrets out of reports and dumps, structurally: every string a box supplied (any string inside a
 * snapshot, raw provenance included) is redacted with the box policy; the texts we composed around
 * box strings (finding titles, messages, waiver reasons) have long secrets redacted anywhere and
 * short ones only inside the box strings they quote, so our own words are never mangled. See
 * docs/security-output.md.
 */
import type { DumpDocument, PortForward, Snapshot } from '../model/types.js';
import { cleanDescription } from '../rules/template.js';
import type { AuditReport, Finding } from '../rules/types.js';
import { createRedactor, type Redactor, type SecretList } from './sanitize.js';

const MAX_DEPTH = 64;

/** A deep copy of `value` with every string passed through `fn` (object keys included). */
export function mapStrings<T>(value: T, fn: (s: string) => string): T {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return fn(v);
    if (v === null || typeof v !== 'object') return v;
    if (depth >= MAX_DEPTH) return '[nested too deep]';
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[fn(k)] = walk(x, depth + 1);
    return out;
  };
  return walk(value, 0) as T;
}

/** A snapshot with every secret redacted from every string (box policy). */
export function redactSnapshot(snapshot: Snapshot, redactor: Redactor): Snapshot {
  return redactor.empty ? snapshot : mapStrings(snapshot, redactor.box);
}

/** The box strings a finding's texts may quote, as the rule templates quote them. */
function quotedBoxStrings(report: AuditReport, finding: Finding, forwardOf: ForwardLookup): string[] {
  const snapshot = report.snapshots[finding.snapshotIndex];
  if (snapshot === undefined) return [];
  const out: string[] = [];
  if (snapshot.dmz?.host) out.push(snapshot.dmz.host);
  if (finding.forwardId !== null) {
    const forward = forwardOf(finding.snapshotIndex, finding.forwardId);
    if (forward !== undefined) {
      out.push(cleanDescription(forward.description));
      if (forward.internalHost) out.push(forward.internalHost);
      if (forward.remoteHost) out.push(forward.remoteHost);
      if (forward.description) out.push(forward.description);
    }
  }
  return out;
}

type ForwardLookup = (snapshotIndex: number, id: string) => PortForward | undefined;

/** One id→forward map per snapshot, built on first use (a scan per finding would be quadratic). */
function forwardLookup(report: AuditReport): ForwardLookup {
  const maps = new Map<number, Map<string, PortForward>>();
  return (index, id) => {
    let byId = maps.get(index);
    if (byId === undefined) {
      byId = new Map();
      for (const f of report.snapshots[index]?.forwards ?? []) if (!byId.has(f.id)) byId.set(f.id, f);
      maps.set(index, byId);
    }
    return byId.get(id);
  };
}

function redactFinding<F extends Finding>(
  report: AuditReport,
  finding: F,
  redactor: Redactor,
  forwardOf: ForwardLookup,
): F {
  // Short secrets: only inside the box strings the texts quote (replaced whole, longest first);
  // long secrets anywhere.
  if (!redactor.hasShort) return mapStrings(finding, redactor.ours);
  const pairs = quotedBoxStrings(report, finding, forwardOf)
    .map((s) => [s, redactor.box(s)] as const)
    .filter(([a, b]) => a !== b && a.length > 0)
    .sort((x, y) => y[0].length - x[0].length);
  return mapStrings(finding, (text) => {
    let out = text;
    for (const [from, to] of pairs) if (out.includes(from)) out = out.split(from).join(to);
    return redactor.ours(out);
  });
}

/** A copy of the report with the secrets redacted; the same object when there are none. */
export function redactReport(report: AuditReport, secrets: SecretList | Redactor | undefined): AuditReport {
  const redactor = isRedactor(secrets) ? secrets : createRedactor(secrets);
  if (redactor.empty) return report;
  const forwardOf = forwardLookup(report);
  const findings = report.findings.map((f) => redactFinding(report, f, redactor, forwardOf));
  const waived = report.waived.map((f) => redactFinding(report, f, redactor, forwardOf));
  return {
    ...report,
    snapshots: report.snapshots.map((s) => redactSnapshot(s, redactor)),
    findings,
    waived,
    summary: mapStrings(report.summary, redactor.ours),
  };
}

/** A copy of the dump document with the secrets redacted; the same object when there are none. */
export function redactDump(doc: DumpDocument, secrets: SecretList | Redactor | undefined): DumpDocument {
  const redactor = isRedactor(secrets) ? secrets : createRedactor(secrets);
  if (redactor.empty) return doc;
  return { ...doc, snapshots: doc.snapshots.map((s) => redactSnapshot(s, redactor)) };
}

function isRedactor(value: unknown): value is Redactor {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'box' in value;
}
