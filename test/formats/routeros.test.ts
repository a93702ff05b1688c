import { describe, expect, it } from 'vitest';
import { isBoxauditError } from '../../src/errors.js';
import { parseRouteros, parseRouterosPrintDetail } from '../../src/formats/routeros.js';
import { coverageMap, fixture, row } from '../adapters/helpers.js';

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

/** Forwards in compact words: `source proto ext host:int [from X] [disabled]`. */
const compact = (parts: ReturnType<typeof parseRouteros>) =>
  parts.forwards.map((f) => {
    const r = (p: { start: number; end: number } | null) =>
      p === null ? '?' : p.start === p.end ? `${p.start}` : `${p.start}-${p.end}`;
    const words = [f.source, f.protocol, r(f.externalPort), `${f.internalHost ?? '?'}:${r(f.internalPort)}`];
    if (f.remoteHost !== null) words.push(`from ${f.remoteHost}`);
    if (f.enabled === false) words.push('disabled');
    return words.join(' ');
  });
const codes = (parts: ReturnType<typeof parseRouteros>) => parts.warnings.map((w) => w.code);

describe('routeros: dstnat jumps', () => {
  it('follows a jump, combining the jump matchers (WAN list, protocol) with the target rules', () => {
    const parts = parseRouteros(
      [
        '/interface list member',
        'add interface=ether1 list=WAN',
        'add interface=bridge list=LAN',
        '/ip firewall nat',
        'add action=jump chain=dstnat in-interface-list=WAN protocol=tcp jump-target=pf',
        'add action=jump chain=dstnat in-interface-list=LAN jump-target=dns',
        'add action=dst-nat chain=pf dst-port=104 to-addresses=192.168.88.20',
        'add action=dst-nat chain=pf dst-port=8443 protocol=udp to-addresses=192.168.88.21',
        'add action=dst-nat chain=dns dst-port=53 protocol=udp to-addresses=192.168.88.2',
      ].join('\n'),
    );
    expect(compact(parts)).toEqual([
      'static tcp 104 192.168.88.20:104',
      'static udp 8443 192.168.88.21:8443',
    ]);
    expect(codes(parts)).toEqual(['ROUTEROS_NAT_NOT_WAN']);
    expect(parts.coverage.find((c) => c.area === 'static-forwards')?.status).toBe('complete');
  });

  it('refuses a loop with a warning and partial coverage, and stops at the depth bound', () => {
    const loop = parseRouteros(
      [
        '/ip firewall nat',
        'add action=jump chain=dstnat jump-target=a',
        'add action=dst-nat chain=a dst-port=80 protocol=tcp to-addresses=10.0.0.5',
        'add action=jump chain=a jump-target=b',
        'add action=jump chain=b jump-target=a',
      ].join('\n'),
    );
    expect(compact(loop)).toEqual(['static tcp 80 10.0.0.5:80']);
    expect(codes(loop)).toContain('ROUTEROS_JUMP_LOOP');
    expect(loop.coverage.find((c) => c.area === 'static-forwards')).toMatchObject({
      status: 'partial',
      code: 'ROUTEROS_NAT_JUMP_UNFOLLOWED',
    });

    const chain = Array.from({ length: 12 }, (_, i) => `add action=jump chain=c${i} jump-target=c${i + 1}`);
    const deep = parseRouteros(
      [
        '/ip firewall nat',
        'add action=jump chain=dstnat jump-target=c0',
        ...chain,
        'add action=dst-nat chain=c12 dst-port=22 protocol=tcp to-addresses=10.0.0.9',
      ].join('\n'),
    );
    expect(compact(deep)).toEqual([]);
    expect(codes(deep)).toContain('ROUTEROS_JUMP_TOO_DEEP');
    expect(deep.coverage.find((c) => c.area === 'static-forwards')?.status).toBe('partial');
  });

  it('a disabled jump makes the forwards behind it disabled; a jump to a missing chain is said', () => {
    const parts = parseRouteros(
      [
        '/ip firewall nat',
        'add action=jump chain=dstnat disabled=yes jump-target=pf',
        'add action=jump chain=dstnat jump-target=nowhere',
        'add action=dst-nat chain=pf dst-port=3389 protocol=tcp to-addresses=10.0.0.7',
      ].join('\n'),
    );
    expect(compact(parts)).toEqual(['static tcp 3389 10.0.0.7:3389 disabled']);
    expect(codes(parts)).toContain('ROUTEROS_JUMP_TARGET_EMPTY');
  });
});

