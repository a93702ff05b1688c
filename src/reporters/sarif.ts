/**
 * SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format), one run per report.
 * Mapping (docs/output.md): severity → level (critical/high → error, medium → warning, low/info →
 * note) and `security-severity` (GitHub's 0–10 scale); inconclusive findings are `kind: "review"`
 * with `level: "none"` (SARIF §3.27.9–10: a non-"fail" kind SHALL have level "none"); waived
 * findings carry an accepted external suppression; coverage gaps are tool execution notifications.
 * Each result points at a logical location (the forward, or the box itself) and at a physical one,
 * the file the box was read from (an exported configuration, with the forward's line when the parser
 * knew it) or, for a live read, the snapshot's file in the repository (`boxaudit/<box id>.json` by
 * default): GitHub code scanning refuses results without an artifact location.
 */

import { colon, coverageReason, type Lang, t } from '../i18n/index.js';
import { sha256Hex } from '../model/sha256.js';
import type { Snapshot } from '../model/types.js';
import type { AbsentFinding, AuditReport, Finding, Rule, Severity, WaivedFinding } from '../rules/types.js';
import { evidenceSentences } from './evidence.js';
import { exposure, type ForwardOf, forwardIndex, SEVERITY_RANK, sortFindings, statusLine } from './format.js';
import { jsonChunks } from './json.js';
import { mapStrings } from './redact.js';
import { markdownText, safeLine } from './sanitize.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const BOXAUDIT_INFORMATION_URI = 'https://www.npmjs.com/package/boxaudit';

/** The base id of relative artifact URIs: the repository root (where the CI job runs boxaudit). */
export const SARIF_SRCROOT = '%SRCROOT%';

/**
 * The file a snapshot's results are anchored to in SARIF (`physicalLocation.artifactLocation`).
 * GitHub code scanning shows a result only on a file of the repository: a path relative to its root.
 */
export interface SarifArtifact {
  /**
   * A path relative to the repository root (`/`-separated, e.g. `sites/office/config.xml`), or an
   * absolute URI (`file:///…`, `https://…`). Relative paths get `uriBaseId` `%SRCROOT%`.
   */
  uri: string;
  /**
   * The file is the exported configuration the snapshot was parsed from: a forward whose parser
   * knew its line (`provenance.line`) gets `region.startLine`. Otherwise no region (the whole file).
   */
  lines?: boolean;
}

/**
 * A file-safe id for a box: its address without the scheme, every run of characters outside
 * `A-Z a-z 0-9 . _ -` replaced by `_` (`http://192.168.1.1:5000/rootDesc.xml` →
 * `192.168.1.1_5000_rootDesc.xml`), at most 100 characters; `box` when nothing is left.
 */
export function sarifBoxId(address: string): string {
  const id = address
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[_.]+|_+$/g, '')
    .slice(0, 100);
  return id === '' ? 'box' : id;
}

/** Is `path` a relative, `..`-free path that can name a file of the repository? */
function repositoryPath(path: string): string | null {
  const p = path.replace(/\\/g, '/');
  if (p === '' || p.startsWith('/') || /^[A-Za-z]:/.test(p) || /^[a-z][a-z0-9+.-]*:/i.test(p)) return null;
  const segments = p.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0 || segments.includes('..')) return null;
  return segments.join('/');
}

/**
 * The default anchor of a snapshot: the exported configuration it was parsed from when its name is a
 * relative path (`--from sites/office/config.xml`), else `boxaudit/<box id>.json` — where a CI job
 * that audits a live box can commit its `dump --json` (docs/output.md, SARIF).
 */
export function defaultSarifArtifact(snapshot: Pick<Snapshot, 'target'>): SarifArtifact {
  // `(text)`: parseExport's name for text given without a file name.
  if (snapshot.target.kind === 'file' && snapshot.target.address !== '(text)') {
    const path = repositoryPath(snapshot.target.address);
    if (path !== null) return { uri: path, lines: true };
  }
  return { uri: `boxaudit/${sarifBoxId(snapshot.target.address)}.json` };
}

