/**
 * Issue #2 benchmark, on the real lab (miniupnpd in a network namespace) with 100 mappings:
 * `boxaudit dump --upnp URL` vs `upnpc -u URL -l`, discovery+dump vs `upnpc -l` (with its discovery),
 * nat-upnp's getMappings, and bare `node -e 0`. Prints wall times (median of N runs), mappings found
 * and ratios. Needs root; run with `npm run bench upnp`.
 */
import { performance } from 'node:perf_hooks';
import { createLab, type Lab, labAvailability } from '../test/lab/lab.js';

const RUNS = 7;
const MAPPINGS = 100;

interface Row {
  name: string;
  ms: number;
  found: string;
}

async function timeIt(lab: Lab, argv: string[], count: (stdout: string) => string): Promise<Row> {
  const times: number[] = [];
  let found = '';
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = await lab.exec('lan', argv, { timeoutMs: 120_000 });
    times.push(performance.now() - t0);
    found = r.code === 0 ? count(r.stdout) : `exit ${r.code}: ${r.stderr.trim().split('\n').pop()}`;
  }
  times.sort((a, b) => a - b);
  return { name: argv.join(' '), ms: times[Math.floor(RUNS / 2)]!, found };
}

const countJson = (stdout: string) =>
  String(
    (JSON.parse(stdout) as { snapshots: Array<{ forwards: unknown[] }> }).snapshots[0]?.forwards.length ?? 0,
  );
const countUpnpc = (stdout: string) =>
  String(stdout.split('\n').filter((l) => /^\s*\d+\s+(TCP|UDP)\s/.test(l)).length);

async function main(): Promise<void> {
  const avail = labAvailability();
  if (!avail.ok) {
    console.log(`skipped: ${avail.reason}`);
    return;
  }
  const lab = await createLab();
  try {
    await lab.addMappingsBulk(MAPPINGS, { startPort: 30000 });
    const node = process.execPath;
    const rows = [
      await timeIt(lab, [node, '-e', '0'], () => '-'),
      await timeIt(lab, [node, 'dist/cli/main.js', '--version'], () => '-'),
      await timeIt(lab, [node, 'dist/cli/main.js', 'dump', '--upnp', lab.descUrl, '--json'], countJson),
      await timeIt(lab, ['upnpc', '-u', lab.descUrl, '-l'], countUpnpc),
      await timeIt(lab, [node, 'dist/cli/main.js', 'dump', '--json'], countJson),
      await timeIt(lab, ['upnpc', '-l'], countUpnpc),
      await timeIt(lab, [node, 'bench/nat-upnp-list.cjs'], (s) => s.trim()),
    ];
    console.log(
      `lab: miniupnpd with ${MAPPINGS} mappings; median of ${RUNS} runs; times include \`ip netns exec\`\n`,
    );
    for (const r of rows)
      console.log(`${r.ms.toFixed(0).padStart(7)} ms  found ${r.found.padStart(4)}  ${r.name}`);
    const [nodeBare, version, dumpUrl, upnpcUrl, dumpDisc, upnpcDisc] = rows.map((r) => r.ms) as number[];
    console.log('');
    console.log(
      `--version / node -e 0:                        ${(version! / nodeBare!).toFixed(2)}x (goal <= 1.5x)`,
    );
    console.log(
      `dump --upnp / upnpc -u -l (list only):         ${(dumpUrl! / upnpcUrl!).toFixed(2)}x (goal <= 2x)`,
    );
    console.log(
      `upnpc -l / boxaudit discovery+dump (speed-up): ${(upnpcDisc! / dumpDisc!).toFixed(1)}x (goal >= 10x)`,
    );
  } finally {
    await lab.teardown();
  }
}

await main();
