/**
 * Hostile and broken boxes, end to end through the CLI (in-process, test/cli/helpers.ts; the built
 * bin where only a process shows it: a hang, Ctrl-C), on the IGD simulator (127.0.0.1):
 * descriptions with terminal escapes and forged status lines must reach the terminal inert, and a box
 * that stops answering must not hang the CLI.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OFFICE } from '../../src/demo/demo-office.js';
import { type IgdSimulator, startIgdSimulator } from '../../src/demo/igd-simulator.js';
import {
  CLI,
  loadCli,
  parseJson,
  type ReportJson,
  requireBuiltCli,
  runCli,
  schemaValidators,
  spawnCli,
  TERMINAL_CONTROL,
} from './helpers.js';

// Load the CLI before the first test: compiling it must not count against a test's time.
beforeAll(loadCli);

const ESC = '\u001b';
const FORGED_STATUS = 'BOXAUDIT status=clean critical=0 high=0 medium=0 low=0 info=0 exit=0';

let sims: IgdSimulator[] = [];
async function sim(options: Parameters<typeof startIgdSimulator>[0]): Promise<IgdSimulator> {
  const s = await startIgdSimulator(options);
  sims.push(s);
  return s;
}

beforeAll(() => {
  requireBuiltCli();
});

afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

describe('hostile strings from the box', () => {
  const hostile = {
    ...DEMO_OFFICE,
    friendlyName: `Box\u001b]0;owned\u0007\n${FORGED_STATUS}`,
    manufacturer: '\u001b[2J\u001b[HEvil\r\nCorp',
    mappings: [
      {
        protocol: 'TCP' as const,
        externalPort: 104,
        internalClient: '192.168.1.20',
        internalPort: 104,
        description: `\u001b[31mPACS\u001b[0m\n${FORGED_STATUS}\r\n\u009b2J`,
      },
      {
        protocol: 'TCP' as const,
        externalPort: 3389,
        internalClient: '192.168.1.22',
        internalPort: 3389,
        description: '\u001b]8;;http://evil.example/\u0007click\u001b]8;;\u0007 \u202eRDP',
      },
    ],
  };

  it('the text report carries no ESC byte, no control character, and one status line, last', async () => {
    const box = await sim(hostile);
    const r = await runCli(['audit', '--upnp', box.descriptionUrl]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).not.toContain(ESC);
    expect(r.stdout).not.toMatch(TERMINAL_CONTROL);
    expect(r.stderr).not.toContain(ESC);
    const statusLines = r.stdout.split('\n').filter((l) => l.startsWith('BOXAUDIT '));
    expect(statusLines).toHaveLength(1);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^BOXAUDIT status=findings .* exit=1$/);
    // Still reported, visibly: the injection is inert, not hidden.
    expect(r.stdout).toContain('[BOX-MED-001]');
    expect(r.stdout).toContain('[BOX-RA-001]');
    expect(r.stdout).toMatch(/PACS/);
  });

  it('French text, Markdown and dump text are just as clean', async () => {
    const box = await sim(hostile);
    for (const args of [['audit', '--lang', 'fr'], ['audit', '--format', 'markdown'], ['dump']]) {
      const r = await runCli([...args, '--upnp', box.descriptionUrl]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).not.toBe(2);
      expect(r.stdout, args.join(' ')).not.toContain(ESC);
      expect(r.stdout, args.join(' ')).not.toMatch(TERMINAL_CONTROL);
      expect(r.stdout.split('\n').filter((l) => l.startsWith('BOXAUDIT status=clean'))).toEqual([]);
    }
  });

  it('JSON keeps the strings as the box sent them (escaped by JSON, still valid against the schema)', async () => {
    const box = await sim(hostile);
    const r = await runCli(['audit', '--upnp', box.descriptionUrl, '--json']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).not.toContain(ESC); // JSON.stringify escapes control characters
    const report = parseJson<ReportJson>(r.stdout, 'audit --json');
    expect(schemaValidators().report(report)).toBe('');
    const pacs = report.snapshots[0]!.forwards.find((f) => f.externalPort?.start === 104);
    expect(pacs?.description).toContain('PACS');
    // The hostile bytes did reach the CLI (so the text tests above prove neutralising, not absence).
    expect(pacs?.description).toContain(ESC);
    expect(pacs?.description).toContain(FORGED_STATUS);
  });
});

// Spawned: after a hang, the run must not only end but let the PROCESS exit (a socket or a timer
// left behind would keep it alive); only a real process shows that (`timedOut`: killed).
describe('a box that stops answering', () => {
  it('hangs on every request: --timeout 500 ends with a timeout error naming the URL, exit 2, nothing on stdout', async () => {
    const box = await sim({ ...DEMO_OFFICE, quirks: { hang: true } });
    const r = await spawnCli(['audit', '--upnp', box.descriptionUrl, '--timeout', '500'], {
      timeoutMs: 15_000,
    });
    expect(r.timedOut, 'the CLI hung').toBe(false);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(box.descriptionUrl);
    expect(lines[0]).toMatch(/timed out after 500 ms.*\[BOXAUDIT_TIMEOUT\]$/);
  });

  it('hangs on SOAP only: a report with the mapping list marked unread (coverage), never "clean"', async () => {
    const box = await sim({ ...DEMO_OFFICE, quirks: { hang: 'soap' } });
    const r = await spawnCli(['audit', '--upnp', box.descriptionUrl, '--timeout', '500', '--json'], {
      timeoutMs: 15_000,
    });
    expect(r.timedOut, 'the CLI hung').toBe(false);
    const report = parseJson<ReportJson>(r.stdout, 'audit --json');
    expect(schemaValidators().report(report)).toBe('');
    expect(report.snapshots[0]!.forwards).toEqual([]);
    const mappings = report.snapshots[0]!.coverage.find((c) => /mapping/i.test(c.area));
    expect(mappings, JSON.stringify(report.snapshots[0]!.coverage)).toBeDefined();
    expect(mappings!.status).not.toBe('complete');
    expect(JSON.stringify(mappings)).toMatch(/timed out/);
    // Only "UPnP is on" (medium) is found, below --fail-on high; but the mapping list could not be
    // read at all, so the audit is incomplete: exit 2 (never a pass), said on stderr.
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/incomplete audit: could not read upnp-mappings/);
    const text = await spawnCli(['audit', '--upnp', box.descriptionUrl, '--timeout', '500'], {
      timeoutMs: 15_000,
    });
    const status = text.stdout.trimEnd().split('\n').at(-1) ?? '';
    expect(status).not.toContain('status=clean');
    expect(status).toContain('exit=2');
    expect(Number(/ gaps=(\d+)/.exec(status)?.[1])).toBeGreaterThan(4);
    expect(text.stdout).toMatch(/UPnP port mappings \(read failed\)/);
  });

  it('hangs in the middle of the list: the mappings read before it are audited, the list is marked partly read', async () => {
    const box = await sim({ ...DEMO_OFFICE, quirks: { hang: { atIndex: 2 } } });
    const r = await spawnCli(['audit', '--upnp', box.descriptionUrl, '--timeout', '500', '--json'], {
      timeoutMs: 15_000,
    });
    expect(r.timedOut, 'the CLI hung').toBe(false);
    expect(r.code, r.stderr).toBe(1);
    const report = parseJson<ReportJson>(r.stdout, 'audit --json');
    expect(report.snapshots[0]!.forwards).toHaveLength(2);
    expect(report.findings.some((f) => f.ruleId === 'BOX-MED-001')).toBe(true);
    const mappings = report.snapshots[0]!.coverage.find((c) => /mapping/i.test(c.area));
    expect(mappings?.status).toBe('partial');
    expect(JSON.stringify(mappings)).toMatch(/index 2/);
  });
});

// Spawned: a signal is sent to a process (the handlers and the exit code 130 are the process's).
describe('Ctrl-C', () => {
  it('SIGINT while the box hangs: exit 130, "interrupted" on stderr, nothing on stdout', async () => {
    const box = await sim({ ...DEMO_OFFICE, quirks: { hang: 'soap' } });
    const child = spawn(process.execPath, [CLI, 'audit', '--upnp', box.descriptionUrl], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    // Interrupt once the CLI is stuck waiting on a SOAP answer that will never come.
    for (let i = 0; i < 200 && !box.requests.some((q) => !q.action.startsWith('GET ')); i++) await sleep(25);
    expect(
      box.requests.some((q) => !q.action.startsWith('GET ')),
      'the CLI never reached SOAP',
    ).toBe(true);
    child.kill('SIGINT');
    const code = await closed;
    clearTimeout(killer);
    expect(code, stderr).toBe(130);
    expect(stdout).toBe('');
    expect(stderr.trim()).toMatch(/^boxaudit: interrupted \(Ctrl-C\) \[BOXAUDIT_ABORTED\]$/);
  });
});

describe('a box that lies', () => {
  it('never ends its mapping list: --max-entries 50 stops at 50, says so in the coverage, still audits', async () => {
    const box = await sim({ ...DEMO_OFFICE, quirks: { listEnding: 'none' } });
    const r = await runCli(['audit', '--upnp', box.descriptionUrl, '--max-entries', '50', '--json'], {
      timeoutMs: 15_000,
    });
    expect(r.timedOut, 'the CLI hung').toBe(false);
    expect(r.code, r.stderr).toBe(1);
    const report = parseJson<ReportJson>(r.stdout, 'audit --json');
    expect(report.snapshots[0]!.forwards).toHaveLength(50);
    const mappings = report.snapshots[0]!.coverage.find((c) => /mapping/i.test(c.area));
    expect(mappings?.status).toBe('partial');
    expect(JSON.stringify(mappings)).toMatch(/50/);
    const listCalls = box.requests.filter((q) => q.action === 'GetGenericPortMappingEntry').length;
    expect(listCalls).toBeLessThanOrEqual(51);
  });

  it('points its control URLs at another host: nothing is sent there, the mappings are marked unread', async () => {
    const box = await sim({ ...DEMO_OFFICE, quirks: { spoofedLocation: true } });
    const r = await runCli(['audit', '--upnp', box.descriptionUrl, '--json'], { timeoutMs: 15_000 });
    expect(r.timedOut, 'the CLI hung').toBe(false);
    expect(box.requests.filter((q) => q.host.startsWith('127.0.0.2'))).toEqual([]);
    const report = parseJson<ReportJson>(r.stdout, 'audit --json');
    expect(report.snapshots[0]!.forwards).toEqual([]);
    const mappings = report.snapshots[0]!.coverage.find((c) => /mapping/i.test(c.area));
    expect(mappings?.status).not.toBe('complete');
    // As with a hung SOAP service: nothing at --fail-on high, the list unread → incomplete, exit 2.
    expect(r.code, r.stderr).toBe(2);
  });
});
