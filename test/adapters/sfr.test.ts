/**
 * SFR adapter: SFR boxes have no documented API for forwards, so it reads UPnP IGD through the
 * upnp-igd adapter. Here the IGD is the loopback IGD simulator (src/demo/igd-simulator.ts, built
 * from the UPnP IGD formats) dressed as a neufbox — not a real SFR box.
 */
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { collectSfr, SFR_ALLOWLIST, SFR_MANUAL_CHECKS, sfr } from '../../src/adapters/sfr.js';
import { type IgdSimulator, startIgdSimulator } from '../../src/demo/igd-simulator.js';
import { BoxauditError } from '../../src/errors.js';
import { describeShared, sharedPath } from '../shared-corpus.js';

let igd: IgdSimulator | null = null;
afterEach(async () => {
  await igd?.close();
  igd = null;
});

async function neufbox(): Promise<IgdSimulator> {
  igd = await startIgdSimulator({
    igdVersion: 1,
    manufacturer: 'neufbox',
    modelName: 'neufbox router',
    friendlyName: 'neufbox router',
    externalIp: '198.51.100.44',
    mappings: [
      {
        protocol: 'TCP',
        externalPort: 104,
        internalClient: '192.168.1.20',
        internalPort: 104,
        description: 'PACS',
      },
      {
        protocol: 'TCP',
        externalPort: 445,
        internalClient: '192.168.1.30',
        internalPort: 445,
        description: 'SMB',
      },
      {
        protocol: 'UDP',
        externalPort: 3074,
        internalClient: '192.168.1.61',
        internalPort: 3074,
        description: 'Xbox',
        leaseDuration: 3600,
      },
    ],
  });
  return igd;
}

