/**
 * The HTML report rendered in headless Chromium (Debian's `chromium`, driven over the DevTools
 * protocol on a pipe): the demo's page in French and English, DOM assertions, no network request
 * while loading, and a screenshot per language under `.screenshots/` (git-ignored) for a visual
 * check. Skipped when chromium is not installed, except in CI (.ci/run installs it).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/audit.js';
import { collect } from '../../src/collect.js';
import { DEMO_OFFICE } from '../../src/demo/demo-office.js';
import { startIgdSimulator } from '../../src/demo/igd-simulator.js';
import { frenchSpaces } from '../../src/i18n/typography.js';
import { render } from '../../src/reporters/index.js';
import { loadRuleSet } from '../../src/rules/load.js';
import type { AuditReport } from '../../src/rules/types.js';
import { Chromium, findChromium, type LoadedPage } from './chromium.js';
import { doctorOffice } from './helpers.js';

const CHROMIUM = findChromium();
const SCREENSHOTS = join(process.cwd(), '.screenshots');

if (CHROMIUM === null && process.env.CI) {
  throw new Error('chromium is not installed (apt-get install chromium; .ci/run does it)');
}

async function demoReport(health: boolean): Promise<AuditReport> {
  const ruleSet = await loadRuleSet(health ? { extends: ['recommended', 'health'] } : undefined);
  const sim = await startIgdSimulator(DEMO_OFFICE);
  try {
    const { snapshots } = await collect({ upnp: sim.descriptionUrl }, {});
    return buildReport(snapshots, ruleSet, { now: new Date('2026-12-02T07:26:25Z'), failOn: 'high' });
  } finally {
    await sim.close();
  }
}

describe.skipIf(CHROMIUM === null)('HTML report in headless Chromium', () => {
  let browser: Chromium;
  let dir: string;
  const pages: Record<string, LoadedPage> = {};

  async function open(name: string, html: string): Promise<LoadedPage> {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, html);
    return browser.load(pathToFileURL(file).href);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'boxaudit-html-'));
    browser = Chromium.launch(CHROMIUM!);
    const report = await demoReport(true);
    for (const lang of ['fr', 'en'] as const) {
      const html = render(report, { format: 'html', lang, health: true, timeZone: 'Europe/Paris' });
      pages[lang] = await open(`demo-${lang}`, html);
    }
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('demo --format html --lang fr: a verdict, three first things, and each critical device once', async () => {
    const fr = pages.fr!;
    expect(await fr.evaluate<string>('document.documentElement.lang')).toBe('fr');
    expect(await fr.evaluate<string>('document.querySelector("#verdict p").textContent')).toBe(
      '3 appareils de votre cabinet sont ouverts à tout Internet de façon dangereuse. Agissez aujourd’hui.',
    );
    const first = await fr.evaluate<string[]>(
      '[...document.querySelectorAll("#first ol > li > strong")].map(e => e.textContent)',
    );
    expect(first).toHaveLength(3);
    expect(first[0]).toBe(
      frenchSpaces(
        'Supprimez les redirections de ports vers 192.168.1.30 (« NAS »), 192.168.1.20 (« PACS Orthanc ») et 192.168.1.21 (« Viewer DICOM »).',
      ),
    );
    const critical = await fr.evaluate<string[]>(
      '[...document.querySelectorAll("article.device.s-critical")].map(e => e.dataset.host)',
    );
    expect([...critical].sort()).toEqual(['192.168.1.20', '192.168.1.21', '192.168.1.30']);
    // Each device once, whatever its severity.
    const hosts = await fr.evaluate<string[]>(
      '[...document.querySelectorAll("article.device")].map(e => e.dataset.host)',
    );
    expect(new Set(hosts).size).toBe(hosts.length);
    // The UPnP-only notice comes first, with the next step for this box model.
    const notice = await fr.evaluate<string>('document.querySelector("main > section").id');
    expect(notice).toBe('upnp-only');
    expect(await fr.evaluate<string>('document.querySelector("#upnp-only").textContent')).toContain(
      'boxaudit --vendor livebox --host 127.0.0.1',
    );
    // Box settings, what could not be seen, and the GDPR part (health profile).
    expect(await fr.evaluate<string>('document.querySelector("#box").textContent')).toContain(
      'Paramètres avancés → Réseau → UPnP',
    );
    expect(await fr.evaluate<string>('document.querySelector("#unseen").textContent')).toContain(
      'redirections de ports manuelles',
    );
    const gdpr = await fr.evaluate<string>('document.querySelector("#gdpr").textContent');
    expect(gdpr).toContain('Article 33');
    expect(gdpr).toContain('72 heures');
    expect(gdpr).toContain('Article 32');
  });

  it('the English page says the same in English', async () => {
    const en = pages.en!;
    expect(await en.evaluate<string>('document.querySelector("#verdict p").textContent')).toBe(
      '3 devices of your office are open to the whole Internet in a dangerous way. Act today.',
    );
    expect(await en.evaluate<string>('document.querySelector("h1").textContent')).toBe('Internet box check');
    expect(await en.evaluate<number>('document.querySelectorAll("article.device").length')).toBe(4);
  });

  it('makes no network request while loading: no script, no external style, font or image', async () => {
    for (const page of Object.values(pages)) {
      expect(page.requests).toHaveLength(1); // the file itself
      expect(page.requests[0]).toMatch(/^file:\/\//);
      expect(
        await page.evaluate<number>(
          'document.querySelectorAll("script, link, img, iframe, object, embed, [src], [href]").length',
        ),
      ).toBe(0);
      expect(await page.evaluate<number>('document.styleSheets.length')).toBe(1);
      const csp = await page.evaluate<string>(
        'document.querySelector("meta[http-equiv=Content-Security-Policy]").getAttribute("content")',
      );
      expect(csp).toContain("default-src 'none'");
    }
  });

  it('hostile labels from the box stay text: no element, no request, no bidi override', async () => {
    const r = doctorOffice();
    const hostile =
      '<img src=http://192.0.2.1/x.png onerror=alert(1)><script>fetch("http://192.0.2.1")</script>\u202eevil\u001b[2J"\'`';
    for (const f of r.snapshots[0]!.forwards) f.description = hostile;
    r.snapshots[0]!.gateway.friendlyName = '<style>body{background:url(http://192.0.2.1/)}</style>';
    const page = await open('hostile', render(r, { format: 'html', lang: 'en' }));
    expect(page.requests).toHaveLength(1);
    expect(await page.evaluate<number>('document.querySelectorAll("script, img, [onerror]").length')).toBe(0);
    expect(await page.evaluate<number>('document.querySelectorAll("style").length')).toBe(1);
    const text = await page.evaluate<string>('document.body.textContent');
    expect(text).toContain('<img src=http://192.0.2.1/x.png');
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u001b]/);
  });

  it('writes a screenshot per language for a visual check', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const [lang, page] of Object.entries(pages)) {
      const png = await page.screenshot(1000);
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      writeFileSync(join(SCREENSHOTS, `report-${lang}.png`), png);
    }
  });
});
