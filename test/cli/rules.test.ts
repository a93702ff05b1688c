/**
 * `boxaudit rules list|validate` and bad rule files given to `audit --rules`, end to end. A broken
 * rule file must stop the audit before a single request reaches the box (here the IGD simulator on
 * 127.0.0.1, whose request log proves it).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OFFICE } from '../../src/demo/demo-office.js';
import { type IgdSimulator, startIgdSimulator } from '../../src/demo/igd-simulator.js';
import { FIXTURES, loadCli, parseJson, REPO_ROOT, runCli } from './helpers.js';

// Load the CLI before the first test: compiling it must not count against a test's time.
beforeAll(loadCli);

const BROKEN_RULE = join(FIXTURES, 'broken-rule.json');
const BROKEN_CONFIG = join(FIXTURES, 'broken-config.json');
/** A config whose `define` holds broken-rule.json. */
const BROKEN_DEFINE = join(FIXTURES, 'broken-define.json');
const BUILT_IN_IDS = readdirSync(join(REPO_ROOT, 'rules'))
  .filter((f) => /^BOX-[A-Z]+-\d+\.json$/.test(f))
  .map((f) => f.replace(/\.json$/, ''))
  .sort();

let sim: IgdSimulator;

beforeAll(async () => {
  sim = await startIgdSimulator(DEMO_OFFICE);
});

afterAll(async () => {
  await sim?.close();
});

describe('rules validate', () => {
  it('a broken rule file: exit 2, `file: /pointer message` on stderr', async () => {
    const r = await runCli(['rules', 'validate', BROKEN_RULE]);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/broken-rule\.json: \/match\/forward\/ports\/0 .*70000/);
  });

  it('a broken config file: the pointer names the override', async () => {
    const r = await runCli(['rules', 'validate', BROKEN_CONFIG]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken-config\.json: \/rules\/BOX-RA-004\b.*urgent/);
  });

  it('valid files: exit 0, one `file: ok` line each; a mix with a broken one is exit 2', async () => {
    const valid = join(REPO_ROOT, 'rules', 'BOX-MED-001.json');
    const ok = await runCli(['rules', 'validate', valid]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toBe(`${valid}: ok`);
    const mixed = await runCli(['rules', 'validate', valid, BROKEN_RULE]);
    expect(mixed.code).toBe(2);
    expect(mixed.stdout).toContain(`${valid}: ok`);
    expect(mixed.stderr).toContain('broken-rule.json: /match/forward/ports/0');
  });

  it('--json: one result per file, exit 2 when one is invalid', async () => {
    const r = await runCli(['rules', 'validate', '--json', BROKEN_RULE]);
    expect(r.code).toBe(2);
    const results = parseJson<Array<{ file: string; ok: boolean; errors: string[] }>>(
      r.stdout,
      'validate --json',
    );
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ file: BROKEN_RULE, ok: false });
    expect(results[0]!.errors[0]).toContain('/match/forward/ports/0');
  });
});

describe('audit --rules with a broken file', () => {
  for (const [name, file, pointer] of [
    ['rule (in define)', BROKEN_DEFINE, 'broken-define.json: /define/0/match/forward/ports/0 '],
    ['override', BROKEN_CONFIG, 'broken-config.json: /rules/BOX-RA-004/severity must be one of '],
  ] as const) {
    it(`a broken ${name}: exit 2 with \`file: /pointer message\`, before any request reaches the box`, async () => {
      const before = sim.requests.length;
      const r = await runCli(['audit', '--upnp', sim.descriptionUrl, '--rules', file]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toContain(pointer);
      expect(lines[0]).toMatch(/\[BOXAUDIT_(RULE|CONFIG)_INVALID\]$/);
      expect(sim.requests.slice(before)).toEqual([]);
    });
  }

  for (const bad of [
    ['--profile', 'helth'],
    ['--now', '2026-13-45'],
  ]) {
    it(`${bad.join(' ')}: a usage error before any request reaches the box`, async () => {
      const before = sim.requests.length;
      const r = await runCli(['audit', '--upnp', sim.descriptionUrl, ...bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(bad[0]);
      expect(r.stderr).toContain('[BOXAUDIT_USAGE]');
      expect(sim.requests.slice(before)).toEqual([]);
    });
  }

  it('a missing rules file: exit 2 naming it, no request', async () => {
    const before = sim.requests.length;
    const r = await runCli(['audit', '--upnp', sim.descriptionUrl, '--rules', join(FIXTURES, 'nope.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.json');
    expect(sim.requests.slice(before)).toEqual([]);
  });
});

describe('rules list', () => {
  it('text: every built-in rule, one line each with its severity', async () => {
    const r = await runCli(['rules', 'list']);
    expect(r.code, r.stderr).toBe(0);
    const ids = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/)[0])
      .sort();
    expect(ids).toEqual(BUILT_IN_IDS);
    expect(r.stdout).toMatch(/^BOX-MED-001\s+critical\s+medical\s+DICOM/m);
  });

  it('--json: every built-in rule with its full definition', async () => {
    const r = await runCli(['rules', 'list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = parseJson<{
      profiles: string[];
      rules: Array<{ id: string; severity: string; title: { en: string; fr: string } }>;
    }>(r.stdout, 'rules list --json');
    expect(doc.rules.map((x) => x.id).sort()).toEqual(BUILT_IN_IDS);
    expect(doc.profiles).toEqual([]);
    for (const rule of doc.rules) {
      expect(rule.title.en.length, rule.id).toBeGreaterThan(0);
      expect(rule.title.fr.length, rule.id).toBeGreaterThan(0);
    }
  });

  it('--profile health: the listed severities are the ones in force (FTP high → critical, SMB stays critical)', async () => {
    const json = await runCli(['rules', 'list', '--json', '--profile', 'health']);
    expect(json.code, json.stderr).toBe(0);
    const doc = parseJson<{
      profiles: string[];
      rules: Array<{ id: string; severity: string; effectiveSeverity: string }>;
    }>(json.stdout, 'rules list --json --profile health');
    expect(doc.profiles).toEqual(['health']);
    expect(doc.rules.find((x) => x.id === 'BOX-FS-006')).toMatchObject({
      severity: 'high',
      effectiveSeverity: 'critical',
    });
    expect(doc.rules.find((x) => x.id === 'BOX-FS-001')).toMatchObject({
      severity: 'critical',
      effectiveSeverity: 'critical',
    });

    const plain = await runCli(['rules', 'list']);
    const health = await runCli(['rules', 'list', '--profile', 'health']);
    expect(plain.stdout).toMatch(/^BOX-FS-006\s+high\s/m);
    expect(health.stdout).toMatch(/^BOX-FS-006\s+critical\s/m);
    // A medium file-sharing rule goes up one level.
    expect(plain.stdout).toMatch(/^BOX-FS-007\s+medium\s/m);
    expect(health.stdout).toMatch(/^BOX-FS-007\s+high\s/m);
  });

  it('--rules with a severity override shows the overridden severity', async () => {
    const r = await runCli(['rules', 'list', '--rules', join(FIXTURES, 'ssh-high.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^BOX-RA-004\s+high\s/m);
  });

  it('--lang fr lists French titles', async () => {
    const r = await runCli(['rules', 'list', '--lang', 'fr']);
    expect(r.stdout).toMatch(/^BOX-FS-001\s+critical\s+file-sharing\s+.*(Partage|partage)/m);
  });
});
