import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const define = { __BOXAUDIT_VERSION__: JSON.stringify(version) };

/**
 * The JavaScript bundled into dist/ (ssh2 and what it needs): not install dependencies, so installing
 * boxaudit compiles nothing. ssh2's optional native parts (`cpu-features`, its `sshcrypto.node`
 * binding) stay outside the bundle: ssh2 tries them in `try…catch` and uses its pure-JS code without.
 */
const BUNDLED = ['ssh2', 'asn1', 'bcrypt-pbkdf', 'safer-buffer', 'tweetnacl'];

/** Bundled CommonJS (ssh2) calls `require` for Node's own modules: give each ESM chunk one. */
const REQUIRE_SHIM =
  "import { createRequire as __boxauditCreateRequire } from 'node:module'; const require = __boxauditCreateRequire(import.meta.url);";

export default defineConfig([
  {
    // The library and the CLI in one ESM build, code-split: the CLI imports the library's chunks (one
    // copy of the code), and `--version` loads almost nothing.
    entry: { index: 'src/index.ts', 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    splitting: true,
    metafile: true,
    dts: { entry: { index: 'src/index.ts' } },
    shims: true,
    target: 'node20',
    define,
    // The CommonJS entry, the .d.cts and the bundled licences: scripts/postbuild.mjs.
    noExternal: BUNDLED,
    banner: { js: REQUIRE_SHIM },
    // Never bundled nor copied: ssh2 falls back to pure JS when they are missing.
    external: ['cpu-features', /\.node$/],
  },
  {
    // `boxaudit/report` (src/report.ts): for browsers too, so its own self-contained ESM file with
    // no chunk shared with the Node build (those carry the `node:module` require shim above) and no
    // Node shim; test/reporters/browser-bundle.test.ts bundles it for the browser platform.
    entry: { report: 'src/report.ts' },
    format: ['esm'],
    splitting: false,
    dts: { entry: { report: 'src/report.ts' } },
    platform: 'neutral',
    target: 'es2022',
    define,
  },
]);
