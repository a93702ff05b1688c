// Cold `npx boxaudit demo`: packs the project (dist/ must be built: `npm run build`), then runs the
// tarball through `npm exec` with an EMPTY npm cache, as a first-time user would. It reports the
// wall time of the whole thing (download of the dependencies from the registry, their install
// scripts, the demo itself) and the packed and unpacked size of the package.
// Usage: node bench/npx-cold.mjs [runs=1]
// Network: reaches the npm registry (dependencies); the demo itself only listens on loopback.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 1);
const work = mkdtempSync(join(tmpdir(), 'boxaudit-npx-'));
try {
  const pack = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
    cwd: root,
    encoding: 'utf8',
  });
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const [info] = JSON.parse(pack.stdout);
  const tarball = join(work, info.filename);
  console.log(
    `package: ${(info.size / 1000).toFixed(0)} kB packed, ${(info.unpackedSize / 1e6).toFixed(2)} MB unpacked, ${info.entryCount} files`,
  );
  for (let i = 0; i < runs; i++) {
    const cache = mkdtempSync(join(work, 'cache-'));
    const cwd = mkdtempSync(join(work, 'cwd-'));
    const start = process.hrtime.bigint();
    const r = spawnSync(
      'npm',
      ['exec', '--yes', '--cache', cache, '--package', tarball, '--', 'boxaudit', 'demo', '--lang', 'en'],
      { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } },
    );
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    // The demo exits 0 (a simulated box: findings do not set the exit code).
    if (r.status !== 0 || !r.stdout.includes('boxaudit')) {
      throw new Error(`npx boxaudit demo failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
    }
    console.log(`cold npx boxaudit demo (empty cache): ${(ms / 1000).toFixed(1)} s`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
