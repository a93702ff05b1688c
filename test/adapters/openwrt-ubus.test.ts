// OpenWrt ubus adapter against a LOOPBACK SIMULATOR (test/sim/vendors/openwrt-ubus.ts) built from the
// documented rpcd/uhttpd JSON-RPC formats — not a real router.
import { afterEach, describe, expect, it } from 'vitest';
import {
  OPENWRT_UBUS_ALLOWLIST,
  openwrtUbus,
  parseMiniupnpdLeases,
  parseOpenwrtFirewall,
  parseOpenwrtUpnpd,
} from '../../src/adapters/openwrt-ubus.js';
import { isBoxauditError } from '../../src/errors.js';
import {
  defaultOpenwrtConfigs,
  startOpenwrtUbusSimulator,
  type VendorSimulator,
} from '../sim/vendors/openwrt-ubus.js';

const PASSWORD = 'owrt-secret-pw';
const NOW = 1_700_000_000;
let sim: VendorSimulator | null = null;

afterEach(async () => {
  await sim?.close();
  sim = null;
});

function assertAllowlisted(s: VendorSimulator): void {
  for (const r of s.requests) expect(OPENWRT_UBUS_ALLOWLIST as readonly string[]).toContain(r.action);
}

function assertNoSecrets(value: unknown): void {
  const text = JSON.stringify(value);
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toMatch(/ubus_rpc_session|[0-9a-f]{32}/);
}

const collect = (url: string, extra: Record<string, unknown> = {}, password = PASSWORD) =>
  openwrtUbus.collect(
    { url, credentials: { username: 'root', password }, options: { now: NOW, ...extra } },
    { timeoutMs: 3000 },
  );