/** An artifactLocation: relative paths percent-encoded segment by segment, against %SRCROOT%. */
function artifactLocation(artifact: SarifArtifact, index: number): Record<string, unknown> {
  const relative = repositoryPath(artifact.uri);
  if (relative === null) return { uri: artifact.uri, index };
  return { uri: relative.split('/').map(encodeURIComponent).join('/'), uriBaseId: SARIF_SRCROOT, index };
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning's scale: >= 9.0 critical, >= 7.0 high, >= 4.0 medium, > 0.0 low. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

/** `Medical imaging (DICOM/PACS) open…` → `MedicalImagingDicomPacsOpen…`: SARIF's friendly rule name. */
function pascalName(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())
    .join('');
}

/** Stable across runs: rule + box address + forward id (or `box` for router-level findings). */
function fingerprint(report: AuditReport, f: Finding): string {
  const target = report.snapshots[f.snapshotIndex]?.target.address ?? '';
  return sha256Hex(`${f.ruleId}\u0000${target}\u0000${f.forwardId ?? 'box'}`);
}

interface Descriptor {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: 'error' | 'warning' | 'note' };
  properties: {
    'security-severity': string;
    tags: string[];
    category: string;
    confidence: string;
    severity: Severity;
  };
}

function descriptor(
  ruleId: string,
  findings: readonly Finding[],
  rule: Rule | undefined,
  lang: Lang,
): Descriptor {
  // findings is non-empty and sorted most severe first.
  const first = findings[0]!;
  const severity = rule?.severity ?? first.severity;
  const title = safeLine((rule?.title ?? first.title)[lang], 300);
  const remediation = safeLine((rule?.remediation ?? first.remediation)[lang], 2000);
  const references = rule?.references ?? first.references;
  const withUrl = references.filter((r) => r.url !== undefined);
  const refText = references.map((r) => (r.url === undefined ? r.title : `${r.title}: ${r.url}`));
  const refMd = references.map((r) =>
    r.url === undefined
      ? `- ${safeLine(r.title, 200)}`
      : `- [${safeLine(r.title, 200).replace(/[[\]]/g, '')}](<${r.url}>)`,
  );
  const out: Descriptor = {
    id: ruleId,
    name: pascalName((rule?.title ?? first.title).en) || ruleId,
    shortDescription: { text: title },
    fullDescription: { text: safeLine(rule?.description[lang] ?? title, 2000) },
    ...(withUrl[0]?.url !== undefined ? { helpUri: withUrl[0].url } : {}),
    help: {
      text: [remediation, ...refText].join('\n'),
      markdown: [markdownText(remediation, 2000), ...(refMd.length > 0 ? ['', ...refMd] : [])].join('\n'),
    },
    defaultConfiguration: { level: LEVEL[severity] },
    properties: {
      'security-severity': SECURITY_SEVERITY[severity],
      // A rule's own tags often repeat its category: SARIF tags are a set (uniqueItems).
      tags: [...new Set(['security', rule?.category ?? first.category, ...(rule?.tags ?? [])])],
      category: rule?.category ?? first.category,
      confidence: rule?.confidence ?? first.confidence,
      severity,
    },
  };
  return out;
}

type Anchor = { location: Record<string, unknown>; lines: boolean };

/** The run's artifacts (each file once), each snapshot's anchor, and an anchor for any box address. */
class Anchors {
  readonly artifacts: Record<string, unknown>[] = [];
  readonly bySnapshot: Anchor[];
  private readonly indexOf = new Map<string, number>();
  private readonly byAddress = new Map<string, Anchor>();

  constructor(report: AuditReport, given: readonly (SarifArtifact | undefined)[] | undefined) {
    this.bySnapshot = report.snapshots.map((s, i) => this.anchor(given?.[i] ?? defaultSarifArtifact(s)));
    report.snapshots.forEach((s, i) => {
      if (!this.byAddress.has(s.target.address)) this.byAddress.set(s.target.address, this.bySnapshot[i]!);
    });
  }

