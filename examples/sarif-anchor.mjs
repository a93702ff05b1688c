// @ts-check
/**
 * Give every result of a boxaudit SARIF log a physical location, for GitHub code scanning.
 *
 *   node examples/sarif-anchor.mjs IN.sarif OUT.sarif CONFIG_PATH
 *
 * boxaudit's SARIF points each result at a logical location (a forward of a box, or the box
 * itself): there is no source file. GitHub code scanning refuses a whole SARIF file in which a
 * result has no physical location ("locationFromSarifResult: expected artifact location"). This
 * adds, to each result, the file the audit read (CONFIG_PATH, relative to the repository root,
 * line 1) and keeps the logical location next to it. Other SARIF consumers do not need it.
 */
import { readFile, writeFile } from 'node:fs/promises';

const [input, output, configPath] = process.argv.slice(2);
if (!input || !output || !configPath || configPath.startsWith('/') || configPath.includes('..')) {
  console.error(
    'usage: node examples/sarif-anchor.mjs IN.sarif OUT.sarif CONFIG_PATH (relative to the repository root)',
  );
  process.exit(2);
}

/** @type {{ runs: Array<{ results?: Array<{ locations?: Array<Record<string, unknown>> }> }> }} */
const log = JSON.parse(await readFile(input, 'utf8'));
const physicalLocation = { artifactLocation: { uri: configPath }, region: { startLine: 1 } };
let anchored = 0;
for (const run of log.runs) {
  for (const result of run.results ?? []) {
    const locations = result.locations?.length ? result.locations : [{}];
    result.locations = locations.map((location) => ({ physicalLocation, ...location }));
    anchored++;
  }
}
await writeFile(output, `${JSON.stringify(log, null, 2)}\n`);
console.log(`${anchored} results anchored to ${configPath}`);