describe('openwrt-ubus parse functions', () => {
  it('reads redirects: defaults, lists, disabled, src_ip, DMZ, pinholes', () => {
    const fw = parseOpenwrtFirewall(defaultOpenwrtConfigs().firewall as never);
    const byName = (n: string) => fw.forwards.filter((f) => f.description === n);
    expect(byName('PACS')).toEqual([
      expect.objectContaining({
        source: 'static',
        protocol: 'tcp',
        externalPort: { start: 104, end: 104 },
        internalHost: '192.168.1.20',
        internalPort: { start: 104, end: 104 },
        remoteHost: null,
        enabled: true,
      }),
    ]);
    // proto ['tcp','udp'] → two forwards; dest_port defaults to src_dport.
    expect(byName('NAS').map((f) => [f.protocol, f.internalPort])).toEqual([
      ['tcp', { start: 445, end: 445 }],
      ['udp', { start: 445, end: 445 }],
    ]);
    expect(byName('RDP')[0]).toMatchObject({
      enabled: false,
      remoteHost: '203.0.113.5',
      externalPort: { start: 13389, end: 13389 },
      internalPort: { start: 3389, end: 3389 },
    });
    // No src_dport and no proto: every port, tcp and udp → DMZ (the same as the openwrt adapter).
    expect(byName('DMZ').map((f) => [f.source, f.protocol, f.externalPort])).toEqual([
      ['dmz', 'tcp', { start: 1, end: 65535 }],
      ['dmz', 'udp', { start: 1, end: 65535 }],
    ]);
    expect(fw.dmz).toEqual({ enabled: true, host: '192.168.1.50' });
    expect(byName('Allow-IPv6-Web')[0]).toMatchObject({
      source: 'pinhole6',
      internalHost: 'fd00::10',
      externalPort: { start: 443, end: 443 },
    });
    expect(fw.wanInputPorts).toEqual([{ port: '443', proto: 'tcp' }]);
  });

  it('shares the openwrt section logic: Technicolor userredirect/dmzredirect, stock ISAKMP, includes, redirects to the router', () => {
    let i = 0;
    const sec = (type: string, o: Record<string, string | string[]>) => [
      `cfg${i}`,
      { '.type': type, '.anonymous': true, '.index': i++, ...o },
    ];
    const fw = parseOpenwrtFirewall(
      Object.fromEntries([
        sec('zone', { name: 'lan', network: ['lan'], wan: '0' }),
        sec('zone', { name: 'wan', network: ['wan'], input: 'DROP', masq: '1', wan: '1' }),
        sec('rule', {
          name: 'Allow-ISAKMP',
          src: 'wan',
          dest: 'lan',
          dest_port: '500',
          proto: 'udp',
          target: 'ACCEPT',
        }),
        sec('redirectsgroup', { type: 'dmzredirect', enabled: '1' }),
        sec('dmzredirect', {
          src: 'wan',
          dest: 'lan',
          proto: '!icmp',
          target: 'DNAT',
          dest_ip: '192.168.1.50',
        }),
        sec('userredirect', {
          name: 'Cam',
          src: 'wan',
          src_dport: '8000:8010',
          dest_ip: '192.168.1.60',
          proto: ['tcp'],
        }),
        sec('redirect', { src: 'wan', src_dport: '8443', dest_port: '443', proto: 'tcp' }),
        sec('include', { path: '/etc/firewall.user' }),
      ]) as never,
    );
    expect(
      fw.forwards.map((f) => [
        f.source,
        f.protocol,
        f.externalPort?.start,
        f.externalPort?.end,
        f.internalHost,
      ]),
    ).toEqual([
      ['pinhole6', 'udp', 500, 500, '::/0'],
      ['dmz', 'tcp', 1, 65535, '192.168.1.50'],
      ['dmz', 'udp', 1, 65535, '192.168.1.50'],
      ['static', 'tcp', 8000, 8010, '192.168.1.60'],
      ['static', 'tcp', 8443, 8443, null],
    ]);
    expect(fw.forwards[0]?.provenance).toMatchObject({ adapter: 'openwrt-ubus', transport: 'ubus' });
    expect(fw.dmz).toEqual({ enabled: true, host: '192.168.1.50' });
    expect(fw.routerServices).toEqual([
      { service: 'port-forward', port: 443, wan: true, restrictedTo: null },
    ]);
    expect(fw.coverage.filter((c) => c.area === 'static-forwards')).toEqual([
      expect.objectContaining({ status: 'partial', code: 'OPENWRT_INCLUDE_SCRIPTS' }),
    ]);
    expect(fw.skipped.map((w) => w.code)).toEqual(
      expect.arrayContaining(['OPENWRT_PINHOLE_ALL_HOSTS', 'OPENWRT_REDIRECT_TO_ROUTER']),
    );
  });

  it('reads upnpd enabled / enable_upnp / enable_natpmp', () => {
    expect(
      parseOpenwrtUpnpd({ config: { '.type': 'upnpd', enabled: '1', enable_upnp: '0', enable_natpmp: '0' } }),
    ).toMatchObject({ enabled: false });
    // The service runs with NAT-PMP only (a real Dynalink DL-WRX36 default): LAN programs can still open ports.
    expect(
      parseOpenwrtUpnpd({ config: { '.type': 'upnpd', enabled: '1', enable_upnp: '0', enable_natpmp: '1' } }),
    ).toMatchObject({ enabled: true });
    // The service switch off wins over the protocol switches.
    expect(parseOpenwrtUpnpd({ config: { '.type': 'upnpd', enabled: '0', enable_upnp: '1' } })).toMatchObject(
      {
        enabled: false,
      },
    );
    expect(parseOpenwrtUpnpd({ config: { '.type': 'upnpd', enable_upnp: '1' } })).toMatchObject({
      enabled: true,
    });
    expect(parseOpenwrtUpnpd({ config: { '.type': 'upnpd' } })).toMatchObject({ enabled: null });
  });

  it('reads miniupnpd lease lines, descriptions with colons, bad lines counted', () => {
    const r = parseMiniupnpdLeases(
      'UDP:51413:192.168.1.41:51413:1700003600:Transmission\nTCP:8080:192.168.1.42:80:0:Cam: web\ngarbage\n',
      NOW,
    );
    expect(r.badLines).toBe(1);
    expect(r.forwards[0]).toMatchObject({
      source: 'upnp',
      protocol: 'udp',
      leaseSeconds: 3600,
      description: 'Transmission',
    });
    expect(r.forwards[1]).toMatchObject({
      protocol: 'tcp',
      leaseSeconds: 0,
      description: 'Cam: web',
      internalPort: { start: 80, end: 80 },
    });
  });
});

