import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/audit.js';
import { parseExport } from '../../src/import.js';
import { render } from '../../src/reporters/index.js';
import { defaultSarifArtifact, type SarifArtifact, sarifBoxId } from '../../src/reporters/sarif.js';
import { loadRuleSet } from '../../src/rules/load.js';
import type { AuditReport, Rule } from '../../src/rules/types.js';
import { doctorOffice, hostileReport } from './helpers.js';
import { sarifValidator } from './sarif-schema.js';

// biome-ignore lint/suspicious/noExplicitAny: test reads of a parsed SARIF document
type Loose = Record<string, any>;

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri: string; rules: Loose[] } };
    invocations: { toolExecutionNotifications: Loose[] }[];
    results: Loose[];
    language: string;
    properties: Loose;
  }[];
}

const validateSarif = sarifValidator();

describe('SARIF 2.1.0', () => {
  const text = render(doctorOffice(), { format: 'sarif', lang: 'en' });
  const log = JSON.parse(text) as SarifLog;
  const run = log.runs[0]!;

  it('validates against the official SARIF 2.1.0 schema (en, fr, hostile input)', () => {
    expect(validateSarif(log)).toBe('');
    expect(validateSarif(JSON.parse(render(doctorOffice(), { format: 'sarif', lang: 'fr' })))).toBe('');
    expect(validateSarif(JSON.parse(render(hostileReport(), { format: 'sarif', lang: 'en' })))).toBe('');
  });

  it('the validator does reject an invalid log (so the check above means something)', () => {
    const broken = structuredClone(log) as unknown as { runs: { results: Record<string, unknown>[] }[] };
    broken.runs[0]!.results[0]!.level = 'critical';
    expect(validateSarif(broken)).not.toBe('');
  });

  it('describes the tool and one rule per rule that produced a finding (waived included)', () => {
    expect(log.version).toBe('2.1.0');
    expect(run.tool.driver.name).toBe('boxaudit');
    expect(run.tool.driver.version).toBe('0.1.0');
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual([
      'BOX-DB-001',
      'BOX-FS-001',
      'BOX-FS-002',
      'BOX-MED-001',
      'BOX-RA-001',
      'BOX-RA-002',
      'BOX-RTR-001',
    ]);
    const med = run.tool.driver.rules.find((r) => r.id === 'BOX-MED-001')!;
    expect(med.name).toBe('MedicalImagingDicomPacsOpenToTheInternet');
    expect(med.shortDescription.text).toBe('Medical imaging (DICOM/PACS) open to the internet');
    expect(med.help.text).toContain('Remove this port forward on the box.');
    expect(med.helpUri).toBe('https://dicom.nema.org/medical/dicom/current/output/html/part15.html');
    expect(med.defaultConfiguration.level).toBe('error');
    expect(med.properties['security-severity']).toBe('9.5');
    expect(med.properties.tags).toEqual(['security', 'medical']);
    expect(med.properties.category).toBe('medical');
    expect(med.properties.confidence).toBe('high');
    const rtr = run.tool.driver.rules.find((r) => r.id === 'BOX-RTR-001')!;
    expect(rtr.defaultConfiguration.level).toBe('warning');
    expect(rtr.properties['security-severity']).toBe('5.5');
  });

  it('uses the rule itself for descriptors when given', () => {
    const rule = {
      id: 'BOX-MED-001',
      title: { en: 'DICOM exposed', fr: 'DICOM exposé' },
      description: {
        en: 'DICOM (PS3.8) has no authentication by default.',
        fr: "DICOM (PS3.8) n'a pas d'authentification par défaut.",
      },
      severity: 'critical',
      confidence: 'high',
      category: 'medical',
      tags: ['dicom', 'pacs'],
      match: {},
      message: { en: 'm', fr: 'm' },
      remediation: { en: 'Close port {externalPort}.', fr: 'Fermez le port {externalPort}.' },
      references: [],
      examples: { fail: [], pass: [] },
    } satisfies Rule;
    const out = JSON.parse(
      render(doctorOffice(), { format: 'sarif', lang: 'fr', rules: [rule] }),
    ) as SarifLog;
    const med = out.runs[0]!.tool.driver.rules.find((r) => r.id === 'BOX-MED-001')!;
    expect(med.fullDescription.text).toBe("DICOM (PS3.8) n'a pas d'authentification par défaut.");
    expect(med.properties.tags).toEqual(['security', 'medical', 'dicom', 'pacs']);
    expect(med.helpUri).toBeUndefined();
    expect(validateSarif(out)).toBe('');
  });

  it('maps severities to levels, inconclusive to kind "review", waived to an accepted suppression', () => {
    const byForward = (id: string | null) => run.results.filter((r) => r.properties.forwardId === id);
    const pacs = byForward('fwd-pacs-8443')[0]!;
    expect(pacs.ruleId).toBe('BOX-MED-001');
    expect(pacs.level).toBe('error');
    expect(pacs.kind).toBe('fail');
    expect(pacs.message.text).toContain('TCP port 8443 is forwarded to 192.168.1.20:104');
    expect(pacs.locations[0].logicalLocations[0]).toEqual({
      name: '192.168.1.20:104 <- internet TCP 8443 (UPnP, "PACS radiologue")',
      fullyQualifiedName: 'http://192.168.1.1:49152/rootDesc.xml#forward/fwd-pacs-8443',
      kind: 'resource',
    });
    expect(pacs.locations[0].physicalLocation.artifactLocation.uri).toBe(
      'boxaudit/192.168.1.1_49152_rootDesc.xml.json',
    );
    expect(run.tool.driver.rules[pacs.ruleIndex]!.id).toBe('BOX-MED-001');

    expect(byForward(null)[0]!.level).toBe('warning');
    expect(byForward(null)[0]!.locations[0].logicalLocations[0].fullyQualifiedName).toBe(
      'http://192.168.1.1:49152/rootDesc.xml#box',
    );
    const db = byForward('fwd-db-15432')[0]!;
    expect(db.kind).toBe('review');
    expect(db.level).toBe('none');
    expect(db.properties.unknown).toEqual(['internalPort']);
    const vnc = byForward('fwd-vnc-5900')[0]!;
    expect(vnc.suppressions).toEqual([
      {
        kind: 'external',
        status: 'accepted',
        justification: 'Reception PC support by the software vendor, source IP restricted (until 2027-06-30)',
      },
    ]);
    expect(run.results).toHaveLength(8);
  });

  it('has stable, distinct fingerprints (rule + box + forward)', () => {
    const prints = run.results.map((r) => r.partialFingerprints['boxauditFinding/v1'] as string);
    expect(new Set(prints).size).toBe(prints.length);
    for (const p of prints) expect(p).toMatch(/^[0-9a-f]{64}$/);
    // Wording and language do not change a fingerprint; the forward does.
    const fr = JSON.parse(render(doctorOffice(), { format: 'sarif', lang: 'fr' })) as SarifLog;
    expect(fr.runs[0]!.results.map((r) => r.partialFingerprints['boxauditFinding/v1'])).toEqual(prints);
  });

  it('reports coverage gaps as tool execution notifications, in the chosen language', () => {
    const notes = run.invocations[0]!.toolExecutionNotifications;
    expect(notes.map((n) => n.descriptor.id)).toEqual([
      'UPNP_CANNOT_SEE_STATIC',
      'UPNP_CANNOT_SEE_DMZ',
      'UPNP_CANNOT_SEE_IPV6',
      'UPNP_CANNOT_SEE_REMOTE_ADMIN',
    ]);
    const fr = JSON.parse(render(doctorOffice(), { format: 'sarif', lang: 'fr' })) as SarifLog;
    expect(fr.runs[0]!.language).toBe('fr-FR');
    expect(fr.runs[0]!.invocations[0]!.toolExecutionNotifications[0]!.message.text).toContain(
      'ne sont pas visibles par UPnP',
    );
    expect(fr.runs[0]!.results.find((r) => r.ruleId === 'BOX-RA-001')!.message.text).toContain(
      'Le port TCP 3389',
    );
    expect(run.properties.status).toMatch(/^BOXAUDIT status=findings /);
  });

  it('is deterministic and does not depend on input order', () => {
    const shuffled = doctorOffice();
    shuffled.findings.reverse();
    expect(render(shuffled, { format: 'sarif' })).toBe(text);
  });

  it('keeps control characters out of messages', () => {
    const out = render(hostileReport(), { format: 'sarif' });
    const parsed = JSON.parse(out) as SarifLog;
    for (const r of parsed.runs[0]!.results)
      expect(r.message.text).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});

/**
 * What GitHub code scanning needs of each result before it accepts a SARIF file (docs.github.com,
 * "SARIF support for code scanning"; microsoft/sarif-sdk#2704: "code scanning requires
 * physicalLocation.artifactLocation.uri to have a non-empty string value"; github/codeql-action#1738,
 * #2459: "locationFromSarifResult: expected artifact location"): a physical location whose artifact
 * is a file of the repository — a relative URI, not `http://…` (rejected as an unrecognized URI scheme).
 */
function githubProblems(log: SarifLog): string[] {
  const problems: string[] = [];
  for (const run of log.runs) {
    for (const [i, r] of run.results.entries()) {
      const uri = r.locations?.[0]?.physicalLocation?.artifactLocation?.uri;
      if (typeof uri !== 'string' || uri === '') problems.push(`result ${i}: no artifactLocation.uri`);
      else if (/^[a-z][a-z0-9+.-]*:/i.test(uri))
        problems.push(`result ${i}: ${uri} is not a repository path`);
      const line = r.locations[0]?.physicalLocation?.region?.startLine;
      if (line !== undefined && !(Number.isInteger(line) && line >= 1))
        problems.push(`result ${i}: startLine ${line}`);
    }
  }
  return problems;
}

describe('SARIF physical locations (GitHub code scanning)', () => {
  const CONFIGS = 'test/fixtures/configs';

  async function fromExport(path: string): Promise<AuditReport> {
    const text = readFileSync(path, 'utf8');
    const snapshot = parseExport(text, { fileName: path });
    const ruleSet = await loadRuleSet(undefined);
    return buildReport([snapshot], ruleSet, { now: new Date('2026-12-02T00:00:00Z'), failOn: 'high' });
  }

  it('the check refuses a log without physical locations (as boxaudit wrote it before)', () => {
    const log = JSON.parse(render(doctorOffice(), { format: 'sarif', lang: 'en' })) as SarifLog;
    for (const r of log.runs[0]!.results)
      r.locations = [{ logicalLocations: r.locations[0].logicalLocations }];
    expect(githubProblems(log)).toHaveLength(log.runs[0]!.results.length);
  });

  it('a live read: every result points at boxaudit/<box id>.json under %SRCROOT%, keeps its logical location, no region', () => {
    const report = doctorOffice();
    report.absent = [
      {
        ruleId: 'BOX-RA-001',
        status: 'fail',
        severity: 'high',
        category: 'remote-access',
        box: 'http://192.168.1.1:49152/rootDesc.xml',
        exposure: {
          protocol: 'tcp',
          externalPort: '3389',
          internalHost: '192.168.1.40',
          internalPort: '3389',
        },
        title: { en: 't', fr: 't' },
        message: { en: 'gone', fr: 'disparu' },
      } as never,
    ];
    const log = JSON.parse(render(report, { format: 'sarif', lang: 'en' })) as SarifLog;
    const run = log.runs[0]! as SarifLog['runs'][number] & Loose;
    expect(validateSarif(log)).toBe('');
    expect(githubProblems(log)).toEqual([]);
    const uri = 'boxaudit/192.168.1.1_49152_rootDesc.xml.json';
    expect(run.artifacts).toEqual([{ location: { uri, uriBaseId: '%SRCROOT%' }, roles: ['analysisTarget'] }]);
    expect(Object.keys(run.originalUriBaseIds)).toEqual(['%SRCROOT%']);
    for (const r of run.results) {
      expect(r.locations[0].physicalLocation).toEqual({
        artifactLocation: { uri, uriBaseId: '%SRCROOT%', index: 0 },
      });
      expect(r.locations[0].logicalLocations[0].fullyQualifiedName).toMatch(
        /^http:\/\/192\.168\.1\.1:49152\/rootDesc\.xml#/,
      );
    }
    expect(run.results.at(-1)?.baselineState).toBe('absent');
  });

  it('an exported configuration: its relative path, and the line of each forward where the parser knows it', async () => {
    for (const [path, expected] of [
      // RouterOS: the `add` line of each dst-nat rule (a rule continued with `\` starts on its first line).
      [`${CONFIGS}/routeros/export.rsc`, { 'BOX-MED-001': 23 }],
      // OpenWrt /etc/config: the `config redirect` line of the section.
      [`${CONFIGS}/openwrt/etc-config-firewall`, { 'BOX-MED-004': 31 }],
    ] as const) {
      const report = await fromExport(path);
      const log = JSON.parse(render(report, { format: 'sarif', lang: 'en' })) as SarifLog;
      expect(validateSarif(log)).toBe('');
      expect(githubProblems(log)).toEqual([]);
      const lines = readFileSync(path, 'utf8').split('\n');
      const results = log.runs[0]!.results;
      let withLine = 0;
      for (const r of results) {
        const phys = r.locations[0].physicalLocation;
        expect(phys.artifactLocation).toEqual({ uri: path, uriBaseId: '%SRCROOT%', index: 0 });
        if (r.properties.forwardId === null) {
          expect(phys.region).toBeUndefined(); // the box itself: the whole file
          continue;
        }
        // Every forward's result points at the line its rule or section starts on.
        withLine++;
        expect(lines[phys.region.startLine - 1]).toMatch(/^(add action=dst-nat|config redirect)/);
      }
      expect(withLine).toBeGreaterThan(0);
      for (const [ruleId, line] of Object.entries(expected)) {
        const r = results.find((x) => x.ruleId === ruleId && x.properties.forwardId !== null);
        expect(r?.locations[0].physicalLocation.region, `${path} ${ruleId}`).toEqual({ startLine: line });
        expect(lines[line - 1]).toMatch(/^(add action=dst-nat|config redirect)/);
      }
    }
  });

  it('given artifacts win: a committed snapshot path, percent-encoded, or an absolute URI kept as is', () => {
    const report = doctorOffice();
    const at = (a: SarifArtifact) =>
      (JSON.parse(render(report, { format: 'sarif', lang: 'en', sarifArtifacts: [a] })) as SarifLog).runs[0]!
        .results[0]!.locations[0].physicalLocation;
    expect(at({ uri: 'sites/cabinet martin/box.json' })).toEqual({
      artifactLocation: { uri: 'sites/cabinet%20martin/box.json', uriBaseId: '%SRCROOT%', index: 0 },
    });
    expect(at({ uri: 'file:///srv/exports/box.json' })).toEqual({
      artifactLocation: { uri: 'file:///srv/exports/box.json', index: 0 },
    });
    // lines asked for, but the forward has no known line: still no region.
    expect(at({ uri: 'boxaudit/office.json', lines: true }).region).toBeUndefined();
  });

  it('box ids and default anchors', () => {
    expect(sarifBoxId('http://192.168.1.1:5000/rootDesc.xml')).toBe('192.168.1.1_5000_rootDesc.xml');
    expect(sarifBoxId('192.168.1.1')).toBe('192.168.1.1');
    expect(sarifBoxId('https://[fe80::1]:8443')).toBe('fe80_1_8443');
    expect(sarifBoxId('../../etc')).toBe('etc');
    expect(sarifBoxId('')).toBe('box');
    const file = (address: string) =>
      defaultSarifArtifact({ target: { kind: 'file', address, adapter: 'x' } });
    expect(file('./sites/a/config.xml')).toEqual({ uri: 'sites/a/config.xml', lines: true });
    expect(file('/etc/config/firewall')).toEqual({ uri: 'boxaudit/etc_config_firewall.json' });
    expect(file('../outside.rsc')).toEqual({ uri: 'boxaudit/outside.rsc.json' });
    expect(file('(text)')).toEqual({ uri: 'boxaudit/text.json' });
  });
});
