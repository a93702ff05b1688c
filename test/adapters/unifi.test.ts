// UniFi Network adapter against a LOOPBACK SIMULATOR (test/sim/vendors/unifi.ts) built from the
// formats documented in shared/vendor-apis.md §9.1 (reverse-engineered local API), with records
// shaped like real ones — not a real console or controller. The last part serves real fixture
// replies (../shared/vendor-captures/unifi) through it.
import { afterEach, describe, expect, it } from 'vitest';
import { detectScore } from '../../src/adapters/evidence.js';
import { credentialStrings } from '../../src/adapters/registry.js';
import {
  collectUnifi,
  parseUnifiPortForwards,
  parseUnifiSites,
  parseUnifiUpnp,
  UNIFI_ALLOWLIST,
  UNIFI_MAX_SITES,
  unifi,
  unifiCanonicalPath,
  unifiRemoteHost,
  unwrapUnifi,
} from '../../src/adapters/unifi.js';
import type { BoxauditError } from '../../src/errors.js';
import type { Snapshot } from '../../src/model/types.js';
import { describeShared, pythonLiteral, readShared } from '../shared-corpus.js';
import {
  defaultUnifiSites,
  startUnifiSimulator,
  UNIFI_SIM_DEVICE_SSH_PASSWORD,
  UNIFI_SIM_PASSWORD,
  UNIFI_SIM_USERNAME,
  type UnifiSimOptions,
  type UnifiSimulator,
} from '../sim/vendors/unifi.js';
import { coverageMap, failure, row } from './helpers.js';

let sims: UnifiSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function start(options: UnifiSimOptions = {}): Promise<UnifiSimulator> {
  const s = await startUnifiSimulator(options);
  sims.push(s);
  return s;
}

function collect(
  s: UnifiSimulator,
  password = UNIFI_SIM_PASSWORD,
  log: string[] = [],
  username = UNIFI_SIM_USERNAME,
): Promise<Snapshot> {
  return collectUnifi(
    { url: s.url, credentials: { username, password } },
    { timeoutMs: 3000, log: (m) => log.push(m) },
  );
}

const logins = (s: UnifiSimulator) =>
  s.requests.filter((r) => r.method === 'POST' && /^\/api\/(auth\/)?login$/.test(r.path)).length;

const GROUP = 'firewall-group:65a1b2c3d4e5f60718299999';
/** Every forward of the two default sites, field by field (source, proto, ext, host, int, remote, enabled, name, lease). */
const EXPECTED_ROWS = [
  ['static', 'tcp', '104-104', '192.168.1.20', '104-104', null, true, 'PACS', 0],
  ['static', 'tcp', '3389-3389', '192.168.1.30', '3389-3389', null, false, 'Old RDP', 0],
  ['static', 'tcp', '27015-27030', '192.168.1.40', '27015-27030', null, true, 'Game server', 0],
  ['static', 'udp', '27015-27030', '192.168.1.40', '27015-27030', null, true, 'Game server', 0],
  ['static', 'tcp', '8443-8443', '192.168.1.50', '443-443', '203.0.113.0/24', true, 'Radiology viewer', 0],
  ['static', 'tcp', '2222-2222', '192.168.1.60', '22-22', null, true, 'SSH except one', 0],
  ['static', 'tcp', '80-80', '192.168.1.70', '80-80', GROUP, true, 'Partner web', 0],
  ['static', 'tcp', '443-443', '192.168.1.70', '443-443', GROUP, true, 'Partner web', 0],
  ['static', 'tcp', '11112-11112', '10.10.0.5', '11112-11112', null, true, 'DICOM router', 0],
];

function expectAllowlistedOnly(s: UnifiSimulator): void {
  const allowed = UNIFI_ALLOWLIST as readonly string[];
  for (const r of s.requests) {
    expect(allowed).toContain(`${r.method} ${unifiCanonicalPath(r.path)}`);
    if (r.method === 'GET') expect(r.authenticated).toBe(true);
    expect(['GET', 'POST']).toContain(r.method);
  }
}

