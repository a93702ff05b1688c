import { describe, expect, it } from 'vitest';
import { isBoxauditError } from '../../src/errors.js';
import { parseEdgeos, parseVyos } from '../../src/formats/vyatta.js';
import { configBootToSetLines, looksLikeConfigBoot } from '../../src/formats/vyatta-config.js';
import { detectExportFormat } from '../../src/import.js';
import { coverageMap, fixture, row } from '../adapters/helpers.js';

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

describe('vyatta: real-configuration classes (issue 10)', () => {
  const edgeWan = (extra: string) =>
    [
      'set interfaces ethernet eth0 address dhcp',
      'set interfaces ethernet eth1 address 192.168.1.1/24',
      'set service nat rule 5010 outbound-interface eth0',
      'set service nat rule 5010 type masquerade',
      'set service gui https-port 443',
      'set service ssh port 22',
      'set system host-name ubnt',
      extra,
    ].join('\n');

  it('EdgeOS with no firewall local on the WAN: everything reaches the router, remote admin is open', () => {
    const parts = parseEdgeos(edgeWan(''));
    expect(parts.remoteAdmin?.enabled).toBe(true);
    expect(parts.remoteAdmin?.services.map((s) => [s.service, s.wan])).toEqual([
      ['https', true],
      ['http', true],
      ['ssh', true],
    ]);
    expect(parts.coverage.find((c) => c.area === 'remote-admin')).toMatchObject({
      status: 'complete',
      code: 'VYATTA_WAN_UNFILTERED',
    });
  });

  it('no WAN stated anywhere: reachability unknown (partial), never "closed"', () => {
    const parts = parseEdgeos(
      'set interfaces ethernet eth1 address 192.168.1.1/24\nset service ssh\nset system host-name x',
    );
    expect(parts.remoteAdmin?.services).toEqual([
      { service: 'ssh', port: 22, wan: null, restrictedTo: null },
    ]);
    expect(parts.coverage.find((c) => c.area === 'remote-admin')).toMatchObject({
      status: 'partial',
      code: 'VYATTA_WAN_UNKNOWN',
    });
  });

  it('the WAN comes from the config, not from the first DNAT rule: a LAN-side DNAT is left out, warned', () => {
    const parts = parseVyos(
      [
        "set interfaces ethernet eth0 description 'WAN'",
        "set interfaces ethernet eth0 address 'dhcp'",
        "set interfaces ethernet eth1 address '10.0.0.1/24'",
        "set nat destination rule 5 inbound-interface name 'eth1'",
        "set nat destination rule 5 destination port '53'",
        "set nat destination rule 5 protocol 'udp'",
        "set nat destination rule 5 translation address '10.0.0.1'",
        "set nat destination rule 10 inbound-interface name 'eth0'",
        "set nat destination rule 10 destination port '443'",
        "set nat destination rule 10 protocol 'tcp'",
        "set nat destination rule 10 translation address '10.0.0.20'",
        "set protocols static route 0.0.0.0/0 interface 'eth0'",
        "set system host-name 'vyos'",
      ].join('\n'),
    );
    expect(parts.forwards.map(row)).toEqual([
      ['static', 'tcp', '443-443', '10.0.0.20', '443-443', null, true, null, 0],
    ]);
    expect(parts.warnings).toContainEqual(
      expect.objectContaining({ code: 'VYATTA_DNAT_LAN_SIDE', where: 'nat destination rule 5' }),
    );
    // The DNS interception to the router's own address is no remote administration.
    expect(parts.remoteAdmin?.services.some((s) => s.service === 'port-forward')).toBe(false);
  });

  it('a hairpin masquerade towards the LAN does not make the LAN a WAN (its DNS interception stays out)', () => {
    const parts = parseVyos(
      [
        "set interfaces ethernet eth0 address 'dhcp'",
        "set interfaces ethernet eth1 address '192.168.1.1/24'",
        "set nat source rule 10 outbound-interface name 'eth0'",
        "set nat source rule 10 translation address 'masquerade'",
        "set nat source rule 20 outbound-interface name 'eth1'",
        "set nat source rule 20 destination address '192.168.1.0/24'",
        "set nat source rule 20 translation address 'masquerade'",
        "set nat destination rule 5 inbound-interface name 'eth1'",
        "set nat destination rule 5 destination port '53'",
        "set nat destination rule 5 translation address '192.168.1.1'",
        "set firewall name WAN_LOCAL default-action 'drop'",
        "set interfaces ethernet eth0 firewall local name 'WAN_LOCAL'",
        "set service ssh port '22'",
        "set system host-name 'vyos'",
      ].join('\n'),
    );
    expect(parts.forwards).toEqual([]);
    expect(parts.remoteAdmin?.services).toEqual([
      { service: 'ssh', port: 22, wan: false, restrictedTo: null },
    ]);
  });

  it('a forward to the router itself is remote administration open on the WAN', () => {
    const parts = parseEdgeos(
      edgeWan(
        [
          'set interfaces ethernet eth0 firewall local name WAN_LOCAL',
          'set firewall name WAN_LOCAL default-action drop',
          'set port-forward wan-interface eth0',
          'set port-forward rule 1 original-port 8443',
          'set port-forward rule 1 forward-to address 192.168.1.1',
          'set port-forward rule 1 forward-to port 443',
          'set port-forward rule 1 protocol tcp',
        ].join('\n'),
      ),
    );
    expect(parts.remoteAdmin?.enabled).toBe(true);
    expect(parts.remoteAdmin?.services).toContainEqual({
      service: 'port-forward',
      port: 443,
      wan: true,
      restrictedTo: null,
    });
  });

  it('unknown protocol → tcp and udp with PROTOCOL_UNKNOWN; gre is no port forward (skipped, warned)', () => {
    const parts = parseEdgeos(
      edgeWan(
        [
          'set service nat rule 1 type destination',
          'set service nat rule 1 inbound-interface eth0',
          'set service nat rule 1 protocol tpc',
          'set service nat rule 1 destination port 3389',
          'set service nat rule 1 inside-address address 192.168.1.40',
          'set service nat rule 2 type destination',
          'set service nat rule 2 inbound-interface eth0',
          'set service nat rule 2 protocol gre',
          'set service nat rule 2 inside-address address 192.168.1.41',
        ].join('\n'),
      ),
    );
    expect(parts.forwards.map((f) => `${f.protocol} ${f.externalPort?.start} ${f.internalHost}`)).toEqual([
      'tcp 3389 192.168.1.40',
      'udp 3389 192.168.1.40',
    ]);
    expect(parts.warnings.map((w) => w.code)).toEqual(
      expect.arrayContaining(['PROTOCOL_UNKNOWN', 'EDGEOS_PROTOCOL_OTHER']),
    );
  });

  it('source address groups are expanded; an undefined one stays a restriction to an unknown source, warned', () => {
    const parts = parseVyos(
      [
        "set interfaces ethernet eth0 address 'dhcp'",
        "set nat source rule 1 outbound-interface name 'eth0'",
        "set firewall group address-group partners address '198.51.100.7'",
        "set firewall group address-group partners address '198.51.100.8'",
        "set nat destination rule 1 inbound-interface name 'eth0'",
        "set nat destination rule 1 destination port '104'",
        "set nat destination rule 1 protocol 'tcp'",
        "set nat destination rule 1 source group address-group 'partners'",
        "set nat destination rule 1 translation address '10.0.0.5'",
        "set nat destination rule 2 inbound-interface name 'eth0'",
        "set nat destination rule 2 destination port '4242'",
        "set nat destination rule 2 protocol 'tcp'",
        "set nat destination rule 2 source group address-group 'elsewhere'",
        "set nat destination rule 2 translation address '10.0.0.6'",
      ].join('\n'),
    );
    expect(parts.forwards.map((f) => f.remoteHost)).toEqual(['198.51.100.7,198.51.100.8', 'group:elsewhere']);
    expect(parts.warnings).toContainEqual(
      expect.objectContaining({ code: 'VYATTA_GROUP_UNDEFINED', where: 'nat destination rule 2' }),
    );
  });

  it('VyOS 1.4 input filter: a jump to a named ruleset is followed for the WAN interface', () => {
    const base = [
      "set interfaces ethernet eth0 address 'dhcp'",
      "set interfaces ethernet eth0 description 'WAN'",
      "set nat source rule 1 outbound-interface name 'eth0'",
      "set firewall ipv4 input filter default-action 'accept'",
      "set firewall ipv4 input filter rule 10 action 'jump'",
      "set firewall ipv4 input filter rule 10 jump-target 'WAN_LOCAL'",
      "set firewall ipv4 input filter rule 10 inbound-interface name 'eth0'",
      "set firewall ipv4 name WAN_LOCAL default-action 'drop'",
      "set service ssh port '22'",
      "set system host-name 'vyos'",
    ];
    expect(parseVyos(base.join('\n')).remoteAdmin?.services[0]?.wan).toBe(false);
    const opened = [
      ...base,
      "set firewall ipv4 name WAN_LOCAL rule 5 action 'accept'",
      "set firewall ipv4 name WAN_LOCAL rule 5 destination port '22'",
      "set firewall ipv4 name WAN_LOCAL rule 5 protocol 'tcp'",
    ];
    expect(parseVyos(opened.join('\n')).remoteAdmin?.services[0]?.wan).toBe(true);
  });

  it('an unparseable port is unknown with a warning, never all ports', () => {
    const parts = parseEdgeos(
      edgeWan(
        [
          'set port-forward wan-interface eth0',
          'set port-forward rule 1 original-port 80x',
          'set port-forward rule 1 forward-to address 192.168.1.9',
          'set port-forward rule 1 protocol tcp',
        ].join('\n'),
      ),
    );
    expect(parts.forwards.map((f) => [f.source, f.externalPort])).toEqual([['static', null]]);
    expect(parts.warnings).toContainEqual(expect.objectContaining({ code: 'EDGEOS_PORT_INVALID' }));
  });
});

