/**
 * `boxaudit demo`: the simulated doctor's office (an IGD simulator the CLI starts on 127.0.0.1 itself;
 * no SSDP, nothing leaves the machine), end to end through the CLI (in-process, test/cli/helpers.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
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

describe('boxaudit demo', () => {
  it('exits 0 and shows the PACS findings, with the status line last on stdout', async () => {
    const r = await runCli(['demo']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.includes('[BOX-MED-001]'))).toHaveLength(2);
    expect(r.stdout).toContain('"PACS Orthanc"');
    expect(r.stdout).toContain('[BOX-FS-001]');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^BOXAUDIT status=findings .* exit=1$/);
    // The "this was a demo" note goes to stderr, so the status line stays last on stdout.
    expect(r.stderr).toMatch(/demo/i);
  });

  it('--lang fr is French', async () => {
    const r = await runCli(['demo', '--lang', 'fr']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('CRITIQUE');
    expect(r.stdout).toContain('Résumé');
    expect(r.stdout).toContain('[BOX-MED-001]');
    expect(r.stdout).not.toContain('Exposures found');
    expect(r.stderr).toMatch(/démonstration/);
  });

  it('--json is a valid report with both DICOM forwards', async () => {
    const r = await runCli(['demo', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(''); // no note outside text mode: stdout and stderr stay machine-readable
    const report = parseJson<ReportJson>(r.stdout, 'demo --json');
    expect(schemaValidators().report(report)).toBe('');
    expect(danglingForwardIds(report)).toEqual([]);
    const dicomPorts = report.findings
      .filter((f) => f.ruleId === 'BOX-MED-001')
      .map((f) => report.snapshots[0]!.forwards.find((fw) => fw.id === f.forwardId)?.externalPort?.start)
      .sort();
    expect(dicomPorts).toEqual([104, 8443]);
    expect(report.summary.exitCode).toBe(1); // what a real audit would exit; demo itself exits 0
  });

  it('refuses a target flag (the demo box is always the simulated one)', async () => {
    const r = await runCli(['demo', '--upnp', 'http://127.0.0.1:9/rootDesc.xml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--upnp/);
  });
});