describe('openwrt-ubus collect (loopback simulator)', () => {
  it('builds the snapshot field by field', async () => {
    sim = await startOpenwrtUbusSimulator({ password: PASSWORD });
    const snap = await collect(sim.url);
    expect(snap.target).toEqual({ kind: 'vendor', address: sim.url, adapter: 'openwrt-ubus' });
    const pacs = snap.forwards.find((f) => f.description === 'PACS')!;
    expect(pacs).toMatchObject({
      source: 'static',
      protocol: 'tcp',
      externalPort: { start: 104, end: 104 },
      internalHost: '192.168.1.20',
      enabled: true,
      provenance: { adapter: 'openwrt-ubus', transport: 'ubus' },
    });
    expect(snap.forwards.filter((f) => f.externalPort?.start === 445)).toHaveLength(2);
    expect(snap.dmz).toEqual({ enabled: true, host: '192.168.1.50' });
    const upnp = snap.forwards.filter((f) => f.source === 'upnp');
    expect(upnp.map((f) => [f.protocol, f.externalPort?.start, f.internalHost, f.leaseSeconds])).toEqual([
      ['udp', 51413, '192.168.1.41', 3600],
      ['tcp', 8080, '192.168.1.42', 0],
    ]);
    expect(snap.upnp).toEqual({ enabled: true, mappingCount: 2, igdVersion: null });
    expect(snap.remoteAdmin?.services).toEqual([
      { service: 'http', port: 80, wan: false, restrictedTo: null },
      { service: 'https', port: 443, wan: true, restrictedTo: null },
      { service: 'ssh', port: 22, wan: false, restrictedTo: 'interface lan' },
    ]);
    expect(snap.remoteAdmin?.enabled).toBe(true);
    expect(snap.coverage.find((c) => c.area === 'upnp-mappings')).toMatchObject({ status: 'complete' });
    expect(snap.warnings).toEqual([]);
    assertAllowlisted(sim);
    assertNoSecrets(snap);
    // logged out at the end
    expect(sim.requests.at(-1)?.action).toBe('ubus session destroy');
  });

  it('reads network.lan: LAN prefix, and a forward to the router itself is remote administration', async () => {
    const configs = defaultOpenwrtConfigs();
    configs.firewall!.router_https = {
      '.type': 'redirect',
      '.name': 'router_https',
      '.index': 99,
      name: 'Router GUI',
      src: 'wan',
      src_dport: '8443',
      dest_ip: '192.168.1.1',
      dest_port: '443',
      proto: 'tcp',
    };
    configs.network = {
      lan: {
        '.type': 'interface',
        '.name': 'lan',
        proto: 'static',
        ipaddr: '192.168.1.1',
        netmask: '255.255.255.0',
      },
    };
    sim = await startOpenwrtUbusSimulator({ configs });
    const snap = await collect(sim.url);
    expect(snap.lanPrefixes).toEqual(['192.168.1.0/24']);
    expect(snap.remoteAdmin?.services).toContainEqual({
      service: 'port-forward',
      port: 443,
      wan: true,
      restrictedTo: null,
    });
    expect(sim.requests.map((r) => r.action)).toContain('ubus uci get network');
    expect(snap.warnings).toEqual([]);
    assertAllowlisted(sim);
  });

  it('falls back to the lease file when luci.upnp is missing', async () => {
    sim = await startOpenwrtUbusSimulator({ noLuciUpnp: true });
    const snap = await collect(sim.url);
    expect(snap.forwards.filter((f) => f.source === 'upnp')).toHaveLength(2);
    expect(sim.requests.map((r) => r.action)).toContain('ubus file read /var/run/miniupnpd.leases');
    expect(snap.warnings).toEqual([]);
    assertAllowlisted(sim);
  });

  it('wrong password → BOXAUDIT_AUTH_FAILED, no secret in the error', async () => {
    sim = await startOpenwrtUbusSimulator();
    const error = await collect(sim.url, {}, 'bad-guess-77').catch((e: unknown) => e);
    expect(isBoxauditError(error, 'BOXAUDIT_AUTH_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(
      /^\[openwrt-ubus\] POST http:\/\/127\.0\.0\.1:\d+\/ubus ubus session login: login refused/,
    );
    expect((error as Error).message).not.toContain('bad-guess-77');
    expect(sim.requests).toHaveLength(1);
  });

  it('an expired session is renewed once', async () => {
    sim = await startOpenwrtUbusSimulator({ sessionCalls: 4 });
    const snap = await collect(sim.url);
    expect(snap.forwards.length).toBeGreaterThan(5);
    expect(sim.requests.filter((r) => r.action === 'ubus session login').length).toBeGreaterThanOrEqual(2);
  });

  it('ACL denial (ubus status 6) names the ACL; other reads are kept', async () => {
    sim = await startOpenwrtUbusSimulator({ deniedConfigs: ['firewall'] });
    const snap = await collect(sim.url);
    const w = snap.warnings.find((x) => x.code === 'UBUS_ACL_DENIED')!;
    expect(w.message).toContain('rpcd ACL of user "root" does not allow uci get on "firewall"');
    expect(w.message).toContain('/usr/share/rpcd/acl.d/');
    expect(snap.coverage.find((c) => c.area === 'static-forwards')).toMatchObject({
      status: 'error',
      code: 'UBUS_ACL_DENIED',
    });
    expect(snap.dmz).toBeNull();
    expect(snap.upnp?.enabled).toBe(true);
    expect(snap.forwards.filter((f) => f.source === 'upnp')).toHaveLength(2);
  });

  it('malformed reply → clear warning, partial results kept', async () => {
    sim = await startOpenwrtUbusSimulator({ malformed: ['ubus uci get upnpd'] });
    const snap = await collect(sim.url);
    const w = snap.warnings.find((x) => x.where === 'ubus uci get upnpd')!;
    expect(w.message).toMatch(/^\[openwrt-ubus\] POST .*\/ubus ubus uci get upnpd: reply is not JSON/);
    expect(snap.upnp?.enabled).toBeNull();
    expect(snap.forwards.find((f) => f.description === 'PACS')).toBeDefined();
  });

  it('no upnpd config → UPnP off, no lease read', async () => {
    sim = await startOpenwrtUbusSimulator({ noUpnpd: true });
    const snap = await collect(sim.url);
    expect(snap.upnp).toEqual({ enabled: false, mappingCount: 0, igdVersion: null });
    expect(sim.requests.map((r) => r.action)).not.toContain('ubus luci.upnp get_status');
  });
});