describe('vyatta: config.boot', () => {
  it('converts the tree: nodes, leaves, flags, empty nodes, quoted values, comments', () => {
    const { lines, problems } = configBootToSetLines(
      [
        '/* header */',
        'interfaces {',
        '    ethernet eth0 {',
        '        description "Internet (PPPoE)"',
        '        pppoe 0 {',
        '            firewall {',
        '                local {',
        '                    name WAN_LOCAL',
        '                }',
        '            }',
        '        }',
        '    }',
        '    loopback lo {',
        '    }',
        '}',
        'service {',
        '    ssh {',
        '        disable-password-authentication /* inline */',
        '    }',
        '}',
        '// vyos-config-version: "nat@5"',
      ].join('\n'),
    );
    expect(problems).toEqual([]);
    expect(lines.map((l) => l.words.join(' '))).toEqual([
      'interfaces ethernet eth0 description Internet (PPPoE)',
      'interfaces ethernet eth0 pppoe 0 firewall local name WAN_LOCAL',
      'interfaces loopback lo',
      'service ssh disable-password-authentication',
    ]);
  });

  it('a damaged config.boot keeps what was read, warns, and says forwards are partly read', () => {
    const text = [
      'interfaces {',
      '    ethernet eth0 {',
      '        address dhcp',
      '    }',
      '}',
      'port-forward {',
      '    wan-interface eth0',
      '    rule 1 {',
      '        original-port 8080',
      '        forward-to {',
      '            address 192.168.1.5',
    ].join('\n');
    const parts = parseEdgeos(text);
    expect(parts.forwards.map((f) => f.internalHost)).toEqual(['192.168.1.5', '192.168.1.5']);
    expect(parts.warnings.map((w) => w.code)).toContain('VYATTA_CONFIG_BOOT_DAMAGED');
    expect(coverageMap(parts.coverage)['static-forwards']).toBe('partial');
  });

  it('is detected, and told apart: EdgeOS by its release line or its nodes, VyOS by its own', () => {
    const edge = 'firewall {\n}\nport-forward {\n    wan-interface eth0\n}\n';
    expect(detectExportFormat(edge)?.vendor).toBe('edgeos');
    const vyos = 'interfaces {\n}\nnat {\n    destination {\n        rule 10 {\n        }\n    }\n}\n';
    expect(detectExportFormat(vyos)?.vendor).toBe('vyos');
    expect(detectExportFormat(`${vyos}// Release version: 1.3.2\n// vyos-config-version: "nat@5"\n`)).toEqual(
      {
        vendor: 'vyos',
        confidence: 0.95,
      },
    );
  });

  it('a Junos configuration (same top-level names, statements ending with ;) is not taken for one', () => {
    const junos =
      'system {\n    host-name r1;\n    services {\n        ssh;\n    }\n}\ninterfaces {\n    ge-0/0/0 {\n        unit 0;\n    }\n}\nprotocols {\n    lldp;\n}\n';
    expect(detectExportFormat(junos)).toBeNull();
  });

  it('bounds the nesting depth', () => {
    const deep = `${'a {\n'.repeat(100)}${'}\n'.repeat(100)}`;
    const { problems } = configBootToSetLines(deep);
    expect(problems.some((p) => p.includes('deeper than 64'))).toBe(true);
  });
});

