// @ts-check
/**
 * A dashboard's front end (or a worker) turning a saved JSON report into what people read, with
 * `boxaudit/report`: the renderers alone, no Node.js import, so the same code runs in a browser
 * bundle. Here in Node: read a report (`boxaudit audit --json > report.json`, or one line's `report`
 * of a fleet result) and write its HTML page and Markdown in the language asked.
 *
 *   node examples/render-report.mjs report.json out-dir [en|fr]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isBoxauditError, render, statusLine } from 'boxaudit/report';

const [file, outDir, langArg = 'en'] = process.argv.slice(2);
if (!file || !outDir || (langArg !== 'en' && langArg !== 'fr')) {
  console.error('usage: node examples/render-report.mjs report.json out-dir [en|fr]');
  process.exit(2);
}
const lang = /** @type {'en' | 'fr'} */ (langArg);

try {
  /** @type {import('boxaudit/report').AuditReport} */
  const report = JSON.parse(readFileSync(file, 'utf8'));
  mkdirSync(outDir, { recursive: true });
  // The page is self-contained (inline CSS, no script, no request): serve it as is, or in an iframe.
  writeFileSync(join(outDir, `report.${lang}.html`), render(report, { format: 'html', lang }));
  writeFileSync(join(outDir, `report.${lang}.md`), render(report, { format: 'markdown', lang }));
  console.log(statusLine(report));
} catch (error) {
  // A report that is not a boxaudit report is refused with a stable code; never a stack trace.
  console.error(isBoxauditError(error) ? `${error.code}: ${error.message}` : String(error));
  process.exit(2);
}
