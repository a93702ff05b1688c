/**
 * The published package, as a user gets it (issue 15): `npm pack` of the built project, installed
 * from the tarball into an empty folder with an empty npm cache, then used the ways applications and
 * people use it: ESM import, CJS require (one copy of the code for both), the bin (`--version`,
 * `demo`), the schema and rule exports, SSH through the bundled ssh2 (a loopback ssh2 server), and
 * the packaging linters attw and publint on the tarball. Nothing to compile at install: no package
 * installed has an install script, and no native add-on is shipped.
 *
 * Needs `npm run build` first (`npm test` does it) and the npm registry (the dependencies: ajv,
 * ajv-formats, xml2js). Network: the registry for the install; the CLI runs only against 127.0.0.1.
 */
import { execFile, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, requireBuiltCli } from '../cli/helpers.js';
import { startNftSshBox } from '../sim/nft-ssh-box.js';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

let work: string;
let tarball: string;
let app: string;
let installed: string;
let bin: string;

/** Run node in the app folder; returns stdout, throws with stderr on a non-zero exit. */
async function node(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, args, {
    cwd: app,
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 30_000,
    maxBuffer: 16 << 20,
  });
}

beforeAll(async () => {
  requireBuiltCli();
  work = mkdtempSync(join(tmpdir(), 'boxaudit-pack-'));
  // --ignore-scripts: dist/ was just built by `npm test`; prepack (checked below) would build it again.
  const packed = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  tarball = join(work, (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0]!.filename);
  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'commonjs' }));
  const install = spawnSync(
    'npm',
    ['install', tarball, '--cache', join(work, 'cache'), '--no-audit', '--no-fund', '--foreground-scripts'],
    { cwd: app, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } },
  );
  if (install.status !== 0) throw new Error(`npm install of the tarball failed: ${install.stderr}`);
  installed = join(app, 'node_modules', 'boxaudit');
  bin = join(app, 'node_modules', '.bin', 'boxaudit');
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('builds on pack (prepack), so a fresh clone never publishes an empty package', () => {
    expect(pkg.scripts.prepack).toBe('npm run build');
  });

  it('ships a LICENSE, the code once (no CJS copy of the library), no native add-on', () => {
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(readFileSync(join(installed, 'dist', 'THIRD-PARTY-LICENSES.txt'), 'utf8')).toContain('ssh2');
    // The CommonJS entry is a wrapper around the ESM build.
    expect(readFileSync(join(installed, 'dist', 'index.cjs'), 'utf8').length).toBeLessThan(300);
    const files = readdirSync(join(installed, 'dist'), { recursive: true }) as string[];
    expect(files.filter((f) => f.endsWith('.node'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.cjs')).sort()).toEqual(['index.cjs', 'report.cjs']);
  });

  it('installs without compiling anything: no installed package has an install script', () => {
    expect(Object.keys(pkg.dependencies)).not.toContain('ssh2');
    const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { hasInstallScript?: boolean }>;
    };
    const withScripts = Object.entries(lock.packages)
      .filter(([, p]) => p.hasInstallScript)
      .map(([name]) => name);
    expect(withScripts).toEqual([]);
    expect(existsSync(join(app, 'node_modules', 'cpu-features'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'ssh2'))).toBe(false);
  });

  it('ESM import and CJS require give the same single copy: one BoxauditError, brands agree', async () => {
    const script = `
      const cjs = require('boxaudit');
      import('boxaudit').then((esm) => {
        const keys = (m) => Object.keys(m).filter((k) => k !== 'default' && k !== 'module.exports').sort();
        let code = null;
        try { cjs.evaluate([], { rules: [], waivers: [], profiles: [] }); } catch (e) { code = esm.isBoxauditError(e) && e.code; }
        console.log(JSON.stringify({
          version: esm.VERSION, cjsVersion: cjs.VERSION,
          sameKeys: JSON.stringify(keys(esm)) === JSON.stringify(keys(cjs)), count: keys(esm).length,
          sameClass: esm.BoxauditError === cjs.BoxauditError, code,
          evaluate: typeof cjs.evaluate, audit: typeof esm.audit,
        }));
      });`;
    const { stdout, stderr } = await node(['-e', script]);
    expect(stderr).toBe(''); // no ExperimentalWarning for require(esm)
    expect(JSON.parse(stdout)).toEqual({
      version: pkg.version,
      cjsVersion: pkg.version,
      sameKeys: true,
      count: expect.any(Number),
      sameClass: true,
      code: 'BOXAUDIT_INPUT_INVALID',
      evaluate: 'function',
      audit: 'function',
    });
  });

  it('boxaudit/report: ESM and CJS render a saved report; its file imports nothing (browser-safe)', async () => {
    const script = `
      const cjs = require('boxaudit/report');
      import('boxaudit/report').then((esm) => {
        console.log(JSON.stringify({
          same: esm.render === cjs.render, version: esm.VERSION,
          keys: Object.keys(esm).filter((k) => k !== 'default' && k !== 'module.exports').sort(),
        }));
      });`;
    const { stdout, stderr } = await node(['-e', script]);
    expect(stderr).toBe('');
    const got = JSON.parse(stdout) as { same: boolean; version: string; keys: string[] };
    expect(got.same).toBe(true);
    expect(got.version).toBe(pkg.version);
    expect(got.keys).toContain('render');
    expect(got.keys).not.toContain('audit'); // reading boxes stays in the main entry
    // One self-contained file: no import at all (so no node: built-in, no shared Node chunk).
    const code = readFileSync(join(installed, 'dist', 'report.js'), 'utf8');
    expect(code).not.toMatch(/^\s*import\s|\bimport\(|\brequire\(/m);
    expect(readFileSync(join(installed, 'dist', 'report.d.ts'), 'utf8')).toContain('render');
  });

  it('the schemas and the rule files resolve as package exports', async () => {
    const script = `
      const report = require('boxaudit/schema/report.schema.json');
      const rule = require('boxaudit/rules/BOX-MED-001.json');
      import('boxaudit/schema/dump.schema.json', { with: { type: 'json' } }).then((dump) =>
        console.log(JSON.stringify({ report: report.$id, dump: dump.default.$id, rule: rule.id })));`;
    const { stdout } = await node(['-e', script]);
    const got = JSON.parse(stdout) as { report: string; dump: string; rule: string };
    expect(got.report).toMatch(/report\.schema\.json$/);
    expect(got.dump).toMatch(/dump\.schema\.json$/);
    expect(got.rule).toBe('BOX-MED-001');
  });

  it('the bin: --version, and the demo (a simulated box on loopback)', async () => {
    const version = await run(bin, ['--version'], { cwd: app });
    expect(version.stdout).toBe(`${pkg.version}\n`);
    const demo = await run(bin, ['demo', '--lang', 'en'], {
      cwd: app,
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(demo.stdout).toContain('simulated');
    expect(demo.stdout).toMatch(/DICOM|PACS/);
  });

  it('attw finds no type resolution problem in the tarball', async () => {
    const attw = join(REPO_ROOT, 'node_modules', '.bin', 'attw');
    expect(existsSync(attw), 'devDependency @arethetypeswrong/cli missing: run npm ci').toBe(true);
    const r = spawnSync(attw, [tarball, '--format', 'json'], { encoding: 'utf8', timeout: 60_000 });
    const result = JSON.parse(r.stdout) as { analysis: { problems: unknown[] } };
    expect(result.analysis.problems).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('publint finds nothing to report in the tarball (strict)', () => {
    const publint = join(REPO_ROOT, 'node_modules', '.bin', 'publint');
    expect(existsSync(publint), 'devDependency publint missing: run npm ci').toBe(true);
    const r = spawnSync(publint, ['run', tarball, '--strict'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout + r.stderr).toContain('All good');
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});

describe('SSH through the bundled ssh2 (no native parts)', () => {
  // ChaCha20-Poly1305 runs on ssh2's bundled WebAssembly Poly1305; the AES modes on Node's crypto.
  for (const cipher of ['chacha20-poly1305@openssh.com', 'aes128-gcm@openssh.com', 'aes256-ctr']) {
    it(`the installed bin reads a Linux router over SSH (${cipher}, host key pinned)`, async () => {
      const box = await startNftSshBox({ cipher, password: 'pack-test' });
      try {
        const args = ['dump', '--vendor', 'linux', '--host', '127.0.0.1', '--port', String(box.port)];
        args.push(
          '--user',
          'audit',
          '--password-env',
          'PACK_TEST_PASSWORD',
          '--host-key',
          box.fingerprint,
          '--json',
        );
        const r = await run(bin, args, {
          cwd: app,
          env: { ...process.env, PACK_TEST_PASSWORD: 'pack-test' },
          timeout: 30_000,
        });
        expect(box.sent).toContain('nft -j list ruleset');
        const dump = JSON.parse(r.stdout) as {
          snapshots: Array<{ forwards: unknown[]; target: { adapter: string } }>;
        };
        expect(dump.snapshots[0]!.target.adapter).toBe('linux');
        expect(dump.snapshots[0]!.forwards.length).toBeGreaterThan(0);
        expect(r.stdout).not.toContain('pack-test');
      } finally {
        await box.close();
      }
    });
  }
});
