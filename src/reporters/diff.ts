/**
 * `boxaudit diff` output: exposures new, gone and unchanged between two audits (see
 * `diffReports`), as text for people (en/fr) or as JSON (`--json`, in pieces like every report).
 */

import type { Lang } from '../i18n/index.js';
import type { ExposureFacts, Severity } from '../rules/types.js';
import { jsonChunks } from './json.js';
import { createRedactor, type SecretList, terminalLine } from './sanitize.js';

/** One exposure of a report: an open forward, or a finding about the box itself (DMZ, UPnP, admin). */
export interface Exposure {
  /** The identity it is matched by (box, protocol, public port, device; or box and rule). */
  key: string;
  /** The box's address as the report has it. */
  box: string;
  kind: 'forward' | 'box';
  /** The forward's facts; null for a box-level exposure. */
  exposure: ExposureFacts | null;
  /** The forward's description (box text), when it has one. */
  description: string | null;
  /** Worst failing finding on it; null when no rule fails on it. */
  severity: Severity | null;
  /** Rule ids that fail or are inconclusive on it, sorted. */
  rules: string[];
  /** The first finding's message (box-level exposures are described by their finding). */
  message: { en: string; fr: string } | null;
}

/** `diffReports`: exposures new, gone and unchanged, each sorted most severe first. */
export interface ReportDiff {
  new: Exposure[];
  gone: Exposure[];
  /** As they are in the newer report. */
  unchanged: Exposure[];
  failOn: Severity;
  /** 1 when a new exposure has a failing finding at or above `failOn`, else 0. */
  exitCode: 0 | 1;
}

/** The last line, for scripts: the same in every language. */
const statusLine = (d: ReportDiff): string =>
  `BOXAUDIT-DIFF new=${d.new.length} gone=${d.gone.length} unchanged=${d.unchanged.length} failon=${d.failOn} exit=${d.exitCode}`;

const TEXT = {
  en: {
    title: 'boxaudit diff: what changed between the two audits',
    new: 'New exposures',
    gone: 'Gone',
    unchanged: 'Unchanged',
    none: '(none)',
    status: statusLine,
  },
  fr: {
    title: 'boxaudit diff : ce qui a changé entre les deux audits',
    new: 'Nouvelles expositions',
    gone: 'Disparues',
    unchanged: 'Inchangées',
    none: '(aucune)',
    status: statusLine,
  },
} as const;

/** `tcp 8443 → 192.168.1.10:104`, or the rule ids of a box-level exposure. */
export function exposureLabel(e: Pick<Exposure, 'exposure' | 'rules'>): string {
  if (e.exposure === null) return `box: ${e.rules.join(', ')}`;
  const x = e.exposure;
  return `${x.protocol} ${x.externalPort ?? '?'} → ${x.internalHost ?? '?'}${x.internalPort === null ? '' : `:${x.internalPort}`}`;
}

/**
 * The diff in pieces: `text` (headings in `lang`, one line per exposure, the last line a
 * `BOXAUDIT-DIFF new=… exit=…` status for scripts; every box string neutralised and `secrets`
 * redacted) or `json` (the ReportDiff as is, pretty, trailing newline).
 */
export function* renderDiffChunks(
  diff: ReportDiff,
  options: { format: 'text' | 'json'; lang?: Lang; secrets?: SecretList },
): Generator<string> {
  if (options.format === 'json') {
    yield* jsonChunks(diff);
    return;
  }
  const t = TEXT[options.lang === 'fr' ? 'fr' : 'en'];
  const lang = options.lang === 'fr' ? 'fr' : 'en';
  const redactor = createRedactor(options.secrets);
  const line = (s: string) => `${terminalLine(s, redactor)}\n`;
  yield line(t.title);
  for (const [heading, list, mark] of [
    [t.new, diff.new, '+'],
    [t.gone, diff.gone, '-'],
    [t.unchanged, diff.unchanged, '='],
  ] as const) {
    yield '\n';
    yield line(`${heading} (${list.length})`);
    if (list.length === 0) yield line(`  ${t.none}`);
    for (const e of list) {
      const severity = e.severity === null ? '-' : e.severity.toUpperCase();
      const rules = e.kind === 'forward' && e.rules.length > 0 ? ` [${e.rules.join(', ')}]` : '';
      const about = e.kind === 'box' && e.message !== null ? ` ${e.message[lang]}` : '';
      const description = e.description === null ? '' : ` "${e.description}"`;
      yield line(
        `  ${mark} ${severity.padEnd(8)} ${e.box}  ${exposureLabel(e)}${description}${rules}${about}`,
      );
    }
  }
  yield '\n';
  yield line(t.status(diff));
}
