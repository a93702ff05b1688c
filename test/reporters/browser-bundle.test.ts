/**
 * `boxaudit/report` (src/report.ts) is browser-safe: esbuild bundles it for the browser platform
 * with every Node built-in refused (a plugin fails the build on `node:*`, `fs`, `crypto`…, so a new
 * import anywhere in its module graph fails this test), and the bundle, loaded in headless Chromium
 * as a classic script from a file:// page (no server, no request), renders a saved report to
 * text, Markdown, HTML, SARIF and JSON byte for byte as Node does.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, builtinRules, render } from '../../src/report.js';
import { Chromium, findChromium, type LoadedPage } from './chromium.js';
import { doctorOffice, hostileReport } from './helpers.js';

const CHROMIUM = findChromium();
if (CHROMIUM === null && process.env.CI) {
  throw new Error('chromium is not installed (apt-get install chromium; .ci/run does it)');
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Fails the build on any Node built-in, naming who imported it. */
function noNodeBuiltins(seen: string[]): Plugin {
  return {
    name: 'no-node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (
          args.path.startsWith('node:') ||
          BUILTINS.has(args.path) ||
          BUILTINS.has(args.path.split('/')[0]!)
        ) {
          seen.push(`${args.path} (imported by ${args.importer})`);
          return { errors: [{ text: `Node built-in "${args.path}" imported by ${args.importer}` }] };
        }
        return undefined;
      });
    },
  };
}

async function bundle(entry: string, format: 'esm' | 'iife'): Promise<{ code: string; seen: string[] }> {
  const seen: string[] = [];
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format,
    ...(format === 'iife' ? { globalName: 'boxauditReport' } : {}),
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    define: { __BOXAUDIT_VERSION__: JSON.stringify('0.0.0-test') },
    plugins: [noNodeBuiltins(seen)],
  });
  return { code: result.outputFiles[0]!.text, seen };
}

describe('boxaudit/report bundles for the browser', () => {
  it('src/report.ts: no Node built-in anywhere in its module graph', async () => {
    const { code, seen } = await bundle('src/report.ts', 'esm');
    expect(seen).toEqual([]);
    expect(code).toContain('BOXAUDIT status=');
    expect(code).not.toMatch(/\brequire\(/);
  });

  it('the plugin does fail on a Node built-in (so the check above means something)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boxaudit-bundle-'));
    try {
      const entry = join(dir, 'entry.ts');
      writeFileSync(
        entry,
        "export { render } from '" +
          join(process.cwd(), 'src/report.ts') +
          "';\nexport { createHash } from 'node:crypto';\n",
      );
      await expect(bundle(entry, 'esm')).rejects.toThrow(/Node built-in "node:crypto"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(CHROMIUM === null)('boxaudit/report in headless Chromium', () => {
  let browser: Chromium;
  let dir: string;
  let page: LoadedPage;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'boxaudit-browser-'));
    const { code } = await bundle('src/report.ts', 'iife');
    // The saved reports the dashboard would have fetched, inline: the page makes no request.
    const reports = JSON.stringify({ office: doctorOffice(), hostile: hostileReport() }).replace(
      /</g,
      '\\u003c',
    );
    const html = `<!doctype html><meta charset="utf-8"><title>dashboard</title>
<script>${code.replace(/<\/script/gi, '<\\/script')}</script>
<script>window.reports = ${reports};</script>`;
    writeFileSync(join(dir, 'dashboard.html'), html);
    browser = Chromium.launch(CHROMIUM!);
    page = await browser.load(pathToFileURL(join(dir, 'dashboard.html')).href);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders every format exactly as Node does, with no request but the page itself', async () => {
    expect(await page.evaluate<string>('typeof window.boxauditReport.render')).toBe('function');
    for (const name of ['office', 'hostile'] as const) {
      const report = name === 'office' ? doctorOffice() : hostileReport();
      for (const format of ['text', 'markdown', 'html', 'sarif', 'json'] as const) {
        for (const lang of ['en', 'fr'] as const) {
          const options = { format, lang, timeZone: 'Europe/Paris' };
          const inBrowser = await page.evaluate<string>(
            `window.boxauditReport.render(window.reports.${name}, ${JSON.stringify(options)})`,
          );
          expect(inBrowser, `${name} ${format} ${lang}`).toBe(render(report, options));
        }
      }
    }
    expect(page.requests).toHaveLength(1);
    expect(page.requests[0]).toMatch(/^file:\/\//);
  });

  it('evaluates in the page as Node does: buildReport over the built-in rules, health profile', async () => {
    const now = '2026-12-02T08:00:00.000Z';
    const inBrowser = await page.evaluate<string>(`JSON.stringify(window.boxauditReport.buildReport(
      window.reports.office.snapshots,
      { rules: [...window.boxauditReport.builtinRules()], waivers: [], profiles: ['health'] },
      { now: '${now}' },
    ))`);
    const inNode = buildReport(
      doctorOffice().snapshots,
      { rules: [...builtinRules()], waivers: [], profiles: ['health'] },
      { now },
    );
    expect(inNode.findings.some((f) => f.severity === 'critical')).toBe(true);
    expect(inBrowser).toBe(JSON.stringify(inNode));
  });

  it('an HTML report rendered in the page can be shown in a sandboxed frame and read back', async () => {
    const verdict = await page.evaluate<string>(`(() => {
      const doc = new DOMParser().parseFromString(
        window.boxauditReport.render(window.reports.office, { format: 'html', lang: 'fr', timeZone: 'Europe/Paris' }),
        'text/html');
      return doc.querySelector('#verdict p').textContent;
    })()`);
    expect(verdict).toMatch(/Internet/);
    const status = await page.evaluate<string>('window.boxauditReport.statusLine(window.reports.office)');
    expect(status).toMatch(/^BOXAUDIT status=findings /);
  });
});
