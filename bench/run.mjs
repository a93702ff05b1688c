// Runs the benchmarks: each bench/*.bench.ts is bundled with esbuild and run with node, one after the
// other, printing its figures. `npm run bench` builds dist/ first (the CLI benchmarks time the real bin).
// Usage: node bench/run.mjs [name-filter]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filter = process.argv[2] ?? '';
const outDir = join(root, '.bench-out');
mkdirSync(outDir, { recursive: true });
const benches = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort();
let failed = 0;
for (const file of benches) {
  const outfile = join(outDir, file.replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [join(root, 'bench', file)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    packages: 'external',
    define: { __BOXAUDIT_VERSION__: '"bench"' },
    logLevel: 'warning',
  });
  console.log(`\n=== ${file} ===`);
  const run = spawnSync(process.execPath, [outfile], { stdio: 'inherit', cwd: root });
  if (run.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
