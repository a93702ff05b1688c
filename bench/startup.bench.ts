/**
 * Cold start of the bin: `boxaudit --version` against bare `node -e 0`, interleaved so both see the
 * same machine load (goal: at most 1.5x). Also `rules list`, which loads the rule engine.
 * Run with `npm run bench startup` (builds dist/ first).
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const RUNS = 25;
const cases: Array<[string, string[]]> = [
  ['node -e 0', ['-e', '0']],
  ['boxaudit --version', ['dist/cli/main.js', '--version']],
  ['boxaudit rules list', ['dist/cli/main.js', 'rules', 'list']],
];

const samples = new Map<string, number[]>(cases.map(([name]) => [name, []]));
for (let i = 0; i < RUNS; i++) {
  for (const [name, args] of cases) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${name} exited ${r.status}`);
    samples.get(name)!.push(ms);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(samples.get('node -e 0')!);
console.log(`median of ${RUNS} interleaved runs`);
for (const [name] of cases) {
  const m = median(samples.get(name)!);
  console.log(`${m.toFixed(1).padStart(8)} ms  ${(m / base).toFixed(2)}x  ${name}`);
}
console.log(`goal: boxaudit --version <= 1.5x node -e 0`);
