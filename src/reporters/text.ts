/**
 * Plain-text report for people (a doctor, an office manager): what is open, on which device, why it
 * matters and what to do; what could not be checked; the RMM status line last.
 */
import { colon, coverageReason, hasMessage, type Lang, severityWord, t } from '../i18n/index.js';
import { gatewayBehindAnotherNat } from '../model/addresses.js';
import type { Snapshot } from '../model/types.js';
import type { AuditReport, Finding, WaivedFinding } from '../rules/types.js';
import { SEVERITIES } from '../rules/types.js';
import { LINES_PER_CHUNK } from './chunks.js';
import { evidenceSentences, probeRunLines, reachabilityLine } from './evidence.js';
import {
  boxName,
  countsBySeverity,
  exposure,
  type ForwardOf,
  forwardIndex,
  readTime,
  readVia,
  sortFindings,
  statusLine,
  unknownFieldWord,
} from './format.js';
import { type PeopleView, peopleView } from './people.js';
import { safeLine } from './sanitize.js';
import { devicesSection, firstThingsSection, upnpOnlyLines } from './text-people.js';

export interface TextOptions {
  lang: Lang;
  color: boolean;
  /** IANA time zone of the times shown; default the system's. */
  timeZone?: string;
}

const ANSI = {
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
  reset: '\u001b[0m',
} as const;

/**
 * A small writer that knows the language and whether to color. Lines are handed out in pieces
 * (`flush`), so a report with hundreds of thousands of findings is never one giant string.
 */
export class TextWriter {
  readonly lines: string[] = [];
  /** The last line written, even after a flush (headings put a blank line after a non-blank one). */
  private last: string | undefined;
  constructor(readonly options: TextOptions) {}

  paint(style: string, text: string): string {
    return this.options.color ? `${style}${text}${ANSI.reset}` : text;
  }

  line(text = ''): void {
    this.lines.push(text);
    this.last = text;
  }

  /** True when enough lines are buffered to hand a piece out. */
  get full(): boolean {
    return this.lines.length >= LINES_PER_CHUNK;
  }

  /** The buffered lines, each ending with a newline, and an empty buffer ('' when nothing is buffered). */
  flush(): string {
    if (this.lines.length === 0) return '';
    const text = `${this.lines.join('\n')}\n`;
    this.lines.length = 0;
    return text;
  }

  heading(text: string, style: string = ANSI.bold): void {
    if (this.last !== undefined && this.last !== '') this.line();
    this.line(this.paint(style, text));
    this.line('-'.repeat(Math.min(Array.from(text).length, 78)));
  }

  t(key: Parameters<typeof t>[1], params?: Record<string, string | number>): string {
    return t(this.options.lang, key, params);
  }

