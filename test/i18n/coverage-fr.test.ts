/**
 * French coverage reasons: every adapter's metadata carries the French text of its coverage codes
 * and the generated catalogue holds exactly those; every code the code can emit with a status other
 * than `complete` has French text (static scan of src/adapters/*.ts, src/collect.ts, src/detect.ts:
 * the cross-check that catches a code missing from the metadata while the English is still written
 * where the item is built); and French reports of vendor snapshots hold no English coverage reason.
 * The snapshots come from the LOOPBACK SIMULATORS in test/sim/vendors/ (built from the vendors'
 * documented formats, shared/vendor-apis.md — not real boxes), read through their adapters on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { bbox } from '../../src/adapters/bbox.js';
import { freebox } from '../../src/adapters/freebox.js';
import { fritzbox } from '../../src/adapters/fritzbox.js';
import { livebox } from '../../src/adapters/livebox.js';
import { openwrtUbus } from '../../src/adapters/openwrt-ubus.js';
import { adapterMetas } from '../../src/adapters/registry.js';
import { routerosRestAdapter } from '../../src/adapters/routeros-rest.js';
import { SFR_MANUAL_CHECKS } from '../../src/adapters/sfr.js';
import { unifi } from '../../src/adapters/unifi.js';
import { buildReport } from '../../src/audit.js';
import { ADAPTER_COVERAGE_FR } from '../../src/i18n/coverage.generated.js';
import {
  COVERAGE_REASONS_FR,
  coverageReason,
  hasFrenchCoverageReason,
  MAX_ERROR_LENGTH,
} from '../../src/i18n/coverage.js';
import { frenchSpaces } from '../../src/i18n/typography.js';
import type { CoverageItem, Snapshot } from '../../src/model/types.js';
import { render } from '../../src/reporters/index.js';
import { safeLine } from '../../src/reporters/sanitize.js';
import { loadRuleSet } from '../../src/rules/index.js';
import { BBOX_SIM_PASSWORD, startBboxSimulator } from '../sim/vendors/bbox.js';
import { FREEBOX_SIM_APP_TOKEN, startFreeboxSimulator } from '../sim/vendors/freebox.js';
import { startFritzboxSimulator } from '../sim/vendors/fritzbox.js';
import { LIVEBOX_SIM_PASSWORD, startLiveboxSimulator } from '../sim/vendors/livebox.js';
import { startOpenwrtUbusSimulator } from '../sim/vendors/openwrt-ubus.js';
import {
  ROUTEROS_REST_SIM_PASSWORD,
  ROUTEROS_REST_SIM_USER,
  startRouterosRestSimulator,
} from '../sim/vendors/routeros-rest.js';
import { startUnifiSimulator, UNIFI_SIM_PASSWORD, UNIFI_SIM_USERNAME } from '../sim/vendors/unifi.js';
import {
  type IndirectCode,
  inventory,
  literalCodes,
  scannedFiles,
  scanText,
  source,
} from './coverage-codes.js';

/** How the scan writes a run-time code such as `UPNP_END_${…}`. */
const tpl = (prefix: string): string => `${prefix}\${…}`;
/** A run-time code stands for many: try a number in its place. */
const sample = (code: string): string => code.replaceAll(tpl(''), '999');

/**
 * `code` expressions that are not literals, and where their codes come from. A new indirect
 * expression fails the test until it is listed here.
 */
