// MikroTik RouterOS REST adapter (on the HTTP skeleton; the shared checks are in http-conformance.test.ts) against a LOOPBACK SIMULATOR (test/sim/vendors/routeros-rest.ts) built
// from the documented RouterOS 7 REST format (help.mikrotik.com "REST API", vendor-apis.md §7.1) —
// not a real router — and, at the end, the same simulator serving the real RouterOS 7 replies of
// shared/vendor-captures/mikrotik (read at test time; required under CI=true, skipped when absent).
// Nothing leaves 127.0.0.1.
import { afterEach, describe, expect, it } from 'vitest';
import { detectScore } from '../../src/adapters/evidence.js';
import {
  collectRouterosRest,
  parseRouterosUptime,
  ROUTEROS_REST_ALLOWLIST,
  restRowToItem,
  routerosRestAdapter,
} from '../../src/adapters/routeros-rest.js';
import type { Snapshot } from '../../src/model/types.js';
import { describeShared, readShared } from '../shared-corpus.js';
import {
  ROUTEROS_REST_SIM_PASSWORD as PASSWORD,
  type RouterosRestSimOptions,
  type RouterosRestSimulator,
  startRouterosRestSimulator,
  ROUTEROS_REST_SIM_USER as USER,
} from '../sim/vendors/routeros-rest.js';
import { selfSignedCertificate } from '../tls-certificates.js';
import { failure } from './helpers.js';

const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
let sim: RouterosRestSimulator | null = null;

afterEach(async () => {
  await sim?.close();
  sim = null;
});

async function start(options: RouterosRestSimOptions = {}): Promise<RouterosRestSimulator> {
  sim = await startRouterosRestSimulator(options);
  return sim;
}

const collect = (url: string, password = PASSWORD, options: Record<string, unknown> = {}) =>
  routerosRestAdapter.collect(
    { url, credentials: { username: USER, password }, options },
    { timeoutMs: 3000 },
  );

function assertNoSecrets(value: unknown): void {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(BASIC);
}

function assertOnlyAllowlisted(s: RouterosRestSimulator): void {
  expect(s.requests.length).toBeGreaterThan(0);
  for (const r of s.requests) {
    expect(r.method).toBe('GET');
    expect(r.path).not.toContain('?');
    expect(ROUTEROS_REST_ALLOWLIST).toContain(`GET ${r.path}`);
  }
}

const byDescription = (s: Snapshot, d: string) => s.forwards.filter((f) => f.description === d);
const coverage = (s: Snapshot, area: string) => s.coverage.find((c) => c.area === area);

