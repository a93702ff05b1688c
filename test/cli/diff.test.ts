/**
 * Change over time through the CLI (in-process, test/cli/helpers.ts) (issue 15 part 4): `boxaudit diff OLD NEW` on saved reports,
 * dumps and exports (text in English and French, `--json`, exit code from what is new);
 * `audit --baseline REPORT.json` (JSON `baseline` marks, SARIF `baselineState`, exit code from new
 * findings only); `--webhook URL` to a loopback receiver; `audit --format prometheus --output`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheus from 'parse-prometheus-text-format';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MSP_FIXTURES, validatorFor } from '../msp/helpers.js';
import { sarifValidator } from '../reporters/sarif-schema.js';
import { listenOnLoopback } from '../sim/vendors/_listen.js';
import { loadCli, runCli } from './helpers.js';

// Load the CLI before the first test: compiling it must not count against a test's time.
beforeAll(loadCli);

const MONDAY = join(MSP_FIXTURES, 'monday.uci');
const TUESDAY = join(MSP_FIXTURES, 'tuesday.uci');
const NOW = ['--now', '2026-12-01T00:00:00Z'];

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

let dir: string;
let mondayReport: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'boxaudit-cli-diff-'));
  mondayReport = join(dir, 'monday.json');
  const r = await runCli(['audit', '--from', MONDAY, '--output', mondayReport, ...NOW]);
  expect(r.code, r.stderr).toBe(1);
});

describe('boxaudit diff', () => {
  it('two exports: the new RDP forward, the PACS forward gone, exit 1; French headings with --lang fr', async () => {
    const r = await runCli(['diff', MONDAY, TUESDAY, ...NOW]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(
      /New exposures \(1\)\n {2}\+ CRITICAL .*tcp 33389 → 192\.168\.1\.40:3389 "Remote desktop"/,
    );
    expect(r.stdout).toMatch(/Gone \(1\)\n {2}- CRITICAL .*tcp 104 → 192\.168\.1\.20:104 "PACS"/);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
      'BOXAUDIT-DIFF new=1 gone=1 unchanged=3 failon=high exit=1',
    );
    const fr = await runCli(['diff', MONDAY, TUESDAY, '--lang', 'fr', ...NOW]);
    expect(fr.code).toBe(1);
    expect(fr.stdout).toContain('Nouvelles expositions (1)');
    expect(fr.stdout).toContain('Inchangées (3)');
  });

  it('a saved report against an export, --json: the diff document; nothing new at or above --fail-on → exit 0', async () => {
    const r = await runCli(['diff', mondayReport, TUESDAY, '--json', ...NOW]);
    expect(r.code, r.stderr).toBe(1);
    const diff = JSON.parse(r.stdout);
    expect(diff.new.map((e: { exposure: { externalPort: string } }) => e.exposure.externalPort)).toEqual([
      '33389',
    ]);
    expect(diff.gone.map((e: { exposure: { externalPort: string } }) => e.exposure.externalPort)).toEqual([
      '104',
    ]);
    const same = await runCli(['diff', mondayReport, MONDAY, ...NOW]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain('BOXAUDIT-DIFF new=0 gone=0');
    // Tuesday → Monday: the PACS forward is back (critical); at --fail-on critical that still fails.
    const back = await runCli(['diff', TUESDAY, MONDAY, '--fail-on', 'critical', ...NOW]);
    expect(back.code).toBe(1);
  });

  it('usage errors: one or three inputs, an unreadable input → exit 2 with one line', async () => {
    for (const args of [
      ['diff', MONDAY],
      ['diff', MONDAY, TUESDAY, MONDAY],
      ['diff', MONDAY, join(dir, 'none.conf')],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });
});

describe('audit --baseline', () => {
  it('JSON marks each finding new or unchanged and lists the absent one; exit 1 for the new RDP forward', async () => {
    const r = await runCli(['audit', '--from', TUESDAY, '--baseline', mondayReport, '--json', ...NOW]);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(validatorFor('report')(report)).toBe('');
    const marks = Object.fromEntries(
      report.findings.map((f: { ruleId: string; baseline: string }) => [f.ruleId, f.baseline]),
    );
    expect(marks['BOX-RA-001']).toBe('new');
    expect(marks['BOX-WEB-001']).toBe('unchanged');
    expect(report.absent.map((a: { ruleId: string }) => a.ruleId)).toEqual(['BOX-MED-001']);
    expect(report.summary.baseline).toMatchObject({ new: 1, absent: 1 });
  });

  it('nothing new: exit 0 although critical findings remain; SARIF marks baselineState and validates', async () => {
    const r = await runCli([
      'audit',
      '--from',
      MONDAY,
      '--baseline',
      mondayReport,
      '--format',
      'sarif',
      ...NOW,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const log = JSON.parse(r.stdout);
    expect(sarifValidator()(log)).toBe('');
    const states = log.runs[0].results.map((x: { baselineState: string }) => x.baselineState);
    expect(states.length).toBeGreaterThan(0);
    expect(new Set(states)).toEqual(new Set(['unchanged']));
    const tuesday = await runCli([
      'audit',
      '--from',
      TUESDAY,
      '--baseline',
      mondayReport,
      '--format',
      'sarif',
      ...NOW,
    ]);
    const results = JSON.parse(tuesday.stdout).runs[0].results as Array<{
      ruleId: string;
      baselineState: string;
    }>;
    expect(results.map((x) => `${x.ruleId}:${x.baselineState}`)).toEqual(
      expect.arrayContaining(['BOX-RA-001:new', 'BOX-MED-001:absent', 'BOX-WEB-001:unchanged']),
    );
  });

  it('a baseline that is not a saved report is refused before the box is read', async () => {
    const r = await runCli(['audit', '--from', TUESDAY, '--baseline', MONDAY]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--baseline .*monday\.uci: not a saved report/);
    expect(r.stdout).toBe('');
  });
});

describe('--webhook', () => {
  async function receiver() {
    const bodies: string[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200).end();
      });
    });
    const listening = await listenOnLoopback(server);
    closers.push(listening.close);
    return { url: `${listening.url}/hook/s3cr3t-receiver-path`, bodies };
  }

  it('POSTs the new findings (schema-valid) and nothing when there is nothing new; the URL never shown', async () => {
    const hook = await receiver();
    const r = await runCli([
      'audit',
      '--from',
      TUESDAY,
      '--baseline',
      mondayReport,
      '--webhook',
      hook.url,
      '--verbose',
      ...NOW,
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(hook.bodies).toHaveLength(1);
    const payload = JSON.parse(hook.bodies[0]!);
    expect(validatorFor('webhook')(payload)).toBe('');
    expect(payload.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['BOX-RA-001']);
    expect(payload.baseline).toBe(true);
    expect(r.stdout + r.stderr).not.toContain('s3cr3t-receiver-path');
    const quiet = await runCli([
      'audit',
      '--from',
      MONDAY,
      '--baseline',
      mondayReport,
      '--webhook',
      hook.url,
      ...NOW,
    ]);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(hook.bodies).toHaveLength(1);
  });

  it('a receiver that is down: the report is printed, one warning, exit 2', async () => {
    const server = http.createServer();
    const listening = await listenOnLoopback(server);
    await listening.close();
    const r = await runCli([
      'audit',
      '--from',
      TUESDAY,
      '--json',
      '--webhook',
      `${listening.url}/hook`,
      ...NOW,
    ]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(
      /webhook failed: webhook http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED \(after 3 attempts\)/,
    );
  });

  it('BOXAUDIT_WEBHOOK is the environment form of --webhook: posted, its URL never shown; the flag wins', async () => {
    const hook = await receiver();
    const env = { env: { BOXAUDIT_WEBHOOK: hook.url } };
    const r = await runCli(
      ['audit', '--from', TUESDAY, '--baseline', mondayReport, '--verbose', ...NOW],
      env,
    );
    expect(r.code, r.stderr).toBe(1);
    expect(hook.bodies).toHaveLength(1);
    expect(JSON.parse(hook.bodies[0]!).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual([
      'BOX-RA-001',
    ]);
    expect(r.stdout + r.stderr).not.toContain('s3cr3t-receiver-path');
    // --webhook wins over the variable: the other receiver gets the POST.
    const other = await receiver();
    const flag = await runCli(
      ['audit', '--from', TUESDAY, '--baseline', mondayReport, '--webhook', other.url, ...NOW],
      env,
    );
    expect(flag.code, flag.stderr).toBe(1);
    expect(other.bodies).toHaveLength(1);
    expect(hook.bodies).toHaveLength(1);
  });

  it('a bad BOXAUDIT_WEBHOOK is refused before the box is read, naming the variable, never its value', async () => {
    for (const bad of ['ftp://127.0.0.1/hook/s3cr3t-token', 'http://user:s3cr3t-token@127.0.0.1/hook']) {
      const r = await runCli(['audit', '--from', TUESDAY], { env: { BOXAUDIT_WEBHOOK: bad } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^boxaudit: BOXAUDIT_WEBHOOK: /);
      expect(r.stderr).not.toContain('s3cr3t-token');
      expect(r.stdout).toBe('');
    }
  });

  it('a URL that is not http(s) is refused before the box is read', async () => {
    const r = await runCli(['audit', '--from', TUESDAY, '--webhook', 'ftp://127.0.0.1/x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--webhook: only http and https/);
    expect(r.stdout).toBe('');
  });
});

describe('audit --format prometheus', () => {
  it('prints the metrics and writes them atomically to --output', async () => {
    const out = join(dir, 'audit.prom');
    writeFileSync(out, 'old content\n');
    const r = await runCli(['audit', '--from', MONDAY, '--format', 'prometheus', '--output', out, ...NOW]);
    expect(r.code, r.stderr).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe(r.stdout);
    const families = parsePrometheus(r.stdout);
    const critical = families
      .find((f) => f.name === 'boxaudit_findings')!
      .metrics.find((m) => m.labels!.severity === 'critical');
    expect(critical?.value).toBe('1');
    expect(critical?.labels?.site).toBe(MONDAY);
  });
});

describe('boxaudit diff on fleet JSON lines', () => {
  let tuesdayReport: string;
  let last: string;
  let tonight: string;
  beforeAll(async () => {
    tuesdayReport = join(dir, 'tuesday.json');
    const r = await runCli(['audit', '--from', TUESDAY, '--output', tuesdayReport, ...NOW]);
    expect(r.code, r.stderr).toBe(1);
    const monday = JSON.parse(readFileSync(mondayReport, 'utf8'));
    const tuesday = JSON.parse(readFileSync(tuesdayReport, 'utf8'));
    const lines = (sites: object[]) => `${sites.map((s) => JSON.stringify(s)).join('\n')}\n`;
    const failed = { ok: false, error: { code: 'BOXAUDIT_TIMEOUT', message: 'timed out' } };
    last = join(dir, 'last.jsonl');
    tonight = join(dir, 'tonight.jsonl');
    // martin: an RDP forward opened since; nord: unchanged; sud: failed last night (all new tonight).
    writeFileSync(
      last,
      lines([
        { name: 'cabinet-martin', ok: true, report: monday },
        { name: 'clinique-nord', ok: true, report: monday },
        { name: 'radiologie-sud', ...failed },
      ]),
    );
    writeFileSync(
      tonight,
      lines([
        { name: 'radiologie-sud', ok: true, report: tuesday },
        { name: 'cabinet-martin', ok: true, report: tuesday },
        { name: 'clinique-nord', ok: true, report: monday },
      ]),
    );
  });

  it('compares site by site, a site with no report last night against nothing; exit from the worst site', async () => {
    const r = await runCli(['diff', last, tonight, ...NOW]);
    expect(r.code, r.stderr).toBe(1);
    const sections = r.stdout.split(/^== /m).slice(1);
    expect(sections.map((s) => s.split(' ==')[0])).toEqual([
      'cabinet-martin',
      'clinique-nord',
      'radiologie-sud',
    ]);
    expect(sections[0]).toContain('BOXAUDIT-DIFF new=1 gone=1 unchanged=3 failon=high exit=1');
    expect(sections[1]).toContain('BOXAUDIT-DIFF new=0 gone=0 unchanged=4 failon=high exit=0');
    expect(sections[2]).toMatch(/BOXAUDIT-DIFF new=4 gone=0 unchanged=0 failon=high exit=1/);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
      'BOXAUDIT-DIFF-FLEET sites=3 changed=2 failed=0 failon=high exit=1',
    );
  });

  it('--json: one line per site; a site with no report tonight cannot be compared (exit 2)', async () => {
    const broken = join(dir, 'tonight-broken.jsonl');
    const kept = readFileSync(tonight, 'utf8')
      .split('\n')
      .filter((l) => !l.includes('"clinique-nord"'));
    writeFileSync(
      broken,
      `${kept.join('\n')}\n{"name":"clinique-nord","ok":false,"error":{"code":"BOXAUDIT_NETWORK","message":"down"}}\n`,
    );
    const r = await runCli(['diff', last, broken, '--json', ...NOW]);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.name, l.ok])).toEqual([
      ['cabinet-martin', true],
      ['clinique-nord', false],
      ['radiologie-sud', true],
    ]);
    expect(lines[0].diff.new[0].exposure.externalPort).toBe('33389');
    expect(lines[1].error.message).toContain('BOXAUDIT_NETWORK');
  });

  it('--site NAME: one site of the fleet against a single report, export or dump', async () => {
    const r = await runCli(['diff', last, TUESDAY, '--site', 'cabinet-martin', ...NOW]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('BOXAUDIT-DIFF new=1 gone=1 unchanged=3 failon=high exit=1');
    const missing = await runCli(['diff', last, tonight, '--site', 'nowhere', ...NOW]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain('could not compare: no line for this site');
    // Fleet lines against a single report without --site: which site is meant is not known.
    const mixed = await runCli(['diff', last, TUESDAY, ...NOW]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/is not fleet JSON lines; compare one site of the other with --site NAME/);
  });
});
