/**
 * Offline audits of exported router configurations (`audit --from FILE`, the format detected), end to
 * end through the CLI (in-process, test/cli/helpers.ts). The exports are the adapters' own fixtures (test/fixtures/configs); this
 * checks the CLI path: detection, a schema-valid report, resolvable forwardIds, clear errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  danglingForwardIds,
  loadCli,
  parseJson,
  REPO_ROOT,
  type ReportJson,
  runCli,
  schemaValidators,
} from './helpers.js';

// Load the CLI before the first test: compiling it must not count against a test's time.
beforeAll(loadCli);

const CONFIGS = join(REPO_ROOT, 'test', 'fixtures', 'configs');

const EXPORTS: Array<{ file: string; adapter: RegExp }> = [
  { file: 'linux/iptables-save-nat.txt', adapter: /linux/ },
  { file: 'linux/nft-lab-capture.json', adapter: /linux/ },
  { file: 'openwrt/uci-show.txt', adapter: /openwrt/ },
  { file: 'openwrt/etc-config-firewall', adapter: /openwrt/ },
  { file: 'routeros/export.rsc', adapter: /routeros/ },
  { file: 'edgeos/show-configuration-commands.txt', adapter: /edgeos/ },
  { file: 'vyos/vyos-1.4.txt', adapter: /vyos/ },
  { file: 'pfsense/config.xml', adapter: /pfsense/ },
  { file: 'opnsense/config.xml', adapter: /opnsense/ },
  { file: 'dump/dump.json', adapter: /./ },
];

describe('audit --from an exported configuration', () => {
  for (const { file, adapter } of EXPORTS) {
    it(`${file}: a valid report with at least one forward, every forwardId resolving`, async () => {
      const r = await runCli([
        'audit',
        '--from',
        join(CONFIGS, file),
        '--json',
        '--now',
        '2026-06-01T00:00:00Z',
      ]);
      expect([0, 1], r.stderr).toContain(r.code);
      expect(r.stderr).toBe('');
      const report = parseJson<ReportJson & { snapshots: Array<{ target: { adapter: string } }> }>(
        r.stdout,
        `audit --from ${file}`,
      );
      expect(schemaValidators().report(report)).toBe('');
      expect(report.snapshots.length).toBeGreaterThan(0);
      expect(report.snapshots[0]!.target.adapter).toMatch(adapter);
      expect(report.snapshots.flatMap((s) => s.forwards).length).toBeGreaterThan(0);
      expect(danglingForwardIds(report)).toEqual([]);
      expect(report.summary.exitCode).toBe(r.code);
    });
  }

  it('nft text output (nft list ruleset, nftables.conf) is audited like its JSON export', async () => {
    const text = await runCli(['audit', '--from', join(CONFIGS, 'linux/nft-lab-capture.txt'), '--json']);
    const json = await runCli(['audit', '--from', join(CONFIGS, 'linux/nft-lab-capture.json'), '--json']);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(json.code);
    const ruleIds = (out: string) =>
      (JSON.parse(out) as { findings: Array<{ ruleId: string; status: string }> }).findings
        .map((f) => `${f.ruleId} ${f.status}`)
        .sort();
    expect(ruleIds(text.stdout)).toEqual(ruleIds(json.stdout));
  });

  it('an unrecognised file is exit 2 naming it and listing what is accepted', async () => {
    const r = await runCli(['audit', '--from', join(CONFIGS, 'routeros/upnp-print.txt')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('upnp-print.txt');
    expect(r.stderr).toMatch(/not a recognised export/);
  });

  it('a hand-edited dump that breaks the schema is exit 2 naming each field, not a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boxaudit-dump-'));
    try {
      const doc = JSON.parse(readFileSync(join(CONFIGS, 'dump/dump.json'), 'utf8'));
      doc.snapshots[0].gateway = {};
      const file = join(dir, 'edited.json');
      writeFileSync(file, JSON.stringify(doc));
      const r = await runCli(['audit', '--from', file]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`${file} is not a valid boxaudit dump`);
      expect(r.stderr).toContain(`${file}: /snapshots/0/gateway/manufacturer is required (missing)`);
      expect(r.stderr).not.toMatch(/unexpected error|TypeError|\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('dump --from shows what the export holds, without judging', async () => {
    const r = await runCli(['dump', '--from', join(CONFIGS, 'pfsense/config.xml'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(schemaValidators().dump(parseJson(r.stdout, 'dump --from'))).toBe('');
  });
});
