/**
 * The built CLI loads few files of dist/ per command (scripts/rechunk.mjs: Node's ES module loader
 * pays about 1 ms per file, docs/performance.md). Counts what `--version`, `dump --upnp` and
 * `audit --upnp` load, against the demo's IGD simulator on loopback; a regrouping that scatters the
 * read path again fails here rather than only in the benchmark.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OFFICE } from '../../src/demo/demo-office.js';
import { type IgdSimulator, startIgdSimulator } from '../../src/demo/igd-simulator.js';
import { CLI, REPO_ROOT, requireBuiltCli } from './helpers.js';

const RECORDER = fileURLToPath(new URL('./record-loads.mjs', import.meta.url));
const DIST = join(REPO_ROOT, 'dist');
let dir: string;
let box: IgdSimulator;

beforeAll(async () => {
  requireBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'boxaudit-chunks-'));
  box = await startIgdSimulator(DEMO_OFFICE);
});
afterAll(async () => {
  await box?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Run the built bin with the load recorder; the files of dist/ it loaded, relative, in order. */
async function distFilesLoaded(args: string[]): Promise<{ code: number | null; files: string[] }> {
  const log = join(dir, `${args[0]}-${Date.now()}.log`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', RECORDER, CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', BOXAUDIT_RECORD_LOADS: log, NO_COLOR: '1' },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', resolve);
  });
  const urls = readFileSync(log, 'utf8').trim().split('\n');
  const files = urls
    .map((url) => fileURLToPath(url))
    .filter((file) => file.startsWith(`${DIST}/`))
    .map((file) => file.slice(DIST.length + 1));
  return { code, files: [...new Set(files)] };
}

describe('files of dist/ the built CLI loads', () => {
  it('--version: the entry and its own chunk', async () => {
    const { code, files } = await distFilesLoaded(['--version']);
    expect(code).toBe(0);
    expect(files).toHaveLength(2);
    expect(files[0]).toBe('cli/main.js');
  });

  it('dump --upnp: one more, the read path', async () => {
    const { code, files } = await distFilesLoaded(['dump', '--upnp', box.descriptionUrl, '--json']);
    expect(code).toBe(0);
    expect(files.length, files.join(' ')).toBeLessThanOrEqual(3);
  });

  it('audit --upnp: the read path, the audit command, the rules engine and reporters', async () => {
    const { code, files } = await distFilesLoaded(['audit', '--upnp', box.descriptionUrl, '--json']);
    expect(code).toBe(1); // the demo office has findings
    expect(files.length, files.join(' ')).toBeLessThanOrEqual(5);
  });
});
