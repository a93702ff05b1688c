// After tsup (npm run build): the many small chunks of the code-split ESM build merged into a few,
// along the paths the CLI takes. tsup (esbuild) splits by "which entries reach this module", and
// with every lazy `import()` an entry that gives one chunk per module or two: `dump --upnp` opened
// 56 files of dist/, and Node 20's ES module loader spends about 1 ms on each (resolving, reading,
// compiling, linking: docs/performance.md). Rollup re-bundles tsup's output (plain ESM, names and
// banners already applied) with `manualChunks`: each group below becomes one chunk, everything
// else is chunked by Rollup as tsup did. Still one copy of the code, the same entry files
// (dist/index.js, dist/cli/main.js), the same lazy loading: only the file boundaries move.
//
// A group is the listed modules and everything they import statically, less what the CLI entry
// itself imports statically (loaded by every command, `--version` included: a group of its own,
// so `--version` loads none of the others).
import { chmodSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const META = join(dist, 'metafile-esm.json');

/** Earlier groups win a module both reach. Sources as esbuild names them (relative to the root). */
const GROUPS = {
  // Reading a box over UPnP (with or without discovery): dump, discover, and the read half of audit.
  'cli-read': [
    'src/cli/run.ts',
    'src/cli/commands/dump.ts',
    'src/cli/commands/discover.ts',
    'src/discovery/ssdp.ts',
    'src/adapters/upnp-igd.ts',
    'src/detect.ts',
    'src/discovery/fingerprint.ts',
    'src/adapters/registry.ts',
    'src/i18n/cli.ts',
    'src/cli/output.ts',
  ],
  // Judging and reporting what was read: audit's rules, reporters and catalogues.
  'cli-audit': ['src/cli/commands/audit.ts', 'src/reporters/index.ts', 'src/i18n/coverage.ts'],
};

const meta = JSON.parse(readFileSync(META, 'utf8'));
const outputs = meta.outputs;
const chunkOf = new Map(
  Object.entries(outputs)
    .filter(([, o]) => o.entryPoint)
    .map(([file, o]) => [o.entryPoint, file]),
);

/** Output files reached from `starts` through static imports only. */
function staticClosure(starts) {
  const seen = new Set();
  const stack = [...starts];
  while (stack.length > 0) {
    const file = stack.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imp of outputs[file]?.imports ?? []) {
      if (imp.kind === 'import-statement' && !imp.external) stack.push(imp.path);
    }
  }
  return seen;
}

// What the CLI entry imports statically is its own group: Rollup pulls a group's unassigned static
// dependencies into the group, so these must be assigned first to stay out of the others.
const cliEntry = chunkOf.get('src/cli/main.ts');
const entryStatic = staticClosure([cliEntry]);
const groupOf = new Map(
  [...entryStatic].filter((file) => file !== cliEntry).map((file) => [resolve(root, file), 'cli-entry']),
);
for (const [name, sources] of Object.entries(GROUPS)) {
  const starts = sources.map((source) => {
    const file = chunkOf.get(source);
    if (!file)
      throw new Error(`rechunk: ${source} is not an entry of the build (no longer imported lazily?)`);
    return file;
  });
  for (const file of staticClosure(starts)) {
    const id = resolve(root, file);
    if (!groupOf.has(id)) groupOf.set(id, name);
  }
}

const bundle = await rollup({
  input: { index: join(dist, 'index.js'), 'cli/main': join(dist, 'cli/main.js') },
  // Packages and Node built-ins stay imports; only dist/'s own files are merged.
  external: (id) => !id.startsWith('.') && !id.startsWith('/'),
  onwarn(warning) {
    throw new Error(`rechunk: ${warning.message}`);
  },
});
const out = join(dist, '.rechunk');
rmSync(out, { recursive: true, force: true });
await bundle.write({
  dir: out,
  format: 'es',
  entryFileNames: '[name].js',
  chunkFileNames: '[name]-[hash].js',
  manualChunks: (id) => groupOf.get(id),
});
await bundle.close();

// Replace tsup's JavaScript (not report.js, built on its own, nor the types) with Rollup's.
const tsupJs = Object.keys(outputs).filter((file) => file !== 'dist/report.js');
for (const file of tsupJs) rmSync(join(root, file));
rmSync(META);
for (const file of readdirSync(out, { recursive: true })) {
  const from = join(out, file);
  if (!file.endsWith('.js')) continue;
  renameSync(from, join(dist, file));
  // The bin runs by itself (npm links it as an executable): keep tsup's mode for a shebang file.
  if (readFileSync(join(dist, file), 'utf8').startsWith('#!')) chmodSync(join(dist, file), 0o755);
}
rmSync(out, { recursive: true, force: true });
console.log(
  `rechunk: ${tsupJs.length} files of JavaScript → ${readdirSync(dist, { recursive: true }).filter((f) => f.endsWith('.js') && f !== 'report.js').length}`,
);
