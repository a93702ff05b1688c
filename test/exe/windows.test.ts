/**
 * exe/boxaudit-win-x64.exe under Debian's wine64, in a fresh wine prefix that reports Windows 10
 * (`winecfg /v win10`: under wine's default, Windows 7, Node refuses to start). Debian puts the
 * wine64 launcher in wine's library folder, not on PATH. The program's standard output goes to a
 * file: a pipe gives EBADF under wine.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXE_DIR, lastLine, missing, run, STATUS_LINE, sha256, VERSION } from './helpers.js';

const EXE = join(EXE_DIR, 'boxaudit-win-x64.exe');
const WINE64 = ['/usr/lib/wine/wine64', '/usr/lib/x86_64-linux-gnu/wine/wine64', '/usr/bin/wine64'].find(
  (p) => existsSync(p),
);
const skip =
  process.platform !== 'linux'
    ? 'not Linux'
    : (missing(EXE) ??
      (WINE64 === undefined ? missing('/usr/lib/wine/wine64', 'apt-get install wine64') : null));

describe.skipIf(skip !== null)(`the Windows program under wine64${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let prefix = '';
  let env: Record<string, string> = {};

  beforeAll(async () => {
    prefix = mkdtempSync(join(tmpdir(), 'boxaudit-wine-'));
    env = {
      PATH: '/usr/bin:/bin',
      HOME: prefix,
      WINEPREFIX: join(prefix, 'wine'),
      WINEDEBUG: '-all',
      // No Mono or Gecko installer prompts while the prefix is created.
      WINEDLLOVERRIDES: 'mscoree,mshtml=',
    };
    const r = await run([WINE64!, 'winecfg', '/v', 'win10'], env, { timeoutMs: 240_000 });
    expect(r.code, r.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    if (!prefix) return;
    // The prefix's wineserver lingers a few seconds after the last program: stop it, then remove.
    await run([WINE64!.replace(/wine64$/, 'wineserver'), '-k'], env, { timeoutMs: 30_000 }).catch(
      () => undefined,
    );
    rmSync(prefix, { recursive: true, force: true });
  }, 60_000);

  /** Run the program in wine with stdout and stderr going to files (`sh -c` redirections). */
  async function wine(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const out = join(prefix, 'stdout.txt');
    const err = join(prefix, 'stderr.txt');
    const quoted = [WINE64!, EXE, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const r = await run(['/bin/sh', '-c', `${quoted} >'${out}' 2>'${err}' </dev/null`], env, {
      timeoutMs: 120_000,
    });
    return { code: r.code, stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8') };
  }

  it('its SHA-256 is the one written beside it and in SHA256SUMS', () => {
    const sum = sha256(EXE);
    expect(readFileSync(`${EXE}.sha256`, 'utf8')).toBe(`${sum}  boxaudit-win-x64.exe\n`);
    expect(readFileSync(join(EXE_DIR, 'SHA256SUMS'), 'utf8')).toContain(`${sum}  boxaudit-win-x64.exe\n`);
  });

  it('--version prints the package version', async () => {
    const r = await wine(['--version']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  }, 120_000);

  it('demo runs the whole audit on its loopback box and ends with the status line', async () => {
    const r = await wine(['demo']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('[BOX-MED-001]');
    expect(lastLine(r.stdout.replace(/\r\n/g, '\n'))).toMatch(STATUS_LINE);
  }, 120_000);
});