  /** A baseline's gone finding names its box by address: that box's anchor, or its default one. */
  ofAddress(address: string): Anchor {
    return (
      this.byAddress.get(address) ??
      this.anchor(defaultSarifArtifact({ target: { kind: 'upnp', address, adapter: '' } }))
    );
  }

  private anchor(artifact: SarifArtifact): Anchor {
    let index = this.indexOf.get(artifact.uri);
    if (index === undefined) {
      index = this.artifacts.length;
      this.indexOf.set(artifact.uri, index);
      const { index: _, ...location } = artifactLocation(artifact, index);
      this.artifacts.push({ location, roles: ['analysisTarget'] });
    }
    return { location: artifactLocation(artifact, index), lines: artifact.lines === true };
  }
}

function physical(anchor: Anchor | undefined, line: number | undefined): Record<string, unknown> {
  if (anchor === undefined) return {};
  const region =
    anchor.lines && line !== undefined && Number.isSafeInteger(line) && line >= 1
      ? { region: { startLine: line } }
      : {};
  return { physicalLocation: { artifactLocation: anchor.location, ...region } };
}

function result(
  report: AuditReport,
  forwardOf: ForwardOf,
  f: Finding | WaivedFinding,
  ruleIndex: number,
  lang: Lang,
  anchor: Anchors,
): Record<string, unknown> {
  const forward = forwardOf(f);
  const snapshot = report.snapshots[f.snapshotIndex];
  const target = snapshot?.target.address ?? '';
  const inconclusive = f.status === 'inconclusive';
  const logical =
    f.forwardId === null
      ? { name: 'box', fullyQualifiedName: `${target}#box`, kind: 'resource' }
      : {
          name: forward === undefined ? f.forwardId : exposure(forward, 'en'),
          fullyQualifiedName: `${target}#forward/${f.forwardId}`,
          kind: 'resource',
        };
  const out: Record<string, unknown> = {
    ruleId: f.ruleId,
    ruleIndex,
    kind: inconclusive ? 'review' : 'fail',
    level: inconclusive ? 'none' : LEVEL[f.severity],
    message: { text: safeLine(messageWithEvidence(report, f, lang), 2400) },
    locations: [
      {
        ...physical(anchor.bySnapshot[f.snapshotIndex], forward?.provenance.line),
        logicalLocations: [logical],
      },
    ],
    partialFingerprints: { 'boxauditFinding/v1': fingerprint(report, f) },
    properties: {
      status: f.status,
      severity: f.severity,
      'security-severity': SECURITY_SEVERITY[f.severity],
      confidence: f.confidence,
      category: f.category,
      snapshotIndex: f.snapshotIndex,
      forwardId: f.forwardId,
      remediation: safeLine(f.remediation[lang], 2000),
      ...(f.unknown !== undefined ? { unknown: f.unknown } : {}),
      ...(f.adjustments !== undefined ? { adjustments: f.adjustments } : {}),
      ...(f.evidence !== undefined ? { evidence: mapStrings(f.evidence, (x) => safeLine(x, 400)) } : {}),
    },
  };
  if (f.baseline !== undefined) out.baselineState = f.baseline;
  if ('waiver' in f) {
    out.suppressions = [
      {
        kind: 'external',
        status: 'accepted',
        justification: `${safeLine(f.waiver.reason, 500)} (until ${safeLine(f.waiver.expires, 40)})`,
      },
    ];
  }
  return out;
}

/**
 * A baseline finding this audit no longer shows: SARIF's `baselineState: "absent"` (SARIF 2.1.0 result.baselineState), with
 * the same logical location naming scheme (the forward by what it is: its id is of the old run).
 */
function absentResult(a: AbsentFinding, lang: Lang, anchor: Anchors): Record<string, unknown> {
  const name =
    a.exposure === null
      ? 'box'
      : `${a.exposure.protocol} ${a.exposure.externalPort ?? '?'} → ${a.exposure.internalHost ?? '?'}${a.exposure.internalPort === null ? '' : `:${a.exposure.internalPort}`}`;
  const inconclusive = a.status === 'inconclusive';
  return {
    ruleId: a.ruleId,
    kind: inconclusive ? 'review' : 'fail',
    level: inconclusive ? 'none' : LEVEL[a.severity],
    message: { text: safeLine(a.message[lang], 2000) },
    locations: [
      {
        ...physical(anchor.ofAddress(a.box), undefined),
        logicalLocations: [
          {
            name: safeLine(name, 300),
            fullyQualifiedName: `${a.box}#${a.exposure === null ? 'box' : 'forward'}`,
            kind: 'resource',
          },
        ],
      },
    ],
    baselineState: 'absent',
    properties: { status: a.status, severity: a.severity, category: a.category },
  };
}

