/**
 * Issue 11, "a hostile box gets nothing": whole-audit budgets and the FRITZ!Box nesting crash.
 * A box with many WAN services and endless lists, replies padded to just under the per-reply cap,
 * a slow box, a flood of SSDP answers each naming its own description, a deeply nested
 * tr64desc.xml: never a crash, what was read is kept, and a `partial` coverage item with a
 * `BUDGET_*` code says which budget stopped the reading. Loopback only (./servers.ts, the SSDP
 * responder of test/discovery, the Bbox simulator of test/sim/vendors/ — not real boxes).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { collect } from '../../src/collect.js';
import { discover } from '../../src/discovery/ssdp.js';
import type { Snapshot } from '../../src/model/types.js';
import { startResponder } from '../discovery/responder.js';
import { BBOX_SIM_DEFAULTS, BBOX_SIM_PASSWORD, startBboxSimulator } from '../sim/vendors/bbox.js';
import { igdDescription, startSoapBox, tr64Description } from './servers.js';

const cleanup: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c.close();
});
const keep = <T extends { close(): Promise<void> }>(thing: T): T => {
  cleanup.push(thing);
  return thing;
};

const codes = (snap: Snapshot): string[] => snap.coverage.map((c) => c.code);
const budgetItems = (snap: Snapshot, code: string) => snap.coverage.filter((c) => c.code === code);
const fritzTarget = (url: string) => ({
  vendor: 'fritzbox',
  host: url,
  credentials: { username: 'u', password: 'hostile-test-pw-1' },
});

describe('forwards per audit', () => {
  it('8 WAN services with endless lists stop at the audit forward budget, labelled', async () => {
    const box = keep(await startSoapBox({ description: () => igdDescription(8) }));
    const { snapshots } = await collect(
      { upnp: `${box.url}/desc.xml` },
      { timeoutMs: 2000, limits: { maxForwards: 40 } },
    );
    const snap = snapshots[0]!;
    expect(snap.forwards).toHaveLength(40);
    const entries = box.requests.filter((r) => r.action?.endsWith('#GetGenericPortMappingEntry'));
    // Nothing was read past the budget (each service asks once more only to learn it is spent).
    expect(entries.length).toBeLessThanOrEqual(40);
    expect(codes(snap)).toContain('BUDGET_FORWARDS');
    const upnp = snap.coverage.find((c) => c.area === 'upnp-mappings')!;
    expect(upnp.status).toBe('partial');
  });

  it('the FRITZ!Box walk stops at the forward budget', async () => {
    const box = keep(
      await startSoapBox({
        descriptionPath: '/tr64desc.xml',
        description: () => tr64Description((s) => `/upnp/control/${s.split(':')[0]!.toLowerCase()}1`),
      }),
    );
    const { snapshots } = await collect(fritzTarget(box.url), {
      timeoutMs: 2000,
      limits: { maxForwards: 25 },
    });
    const snap = snapshots[0]!;
    expect(snap.forwards).toHaveLength(25);
    expect(budgetItems(snap, 'BUDGET_FORWARDS').length).toBeGreaterThan(0);
    expect(snap.coverage.find((c) => c.area === 'static-forwards')?.status).toBe('partial');
  });

  it('an HTTP adapter (Bbox) whose one reply holds more forwards than the budget is cut, labelled', async () => {
    const rule = BBOX_SIM_DEFAULTS.natRules[0]!;
    const natRules = Array.from({ length: 60 }, (_, i) => ({
      ...rule,
      id: i + 1,
      externalport: String(2000 + i),
      internalport: String(2000 + i),
    }));
    const sim = keep(await startBboxSimulator({ natRules }));
    const { snapshots } = await collect(
      { vendor: 'bbox', host: sim.url, credentials: { password: BBOX_SIM_PASSWORD } },
      { timeoutMs: 3000, limits: { maxForwards: 10 } },
    );
    const snap = snapshots[0]!;
    expect(snap.forwards).toHaveLength(10);
    const note = budgetItems(snap, 'BUDGET_FORWARDS');
    expect(note.length).toBeGreaterThan(0);
    expect(note.every((c) => c.status === 'partial')).toBe(true);
    expect(
      snap.coverage.filter((c) => c.area === 'static-forwards').every((c) => c.status !== 'complete'),
    ).toBe(true);
  });
});

describe('bytes per audit', () => {
  it('replies padded just under the per-reply cap stop at the audit byte budget; entries read are kept', async () => {
    const box = keep(await startSoapBox({ description: () => igdDescription(2), padBytes: 20_000 }));
    const { snapshots } = await collect(
      { upnp: `${box.url}/desc.xml` },
      { timeoutMs: 2000, limits: { maxBytes: 300_000 } },
    );
    const snap = snapshots[0]!;
    expect(snap.forwards.length).toBeGreaterThan(0);
    expect(codes(snap)).toContain('BUDGET_BYTES');
    expect(snap.coverage.find((c) => c.area === 'upnp-mappings')?.status).not.toBe('complete');
  });
});

describe('time per walk and per audit', () => {
  it('a slow FRITZ!Box with an endless list ends at the walk budget: partial, entries kept', async () => {
    const box = keep(
      await startSoapBox({
        descriptionPath: '/tr64desc.xml',
        description: () => tr64Description((s) => `/upnp/control/${s.split(':')[0]!.toLowerCase()}1`),
        delayMs: 20,
      }),
    );
    const { snapshots } = await collect(fritzTarget(box.url), {
      timeoutMs: 2000,
      limits: { walkTimeMs: 600 },
    });
    const snap = snapshots[0]!;
    expect(snap.forwards.length).toBeGreaterThan(0);
    expect(snap.forwards.length).toBeLessThan(1024);
    expect(codes(snap)).toContain('BUDGET_TIME');
    expect(snap.coverage.find((c) => c.area === 'static-forwards')?.status).toBe('partial');
  });

  it('the whole-audit time bounds a UPnP walk too', async () => {
    const box = keep(await startSoapBox({ description: () => igdDescription(3), delayMs: 20 }));
    const { snapshots } = await collect(
      { upnp: `${box.url}/desc.xml` },
      { timeoutMs: 2000, limits: { auditTimeMs: 600 } },
    );
    const snap = snapshots[0]!;
    expect(snap.forwards.length).toBeGreaterThan(0);
    expect(codes(snap)).toContain('BUDGET_TIME');
  });

  it('a budget that is not a positive integer is a usage error', async () => {
    await expect(
      collect({ upnp: 'http://127.0.0.1:9/d.xml' }, { limits: { maxBytes: 0 } }),
    ).rejects.toMatchObject({
      code: 'BOXAUDIT_USAGE',
    });
  });
});

describe('SSDP', () => {
  it('256 answers from one host, each naming its own description: at most 8 descriptions kept', async () => {
    let flooded = false;
    const r = keep(
      await startResponder(async (req, res) => {
        if (flooded) return;
        flooded = true;
        for (let i = 0; i < 256; i++) {
          await res.reply(
            req,
            `HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n` +
              `USN: uuid:dev-${i}::urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nEXT:\r\nSERVER: x UPnP/1.0 y\r\n` +
              `LOCATION: http://127.0.0.1:5000/dev/${i}.xml\r\n\r\n`,
          );
          if (i % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
        }
      }),
    );
    const result = await discover({
      gateway: r.address,
      ssdpPort: r.port,
      multicast: false,
      timeoutMs: 3000,
      graceMs: 1000,
    });
    expect(result.gateways.length).toBe(8);
    expect(result.warnings.map((w) => w.code)).toContain('SSDP_GATEWAY_LIMIT');
  });
});

describe('FRITZ!Box deep nesting', () => {
  it('a tr64desc.xml nested 20 000 devices deep is read without a crash, with a warning', async () => {
    const depth = 20_000;
    const nested = `${'<deviceList><device>'.repeat(depth)}${'</device></deviceList>'.repeat(depth)}`;
    const box = keep(
      await startSoapBox({
        descriptionPath: '/tr64desc.xml',
        description: () => tr64Description((s) => `/upnp/control/${s.split(':')[0]!.toLowerCase()}1`, nested),
        entries: 2,
      }),
    );
    const { snapshots } = await collect(fritzTarget(box.url), { timeoutMs: 5000 });
    const snap = snapshots[0]!;
    expect(snap.forwards).toHaveLength(2);
    expect(snap.warnings.map((w) => w.code)).toContain('FRITZ_DESCRIPTION_TOO_DEEP');
  });
});