describe('routeros-rest against the simulator', () => {
  it('reads forwards field by field: static PACS, disabled SMB, dynamic UPnP; masquerade ignored', async () => {
    const s = await start();
    const snap = await collect(s.url);
    expect(snap.target).toEqual({ kind: 'vendor', address: s.url, adapter: 'routeros-rest' });
    expect(snap.forwards).toHaveLength(3);
    const [pacs] = byDescription(snap, 'PACS');
    expect(pacs).toMatchObject({
      source: 'static',
      protocol: 'tcp',
      externalPort: { start: 104, end: 104 },
      internalHost: '192.168.88.20',
      internalPort: { start: 104, end: 104 },
      remoteHost: null,
      enabled: true,
      leaseSeconds: 0,
      provenance: { adapter: 'routeros-rest', transport: 'http' },
    });
    const [smb] = byDescription(snap, 'NAS SMB');
    expect(smb).toMatchObject({
      source: 'static',
      protocol: 'tcp',
      externalPort: { start: 445, end: 445 },
      internalHost: '192.168.88.30',
      internalPort: { start: 445, end: 445 }, // no to-ports: same port
      enabled: false,
    });
    const [upnp] = byDescription(snap, 'upnp 192.168.88.50: Console');
    expect(upnp).toMatchObject({
      source: 'upnp',
      protocol: 'udp',
      externalPort: { start: 3478, end: 3478 },
      internalHost: '192.168.88.50',
      internalPort: { start: 3478, end: 3478 },
      enabled: true,
      leaseSeconds: null,
    });
    // The srcnat masquerade is not a forward, and nothing else leaked in.
    expect(snap.forwards.some((f) => /masquerade/.test(f.description ?? ''))).toBe(false);
    expect(snap.forwards.map((f) => f.source).sort()).toEqual(['static', 'static', 'upnp']);
    expect(new Set(snap.forwards.map((f) => f.id)).size).toBe(3);
    expect(snap.dmz).toEqual({ enabled: false, host: null });
  });

  it('reads UPnP state, remote admin against the input chain, LAN prefix and board facts', async () => {
    const s = await start();
    const snap = await collect(s.url);
    expect(snap.upnp).toEqual({ enabled: true, mappingCount: 1, igdVersion: null });
    expect(coverage(snap, 'upnp-state')).toMatchObject({
      status: 'complete',
      details: { externalInterfaces: ['ether1'] },
    });
    // telnet/ftp/api/api-ssl disabled → absent; www limited to the LAN; www-ssl accepted from the WAN
    // by an input rule; ssh and winbox fall to "drop all not coming from LAN".
    expect(snap.remoteAdmin).toEqual({
      enabled: true,
      services: [
        { service: 'www', port: 80, wan: false, restrictedTo: '192.168.88.0/24' },
        { service: 'ssh', port: 22, wan: false, restrictedTo: null },
        { service: 'www-ssl', port: 443, wan: true, restrictedTo: null },
        { service: 'winbox', port: 8291, wan: false, restrictedTo: null },
      ],
    });
    expect(coverage(snap, 'remote-admin')).toMatchObject({
      status: 'complete',
      details: { inputFilterRead: true },
    });
    expect(snap.lanPrefixes).toEqual(['192.168.88.0/24']);
    expect(snap.gateway).toMatchObject({
      manufacturer: 'MikroTik',
      model: 'RB5009UG+S+',
      server: 'RouterOS 7.16 (stable)',
      uptimeSeconds: 2 * 86400 + 3 * 3600 + 4 * 60 + 5,
      externalIp: '203.0.113.7',
      doubleNat: false,
    });
    for (const area of ['static-forwards', 'dmz', 'upnp-mappings'])
      expect(coverage(snap, area)?.status).toBe('complete');
    expect(coverage(snap, 'ipv6-pinholes')?.status).toBe('not-visible');
    expect(snap.warnings).toEqual([]);
  });

  it('requests only allowlisted GETs, always authenticated, and no secret reaches the snapshot', async () => {
    const s = await start();
    const snap = await collect(s.url);
    assertOnlyAllowlisted(s);
    expect(s.requests.every((r) => r.authenticated)).toBe(true);
    expect(s.requests.map((r) => r.path)).not.toContain('/rest/system/identity');
    expect(new Set(s.requests.map((r) => r.path)).size).toBe(s.requests.length); // each read once
    assertNoSecrets(snap);
    expect(routerosRestAdapter.meta).toMatchObject({
      id: 'routeros-rest',
      transports: ['http', 'https'],
      credentials: [{ anyOf: ['username'] }, { anyOf: ['password'] }],
    });
    expect(routerosRestAdapter.meta.allowlist.every((c) => /^GET \/rest\/[a-z/-]+$/.test(c))).toBe(true);
  });

  it('a whole-host dst-nat (no dst-port, no protocol) is the DMZ', async () => {
    const s = await start({
      data: {
        nat: [
          {
            '.id': '*3',
            chain: 'dstnat',
            action: 'dst-nat',
            'in-interface-list': 'WAN',
            'to-addresses': '192.168.88.99',
            comment: 'exposed host',
            disabled: 'false',
            dynamic: 'false',
          },
        ],
      },
    });
    const snap = await collect(s.url);
    expect(snap.dmz).toEqual({ enabled: true, host: '192.168.88.99' });
    expect(snap.forwards.map((f) => [f.source, f.protocol, f.externalPort, f.internalHost])).toEqual([
      ['dmz', 'tcp', { start: 1, end: 65535 }, '192.168.88.99'],
      ['dmz', 'udp', { start: 1, end: 65535 }, '192.168.88.99'],
    ]);
  });

  it('wrong password → BOXAUDIT_AUTH_FAILED naming host and user, without the password, no retry', async () => {
    const s = await start();
    const wrong = 'wr0ng-Passw0rd';
    const error = await failure(collect(s.url, wrong));
    expect(error.code).toBe('BOXAUDIT_AUTH_FAILED');
    expect(error.message).toContain(`127.0.0.1:${s.port}`);
    expect(error.message).toContain(`"${USER}"`);
    expect(error.message).toContain('GET /rest/ip/firewall/nat');
    expect(error.message).not.toContain(wrong);
    expect(error.message).not.toContain(Buffer.from(`${USER}:${wrong}`).toString('base64'));
    assertNoSecrets(error.message);
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]?.authenticated).toBe(false);
  });

  it('a malformed NAT reply → BOXAUDIT_PROTOCOL_ERROR naming the endpoint', async () => {
    const s = await start({ malformed: ['/rest/ip/firewall/nat'] });
    const error = await failure(collect(s.url));
    expect(error.code).toBe('BOXAUDIT_PROTOCOL_ERROR');
    expect(error.message).toContain('GET /rest/ip/firewall/nat');
    expect(error.message).toContain('not valid JSON');
    assertNoSecrets(error.message);
  });

  it('a NAT reply that is not an array → BOXAUDIT_PROTOCOL_ERROR naming the endpoint', async () => {
    const s = await start({ data: { nat: { chain: 'dstnat' } as never } });
    const error = await failure(collect(s.url));
    expect(error.code).toBe('BOXAUDIT_PROTOCOL_ERROR');
    expect(error.message).toContain('GET /rest/ip/firewall/nat');
    expect(error.message).toContain('expected a JSON array');
  });

  it('no REST API (NAT 404) → BOXAUDIT_NOT_FOUND with the version hint', async () => {
    const s = await start({ missing: ['/rest/ip/firewall/nat'] });
    const error = await failure(collect(s.url));
    expect(error.code).toBe('BOXAUDIT_NOT_FOUND');
    expect(error.message).toContain('HTTP 404 (Not Found: no such command or directory)');
    expect(error.message).toContain('--vendor routeros');
  });

  it('/ip/upnp failing (500) → warning + upnp-state not visible, the rest kept', async () => {
    const s = await start({ failing: ['/rest/ip/upnp'] });
    const snap = await collect(s.url);
    expect(snap.warnings).toEqual([
      expect.objectContaining({ code: 'ROUTEROS_REST_READ_FAILED', where: 'GET /rest/ip/upnp' }),
    ]);
    expect(snap.warnings[0]?.message).toContain('HTTP 500 (Internal Server Error: simulated failure)');
    expect(coverage(snap, 'upnp-state')).toMatchObject({
      status: 'not-visible',
      code: 'ROUTEROS_REST_UPNP_UNREAD',
    });
    // The dynamic rule still shows a mapping; UPnP is then known to be on.
    expect(snap.upnp).toEqual({ enabled: true, mappingCount: 1, igdVersion: null });
    expect(snap.forwards).toHaveLength(3);
    expect(snap.remoteAdmin?.services).toHaveLength(4);
    expect(s.requests.map((r) => r.path)).not.toContain('/rest/ip/upnp/interfaces');
    assertOnlyAllowlisted(s);
  });

  it('a 403 on one listing after the first (the group lacks that policy) is BOXAUDIT_BOX_REFUSED: a warning, the rest kept', async () => {
    const s = await start({ forbidden: ['/rest/system/resource'] });
    const snap = await collect(s.url);
    expect(snap.warnings).toEqual([
      expect.objectContaining({ code: 'ROUTEROS_REST_READ_FAILED', where: 'GET /rest/system/resource' }),
    ]);
    expect(snap.warnings[0]?.message).toContain('HTTP 403');
    expect(coverage(snap, 'gateway-info')?.status).toBe('partial');
    expect(snap.forwards).toHaveLength(3);
  });

  it('the NAT listing is essential: any failure of it (here HTTP 500) stops the run', async () => {
    const s = await start({ failing: ['/rest/ip/firewall/nat'] });
    const error = await failure(collect(s.url));
    expect(error.code).toBe('BOXAUDIT_HTTP_STATUS');
    expect(error.message).toContain('GET /rest/ip/firewall/nat');
    expect(s.requests).toHaveLength(1);
  });

  it('/ip/service malformed → warning naming it + remote-admin not visible, forwards kept', async () => {
    const s = await start({ malformed: ['/rest/ip/service'] });
    const snap = await collect(s.url);
    expect(snap.warnings).toHaveLength(1);
    expect(snap.warnings[0]).toMatchObject({
      code: 'ROUTEROS_REST_READ_FAILED',
      where: 'GET /rest/ip/service',
    });
    expect(snap.warnings[0]?.message).toContain('not valid JSON');
    expect(snap.remoteAdmin).toBeNull();
    expect(coverage(snap, 'remote-admin')).toMatchObject({
      status: 'not-visible',
      code: 'ROUTEROS_REST_SERVICES_UNREAD',
    });
    expect(snap.forwards).toHaveLength(3);
    assertNoSecrets(snap);
  });

  it('input filter unreadable → WAN reachability unknown (never "safe"), coverage partial', async () => {
    const s = await start({ failing: ['/rest/ip/firewall/filter'] });
    const snap = await collect(s.url);
    expect(snap.remoteAdmin?.enabled).toBeNull();
    expect(snap.remoteAdmin?.services.map((x) => [x.service, x.wan])).toEqual([
      ['www', false], // restricted to a private prefix: not the WAN whatever the filter says
      ['ssh', null],
      ['www-ssl', null],
      ['winbox', null],
    ]);
    expect(coverage(snap, 'remote-admin')).toMatchObject({
      status: 'partial',
      details: { inputFilterRead: false },
    });
    expect(snap.warnings.map((w) => w.where)).toEqual(['GET /rest/ip/firewall/filter']);
  });

  it('UPnP off: interfaces not read; no mapping', async () => {
    const s = await start({
      data: { upnp: { enabled: 'false' }, nat: [] },
    });
    const snap = await collect(s.url);
    expect(snap.upnp).toEqual({ enabled: false, mappingCount: 0, igdVersion: null });
    expect(snap.forwards).toEqual([]);
    expect(s.requests.map((r) => r.path)).not.toContain('/rest/ip/upnp/interfaces');
  });

  it('needs a host or URL and a password (config errors before any request)', async () => {
    const none = await failure(collectRouterosRest({ credentials: { password: 'x' } }));
    expect(none.code).toBe('BOXAUDIT_CONFIG_INVALID');
    const s = await start();
    const nopw = await failure(collectRouterosRest({ url: s.url, credentials: { username: USER } }));
    expect(nopw.code).toBe('BOXAUDIT_CONFIG_INVALID');
    expect(nopw.message).toContain('BOXAUDIT_PASSWORD');
    expect(s.requests).toEqual([]);
  });

  it('https by default on host+port; a self-signed certificate is refused unless pinned or given as tlsCa', async () => {
    const { key, cert, fingerprint256: fingerprint } = selfSignedCertificate('router.lan');
    const s = await start({ tls: { key, cert } });
    const target = (options: Record<string, unknown>) => ({
      host: '127.0.0.1',
      port: s.port,
      credentials: { username: USER, password: PASSWORD },
      options,
    });
    const refused = await failure(collectRouterosRest(target({})));
    expect(refused.code).toBe('BOXAUDIT_NETWORK');
    expect(refused.message).toContain(`https://127.0.0.1:${s.port}`);
    expect(refused.message).toContain(`--tls-fingerprint ${fingerprint}`);
    assertNoSecrets(refused.message);
    const wrongPin = await failure(collectRouterosRest(target({ tlsFingerprint: 'ab'.repeat(32) })));
    expect(wrongPin.code).toBe('BOXAUDIT_NETWORK');
    expect(wrongPin.message).toContain(fingerprint);
    expect(s.requests).toEqual([]); // nothing was sent before a certificate was accepted
    const pinned = await collectRouterosRest(target({ tlsFingerprint: fingerprint }));
    expect(pinned.forwards).toHaveLength(3);
    const snap = await collectRouterosRest(target({ tlsCa: cert, tlsServername: 'router.lan' }));
    expect(snap.target.address).toBe(`https://127.0.0.1:${s.port}`);
    expect(snap.forwards[0]?.provenance.transport).toBe('https');
    expect(snap.forwards).toHaveLength(3);
    expect(s.requests.every((r) => r.authenticated)).toBe(true);
  });
});

