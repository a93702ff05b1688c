/**
 * Bbox adapter against the loopback Bbox API v1 simulator (test/sim/vendors/bbox.ts), which is
 * built from the formats documented in shared/vendor-apis.md §3, with device/wan/services shaped like
 * real replies — not a real box. The last part serves real captured replies
 * (../shared/vendor-captures/bbox) through it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  BBOX_ALLOWLIST,
  bbox,
  collectBbox,
  parseBboxDmz,
  parseBboxNatRules,
  parseBboxServices,
  unwrapBbox,
} from '../../src/adapters/bbox.js';
import type { Snapshot, Warning } from '../../src/model/types.js';
import { describeShared, readShared, readSharedJson } from '../shared-corpus.js';
import {
  BBOX_SIM_PASSWORD,
  type BboxSimOptions,
  type BboxSimulator,
  startBboxSimulator,
} from '../sim/vendors/bbox.js';
import { failure, row } from './helpers.js';

let sim: BboxSimulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

async function start(options: BboxSimOptions = {}): Promise<BboxSimulator> {
  sim = await startBboxSimulator(options);
  return sim;
}

function collect(
  s: BboxSimulator,
  password = BBOX_SIM_PASSWORD,
  options: Record<string, unknown> = {},
): Promise<Snapshot> {
  return collectBbox({ url: s.url, credentials: { password }, options }, { timeoutMs: 3000 });
}

const logins = (s: BboxSimulator) => s.requests.filter((r) => r.path === '/api/v1/login').length;

describe('bbox collect', () => {
  it('reads NAT rules, DMZ, UPnP and remote admin field by field', async () => {
    const s = await start();
    const snap = await collect(s);
    expect(snap.target).toEqual({ kind: 'vendor', address: s.url, adapter: 'bbox' });
    expect(snap.gateway).toMatchObject({
      manufacturer: 'Bouygues Telecom',
      model: 'Bbox Ultym',
      modelNumber: '23.7.8',
      externalIp: '198.51.100.99',
      doubleNat: false,
    });

    expect(snap.forwards.find((f) => f.description === 'PACS')).toMatchObject({
      source: 'static',
      protocol: 'tcp',
      externalPort: { start: 104, end: 104 },
      internalHost: '192.168.1.20',
      internalPort: { start: 104, end: 104 },
      remoteHost: null,
      enabled: true,
      leaseSeconds: 0,
      provenance: { adapter: 'bbox', transport: 'http' },
    });
    // "tcp,udp" with numeric ports and a source restriction, enable as a string.
    const smb = snap.forwards.filter((f) => f.description === 'SMB NAS');
    expect(smb.map((f) => f.protocol).sort()).toEqual(['tcp', 'udp']);
    expect(smb[0]).toMatchObject({
      externalPort: { start: 445, end: 445 },
      remoteHost: '203.0.113.7',
      enabled: true,
    });
    expect(snap.forwards.find((f) => f.description === 'NAS web')).toMatchObject({
      externalPort: { start: 5000, end: 5001 },
      internalPort: { start: 5000, end: 5001 },
      enabled: false,
    });
    const upnp = snap.forwards.filter((f) => f.source === 'upnp');
    expect(upnp).toHaveLength(2);
    expect(upnp.find((f) => f.externalPort?.start === 11112)).toMatchObject({
      internalHost: '192.168.1.20',
      description: 'DICOM router',
      leaseSeconds: 0,
      enabled: true,
    });
    expect(snap.forwards).toHaveLength(6);

    expect(snap.dmz).toEqual({ enabled: true, host: '192.168.1.50' });
    expect(snap.upnp).toEqual({ enabled: true, mappingCount: 2, igdVersion: null });
    expect(snap.remoteAdmin).toEqual({
      enabled: true,
      services: [{ service: 'https', port: 8080, wan: true, restrictedTo: null }],
    });
    const cov = Object.fromEntries(snap.coverage.map((c) => [c.area, c.status]));
    expect(cov).toMatchObject({
      'static-forwards': 'complete',
      'upnp-mappings': 'complete',
      'upnp-state': 'complete',
      dmz: 'complete',
      'remote-admin': 'complete',
      'ipv6-pinholes': 'not-visible',
    });
    expect(snap.warnings).toEqual([]);
  });

  it('sends only allowlisted calls: GETs with the cookie, plus one login and one logout', async () => {
    const s = await start();
    await collect(s);
    const allowed = BBOX_ALLOWLIST as readonly string[];
    for (const r of s.requests) {
      expect(allowed).toContain(`${r.method} ${r.path}`);
      if (r.method === 'GET') expect(r.authenticated).toBe(true);
    }
    expect(s.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([
      '/api/v1/login',
      '/api/v1/logout',
    ]);
  });

  it('reports a wrong password as BOXAUDIT_AUTH_FAILED after a single attempt', async () => {
    const s = await start();
    const err = await failure(collect(s, 'wrong'));
    expect(err.code).toBe('BOXAUDIT_AUTH_FAILED');
    expect(err.message).toMatch(/BOXAUDIT_PASSWORD/);
    expect(logins(s)).toBe(1);
  });

  it('waits out a short lockout as Retry-After asks, then logs in (one retry only)', async () => {
    const s = await start({ lockoutAttempts: 1, retryAfterSeconds: 1 });
    const snap = await collect(s);
    expect(snap.forwards).toHaveLength(6);
    expect(logins(s)).toBe(2);
  });

  it('stops with BOXAUDIT_RATE_LIMITED when the lockout persists after the one retry', async () => {
    const s = await start({ lockoutAttempts: 5, retryAfterSeconds: 1 });
    const err = await failure(collect(s));
    expect(err.code).toBe('BOXAUDIT_RATE_LIMITED');
    expect(err.message).toMatch(/still refuses logins/);
    expect(logins(s)).toBe(2);
  });

  it('does not wait when Retry-After is missing or too long, and never retries then', async () => {
    const a = await startBboxSimulator({ lockoutAttempts: 1, retryAfterSeconds: null });
    const b = await startBboxSimulator({ lockoutAttempts: 1, retryAfterSeconds: 900 });
    try {
      const ea = await failure(collect(a));
      expect(ea.code).toBe('BOXAUDIT_RATE_LIMITED');
      expect(ea.message).toMatch(/wait a few minutes/);
      const eb = await failure(collect(b));
      expect(eb.code).toBe('BOXAUDIT_RATE_LIMITED');
      expect(eb.message).toMatch(/retry after 900 s/);
      expect(logins(a)).toBe(1);
      expect(logins(b)).toBe(1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('logs in again once when the cookie expires, then carries on', async () => {
    const s = await start({ expireReads: 1 });
    const snap = await collect(s);
    expect(snap.forwards).toHaveLength(6);
    expect(logins(s)).toBe(2);
  });

  it('fails clearly when the session expires again right after a re-login', async () => {
    const s = await start({ alwaysExpire: true });
    const err = await failure(collect(s));
    expect(err.code).toBe('BOXAUDIT_AUTH_FAILED');
    expect(err.message).toMatch(/expired again/);
    expect(logins(s)).toBe(2);
  });

  it('keeps the rest when one reply is malformed or fails', async () => {
    const s = await start({ malformed: ['/api/v1/nat/dmz'], failing: ['/api/v1/upnp/igd/rules'] });
    const snap = await collect(s);
    expect(snap.forwards.filter((f) => f.source === 'static')).toHaveLength(4);
    expect(snap.dmz).toEqual({ enabled: null, host: null });
    expect(snap.coverage.find((c) => c.area === 'dmz')).toMatchObject({
      status: 'error',
      code: 'BBOX_CALL_FAILED',
    });
    expect(snap.warnings.find((w) => w.where === 'GET /api/v1/nat/dmz')?.message).toMatch(
      /GET \/api\/v1\/nat\/dmz.*not valid JSON/,
    );
    expect(snap.coverage.find((c) => c.area === 'upnp-mappings')?.status).toBe('error');
    expect(snap.upnp).toEqual({ enabled: true, mappingCount: null, igdVersion: null });
  });

  it('never lets the password or the BBOX_ID cookie into outputs or errors', async () => {
    const s = await start({ malformed: ['/api/v1/nat/dmz'] });
    const snap = await collect(s);
    const errs: string[] = [];
    const t = await startBboxSimulator({ alwaysExpire: true });
    try {
      const e1 = await failure(collect(t));
      const e2 = await failure(collect(s, `${BBOX_SIM_PASSWORD}x`));
      for (const e of [e1, e2]) errs.push(e.message, JSON.stringify(e.details));
      const text = `${JSON.stringify(snap)}\n${errs.join('\n')}`;
      expect(text).not.toContain(BBOX_SIM_PASSWORD);
      expect(text).not.toContain(encodeURIComponent(BBOX_SIM_PASSWORD));
      for (const secret of [...s.issuedSecrets, ...t.issuedSecrets]) expect(text).not.toContain(secret);
    } finally {
      await t.close();
    }
  });
});

describe('bbox parse functions', () => {
  it('reads the Sagemcom camelCase variant', () => {
    const f = parseBboxNatRules({
      nat: {
        enable: true,
        rules: [
          {
            id: 7,
            enable: true,
            description: 'RDP',
            protocol: 'TCP',
            externalIP: '',
            externalPort: 3389,
            externalEndPort: 3390,
            internalIP: '192.168.1.9',
            internalPort: 3389,
          },
        ],
      },
    });
    expect(f[0]).toMatchObject({
      externalPort: { start: 3389, end: 3390 },
      internalPort: { start: 3389, end: 3390 },
      internalHost: '192.168.1.9',
    });
  });

  it('marks every rule disabled when the NAT service is off', () => {
    const f = parseBboxNatRules([
      {
        nat: {
          enable: 0,
          rules: [{ enable: 1, protocol: 'tcp', externalport: '80', internalip: '192.168.1.2' }],
        },
      },
    ]);
    expect(f[0]?.enabled).toBe(false);
  });

  it('rejects replies without the wrapper key; reads remote admin restricted to a source', () => {
    expect(() => unwrapBbox([{ other: {} }], 'nat')).toThrow(/no "nat" object/);
    expect(
      parseBboxServices([
        { services: { remote: { admin: { enable: 1, port: '443', ip: '198.51.100.0/24' } } } },
      ]),
    ).toEqual({
      remote: [{ service: 'https', port: 443, wan: true, restrictedTo: '198.51.100.0/24' }],
      upnpEnabled: null,
    });
  });

  it('meta allowlist: GETs plus login/logout', () => {
    for (const call of bbox.meta.allowlist)
      expect(call).toMatch(/^(GET \/api\/v1\/|POST \/api\/v1\/log(in|out)$)/);
  });
});

// ---------------------------------------------------------------------------------------------
// Real replies (../shared/vendor-captures/bbox, read in place): bboxapi-router's F@st5330b fw 12.11.0
// files (each an array wrapping one keyed object) and hass-bbox2's F@st5688b fw 24.0.12 files (the
// array wrapper stripped by its client). No capture of nat/rules, nat/dmz or upnp/igd exists.
// Values below were read off the files by hand.
// ---------------------------------------------------------------------------------------------

const BB = (file: string) =>
  readShared(
    'vendor-captures',
    'bbox',
    `bertrandmartel__bboxapi-router__bboxapi-router__src__test__resources__${file}`,
  );

describeShared('vendor-captures/bbox', 'bbox on real replies (vendor-captures/bbox)', () => {
  it('reads the real services reply: remote admin off on port 443, UPnP on (integer flags)', () => {
    const body = JSON.parse(BB('services.json')) as unknown;
    expect(Array.isArray(body)).toBe(true);
    expect(parseBboxServices(body)).toEqual({
      remote: [{ service: 'https', port: 443, wan: false, restrictedTo: null }],
      upnpEnabled: true,
    });
    // The hand-edited variant only changes `activable`: same reading.
    expect(parseBboxServices(JSON.parse(BB('services_activable.json')))).toEqual(parseBboxServices(body));
  });

  it('serves the real device, wan/ip and services replies through the simulator', async () => {
    const s = await start({
      replies: {
        '/api/v1/device': BB('device.json'),
        '/api/v1/wan/ip': BB('wan_ip.json'),
        '/api/v1/services': BB('services.json'),
      },
      // No capture of upnp/igd: let it fail so that the UPnP state comes from the real services reply.
      failing: ['/api/v1/upnp/igd'],
    });
    const snap = await collect(s);
    expect(snap.gateway).toMatchObject({
      model: 'F@st5330b',
      modelNumber: '12.11.0',
      // The capture redacts the address as "XXX.XXX.XXX.XXX": not an address, so unknown.
      externalIp: null,
      connectionStatus: 'Up',
    });
    expect(snap.remoteAdmin).toEqual({
      enabled: false,
      services: [{ service: 'https', port: 443, wan: false, restrictedTo: null }],
    });
    expect(snap.upnp?.enabled).toBe(true);
    expect(snap.coverage.find((c) => c.area === 'remote-admin')?.status).toBe('complete');
    expect(snap.coverage.find((c) => c.area === 'gateway-info')?.status).toBe('complete');
  });

  it('reads the newer firmware’s device reply without the array wrapper (hass-bbox2, fw 24.0.12)', () => {
    const info = readSharedJson('vendor-captures', 'bbox', 'cyr-ius__hass-bbox2__tests__fixtures__info.json');
    const device = unwrapBbox(info, 'device');
    expect(device.modelname).toBe('F@st5688b');
    expect((device.main as { version: string }).version).toBe('24.0.12');
  });

  it('the real summary reply has state flags beyond 0/1, which are never read as on/off', () => {
    const services = unwrapBbox(JSON.parse(BB('summary.json')), 'services');
    expect((services.nat as { enable: number }).enable).toBe(6);
    expect((services.firewall as { enable: number }).enable).toBe(4);
    // The same flag values in a services reply leave the remote-admin service unknown.
    const odd = [
      { services: { remote: { admin: { enable: 6, port: 443, ip: '' } }, upnp: { igd: { enable: 4 } } } },
    ];
    expect(parseBboxServices(odd)).toEqual({ remote: [], upnpEnabled: null });
  });
});

describe('bbox protocol values and rule shapes it did not expect', () => {
  const rules = (protocol: unknown) => [
    {
      nat: {
        enable: 1,
        rules: [
          {
            id: 7,
            enable: 1,
            description: 'X',
            ...(protocol === undefined ? {} : { protocol }),
            externalport: '8080',
            internalip: '192.168.1.10',
            internalport: '80',
          },
        ],
      },
    },
  ];

  it.each([[''], [undefined], ['gre']])('keeps protocol %j as tcp and udp with PROTOCOL_UNKNOWN', (p) => {
    const warnings: Warning[] = [];
    expect(parseBboxNatRules(rules(p), warnings).map((f) => f.protocol)).toEqual(['tcp', 'udp']);
    expect(warnings.map((w) => [w.code, w.where])).toEqual([
      ['PROTOCOL_UNKNOWN', 'GET /api/v1/nat/rules rule 7'],
    ]);
  });

  it.each([['all'], ['TCP+UDP'], ['tcp,udp']])('reads protocol %j as tcp and udp', (p) => {
    const warnings: Warning[] = [];
    expect(parseBboxNatRules(rules(p), warnings).map((f) => f.protocol)).toEqual(['tcp', 'udp']);
    expect(warnings).toEqual([]);
  });

  it('reads rules sent as a map keyed by id, and keeps a rule whose host is not an address', () => {
    const warnings: Warning[] = [];
    const forwards = parseBboxNatRules(
      [
        {
          nat: {
            enable: 1,
            rules: {
              a: {
                id: 1,
                enable: 1,
                protocol: 'tcp',
                externalport: '22',
                internalip: 'nas.lan',
                internalport: '22',
              },
            },
          },
        },
      ],
      warnings,
    );
    expect(forwards.map(row)).toEqual([['static', 'tcp', '22-22', null, '22-22', null, true, null, 0]]);
    expect(warnings.map((w) => w.code)).toEqual(['BBOX_ADDRESS_INVALID']);
  });

  it('reads a DMZ host that is not an address (a redaction) as unknown, with a warning', () => {
    const warnings: Warning[] = [];
    expect(parseBboxDmz([{ nat: { dmz: { enable: 1, ipaddress: 'XXX.XXX.XXX.XXX' } } }], warnings)).toEqual({
      enabled: true,
      host: null,
    });
    expect(warnings.map((w) => w.code)).toEqual(['BBOX_ADDRESS_INVALID']);
  });

  it('keeps an unknown-protocol rule through the whole collect', async () => {
    const s = await start({ natRules: (rules('')[0]!.nat as { rules: unknown[] }).rules });
    const snap = await collect(s);
    expect(snap.forwards.filter((f) => f.source === 'static').map((f) => f.protocol)).toEqual(['tcp', 'udp']);
    expect(snap.warnings.map((w) => w.code)).toContain('PROTOCOL_UNKNOWN');
  });
});