  /** `Label: ` (`Label : ` in French). */
  label(key: Parameters<typeof t>[1]): string {
    return `${this.t(key)}${colon(this.options.lang)}`;
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

const STYLE_BOLD = ANSI.bold;
const STYLE_LOUD = ANSI.bold + ANSI.red;

/** Where a finding is: the exposure line, the forward id when it is not in the snapshot, or the box. */
function where(report: AuditReport, forwardOf: ForwardOf, finding: Finding, lang: Lang): string {
  const forward = forwardOf(finding);
  const base =
    forward !== undefined
      ? exposure(forward, lang)
      : finding.forwardId !== null
        ? safeLine(finding.forwardId, 80)
        : t(lang, 'finding.theBox');
  return report.snapshots.length > 1
    ? `${base} (${t(lang, 'finding.onBox', { n: finding.snapshotIndex + 1 })})`
    : base;
}

function titleLine(finding: Finding, lang: Lang): string {
  return `${safeLine(finding.title[lang], 200)} [${safeLine(finding.ruleId, 40)}]`;
}

function header(w: TextWriter, report: AuditReport, view: PeopleView): void {
  const { lang } = w.options;
  const title = w.t('report.title', { version: safeLine(report.tool.version, 40) });
  w.line(w.paint(STYLE_BOLD, title));
  w.line('='.repeat(Array.from(title).length));
  upnpOnlyLines(w, report, view);
  report.snapshots.forEach((snapshot, i) => {
    w.line();
    if (report.snapshots.length > 1)
      w.line(w.paint(STYLE_BOLD, w.t('header.boxNumber', { n: i + 1, total: report.snapshots.length })));
    snapshotFacts(w, snapshot, lang);
  });
}

/** Box, external IP, how and when it was read, how many forwards. */
export function snapshotFacts(w: TextWriter, snapshot: Snapshot, lang: Lang): void {
  const g = snapshot.gateway;
  w.line(`${w.label('header.box')}${boxName(g, lang)}`);
  const ip = g.externalIp === null ? w.t('word.unknown') : safeLine(g.externalIp, 60);
  w.line(
    `${w.label('header.externalIp')}${ip}${g.doubleNat === true ? ` (${w.t('header.doubleNat')})` : ''}`,
  );
  if (gatewayBehindAnotherNat(snapshot.gateway) && snapshot.forwards.length > 0)
    w.line(`  ${w.t('header.ipv4BehindNat')}`);
  w.line(`${w.label('header.readVia')}${readVia(snapshot, lang)}`);
  w.line(`${w.label('header.readAt')}${readTime(snapshot.collectedAt, lang, w.options.timeZone)}`);
  w.line(`${w.label('header.forwardsRead')}${snapshot.forwards.length}`);
}

export function findingBlock(
  w: TextWriter,
  report: AuditReport,
  forwardOf: ForwardOf,
  f: Finding,
  bullet: string,
  showWhere = true,
): void {
  const { lang } = w.options;
  w.line(`  ${bullet} ${w.paint(STYLE_BOLD, titleLine(f, lang))}`);
  if (showWhere) w.line(`    ${w.label('finding.device')}${where(report, forwardOf, f, lang)}`);
  if (f.status === 'inconclusive' && f.unknown !== undefined && f.unknown.length > 0) {
    const words = [...f.unknown].sort().map((u) => unknownFieldWord(u, lang, hasMessage));
    w.line(`    ${w.label('finding.unknown')}${words.join(', ')}`);
  }
  w.line(`    ${w.label('finding.why')}${safeLine(f.message[lang], 1000)}`);
  if (f.confidence === 'low') w.line(`    ${w.label('finding.certainty')}${w.t('finding.lowCertainty')}`);
  if (f.confidence === 'confirmed')
    w.line(`    ${w.label('finding.certainty')}${w.t('finding.confirmedCertainty')}`);
  const vantage = report.snapshots[f.snapshotIndex]?.probes?.vantage ?? null;
  for (const sentence of evidenceSentences(f.evidence, lang, vantage))
    w.line(`    ${w.label('finding.evidence')}${safeLine(sentence, 400)}`);
  w.line(`    ${w.label('finding.fix')}${safeLine(f.remediation[lang], 1000)}`);
  if (f.adjustments !== undefined && f.adjustments.length > 0) {
    w.line(
      `    ${w.label('finding.adjusted')}${f.adjustments.map((a) => safeLine(a.text[lang], 200)).join('; ')}`,
    );
  }
}

/**
 * Inconclusive findings, one block per forward (or per router setting): a forward whose LAN port is
 * unknown can be undecided for dozens of port rules, and their fail messages would assert what is
 * not known. So: where, what was unknown, and which exposures it could be.
 */
function* inconclusiveSection(
  w: TextWriter,
  report: AuditReport,
  forwardOf: ForwardOf,
  inconclusive: Finding[],
): Generator<string> {
  if (inconclusive.length === 0) return;
  const { lang } = w.options;
  w.heading(`${w.t('section.inconclusive')} (${inconclusive.length})`, ANSI.bold + ANSI.yellow);
  const groups = new Map<string, Finding[]>();
  for (const f of inconclusive) {
    const key =
      f.forwardId === null ? `${f.snapshotIndex}|rule|${f.ruleId}` : `${f.snapshotIndex}|${f.forwardId}`;
    const group = groups.get(key);
    if (group) group.push(f);
    else groups.set(key, [f]);
  }
  const MAX_TITLES = 6;
  for (const group of groups.values()) {
    const first = group[0]!;
    const unknown = [...new Set(group.flatMap((f) => f.unknown ?? []))].sort();
    if (first.forwardId === null) {
      w.line(`  ? ${w.paint(STYLE_BOLD, titleLine(first, lang))}`);
    } else {
      w.line(`  ? ${w.paint(STYLE_BOLD, where(report, forwardOf, first, lang))}`);
      const titles = group.slice(0, MAX_TITLES).map((f) => titleLine(f, lang));
      const more = group.length > MAX_TITLES ? ` (+${group.length - MAX_TITLES})` : '';
      w.line(`    ${w.label('finding.couldBe')}${titles.join('; ')}${more}`);
    }
    if (unknown.length > 0) {
      const words = unknown.map((u) => unknownFieldWord(u, lang, hasMessage));
      w.line(`    ${w.label('finding.unknown')}${words.join(', ')}`);
    }
    if (w.full) yield w.flush();
  }
}

function* waivedSection(
  w: TextWriter,
  report: AuditReport,
  forwardOf: ForwardOf,
  waived: WaivedFinding[],
): Generator<string> {
  if (waived.length === 0) return;
  const { lang } = w.options;
  w.heading(`${w.t('section.waived')} (${waived.length})`);
  for (const f of waived) {
    w.line(`  - ${titleLine(f, lang)} (${severityWord(lang, f.severity)})`);
    w.line(`    ${w.label('finding.device')}${where(report, forwardOf, f, lang)}`);
    const until = w.t('waiver.until', { date: safeLine(f.waiver.expires, 40) });
    w.line(`    ${w.label('waiver.reason')}${safeLine(f.waiver.reason, 300)}; ${until}`);
    if (w.full) yield w.flush();
  }
}

function expiredSection(w: TextWriter, report: AuditReport): void {
  const expired = report.summary.expiredWaivers;
  if (expired.length === 0) return;
  w.heading(`!! ${w.t('section.expired')} (${expired.length})`, STYLE_LOUD);
  const sorted = [...expired].sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  for (const waiver of sorted) {
    const rule = w.t('waiver.forRule', { rule: safeLine(waiver.rule, 40) });
    const when = w.t('waiver.expiredOn', { date: safeLine(waiver.expires, 40) });
    w.line(
      w.paint(STYLE_LOUD, `  !! ${rule}${colon(w.options.lang)}"${safeLine(waiver.reason, 300)}", ${when}`),
    );
  }
}

/** What could and could not be checked, per box (also used by the dump). */
export function coverageSection(w: TextWriter, snapshots: readonly Snapshot[]): void {
  const { lang } = w.options;
  w.heading(w.t('section.coverage'));
  snapshots.forEach((snapshot, i) => {
    if (snapshots.length > 1) w.line(w.t('header.boxNumber', { n: i + 1, total: snapshots.length }));
    const gaps = snapshot.coverage.filter((c) => c.status !== 'complete');
    const complete = snapshot.coverage.filter((c) => c.status === 'complete');
    if (gaps.length > 0) {
      w.line(w.paint(ANSI.bold + ANSI.yellow, `  ${w.t('coverage.notChecked')}${colon(lang).trimEnd()}`));
      for (const c of gaps) {
        const reason = safeLine(coverageReason(c, lang), 400);
        w.line(`    - ${w.t(`area.${c.area}`)} (${w.t(`status.${c.status}`)})${colon(lang)}${reason}`);
      }
    }
    if (complete.length > 0) {
      w.line(`  ${w.label('coverage.checked')}${complete.map((c) => w.t(`area.${c.area}`)).join(', ')}`);
    }
    if (gaps.length === 0 && complete.length > 0) w.line(`  ${w.t('coverage.allRead')}`);
  });
}

const MAX_WARNINGS = 20;

/** The adapters' warnings, capped (also used by the dump). */
export function warningsSection(w: TextWriter, snapshots: readonly Snapshot[]): void {
  const all = snapshots.flatMap((s) => s.warnings);
  if (all.length === 0) return;
  w.heading(`${w.t('section.warnings')} (${all.length})`);
  for (const warning of all.slice(0, MAX_WARNINGS)) {
    const at = warning.where === undefined ? '' : ` (${safeLine(warning.where, 200)})`;
    w.line(`  - [${safeLine(warning.code, 60)}] ${safeLine(warning.message, 300)}${at}`);
  }
  if (all.length > MAX_WARNINGS) w.line(`  - … +${all.length - MAX_WARNINGS}`);
}

export interface SummaryLine {
  text: string;
  /** Deserves attention (expired waivers): shown loudly. */
  loud: boolean;
}

/** The summary lines (also used by Markdown). Never says "safe": at best, nothing found in what was read. */
export function summaryLines(report: AuditReport, lang: Lang): SummaryLine[] {
  const s = report.summary;
  const failing = SEVERITIES.reduce((n, sev) => n + s.counts[sev], 0);
  const lines: SummaryLine[] = [];
  const add = (text: string, loud = false) => lines.push({ text, loud });
  if (failing > 0) {
    add(t(lang, 'summary.found', { count: failing, bySeverity: countsBySeverity(s.counts, lang) }));
  } else if (s.coverageGaps > 0) {
    add(t(lang, 'summary.nothingPartial', { gaps: s.coverageGaps }));
  } else if (s.inconclusive > 0) {
    add(t(lang, 'section.noFindings'));
  } else {
    add(t(lang, 'summary.nothingComplete'));
  }
  if (s.inconclusive > 0) add(t(lang, 'summary.inconclusive', { count: s.inconclusive }));
  if (s.waived > 0) add(t(lang, 'summary.waived', { count: s.waived }));
  if (s.expiredWaivers.length > 0) add(t(lang, 'summary.expired', { count: s.expiredWaivers.length }), true);
  if (failing > 0 && s.coverageGaps > 0) add(t(lang, 'summary.gaps', { gaps: s.coverageGaps }));
  if (s.exposures) add(t(lang, 'summary.exposures', s.exposures));
  else if (failing > 0) add(t(lang, 'summary.notProbed'));
  const reach = reachabilityLine(s.reachability, report.snapshots, lang);
  if (reach) add(safeLine(reach, 400));
  for (const snapshot of report.snapshots)
    for (const line of probeRunLines(snapshot, lang)) add(safeLine(line, 300));
  add(t(lang, 'summary.threshold', { severity: severityWord(lang, s.failOn), forwards: s.forwardsChecked }));
  return lines;
}

/** Render an audit report as plain text, in pieces (see docs/output.md). */
export function* textChunks(report: AuditReport, options: TextOptions): Generator<string> {
  const w = new TextWriter(options);
  const forwardOf = forwardIndex(report);
  const sorted = sortFindings(report.findings, forwardOf);
  const view = peopleView(report, forwardOf, options.lang);
  header(w, report, view);
  firstThingsSection(w, view);
  yield* devicesSection(w, report, forwardOf, view);
  yield* inconclusiveSection(
    w,
    report,
    forwardOf,
    sorted.filter((f) => f.status === 'inconclusive'),
  );
  expiredSection(w, report);
  yield* waivedSection(w, report, forwardOf, sortFindings(report.waived, forwardOf));
  coverageSection(w, report.snapshots);
  warningsSection(w, report.snapshots);
  w.heading(w.t('section.summary'));
  for (const line of summaryLines(report, options.lang))
    w.line(line.loud ? w.paint(STYLE_LOUD, line.text) : line.text);
  w.line();
  w.line(statusLine(report));
  yield w.flush();
}
