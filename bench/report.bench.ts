/**
 * Rendering cost of a big report: N RDP forwards with one critical finding each (the doctor's-office
 * fixture scaled up), rendered in every format, at N and N/2. Rendering must stay linear in the
 * findings: the time ratio N vs N/2 should be near 2 (it was 3 to 4 when the forward lookup was a
 * scan per finding, and 40,000 findings took ~30 s in text). Usage: `node bench/run.mjs report`;
 * another N: `node .bench-out/report.bench.mjs 80000` after that.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { type ReportFormat, render } from '../src/reporters/index.js';
import type { AuditReport } from '../src/rules/types.js';
import { bigReport as makeBigReport } from '../test/reporters/big-report.js';

const N = Number(process.argv[2] ?? 40_000);
const FORMATS: ReportFormat[] = ['json', 'text', 'markdown', 'sarif'];
const fixture = readFileSync('test/fixtures/reports/doctor-office.report.json', 'utf8');

function bigReport(n: number): AuditReport {
  return makeBigReport(JSON.parse(fixture) as AuditReport, n, {
    publicPort: (i) => 1_024 + ((i * 7_919) % 60_000),
  });
}

/** Best of three runs, in ms. */
function time(report: AuditReport, format: ReportFormat): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    render(report, { format, lang: 'en' });
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const half = bigReport(N / 2);
const full = bigReport(N);
console.log(`${N} findings over ${N} forwards (best of 3); ratio = time(N) / time(N/2)`);
for (const format of FORMATS) {
  const a = time(half, format);
  const b = time(full, format);
  console.log(`${format.padEnd(9)} ${b.toFixed(0).padStart(7)} ms   ratio ${(b / a).toFixed(2)}`);
}
console.log('goal: linear (ratio ~2), every format well under 2 s at 40,000 findings');