describe('routeros: values that do not parse fail closed', () => {
  it('an unparseable dst-port is an unknown port with a warning, never all ports', () => {
    const parts = parseRouteros(
      [
        '/ip firewall nat',
        'add action=dst-nat chain=dstnat dst-port=$port protocol=tcp to-addresses=10.0.0.5',
        'add action=dst-nat chain=dstnat dst-port=80 protocol=tcp to-addresses=10.0.0.6 to-ports=http',
      ].join('\n'),
    );
    expect(compact(parts)).toEqual(['static tcp ? 10.0.0.5:?', 'static tcp 80 10.0.0.6:?']);
    expect(codes(parts).filter((c) => c === 'ROUTEROS_PORT_INVALID')).toHaveLength(2);
    expect(parts.dmz).toEqual({ enabled: false, host: null });
  });

  it('keeps a value wrapped right after `key=\\` at any line of the item, and `key= value`', () => {
    const parts = parseRouteros(
      [
        '/ip firewall nat',
        'add action=dst-nat chain=dstnat comment="wrapped" dst-port=\\',
        '    8080 protocol=\\',
        '    tcp to-addresses=\\',
        '    10.0.0.5 to-ports=80',
        'add action=dst-nat chain=dstnat dst-port= 2222 protocol= tcp to-addresses= 10.0.0.6 to-ports=22',
      ].join('\n'),
    );
    expect(compact(parts)).toEqual(['static tcp 8080 10.0.0.5:80', 'static tcp 2222 10.0.0.6:22']);
    expect(parts.warnings).toEqual([]);
  });

  it('an unknown protocol keeps the forward as tcp and udp with a warning; disabled stays disabled', () => {
    const parts = parseRouteros(
      [
        '/ip firewall nat',
        'add action=dst-nat chain=dstnat dst-port=5060 protocol=sctp to-addresses=10.0.0.5',
        'add action=dst-nat chain=dstnat disabled=yes dst-port=445 protocol=tcp to-addresses=10.0.0.6',
      ].join('\n'),
    );
    expect(compact(parts)).toEqual([
      'static tcp 5060 10.0.0.5:5060',
      'static udp 5060 10.0.0.5:5060',
      'static tcp 445 10.0.0.6:445 disabled',
    ]);
    expect(codes(parts)).toEqual(['PROTOCOL_UNKNOWN']);
  });

  it('several all-ports dst-nat rules each name their own host', () => {
    const parts = parseRouteros(
      [
        '/ip firewall nat',
        'add action=dst-nat chain=dstnat dst-address=203.0.113.10 to-addresses=192.168.1.10',
        'add action=dst-nat chain=dstnat dst-address=203.0.113.11 to-addresses=192.168.1.11',
      ].join('\n'),
    );
    expect(new Set(parts.forwards.map((f) => f.internalHost))).toEqual(
      new Set(['192.168.1.10', '192.168.1.11']),
    );
    expect(parts.forwards.every((f) => f.source === 'dmz')).toBe(true);
    expect(parts.dmz).toEqual({ enabled: true, host: '192.168.1.10,192.168.1.11' });
  });
});

