/**
 * Issue 11, "a hostile box gets nothing": one target, pinned. A reply that points at another host
 * (a second loopback address, 127.0.0.2, where a witness listens) or another port of the same host
 * gets no connection at all, and a box name is resolved once: a lookup that would answer
 * 127.0.0.2 the second time is never asked twice. One test per adapter family; the boxes are the
 * loopback simulators of test/sim/vendors/ (built from documented formats, not real boxes) and the
 * small hostile SOAP box of ./servers.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { collectBbox } from '../../src/adapters/bbox.js';
import { collectFreebox } from '../../src/adapters/freebox.js';
import { fritzbox } from '../../src/adapters/fritzbox.js';
import { collectLivebox } from '../../src/adapters/livebox.js';
import { openwrtUbus } from '../../src/adapters/openwrt-ubus.js';
import { routerosRestAdapter } from '../../src/adapters/routeros-rest.js';
import { collectUnifi } from '../../src/adapters/unifi.js';
import { collectUpnp } from '../../src/adapters/upnp-igd.js';
import { collect } from '../../src/collect.js';
import { PinnedTarget } from '../../src/transport/pin.js';
import { failure } from '../adapters/helpers.js';
import { BBOX_SIM_PASSWORD, startBboxSimulator } from '../sim/vendors/bbox.js';
import { FREEBOX_SIM_APP_TOKEN, startFreeboxSimulator } from '../sim/vendors/freebox.js';
import { LIVEBOX_SIM_PASSWORD, startLiveboxSimulator } from '../sim/vendors/livebox.js';
import { startOpenwrtUbusSimulator } from '../sim/vendors/openwrt-ubus.js';
import {
  ROUTEROS_REST_SIM_PASSWORD,
  ROUTEROS_REST_SIM_USER,
  startRouterosRestSimulator,
} from '../sim/vendors/routeros-rest.js';
import { startUnifiSimulator, UNIFI_SIM_PASSWORD, UNIFI_SIM_USERNAME } from '../sim/vendors/unifi.js';
import {
  flippingLookup,
  igdDescription,
  startSoapBox,
  startWitness,
  tr64Description,
  type Witness,
} from './servers.js';

const cleanup: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c.close();
});
const keep = <T extends { close(): Promise<void> }>(thing: T): T => {
  cleanup.push(thing);
  return thing;
};

const PASSWORD = 'hostile-test-pw-1';

/** A witness on 127.0.0.2, on `port` when given (the box's own port, for the DNS cases). */
const witness = async (port = 0): Promise<Witness> => keep(await startWitness(port));

describe('PinnedTarget', () => {
  it('allows the target host and port only (or any port of that host when the protocol names them)', () => {
    const pin = new PinnedTarget('http://192.168.1.1:49000');
    expect(pin.allows('http://192.168.1.1:49000/upnp/control/x')).toBe(true);
    expect(pin.allows('http://192.168.1.1:8080/x')).toBe(false);
    expect(pin.allows('http://192.168.1.2:49000/x')).toBe(false);
    expect(pin.allows('http://evil.example:49000/x')).toBe(false);
    expect(pin.allows('ftp://192.168.1.1:49000/x')).toBe(false);
    const upnp = new PinnedTarget('http://[fe80::1]:5000/desc.xml', { otherPorts: 'any' });
    expect(upnp.allows('http://[FE80::1]:49152/ctl')).toBe(true);
    expect(upnp.allows('http://[fe80::2]:5000/ctl')).toBe(false);
  });

  it('refuses with BOXAUDIT_NOT_ALLOWED naming the URL (no credentials shown)', async () => {
    const pin = new PinnedTarget('http://192.168.1.1');
    let error: unknown;
    try {
      pin.check('http://user:secret@127.0.0.2:8080/ctl', '[t]');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'BOXAUDIT_NOT_ALLOWED', details: { reason: 'off-target' } });
    expect((error as Error).message).toContain('http://127.0.0.2:8080/ctl');
    expect((error as Error).message).not.toContain('secret');
  });

  it('resolves a name once', async () => {
    const dns = flippingLookup();
    const pin = new PinnedTarget('http://box.test', { lookup: dns.lookup });
    expect(await pin.address('[t]')).toEqual({ address: '127.0.0.1', family: 4 });
    expect(await pin.address('[t]')).toEqual({ address: '127.0.0.1', family: 4 });
    expect(dns.calls).toBe(1);
  });
});

