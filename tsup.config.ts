import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const define = { __BOXAUDIT_VERSION__: JSON.stringify(version) };

export default defineConfig([
  {
    // The library: ESM + CJS + types.
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    shims: true,
    target: 'node20',
    define,
  },
  {
    // The CLI: ESM only, code-split so that `--version` loads almost nothing.
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    splitting: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    define,
  },
]);
