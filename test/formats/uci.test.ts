import { describe, expect, it } from 'vitest';
import { isBoxauditError } from '../../src/errors.js';
import { parseOpenwrt, parseUci } from '../../src/formats/uci.js';
import { coverageMap, fixture, row } from '../adapters/helpers.js';

const now = new Date(1_700_000_000_000);

describe('openwrt: uci show output (firewall, upnpd, uhttpd, dropbear, network.lan) + lease lines', () => {
  const parts = parseOpenwrt(fixture('openwrt/uci-show.txt'), { now, transport: 'ssh' });

  it('reads redirects: defaults, lists, "tcp udp", disabled, remapped ports, ranges, src_ip; pinholes; leases', () => {
    expect(parts.forwards.map(row)).toEqual([
      ['pinhole6', 'tcp', '445-445', '2001:db8::30', '445-445', null, true, 'NAS-IPv6', 0],
      ['static', 'tcp', '104-104', '192.168.1.20', '104-104', null, true, 'PACS', 0],
      ['static', 'tcp', '445-445', '192.168.1.30', '445-445', null, false, 'NAS', 0],
      ['static', 'udp', '445-445', '192.168.1.30', '445-445', null, false, 'NAS', 0],
      ['static', 'tcp', '33389-33389', '192.168.1.40', '3389-3389', '203.0.113.7', true, 'Remote desktop', 0],
      ['static', 'udp', '33389-33389', '192.168.1.40', '3389-3389', '203.0.113.7', true, 'Remote desktop', 0],
      ['static', 'tcp', '8000-8010', '192.168.1.50', '8000-8010', null, true, 'Cameras', 0],
      ['static', 'udp', '8000-8010', '192.168.1.50', '8000-8010', null, true, 'Cameras', 0],
      ['upnp', 'tcp', '11112-11112', '192.168.1.20', '11112-11112', null, true, 'DICOM SCP', 0],
      ['upnp', 'udp', '3478-3478', '192.168.1.60', '3478-3478', null, true, 'Game: console', 3600],
    ]);
    expect(parts.forwards[1]?.provenance).toMatchObject({ adapter: 'openwrt', transport: 'ssh' });
  });

  it('skips a LAN-side redirect with a warning, never silently', () => {
    expect(parts.warnings).toContainEqual({
      code: 'OPENWRT_REDIRECT_NOT_WAN',
      message: 'redirect from zone "lan" is not a WAN exposure; not listed',
      where: 'firewall.@redirect[4]',
    });
  });

  it('reads UPnP state, remote admin exposure and the LAN prefix', () => {
    expect(parts.dmz).toEqual({ enabled: false, host: null });
    expect(parts.upnp).toEqual({ enabled: true, mappingCount: 2, igdVersion: null });
    expect(parts.remoteAdmin).toEqual({
      enabled: true,
      services: [
        { service: 'http', port: 80, wan: false, restrictedTo: null },
        { service: 'https', port: 443, wan: false, restrictedTo: null },
        { service: 'ssh', port: 22, wan: true, restrictedTo: '198.51.100.10' },
      ],
    });
    expect(parts.lanPrefixes).toEqual(['192.168.1.0/24']);
    expect(coverageMap(parts.coverage)).toEqual({
      'static-forwards': 'complete',
      dmz: 'complete',
      'ipv6-pinholes': 'complete',
      'upnp-state': 'complete',
      'upnp-mappings': 'complete',
      'remote-admin': 'complete',
    });
  });
});

describe('openwrt: /etc/config/firewall file', () => {
  const parts = parseOpenwrt(fixture('openwrt/etc-config-firewall'), { now });

  it('reads list proto, an all-ports redirect as DMZ, a disabled redirect', () => {
    expect(parts.forwards.map(row)).toEqual([
      ['static', 'tcp', '4242-4242', '192.168.1.25', '4242-4242', null, true, 'Orthanc', 0],
      ['dmz', 'tcp', '1-65535', '192.168.1.99', '1-65535', null, true, 'Exposed host', 0],
      ['dmz', 'udp', '1-65535', '192.168.1.99', '1-65535', null, true, 'Exposed host', 0],
      ['static', 'tcp', '139-139', '192.168.1.30', '139-139', null, false, 'SMB old', 0],
    ]);
    expect(parts.forwards[0]?.provenance.transport).toBe('file');
    expect(parts.dmz).toEqual({ enabled: true, host: '192.168.1.99' });
  });

  it('says what the file cannot show: UPnP state and leases unknown, remote admin partial', () => {
    expect(parts.upnp).toEqual({ enabled: null, mappingCount: null, igdVersion: null });
    expect(parts.remoteAdmin?.services).toEqual([
      { service: 'ssh', port: 22, wan: false, restrictedTo: null },
      { service: 'http', port: 80, wan: false, restrictedTo: null },
      { service: 'https', port: 443, wan: true, restrictedTo: null },
    ]);
    expect(coverageMap(parts.coverage)).toMatchObject({
      'upnp-state': 'not-visible',
      'upnp-mappings': 'not-visible',
      'remote-admin': 'partial',
    });
  });
});

