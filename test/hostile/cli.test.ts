/**
 * The whole-audit budgets from the command line (`--max-*`, see docs/security.md), against the
 * loopback IGD simulator (src/demo/igd-simulator.ts, not a real box). Needs `npm run build`.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OFFICE } from '../../src/demo/demo-office.js';
import { type IgdSimulator, startIgdSimulator } from '../../src/demo/igd-simulator.js';
import { DEFAULT_LIMITS } from '../../src/util/budget.js';
import { parseJson, type ReportJson, requireBuiltCli, runCli } from '../cli/helpers.js';

let sims: IgdSimulator[] = [];
beforeAll(() => {
  requireBuiltCli();
});
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

describe('budget flags', () => {
  it('--max-forwards stops an endless list at the audit budget, says so, still audits', async () => {
    const box = await startIgdSimulator({ ...DEMO_OFFICE, quirks: { listEnding: 'none' } });
    sims.push(box);
    const r = await runCli(['audit', '--upnp', box.descriptionUrl, '--max-forwards', '30', '--json'], {
      timeoutMs: 15_000,
    });
    expect(r.timedOut, 'the CLI hung').toBe(false);
    const report = parseJson<ReportJson>(r.stdout, 'audit --json');
    expect(report.snapshots[0]!.forwards).toHaveLength(30);
    const budget = report.snapshots[0]!.coverage.filter((c) => c.code === 'BUDGET_FORWARDS');
    expect(budget.length).toBeGreaterThan(0);
    expect(budget.every((c) => c.status === 'partial')).toBe(true);
  });

  it('a budget that is not a positive whole number is a usage error (exit 2)', async () => {
    const r = await runCli(['audit', '--upnp', 'http://127.0.0.1:9/d.xml', '--max-bytes', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-bytes must be a whole number');
  });

  it('help names the budget flags with their defaults', async () => {
    const r = await runCli(['--help']);
    expect(r.stdout).toContain(
      `--max-forwards N        forwards kept, all adapters together (default ${DEFAULT_LIMITS.maxForwards})`,
    );
    expect(r.stdout).toContain(`(default ${DEFAULT_LIMITS.maxBytes} = 64 MiB)`);
    expect(r.stdout).toContain(`(default ${DEFAULT_LIMITS.auditTimeMs} = 15 min)`);
    expect(r.stdout).toContain(`(default ${DEFAULT_LIMITS.walkTimeMs} = 5 min)`);
    expect(r.stdout).toContain(`in one search (default ${DEFAULT_LIMITS.maxSsdpAnswers})`);
    expect(r.stdout).toContain(`after discovery (default ${DEFAULT_LIMITS.maxDescriptions})`);
    for (const flag of [
      '--max-forwards',
      '--max-bytes',
      '--max-time',
      '--max-walk-time',
      '--max-ssdp-answers',
      '--max-descriptions',
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });
});