describe('routeros: the WAN side comes from the configuration', () => {
  const base = [
    '/interface list member',
    'add interface=pppoe-out1 list=WAN',
    '/ip address',
    'add address=192.168.88.1/24 interface=bridge',
    '/ip dhcp-server',
    'add interface=bridge name=dhcp1',
  ];

  it('LAN-side DNS/NTP interception (LAN interface, !WAN list, the router LAN address) is no forward', () => {
    const parts = parseRouteros(
      [
        ...base,
        '/ip firewall nat',
        'add action=dst-nat chain=dstnat in-interface=bridge dst-port=53 protocol=udp to-addresses=192.168.88.2',
        'add action=dst-nat chain=dstnat in-interface-list=!WAN dst-port=123 protocol=udp to-addresses=192.168.88.3',
        'add action=dst-nat chain=dstnat dst-address=192.168.88.1 dst-port=8080 protocol=tcp to-addresses=192.168.88.4',
        'add action=dst-nat chain=dstnat in-interface=pppoe-out1 dst-port=443 protocol=tcp to-addresses=192.168.88.5',
      ].join('\n'),
    );
    expect(compact(parts)).toEqual(['static tcp 443 192.168.88.5:443']);
    expect(codes(parts)).toEqual(['ROUTEROS_NAT_NOT_WAN', 'ROUTEROS_NAT_NOT_WAN', 'ROUTEROS_NAT_NOT_WAN']);
  });

  it('the first rule seen does not decide the WAN: a rule on an interface of unknown side is kept with a warning', () => {
    const parts = parseRouteros(
      [
        '/ip firewall nat',
        'add action=dst-nat chain=dstnat in-interface=sfp1 dst-port=22 protocol=tcp to-addresses=10.0.0.5',
        'add action=dst-nat chain=dstnat in-interface=ether2 dst-port=80 protocol=tcp to-addresses=10.0.0.6',
      ].join('\n'),
    );
    expect(compact(parts)).toEqual(['static tcp 22 10.0.0.5:22', 'static tcp 80 10.0.0.6:80']);
    expect(codes(parts)).toEqual(['ROUTEROS_INTERFACE_SIDE_UNKNOWN', 'ROUTEROS_INTERFACE_SIDE_UNKNOWN']);
  });

  it('a dst-nat to the router itself, or a WAN redirect, is remote administration', () => {
    const toRouter = parseRouteros(
      [
        ...base,
        '/ip firewall nat',
        'add action=dst-nat chain=dstnat in-interface-list=WAN dst-port=9999 protocol=tcp to-addresses=192.168.88.1 to-ports=8291',
      ].join('\n'),
    );
    expect(compact(toRouter)).toEqual(['static tcp 9999 192.168.88.1:8291']);
    expect(toRouter.remoteAdmin?.services).toContainEqual({
      service: 'port-forward',
      port: 8291,
      wan: true,
      restrictedTo: null,
    });

    const redirect = parseRouteros(
      [
        ...base,
        '/ip firewall nat',
        'add action=redirect chain=dstnat in-interface=pppoe-out1 dst-port=8080 protocol=tcp to-ports=80',
        'add action=redirect chain=dstnat in-interface=bridge dst-port=53 protocol=udp to-ports=53',
      ].join('\n'),
    );
    expect(redirect.forwards).toEqual([]);
    // The default services of this export are there too (no input chain: unknown); the redirect is open.
    expect(redirect.remoteAdmin?.services.filter((s) => s.service === 'port-forward')).toEqual([
      { service: 'port-forward', port: 80, wan: true, restrictedTo: null },
    ]);
    expect(redirect.remoteAdmin?.enabled).toBe(true);
    expect(codes(redirect)).toEqual(['ROUTEROS_REDIRECT_TO_ROUTER', 'ROUTEROS_NAT_NOT_WAN']);
  });
});

