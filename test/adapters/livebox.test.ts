/**
 * Livebox adapter against the loopback sysbus simulator (test/sim/vendors/livebox.ts), which is
 * built from the formats documented in shared/vendor-apis.md §2 (reverse-engineered by open-source
 * clients) and shaped like real Livebox replies — not a real box. The last part serves real replies
 * captured from a Livebox 3 and a Livebox 7 (../shared/vendor-captures/livebox) through it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  collectLivebox,
  LIVEBOX_ALLOWLIST,
  livebox,
  liveboxProtocols,
  parseLiveboxDmz,
  parseLiveboxPortForwarding,
  parseLiveboxRemoteAccess,
  parseLiveboxUpnp,
} from '../../src/adapters/livebox.js';
import type { Snapshot, Warning } from '../../src/model/types.js';
import { describeShared, readSharedJson } from '../shared-corpus.js';
import {
  LIVEBOX_SIM_PASSWORD,
  type LiveboxSimOptions,
  type LiveboxSimulator,
  startLiveboxSimulator,
} from '../sim/vendors/livebox.js';
import { failure } from './helpers.js';

let sim: LiveboxSimulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

async function start(options: LiveboxSimOptions = {}): Promise<LiveboxSimulator> {
  sim = await startLiveboxSimulator(options);
  return sim;
}

function collect(s: LiveboxSimulator, password = LIVEBOX_SIM_PASSWORD): Promise<Snapshot> {
  return collectLivebox({ url: s.url, credentials: { username: 'admin', password } }, { timeoutMs: 3000 });
}

describe('livebox collect', () => {
  it('reads forwards (manual vs UPnP), pinholes, DMZ, UPnP and remote access field by field', async () => {
    const s = await start();
    const snap = await collect(s);
    expect(snap.target).toEqual({ kind: 'vendor', address: s.url, adapter: 'livebox' });
    expect(snap.gateway).toMatchObject({
      manufacturer: 'Sagemcom',
      model: 'Livebox 6',
      modelNumber: 'SG_LB6_1.2.3',
      externalIp: '198.51.100.77',
      doubleNat: false,
    });

    const pacs = snap.forwards.find((f) => f.description === 'PACS');
    expect(pacs).toMatchObject({
      source: 'static',
      protocol: 'tcp',
      externalPort: { start: 104, end: 104 },
      internalHost: '192.168.1.20',
      internalPort: { start: 104, end: 104 },
      remoteHost: null,
      enabled: true,
      leaseSeconds: 0,
      provenance: { adapter: 'livebox', transport: 'http' },
    });
    // "6,17" becomes two forwards; the source restriction is kept.
    const smb = snap.forwards.filter((f) => f.externalPort?.start === 445);
    expect(smb.map((f) => f.protocol).sort()).toEqual(['tcp', 'udp']);
    expect(smb[0]).toMatchObject({
      remoteHost: '203.0.113.0/24',
      internalHost: '192.168.1.30',
      source: 'static',
    });
    // A range with only an internal start port, disabled.
    expect(snap.forwards.find((f) => f.description === 'Cameras')).toMatchObject({
      externalPort: { start: 10000, end: 10005 },
      internalPort: { start: 20000, end: 20005 },
      enabled: false,
    });
    expect(snap.forwards.find((f) => f.description === 'Plex')).toMatchObject({
      source: 'upnp',
      leaseSeconds: 3600,
    });

    const pin = snap.forwards.filter((f) => f.source === 'pinhole6');
    expect(pin).toHaveLength(2);
    expect(pin.find((f) => f.description === 'NAS IPv6')).toMatchObject({
      protocol: 'tcp',
      internalHost: '2001:db8:1::30',
      externalPort: { start: 5001, end: 5001 },
    });
    // No DestinationPort: every port of the protocol is open to that host.
    expect(pin.find((f) => f.description === 'Poste labo')).toMatchObject({
      protocol: 'udp',
      externalPort: { start: 1, end: 65535 },
    });
    expect(snap.forwards).toHaveLength(7);

    expect(snap.dmz).toEqual({ enabled: true, host: '192.168.1.20' });
    expect(snap.lanPrefixes).toEqual(['192.168.1.0/24']);
    expect(snap.upnp).toEqual({ enabled: true, mappingCount: 1, igdVersion: null });
    expect(snap.remoteAdmin).toEqual({
      enabled: true,
      services: [{ service: 'https', port: 8443, wan: true, restrictedTo: null }],
    });
    const cov = Object.fromEntries(snap.coverage.map((c) => [c.area, c.status]));
    expect(cov).toMatchObject({
      'static-forwards': 'complete',
      'upnp-mappings': 'complete',
      'ipv6-pinholes': 'complete',
      dmz: 'complete',
      'upnp-state': 'complete',
      'remote-admin': 'partial',
    });
    expect(snap.warnings).toEqual([]);
  });

  it('sends only allowlisted service.method pairs (all getters), each with the context and cookie', async () => {
    const s = await start();
    await collect(s);
    const allowed = LIVEBOX_ALLOWLIST as readonly string[];
    for (const r of s.requests) {
      expect(allowed).toContain(`${r.method} ${r.path} ${r.operation}`);
      if (r.operation !== 'sah.Device.Information.createContext') {
        expect(r.operation).toMatch(/\.(get|get[A-Z]\w*)$/);
        expect(r.authenticated).toBe(true);
      }
    }
    expect(s.requests).toHaveLength(8);
  });

  it('reports a wrong password as BOXAUDIT_AUTH_FAILED after one attempt', async () => {
    const s = await start();
    const err = await failure(collect(s, 'wrong-password'));
    expect(err.code).toBe('BOXAUDIT_AUTH_FAILED');
    expect(err.message).toMatch(/BOXAUDIT_PASSWORD/);
    expect(s.requests).toHaveLength(1);
  });

  it('creates a new context once when it expires, then carries on', async () => {
    const s = await start({ expireCalls: 1 });
    const snap = await collect(s);
    expect(snap.forwards).toHaveLength(7);
    expect(s.requests.filter((r) => r.operation?.endsWith('createContext'))).toHaveLength(2);
  });

  it('fails clearly when permission is denied again after a fresh context', async () => {
    const s = await start({ alwaysDeny: true });
    const err = await failure(collect(s));
    expect(err.code).toBe('BOXAUDIT_AUTH_FAILED');
    expect(err.message).toMatch(/again right after a fresh login.*groups: http,admin/);
  });

  it('keeps the rest when a getter fails or answers malformed JSON', async () => {
    const s = await start({ failing: ['Firewall.getPortForwarding'], malformed: ['Firewall.getDMZ'] });
    const snap = await collect(s);
    expect(snap.forwards.every((f) => f.source === 'pinhole6')).toBe(true);
    expect(snap.coverage.find((c) => c.area === 'static-forwards')).toMatchObject({
      status: 'error',
      code: 'LIVEBOX_CALL_FAILED',
    });
    expect(snap.coverage.find((c) => c.area === 'dmz')?.status).toBe('error');
    expect(snap.upnp?.mappingCount).toBeNull();
    expect(snap.dmz).toEqual({ enabled: null, host: null });
    const dmzWarning = snap.warnings.find((w) => w.where === 'POST /ws Firewall.getDMZ');
    expect(dmzWarning?.message).toMatch(/POST \/ws Firewall\.getDMZ.*not valid JSON/);
  });

  it('says the UPnP state is unknown when the on/off attribute is not found (UNCONFIRMED name)', async () => {
    const s = await start({ upnp: { WANAccessProvider: 'data' } });
    const snap = await collect(s);
    expect(snap.upnp?.enabled).toBeNull();
    expect(snap.coverage.find((c) => c.area === 'upnp-state')).toMatchObject({
      status: 'partial',
      code: 'LIVEBOX_UPNP_ATTRIBUTE_UNKNOWN',
    });
  });

  it('never lets the password, context id or cookie into outputs or errors', async () => {
    const s = await start({ malformed: ['Firewall.getDMZ'], failing: ['RemoteAccess.get'] });
    const snap = await collect(s);
    const errs: string[] = [];
    const t = await startLiveboxSimulator({ alwaysDeny: true });
    try {
      const e = await failure(
        collectLivebox({ url: t.url, credentials: { password: LIVEBOX_SIM_PASSWORD } }, {}),
      );
      errs.push(e.message, JSON.stringify(e.details));
      const bad = await failure(collect(s, `${LIVEBOX_SIM_PASSWORD}x`));
      errs.push(bad.message, JSON.stringify(bad.details));
      const text = `${JSON.stringify(snap)}\n${errs.join('\n')}`;
      expect(text).not.toContain(LIVEBOX_SIM_PASSWORD);
      for (const secret of [...s.issuedSecrets, ...t.issuedSecrets]) expect(text).not.toContain(secret);
    } finally {
      await t.close();
    }
  });

  it('reports a malformed login reply as BOXAUDIT_PROTOCOL_ERROR naming the call', async () => {
    const s = await start({ malformed: ['sah.Device.Information.createContext'] });
    const err = await failure(collect(s));
    expect(err.code).toBe('BOXAUDIT_PROTOCOL_ERROR');
    expect(err.message).toMatch(/POST \/ws sah\.Device\.Information\.createContext.*not valid JSON/);
    expect(err.message).not.toContain(LIVEBOX_SIM_PASSWORD);
  });

  it('reports a forward to the box’s own LAN address (NMC.getLANIP) as remote administration', async () => {
    const s = await start({
      portForwarding: {
        webui_Admin: {
          Id: 'webui_Admin',
          Origin: 'webui',
          Description: 'Admin',
          Enable: true,
          Protocol: '6',
          ExternalPort: '8443',
          InternalPort: '443',
          SourcePrefix: '',
          DestinationIPAddress: '192.168.1.1',
        },
      },
      remoteAccess: { Enable: false, Port: 0, Protocol: 'HTTPS', PortMode: 'RANDOM' },
    });
    const snap = await collect(s);
    expect(snap.remoteAdmin?.enabled).toBe(true);
    expect(snap.remoteAdmin?.services).toEqual([
      { service: 'https', port: null, wan: false, restrictedTo: null },
      { service: 'port-forward', port: 443, wan: true, restrictedTo: null },
    ]);
  });

  it('needs a password', async () => {
    const err = await failure(collectLivebox({ url: 'http://127.0.0.1:9' }, {}));
    expect(err.code).toBe('BOXAUDIT_CONFIG_INVALID');
  });
});

describe('livebox parse functions', () => {
  it('reads IANA protocol numbers as the Livebox writes them (strings)', () => {
    expect(liveboxProtocols('6,17')).toEqual(['tcp', 'udp']);
    expect(liveboxProtocols('17')).toEqual(['udp']);
    expect(liveboxProtocols(6)).toEqual(['tcp']);
    // Not known here: the rule parser then keeps tcp+udp with a warning (below).
    expect(liveboxProtocols('47')).toEqual([]);
  });

  it('reads an empty DMZ map as off, and rejects a non-map', () => {
    expect(parseLiveboxDmz({})).toEqual({ enabled: false, host: null });
    const warnings: Warning[] = [];
    expect(
      parseLiveboxDmz({ webui: { Enable: true, DestinationIPAddress: '**REDACTED**' } }, warnings),
    ).toEqual({
      enabled: true,
      host: null,
    });
    expect(warnings.map((w) => [w.code, w.where])).toEqual([
      ['LIVEBOX_ADDRESS_INVALID', 'Firewall.getDMZ webui'],
    ]);
    // A bare `false` is a failed call, never "no forwards".
    expect(() => parseLiveboxPortForwarding(false)).toThrow(/status false/);
    expect(() => parseLiveboxPortForwarding('oops')).toThrow(/not a map/);
    expect(parseLiveboxUpnp({ Enable: '1' })).toEqual({ enabled: true, attribute: 'Enable' });
  });

  it('meta allowlist is POST /ws getters plus createContext', () => {
    for (const call of livebox.meta.allowlist) {
      expect(call).toMatch(/^POST \/ws (sah\.Device\.Information\.createContext|[\w-]+\.get\w*)$/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Real replies: Home Assistant diagnostics dumps of a Livebox 3 (SG30_sip-fr-7.52.10.1) and a
// Livebox 7 (SG70-fr-G07.R02.C02_18) in ../shared/vendor-captures/livebox, read in place. Each dump
// keeps, per call, the reply body `{"status": …}` (or the client's exception text for an error).
// The expected values below were read off the files by hand.
// ---------------------------------------------------------------------------------------------

const LB = (model: string) =>
  readSharedJson(
    'vendor-captures',
    'livebox',
    `cyr-ius__hass-livebox-component__tests__fixtures__${model}.json`,
  ) as {
    api_raw: Record<string, unknown>;
  };

/** The client's exception text `Exception: [{'error': 196618, …}]` → the sysbus `errors` list it quotes. */
function errorsOf(text: unknown): unknown[] {
  const m = /^Exception: (\[.*\])$/.exec(String(text));
  if (!m) throw new Error(`not an exception text: ${String(text).slice(0, 80)}`);
  return JSON.parse(m[1]!.replace(/'/g, '"')) as unknown[];
}

/** Serve a dump's captured replies; calls it has no capture for answer the real "not found" error it shows. */
function repliesOf(model: string): LiveboxSimOptions {
  const raw = LB(model).api_raw;
  const notFound = {
    status: null,
    errors: errorsOf(LB('Livebox 3').api_raw['Firewall.async_get_protocol_forwarding']),
  };
  return {
    replies: {
      'DeviceInfo.get': raw['DeviceInfo.async_get_deviceinfo'],
      'Firewall.getPortForwarding': raw['Firewall.async_get_port_forwarding'],
      'UPnP-IGD.get': raw['UPnPIGD.async_get'],
      'RemoteAccess.get': raw['RemoteAccess.async_get'],
      // `{"status": null, "data": {"Address": "**REDACTED**", …}}`: no usable LAN address.
      'NMC.getLANIP': raw['Nmc.async_get_lan_ip'],
      // No Livebox capture of getDMZ / getPinhole exists: they answer the real error reply instead.
      'Firewall.getDMZ': notFound,
      'Firewall.getPinhole': notFound,
    },
  };
}

describeShared('vendor-captures/livebox', 'livebox on real replies (vendor-captures/livebox)', () => {
  it('reads the Livebox 7 port-forwarding map keyed by rule id, with string ports and protocol numbers', () => {
    const status = (LB('Livebox 7').api_raw['Firewall.async_get_port_forwarding'] as { status: unknown })
      .status;
    // The real shape: an object keyed by rule id, not a list.
    expect(Array.isArray(status)).toBe(false);
    expect(Object.keys(status as object)).toEqual([
      'upnp_5',
      'upnp_75',
      'upnp_80',
      'upnp_81',
      'upnp_191',
      'upnp_192',
      'upnp_193',
    ]);
    const warnings: Warning[] = [];
    const forwards = parseLiveboxPortForwarding(status, warnings);
    expect(
      forwards.map((f) => [f.protocol, f.externalPort?.start, f.internalPort?.start, f.leaseSeconds]),
    ).toEqual([
      ['udp', 63992, 63992, 7200],
      ['udp', 53722, 53722, 7200],
      ['tcp', 49029, 49029, 604800],
      ['udp', 49029, 49029, 604800],
      ['udp', 42720, 41641, 7200],
      ['udp', 13421, 41641, 7200],
      ['udp', 15451, 41641, 7200],
    ]);
    for (const f of forwards) {
      expect(f).toMatchObject({ source: 'upnp', enabled: true, remoteHost: null, internalHost: null });
    }
    expect(forwards.filter((f) => f.description === 'tailscale-portmap')).toHaveLength(5);
    expect(forwards.filter((f) => f.description === null)).toHaveLength(2);
    // The dump redacted every destination: not an address, so unknown and said so, per rule.
    expect(warnings.map((w) => [w.code, w.where])).toEqual(
      ['upnp_5', 'upnp_75', 'upnp_80', 'upnp_81', 'upnp_191', 'upnp_192', 'upnp_193'].map((k) => [
        'LIVEBOX_ADDRESS_INVALID',
        `Firewall.getPortForwarding ${k}`,
      ]),
    );
  });

  it('reads UPnP-IGD Enable and the RemoteAccess fields of both models', () => {
    for (const model of ['Livebox 3', 'Livebox 7']) {
      const raw = LB(model).api_raw;
      expect(parseLiveboxUpnp((raw['UPnPIGD.async_get'] as { status: unknown }).status)).toEqual({
        enabled: true,
        attribute: 'Enable',
      });
      // Off, random port mode, port 0 (no port), HTTPS.
      expect(parseLiveboxRemoteAccess((raw['RemoteAccess.async_get'] as { status: unknown }).status)).toEqual(
        [{ service: 'https', port: null, wan: false, restrictedTo: null }],
      );
    }
  });

  it('serves the Livebox 7 replies over the simulator: UPnP forwards, UPnP on, remote access off', async () => {
    const s = await start(repliesOf('Livebox 7'));
    const snap = await collect(s);
    expect(snap.gateway).toMatchObject({
      manufacturer: 'Sagemcom',
      model: 'Livebox 7',
      modelNumber: 'SG70-fr-G07.R02.C02_18',
      externalIp: null,
    });
    expect(snap.forwards).toHaveLength(7);
    expect(snap.forwards.every((f) => f.source === 'upnp' && f.enabled === true)).toBe(true);
    expect(snap.upnp).toEqual({ enabled: true, mappingCount: 7, igdVersion: null });
    expect(snap.remoteAdmin).toEqual({
      enabled: false,
      services: [{ service: 'https', port: null, wan: false, restrictedTo: null }],
    });
    const cov = Object.fromEntries(snap.coverage.map((c) => [c.area, c.status]));
    expect(cov).toMatchObject({
      'static-forwards': 'complete',
      'upnp-mappings': 'complete',
      'upnp-state': 'complete',
      dmz: 'error',
      'ipv6-pinholes': 'error',
    });
    // 196618 is "not found", not "permission denied": no second login, the run goes on.
    expect(s.requests.filter((r) => r.operation?.endsWith('createContext'))).toHaveLength(1);
    const notFound = snap.warnings.filter((w) => w.code === 'LIVEBOX_CALL_FAILED');
    expect(notFound.map((w) => w.where).sort()).toEqual([
      'POST /ws Firewall.getDMZ',
      'POST /ws Firewall.getPinhole',
    ]);
    for (const w of notFound) expect(w.message).toMatch(/error 196618 .*does not offer it/);
    expect(snap.dmz).toEqual({ enabled: null, host: null });
    expect(snap.lanPrefixes).toBeNull();
  });

  it('serves the Livebox 3 replies: an empty map is no forward, read completely', async () => {
    const s = await start(repliesOf('Livebox 3'));
    const snap = await collect(s);
    expect(snap.gateway).toMatchObject({ model: 'Livebox 3', modelNumber: 'SG30_sip-fr-7.52.10.1' });
    expect(snap.forwards).toEqual([]);
    expect(snap.coverage.find((c) => c.area === 'static-forwards')?.status).toBe('complete');
    expect(snap.upnp).toEqual({ enabled: true, mappingCount: 0, igdVersion: null });
    expect(snap.remoteAdmin?.enabled).toBe(false);
  });

  it('reads the same replies wrapped in "result" (x-sah-ws-1-call+json firmware)', async () => {
    const s = await start({ ...repliesOf('Livebox 7'), wrapResult: true });
    const snap = await collect(s);
    expect(snap.forwards).toHaveLength(7);
    expect(snap.upnp?.enabled).toBe(true);
    expect(snap.warnings.filter((w) => w.code === 'LIVEBOX_CALL_FAILED')).toHaveLength(2);
  });
});

describe('livebox protocol values it does not know', () => {
  const rule = (Protocol: unknown) => ({
    webui_X: {
      Id: 'webui_X',
      Origin: 'webui',
      Description: 'X',
      Enable: true,
      ...(Protocol === undefined ? {} : { Protocol }),
      ExternalPort: '8080',
      InternalPort: '80',
      DestinationIPAddress: '192.168.1.10',
    },
  });

  it.each([[''], ['47'], [undefined], [{ v: 6 }]])(
    'keeps protocol %j as tcp and udp with PROTOCOL_UNKNOWN',
    (p) => {
      const warnings: Warning[] = [];
      const forwards = parseLiveboxPortForwarding(rule(p), warnings);
      expect(forwards.map((f) => f.protocol)).toEqual(['tcp', 'udp']);
      expect(forwards[0]).toMatchObject({
        internalHost: '192.168.1.10',
        externalPort: { start: 8080, end: 8080 },
      });
      expect(warnings).toEqual([
        expect.objectContaining({ code: 'PROTOCOL_UNKNOWN', where: 'Firewall.getPortForwarding webui_X' }),
      ]);
    },
  );

  it.each([['6,17'], ['TCP+UDP'], ['all']])('reads %j as tcp and udp without a warning', (p) => {
    const warnings: Warning[] = [];
    expect(parseLiveboxPortForwarding(rule(p), warnings).map((f) => f.protocol)).toEqual(['tcp', 'udp']);
    expect(warnings).toEqual([]);
  });

  it('keeps an unknown-protocol forward through the whole collect, with the warning', async () => {
    const s = await start({ portForwarding: rule('') });
    const snap = await collect(s);
    expect(snap.forwards.filter((f) => f.source === 'static').map((f) => f.protocol)).toEqual(['tcp', 'udp']);
    expect(snap.warnings.map((w) => w.code)).toContain('PROTOCOL_UNKNOWN');
  });
});