/** Render an audit report as a SARIF 2.1.0 log (pretty JSON, trailing newline), in pieces. */
export function sarifChunks(
  report: AuditReport,
  options: { lang: Lang; rules: readonly Rule[]; artifacts?: readonly (SarifArtifact | undefined)[] },
): Generator<string> {
  const { lang } = options;
  const anchor = new Anchors(report, options.artifacts);
  const forwardOf = forwardIndex(report);
  const all = [...sortFindings(report.findings, forwardOf), ...sortFindings(report.waived, forwardOf)];
  // Every lookup below is a map built once: thousands of findings must not mean a scan each.
  const byRule = new Map<string, Finding[]>();
  for (const f of all) {
    const group = byRule.get(f.ruleId);
    if (group) group.push(f);
    else byRule.set(f.ruleId, [f]);
  }
  const ruleIds = [...byRule.keys()].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  // First definition wins when a rule id repeats, as a scan would.
  const ruleById = new Map<string, Rule>();
  for (const r of options.rules) if (!ruleById.has(r.id)) ruleById.set(r.id, r);
  const rules = ruleIds.map((id) => {
    const findings = [...(byRule.get(id) ?? [])].sort(
      (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
    );
    return descriptor(id, findings, ruleById.get(id), lang);
  });
  const notifications = report.snapshots.flatMap((s, i) =>
    s.coverage
      .filter((c) => c.status !== 'complete')
      .map((c) => ({
        descriptor: { id: c.code },
        level: 'warning',
        message: { text: safeLine(coverageReason(c, lang), 1000) },
        locations: [
          { logicalLocations: [{ name: c.area, fullyQualifiedName: `${s.target.address}#${c.area}` }] },
        ],
        properties: { snapshotIndex: i, area: c.area, status: c.status },
      })),
  );
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'boxaudit',
            version: report.tool.version,
            informationUri: BOXAUDIT_INFORMATION_URI,
            rules,
          },
        },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        language: lang === 'fr' ? 'fr-FR' : 'en-US',
        columnKind: 'unicodeCodePoints',
        originalUriBaseIds: {
          [SARIF_SRCROOT]: {
            description: {
              text: 'The root of the repository holding the audited files: where boxaudit ran (--from paths are relative to it).',
            },
          },
        },
        artifacts: anchor.artifacts,
        results: [
          ...all.map((f) => result(report, forwardOf, f, ruleIndex.get(f.ruleId) ?? -1, lang, anchor)),
          ...(report.absent ?? []).map((a) => absentResult(a, lang, anchor)),
        ],
        properties: {
          schemaVersion: report.schemaVersion,
          summary: {
            failOn: report.summary.failOn,
            exitCode: report.summary.exitCode,
            counts: report.summary.counts,
            inconclusive: report.summary.inconclusive,
            waived: report.summary.waived,
            expiredWaivers: report.summary.expiredWaivers.length,
            forwardsChecked: report.summary.forwardsChecked,
            coverageGaps: report.summary.coverageGaps,
          },
          status: statusLine(report),
        },
      },
    ],
  };
  return jsonChunks(log);
}

/** The message, then what the probes saw, in words. */
function messageWithEvidence(report: AuditReport, f: Finding, lang: Lang): string {
  const vantage = report.snapshots[f.snapshotIndex]?.probes?.vantage ?? null;
  const sentences = evidenceSentences(f.evidence, lang, vantage);
  if (sentences.length === 0) return f.message[lang];
  return `${f.message[lang]} ${t(lang, 'finding.evidence')}${colon(lang)}${sentences.join('; ')}.`;
}
