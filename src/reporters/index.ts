/**
 * Reporters: pure functions from an audit report (or a dump document) to a string. Same input,
 * byte-identical output: no clock, no environment, no locale-dependent formatting.
 */
import { BoxauditError } from '../errors.js';
import type { Lang } from '../i18n/index.js';
import type { DumpDocument } from '../model/types.js';
import type { AuditReport, Rule } from '../rules/types.js';
import { renderDumpText } from './dump-text.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export type ReportFormat = 'text' | 'json' | 'sarif' | 'markdown';
export type DumpFormat = 'text' | 'json';

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
}

export interface RenderDumpOptions {
  format: DumpFormat;
  lang?: Lang;
  color?: boolean;
}

/**
 * Render an audit report.
 * - `text`: for people; last line is the `BOXAUDIT status=…` line (docs/output.md).
 * - `json`: the AuditReport as is (schema/report.schema.json).
 * - `sarif`: SARIF 2.1.0 log, one run.
 * - `markdown`: for tickets and MSP reports.
 */
export function render(report: AuditReport, options: RenderOptions): string {
  const lang = options.lang ?? 'en';
  switch (options.format) {
    case 'text':
      return renderText(report, { lang, color: options.color ?? false });
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report, { lang, rules: options.rules ?? [] });
    case 'markdown':
      return renderMarkdown(report, { lang });
    default:
      throw unknownFormat(options.format, 'render');
  }
}

/**
 * Render a `boxaudit dump` document: `text` lists the gateway facts, one table line per forward
 * and the coverage; `json` is the document as is (schema/dump.schema.json).
 */
export function renderDump(doc: DumpDocument, options: RenderDumpOptions): string {
  const lang = options.lang ?? 'en';
  switch (options.format) {
    case 'text':
      return renderDumpText(doc, { lang, color: options.color ?? false });
    case 'json':
      return renderJson(doc);
    default:
      throw unknownFormat(options.format, 'renderDump');
  }
}

/** For JavaScript callers (and casts): TypeScript callers cannot reach it. */
function unknownFormat(format: never, where: string): BoxauditError {
  return new BoxauditError('BOXAUDIT_USAGE', `[${where}] unknown format "${String(format)}"`, {
    details: { format: String(format) },
  });
}

export { statusLine } from './format.js';
export { markdownText, safeLine } from './sanitize.js';
