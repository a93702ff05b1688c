import { describe, expect, it } from 'vitest';
import { parseEdgeos } from '../../src/adapters/edgeos.js';
import { parseVyos } from '../../src/adapters/vyos.js';
import { isBoxauditError } from '../../src/errors.js';
import { coverageMap, fixture, row } from './helpers.js';

describe('edgeos: show configuration commands', () => {
  const parts = parseEdgeos(fixture('edgeos/show-configuration-commands.txt'), { transport: 'ssh' });

  it('reads port-forward rules and service nat destination rules', () => {
    expect(parts.forwards.map(row)).toEqual([
      ['static', 'tcp', '104-104', '192.168.1.20', '104-104', null, true, 'PACS', 0],
      ['static', 'tcp', '8000-8010', '192.168.1.30', '8000-8010', null, true, 'NAS web', 0],
      ['static', 'udp', '8000-8010', '192.168.1.30', '8000-8010', null, true, 'NAS web', 0],
      ['static', 'tcp', '33389-33389', '192.168.1.40', '3389-3389', null, true, 'RDP remapped', 0],
      ['static', 'tcp', '445-445', '192.168.1.30', '445-445', null, false, 'SMB (disabled)', 0],
      [
        'static',
        'udp',
        '5060-5060',
        '192.168.1.50',
        '5060-5060',
        '198.51.100.0/24',
        true,
        'SIP from provider',
        0,
      ],
    ]);
    expect(parts.forwards[0]?.provenance).toMatchObject({
      adapter: 'edgeos',
      transport: 'ssh',
      raw: { kind: 'port-forward', rule: '1', wanInterface: 'eth0' },
    });
  });

  it('reads upnp2, remote admin against WAN_LOCAL, the LAN prefix, and says mappings are runtime-only', () => {
    expect(parts.dmz).toEqual({ enabled: false, host: null });
    expect(parts.upnp).toEqual({ enabled: true, mappingCount: null, igdVersion: null });
    expect(parts.remoteAdmin).toEqual({
      enabled: true,
      services: [
        { service: 'https', port: 443, wan: true, restrictedTo: null },
        { service: 'http', port: 80, wan: false, restrictedTo: null },
        { service: 'ssh', port: 22, wan: false, restrictedTo: null },
      ],
    });
    expect(parts.lanPrefixes).toEqual(['192.168.1.0/24']);
    expect(coverageMap(parts.coverage)).toEqual({
      'remote-admin': 'complete',
      'static-forwards': 'complete',
      dmz: 'complete',
      'upnp-state': 'complete',
      'upnp-mappings': 'not-visible',
      'ipv6-pinholes': 'not-visible',
    });
  });
});

describe('vyos 1.3 syntax', () => {
  const parts = parseVyos(fixture('vyos/vyos-1.3.txt'));

  it('reads rules: disable flag, port lists, tcp_udp, negated source (warned)', () => {
    expect(parts.forwards.map(row)).toEqual([
      ['static', 'tcp', '104-104', '192.168.10.20', '104-104', null, true, 'PACS', 0],
      ['static', 'tcp', '21-21', '192.168.10.30', '21-21', null, false, 'Old FTP', 0],
      ['static', 'tcp', '80-80', '192.168.10.40', '80-80', null, true, 'Web and mail', 0],
      ['static', 'tcp', '443-443', '192.168.10.40', '443-443', null, true, 'Web and mail', 0],
      ['static', 'udp', '80-80', '192.168.10.40', '80-80', null, true, 'Web and mail', 0],
      ['static', 'udp', '443-443', '192.168.10.40', '443-443', null, true, 'Web and mail', 0],
    ]);
    expect(parts.warnings.map((w) => [w.code, w.where])).toEqual([
      ['VYOS_SOURCE_NEGATED', 'nat destination rule 120'],
    ]);
    expect(parts.forwards[0]?.provenance.raw).toMatchObject({ rule: '100', inboundInterface: 'eth0' });
  });

  it('UPnP off (no service upnp), ssh open on the WAN by the local ruleset', () => {
    expect(parts.upnp).toEqual({ enabled: false, mappingCount: null, igdVersion: null });
    expect(coverageMap(parts.coverage)['upnp-mappings']).toBe('complete');
    expect(parts.remoteAdmin).toEqual({
      enabled: true,
      services: [{ service: 'ssh', port: 22, wan: true, restrictedTo: null }],
    });
  });
});

