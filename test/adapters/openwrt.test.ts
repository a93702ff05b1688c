import { describe, expect, it } from 'vitest';
import { parseOpenwrt, parseUci } from '../../src/adapters/openwrt.js';
import { isBoxauditError } from '../../src/errors.js';
import { coverageMap, fixture, row } from './helpers.js';

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
