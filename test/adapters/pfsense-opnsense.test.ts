import { describe, expect, it } from 'vitest';
import { parseOpnsense } from '../../src/adapters/opnsense.js';
import { parsePfsense } from '../../src/adapters/pfsense.js';
import { isBoxauditError } from '../../src/errors.js';
import { coverageMap, fixture, row } from './helpers.js';

describe('pfsense: config.xml', () => {
  const parts = parsePfsense(fixture('pfsense/config.xml'));

  it('reads port forwards: aliases resolved, tcp/udp, disabled, ranges, local-port, not/nordr/LAN skipped, 1:1 NAT', () => {
    expect(parts.forwards.map(row)).toEqual([
      ['static', 'tcp', '104-104', '192.168.1.20', '104-104', null, true, 'PACS', 0],
      ['static', 'tcp', '8000-8010', 'NAS_pool', '9000-9010', '203.0.113.7', false, 'NAS web', 0],
      ['static', 'udp', '8000-8010', 'NAS_pool', '9000-9010', '203.0.113.7', false, 'NAS web', 0],
      [
        'static',
        'tcp',
        '80-80',
        '192.168.1.40',
        '80-80',
        '198.51.100.0/24,203.0.113.7/32',
        true,
        'Web server',
        0,
      ],
      [
        'static',
        'tcp',
        '443-443',
        '192.168.1.40',
        '443-443',
        '198.51.100.0/24,203.0.113.7/32',
        true,
        'Web server',
        0,
      ],
      [
        'static',
        'tcp',
        '8000-8010',
        '192.168.1.40',
        '8000-8010',
        '198.51.100.0/24,203.0.113.7/32',
        true,
        'Web server',
        0,
      ],
      ['static', 'tcp', '33389-33389', '192.168.1.50', '3389-3389', null, true, 'RDP remapped', 0],
      ['dmz', 'tcp', '1-65535', '192.168.1.99', '1-65535', null, true, 'Lab server', 0],
      ['dmz', 'udp', '1-65535', '192.168.1.99', '1-65535', null, true, 'Lab server', 0],
    ]);
    expect(parts.warnings.map((w) => [w.code, w.where])).toEqual([
      ['PFSENSE_ALIAS_UNRESOLVED', 'nat/rule[2]'],
      ['PFSENSE_SOURCE_NEGATED', 'nat/rule[4]'],
      ['PFSENSE_NAT_NOT_WAN', 'nat/rule[6]'],
    ]);
    expect(parts.dmz).toEqual({ enabled: true, host: '192.168.1.99' });
  });

  it('reads UPnP, web GUI exposure through WAN pass rules, the LAN prefix', () => {
    expect(parts.upnp).toEqual({ enabled: true, mappingCount: null, igdVersion: null });
    expect(parts.remoteAdmin).toEqual({
      enabled: true,
      services: [
        { service: 'https', port: 8443, wan: true, restrictedTo: '198.51.100.0/24,203.0.113.7/32' },
        { service: 'ssh', port: 2222, wan: false, restrictedTo: null },
      ],
    });
    expect(parts.lanPrefixes).toEqual(['192.168.1.0/24']);
    expect(parts.gateway).toMatchObject({ model: 'pfSense', friendlyName: 'fw-cabinet' });
    expect(coverageMap(parts.coverage)).toEqual({
      'upnp-state': 'complete',
      'upnp-mappings': 'not-visible',
      'remote-admin': 'complete',
      'static-forwards': 'complete',
      dmz: 'complete',
      'ipv6-pinholes': 'not-visible',
    });
  });
});

describe('opnsense: config.xml (legacy NAT + MVC model)', () => {
  const parts = parseOpnsense(fixture('opnsense/config.xml'), { transport: 'ssh' });

  it('reads legacy port forwards, MVC 1:1 NAT and MVC destination NAT (UNCONFIRMED names, warned)', () => {
    expect(parts.forwards.map(row)).toEqual([
      ['static', 'tcp', '18042-18042', '10.0.10.20', '8042-8042', null, true, 'Orthanc web', 0],
      ['dmz', 'tcp', '1-65535', '10.0.10.99', '1-65535', null, true, 'Exposed host', 0],
      ['dmz', 'udp', '1-65535', '10.0.10.99', '1-65535', null, true, 'Exposed host', 0],
      ['static', 'udp', '1194-1194', '10.0.10.5', '1194-1194', null, false, 'VPN (disabled)', 0],
    ]);
    expect(parts.forwards[0]?.provenance).toMatchObject({ adapter: 'opnsense', transport: 'ssh' });
    expect(parts.warnings.map((w) => w.code)).toEqual(['OPNSENSE_MVC_NAT_UNCONFIRMED']);
  });

  it('UPnP plugin off; default https GUI closed on WAN; SSH open through an MVC pass rule', () => {
    expect(parts.upnp).toEqual({ enabled: false, mappingCount: null, igdVersion: null });
    expect(coverageMap(parts.coverage)['upnp-mappings']).toBe('complete');
    expect(parts.remoteAdmin).toEqual({
      enabled: true,
      services: [
        { service: 'https', port: 443, wan: false, restrictedTo: null },
        { service: 'ssh', port: 22, wan: true, restrictedTo: null },
      ],
    });
  });
});

describe('pfsense/opnsense: unsafe or wrong input', () => {
  it('refuses a DOCTYPE (entity expansion) with BOXAUDIT_INPUT_INVALID', () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><pfsense>&a;</pfsense>';
    try {
      parsePfsense(bomb);
      expect.unreachable();
    } catch (err) {
      expect(isBoxauditError(err, 'BOXAUDIT_INPUT_INVALID')).toBe(true);
      expect((err as Error).message).toMatch(/^\[pfsense\] config\.xml.*DOCTYPE/);
    }
  });

  it('refuses another root element and malformed XML', () => {
    for (const text of ['<router><nat/></router>', '<pfsense><nat></pfsense>']) {
      expect(() => parsePfsense(text)).toThrow(/\[pfsense\] config\.xml/);
    }
  });
});