describe('vyatta: hostile input stays bounded', () => {
  it('jumps fanning out and looping give an unknown verdict, not a hang', () => {
    const lines = [
      "set interfaces ethernet eth0 address 'dhcp'",
      "set firewall ipv4 input filter default-action 'drop'",
      "set service ssh port '22'",
      "set system host-name 'vyos'",
    ];
    for (let r = 1; r <= 40; r++) {
      lines.push(`set firewall ipv4 input filter rule ${r} action 'jump'`);
      lines.push(`set firewall ipv4 input filter rule ${r} jump-target 'A'`);
      lines.push(`set firewall ipv4 name A rule ${r} action 'jump'`);
      lines.push(`set firewall ipv4 name A rule ${r} jump-target 'A'`);
    }
    const parts = parseVyos(lines.join('\n'));
    expect(parts.remoteAdmin?.services).toEqual([
      { service: 'ssh', port: 22, wan: null, restrictedTo: null },
    ]);
  });
});

describe('vyatta: DS-Lite', () => {
  it('an unfiltered DS-Lite tunnel carrying the default route leaves remote admin unknown, not open', () => {
    const parts = parseEdgeos(
      [
        'set interfaces ethernet eth0 address 192.168.1.2/24',
        'set interfaces ethernet eth1 address 192.168.2.1/24',
        'set interfaces ipv6-tunnel v6tun0 encapsulation ipip6',
        'set interfaces ipv6-tunnel v6tun0 firewall in name WAN_IN',
        'set protocols static interface-route 0.0.0.0/0 next-hop-interface v6tun0',
        'set firewall name WAN_IN default-action drop',
        'set service ssh port 22',
        'set system host-name erl',
      ].join('\n'),
    );
    expect(parts.remoteAdmin?.services).toEqual([
      { service: 'ssh', port: 22, wan: null, restrictedTo: null },
    ]);
    expect(coverageMap(parts.coverage)['remote-admin']).toBe('partial');
  });
});