describe('sfr collect', () => {
  it('reads the UPnP mappings and says what cannot be seen, with where to check it', async () => {
    const sim = await neufbox();
    const snap = await collectSfr({ url: sim.descriptionUrl }, { timeoutMs: 3000 });
    expect(snap.target.adapter).toBe('sfr');
    expect(snap.target.kind).toBe('vendor');
    expect(snap.gateway.manufacturer).toBe('neufbox');
    expect(snap.gateway.externalIp).toBe('198.51.100.44');
    expect(snap.forwards).toHaveLength(3);
    expect(snap.forwards.find((f) => f.externalPort?.start === 104)).toMatchObject({
      source: 'upnp',
      protocol: 'tcp',
      internalHost: '192.168.1.20',
      internalPort: { start: 104, end: 104 },
      description: 'PACS',
    });
    expect(snap.upnp?.enabled).toBe(true);
    expect(snap.dmz).toEqual({ enabled: null, host: null });
    expect(snap.remoteAdmin).toBeNull();

    const byArea = Object.fromEntries(snap.coverage.map((c) => [c.area, c]));
    expect(byArea['static-forwards']).toMatchObject({
      status: 'not-visible',
      code: 'SFR_NO_API_STATIC_FORWARDS',
    });
    expect(byArea['static-forwards']?.reason).toMatch(/Network → NAT/);
    expect(byArea.dmz).toMatchObject({ status: 'not-visible', code: 'SFR_NO_API_DMZ' });
    expect(byArea['remote-admin']).toMatchObject({ status: 'not-visible', code: 'SFR_NO_API_REMOTE_ADMIN' });
    expect(byArea['upnp-mappings']?.status).not.toBe('not-visible');
    // No area is reported twice (the UPnP adapter's generic blind spots are replaced, not added).
    expect(new Set(snap.coverage.map((c) => c.area)).size).toBe(snap.coverage.length);
  });

  it('sends only the description GET and read-only SOAP actions', async () => {
    const sim = await neufbox();
    await collectSfr({ url: sim.descriptionUrl }, { timeoutMs: 3000 });
    for (const r of sim.requests) {
      if (r.method === 'GET') expect(r.action).toMatch(/^GET \//);
      else expect(SFR_ALLOWLIST).toContain(r.action);
    }
    expect(sim.requests.some((r) => r.method === 'POST')).toBe(true);
  });

  it('still returns an honest snapshot when the IGD cannot be read (UPnP off or unreachable)', async () => {
    const sim = await neufbox();
    const url = sim.descriptionUrl;
    await sim.close();
    igd = null;
    const snap = await collectSfr({ url }, { timeoutMs: 2000 });
    expect(snap.forwards).toEqual([]);
    expect(snap.upnp).toEqual({ enabled: null, mappingCount: null, igdVersion: null });
    expect(snap.warnings[0]?.code).toBe('SFR_UPNP_UNREADABLE');
    const statuses = snap.coverage.map((c) => c.status);
    expect(statuses).not.toContain('complete');
    expect(snap.coverage.find((c) => c.area === 'upnp-mappings')?.status).toBe('error');
  });

  it('uses an injected UPnP collector and passes the deadline on', async () => {
    let seen: unknown = null;
    const snap = await collectSfr(
      {
        host: '192.168.1.1',
        options: { descriptionUrl: 'http://192.168.1.1:5000/rootDesc.xml', maxEntries: 10 },
      },
      { timeoutMs: 1234 },
      {
        collectUpnp: async (url, options) => {
          seen = { url, timeoutMs: options?.timeoutMs, maxEntries: options?.maxEntries };
          throw new BoxauditError(
            'BOXAUDIT_TIMEOUT',
            '[upnp-igd] GET http://192.168.1.1:5000/rootDesc.xml timed out',
          );
        },
      },
    );
    expect(seen).toEqual({ url: 'http://192.168.1.1:5000/rootDesc.xml', timeoutMs: 1234, maxEntries: 10 });
    expect(snap.warnings[0]?.message).toMatch(/timed out/);
  });

  it('follows the HTTP adapters’ one fatal-error policy: our own allowlist refusing a call stops the run', async () => {
    const throwing = (error: BoxauditError) =>
      collectSfr(
        { url: 'http://192.168.1.1:5000/rootDesc.xml' },
        {},
        {
          collectUpnp: async () => {
            throw error;
          },
        },
      );
    const notAllowed = new BoxauditError(
      'BOXAUDIT_NOT_ALLOWED',
      '[upnp-igd] DeletePortMapping is not allowed',
    );
    await expect(throwing(notAllowed)).rejects.toMatchObject({ code: 'BOXAUDIT_NOT_ALLOWED' });
    const tls = new BoxauditError('BOXAUDIT_NETWORK', '[upnp-igd] certificate refused', {
      details: { tls: true },
    });
    await expect(throwing(tls)).rejects.toMatchObject({ code: 'BOXAUDIT_NETWORK' });
    // A box that does not answer stays a warning and a gap (UPnP may simply be off).
    const down = new BoxauditError('BOXAUDIT_NETWORK', '[upnp-igd] connection refused');
    expect((await throwing(down)).warnings[0]?.code).toBe('SFR_UPNP_UNREADABLE');
  });

  it('needs the IGD description URL and says how to get it', async () => {
    await expect(collectSfr({ host: '192.168.1.1' }, {})).rejects.toMatchObject({ code: 'BOXAUDIT_USAGE' });
  });

  it('ships the manual checks in English and French', () => {
    expect(SFR_MANUAL_CHECKS.map((c) => c.area)).toEqual(['static-forwards', 'dmz', 'remote-admin']);
    for (const c of SFR_MANUAL_CHECKS) {
      expect(c.en).toMatch(/web interface/);
      expect(c.fr).toMatch(/interface/);
    }
    expect(sfr.meta.credentials).toEqual([]);
  });
});

// Real replies captured from SFR boxes (../shared/vendor-captures/sfr, hacf-fr/sfrbox-api fixtures:
// NB6V, NB6VAC, Box 10, an FTTB box) cover these API namespaces only. The adapter's premise — no
// API method for NAT, DMZ, UPnP or remote access, so read UPnP IGD and list manual checks — holds for
// them; a capture of such a method would fail this test and call for an API reader.
describeShared('vendor-captures/sfr', 'sfr real replies (vendor-captures/sfr)', () => {
  it('cover no NAT, DMZ, UPnP or remote-access method', () => {
    const methods = readdirSync(sharedPath('vendor-captures', 'sfr'))
      .map((f) => /__fixtures__([a-z0-9]+\.[A-Za-z]+)/.exec(f)?.[1])
      .filter((m): m is string => m !== undefined);
    expect(new Set(methods.map((m) => m.split('.')[0]))).toEqual(
      new Set(['auth', 'dsl', 'fail', 'ftth', 'ok', 'system', 'voip', 'wlan']),
    );
    expect(methods.filter((m) => /nat|dmz|upnp|remote|firewall/i.test(m))).toEqual([]);
  });
});
