/**
 * The reporters on real pipeline output: the UPnP IGD adapter reading the loopback IGD simulator
 * (src/sim, the `boxaudit demo` office; not a real box), evaluated with the built-in rules. Checks
 * that what the other stages really produce fits the published schemas and renders cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OFFICE } from '../../src/demo/demo-office.js';
import { type IgdSimulator, startIgdSimulator } from '../../src/demo/igd-simulator.js';
import { frenchSpaces } from '../../src/i18n/typography.js';
import { audit } from '../../src/index.js';
import { render, renderDump } from '../../src/reporters/index.js';
import type { AuditReport } from '../../src/rules/types.js';
import { schemaAjv, TERMINAL_CONTROL } from './helpers.js';
import { sarifValidator } from './sarif-schema.js';

let sim: IgdSimulator;
let report: AuditReport;

beforeAll(async () => {
  sim = await startIgdSimulator(DEMO_OFFICE);
  report = await audit({ upnp: sim.descriptionUrl }, { now: '2026-11-28T00:00:00Z', timeoutMs: 3000 });
});
afterAll(async () => {
  await sim.close();
});

describe('reporters on a real audit of the demo office (loopback IGD simulator)', () => {
  it('JSON validates against report.schema.json, dump JSON against dump.schema.json', () => {
    const ajv = schemaAjv();
    const validateReport = ajv.getSchema('https://boxaudit.dev/schema/report.schema.json')!;
    expect(
      validateReport(JSON.parse(render(report, { format: 'json' }))),
      ajv.errorsText(validateReport.errors),
    ).toBe(true);
    const validateDump = ajv.getSchema('https://boxaudit.dev/schema/dump.schema.json')!;
    const dump = renderDump(
      { schemaVersion: report.schemaVersion, snapshots: report.snapshots },
      { format: 'json' },
    );
    expect(validateDump(JSON.parse(dump)), ajv.errorsText(validateDump.errors)).toBe(true);
  });

  it('SARIF validates against the official SARIF 2.1.0 schema', () => {
    const validate = sarifValidator();
    for (const lang of ['en', 'fr'] as const) {
      expect(validate(JSON.parse(render(report, { format: 'sarif', lang })))).toBe('');
    }
  });

  it('text names the PACS exposures and what UPnP cannot see, and ends with the status line', () => {
    expect(report.findings.length).toBeGreaterThan(0);
    const text = render(report, { format: 'text', lang: 'en' });
    expect(text).toContain('192.168.1.20:104 <- internet TCP 104 (UPnP, "PACS Orthanc")');
    expect(text).toContain('192.168.1.21:104 <- internet TCP 8443 (UPnP, "Viewer DICOM")');
    expect(text).toContain('- manual port forwards (not visible):');
    expect(text).not.toMatch(TERMINAL_CONTROL);
    const last = text.trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(/^BOXAUDIT status=findings critical=[1-9]\d* .* exit=1$/);
    const fr = render(report, { format: 'text', lang: 'fr' });
    expect(fr).toContain(frenchSpaces('redirections de ports manuelles (lecture impossible par ce moyen) :'));
    for (const format of ['text', 'markdown', 'sarif', 'json'] as const) {
      expect(render(report, { format, lang: 'fr' })).toBe(render(report, { format, lang: 'fr' }));
    }
  });

  it('says why a severity changed, in the language of the report', async () => {
    const raised = await audit(
      { upnp: sim.descriptionUrl },
      {
        now: '2026-11-28T00:00:00Z',
        timeoutMs: 3000,
        rules: { extends: ['recommended'], rules: { 'BOX-NET-005': { severity: 'medium' } } },
      },
    );
    const leases = raised.findings.filter((f) => f.ruleId === 'BOX-NET-005');
    expect(leases.length).toBeGreaterThan(0);
    for (const f of leases)
      expect(f.adjustments).toMatchObject([{ reason: 'config-override', from: 'low', to: 'medium' }]);
    const en = render(raised, { format: 'text', lang: 'en' });
    const fr = render(raised, { format: 'text', lang: 'fr' });
    expect(en).toContain('Severity adjusted: config override: low → medium');
    expect(fr).toContain(frenchSpaces('Gravité ajustée : réglage de la configuration : faible → moyenne'));
    expect(fr).not.toContain('config override');
  });

  it('says when a finding is weak evidence (a port others use too), and only then', () => {
    const low = report.findings.filter((f) => f.status === 'fail' && f.confidence === 'low');
    const high = report.findings.filter((f) => f.status === 'fail' && f.confidence === 'high');
    expect(low.length).toBeGreaterThan(0);
    expect(high.length).toBeGreaterThan(0);
    const blocks = (lang: 'en' | 'fr') =>
      render(report, { format: 'text', lang })
        .split(/\n(?= {2}\* )/)
        .filter((b) => b.startsWith('  * '));
    for (const [lang, line] of [
      ['en', 'Certainty: low — the port number alone'],
      ['fr', frenchSpaces('Certitude : faible — le numéro de port seul')],
    ] as const) {
      const all = blocks(lang);
      expect(all.filter((b) => b.includes(line))).toHaveLength(low.length);
      for (const f of high) {
        const block = all.find((b) => b.includes(`[${f.ruleId}]`) && !b.includes(line));
        expect(block, `${f.ruleId} block without the certainty line`).toBeDefined();
      }
    }
    const markdown = render(report, { format: 'markdown', lang: 'fr' });
    expect(markdown.match(/certitude faible\u00a0: numéro de port seulement/g)).toHaveLength(
      report.findings.filter((f) => f.confidence === 'low').length,
    );
  });
});