describe('unifi collect (UniFi OS console)', () => {
  it('reads every site’s port forwards field by field, and the UPnP switches', async () => {
    const s = await start();
    const snap = await collect(s);
    expect(snap.target).toEqual({ kind: 'vendor', address: s.url, adapter: 'unifi' });
    expect(snap.gateway.manufacturer).toBe('Ubiquiti');
    expect(snap.forwards.map(row)).toEqual(EXPECTED_ROWS);
    for (const f of snap.forwards)
      expect(f.provenance).toMatchObject({ adapter: 'unifi', transport: 'http' });

    const pacs = snap.forwards.find((f) => f.description === 'PACS')!;
    expect(pacs.provenance.raw).toMatchObject({
      site: 'default',
      siteDesc: 'Default',
      pfwd_interface: 'wan',
      destination_ip: 'any',
    });
    const viewer = snap.forwards.find((f) => f.description === 'Radiology viewer')!;
    expect(viewer.provenance.raw).toMatchObject({ pfwd_interface: 'wan2', destination_ip: '198.51.100.7' });
    // The old-format record without `enabled` is read as enabled, and provenance says it was assumed.
    const dicom = snap.forwards.find((f) => f.description === 'DICOM router')!;
    expect(dicom.provenance.raw).toMatchObject({ site: 'x7k2p9qa', siteDesc: 'Clinic annex' });
    expect(JSON.stringify(dicom.provenance.raw)).toMatch(/enabled field absent.*UNCONFIRMED/);
    expect(JSON.stringify(pacs.provenance.raw)).not.toMatch(/enabledAssumed/);
    expect(new Set(snap.forwards.map((f) => f.id)).size).toBe(snap.forwards.length);

    // UPnP on in one site → on for the box; per-site values in the coverage.
    expect(snap.upnp).toEqual({ enabled: true, mappingCount: null, igdVersion: null });
    expect(snap.dmz).toEqual({ enabled: false, host: null });
    expect(snap.remoteAdmin).toBeNull();
    expect(coverageMap(snap.coverage)).toEqual({
      'static-forwards': 'complete',
      'upnp-state': 'complete',
      'nat-pmp': 'complete',
      'upnp-mappings': 'not-visible',
      dmz: 'complete',
      'remote-admin': 'not-visible',
      'ipv6-pinholes': 'not-visible',
      'gateway-info': 'partial',
    });
    const upnpState = snap.coverage.find((c) => c.area === 'upnp-state')!;
    expect(upnpState.details?.perSite).toEqual({
      default: { enabled: true, natPmp: true, secureMode: true, wanInterface: 'wan' },
      x7k2p9qa: { enabled: false, natPmp: false, secureMode: true, wanInterface: null },
    });
    expect(snap.coverage.find((c) => c.area === 'nat-pmp')?.details).toEqual({ enabled: true });
    const mappings = snap.coverage.find((c) => c.area === 'upnp-mappings')!;
    expect(mappings.code).toBe('UNIFI_UPNP_MAPPINGS_NOT_EXPOSED');
    expect(mappings.reason).toMatch(/--upnp/);
    expect(snap.warnings).toEqual([]);
  });

  it('sends only allowlisted calls: GETs with the cookie, one login, one logout with the CSRF token', async () => {
    const s = await start();
    await collect(s);
    expectAllowlistedOnly(s);
    expect(s.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([
      '/api/auth/login',
      '/api/auth/logout',
    ]);
    const logout = s.requests.at(-1)!;
    expect(logout).toMatchObject({ path: '/api/auth/logout', authenticated: true, csrf: true });
    expect(s.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual([
      '/proxy/network/api/self/sites',
      '/proxy/network/api/s/default/rest/portforward',
      '/proxy/network/api/s/default/rest/setting',
      '/proxy/network/api/s/x7k2p9qa/rest/portforward',
      '/proxy/network/api/s/x7k2p9qa/rest/setting',
    ]);
  });

  it('reports UPnP off everywhere as off, with no mappings to list', async () => {
    const sites = defaultUnifiSites();
    for (const site of sites) {
      for (const st of site.settings) if (st.key === 'usg') Object.assign(st, { upnp_enabled: false });
    }
    const s = await start({ sites });
    const snap = await collect(s);
    expect(snap.upnp).toEqual({ enabled: false, mappingCount: 0, igdVersion: null });
    expect(snap.coverage.find((c) => c.area === 'upnp-mappings')).toMatchObject({
      status: 'complete',
      code: 'UNIFI_UPNP_OFF',
    });
  });
});

describe('unifi collect (legacy self-hosted controller)', () => {
  it('falls back to /api/login after a 404, reads unprefixed paths, same forwards', async () => {
    const s = await start({ mode: 'legacy' });
    const log: string[] = [];
    const snap = await collect(s, UNIFI_SIM_PASSWORD, log);
    expect(snap.forwards.map(row)).toEqual(EXPECTED_ROWS);
    expect(snap.upnp?.enabled).toBe(true);
    expect(snap.coverage.find((c) => c.area === 'gateway-info')?.details).toEqual({ mode: 'legacy' });
    expect(log.join('\n')).toMatch(/self-hosted UniFi Network controller/);
    expectAllowlistedOnly(s);
    expect(s.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([
      '/api/auth/login', // 404 here: not a UniFi OS console
      '/api/login',
      '/api/logout',
    ]);
    expect(s.requests.some((r) => r.path.startsWith('/proxy/network'))).toBe(false);
    expect(s.requests.filter((r) => r.method === 'GET').every((r) => r.authenticated)).toBe(true);
  });

  it('with options.mode legacy, skips the UniFi OS login', async () => {
    const s = await start({ mode: 'legacy' });
    const snap = await collectUnifi(
      {
        url: s.url,
        credentials: { username: UNIFI_SIM_USERNAME, password: UNIFI_SIM_PASSWORD },
        options: { mode: 'legacy' },
      },
      { timeoutMs: 3000 },
    );
    expect(snap.forwards).toHaveLength(EXPECTED_ROWS.length);
    expect(s.requests[0]).toMatchObject({ method: 'POST', path: '/api/login' });
  });
});

describe('unifi failures', () => {
  it('reports a wrong password as BOXAUDIT_AUTH_FAILED naming host and user, after one attempt', async () => {
    const s = await start();
    const err = await failure(collect(s, 'wrong-password'));
    expect(err.code).toBe('BOXAUDIT_AUTH_FAILED');
    expect(err.message).toContain(s.url);
    expect(err.message).toContain(`"${UNIFI_SIM_USERNAME}"`);
    expect(err.message).toMatch(/HTTP 401, AUTHENTICATION_FAILED_INVALID_CREDENTIALS/);
    expect(err.message).toMatch(/local admin account/);
    expect(err.message).not.toContain('wrong-password');
    expect(logins(s)).toBe(1);
    expect(s.requests.some((r) => r.method === 'GET')).toBe(false);
  });

  it('reports a refused legacy login (api.err.Invalid) as BOXAUDIT_AUTH_FAILED', async () => {
    const s = await start({ mode: 'legacy' });
    const err = await failure(collect(s, `${UNIFI_SIM_PASSWORD}x`));
    expect(err.code).toBe('BOXAUDIT_AUTH_FAILED');
    expect(err.message).toMatch(/HTTP 400, api\.err\.Invalid/);
    expect(err.message).not.toContain(UNIFI_SIM_PASSWORD);
  });

  it('refuses an API key alone (not supported) before sending anything', async () => {
    const s = await start();
    const err = await failure(collectUnifi({ url: s.url, credentials: { token: 'k'.repeat(32) } }));
    expect(err.code).toBe('BOXAUDIT_CONFIG_INVALID');
    expect(err.message).toMatch(/API keys .* not supported/);
    const noUser = await failure(collectUnifi({ url: s.url, credentials: { password: 'x' } }));
    expect(noUser.message).toMatch(/BOXAUDIT_USER/);
    expect(s.requests).toEqual([]);
  });

  it('says so when no UniFi login answers at this address', async () => {
    const s = await start({ mode: 'legacy' });
    const err = await failure(
      collectUnifi(
        {
          url: s.url,
          credentials: { username: UNIFI_SIM_USERNAME, password: UNIFI_SIM_PASSWORD },
          options: { mode: 'unifi-os' },
        },
        { timeoutMs: 3000 },
      ),
    );
    expect(err.code).toBe('BOXAUDIT_NOT_FOUND');
    expect(err.message).toMatch(/8443/);
  });

  it('keeps the other site when one site’s reply is malformed, naming the endpoint', async () => {
    const s = await start({ malformed: ['/api/s/x7k2p9qa/rest/portforward'] });
    const snap = await collect(s);
    expect(snap.forwards.map(row)).toEqual(EXPECTED_ROWS.slice(0, -1));
    const w = snap.warnings.find((x) => x.where === 'GET /proxy/network/api/s/x7k2p9qa/rest/portforward');
    expect(w?.message).toMatch(
      /^site "x7k2p9qa": \[unifi\] GET \/proxy\/network\/api\/s\/x7k2p9qa\/rest\/portforward: the reply is not valid JSON/,
    );
    expect(snap.coverage.find((c) => c.area === 'static-forwards')).toMatchObject({
      status: 'partial',
      code: 'UNIFI_SITE_READ_FAILED',
      details: { read: ['default'], failed: ['x7k2p9qa'] },
    });
    expect(snap.coverage.find((c) => c.area === 'static-forwards')?.reason).toMatch(
      /"x7k2p9qa" could not be read/,
    );
    expect(s.requests.at(-1)?.path).toBe('/api/auth/logout');
  });

  it('turns an rc:"error" reply into a warning with the endpoint and the controller’s msg', async () => {
    const s = await start({ rcErrors: { '/api/s/default/rest/setting': 'api.err.NoPermission' } });
    const snap = await collect(s);
    expect(snap.forwards).toHaveLength(EXPECTED_ROWS.length);
    const w = snap.warnings.find((x) => x.where === 'GET /proxy/network/api/s/default/rest/setting');
    expect(w?.code).toBe('UNIFI_CALL_FAILED');
    expect(w?.message).toMatch(/site "default".*rest\/setting.*api\.err\.NoPermission/);
    // The only site with UPnP on could not be read: UPnP is unknown, not "off".
    expect(snap.upnp?.enabled).toBeNull();
    expect(snap.coverage.find((c) => c.area === 'upnp-state')).toMatchObject({
      status: 'partial',
      details: { failed: ['default'] },
    });
    expect(snap.coverage.find((c) => c.area === 'upnp-mappings')?.status).toBe('not-visible');
  });

  it('reports every area as an error when the site list itself is broken, without throwing', async () => {
    const s = await start({ malformed: ['/api/self/sites'] });
    const snap = await collect(s);
    expect(snap.forwards).toEqual([]);
    expect(snap.coverage.find((c) => c.area === 'static-forwards')).toMatchObject({
      status: 'error',
      code: 'UNIFI_SITES_UNREAD',
    });
    expect(snap.coverage.find((c) => c.area === 'upnp-state')?.status).toBe('error');
    expect(snap.upnp?.enabled).toBeNull();
    expect(snap.warnings[0]?.message).toMatch(
      /GET \/proxy\/network\/api\/self\/sites: the reply is not valid JSON/,
    );
    expect(s.requests.at(-1)?.path).toBe('/api/auth/logout');
  });

  it('logs in again once when the session expires, then carries on', async () => {
    const s = await start({ expireReads: 1 });
    const snap = await collect(s);
    expect(snap.forwards).toHaveLength(EXPECTED_ROWS.length);
    expect(logins(s)).toBe(2);
  });

  it('fails clearly when the session expires again right after a re-login, and still logs out', async () => {
    const s = await start({ alwaysExpire: true });
    const err = await failure(collect(s));
    expect(err.code).toBe('BOXAUDIT_AUTH_FAILED');
    expect(err.message).toMatch(/expired again/);
    expect(logins(s)).toBe(2);
    expect(s.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/auth/logout' });
  });

  it(`audits at most ${UNIFI_MAX_SITES} sites, with a warning and partial coverage`, async () => {
    const sites = Array.from({ length: UNIFI_MAX_SITES + 3 }, (_, i) => ({
      name: `site${i}`,
      desc: `Site ${i}`,
      portforwards: [],
      settings: [{ key: 'usg', upnp_enabled: false }],
    }));
    const s = await start({ sites });
    const snap = await collect(s);
    expect(s.requests.filter((r) => r.path.endsWith('/rest/portforward'))).toHaveLength(UNIFI_MAX_SITES);
    expect(snap.warnings.map((w) => w.code)).toContain('UNIFI_SITES_TRUNCATED');
    expect(snap.coverage.find((c) => c.area === 'static-forwards')?.status).toBe('partial');
    // Off in every audited site, but 3 sites were not read: not "off".
    expect(snap.upnp?.enabled).toBeNull();
  });

  it('never lets the password, the session cookie, the CSRF token or a settings secret out', async () => {
    const s = await start({ malformed: ['/api/s/x7k2p9qa/rest/portforward'] });
    const log: string[] = [];
    const snap = await collect(s, UNIFI_SIM_PASSWORD, log);
    const legacy = await start({ mode: 'legacy', alwaysExpire: true });
    const errors = [
      await failure(collect(s, `${UNIFI_SIM_PASSWORD}x`)),
      await failure(collect(legacy)),
      await failure(collect(legacy, 'nope')),
    ];
    const text = [
      JSON.stringify(snap),
      ...log,
      ...errors.flatMap((e) => [e.message, JSON.stringify(e.details)]),
    ].join('\n');
    expect(text).not.toContain(UNIFI_SIM_PASSWORD);
    expect(text).not.toContain(JSON.stringify(UNIFI_SIM_PASSWORD).slice(1, -1));
    expect(text).not.toContain(UNIFI_SIM_DEVICE_SSH_PASSWORD);
    const secrets = [...s.issuedSecrets, ...legacy.issuedSecrets];
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});

describe('unifi parse functions', () => {
  const site = { name: 'default', desc: 'Default' };

  it('reads source restrictions: any, negation, IP/CIDR/range, firewall group, limiting off', () => {
    expect(unifiRemoteHost({ src: 'any' })).toBeNull();
    expect(unifiRemoteHost({})).toBeNull();
    expect(unifiRemoteHost({ src: '!203.0.113.9' })).toBeNull();
    expect(unifiRemoteHost({ src: '203.0.113.9' })).toBe('203.0.113.9');
    expect(unifiRemoteHost({ src: '203.0.113.10-203.0.113.20' })).toBe('203.0.113.10-203.0.113.20');
    expect(unifiRemoteHost({ src: '203.0.113.9', src_limiting_enabled: false })).toBeNull();
    expect(
      unifiRemoteHost({
        src_limiting_enabled: true,
        src_limiting_type: 'firewall_group',
        src_firewall_group_id: 'g1',
      }),
    ).toBe('firewall-group:g1');
  });

  it('pairs comma lists, shifts a single internal port over a range, and flags odd values', () => {
    const { forwards, warnings } = parseUnifiPortForwards(
      [
        { name: 'list', dst_port: '8080, 9000-9002', fwd_port: '80', fwd: '192.168.1.9', proto: 'tcp' },
        { name: 'odd', dst_port: 'http', fwd: '192.168.1.9', proto: 'sctp' },
        { name: 'bad enabled', dst_port: '25', fwd: '192.168.1.9', proto: 'udp', enabled: 'maybe' },
      ],
      site,
    );
    expect(forwards.map(row)).toEqual([
      ['static', 'tcp', '8080-8080', '192.168.1.9', '80-80', null, true, 'list', 0],
      ['static', 'tcp', '9000-9002', '192.168.1.9', '80-82', null, true, 'list', 0],
      ['static', 'tcp', null, '192.168.1.9', null, null, true, 'odd', 0],
      ['static', 'udp', null, '192.168.1.9', null, null, true, 'odd', 0],
      ['static', 'udp', '25-25', '192.168.1.9', '25-25', null, null, 'bad enabled', 0],
    ]);
    expect(warnings.map((w) => w.code).sort()).toEqual(['PROTOCOL_UNKNOWN', 'UNIFI_FORWARD_PORT']);
  });

  it('reads the usg settings entry, or null without one', () => {
    expect(
      parseUnifiUpnp([{ key: 'mgmt' }, { key: 'usg', upnp_enabled: false, upnp_secure_mode: true }]),
    ).toEqual({
      enabled: false,
      natPmp: null,
      secureMode: true,
      wanInterface: null,
    });
    expect(parseUnifiUpnp([{ key: 'mgmt' }])).toBeNull();
  });

  it('unwraps the envelope; LoginRequired is an expired session, other errors name the call and msg', () => {
    expect(unwrapUnifi({ meta: { rc: 'ok' }, data: [1] }, 'GET /x')).toEqual([1]);
    const expired = (() => {
      try {
        unwrapUnifi({ meta: { rc: 'error', msg: 'api.err.LoginRequired' }, data: [] }, 'GET /x');
      } catch (e) {
        return e as BoxauditError;
      }
    })();
    expect(expired?.code).toBe('BOXAUDIT_AUTH_FAILED');
    expect(() => unwrapUnifi({ meta: { rc: 'error', msg: 'api.err.NoSiteContext' } }, 'GET /y')).toThrow(
      /GET \/y: the controller answered an error \(api\.err\.NoSiteContext\)/,
    );
    expect(() => unwrapUnifi({ data: [] }, 'GET /z')).toThrow(/GET \/z: unexpected reply/);
  });

  it('maps site paths to the allowlist form; other endpoints and unsafe site names stay out', () => {
    const allowed = UNIFI_ALLOWLIST as readonly string[];
    expect(unifiCanonicalPath('/proxy/network/api/s/ab12/rest/portforward')).toBe(
      '/proxy/network/api/s/{site}/rest/portforward',
    );
    expect(allowed).toContain(`GET ${unifiCanonicalPath('/api/s/default/rest/setting')}`);
    expect(allowed).not.toContain(`GET ${unifiCanonicalPath('/api/s/default/rest/networkconf')}`);
    expect(allowed).not.toContain(`PUT ${unifiCanonicalPath('/api/s/default/rest/portforward')}`);
    // A site name that would change the URL path is never used.
    const { sites, warnings } = parseUnifiSites([
      { name: 'default', desc: 'Default' },
      { name: '..', desc: 'dots' },
      { name: 'a/b', desc: 'slash' },
      { desc: 'no name' },
    ]);
    expect(sites).toEqual([{ name: 'default', desc: 'Default' }]);
    expect(warnings.map((w) => w.code)).toEqual([
      'UNIFI_SITE_NAME_SKIPPED',
      'UNIFI_SITE_NAME_SKIPPED',
      'UNIFI_SITE_NAME_SKIPPED',
    ]);
  });

  it('detects UniFi consoles from their description, not other Ubiquiti or other boxes', async () => {
    const score = (manufacturer: string, model: string) =>
      detectScore(unifi.meta, { address: '192.168.1.1', manufacturer, model });
    expect(score('Ubiquiti Inc.', 'UniFi Dream Machine Pro')).toBeGreaterThan(0.8);
    expect(score('Ubiquiti Networks', 'UDR')).toBeGreaterThan(0.8);
    expect(score('Sagemcom', 'Livebox 6')).toBe(0);
    expect(unifi.meta.id).toBe('unifi');
    expect(credentialStrings(unifi.meta.credentials)).toEqual(['username', 'password']);
  });
});

// ---------------------------------------------------------------------------------------------
// Real material (../shared/vendor-captures/unifi, read in place): aiounifi's test fixtures (Python
// literals: the sites reply and a rest/portforward reply, the latter hand-adapted by its authors
// but in the real record format: ports as strings, `proto` "tcp_udp", `src` "any"). The Python
// literals are turned into JSON at test time; the values below were read off the file.
// ---------------------------------------------------------------------------------------------

const AIOUNIFI = () => readShared('vendor-captures', 'unifi', 'Kane610__aiounifi__tests__fixtures.py');

describeShared('vendor-captures/unifi', 'unifi on real replies (vendor-captures/unifi)', () => {
  it('unwraps the real sites and port-forward replies and reads the tcp_udp forward', () => {
    const source = AIOUNIFI();
    const { sites, warnings: siteWarnings } = parseUnifiSites(
      unwrapUnifi(pythonLiteral(source, 'SITE_RESPONSE'), 'api/self/sites'),
    );
    expect(sites).toEqual([{ name: 'default', desc: 'Default' }]);
    expect(siteWarnings).toEqual([]);
    const data = unwrapUnifi(pythonLiteral(source, 'PORT_FORWARDING'), 'rest/portforward');
    // Ports are strings in the real record.
    expect((data[0] as { dst_port: unknown }).dst_port).toBe('12345');
    const { forwards, warnings } = parseUnifiPortForwards(data, sites[0]!);
    expect(forwards.map(row)).toEqual([
      ['static', 'tcp', '12345-12345', '10.0.0.2', '23456-23456', null, true, 'New port forward', 0],
      ['static', 'udp', '12345-12345', '10.0.0.2', '23456-23456', null, true, 'New port forward', 0],
    ]);
    expect(warnings).toEqual([]);
  });

  it('serves the real replies through the simulator (UniFi OS paths)', async () => {
    const source = AIOUNIFI();
    const s = await start({
      replies: {
        '/api/self/sites': JSON.stringify(pythonLiteral(source, 'SITE_RESPONSE')),
        '/api/s/default/rest/portforward': JSON.stringify(pythonLiteral(source, 'PORT_FORWARDING')),
      },
    });
    const snap = await collect(s);
    expect(snap.forwards.map(row)).toEqual([
      ['static', 'tcp', '12345-12345', '10.0.0.2', '23456-23456', null, true, 'New port forward', 0],
      ['static', 'udp', '12345-12345', '10.0.0.2', '23456-23456', null, true, 'New port forward', 0],
    ]);
    expect(snap.forwards[0]?.provenance.raw).toMatchObject({ site: 'default', proto: 'tcp_udp', src: 'any' });
    expect(snap.coverage.find((c) => c.area === 'static-forwards')?.status).toBe('complete');
  });
});

describe('unifi protocol values it does not know', () => {
  it.each([[''], [undefined], ['all'], ['gre']])('keeps proto %j as tcp and udp', (proto) => {
    const { forwards, warnings } = parseUnifiPortForwards(
      [
        {
          name: 'x',
          dst_port: '8080',
          fwd: '192.168.1.9',
          fwd_port: '80',
          ...(proto === undefined ? {} : { proto }),
        },
      ],
      { name: 'default', desc: null },
    );
    expect(forwards.map((f) => f.protocol)).toEqual(['tcp', 'udp']);
    expect(warnings.map((w) => w.code)).toEqual(proto === 'all' ? [] : ['PROTOCOL_UNKNOWN']);
  });
});
