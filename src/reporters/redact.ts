/**
 * Secrets out of reports and dumps, structurally: every string a box supplied (descriptions, hosts,
 * names, raw provenance) is redacted with the box policy; the texts composed around box strings
 * (coverage reasons, warnings, finding titles and messages) have long secrets redacted anywhere and
 * short ones inside the box strings they quote or as unusual tokens, so our own words are never
 * mangled. See docs/security.md (Output, secrets and signals).
 */
import type { DumpDocument, PortForward, Provenance, Snapshot } from '../model/types.js';
import { cleanDescription } from '../rules/template.js';
import type { AuditReport, Finding, LocalizedText, WaivedFinding } from '../rules/types.js';
import { createRedactor, type Redactor, type SecretList, tokenPattern } from './sanitize.js';

const MAX_DEPTH = 64;

/** A deep copy of `value` with every string value passed through `fn` (keys too with `keys`). */
export function mapStrings<T>(value: T, fn: (s: string) => string, keys = false): T {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return fn(v);
    if (v === null || typeof v !== 'object') return v;
    if (depth >= MAX_DEPTH) return '[nested too deep]';
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[keys ? fn(k) : k] = walk(x, depth + 1);
    return out;
  };
  return walk(value, 0) as T;
}

/**
 * A snapshot with every secret redacted: the box's own strings (descriptions, hosts, names, raw
 * provenance) with the box policy; texts the adapters composed around them (coverage reasons,
 * warnings, the target) with the mixed policy; enums and ids untouched.
 */
export function redactSnapshot(snapshot: Snapshot, redactor: Redactor): Snapshot {
  if (redactor.empty) return snapshot;
  const box = redactor.box;
  const boxOrNull = (v: string | null): string | null => (v === null ? null : box(v));
  return {
    ...snapshot,
    target: { ...snapshot.target, address: redactor.mixed(snapshot.target.address) },
    gateway: mapStrings(snapshot.gateway, box),
    forwards: snapshot.forwards.map((f) => ({
      ...f,
      internalHost: boxOrNull(f.internalHost),
      remoteHost: boxOrNull(f.remoteHost),
      description: boxOrNull(f.description),
      provenance: redactProvenance(f.provenance, box),
      // What a probed peer said (banners, titles) is box-side text too.
      ...(f.probe !== undefined ? { probe: { ...f.probe, facts: mapStrings(f.probe.facts, box) } } : {}),
    })),
    dmz: snapshot.dmz === null ? null : { ...snapshot.dmz, host: boxOrNull(snapshot.dmz.host) },
    remoteAdmin:
      snapshot.remoteAdmin === null
        ? null
        : {
            ...snapshot.remoteAdmin,
            services: snapshot.remoteAdmin.services.map((x) => ({
              ...x,
              service: box(x.service),
              restrictedTo: boxOrNull(x.restrictedTo),
            })),
          },
    lanPrefixes: snapshot.lanPrefixes === null ? null : snapshot.lanPrefixes.map(box),
    coverage: snapshot.coverage.map((c) => ({
      ...c,
      reason: redactor.mixed(c.reason),
      ...(c.details !== undefined ? { details: mapStrings(c.details, redactor.mixed) } : {}),
    })),
    warnings: snapshot.warnings.map((w) => ({
      ...w,
      message: redactor.mixed(w.message),
      ...(w.where !== undefined ? { where: redactor.mixed(w.where) } : {}),
    })),
  };
}

/** Every provenance string (raw and any other field, keys included) but our own `adapter` and `transport`. */
function redactProvenance(p: Provenance, box: (s: string) => string): Provenance {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) {
    out[k] = k === 'adapter' || k === 'transport' ? v : mapStrings(v, box, true);
  }
  return out as unknown as Provenance;
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
  // Short secrets: inside the box strings the texts quote (replaced whole, longest first), and as
  // unusual tokens (mixed policy); long secrets anywhere.
  if (!redactor.hasShort) return redactFindingTexts(finding, redactor.ours);
  const pairs = quotedBoxStrings(report, finding, forwardOf)
    .map((s) => [s, redactor.box(s)] as const)
    .filter(([a, b]) => a !== b && a.length > 0)
    .sort((x, y) => y[0].length - x[0].length)
    // Whole quotes only: a box string of one letter must not be replaced inside our words.
    .map(([a, b]) => [a, b, tokenPattern([a])] as const);
  const text = (value: string): string => {
    let out = value;
    for (const [from, to, pattern] of pairs) if (out.includes(from)) out = out.replace(pattern, to);
    return redactor.mixed(out);
  };
  return redactFindingTexts(finding, text);
}

const localized = (t: LocalizedText, fn: (s: string) => string): LocalizedText => ({
  en: fn(t.en),
  fr: fn(t.fr),
});

/** Only the texts of a finding; ids, enums and the waiver's match stay as they are (schema). */
function redactFindingTexts<F extends Finding>(finding: F, fn: (s: string) => string): F {
  const out: F = {
    ...finding,
    title: localized(finding.title, fn),
    message: localized(finding.message, fn),
    remediation: localized(finding.remediation, fn),
  };
  if (finding.adjustments !== undefined) {
    out.adjustments = finding.adjustments.map((a) => ({
      ...a,
      text: localized(a.text, fn),
      ...(a.detail !== undefined ? { detail: fn(a.detail) } : {}),
    }));
  }
  if ('waiver' in finding) {
    const waiver = (finding as unknown as WaivedFinding).waiver;
    (out as unknown as WaivedFinding).waiver = { ...waiver, reason: fn(waiver.reason) };
  }
  return out;
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
    summary: {
      ...report.summary,
      expiredWaivers: report.summary.expiredWaivers.map((w) => ({ ...w, reason: redactor.ours(w.reason) })),
    },
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
