/**
 * Auto-detection after a UPnP read: the box's description (served by the loopback IGD simulator, with
 * the manufacturer/model strings real Liveboxes and FRITZ!Boxes send) picks the vendor adapter, and the
 * coverage note says how to use it; the same over every real router's description in
 * ../shared/upnp-captures (third-party data, read in place). The probe's `GET /` goes to 127.0.0.1:80
 * only (refused or answered locally), and no DNS lookup is made for a loopback gateway: nothing leaves
 * the machine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { collectUpnp } from '../../src/adapters/upnp-igd.js';
import { type IgdSimulator, startIgdSimulator } from '../../src/demo/igd-simulator.js';
import { hasNeededCredentials, suggestAdapter, vendorHint, vendorReadFailed } from '../../src/detect.js';
import { coverageReason } from '../../src/i18n/index.js';
import { describeShared, readShared } from '../shared-corpus.js';

let sim: IgdSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function snapshotOf(manufacturer: string, modelName: string) {
  sim = await startIgdSimulator({ manufacturer, modelName, mappings: [] });
  return collectUpnp(sim.descriptionUrl, { timeoutMs: 2000 });
}

describe('suggestAdapter', () => {
  it('recognises a Livebox from its UPnP description and names the password it needs', async () => {
    const s = await suggestAdapter(await snapshotOf('Sagemcom', 'Livebox'), undefined);
    expect(s?.adapter).toBe('livebox');
    expect(s?.host).toBe('127.0.0.1');
    expect(s?.credentials).toContain('password');
  });

  it('recognises a FRITZ!Box', async () => {
    const s = await suggestAdapter(await snapshotOf('AVM Berlin', 'FRITZ!Box 7590'), undefined);
    expect(s?.adapter).toBe('fritzbox');
  });

  it('suggests nothing for a generic miniupnpd router', async () => {
    expect(await suggestAdapter(await snapshotOf('MiniUPnP', 'MiniUPnPd'), undefined)).toBeNull();
  });
});

/** The adapter the default audit should offer for each real router (SSH adapters are never offered). */
const OFFERED: Record<string, string> = {
  'arcadyan-residential-livebox-gpon-wan-et': 'livebox',
  'sagemcom-residential-livebox-gpon-wan-et': 'livebox',
  'sercomm-residential-livebox-gpon-wan-eth': 'livebox',
  'bouygues-telecom-sagemcom-f-st5688b': 'bbox',
  'freebox-freebox-server': 'freebox',
  'neufbox-neufbox-router': 'sfr',
  'avm-berlin-fritz-box-6660-cable': 'fritzbox',
  'fritz-fritz-box-7590': 'fritzbox',
  'mikrotik-router-os': 'routeros-rest',
  'openwrt-openwrt-router-x': 'openwrt-ubus',
  'ubiquiti-udm-pro': 'unifi',
  'tp-link-archer-ax1800': 'none',
};
describeShared('upnp-captures', "suggestAdapter on real routers' descriptions, served on loopback", () => {
  it.each(Object.keys(OFFERED))('%s', async (device) => {
    const xml = readShared('upnp-captures', device, 'rootdesc.xml');
    const field = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1] ?? '';
    sim = await startIgdSimulator({
      manufacturer: field('manufacturer'),
      modelName: field('modelName'),
      friendlyName: field('friendlyName'),
      mappings: [],
    });
    const snapshot = await collectUpnp(sim.descriptionUrl, { timeoutMs: 2000 });
    const s = await suggestAdapter(snapshot, undefined, { timeoutMs: 500 });
    // The adapter must also exist in this build (suggestAdapter loads it from the registry).
    expect(s?.adapter ?? 'none').toBe(OFFERED[device]);
  });
});

describe('hasNeededCredentials', () => {
  it('honours optional (x?) and alternative (a|b) needs', () => {
    expect(hasNeededCredentials(['password', 'username?'], { password: 'p' })).toBe(true);
    expect(hasNeededCredentials(['password', 'username?'], {})).toBe(false);
    expect(
      hasNeededCredentials(['username', 'privateKey|agent|password'], { username: 'u', agent: '/s' }),
    ).toBe(true);
    expect(hasNeededCredentials(['token'], { token: '' })).toBe(false);
    expect(hasNeededCredentials([], undefined)).toBe(true);
  });
});

describe('vendorHint', () => {
  it('is a not-visible coverage note with the exact command, and no secret', () => {
    const item = vendorHint({
      adapter: 'livebox',
      score: 0.9,
      reason: 'manufacturer says Livebox',
      host: '192.168.1.1',
      credentials: ['password', 'username?'],
    });
    expect(item).toMatchObject({
      area: 'static-forwards',
      status: 'not-visible',
      code: 'VENDOR_API_AVAILABLE',
    });
    expect(item.reason).toContain('boxaudit --vendor livebox --host 192.168.1.1');
    expect(item.reason).toContain('BOXAUDIT_PASSWORD');
    expect(item.reason).not.toContain('username?');
  });

  it("promises only what the adapter reads: a FRITZ!Box's TR-064 shows manual forwards, not the exposed host", async () => {
    const hint = (capabilities: string[]) =>
      vendorHint({
        adapter: 'x',
        score: 0.9,
        reason: 'r',
        host: '192.168.1.1',
        credentials: [],
        capabilities,
      }).reason;
    expect(hint(['static-forwards', 'dmz'])).toContain(
      'the manual port forwards and the DMZ that UPnP cannot',
    );
    expect(hint(['static-forwards', 'upnp-mappings'])).toContain('the manual port forwards that UPnP cannot');
    expect(hint(['static-forwards'])).not.toContain('DMZ');
    const fritz = await suggestAdapter(await snapshotOf('AVM Berlin', 'FRITZ!Box 7590'), undefined);
    expect(fritz?.capabilities).not.toContain('dmz');
    expect(vendorHint(fritz!).reason).not.toContain('DMZ');
    const livebox = await suggestAdapter(await snapshotOf('Sagemcom', 'Livebox'), undefined);
    expect(vendorHint(livebox!).reason).toContain('the DMZ');
  });
});

describe('in French, and when the vendor read failed', () => {
  const fritz = {
    adapter: 'fritzbox',
    score: 0.9,
    reason: 'AVM',
    host: '192.168.178.1',
    credentials: ['username', 'password'],
    capabilities: ['static-forwards', 'upnp-mappings'],
  };

  it('the French hint promises the same areas as the English one', () => {
    const fr = coverageReason(vendorHint(fritz), 'fr');
    expect(fr).toContain('montre les redirections manuelles que');
    expect(fr).not.toContain('DMZ');
    expect(
      coverageReason(vendorHint({ ...fritz, capabilities: ['static-forwards', 'dmz'] }), 'fr'),
    ).toContain('les redirections manuelles et la DMZ');
  });

  it('a failed read is a coverage error (the audit is incomplete), naming why and what was not checked', () => {
    const item = vendorReadFailed(fritz, '[fritzbox] login refused (HTTP 401)');
    expect(item).toMatchObject({ status: 'error', code: 'VENDOR_READ_FAILED', area: 'static-forwards' });
    expect(item.reason).toContain('login refused (HTTP 401)');
    expect(item.reason).toContain('the manual port forwards were not checked');
    expect(coverageReason(item, 'fr')).toContain('les redirections manuelles n’ont pas été vérifiées');
  });
});
