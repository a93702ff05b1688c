/**
 * Issue 3's end-to-end audit on a real box: miniupnpd in the lab's gw namespace holds a doctor's
 * office set of mappings made with the real upnpc (a PACS on DICOM 104, a viewer remapped 8443→104,
 * SMB behind 4450, RDP, HTTPS, a UDP torrent port), and the BUILT CLI runs in the lan namespace like
 * the practice's PC would: `boxaudit audit --upnp <descUrl>`, and plain `boxaudit audit` with SSDP
 * discovery (multicast stays inside the namespaces the lab created).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  danglingForwardIds,
  findingKeys,
  parseJson,
  type ReportJson,
  runCli as runCliOnHost,
  schemaValidators,
} from '../cli/helpers.js';
import { sarifValidator } from '../reporters/sarif-schema.js';
import { LAB_ADDRESSES, type MappingSpec } from './lab.js';
import { describeLab } from './suite.js';

const OFFICE: MappingSpec[] = [
  { ext: 104, int: 104, proto: 'TCP', desc: 'PACS', lease: 3600 },
  { ext: 8443, int: 104, proto: 'TCP', desc: 'Viewer DICOM', lease: 3600 },
  { ext: 4450, int: 445, proto: 'TCP', desc: 'NAS', lease: 3600 },
  { ext: 3389, int: 3389, proto: 'TCP', desc: 'RDP', lease: 3600 },
  { ext: 443, int: 443, proto: 'TCP', desc: 'Site web', lease: 3600 },
  { ext: 51413, int: 51413, proto: 'UDP', desc: 'Transmission', lease: 3600 },
];

const NOW = '2026-06-01T12:00:00.000Z';

describeLab('boxaudit audit against the real miniupnpd (issue 3)', {}, (lab) => {
  let online: ReportJson;
  let onlineText: string;
  let scratch: string;

  beforeAll(async () => {
    for (const m of OFFICE) await lab().addMapping(m);
    scratch = mkdtempSync(join(tmpdir(), 'boxaudit-lab-audit-'));
  }, 60_000);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const forwardId = (report: ReportJson, ext: number, proto = 'tcp') =>
    report.snapshots[0]?.forwards.find((f) => f.externalPort?.start === ext && f.protocol === proto)?.id;
  const failingRules = (report: ReportJson, ext: number, proto = 'tcp') =>
    report.findings
      .filter((f) => f.status === 'fail' && f.forwardId === forwardId(report, ext, proto))
      .map((f) => `${f.ruleId}:${f.severity}`);

  it('audit --upnp <descUrl> --json: DICOM on both forwards, SMB and RDP flagged, HTTPS at most info, exit 1; the box is unchanged', async () => {
    const rulesBefore = await lab().nftRuleset();
    const r = await lab().runCli(['audit', '--upnp', lab().descUrl, '--json', '--now', NOW]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe('');
    online = parseJson<ReportJson>(r.stdout, 'audit --json');
    expect(schemaValidators().report(online)).toBe('');
    expect(danglingForwardIds(online)).toEqual([]);

    const forwards = online.snapshots[0]!.forwards;
    expect(forwards).toHaveLength(OFFICE.length);
    for (const m of OFFICE) {
      expect(forwards.find((f) => f.externalPort?.start === m.ext)).toMatchObject({
        source: 'upnp',
        protocol: m.proto.toLowerCase(),
        internalHost: LAB_ADDRESSES.lanIp,
        internalPort: { start: m.int, end: m.int },
        description: m.desc,
      });
    }
    expect(failingRules(online, 104)).toContain('BOX-MED-001:critical');
    expect(failingRules(online, 8443)).toContain('BOX-MED-001:critical');
    expect(failingRules(online, 4450)).toContain('BOX-FS-001:critical');
    expect(failingRules(online, 3389)).toContain('BOX-RA-001:critical');
    const https = online.findings.filter((f) => f.forwardId === forwardId(online, 443));
    expect(https.filter((f) => f.severity !== 'info').map((f) => `${f.ruleId}:${f.severity}`)).toEqual([]);
    expect(failingRules(online, 51413, 'udp')).toEqual([]); // a torrent port is nobody's business
    expect(online.summary.exitCode).toBe(1);

    expect(await lab().nftRuleset()).toBe(rulesBefore);
    expect(await lab().miniupnpdAlive()).toBe(true);
  });

  it('--format sarif validates against the official SARIF 2.1.0 schema', async () => {
    const r = await lab().runCli(['audit', '--upnp', lab().descUrl, '--format', 'sarif']);
    expect(r.code, r.stderr).toBe(1);
    const sarif = parseJson<{ runs: Array<{ results: Array<{ ruleId: string }> }> }>(r.stdout, 'sarif');
    expect(sarifValidator()(sarif)).toBe('');
    const ids = sarif.runs[0]!.results.map((x) => x.ruleId);
    expect(ids.filter((id) => id === 'BOX-MED-001')).toHaveLength(2);
    expect(ids).toEqual(expect.arrayContaining(['BOX-FS-001', 'BOX-RA-001']));
  });

  it('text in English and French: the status line is last; French headings and severity words', async () => {
    const en = await lab().runCli(['audit', '--upnp', lab().descUrl]);
    expect(en.code, en.stderr).toBe(1);
    expect(en.stderr).toBe('');
    onlineText = en.stdout;
    expect(en.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^BOXAUDIT status=findings critical=\d+ .* exit=1$/,
    );

    const fr = await lab().runCli(['audit', '--upnp', lab().descUrl, '--lang', 'fr']);
    expect(fr.code, fr.stderr).toBe(1);
    for (const word of [
      'CRITIQUE',
      'Couverture',
      'Résumé',
      'Appareil\u00a0: ',
      '[BOX-MED-001]',
      '[BOX-RA-001]',
    ]) {
      expect(fr.stdout, word).toContain(word);
    }
    expect(fr.stdout).not.toContain('Exposures found');
    expect(fr.stdout.trimEnd().split('\n').at(-1)).toBe(en.stdout.trimEnd().split('\n').at(-1));
  });

  it('the saved dump --json, audited offline on the host with --from, gives the same findings', async () => {
    const dumped = await lab().runCli(['dump', '--upnp', lab().descUrl, '--json']);
    expect(dumped.code, dumped.stderr).toBe(0);
    expect(schemaValidators().dump(parseJson(dumped.stdout, 'dump --json'))).toBe('');
    const file = join(scratch, 'lab-office.dump.json');
    writeFileSync(file, dumped.stdout);

    // --from reads a file only: safe to run on the host, outside the namespaces.
    const offline = await runCliOnHost(['audit', '--from', file, '--json', '--now', NOW]);
    expect(offline.code, offline.stderr).toBe(1);
    const report = parseJson<ReportJson>(offline.stdout, 'audit --from --json');
    expect(schemaValidators().report(report)).toBe('');
    expect(findingKeys(report)).toEqual(findingKeys(online));
    expect(offline.stdout).toBe(
      (await runCliOnHost(['audit', '--from', file, '--json', '--now', NOW])).stdout,
    );
  });

  it('plain `boxaudit audit` (SSDP discovery inside the lan namespace) finds the box and gives the same findings', async () => {
    const r = await lab().runCli(['audit', '--json', '--now', NOW]);
    expect(r.code, r.stderr).toBe(1);
    const report = parseJson<ReportJson & { snapshots: Array<{ target: { kind: string } }> }>(
      r.stdout,
      'audit --json (discovery)',
    );
    expect(schemaValidators().report(report)).toBe('');
    expect(report.snapshots).toHaveLength(1);
    expect(report.snapshots[0]!.target.kind).toBe('discovered');
    expect(findingKeys(report)).toEqual(findingKeys(online));
    expect(danglingForwardIds(report)).toEqual([]);

    const text = await lab().runCli(['audit']);
    expect(text.code, text.stderr).toBe(1);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(onlineText.trimEnd().split('\n').at(-1));
  });
});
