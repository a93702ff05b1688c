/**
 * `boxaudit fleet SITES.json` end to end through the CLI (in-process, test/cli/helpers.ts) (issue 15 part 4): offline exports
 * and loopback vendor simulators in one fleet; one JSON line per site on stdout and appended to
 * `--jsonl FILE`, each valid against schema/fleet-result.schema.json; credentials from the variables
 * each site names, never in any output; exit code of the worst site; `--format prometheus` written
 * atomically with `--output`; `--format text` one status line per site. Every site names a file or
 * a loopback host (checked before the CLI runs): no discovery, ever.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheus from 'parse-prometheus-text-format';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertLoopbackSites, CONFIGS, MSP_FIXTURES, validatorFor } from '../msp/helpers.js';
import { LIVEBOX_SIM_PASSWORD, startLiveboxSimulator } from '../sim/vendors/livebox.js';
import {
  ROUTEROS_REST_SIM_PASSWORD,
  ROUTEROS_REST_SIM_USER,
  startRouterosRestSimulator,
} from '../sim/vendors/routeros-rest.js';
import { loadCli, runCli } from './helpers.js';

// Load the CLI before the first test: compiling it must not count against a test's time.
beforeAll(loadCli);

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

function fleetFile(sites: Array<{ name: string; target: Record<string, unknown>; credentials?: object }>): {
  dir: string;
  file: string;
} {
  assertLoopbackSites(sites);
  const dir = mkdtempSync(join(tmpdir(), 'boxaudit-cli-fleet-'));
  const file = join(dir, 'sites.json');
  writeFileSync(file, JSON.stringify({ sites }));
  return { dir, file };
}

interface Line {
  name: string;
  ok: boolean;
  report?: {
    findings: Array<{ ruleId: string; status: string; baseline?: string }>;
    summary: { exitCode: number };
  };
  error?: { code: string; message: string };
}

async function simulators() {
  const livebox = await startLiveboxSimulator();
  closers.push(() => livebox.close());
  const routeros = await startRouterosRestSimulator();
  closers.push(() => routeros.close());
  return { livebox, routeros };
}

const ENV = {
  MARTIN_PW: LIVEBOX_SIM_PASSWORD,
  NORD_USER: ROUTEROS_REST_SIM_USER,
  NORD_PW: ROUTEROS_REST_SIM_PASSWORD,
};

describe('boxaudit fleet', () => {
  it('one valid JSON line per site on stdout and in --jsonl; a failing site does not stop the others; exit 2', async () => {
    const { livebox, routeros } = await simulators();
    const { dir, file } = fleetFile([
      {
        name: 'cabinet-martin',
        target: { vendor: 'livebox', host: livebox.url },
        credentials: { passwordEnv: 'MARTIN_PW' },
      },
      {
        name: 'clinique-nord',
        target: { vendor: 'routeros-rest', host: routeros.url },
        credentials: { userEnv: 'NORD_USER', passwordEnv: 'NORD_PW' },
      },
      { name: 'cabinet-durand', target: { file: join(CONFIGS, 'openwrt/uci-show.txt') } },
      { name: 'cabinet-petit', target: { file: join(MSP_FIXTURES, 'monday.uci') } },
      { name: 'radiologie-sud', target: { file: 'missing-export.conf' } },
      {
        name: 'unset',
        target: { vendor: 'livebox', host: livebox.url },
        credentials: { passwordEnv: 'UNSET_PW' },
      },
    ]);
    const jsonl = join(dir, 'fleet.jsonl');
    writeFileSync(
      jsonl,
      '{"name":"yesterday","ok":false,"error":{"code":"BOXAUDIT_TIMEOUT","message":"kept"}}\n',
    );
    const r = await runCli(['fleet', file, '--concurrency', '2', '--jsonl', jsonl], {
      env: ENV,
      timeoutMs: 60_000,
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/2 of 6 sites could not be audited/);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    expect(lines.map((l) => l.name).sort()).toEqual(
      [
        'cabinet-durand',
        'cabinet-martin',
        'cabinet-petit',
        'clinique-nord',
        'radiologie-sud',
        'unset',
      ].sort(),
    );
    const valid = validatorFor('fleet-result');
    for (const line of lines) expect(valid(line), line.name).toBe('');
    const by = new Map(lines.map((l) => [l.name, l]));
    for (const name of ['cabinet-martin', 'clinique-nord', 'cabinet-durand', 'cabinet-petit']) {
      expect(by.get(name)?.ok, name).toBe(true);
      expect(
        by.get(name)?.report?.findings.some((f) => f.ruleId === 'BOX-MED-001' && f.status === 'fail'),
      ).toBe(true);
    }
    expect(by.get('radiologie-sud')?.error?.code).toBe('BOXAUDIT_NOT_FOUND');
    expect(by.get('unset')?.error).toMatchObject({
      code: 'BOXAUDIT_USAGE',
      message: expect.stringMatching(/UNSET_PW is not set/),
    });
    // Appended, not replaced: the shipper's file keeps yesterday's lines.
    const file_lines = readFileSync(jsonl, 'utf8').trimEnd().split('\n');
    expect(file_lines[0]).toContain('"yesterday"');
    expect(file_lines.slice(1)).toEqual(r.stdout.trimEnd().split('\n'));
    for (const secret of [LIVEBOX_SIM_PASSWORD, ROUTEROS_REST_SIM_PASSWORD, ...livebox.issuedSecrets]) {
      expect(r.stdout + r.stderr + readFileSync(jsonl, 'utf8')).not.toContain(secret);
    }
  });

  it('all sites audited: the worst exit code (findings → 1); --format text gives one status line per site', async () => {
    const { file } = fleetFile([
      { name: 'a', target: { file: join(MSP_FIXTURES, 'monday.uci') } },
      { name: 'b', target: { file: join(MSP_FIXTURES, 'tuesday.uci') } },
    ]);
    const r = await runCli(['fleet', file, '--format', 'text']);
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout.trimEnd().split('\n').sort();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^a: BOXAUDIT status=findings critical=1 .* exit=1$/);
    expect(lines[1]).toMatch(/^b: BOXAUDIT status=findings critical=1 .* exit=1$/);
    const clean = await runCli([
      'fleet',
      file,
      '--fail-on',
      'critical',
      '--rules',
      join(MSP_FIXTURES, 'no-critical.json'),
    ]);
    expect(clean.code, clean.stderr).toBe(0);
  });

  it('--format prometheus --output: metrics per site written atomically for the textfile collector', async () => {
    const { livebox } = await simulators();
    const { dir, file } = fleetFile([
      {
        name: 'cabinet-martin',
        target: { vendor: 'livebox', host: livebox.url },
        credentials: { passwordEnv: 'MARTIN_PW' },
      },
      { name: 'cabinet-petit', target: { file: join(MSP_FIXTURES, 'monday.uci') } },
      { name: 'radiologie-sud', target: { file: 'missing.conf' } },
    ]);
    const textfile = join(dir, 'collector');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(textfile);
    const out = join(textfile, 'boxaudit.prom');
    const r = await runCli(
      ['fleet', file, '--format', 'prometheus', '--output', out, '--now', '2026-12-02T03:00:00Z'],
      { env: ENV, timeoutMs: 60_000 },
    );
    expect(r.code, r.stderr).toBe(2);
    const text = readFileSync(out, 'utf8');
    expect(text).toBe(r.stdout);
    expect(readdirSync(textfile)).toEqual(['boxaudit.prom']); // no temporary file left for the collector to read
    const families = parsePrometheus(text);
    const success = families.find((f) => f.name === 'boxaudit_audit_success')!;
    expect(Object.fromEntries(success.metrics.map((m) => [m.labels!.site, m.value]))).toEqual({
      'cabinet-martin': '1',
      'cabinet-petit': '1',
      'radiologie-sud': '0',
    });
    const critical = families
      .find((f) => f.name === 'boxaudit_findings')!
      .metrics.filter((m) => m.labels!.severity === 'critical');
    expect(critical.map((m) => m.labels!.site).sort()).toEqual(['cabinet-martin', 'cabinet-petit']);
    expect(families.find((f) => f.name === 'boxaudit_last_run_timestamp_seconds')?.metrics[0]?.value).toBe(
      String(Date.parse('2026-12-02T03:00:00Z') / 1000),
    );
    expect(text).not.toContain(LIVEBOX_SIM_PASSWORD);
  });

  it('--baseline LAST.jsonl: the next night only what is new counts (exit 0 when nothing changed), and is marked', async () => {
    const { dir, file } = fleetFile([
      { name: 'cabinet-petit', target: { file: 'petit.uci' } },
      { name: 'cabinet-grand', target: { file: 'grand.uci' } },
    ]);
    const { copyFileSync } = await import('node:fs');
    copyFileSync(join(MSP_FIXTURES, 'monday.uci'), join(dir, 'petit.uci'));
    copyFileSync(join(MSP_FIXTURES, 'monday.uci'), join(dir, 'grand.uci'));
    const night1 = join(dir, 'night1.jsonl');
    const first = await runCli(['fleet', file, '--jsonl', night1]);
    expect(first.code, first.stderr).toBe(1);
    // Night 2: nothing changed at the small office; the big one opened RDP and closed the PACS forward.
    copyFileSync(join(MSP_FIXTURES, 'tuesday.uci'), join(dir, 'grand.uci'));
    const second = await runCli(['fleet', file, '--baseline', night1]);
    const lines = second.stdout
      .trimEnd()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as Line & {
            report: {
              findings: Array<{ ruleId: string; baseline?: string }>;
              absent?: Array<{ ruleId: string }>;
            };
          },
      );
    const by = new Map(lines.map((l) => [l.name, l]));
    expect(by.get('cabinet-petit')!.report.summary.exitCode).toBe(0);
    expect(by.get('cabinet-petit')!.report.findings.every((f) => f.baseline === 'unchanged')).toBe(true);
    const grand = by.get('cabinet-grand')!.report;
    expect(grand.findings.filter((f) => f.baseline === 'new').map((f) => f.ruleId)).toEqual(['BOX-RA-001']);
    expect(grand.absent?.map((a) => a.ruleId)).toEqual(['BOX-MED-001']);
    expect(second.code).toBe(1);
    copyFileSync(join(MSP_FIXTURES, 'monday.uci'), join(dir, 'grand.uci'));
    const calm = await runCli(['fleet', file, '--baseline', night1]);
    expect(calm.code, calm.stderr).toBe(0);
  });

  it('refuses a discovery site, a literal password, a missing file and bad --concurrency: exit 2, one line, nothing read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boxaudit-cli-fleet-'));
    const discovery = join(dir, 'discover.json');
    writeFileSync(discovery, JSON.stringify({ sites: [{ name: 'lan', target: { discover: {} } }] }));
    const literal = join(dir, 'literal.json');
    writeFileSync(
      literal,
      JSON.stringify({
        sites: [{ name: 'x', target: { file: 'x' }, credentials: { password: 'hunter2-literal' } }],
      }),
    );
    const cases: Array<[string[], RegExp]> = [
      [['fleet', discovery], /discovery is not a fleet target.*BOXAUDIT_CONFIG_INVALID/s],
      [['fleet', literal], /credentials\/password is not a known field/],
      [['fleet', join(dir, 'nope.json')], /nope\.json: cannot read .*BOXAUDIT_NOT_FOUND/],
      [['fleet'], /give the fleet file/],
      [['fleet', discovery, '--concurrency', '0'], /--concurrency must be a whole number from 1 to 64/],
      [['fleet', discovery, '--format', 'sarif'], /--format must be one of jsonl, text, prometheus/],
      [['fleet', discovery, '--jsonl', join(dir, 'no-such-folder', 'x.jsonl')], /--jsonl .* does not exist/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toContain('hunter2-literal');
    }
    expect(existsSync(join(dir, 'no-such-folder'))).toBe(false);
  });
});
