/**
 * detectScore (metadata evidence) of the French ISP adapters on realistic probes: manufacturer/model taken from real root
 * descriptions in shared/upnp-captures (read in place, not copied), and the boxes' known LAN names.
 */
import { describe, expect, it } from 'vitest';
import { bbox } from '../../src/adapters/bbox.js';
import { detectScore } from '../../src/adapters/evidence.js';
import { freebox } from '../../src/adapters/freebox.js';
import { livebox } from '../../src/adapters/livebox.js';
import { sfr } from '../../src/adapters/sfr.js';
import type { Adapter, Probe } from '../../src/adapters/types.js';
import { describeShared, readShared } from '../shared-corpus.js';

const ADAPTERS: Adapter[] = [freebox, livebox, bbox, sfr];

async function best(probe: Probe): Promise<{ id: string; score: number; runnerUp: number }> {
  const scored = await Promise.all(
    ADAPTERS.map(async (a) => ({ id: a.meta.id, score: detectScore(a.meta, probe) })),
  );
  scored.sort((a, b) => b.score - a.score);
  return { id: scored[0]!.id, score: scored[0]!.score, runnerUp: scored[1]!.score };
}

/** The root device's manufacturer and modelName (first occurrences: the root device comes first). */
function probeFromCapture(folder: string): Probe {
  const xml = readShared('upnp-captures', folder, 'rootdesc.xml');
  const manufacturer = /<manufacturer>([^<]*)<\/manufacturer>/.exec(xml)?.[1] ?? null;
  const model = /<modelName>([^<]*)<\/modelName>/.exec(xml)?.[1] ?? null;
  return { address: '192.168.1.1', manufacturer, model };
}

describeShared('upnp-captures', 'detect on real root descriptions', () => {
  it.each([
    ['freebox-freebox-server', 'freebox'],
    ['arcadyan-residential-livebox-gpon-wan-et', 'livebox'],
    ['sagemcom-residential-livebox-gpon-wan-et', 'livebox'],
    ['sercomm-residential-livebox-gpon-wan-eth', 'livebox'],
    ['bouygues-telecom-sagemcom-f-st5688b', 'bbox'],
    ['bouygues-telecom-sagemcom-fast5330b-r1', 'bbox'],
    ['neufbox-neufbox-router', 'sfr'],
  ])('%s → %s', async (folder, expected) => {
    const probe = probeFromCapture(folder);
    const r = await best(probe);
    expect(r.id).toBe(expected);
    expect(r.score).toBeGreaterThanOrEqual(0.5);
    expect(r.score).toBeGreaterThan(r.runnerUp);
  });

  it('a FRITZ!Box scores low on all four', async () => {
    const r = await best(probeFromCapture('fritz-fritz-box-7590'));
    expect(r.score).toBeLessThan(0.5);
  });
});

describe('detect on host names and banners', () => {
  it.each([
    [{ address: '192.168.1.254', hostname: 'mafreebox.freebox.fr' }, 'freebox'],
    [{ address: '192.168.1.1', hostname: 'livebox.home' }, 'livebox'],
    [{ address: '192.168.1.254', hostname: 'mabbox.bytel.fr' }, 'bbox'],
    [{ address: '192.168.1.1', hostname: 'neufbox' }, 'sfr'],
    [{ address: '192.168.1.1', httpBanner: 'server=; title=Livebox' }, 'livebox'],
  ] as Array<[Probe, string]>)('%o → %s', async (probe, expected) => {
    const r = await best(probe);
    expect(r.id).toBe(expected);
    expect(r.score).toBeGreaterThanOrEqual(0.5);
  });

  it('an unknown box gives no confident French adapter', async () => {
    const r = await best({ address: '10.0.0.1', manufacturer: 'TP-Link', model: 'Archer AX1800' });
    expect(r.score).toBeLessThan(0.5);
  });
});