describe('routeros-rest helpers', () => {
  it('turns a REST row into a print-like item: counters and bookkeeping dropped, flags from strings', () => {
    const item = restRowToItem(
      {
        '.id': '*9',
        chain: 'dstnat',
        'dst-port': '3478',
        disabled: 'true',
        dynamic: 'true',
        invalid: 'false',
        bytes: '10',
        packets: '1',
        'log-prefix': '',
      },
      '/ip firewall nat',
      '/rest/ip/firewall/nat',
      0,
    );
    expect(item).toEqual({
      path: '/ip firewall nat',
      command: 'print',
      name: null,
      props: { chain: 'dstnat', 'dst-port': '3478', disabled: 'true' },
      flags: 'XD',
      line: 1,
      ref: 'GET /rest/ip/firewall/nat .id *9',
    });
  });

  it('parses RouterOS uptimes', () => {
    expect(parseRouterosUptime('1w2d3h4m5s')).toBe(604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
    expect(parseRouterosUptime('45s')).toBe(45);
    expect(parseRouterosUptime('3d04:05:06')).toBe(3 * 86400 + 4 * 3600 + 5 * 60 + 6);
    expect(parseRouterosUptime('soon')).toBeNull();
    expect(parseRouterosUptime('')).toBeNull();
  });

  it('detect scores MikroTik descriptions, not other vendors', () => {
    const mikrotik = detectScore(routerosRestAdapter.meta, {
      address: '192.168.88.1',
      manufacturer: 'MikroTik',
      model: 'Router OS',
    });
    const fritz = detectScore(routerosRestAdapter.meta, {
      address: '192.168.178.1',
      manufacturer: 'AVM',
      model: 'FRITZ!Box 7590',
    });
    expect(mikrotik).toBeGreaterThan(0.5);
    expect(fritz).toBe(0);
  });
});

// Real RouterOS 7 REST replies (shared/vendor-captures/mikrotik: replies pasted as a comment at the top
// of the terraform-provider-routeros sources, MPL-2.0, read at test time and never copied here).
const capture = (name: string) =>
  `terraform-routeros__terraform-provider-routeros__routeros__resource_${name}.go`;

/** The JSON reply in the leading comment of a capture: one object, or objects separated by commas. */
function capturedRows(name: string): Record<string, string>[] {
  const text = readShared('vendor-captures', 'mikrotik', capture(name));
  const start = text.indexOf('/*');
  const end = text.indexOf('*/', start);
  const body = text
    .slice(start + 2, end)
    .trim()
    .replace(/,\s*$/, '');
  const value = JSON.parse(body.startsWith('[') ? body : `[${body}]`) as unknown;
  return value as Record<string, string>[];
}

describeShared('vendor-captures/mikrotik', 'routeros-rest on real RouterOS 7 replies', () => {
  it('a real srcnat masquerade row (every value a string, empty log-prefix) is no forward and names a WAN interface', async () => {
    const [masquerade] = capturedRows('ip_firewall_nat');
    expect(masquerade).toMatchObject({ chain: 'srcnat', action: 'masquerade', disabled: 'false' });
    const forward = {
      '.id': '*7',
      chain: 'dstnat',
      action: 'dst-nat',
      protocol: 'tcp',
      'dst-port': '8443',
      // The captured masquerade goes out through this interface: the WAN side, so this is an Internet forward.
      'in-interface': masquerade!['out-interface']!,
      'to-addresses': '192.168.88.40',
      disabled: 'false',
      dynamic: 'false',
      invalid: 'false',
    };
    const s = await start({ data: { nat: [masquerade!, forward] } });
    const snap = await collect(s.url);
    expect(
      snap.forwards.map((f) => [f.source, f.protocol, f.externalPort, f.internalHost, f.enabled]),
    ).toEqual([['static', 'tcp', { start: 8443, end: 8443 }, '192.168.88.40', true]]);
    expect(snap.warnings.map((w) => w.code)).toEqual([]);
    expect(coverage(snap, 'static-forwards')?.status).toBe('complete');
  });

  it('real /ip/service rows (port as a string, empty address, vrf, certificate) go through the input chain', async () => {
    const services = capturedRows('ip_service');
    expect(services.map((r) => [r.name, r.port, r.disabled])).toEqual([
      ['telnet', '23', 'false'],
      ['www-ssl', '443', 'false'],
    ]);
    const s = await start({ data: { services } });
    const snap = await collect(s.url);
    // The simulator's input chain: www-ssl accepted from the WAN list, everything else not from the LAN dropped.
    expect(snap.remoteAdmin).toEqual({
      enabled: true,
      services: [
        { service: 'telnet', port: 23, wan: false, restrictedTo: null },
        { service: 'www-ssl', port: 443, wan: true, restrictedTo: null },
      ],
    });
    expect(coverage(snap, 'remote-admin')?.status).toBe('complete');
  });
});