describe('UPnP IGD', () => {
  it('a control URL on a second loopback address gets no connection', async () => {
    const w = await witness();
    const box = keep(
      await startSoapBox({
        description: () => igdDescription(1, () => `http://127.0.0.2:${w.port}/ctl/0`),
        entries: 2,
      }),
    );
    const snap = await collectUpnp(`${box.url}/desc.xml`, { timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(w.connections).toBe(0);
    expect(JSON.stringify(snap)).toContain(`127.0.0.2:${w.port}`);
  });

  it('the description host is resolved once: a DNS answer that changes moves nothing', async () => {
    const box = keep(await startSoapBox({ description: () => igdDescription(1), entries: 3 }));
    const w = await witness(box.port);
    const dns = flippingLookup();
    const snap = await collectUpnp(`http://igd.test:${box.port}/desc.xml`, {
      timeoutMs: 2000,
      lookup: dns.lookup,
    });
    expect(w.connections).toBe(0);
    expect(dns.calls).toBe(1);
    expect(snap.forwards).toHaveLength(3);
    // The box is still named as the user named it.
    expect(box.requests.every((r) => r.host === `igd.test:${box.port}`)).toBe(true);
  });
});

describe('TR-064 (FRITZ!Box)', () => {
  const fritz = (url: string, extra: Record<string, unknown> = {}) =>
    fritzbox.collect(
      { url, credentials: { username: 'u', password: PASSWORD } },
      { timeoutMs: 2000, ...extra },
    );

  it('control URLs on a second loopback address: nothing is sent there, no Digest response leaves', async () => {
    const w = await witness();
    const box = keep(
      await startSoapBox({
        descriptionPath: '/tr64desc.xml',
        description: () =>
          tr64Description((s) => `http://127.0.0.2:${w.port}/upnp/control/${s.split(':')[0]}`),
      }),
    );
    const snap = await fritz(box.url);
    expect(w.connections).toBe(0);
    expect(box.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /tr64desc.xml']);
    const refused = snap.warnings.filter((x) => x.code === 'TARGET_URL_REFUSED');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.message).toContain(`http://127.0.0.2:${w.port}/upnp/control/`);
    expect(snap.coverage.find((c) => c.area === 'static-forwards')?.status).not.toBe('complete');
  });

  it('a control URL on another port of the same host is not followed either', async () => {
    const other = keep(await startSoapBox({ description: () => '' }));
    const box = keep(
      await startSoapBox({
        descriptionPath: '/tr64desc.xml',
        description: () => tr64Description(() => `http://127.0.0.1:${other.port}/upnp/control/x1`),
      }),
    );
    await fritz(box.url);
    expect(other.requests).toEqual([]);
  });

  it('through collect() as --vendor fritzbox: same refusal', async () => {
    const w = await witness();
    const box = keep(
      await startSoapBox({
        descriptionPath: '/tr64desc.xml',
        description: () => tr64Description(() => `http://127.0.0.2:${w.port}/upnp/control/x`),
      }),
    );
    const { snapshots } = await collect(
      { vendor: 'fritzbox', host: box.url, credentials: { username: 'u', password: PASSWORD } },
      { timeoutMs: 2000 },
    );
    expect(w.connections).toBe(0);
    expect(snapshots[0]!.warnings.some((x) => x.code === 'TARGET_URL_REFUSED')).toBe(true);
  });

  it('the box name is resolved once', async () => {
    const box = keep(
      await startSoapBox({
        descriptionPath: '/tr64desc.xml',
        description: () => tr64Description((s) => `/upnp/control/${s.split(':')[0]!.toLowerCase()}1`),
        entries: 2,
      }),
    );
    const w = await witness(box.port);
    const dns = flippingLookup();
    const snap = await fritz(`http://fritz.test:${box.port}`, { lookup: dns.lookup });
    expect(w.connections).toBe(0);
    expect(dns.calls).toBe(1);
    expect(snap.forwards).toHaveLength(2);
  });
});

describe('REST and sysbus adapters: the box name is resolved once', () => {
  /** Start `sim`, put a witness on 127.0.0.2 at its port, and read it by a name that flips to 127.0.0.2. */
  async function viaFlippingName<S extends { url: string; port: number; close(): Promise<void> }>(
    sim: S,
    read: (
      url: string,
      ctx: { timeoutMs: number; lookup: ReturnType<typeof flippingLookup>['lookup'] },
    ) => Promise<unknown>,
  ) {
    keep(sim);
    const w = await witness(sim.port);
    const dns = flippingLookup();
    const url = sim.url.replace('127.0.0.1', 'box.test');
    const result = await read(url, { timeoutMs: 3000, lookup: dns.lookup });
    return { w, dns, result };
  }

  it('Livebox sysbus', async () => {
    const { w, dns, result } = await viaFlippingName(await startLiveboxSimulator(), (url, ctx) =>
      collectLivebox({ url, credentials: { username: 'admin', password: LIVEBOX_SIM_PASSWORD } }, ctx),
    );
    expect(w.connections).toBe(0);
    expect(dns.calls).toBe(1);
    expect((result as { forwards: unknown[] }).forwards.length).toBeGreaterThan(0);
  });

  it('Freebox', async () => {
    const { w, dns, result } = await viaFlippingName(await startFreeboxSimulator(), (url, ctx) =>
      collectFreebox({ url, credentials: { token: FREEBOX_SIM_APP_TOKEN } }, ctx),
    );
    expect(w.connections).toBe(0);
    expect(dns.calls).toBe(1);
    expect((result as { forwards: unknown[] }).forwards.length).toBeGreaterThan(0);
  });

  it('Bbox', async () => {
    const { w, dns, result } = await viaFlippingName(await startBboxSimulator(), (url, ctx) =>
      collectBbox({ url, credentials: { password: BBOX_SIM_PASSWORD } }, ctx),
    );
    expect(w.connections).toBe(0);
    expect(dns.calls).toBe(1);
    expect((result as { forwards: unknown[] }).forwards.length).toBeGreaterThan(0);
  });

  it('UniFi', async () => {
    const { w, dns, result } = await viaFlippingName(await startUnifiSimulator(), (url, ctx) =>
      collectUnifi({ url, credentials: { username: UNIFI_SIM_USERNAME, password: UNIFI_SIM_PASSWORD } }, ctx),
    );
    expect(w.connections).toBe(0);
    expect(dns.calls).toBe(1);
    expect((result as { forwards: unknown[] }).forwards.length).toBeGreaterThan(0);
  });

  it('RouterOS REST', async () => {
    const { w, dns, result } = await viaFlippingName(await startRouterosRestSimulator(), (url, ctx) =>
      routerosRestAdapter.collect(
        { url, credentials: { username: ROUTEROS_REST_SIM_USER, password: ROUTEROS_REST_SIM_PASSWORD } },
        ctx,
      ),
    );
    expect(w.connections).toBe(0);
    expect(dns.calls).toBe(1);
    expect((result as { forwards: unknown[] }).forwards.length).toBeGreaterThan(0);
  });

  it('OpenWrt ubus', async () => {
    const { w, dns, result } = await viaFlippingName(
      await startOpenwrtUbusSimulator({ password: PASSWORD }),
      (url, ctx) =>
        openwrtUbus.collect(
          { url, credentials: { username: 'root', password: PASSWORD }, options: { now: 1_700_000_000 } },
          ctx,
        ),
    );
    expect(w.connections).toBe(0);
    expect(dns.calls).toBe(1);
    expect((result as { forwards: unknown[] }).forwards.length).toBeGreaterThan(0);
  });

  it('a lookup that never answers ends at the request deadline, not never', async () => {
    const e = await failure(
      collectLivebox(
        { url: 'http://slow.test:1', credentials: { username: 'admin', password: LIVEBOX_SIM_PASSWORD } },
        { timeoutMs: 300, lookup: () => new Promise(() => {}) },
      ),
    );
    expect(e.code).toBe('BOXAUDIT_TIMEOUT');
  });

  it('a name that does not resolve is a network error naming it, before anything is sent', async () => {
    const e = await failure(
      collectLivebox(
        { url: 'http://nowhere.test:1', credentials: { username: 'admin', password: LIVEBOX_SIM_PASSWORD } },
        {
          timeoutMs: 1000,
          lookup: () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' })),
        },
      ),
    );
    expect(e.code).toBe('BOXAUDIT_NETWORK');
    expect(e.message).toContain('cannot resolve nowhere.test (ENOTFOUND)');
  });
});

describe('redirects', () => {
  /** A box answering every request with a redirect to `location`. */
  async function redirecting(location: string) {
    const server = http.createServer((_req, res) => {
      res.writeHead(302, { location });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    keep({
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    });
    return `http://127.0.0.1:${port}`;
  }

  it('a sysbus login answered by a redirect to 127.0.0.2 is not followed (the password stays here)', async () => {
    const w = await witness();
    const url = await redirecting(`http://127.0.0.2:${w.port}/ws`);
    await collectLivebox(
      { url, credentials: { username: 'admin', password: PASSWORD } },
      { timeoutMs: 2000 },
    ).catch(() => undefined);
    expect(w.connections).toBe(0);
  });

  it('a UPnP description answered by a redirect to 127.0.0.2 is not followed', async () => {
    const w = await witness();
    const url = await redirecting(`http://127.0.0.2:${w.port}/desc.xml`);
    const e = await failure(collectUpnp(`${url}/desc.xml`, { timeoutMs: 2000 }));
    expect(e.code).toBe('BOXAUDIT_HTTP_STATUS');
    expect(w.connections).toBe(0);
  });
});