describe('openwrt: UCI syntax details', () => {
  it("unquotes shell-style values ('\\'' escapes) and keeps list order", () => {
    const { sections } = parseUci(
      "firewall.x=redirect\nfirewall.x.name='Bob'\\''s NAS'\nfirewall.x.proto='tcp' 'udp'\n",
    );
    expect(sections[0]?.options).toEqual({ name: ["Bob's NAS"], proto: ['tcp', 'udp'] });
  });

  it('upnpd absent over SSH means UPnP off, complete', () => {
    const parts = parseOpenwrt("firewall.@zone[0]=zone\nfirewall.@zone[0].name='wan'\n", {
      absentPackages: ['upnpd'],
    });
    expect(parts.upnp?.enabled).toBe(false);
    expect(coverageMap(parts.coverage)['upnp-mappings']).toBe('complete');
  });

  it('refuses text with nothing OpenWrt in it', () => {
    try {
      parseOpenwrt('hello world\n');
      expect.unreachable();
    } catch (err) {
      expect(isBoxauditError(err, 'BOXAUDIT_INPUT_INVALID')).toBe(true);
    }
  });
});

describe('openwrt: firewall section logic found in real configurations', () => {
  const zones = `config zone
	option name 'lan'
	list network 'lan'
config zone
	option name 'wan'
	list network 'wan'
	option input 'REJECT'
	option masq '1'
`;
  const read = (body: string) => parseOpenwrt(zones + body);
  const codes = (p: ReturnType<typeof parseOpenwrt>) => p.warnings.map((w) => w.code);

  it('an unknown protocol keeps the forward as tcp and udp with PROTOCOL_UNKNOWN; icmp/esp open no port', () => {
    const p = read(`config redirect
	option name 'odd'
	option src 'wan'
	option src_dport '5000'
	option dest_ip '192.168.1.9'
	option proto 'tpc'
config rule
	option name 'esp'
	option src 'wan'
	option dest 'lan'
	option proto 'esp'
	option target 'ACCEPT'
`);
    expect(p.forwards.map(row)).toEqual([
      ['static', 'tcp', '5000-5000', '192.168.1.9', '5000-5000', null, true, 'odd', 0],
      ['static', 'udp', '5000-5000', '192.168.1.9', '5000-5000', null, true, 'odd', 0],
    ]);
    expect(p.warnings.find((w) => w.code === 'PROTOCOL_UNKNOWN')).toMatchObject({
      message: expect.stringContaining('"tpc"'),
      where: 'firewall.@redirect[0]',
    });
    expect(codes(p)).toContain('OPENWRT_PROTOCOL_OTHER');
  });

  it('a port that does not parse is unknown (null) with a warning, never all ports', () => {
    const p = read(`config redirect
	option src 'wan'
	option src_dport 'ssh'
	option dest_ip '192.168.1.9'
	option dest_port '22'
	option proto 'tcp'
config rule
	option src 'wan'
	option dest 'lan'
	option dest_ip '2001:db8::9'
	option dest_port '!80'
	option proto 'tcp'
	option target 'ACCEPT'
`);
    expect(p.forwards.map((f) => [f.source, f.externalPort, f.internalPort])).toEqual([
      ['static', null, { start: 22, end: 22 }],
      ['pinhole6', null, null],
    ]);
    expect(codes(p).filter((c) => c === 'OPENWRT_PORT_INVALID')).toHaveLength(2);
    expect(p.dmz).toEqual({ enabled: false, host: null });
  });

  it('dest_port without src_dport: the public port is unknown, not a DMZ; no port and no dest_ip: not applied', () => {
    const p = read(`config redirect
	option src 'wan'
	option dest_ip '192.168.1.9'
	option dest_port '8080'
	option proto 'tcp'
config redirect
	option name 'empty'
	option src 'wan'
	option proto 'tcp'
`);
    expect(p.forwards.map(row)).toEqual([
      ['static', 'tcp', null, '192.168.1.9', '8080-8080', null, true, null, 0],
    ]);
    expect(codes(p)).toEqual(
      expect.arrayContaining(['OPENWRT_EXTERNAL_PORT_UNSTATED', 'OPENWRT_REDIRECT_INCOMPLETE']),
    );
    expect(p.dmz).toEqual({ enabled: false, host: null });
  });

  it("a redirect without dest_ip reaches the router: with network.lan it is the router's address and remote admin", () => {
    const p = read(`config redirect
	option src 'wan'
	option src_dport '8443'
	option dest_port '443'
	option proto 'tcp'
	option src_ip '203.0.113.0/24'
network.lan=interface
network.lan.ipaddr='192.168.8.1/24'
`);
    expect(p.forwards.map(row)).toEqual([
      ['static', 'tcp', '8443-8443', '192.168.8.1', '443-443', '203.0.113.0/24', true, null, 0],
    ]);
    expect(p.remoteAdmin?.services).toContainEqual({
      service: 'port-forward',
      port: 443,
      wan: true,
      restrictedTo: '203.0.113.0/24',
    });
    expect(p.lanPrefixes).toEqual(['192.168.8.0/24']);
  });

  it('a zone is a WAN zone by the config: Technicolor `wan 0` wins over masq, src "*" includes the WAN', () => {
    const p = parseOpenwrt(`config zone
	option name 'lan'
config zone
	option name 'vpnout'
	option masq '1'
	option wan '0'
config zone
	option name 'uplink'
	option wan '1'
config redirect
	option src 'vpnout'
	option src_dport '80'
	option dest_ip '192.168.1.5'
config redirect
	option src 'uplink'
	option src_dport '81'
	option dest_ip '192.168.1.5'
	option proto 'tcp'
config redirect
	option src '*'
	option src_dport '82'
	option dest_ip '192.168.1.5'
	option proto 'tcp'
`);
    expect(p.forwards.map((f) => f.externalPort?.start)).toEqual([81, 82]);
    expect(codes(p)).toContain('OPENWRT_REDIRECT_NOT_WAN');
  });

  it('an unknown firewall section type or an include makes every firewall area partial, never complete', () => {
    const p = read(`config portal 'captive'
	option src 'wan'
config include
	option path '/etc/firewall.user'
config include 'miniupnpd'
	option path '/usr/share/miniupnpd/firewall.include'
`);
    const fwAreas = p.coverage.filter((c) => ['static-forwards', 'dmz', 'ipv6-pinholes'].includes(c.area));
    expect(fwAreas.every((c) => c.status === 'partial')).toBe(true);
    expect(new Set(fwAreas.map((c) => c.code))).toEqual(
      new Set(['OPENWRT_INCLUDE_SCRIPTS', 'OPENWRT_SECTION_UNKNOWN']),
    );
    // miniupnpd's own include is not counted: its rules are the UPnP mappings.
    expect(fwAreas.find((c) => c.code === 'OPENWRT_INCLUDE_SCRIPTS')?.details).toEqual({ includes: 1 });
  });

  it('pinholes: an IPv4 dest_ip, family IPv4 (any case) or disable_ipv6 open none; a negated dest_ip is every host', () => {
    const rule = (extra: string) => `config rule
	option src 'wan'
	option dest 'lan'
	option dest_port '443'
	option proto 'tcp'
	option target 'ACCEPT'
${extra}`;
    expect(read(rule("\toption dest_ip '192.168.1.4'\n")).forwards).toEqual([]);
    expect(read(rule("\toption family 'IPv4'\n")).forwards).toEqual([]);
    expect(parseOpenwrt(`config defaults\n\toption disable_ipv6 '1'\n${zones}${rule('')}`).forwards).toEqual(
      [],
    );
    const negated = read(rule("\toption dest_ip '!2001:db8::1'\n"));
    expect(negated.forwards.map((f) => f.internalHost)).toEqual(['::/0']);
    expect(codes(negated)).toContain('OPENWRT_PINHOLE_ALL_HOSTS');
  });

  it('upnpd: the service switch wins, NAT-PMP alone is on, nothing said is unknown', () => {
    const upnp = (o: string) => parseOpenwrt(`config upnpd 'config'\n${o}`).upnp?.enabled;
    expect(upnp("\toption enabled '0'\n\toption enable_upnp '1'\n")).toBe(false);
    expect(upnp("\toption enabled '1'\n\toption enable_upnp '0'\n\toption enable_natpmp '1'\n")).toBe(true);
    expect(upnp("\toption enable_upnp '0'\n\toption enable_natpmp '0'\n")).toBe(false);
    expect(upnp("\toption enabled '1'\n")).toBe(true);
    expect(upnp("\toption port '5000'\n")).toBeNull();
  });
});

