/**
 * Issue 11, item 7 (signals): Ctrl-C used to be ignored while a large report was built or written
 * (the run went on and ended with exit 0), SIGINT exited 2 instead of the conventional 130, and
 * SIGTERM ended the process silently. Now both stop any stage with one line on stderr and exit
 * 130 (SIGINT) or 143 (SIGTERM). Through the built bin, loopback simulator and files only.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OFFICE } from '../../src/demo/demo-office.js';
import { type IgdSimulator, startIgdSimulator } from '../../src/demo/igd-simulator.js';
import { CLI, REPO_ROOT, requireBuiltCli } from '../cli/helpers.js';
import { doctorOffice } from '../reporters/helpers.js';

let sims: IgdSimulator[] = [];
let dir = '';
beforeAll(() => {
  requireBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'boxaudit-signals-'));
});
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  firstOutput: Promise<void>;
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawn the bin (stdout and stderr piped, a clean environment for the secrets). */
function start(args: string[]): Run {
  const env = { ...process.env };
  for (const name of [
    'BOXAUDIT_PASSWORD',
    'BOXAUDIT_TOKEN',
    'BOXAUDIT_LANG',
    'LANG',
    'LC_ALL',
    'LC_MESSAGES',
    'NO_COLOR',
  ])
    delete env[name];
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    env,
  }) as ChildProcessWithoutNullStreams;
  let out = '';
  let err = '';
  let seen: () => void = () => undefined;
  const firstOutput = new Promise<void>((resolve) => {
    seen = resolve;
  });
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    seen();
  });
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  void closed.then(() => clearTimeout(killer));
  return { child, stdout: () => out, stderr: () => err, firstOutput, closed };
}

/** A saved dump with `n` forwards (under the 32 MiB --from cap): a report of several megabytes. */
function bigDump(n: number): string {
  const snapshot = doctorOffice().snapshots[0]!;
  const template = snapshot.forwards.find((f) => f.internalPort?.start === 3389) ?? snapshot.forwards[0]!;
  snapshot.forwards = Array.from({ length: n }, (_, i) => ({
    ...template,
    id: `fwd-${i}`,
    externalPort: { start: 1024 + (i % 60_000), end: 1024 + (i % 60_000) },
    internalHost: `10.0.${(i >> 8) & 255}.${i & 255}`,
    description: `host-${i}`,
  }));
  const file = join(dir, `dump-${n}.json`);
  writeFileSync(file, JSON.stringify({ schemaVersion: doctorOffice().schemaVersion, snapshots: [snapshot] }));
  return file;
}

describe('signals', () => {
  it('Ctrl-C while a large report is being written: stops there, exit 130, one line on stderr', async () => {
    const file = bigDump(25_000);
    const run = start(['audit', '--from', file, '--format', 'markdown']);
    await run.firstOutput;
    run.child.stdout.pause(); // the bin is now blocked in the middle of the report
    run.child.kill('SIGINT');
    await sleep(200);
    run.child.stdout.resume();
    const { code } = await run.closed;
    expect(code, run.stderr()).toBe(130);
    expect(run.stderr().trim()).toBe('boxaudit: interrupted (Ctrl-C) [BOXAUDIT_ABORTED]');
    // Stopped in the middle: the report's end (the status block) never came.
    expect(run.stdout()).not.toContain('BOXAUDIT status=');
  }, 180_000);

  it('SIGTERM while the box hangs: exit 143 and one line saying so', async () => {
    const box = await startIgdSimulator({ ...DEMO_OFFICE, quirks: { hang: 'soap' } });
    sims.push(box);
    const run = start(['audit', '--upnp', box.descriptionUrl]);
    for (let i = 0; i < 400 && !box.requests.some((q) => !q.action.startsWith('GET ')); i++) await sleep(25);
    expect(
      box.requests.some((q) => !q.action.startsWith('GET ')),
      'the CLI never reached SOAP',
    ).toBe(true);
    run.child.kill('SIGTERM');
    const { code } = await run.closed;
    expect(code, run.stderr()).toBe(143);
    expect(run.stderr().trim()).toBe('boxaudit: terminated (SIGTERM) [BOXAUDIT_ABORTED]');
    expect(run.stdout()).toBe('');
  }, 60_000);

  it('Ctrl-C while the box hangs: exit 130 (not 2)', async () => {
    const box = await startIgdSimulator({ ...DEMO_OFFICE, quirks: { hang: 'soap' } });
    sims.push(box);
    const run = start(['dump', '--upnp', box.descriptionUrl, '--json']);
    for (let i = 0; i < 400 && !box.requests.some((q) => !q.action.startsWith('GET ')); i++) await sleep(25);
    run.child.kill('SIGINT');
    const { code } = await run.closed;
    expect(code, run.stderr()).toBe(130);
    expect(run.stderr().trim()).toBe('boxaudit: interrupted (Ctrl-C) [BOXAUDIT_ABORTED]');
  }, 60_000);
});
