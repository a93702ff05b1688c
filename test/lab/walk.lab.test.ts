/**
 * Issue 16: the parallel GetGenericPortMappingEntry walk against the real miniupnpd, for 100 and
 * 500 mappings. Not timed: it proves that the walk asked every index exactly once (no duplicate,
 * no gap, at most a few past the end), kept at most 3 requests in flight, read every mapping, and
 * left the box serving every mapping (upnpc -l agrees, nftables unchanged, miniupnpd alive).
 */
import { expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/types.js';
import { MAX_IN_FLIGHT } from '../../src/upnp/mappings.js';
import type { Lab } from './lab.js';
import { describeLab } from './suite.js';
import type { WalkProbe } from './walk-probe.js';

const CONTROL_URL = 'http://10.77.0.1:5000/ctl/IPConn';
const SERVICE = 'urn:schemas-upnp-org:service:WANIPConnection:2';
const START = 40_000;

const upnpcPorts = (listing: string): number[] =>
  listing
    .split('\n')
    .map((line) => /^\s*\d+\s+TCP\s+(\d+)->/.exec(line)?.[1])
    .filter((p): p is string => p !== undefined)
    .map(Number);

async function checkWalk(lab: Lab, n: number): Promise<void> {
  const rulesBefore = await lab.nftRuleset();
  const expected = Array.from({ length: n }, (_, i) => START + i);

  const probe = (await lab.runNode(
    'test/lab/walk-probe.ts',
    'probeWalk',
    [CONTROL_URL, SERVICE, MAX_IN_FLIGHT],
    {
      timeoutMs: 240_000,
    },
  )) as WalkProbe;
  expect(probe.ending).toEqual({ status: 'complete', code: 'UPNP_END_713' });
  expect(probe.entriesRead).toBe(n);
  // Every index 0..n-1 asked exactly once; past the end, at most MAX_IN_FLIGHT-1 more, each once.
  const counts = new Map<number, number>();
  for (const i of probe.asked) counts.set(i, (counts.get(i) ?? 0) + 1);
  for (let i = 0; i < n; i++) expect(counts.get(i), `index ${i}`).toBe(1);
  expect([...counts.values()].every((c) => c === 1)).toBe(true);
  const past = probe.asked.filter((i) => i >= n).sort((a, b) => a - b);
  expect(past[0]).toBe(n);
  expect(past.length).toBeLessThanOrEqual(MAX_IN_FLIGHT);
  expect(past).toEqual(Array.from({ length: past.length }, (_, k) => n + k));
  // Parallel, but bounded.
  expect(probe.maxInFlight).toBeGreaterThan(1);
  expect(probe.maxInFlight).toBeLessThanOrEqual(MAX_IN_FLIGHT);
  // Every mapping read once, in the box's order.
  expect([...probe.ports].sort((a, b) => a - b)).toEqual(expected);
  expect(new Set(probe.ports).size).toBe(n);

  // The adapter (which picks the parallel walk for miniupnpd by itself) reads the same.
  const snapshot = (await lab.runNode(
    'src/adapters/upnp-igd.ts',
    'collectUpnp',
    [lab.descUrl, { timeoutMs: 5000 }],
    {
      timeoutMs: 240_000,
    },
  )) as Snapshot;
  expect(snapshot.warnings).toEqual([]);
  expect(snapshot.coverage.find((c) => c.area === 'upnp-mappings')).toMatchObject({
    status: 'complete',
    code: 'UPNP_END_713',
  });
  expect(snapshot.forwards.map((f) => f.externalPort?.start).sort((a, b) => a! - b!)).toEqual(expected);

  // The box is unharmed and still serves every mapping.
  expect(await lab.miniupnpdAlive()).toBe(true);
  expect(upnpcPorts(await lab.upnpcList()).sort((a, b) => a - b)).toEqual(expected);
  expect(await lab.nftRuleset()).toBe(rulesBefore);
}

describeLab('the parallel mapping walk on the real miniupnpd (issue 16)', {}, (lab) => {
  it('100 mappings: every index asked once, every mapping read, the box still lists them all', async () => {
    await lab().addMappingsBulk(100, { startPort: START, descPrefix: 'walk', lease: 86_400 });
    await checkWalk(lab(), 100);
  }, 240_000);

  it('500 mappings: the same', async () => {
    await lab().addMappingsBulk(400, { startPort: START + 100, descPrefix: 'walk-b', lease: 86_400 });
    await checkWalk(lab(), 500);
  }, 480_000);
});