describe('openwrt: a DNAT redirect without a source zone', () => {
  it('is not applied by fw3/fw4: listed with an unknown state and a warning, never dropped', () => {
    const p = parseOpenwrt(`config zone
	option name 'wan'
	option masq '1'
config redirect
	option name 'script-made'
	option src_dport '8080'
	option dest_ip '192.168.1.10'
	option dest_port '80'
	option proto 'tcp'
`);
    expect(p.forwards.map(row)).toEqual([
      ['static', 'tcp', '8080-8080', '192.168.1.10', '80-80', null, null, 'script-made', 0],
    ]);
    expect(p.warnings.map((w) => w.code)).toContain('OPENWRT_REDIRECT_NO_SRC');
  });
});

describe('openwrt: remote admin with several WAN zones', () => {
  it('a second WAN zone that accepts input exposes the router, whatever the first says', () => {
    const p = parseOpenwrt(`config zone
	option name 'mgmt'
	option input 'DROP'
	option masq '1'
	option wan '1'
config zone
	option name 'wan'
	option input 'ACCEPT'
	option masq '1'
	option wan '1'
`);
    expect(p.remoteAdmin?.services.map((s) => [s.service, s.wan])).toEqual([
      ['ssh', true],
      ['http', true],
      ['https', true],
    ]);
  });
});
