/**
 * Smoke tests of the BUILT bin as a real process: what the in-process tests (helpers.ts `runCli`)
 * cannot show. The bin entry (shebang, executable bit, an npm-style bin symlink), the exit code set
 * on the process (0, 1, 2), `--version`, the demo end to end, and that importing the entry runs
 * nothing. Signals: hostile.test.ts (SIGINT); EPIPE: usage.test.ts; ssh2 never loaded by `--from`:
 * offline-no-ssh2.test.ts; the packed tarball and `npx boxaudit`: test/package.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MSP_FIXTURES } from '../msp/helpers.js';
import { CLI, REPO_ROOT, requireBuiltCli, spawnCli } from './helpers.js';

const run = promisify(execFile);
const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

let dir: string;
beforeAll(() => {
  requireBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'boxaudit-smoke-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the built bin as a process', () => {
  it('node dist/cli/main.js --version: the package version, exit 0', async () => {
    const r = await spawnCli(['--version']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
    expect(r.stderr).toBe('');
  });

  it('runs by itself (shebang, executable) and through a symlink, as npm installs a bin', async () => {
    expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    if (process.platform === 'win32') return; // no shebang nor executable bit there (npm writes a .cmd)
    expect(statSync(CLI).mode & 0o111).not.toBe(0);
    expect((await run(CLI, ['--version'])).stdout).toBe(`${version}\n`);
    const link = join(dir, 'boxaudit');
    symlinkSync(CLI, link);
    expect((await run(link, ['--version'])).stdout).toBe(`${version}\n`);
    expect((await run(process.execPath, [link, '--version'])).stdout).toBe(`${version}\n`);
  });

  it('demo end to end: exit 0, the PACS findings, the status line last on stdout', async () => {
    const r = await spawnCli(['demo']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('[BOX-MED-001]');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^BOXAUDIT status=findings .* exit=1$/);
    expect(r.stderr).toMatch(/demo/i);
  });

  it('the exit code reaches the process: 1 for findings, 2 for a usage error', async () => {
    const findings = await spawnCli(['audit', '--from', join(MSP_FIXTURES, 'monday.uci')]);
    expect(findings.code, findings.stderr).toBe(1);
    expect(findings.stdout.trimEnd().split('\n').at(-1)).toMatch(/^BOXAUDIT status=findings .* exit=1$/);
    const usage = await spawnCli(['audit', '--bogus', '--upnp', 'http://127.0.0.1:9/rootDesc.xml']);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
    expect(usage.stderr).toMatch(/^boxaudit: .*--bogus.*\[BOXAUDIT_USAGE\]\n$/);
  });
});

/**
 * Importing the entry must not run the CLI (with no argument it would start the default audit, which
 * searches the local network). Each probe gives the importing process the arguments `--version`
 * (argv[2]), so that a broken guard prints the version and exits: it can never start an audit.
 */
describe('importing dist/cli/main.js', () => {
  const importWithScript = (script: string) =>
    run(process.execPath, [
      '--input-type=module',
      '-e',
      `process.argv.splice(1, Infinity, ${JSON.stringify(script)}, '--version'); await import(${JSON.stringify(pathToFileURL(CLI).href)});`,
    ]);

  it('runs nothing when another script is the program', async () => {
    const r = await importWithScript(join(dir, 'some-other-script.mjs'));
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
  });

  it('runs the CLI when the entry is the program, by its path or an npm-style symlink (control)', async () => {
    expect((await importWithScript(CLI)).stdout).toBe(`${version}\n`);
    const link = join(dir, 'boxaudit-link');
    symlinkSync(CLI, link);
    expect((await importWithScript(link)).stdout).toBe(`${version}\n`);
  });
});