describe('routeros: remote administration against the input chain', () => {
  const services = [
    '/ip service',
    'set telnet disabled=yes',
    'set ftp disabled=yes',
    'set api disabled=yes',
    'set api-ssl disabled=yes',
  ];
  const admin = (filter: string[], extra: string[] = []) =>
    parseRouteros(
      [
        '# 2025-01-01 by RouterOS 7.16',
        '/interface list member',
        'add interface=ether1 list=WAN',
        'add interface=bridge list=LAN',
        ...extra,
        '/ip firewall filter',
        ...filter,
        ...services,
      ].join('\n'),
    ).remoteAdmin?.services.map((s) => `${s.service}:${s.wan}${s.restrictedTo ? ` ${s.restrictedTo}` : ''}`);

  it('honours drops by WAN port name, by interface list, with extra matchers, and per-port rejects', () => {
    expect(admin(['add action=drop chain=input in-interface=ether1'])).toEqual([
      'www:false',
      'ssh:false',
      'winbox:false',
    ]);
    expect(admin(['add action=drop chain=input in-interface-list=WAN log=yes log-prefix=wan'])).toEqual([
      'www:false',
      'ssh:false',
      'winbox:false',
    ]);
    expect(admin(['add action=drop chain=input connection-state=new in-interface-list=!LAN'])).toEqual([
      'www:false',
      'ssh:false',
      'winbox:false',
    ]);
    expect(
      admin([
        'add action=reject chain=input dst-port=22,8291 protocol=tcp reject-with=icmp-port-unreachable',
      ]),
    ).toEqual(['www:true', 'ssh:false', 'winbox:false']);
    // A drop on the LAN side stops nothing from the WAN.
    expect(admin(['add action=drop chain=input in-interface=bridge'])).toEqual([
      'www:true',
      'ssh:true',
      'winbox:true',
    ]);
  });

  it('an accept limited by src-address-list is a restriction, not open to all', () => {
    expect(
      admin(
        [
          'add action=accept chain=input dst-port=22 protocol=tcp src-address-list=office',
          'add action=drop chain=input',
        ],
        ['/ip firewall address-list', 'add address=198.51.100.7 list=office'],
      ),
    ).toEqual(['www:false', 'ssh:true 198.51.100.7', 'winbox:false']);
    expect(
      admin(
        [
          'add action=accept chain=input dst-port=22 protocol=tcp src-address-list=lan-admins',
          'add action=drop chain=input',
        ],
        ['/ip firewall address-list', 'add address=192.168.88.0/24 list=lan-admins'],
      ),
    ).toEqual(['www:false', 'ssh:false 192.168.88.0/24', 'winbox:false']);
  });

  it('a matcher it cannot weigh makes the verdict unknown instead of closed', () => {
    expect(admin(['add action=drop chain=input in-interface-list=WAN time=8h-18h,mon,tue'])).toEqual([
      'www:null',
      'ssh:null',
      'winbox:null',
    ]);
  });

  it('follows jumps in the input chain', () => {
    expect(
      admin([
        'add action=jump chain=input in-interface-list=WAN jump-target=from-wan',
        'add action=accept chain=from-wan dst-port=8291 protocol=tcp',
        'add action=drop chain=from-wan',
      ]),
    ).toEqual(['www:false', 'ssh:false', 'winbox:true']);
  });
});

describe('routeros: hostile jump fan-out stays bounded', () => {
  it('stops after the visit budget with a warning and partial coverage, in NAT and in the input chain', () => {
    // Ten jumps to the next chain at each of eight levels would be 10^8 rule visits.
    const levels = Array.from({ length: 8 }, (_, i) =>
      Array.from(
        { length: 10 },
        () => `add action=jump chain=${i === 0 ? 'dstnat' : `l${i}`} jump-target=l${i + 1}`,
      ),
    ).flat();
    const inputLevels = levels.map((l) => l.replace('chain=dstnat', 'chain=input'));
    const parts = parseRouteros(
      [
        '# 2025-01-01 by RouterOS 7.16',
        '/interface list member',
        'add interface=ether1 list=WAN',
        '/ip firewall nat',
        ...levels,
        'add action=dst-nat chain=l8 dst-port=80 protocol=tcp to-addresses=10.0.0.5',
        '/ip firewall filter',
        ...inputLevels,
        // Nothing at the bottom decides for TCP: every path falls through.
        'add action=drop chain=l8 protocol=udp',
      ].join('\n'),
    );
    expect(parts.warnings.map((w) => w.code)).toContain('ROUTEROS_JUMP_TOO_MANY');
    expect(parts.coverage.find((c) => c.area === 'static-forwards')?.status).toBe('partial');
    expect(parts.remoteAdmin?.services.every((s) => s.wan === null)).toBe(true);
  });
});

describe('routeros: hostile values stay bounded in warnings', () => {
  it('clips a huge unparseable dst-port in the warning and keeps the port unknown', () => {
    const parts = parseRouteros(
      [
        '/ip firewall nat',
        `add action=dst-nat chain=dstnat dst-port=${'x'.repeat(100_000)} protocol=tcp to-addresses=10.0.0.5`,
      ].join('\n'),
    );
    expect(parts.forwards.map((f) => f.externalPort)).toEqual([null]);
    const w = parts.warnings.find((x) => x.code === 'ROUTEROS_PORT_INVALID');
    expect(w?.message.length).toBeLessThanOrEqual(300);
  });
});

describe('routeros: blank lines stay linear (review finding)', () => {
  it('250 000 blank lines: the print/export detection does not backtrack quadratically', () => {
    const text = `x${'\n'.repeat(250_000)}y`;
    let outcome: unknown;
    try {
      outcome = parseRouteros(text, { upnpPrint: text }).forwards;
    } catch (e) {
      outcome = isBoxauditError(e) ? e.code : e;
    }
    expect(outcome).toEqual([]);
  });
});
