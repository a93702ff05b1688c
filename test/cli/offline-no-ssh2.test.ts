/**
 * `audit --from` never loads ssh2 (issue 12), checked on the built bin: a preload module reports at
 * exit whether any file of the ssh2 package entered Node's CommonJS cache (ssh2 is CommonJS, so an
 * ESM import of it lands there too). The control run imports ssh2 the way an SSH audit does.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT, requireBuiltCli } from './helpers.js';

const run = promisify(execFile);
let dir: string;
let probe: string;

beforeAll(() => {
  requireBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'boxaudit-ssh2-'));
  probe = join(dir, 'probe.mjs');
  writeFileSync(
    probe,
    [
      "import { createRequire } from 'node:module';",
      'const require = createRequire(import.meta.url);',
      "process.on('exit', () => {",
      '  const loaded = Object.keys(require.cache).some((k) => /[\\\\/]node_modules[\\\\/]ssh2[\\\\/]/.test(k));',
      "  process.stderr.write('SSH2_LOADED=' + loaded + '\\n');",
      '});',
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ssh2Loaded(args: string[]): Promise<boolean> {
  const result = await run(process.execPath, ['--import', probe, ...args], { cwd: REPO_ROOT }).catch(
    (error: { stdout: string; stderr: string }) => error,
  );
  const line = /SSH2_LOADED=(true|false)/.exec(result.stderr);
  if (!line) throw new Error(`no probe line in stderr: ${result.stderr}`);
  return line[1] === 'true';
}

describe('the built bin and ssh2', () => {
  it.each(['routeros/export.rsc', 'openwrt/uci-show.txt', 'vyos/vyos-1.4.txt', 'pfsense/config.xml'])(
    'audit --from %s does not load ssh2',
    async (file) => {
      const path = join('test', 'fixtures', 'configs', file);
      expect(await ssh2Loaded([CLI, 'audit', '--json', '--from', path])).toBe(false);
    },
  );

  it('the probe sees ssh2 when something imports it (control)', async () => {
    expect(await ssh2Loaded(['--input-type=module', '-e', "await import('ssh2')"])).toBe(true);
  });
});
