import { describe, expect, it } from 'vitest';
import { parseRouteros, parseRouterosPrintDetail } from '../../src/adapters/routeros.js';
import { isBoxauditError } from '../../src/errors.js';
import { coverageMap, fixture, row } from './helpers.js';

describe('routeros: full /export file', () => {
  const parts = parseRouteros(fixture('routeros/export.rsc'));

  it('reads dstnat rules: continuation lines, disabled, ranges, remapped ports, address lists, DMZ', () => {
    expect(parts.forwards.map(row)).toEqual([
      ['static', 'tcp', '104-104', '192.168.88.20', '104-104', null, true, 'PACS', 0],
      ['static', 'tcp', '445-445', '192.168.88.30', '445-445', null, false, null, 0],
      [
        'static',
        'udp',
        '8000-8010',
        '192.168.88.40',
        '8000-8010',
        '198.51.100.0/24,203.0.113.7',
        true,
        'Web cams',
        0,
      ],
      [
        'static',
        'tcp',
        '33389-33389',
        '192.168.88.50',
        '3389-3389',
        '203.0.113.0/24',
        true,
        'RDP remapped',
        0,
      ],
      ['dmz', 'tcp', '1-65535', '192.168.88.99', '1-65535', null, true, 'Exposed host', 0],
      ['dmz', 'udp', '1-65535', '192.168.88.99', '1-65535', null, true, 'Exposed host', 0],
    ]);
    // ether1 is in no interface list and has no address or client here: its side is not stated.
    expect(parts.warnings.map((w) => w.code)).toEqual([
      'ROUTEROS_INTERFACE_SIDE_UNKNOWN',
      'ROUTEROS_NAT_NOT_WAN',
    ]);
    expect(parts.dmz).toEqual({ enabled: true, host: '192.168.88.99' });
  });

  it('reads UPnP (set enabled=yes), services against the input chain, the LAN prefix', () => {
    expect(parts.upnp).toEqual({ enabled: true, mappingCount: null, igdVersion: null });
    expect(parts.remoteAdmin).toEqual({
      enabled: true,
      services: [
        { service: 'www', port: 80, wan: false, restrictedTo: '192.168.88.0/24' },
        { service: 'ssh', port: 22, wan: false, restrictedTo: null },
        { service: 'winbox', port: 8291, wan: true, restrictedTo: null },
      ],
    });
    expect(parts.lanPrefixes).toEqual(['192.168.88.0/24']);
    expect(coverageMap(parts.coverage)).toEqual({
      'static-forwards': 'complete',
      'upnp-mappings': 'not-visible',
      'upnp-state': 'complete',
      'ipv6-pinholes': 'not-visible',
      dmz: 'complete',
      'remote-admin': 'complete',
    });
  });
});

describe('routeros: SSH outputs (export + print detail + upnp + services)', () => {
  const natExport = fixture('routeros/export.rsc')
    .split('\n')
    .filter((_l, i, all) => {
      const start = all.indexOf('/ip firewall nat');
      const end = all.indexOf('/ip service');
      return i >= start && i < end;
    })
    .join('\n');
  const parts = parseRouteros(natExport, {
    transport: 'ssh',
    natRead: true,
    natPrint: fixture('routeros/nat-print-detail.txt'),
    upnpPrint: fixture('routeros/upnp-print.txt'),
    servicePrint: fixture('routeros/service-print-detail.txt'),
  });

  it('adds the dynamic (D) UPnP rules from print detail, without duplicating static ones', () => {
    const upnp = parts.forwards.filter((f) => f.source === 'upnp').map(row);
    expect(upnp).toEqual([
      [
        'upnp',
        'tcp',
        '11112-11112',
        '192.168.88.60',
        '11112-11112',
        null,
        true,
        'upnp 192.168.88.60: DICOM SCP',
        null,
      ],
      [
        'upnp',
        'udp',
        '3479-3479',
        '192.168.88.61',
        '3478-3478',
        null,
        true,
        'upnp 192.168.88.61: Console',
        null,
      ],
    ]);
    expect(parts.forwards.filter((f) => f.source === 'static')).toHaveLength(4);
    expect(parts.forwards[0]?.provenance.transport).toBe('ssh');
    expect(parts.upnp).toEqual({ enabled: true, mappingCount: 2, igdVersion: null });
    expect(coverageMap(parts.coverage)['upnp-mappings']).toBe('complete');
  });

  it('reads /ip service print detail: disabled flags, custom port, address restriction', () => {
    expect(parts.remoteAdmin?.services).toEqual([
      { service: 'www', port: 80, wan: false, restrictedTo: '192.168.88.0/24' },
      { service: 'ssh', port: 2222, wan: null, restrictedTo: null },
      { service: 'api', port: 8728, wan: null, restrictedTo: null },
      { service: 'winbox', port: 8291, wan: null, restrictedTo: null },
    ]);
    expect(coverageMap(parts.coverage)['remote-admin']).toBe('partial');
  });
});

describe('routeros: print detail parsing', () => {
  it('reads flags, comments and wrapped properties', () => {
    const items = parseRouterosPrintDetail(fixture('routeros/nat-print-detail.txt'), '/ip firewall nat');
    expect(items.map((i) => [i.flags, i.props.comment ?? null, i.props['dst-port'] ?? null])).toEqual([
      ['', 'defconf: masquerade', null],
      ['', 'PACS', '104'],
      ['X', null, '445'],
      ['D', 'upnp 192.168.88.60: DICOM SCP', '11112'],
      ['D', 'upnp 192.168.88.61: Console', '3479'],
    ]);
  });

  it('refuses text that is not RouterOS', () => {
    try {
      parseRouteros('hello\n');
      expect.unreachable();
    } catch (err) {
      expect(isBoxauditError(err, 'BOXAUDIT_INPUT_INVALID')).toBe(true);
    }
  });
});