describe('vyos 1.4 syntax', () => {
  const parts = parseVyos(fixture('vyos/vyos-1.4.txt'));

  it('reads inbound-interface name, remapped port, source restriction, ranges, an all-ports DMZ', () => {
    expect(parts.forwards.map(row)).toEqual([
      ['static', 'tcp', '11112-11112', '10.20.0.20', '4242-4242', '198.51.100.7', true, 'DICOM remapped', 0],
      ['static', 'udp', '8000-8010', '10.20.0.30', '8000-8010', null, true, 'Cameras', 0],
      ['dmz', 'tcp', '1-65535', '10.20.0.99', '1-65535', null, true, 'Exposed host', 0],
      ['dmz', 'udp', '1-65535', '10.20.0.99', '1-65535', null, true, 'Exposed host', 0],
    ]);
    expect(parts.dmz).toEqual({ enabled: true, host: '10.20.0.99' });
    expect(parts.forwards[0]?.provenance.raw).toMatchObject({ inboundInterface: 'eth0' });
  });

  it('service upnp on; https API on the LAN only; ssh accepted only on eth1 (not the WAN)', () => {
    expect(parts.upnp?.enabled).toBe(true);
    expect(parts.remoteAdmin).toEqual({
      enabled: false,
      services: [
        { service: 'https', port: 443, wan: false, restrictedTo: '10.20.0.1' },
        { service: 'ssh', port: 22, wan: false, restrictedTo: null },
      ],
    });
    expect(parts.lanPrefixes).toEqual(['10.20.0.0/24']);
  });

  it('never copies the API key into the snapshot', () => {
    expect(JSON.stringify(parts)).not.toContain('REDACTED-NOT-A-SECRET');
  });
});

describe('edgeos/vyos: bad input', () => {
  it('a translated port that does not parse is unknown (warned), not the public port', () => {
    const text = fixture('edgeos/show-configuration-commands.txt').replace(
      'set port-forward rule 3 forward-to port 3389',
      'set port-forward rule 3 forward-to port rdp-group',
    );
    const odd = parseEdgeos(text, { transport: 'file' });
    const rdp = odd.forwards.find((f) => f.description === 'RDP remapped');
    expect(rdp).toMatchObject({ externalPort: { start: 33389, end: 33389 }, internalPort: null });
    expect(odd.warnings).toContainEqual(
      expect.objectContaining({ code: 'EDGEOS_PORT_INVALID', where: 'port-forward rule 3' }),
    );
  });

  it('a service port that is not 1-65535 is unknown (warned), never NaN or 99999', () => {
    for (const bad of ['99999', 'abc']) {
      const text = fixture('edgeos/show-configuration-commands.txt').replace(
        'set service ssh port 22',
        `set service ssh port ${bad}`,
      );
      const odd = parseEdgeos(text, { transport: 'file' });
      expect(odd.remoteAdmin?.services.find((x) => x.service === 'ssh')).toMatchObject({
        port: null,
        wan: null,
      });
      expect(odd.warnings).toContainEqual(
        expect.objectContaining({ code: 'VYATTA_SERVICE_PORT_INVALID', where: 'service ssh' }),
      );
    }
  });

  it('refuses text without set commands', () => {
    for (const parse of [parseEdgeos, parseVyos]) {
      try {
        parse('interfaces {\n}\n');
        expect.unreachable();
      } catch (err) {
        expect(isBoxauditError(err, 'BOXAUDIT_INPUT_INVALID')).toBe(true);
      }
    }
  });
});