const INDIRECT: Record<string, (file: string) => string[]> = {
  // The cover() helper's own body: its calls are scanned.
  'formats/config-parts.ts code': () => [],
  // `ending` objects (with status/reason) are scanned where they are built.
  'adapters/fritzbox.ts ending.code': () => [],
  'adapters/upnp-igd.ts main.ending.code': () => [],
  // The HTTP skeleton's gaps take their code from each adapter's `codes: { failed, refused }`.
  'adapters/http-skeleton.ts code': () =>
    scannedFiles()
      .filter((f) => f.startsWith('adapters/'))
      .flatMap((f) => [...source(f).matchAll(/\bcodes: \{([^}]*)\}/g)].flatMap((m) => literalCodes(m[1]!))),
  // SFR's manual checks carry their code in a table.
  'adapters/sfr.ts c.code': () => SFR_MANUAL_CHECKS.map((c) => c.code),
  // endingFromError picks the code from `[code, words]` tuples (byCode and its fallback).
  'upnp/mappings.ts code': (file) =>
    [...source(file).matchAll(/\[\s*('[^']*'|`[^`]*`)\s*,/g)].flatMap((m) => literalCodes(m[1]!)),
};

/** Codes that may be shown with a reason, each with the file that emits it. */
function codesNeedingFrench(): Map<string, string> {
  const { codes, indirect } = inventory();
  const out = new Map<string, string>();
  for (const c of codes) if (!c.completeOnly) out.set(c.code, c.file);
  for (const i of indirect) {
    if (i.completeOnly) continue;
    for (const code of resolve(i)) out.set(code, i.file);
  }
  return out;
}

function resolve(i: IndirectCode): string[] {
  const resolver = INDIRECT[`${i.file} ${i.expression}`];
  if (!resolver)
    throw new Error(`${i.file}: coverage code \`${i.expression}\` is not a literal: list it in INDIRECT`);
  return resolver(i.file);
}

/** Looks English rather than French. */
const ENGLISH_WORDS = /\b(the|not|could|failed|is|are|see warnings)\b/;

describe("every adapter's metadata carries its coverage texts", () => {
  it('gives each code French text, and English when it states one', () => {
    let codes = 0;
    for (const meta of adapterMetas()) {
      for (const [code, text] of Object.entries(meta.coverage ?? {})) {
        codes++;
        expect(code, meta.id).toMatch(/^[A-Z][A-Z0-9_]*(@[a-z0-9-]+)?$/);
        expect(text.fr, `${meta.id} ${code}`).not.toBe('');
        expect(text.fr, `${meta.id} ${code}`).not.toMatch(ENGLISH_WORDS);
        if (text.en !== undefined) expect(text.en, `${meta.id} ${code}`).toMatch(ENGLISH_WORDS);
        // A `CODE@area` refinement always has its plain fallback.
        const plain = code.split('@')[0]!;
        expect(Object.keys(meta.coverage ?? {}), `${meta.id} ${code}`).toContain(plain);
      }
    }
    expect(codes).toBeGreaterThan(100);
  });

  it('the generated catalogue is exactly the metadata (run `npm run gen` after editing a meta)', () => {
    const fromMetas: Record<string, string> = {};
    for (const meta of adapterMetas())
      for (const [code, text] of Object.entries(meta.coverage ?? {})) fromMetas[code] = text.fr;
    expect(ADAPTER_COVERAGE_FR).toEqual(fromMetas);
    for (const [code, text] of Object.entries(fromMetas)) expect(COVERAGE_REASONS_FR[code], code).toBe(text);
  });

  it('the French report reads a metadata text through coverageReason', () => {
    const text = adapterMetas().find((m) => m.id === 'bbox')!.coverage!.BBOX_IPV6_NOT_READ!.fr;
    expect(
      coverageReason(
        { area: 'ipv6-pinholes', status: 'not-visible', code: 'BBOX_IPV6_NOT_READ', reason: 'x' },
        'fr',
      ),
    ).toBe(frenchSpaces(text));
  });
});

describe('every coverage code has French text (static scan of the adapters)', () => {
  it('finds the codes, including run-time and tuple-built ones', () => {
    const codes = codesNeedingFrench();
    expect(codes.size).toBeGreaterThan(80);
    for (const code of [
      'LIVEBOX_CALL_FAILED',
      'BBOX_IPV6_NOT_READ',
      tpl('FRITZ_END_'),
      tpl('UPNP_END_'),
      tpl('UPNP_END_HTTP_'),
      'UPNP_END_TIMEOUT',
      'SFR_NO_API_DMZ',
      'VENDOR_READ_FAILED',
      'ROUTEROS_EXPORT_OMITS_DYNAMIC',
      'PF_UPNP_RUNTIME_ONLY',
    ])
      expect([...codes.keys()]).toContain(code);
    // Always complete: no reason is printed, so none is needed.
    expect(codes.has('LIVEBOX_DMZ')).toBe(false);
    expect(codes.has('UPNP_ANSWERED')).toBe(false);
  });

  it('has French text for each code that can be partial, not visible or an error', () => {
    const missing = [...codesNeedingFrench()]
      .filter(([code]) => !hasFrenchCoverageReason(sample(code)))
      .map(([code, file]) => `${code} (src/${file})`);
    expect(
      missing,
      "coverage codes without French text: add it to the adapter's metadata (src/adapters/<id>.meta.ts, then npm run gen) or, for a code no adapter owns, to src/i18n/coverage.ts",
    ).toEqual([]);
  });

  it('would fail for a new code without French (the scan sees objects, cover() calls and ternaries)', () => {
    const found = scanText(
      'adapters/new-vendor.ts',
      `
      const a = { area: 'dmz', status: 'partial', code: 'NEWBOX_DMZ_UNKNOWN', reason: 'x' };
      const b = cover('remote-admin', ok ? 'complete' : 'error', ok ? 'NEWBOX_ADMIN' : 'NEWBOX_ADMIN_FAILED', 'y');
      const c = cover('upnp-state', 'complete', 'NEWBOX_UPNP', 'z');
      const d = { status: lost, code: err.code === 'BOXAUDIT_TIMEOUT' ? \`NEWBOX_END_\${n}\` : 'NEWBOX_ERR', reason };
      warnings.push({ code: 'NEWBOX_WARNING', message: 'not coverage' });
      // { status: 'error', code: 'NEWBOX_COMMENTED', reason: 'x' }
      `,
    );
    const needed = found.codes.filter((c) => !c.completeOnly).map((c) => c.code);
    expect(needed.sort()).toEqual(
      ['NEWBOX_ADMIN', 'NEWBOX_ADMIN_FAILED', 'NEWBOX_DMZ_UNKNOWN', tpl('NEWBOX_END_'), 'NEWBOX_ERR'].sort(),
    );
    expect(found.codes.find((c) => c.code === 'NEWBOX_UPNP')?.completeOnly).toBe(true);
    expect(needed.filter((c) => !hasFrenchCoverageReason(sample(c)))).toHaveLength(5);
  });

  it('every French text is French, SFR texts are the adapter’s own', () => {
    for (const [code, text] of Object.entries(COVERAGE_REASONS_FR))
      expect(text, code).not.toMatch(ENGLISH_WORDS);
    for (const c of SFR_MANUAL_CHECKS) expect(COVERAGE_REASONS_FR[c.code]).toBe(c.fr);
  });
});

const item = (code: string, area: CoverageItem['area'], details?: Record<string, unknown>): CoverageItem => ({
  area,
  status: 'partial',
  code,
  reason: 'ENGLISH',
  ...(details ? { details } : {}),
});
const fr = (i: CoverageItem) => coverageReason(i, 'fr');

describe('French text built from details', () => {
  it('fills values, picks the area-specific text, and falls back to English when a value is missing', () => {
    expect(fr(item('BBOX_CALL_FAILED', 'dmz', { path: '/api/v1/nat/dmz' }))).toBe(
      frenchSpaces(
        'la lecture GET /api/v1/nat/dmz a échoué (voir les avertissements) : rien n’est connu pour cette partie ; vérifiez-la dans l’interface web de la box',
      ),
    );
    expect(fr(item('BBOX_CALL_FAILED', 'dmz'))).toBe('ENGLISH');
    expect(
      fr(item('LIVEBOX_CALL_FAILED', 'upnp-mappings', { call: 'Firewall.getPortForwarding' })),
    ).toContain('essayez un audit UPnP IGD');
    expect(fr(item('LIVEBOX_CALL_FAILED', 'dmz', { call: 'Firewall.getDMZ' }))).not.toContain('UPnP IGD');
    expect(fr(item('LINUX_FILTER_NOT_AUDITED', 'ipv6-pinholes'))).toContain('IPv6');
    expect(fr(item('SFR_UPNP_UNREADABLE', 'upnp-state'))).toMatch(
      /^impossible de savoir si l’UPnP est activé/,
    );
  });

  it('states the Freebox IPv6 firewall switch in French', () => {
    expect(fr(item('FREEBOX_IPV6_FIREWALL_SWITCH', 'ipv6-pinholes', { ipv6Firewall: false }))).toContain(
      '(actuellement désactivé)',
    );
    expect(fr(item('FREEBOX_IPV6_FIREWALL_SWITCH', 'ipv6-pinholes', { ipv6Firewall: null }))).toContain(
      '(actuellement inconnu)',
    );
  });

  it('names UniFi sites read, failed and left out', () => {
    const text = fr(
      item('UNIFI_SITE_READ_FAILED', 'static-forwards', {
        sites: ['default', 'annex'],
        read: ['default'],
        failed: ['annex'],
        sitesSeen: 5,
      }),
    );
    expect(text).toBe(
      frenchSpaces(
        'rest/portforward lu pour le site "default" ; le site "annex" n’a pas pu être lu (voir les avertissements) : ses redirections sont inconnues ; 3 sites de plus n’ont pas été audités',
      ),
    );
    expect(
      fr(
        item('UNIFI_SETTING_USG_PARTIAL', 'upnp-state', {
          perSite: { default: {} },
          failed: ['annex'],
          noUsg: [],
        }),
      ),
    ).toBe(
      frenchSpaces(
        'réglage « usg » de rest/setting lu pour le site "default" ; le site "annex" n’a pas pu être lu (voir les avertissements) (upnp_enabled)',
      ),
    );
    expect(fr(item('UNIFI_SETTING_USG_PARTIAL', 'nat-pmp', { enabled: null }))).toMatch(
      /^le réglage «\u00a0usg\u00a0» de rest\/setting n’a été lu que pour une partie des sites .*\(upnp_nat_pmp_enabled\)$/,
    );
  });

  it('translates FRITZ!Box list endings with the area’s caveat, run-time codes included', () => {
    const end = fr(item('FRITZ_END_713', 'static-forwards', { entries: 3, endedWith: 713, index: 3 }));
    expect(end).toMatch(
      /^la liste s’est terminée par l’erreur UPnP 713 à l’entrée 3\. Selon la version de FRITZ!OS/,
    );
    expect(fr(item('FRITZ_END_COUNT', 'upnp-mappings', { entries: 2, count: 2 }))).toContain(
      'partagent la table des partages de ports',
    );
  });

  it('embeds the (already redacted) error message, cut to a bounded length', () => {
    const error = `[upnp-igd] POST http://192.168.1.1:5000/ctl ${'x'.repeat(400)}`;
    const text = fr(item('UPNP_END_HTTP_500', 'upnp-mappings', { index: 2, entries: 2, error }));
    expect(text).toMatch(/^la box a répondu HTTP 500 à l’entrée 2 \(\[upnp-igd\] POST/);
    expect(text.length).toBeLessThan(MAX_ERROR_LENGTH + 120);
    expect(fr(item('UPNP_END_NETWORK', 'upnp-mappings', { entries: 0, error: 'ECONNREFUSED' }))).toBe(
      frenchSpaces(
        'l’adresse de contrôle UPnP de la box n’a pas pu être jointe (ECONNREFUSED) : les redirections UPnP n’ont pas été lues',
      ),
    );
    expect(fr(item('UBUS_ACL_DENIED', 'dmz'))).toMatch(
      /^l’utilisateur n’a pas le droit .* \(ACL de rpcd\)\s: rien/,
    );
  });
});

// --- French reports of simulated vendor boxes --------------------------------------------

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
const ctx = { timeoutMs: 3000 };

async function liveboxSnapshots(): Promise<Snapshot[]> {
  const calls = ['Firewall.getPortForwarding', 'Firewall.getPinhole', 'Firewall.getDMZ', 'UPnP-IGD.get'];
  const out: Snapshot[] = [];
  for (const failing of [[], [...calls, 'RemoteAccess.get', 'DeviceInfo.get']]) {
    const sim = await startLiveboxSimulator({ failing });
    closers.push(() => sim.close());
    out.push(
      await livebox.collect(
        { url: sim.url, credentials: { username: 'admin', password: LIVEBOX_SIM_PASSWORD } },
        ctx,
      ),
    );
  }
  return out;
}

async function bboxSnapshots(): Promise<Snapshot[]> {
  const out: Snapshot[] = [];
  const paths = ['/api/v1/nat/rules', '/api/v1/nat/dmz', '/api/v1/upnp/igd/rules', '/api/v1/services'];
  for (const failing of [[], [...paths, '/api/v1/upnp/igd', '/api/v1/device']]) {
    const sim = await startBboxSimulator({ failing });
    closers.push(() => sim.close());
    out.push(await bbox.collect({ url: sim.url, credentials: { password: BBOX_SIM_PASSWORD } }, ctx));
  }
  return out;
}

async function fritzboxSnapshots(): Promise<Snapshot[]> {
  const out: Snapshot[] = [];
  for (const options of [
    {},
    { noCount: true, malformed: ['X_AVM-DE_UPnP:1#GetInfo', 'X_AVM-DE_MyFritz:1#GetInfo'] },
  ]) {
    const sim = await startFritzboxSimulator({
      username: 'boxaudit',
      password: 'fritz-secret-pw',
      ...options,
    });
    closers.push(() => sim.close());
    out.push(
      await fritzbox.collect(
        { url: sim.url, credentials: { username: 'boxaudit', password: 'fritz-secret-pw' } },
        ctx,
      ),
    );
  }
  return out;
}

async function freeboxSnapshots(): Promise<Snapshot[]> {
  const out: Snapshot[] = [];
  for (const failing of [[], ['fw/redir/', 'fw/incoming/', 'connection/', 'upnpigd/config/']]) {
    const sim = await startFreeboxSimulator({ failing });
    closers.push(() => sim.close());
    out.push(await freebox.collect({ url: sim.url, credentials: { token: FREEBOX_SIM_APP_TOKEN } }, ctx));
  }
  return out;
}

async function unifiSnapshot(): Promise<Snapshot> {
  const sim = await startUnifiSimulator({});
  closers.push(() => sim.close());
  return unifi.collect(
    { url: sim.url, credentials: { username: UNIFI_SIM_USERNAME, password: UNIFI_SIM_PASSWORD } },
    ctx,
  );
}

async function openwrtSnapshot(): Promise<Snapshot> {
  const sim = await startOpenwrtUbusSimulator({ deniedConfigs: ['firewall'], noLuciUpnp: true });
  closers.push(() => sim.close());
  return openwrtUbus.collect(
    {
      url: sim.url,
      credentials: { username: 'root', password: 'owrt-secret-pw' },
      options: { now: 1_700_000_000 },
    },
    ctx,
  );
}

async function routerosSnapshot(): Promise<Snapshot> {
  const sim = await startRouterosRestSimulator({
    failing: ['/rest/ip/upnp', '/rest/ip/service', '/rest/system/resource'],
  });
  closers.push(() => sim.close());
  return routerosRestAdapter.collect(
    { url: sim.url, credentials: { username: ROUTEROS_REST_SIM_USER, password: ROUTEROS_REST_SIM_PASSWORD } },
    ctx,
  );
}

const SECRETS = [
  LIVEBOX_SIM_PASSWORD,
  BBOX_SIM_PASSWORD,
  'fritz-secret-pw',
  FREEBOX_SIM_APP_TOKEN,
  UNIFI_SIM_PASSWORD,
  'owrt-secret-pw',
  ROUTEROS_REST_SIM_PASSWORD,
];

/** English words of the adapters' reasons, outside the embedded error message. */
const ENGLISH =
  /\b(could not|see warnings|nothing is known|is not|are not|not read|failed|the box|read from)\b/;

function expectFrenchCoverage(snapshots: Snapshot[]): void {
  const gaps = snapshots.flatMap((s) => s.coverage.filter((c) => c.status !== 'complete'));
  expect(gaps.length).toBeGreaterThan(0);
  for (const c of gaps) {
    const text = coverageReason(c, 'fr');
    const label = `${c.code} (${c.area}): ${text}`;
    expect(text, label).not.toBe(c.reason);
    expect(text, label).not.toMatch(/\{[a-zA-Z]+\}/);
    const error = typeof c.details?.error === 'string' ? c.details.error : null;
    expect(error ? text.split(error).join('') : text, label).not.toMatch(ENGLISH);
  }
}

/** The part of a report between its coverage heading and the next one (warnings repeat error messages). */
function coverageSection(report: string, heading: string, next: RegExp): string {
  const start = report.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = report.slice(start + heading.length);
  const end = rest.search(next);
  return end === -1 ? rest : rest.slice(0, end);
}

async function expectFrenchReports(snapshots: Snapshot[]): Promise<void> {
  expectFrenchCoverage(snapshots);
  const report = buildReport(snapshots, await loadRuleSet(), { now: new Date('2026-01-01T00:00:00Z') });
  const gaps = snapshots.flatMap((s) => s.coverage.filter((c) => c.status !== 'complete'));
  const heading = frenchSpaces('Couverture : ce qui a pu, ou n’a pas pu, être vérifié');
  const text = coverageSection(
    render(report, { format: 'text', lang: 'fr' }),
    heading,
    /\n[^\s-][^\n]*\n-{3,}/,
  );
  const markdown = coverageSection(render(report, { format: 'markdown', lang: 'fr' }), heading, /\n## /);
  for (const c of gaps) {
    expect(text).toContain(safeLine(coverageReason(c, 'fr'), 400));
    // A reason that is only the adapter's error message is quoted inside the French sentence.
    if (c.reason === c.details?.error) continue;
    expect(text).not.toContain(safeLine(c.reason, 400));
    expect(markdown).not.toContain(c.reason.slice(0, 40));
  }
  const sarifText = render(report, { format: 'sarif', lang: 'fr' });
  // Error messages quoted in French come redacted: no simulator secret reaches a report.
  for (const out of [text, markdown, sarifText])
    for (const secret of SECRETS) expect(out).not.toContain(secret);
  const sarif = JSON.parse(sarifText);
  const messages = sarif.runs[0].invocations[0].toolExecutionNotifications.map(
    (n: { message: { text: string } }) => n.message.text,
  );
  expect(messages).toEqual(gaps.map((c) => safeLine(coverageReason(c, 'fr'), 1000)));
}

describe('French reports of simulated boxes hold no English coverage reason', () => {
  it('Livebox: normal read and every call failing', async () => {
    const snaps = await liveboxSnapshots();
    const codes = snaps[1]!.coverage.map((c) => c.code);
    expect(codes).toContain('LIVEBOX_CALL_FAILED');
    await expectFrenchReports(snaps);
  });

  it('Bbox: normal read and failing API paths', async () => {
    const snaps = await bboxSnapshots();
    expect(snaps[1]!.coverage.filter((c) => c.code === 'BBOX_CALL_FAILED').length).toBeGreaterThan(3);
    await expectFrenchReports(snaps);
  });

  it('FRITZ!Box: counted list, then a walk to the end fault with unreadable services', async () => {
    const snaps = await fritzboxSnapshots();
    expect(snaps[1]!.coverage.map((c) => c.code)).toContain('FRITZ_UPNP_STATE_UNREAD');
    await expectFrenchReports(snaps);
  });

  it('Freebox, UniFi, OpenWrt (ubus, firewall denied) and RouterOS REST (failing paths)', async () => {
    const snaps = [
      ...(await freeboxSnapshots()),
      await unifiSnapshot(),
      await openwrtSnapshot(),
      await routerosSnapshot(),
    ];
    const codes = snaps.flatMap((s) => s.coverage.map((c) => c.code));
    for (const code of ['FREEBOX_CALL_FAILED', 'UBUS_ACL_DENIED', 'ROUTEROS_REST_UPNP_UNREAD'])
      expect(codes).toContain(code);
    await expectFrenchReports(snaps);
  });
});
