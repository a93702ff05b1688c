/**
 * `boxaudit audit` end to end: the CLI (in-process, test/cli/helpers.ts) reads a programmable UPnP IGD simulator on 127.0.0.1
 * (src/demo/igd-simulator.ts, built from the UPnP IGD action formats; a loopback stand-in for the box,
 * the real miniupnpd is exercised in test/lab/audit.lab.test.ts) holding the demo office's mappings:
 * a PACS on DICOM 104, a viewer remapped 8443→104, SMB behind 4450, HTTPS 443 and an Xbox (UDP).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OFFICE } from '../../src/demo/demo-office.js';
import { type IgdSimulator, startIgdSimulator } from '../../src/demo/igd-simulator.js';
import { sarifValidator } from '../reporters/sarif-schema.js';
import {
  danglingForwardIds,
  loadCli,
  parseJson,
  type ReportJson,
  runCli,
  schemaValidators,
} from './helpers.js';

// Load the CLI before the first test: compiling it must not count against a test's time.
beforeAll(loadCli);

const STATUS_LINE =
  /^BOXAUDIT status=(findings|incomplete|clean) critical=\d+ high=\d+ medium=\d+ low=\d+ info=\d+ inconclusive=\d+ waived=\d+ expired=\d+ gaps=\d+ failon=[a-z]+ exit=[01]$/;
const ESC = '\u001b';

function lastLine(text: string): string {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.at(-1) ?? '';
}

let office: IgdSimulator;
let url: string;
let scratch: string;

beforeAll(async () => {
  office = await startIgdSimulator(DEMO_OFFICE);
  url = office.descriptionUrl;
  scratch = mkdtempSync(join(tmpdir(), 'boxaudit-cli-'));
});

afterAll(async () => {
  await office?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('audit --upnp URL (text, the default)', () => {
  it('exits 1 and reports both DICOM forwards, SMB and the coverage; the last line is the status line', async () => {
    const r = await runCli(['audit', '--upnp', url]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('Exposures found');
    const dicom = r.stdout.split('\n').filter((l) => l.includes('[BOX-MED-001]'));
    expect(dicom).toHaveLength(2);
    // Each device once, with every forward to it listed under it.
    expect(r.stdout).toContain('      - 192.168.1.20:104 <- internet TCP 104');
    expect(r.stdout).toContain('      - 192.168.1.21:104 <- internet TCP 8443');
    expect(r.stdout).toContain('[BOX-FS-001]');
    expect(r.stdout).toContain('Coverage');
    expect(r.stdout).toContain('manual port forwards (not visible)');
    const status = lastLine(r.stdout);
    expect(status).toMatch(STATUS_LINE);
    expect(status).toContain('status=findings');
    expect(status).toContain('critical=3');
    expect(status).toMatch(/ exit=1$/);
    // RMM rule: stdout not a TTY, no --verbose → not a byte on stderr.
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain(ESC);
  });

  it('bare `boxaudit --upnp URL` is `boxaudit audit --upnp URL`', async () => {
    const r = await runCli(['--upnp', url]);
    expect(r.code, r.stderr).toBe(1);
    expect(lastLine(r.stdout)).toMatch(STATUS_LINE);
  });

  it('--verbose shows progress on stderr; stdout is unchanged in shape', async () => {
    const r = await runCli(['audit', '--upnp', url, '--verbose']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.trim().length).toBeGreaterThan(0);
    expect(lastLine(r.stdout)).toMatch(STATUS_LINE);
  });
});

describe('audit --json', () => {
  it('validates against schema/report.schema.json; every forwardId resolves; DICOM/SMB flagged, HTTPS info only', async () => {
    const r = await runCli(['audit', '--upnp', url, '--json']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout.endsWith('}\n')).toBe(true);
    const report = parseJson<ReportJson>(r.stdout, 'audit --json');
    expect(schemaValidators().report(report)).toBe('');
    expect(danglingForwardIds(report)).toEqual([]);
    expect(report.snapshots).toHaveLength(1);
    const forwards = report.snapshots[0]!.forwards;
    expect(forwards).toHaveLength(5);
    const byPort = (port: number) => forwards.find((f) => f.externalPort?.start === port)!.id;
    const rulesOf = (port: number) =>
      report.findings.filter((f) => f.forwardId === byPort(port) && f.status === 'fail').map((f) => f.ruleId);
    expect(rulesOf(104)).toContain('BOX-MED-001');
    expect(rulesOf(8443)).toContain('BOX-MED-001');
    expect(rulesOf(4450)).toContain('BOX-FS-001');
    const https = report.findings.filter((f) => f.forwardId === byPort(443) && f.status === 'fail');
    expect(https.map((f) => f.severity).filter((s) => s !== 'info' && s !== 'low')).toEqual([]);
    expect(https.map((f) => f.ruleId)).toContain('BOX-WEB-002');
    // Router-level findings carry forwardId null.
    expect(report.findings.some((f) => f.forwardId === null && f.ruleId === 'BOX-NET-002')).toBe(true);
    expect(report.summary.exitCode).toBe(1);
    expect(report.summary.failOn).toBe('high');
  });

  it('--format json is --json', async () => {
    const a = await runCli(['audit', '--upnp', url, '--json', '--now', '2026-06-01T00:00:00Z']);
    const b = await runCli(['audit', '--upnp', url, '--format', 'json', '--now', '2026-06-01T00:00:00Z']);
    const strip = (t: string) => t.replace(/"collectedAt": "[^"]+"/g, '"collectedAt": "X"');
    expect(strip(b.stdout)).toBe(strip(a.stdout));
  });
});

describe('audit --format sarif and markdown', () => {
  it('--format sarif validates against the official SARIF 2.1.0 schema and carries the DICOM results', async () => {
    const r = await runCli(['audit', '--upnp', url, '--format', 'sarif']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe('');
    const sarif = parseJson<{
      version: string;
      runs: Array<{ results: Array<{ ruleId: string; level: string }> }>;
    }>(r.stdout, 'audit --format sarif');
    expect(sarifValidator()(sarif)).toBe('');
    expect(sarif.version).toBe('2.1.0');
    const results = sarif.runs[0]!.results;
    expect(results.filter((x) => x.ruleId === 'BOX-MED-001').map((x) => x.level)).toEqual(['error', 'error']);
  });

  it('--format markdown: headings, a findings table, the status line in the last block', async () => {
    const r = await runCli(['audit', '--upnp', url, '--format', 'markdown']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^# boxaudit/);
    expect(r.stdout).toContain('## Exposures found');
    expect(r.stdout).toMatch(/\| `BOX-MED-001` \| 192\.168\.1\.21:104 \| TCP 8443/);
    expect(r.stdout.trimEnd()).toMatch(/BOXAUDIT status=findings [^\n]* exit=1\n```$/);
    expect(r.stdout).not.toContain(ESC);
  });
});

describe('audit --lang fr', () => {
  it('is French: headings, severity words, French typography, the status line stays English', async () => {
    const r = await runCli(['audit', '--upnp', url, '--lang', 'fr']);
    expect(r.code, r.stderr).toBe(1);
    for (const word of [
      'CRITIQUE',
      'MOYENNE',
      'Couverture',
      'Résumé',
      'Ouvert depuis Internet\u00a0:',
      '3 critiques',
      '1 moyenne',
    ]) {
      expect(r.stdout, word).toContain(word);
    }
    expect(r.stdout).not.toContain('Exposures found');
    expect(r.stdout).not.toContain('Why it matters');
    expect(lastLine(r.stdout)).toMatch(STATUS_LINE);
  });

  it('Markdown and SARIF follow --lang fr too; JSON carries both languages whatever --lang says', async () => {
    const md = await runCli(['audit', '--upnp', url, '--format', 'markdown', '--lang', 'fr']);
    expect(md.stdout).toContain('## Expositions trouvées');
    const sarif = parseJson<{
      runs: Array<{ language: string; results: Array<{ message: { text: string } }> }>;
    }>((await runCli(['audit', '--upnp', url, '--format', 'sarif', '--lang', 'fr'])).stdout, 'sarif fr');
    expect(sarif.runs[0]!.language).toBe('fr-FR');
    expect(sarif.runs[0]!.results.some((x) => x.message.text.includes('redirigé'))).toBe(true);
    const json = await runCli(['audit', '--upnp', url, '--json', '--lang', 'fr']);
    const finding = parseJson<{ findings: Array<{ title: { en: string; fr: string } }> }>(
      json.stdout,
      'json fr',
    ).findings[0]!;
    expect(finding.title.en.length).toBeGreaterThan(0);
    expect(finding.title.fr.length).toBeGreaterThan(0);
  });

  it('BOXAUDIT_LANG=fr does the same without the flag; --lang en wins over it', async () => {
    const fr = await runCli(['audit', '--upnp', url], { env: { BOXAUDIT_LANG: 'fr' } });
    expect(fr.stdout).toContain('Résumé');
    const en = await runCli(['audit', '--upnp', url, '--lang', 'en'], { env: { BOXAUDIT_LANG: 'fr' } });
    expect(en.stdout).toContain('Summary');
    expect(en.stdout).not.toContain('Résumé');
  });

  it('a French POSIX locale (LANG, LC_MESSAGES, LC_ALL) selects French; LC_ALL wins, BOXAUDIT_LANG and --lang win over all', async () => {
    const lang = await runCli(['audit', '--upnp', url], { env: { LANG: 'fr_FR.UTF-8' } });
    expect(lang.stdout).toContain('Résumé');
    const messages = await runCli(['audit', '--upnp', url], {
      env: { LC_MESSAGES: 'fr_CA', LANG: 'en_US.UTF-8' },
    });
    expect(messages.stdout).toContain('Résumé');
    const all = await runCli(['audit', '--upnp', url], { env: { LC_ALL: 'C.UTF-8', LANG: 'fr_FR.UTF-8' } });
    expect(all.stdout).toContain('Summary');
    const own = await runCli(['audit', '--upnp', url], { env: { BOXAUDIT_LANG: 'en', LANG: 'fr_FR.UTF-8' } });
    expect(own.stdout).toContain('Summary');
    const flag = await runCli(['audit', '--upnp', url, '--lang', 'en'], { env: { LANG: 'fr_FR.UTF-8' } });
    expect(flag.stdout).toContain('Summary');
  });
});

describe('colours', () => {
  it('--color forces ANSI colours on a pipe (the control case for the NO_COLOR test)', async () => {
    const r = await runCli(['audit', '--upnp', url, '--color']);
    expect(r.stdout).toContain(`${ESC}[`);
    expect(lastLine(r.stdout)).toMatch(STATUS_LINE); // the status line itself is never coloured
  });

  it('NO_COLOR=1 wins over --color: no ESC byte anywhere', async () => {
    const r = await runCli(['audit', '--upnp', url, '--color'], { env: { NO_COLOR: '1' } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).not.toContain(ESC);
    expect(r.stderr).not.toContain(ESC);
  });

  it('--no-color wins over --color', async () => {
    const r = await runCli(['audit', '--upnp', url, '--color', '--no-color']);
    expect(r.stdout).not.toContain(ESC);
  });
});

describe('audit --output FILE', () => {
  it('writes the full JSON report to FILE while stdout keeps the text report', async () => {
    const file = join(scratch, 'report.json');
    const r = await runCli(['audit', '--upnp', url, '--output', file, '--now', '2026-06-01T00:00:00Z']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Exposures found');
    expect(lastLine(r.stdout)).toMatch(STATUS_LINE);
    const report = parseJson<ReportJson>(readFileSync(file, 'utf8'), file);
    expect(schemaValidators().report(report)).toBe('');
    expect(danglingForwardIds(report)).toEqual([]);
    expect(report.findings.filter((f) => f.ruleId === 'BOX-MED-001')).toHaveLength(2);
    // Same counts in the file as in the text's status line.
    const critical = Number(/ critical=(\d+)/.exec(lastLine(r.stdout))?.[1]);
    expect(report.summary.counts.critical).toBe(critical);
  });

  it('an --output in a missing folder is refused before the box is contacted (exit 2, one line)', async () => {
    const file = join(scratch, 'no-such-dir', 'report.json');
    const before = office.requests.length;
    const r = await runCli(['audit', '--upnp', url, '--output', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('report.json');
    expect(r.stderr).toMatch(/does not exist.*\[BOXAUDIT_USAGE\]\n$/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
    expect(office.requests.length).toBe(before);
  });

  it('an --output that is a folder is refused before the box is contacted', async () => {
    const before = office.requests.length;
    const r = await runCli(['audit', '--upnp', url, '--output', scratch]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is a folder, not a file.*\[BOXAUDIT_USAGE\]/);
    expect(r.stdout).toBe('');
    expect(office.requests.length).toBe(before);
  });

  it.skipIf(!existsSync('/dev/full'))(
    'a write that fails (disk full) still prints the whole report, then one line and exit 2',
    async () => {
      const r = await runCli([
        'audit',
        '--upnp',
        url,
        '--output',
        '/dev/full',
        '--now',
        '2026-06-01T00:00:00Z',
      ]);
      expect(r.code).toBe(2);
      expect(r.stdout).toContain('Exposures found');
      expect(lastLine(r.stdout)).toMatch(STATUS_LINE);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^boxaudit: could not write --output \/dev\/full: .*ENOSPC.*exit 2$/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
  );
});

describe('--fail-on', () => {
  let sshOnly: IgdSimulator;
  beforeAll(async () => {
    // Only medium findings: SSH (BOX-RA-004) on a leased mapping, and UPnP itself (BOX-NET-002).
    sshOnly = await startIgdSimulator({
      mappings: [
        {
          protocol: 'TCP',
          externalPort: 2222,
          internalClient: '192.168.1.60',
          internalPort: 22,
          description: 'ssh',
          leaseDuration: 3600,
        },
      ],
    });
  });
  afterAll(async () => {
    await sshOnly?.close();
  });

  it('medium findings only: exit 0 with --fail-on critical and by default (high), exit 1 with --fail-on medium', async () => {
    const critical = await runCli([
      'audit',
      '--upnp',
      sshOnly.descriptionUrl,
      '--fail-on',
      'critical',
      '--json',
    ]);
    expect(critical.code, critical.stderr).toBe(0);
    const report = parseJson<ReportJson>(critical.stdout, 'audit --json');
    const failing = report.findings.filter((f) => f.status === 'fail');
    expect(failing.map((f) => f.ruleId).sort()).toEqual(['BOX-NET-002', 'BOX-RA-004']);
    expect(new Set(failing.map((f) => f.severity))).toEqual(new Set(['medium']));
    expect(report.summary).toMatchObject({ failOn: 'critical', exitCode: 0 });

    const byDefault = await runCli(['audit', '--upnp', sshOnly.descriptionUrl]);
    expect(byDefault.code, byDefault.stderr).toBe(0);
    expect(lastLine(byDefault.stdout)).toMatch(
      /^BOXAUDIT status=findings .* medium=2 .* failon=high exit=0$/,
    );

    const medium = await runCli(['audit', '--upnp', sshOnly.descriptionUrl, '--fail-on', 'medium']);
    expect(medium.code, medium.stderr).toBe(1);
    expect(lastLine(medium.stdout)).toMatch(/ failon=medium exit=1$/);
  });

  it('the demo office fails at critical too', async () => {
    const r = await runCli(['audit', '--upnp', url, '--fail-on', 'critical']);
    expect(r.code, r.stderr).toBe(1);
  });
});

describe('--profile health', () => {
  let ftp: IgdSimulator;
  beforeAll(async () => {
    ftp = await startIgdSimulator({
      mappings: [
        {
          protocol: 'TCP',
          externalPort: 21,
          internalClient: '192.168.1.31',
          internalPort: 21,
          description: 'NAS FTP',
        },
      ],
    });
  });
  afterAll(async () => {
    await ftp?.close();
  });

  it('raises the FTP file-sharing rule (BOX-FS-006) from high to critical', async () => {
    const plain = parseJson<ReportJson>(
      (await runCli(['audit', '--upnp', ftp.descriptionUrl, '--json'])).stdout,
      'plain',
    );
    const healthRun = await runCli(['audit', '--upnp', ftp.descriptionUrl, '--json', '--profile', 'health']);
    expect(healthRun.code, healthRun.stderr).toBe(1);
    const health = parseJson<ReportJson>(healthRun.stdout, 'health');
    const fs006 = (r: ReportJson) => r.findings.find((f) => f.ruleId === 'BOX-FS-006');
    expect(fs006(plain)?.severity).toBe('high');
    expect(fs006(health)?.severity).toBe('critical');
    expect(fs006(health)?.adjustments).toMatchObject([{ reason: 'profile', detail: 'health', from: 'high' }]);
    expect(schemaValidators().report(health)).toBe('');
  });
});
