#!/usr/bin/env node
// Golden check for refactors that must not change behaviour (issue 12: one layered layout).
//
//   npm run build && node scripts/golden.mjs /tmp/golden-before
//   ... moves ...
//   npm run build && node scripts/golden.mjs /tmp/golden-after && diff -r /tmp/golden-before /tmp/golden-after
//
// From the BUILT CLI (dist/cli/main.js), writes for every offline fixture under
// test/fixtures/configs/ (real/ included) the stdout, stderr and exit code of
// `dump --json --from F` and `audit --json --now <fixed> --from F`, and the same for the demo's
// simulated box (`demo --json` and `demo` text; loopback only). Only what varies from run to run is
// normalised: the collection timestamp and the simulator's ephemeral loopback port.
// Keep the output OUTSIDE the repository.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/golden.mjs OUTDIR (outside the repository)');
  process.exit(2);
}
const NOW = '2026-01-01T00:00:00Z';
const CLI = 'dist/cli/main.js';
const ROOT = 'test/fixtures/configs';

/** Files a user could pass to --from: not the truth tables, the notes or the generator scripts. */
function fixtures(dir) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...fixtures(path));
    else if (!/\.(truth\.json|md|sh)$/.test(name)) found.push(path);
  }
  return found;
}

function normalise(text) {
  return text
    .replace(/"collectedAt": "[^"]*"/g, '"collectedAt": "<collectedAt>"')
    .replace(/^Read at: .*$/gm, 'Read at: <collectedAt>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>');
}

async function cli(args) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', BOXAUDIT_LANG: '' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (typeof error.code !== 'number') throw error;
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

function save(name, { code, stdout, stderr }) {
  const base = join(out, name);
  mkdirSync(join(base, '..'), { recursive: true });
  writeFileSync(`${base}.out`, normalise(stdout));
  writeFileSync(`${base}.err`, normalise(stderr));
  writeFileSync(`${base}.code`, `${code}\n`);
}

mkdirSync(out, { recursive: true });
const files = fixtures(ROOT);
for (const file of files) {
  const name = relative(ROOT, file);
  save(`${name}.dump`, await cli(['dump', '--json', '--from', file]));
  save(`${name}.audit`, await cli(['audit', '--json', '--now', NOW, '--from', file]));
}
save('demo/demo.json', await cli(['demo', '--json', '--now', NOW]));
save('demo/demo.text', await cli(['demo', '--now', NOW, '--lang', 'en']));
console.log(`golden: ${files.length} fixtures + the demo written to ${out}`);
