/**
 * `boxaudit/report`: render a saved report in a browser (a dashboard front end) or any JavaScript
 * runtime. Pure functions, no `node:` import, no I/O: a JSON report (`audit --json`,
 * schema/report.schema.json) in, text, Markdown, HTML, SARIF or JSON out; a `dump --json` document
 * to text; a diff of two reports; and `buildReport`, which evaluates snapshots against the built-in
 * rules (`builtinRules()`) into a report with its text. Reading boxes and rule files stay in `boxaudit`.
 *
 * ```ts
 * import { render } from 'boxaudit/report';
 * const report = await (await fetch('/api/audit?site=office')).json();
 * frame.srcdoc = render(report, { format: 'html', lang: 'fr', timeZone: 'Europe/Paris' });
 * ```
 *
 * @packageDocumentation
 */
export { BoxauditError, type ErrorCode, isBoxauditError } from './errors.js';
export type * from './model/types.js';
export { buildReport, describeFinding, describeFindings, type ReportOptions } from './report-build.js';
export { type Exposure, exposureLabel, type ReportDiff, renderDiffChunks } from './reporters/diff.js';
export {
  createRedactor,
  type DumpFormat,
  escapeHtml,
  escapeJsonText,
  markdownText,
  type Redactor,
  type RenderDumpOptions,
  type RenderOptions,
  type ReportFormat,
  redactDump,
  redactReport,
  redactSecrets,
  redactSnapshot,
  render,
  renderChunks,
  renderDump,
  renderDumpChunks,
  type SecretList,
  safeLine,
  statusLine,
  terminalLine,
} from './reporters/index.js';
export { defaultSarifArtifact, type SarifArtifact, sarifBoxId } from './reporters/sarif.js';
export { builtinRules } from './rules/builtin.js';
export type {
  AbsentFinding,
  AuditReport,
  EvaluatedFinding,
  EvaluatedWaivedFinding,
  Finding,
  Rule,
  RuleSet,
  Severity,
  WaivedFinding,
} from './rules/types.js';
export { SCHEMA_VERSION, VERSION } from './version.js';
