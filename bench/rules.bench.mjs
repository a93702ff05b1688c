// Rule evaluation throughput: 10,000 snapshots × 50 forwards (a realistic mix), default rule set;
// then the cost of the findings' text, which buildReport adds after evaluation.
// Runs from a clean tree: regenerates the built-in rules and bundles src/rules with esbuild first.
// Usage: node bench/rules.bench.mjs [snapshots] [forwardsPerSnapshot]
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, '.bench-out');
mkdirSync(outDir, { recursive: true });
execFileSync(process.execPath, [join(root, 'scripts/gen-builtin-rules.mjs')], { stdio: 'inherit' });
const outfile = join(outDir, 'rules.bench.bundle.mjs');
await build({
  entryPoints: [join(root, 'src/rules/index.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile,
  packages: 'external',
  logLevel: 'error',
});
const { describeFindings, evaluate, loadRuleSet } = await import(pathToFileURL(outfile).href);

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const SNAPSHOTS = Number(args[0] ?? 10_000);
const PER = Number(args[1] ?? 50);
// --quiet: well-kept boxes (game/app ports only, leases expire): the cost of matching alone.
const QUIET = process.argv.includes('--quiet');

// Deterministic pseudo-random numbers (mulberry32), so runs are comparable.
let seed = 42;
function rand() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(rand() * list.length)];

// Mix: most forwards are games/P2P/VoIP high ports; some web; a few risky services; rare ranges,
// rare unknown fields, rare disabled or source-restricted entries.
const RISKY = [104, 11112, 445, 3389, 5900, 22, 3306, 6379, 8080, 5000, 554, 1883, 23, 2049, 21];
const COMMON = [80, 443, 8443, 25565, 3074, 27015, 32400, 51413, 1194, 51820];
function forward(i) {
  const r = rand();
  let ext;
  let int;
  if (QUIET || r < 0.6) ext = int = 10_000 + Math.floor(rand() * 50_000);
  else if (r < 0.85) ext = int = pick(COMMON);
  else if (r < 0.95) {
    int = pick(RISKY);
    ext = rand() < 0.5 ? int : 40_000 + Math.floor(rand() * 20_000);
  } else if (r < 0.99) {
    const start = 10_000 + Math.floor(rand() * 40_000);
    ext = int = { start, end: start + Math.floor(rand() * 100) };
  } else ext = int = { start: 1, end: 65535 };
  const range = (p) => (typeof p === 'number' ? { start: p, end: p } : p);
  const upnp = rand() < 0.5;
  return {
    id: `fwd_${i}`,
    source: upnp ? 'upnp' : 'static',
    protocol: rand() < 0.7 ? 'tcp' : 'udp',
    externalPort: range(ext),
    internalHost: `192.168.1.${2 + Math.floor(rand() * 200)}`,
    internalPort: !QUIET && rand() < 0.002 ? null : range(int),
    remoteHost: rand() < 0.03 ? '203.0.113.5' : null,
    enabled: rand() < 0.05 ? false : !QUIET && rand() < 0.005 ? null : true,
    description: upnp ? pick(['Skype', 'uTorrent (TCP)', 'Plex', 'NAS', 'Xbox', 'WhatsApp']) : 'rule',
    leaseSeconds: upnp ? (!QUIET && rand() < 0.3 ? 0 : 3600) : null,
    provenance: { adapter: 'bench', transport: 'file' },
  };
}
const snapshots = [];
for (let s = 0; s < SNAPSHOTS; s++) {
  const forwards = [];
  for (let i = 0; i < PER; i++) forwards.push(forward(i));
  snapshots.push({
    target: { kind: 'file', address: `bench-${s}`, adapter: 'bench' },
    collectedAt: '2026-01-01T00:00:00Z',
    gateway: {},
    forwards,
    dmz: { enabled: rand() < 0.02, host: '192.168.1.50' },
    upnp: { enabled: true, mappingCount: PER, igdVersion: 2 },
    remoteAdmin: { enabled: false, services: [] },
    lanPrefixes: ['192.168.1.0/24'],
    coverage: [],
    warnings: [],
  });
}

const ruleSet = await loadRuleSet();
const total = SNAPSHOTS * PER;
const NOW = { now: '2026-06-01T00:00:00Z' };
const warm = snapshots.slice(0, 200);
describeFindings(evaluate(warm, ruleSet, NOW), warm, ruleSet); // warm-up
// Best of 5 of each step, measured apart. evaluate(): matching, findings as data (the goal).
// describeFindings(): each finding's title, message and remediation in English and French, as a
// report holds them (buildReport = both).
const best = (step) => {
  const runs = [];
  let out;
  for (let i = 0; i < 5; i++) {
    out = undefined; // let the previous run's findings go before timing the next
    const t0 = process.hrtime.bigint();
    out = step();
    runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { out, runs, ms: Math.min(...runs) };
};
const perSecond = (ms) => Math.round(total / (ms / 1000)).toLocaleString('en-US');
const median = (runs) => [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)];
const show = (label, { runs, ms }) =>
  console.log(
    `${label}: ${runs.map((r) => `${r.toFixed(0)} ms`).join(', ')} → best ${perSecond(ms)}, median ${perSecond(median(runs))} forwards/s`,
  );

const evaluated = best(() => evaluate(snapshots, ruleSet, NOW));
const result = evaluated.out;
const described = best(() => describeFindings(result, snapshots, ruleSet));
const s = result.summary;
console.log(
  `mix: ${QUIET ? 'quiet' : 'realistic'}; rules: ${ruleSet.rules.length}; snapshots: ${SNAPSHOTS}; forwards: ${total}`,
);
console.log(
  `findings: ${result.findings.length} (fail ${Object.values(s.counts).reduce((a, b) => a + b, 0)}, inconclusive ${s.inconclusive})`,
);
show('evaluate (goal ≥ 1,000,000 forwards/s)', evaluated);
show('describe (text en+fr for every finding)', described);
console.log(`buildReport (both): ${perSecond(evaluated.ms + described.ms)} forwards/s`);