describe('vyatta: review findings (linear work on hostile config.boot)', () => {
  it('a node header of many words is refused with a warning, not copied into every leaf under it', () => {
    const header = Array.from({ length: 2000 }, (_, i) => `w${i}`).join(' ');
    const leaves = Array.from({ length: 2000 }, (_, i) => `leaf ${i}`).join('\n');
    const { lines, problems } = configBootToSetLines(`interfaces {\n${header} {\n${leaves}\n}\n}\n`);
    const words = lines.reduce((n, l) => n + l.words.length, 0);
    expect(words).toBeLessThan(10_000); // 4 million before: 2000 header words × 2000 leaves
    expect(problems.some((p) => p.includes('node header of 2000 words'))).toBe(true);
    const parts = parseVyos(`interfaces {\n${header} {\n${leaves}\n}\n}\nnat {\n}\n`, { transport: 'file' });
    expect(parts.warnings.map((w) => w.code)).toContain('VYATTA_CONFIG_BOOT_DAMAGED');
  });

  it('ordinary headers still give the full path on every leaf', () => {
    const { lines, problems } = configBootToSetLines(
      'interfaces {\n ethernet eth0 {\n  vif 100 {\n   address dhcp\n  }\n  disable\n }\n}\n',
    );
    expect(problems).toEqual([]);
    expect(lines.map((l) => l.words.join(' '))).toEqual([
      'interfaces ethernet eth0 vif 100 address dhcp',
      'interfaces ethernet eth0 disable',
    ]);
  });

  it('blank lines do not make the config.boot detection quadratic (250 000 lines)', () => {
    expect(looksLikeConfigBoot(`x${'\n'.repeat(250_000)}y`)).toBe(false);
  });
});
