/**
 * Reporters: pure functions from an audit report (or a dump document) to text. Same input,
 * byte-identical output: no clock, no environment, no locale-dependent formatting. Every format
 * can be produced in pieces (`renderChunks`), so a report too large for one string is still
 * written; `render` joins the pieces.
 */
import { BoxauditError, checkOptions } from '../errors.js';
import type { Lang } from '../i18n/index.js';
import { frenchSpaces, frenchSpacesHtml } from '../i18n/typography.js';
import type { DumpDocument } from '../model/types.js';
import type { AuditReport, Rule } from '../rules/types.js';
import { joinChunks } from './chunks.js';
import { dumpJsonChunks } from './dump-json.js';
import { dumpTextChunks } from './dump-text.js';
import { checkIsReport } from './format.js';
import { htmlChunks } from './html.js';
import { jsonChunks } from './json.js';
import { markdownChunks } from './markdown.js';
import { redactDump, redactReport } from './redact.js';
import type { SecretList } from './sanitize.js';
import { type SarifArtifact, sarifChunks } from './sarif.js';
import { textChunks } from './text.js';

/** The formats of {@link render} (docs/output.md). */
export type ReportFormat = 'text' | 'json' | 'sarif' | 'markdown' | 'html';
/** The formats of {@link renderDump}. */
export type DumpFormat = 'text' | 'json';

/** Options of {@link render}: format, language, colours, time zone, secrets to redact, SARIF anchors. */
export interface RenderOptions {
  format: ReportFormat;
  /** Language of headings and messages (default `en`). JSON carries both languages regardless. */
  lang?: Lang;
  /** ANSI colors in text output (default false; the CLI decides from TTY and NO_COLOR). */
  color?: boolean;
  /**
   * The rules that were evaluated, when at hand: SARIF then describes each rule with its own
   * description and severity instead of deriving them from its findings.
   */
  rules?: readonly Rule[];
  /**
   * Secret values (password, token, passphrase…) that must not appear in the output, even when
   * the box echoed them back: replaced by `[redacted]` (see docs/security.md (Output, secrets and signals)).
   */
  secrets?: SecretList;
  /** IANA time zone of the times shown in text and Markdown (default the system's); JSON and SARIF keep ISO times. */
  timeZone?: string;
  /** The health profile was asked for: the HTML page adds what the GDPR asks (art. 32/33/34). */
  health?: boolean;
  /**
   * SARIF only: the file each snapshot's results point at (`physicalLocation`), by snapshot index.
   * A missing entry gets {@link defaultSarifArtifact}: the exported configuration the snapshot was
   * parsed from when its name is a relative path, else `boxaudit/<box id>.json`.
   */
  sarifArtifacts?: readonly (SarifArtifact | undefined)[];
}

/** Options of {@link renderDump}: format, language, colours, time zone, secrets to redact. */
export interface RenderDumpOptions {
  format: DumpFormat;
  lang?: Lang;
  color?: boolean;
  /** As in {@link RenderOptions.timeZone}. */
  timeZone?: string;
  /** As in {@link RenderOptions.secrets}. */
  secrets?: SecretList;
}

/**
 * Render an audit report, in pieces (concatenated, they are what `render` returns). Lazy: each
 * piece is computed when asked for, so a caller can write, yield or stop between pieces.
 */
export function renderChunks(report: AuditReport, options: RenderOptions): Iterable<string> {
  checkOptions('render', options, true);
  checkIsReport('render', 'report', report);
  const lang = options.lang ?? 'en';
  const shown = redactReport(report, options.secrets);
  const chunks = reportChunks(shown, options, lang);
  if (lang !== 'fr') return chunks;
  if (options.format === 'html') return mapChunks(chunks, frenchSpacesHtml);
  return options.format === 'text' || options.format === 'markdown'
    ? mapChunks(chunks, frenchSpaces)
    : chunks;
}

function reportChunks(shown: AuditReport, options: RenderOptions, lang: Lang): Iterable<string> {
  switch (options.format) {
    case 'text':
      return textChunks(shown, { lang, color: options.color ?? false, ...zone(options) });
    case 'json':
      return jsonChunks(shown);
    case 'sarif':
      return sarifChunks(shown, {
        lang,
        rules: options.rules ?? [],
        ...(options.sarifArtifacts !== undefined ? { artifacts: options.sarifArtifacts } : {}),
      });
    case 'markdown':
      return markdownChunks(shown, { lang, ...zone(options) });
    case 'html':
      return htmlChunks(shown, { lang, ...zone(options), health: options.health === true });
    default:
      throw unknownFormat(options.format, 'render');
  }
}

/**
 * Render an audit report.
 * - `text`: for people; last line is the `BOXAUDIT status=…` line (docs/output.md).
 * - `json`: the AuditReport as is (schema/report.schema.json).
 * - `sarif`: SARIF 2.1.0 log, one run.
 * - `markdown`: for tickets and MSP reports.
 * - `html`: one self-contained page for people (no script, no request; docs/report.md).
 * @throws BoxauditError BOXAUDIT_TOO_LARGE when the output cannot fit in one string: use renderChunks.
 */
export function render(report: AuditReport, options: RenderOptions): string {
  return joinChunks(renderChunks(report, options), `${options.format} report`);
}

/** A `boxaudit dump` document in pieces (see {@link renderDump}). */
export function renderDumpChunks(doc: DumpDocument, options: RenderDumpOptions): Iterable<string> {
  checkOptions('renderDump', options, true);
  const lang = options.lang ?? 'en';
  switch (options.format) {
    case 'text': {
      const chunks = dumpTextChunks(redactDump(doc, options.secrets), {
        lang,
        color: options.color ?? false,
        ...zone(options),
      });
      return lang === 'fr' ? mapChunks(chunks, frenchSpaces) : chunks;
    }
    case 'json':
      return dumpJsonChunks(doc, options.secrets);
    default:
      throw unknownFormat(options.format, 'renderDump');
  }
}

/**
 * Render a `boxaudit dump` document: `text` lists the gateway facts, one table line per forward
 * and the coverage; `json` is the document as is (schema/dump.schema.json).
 */
export function renderDump(doc: DumpDocument, options: RenderDumpOptions): string {
  return joinChunks(renderDumpChunks(doc, options), `${options.format} dump`);
}

/** For JavaScript callers (and casts): TypeScript callers cannot reach it. */
function unknownFormat(format: never, where: string): BoxauditError {
  return new BoxauditError('BOXAUDIT_USAGE', `[${where}] unknown format "${String(format)}"`, {
    details: { format: String(format) },
  });
}

export { statusLine } from './format.js';
export { redactDump, redactReport, redactSnapshot } from './redact.js';
export {
  createRedactor,
  escapeHtml,
  escapeJsonText,
  markdownText,
  type Redactor,
  redactSecrets,
  type SecretList,
  safeLine,
  terminalLine,
} from './sanitize.js';
export { defaultSarifArtifact, type SarifArtifact, sarifBoxId } from './sarif.js';

/** French spacing on every piece of a human report (JSON and SARIF keep their bytes). */
function* mapChunks(chunks: Iterable<string>, f: (chunk: string) => string): Generator<string> {
  for (const chunk of chunks) yield f(chunk);
}

function zone(options: { timeZone?: string }): { timeZone?: string } {
  return options.timeZone !== undefined ? { timeZone: options.timeZone } : {};
}
