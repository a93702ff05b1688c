import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/audit.js';
import { isBoxauditError } from '../../src/errors.js';
import { partsToSnapshot } from '../../src/formats/config-parts.js';
import { MAX_ALIAS_RANGES, parseOpnsense, parsePfsense } from '../../src/formats/pfsense-config.js';
import { loadRuleSet } from '../../src/rules/index.js';
import { coverageMap, fixture, row } from '../adapters/helpers.js';

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

/** The pfSense fixture with extra aliases, and the RDP rule (nat/rule[4]) given another public and local port. */
function pfWith(aliases: string, rdp: { port?: string; localPort?: string }): string {
  let text = fixture('pfsense/config.xml').replace('</aliases>', `${aliases}</aliases>`);
  if (rdp.port) text = text.replace('<port>33389</port>', `<port>${rdp.port}</port>`);
  if (rdp.localPort)
    text = text.replace('<local-port>3389</local-port>', `<local-port>${rdp.localPort}</local-port>`);
  return text;
}

const portAlias = (name: string, entries: string[]) =>
  `<alias><name>${name}</name><type>port</type><address>${entries.join(' ')}</address></alias>`;

/** Aliases b0 → b1 → … → b<depth-1>, each listing the next one `width` times; the last lists `leaf`. */
function aliasBomb(width: number, depth: number, leaf: string[]): string {
  let out = '';
  for (let i = 0; i < depth - 1; i++) out += portAlias(`b${i}`, Array(width).fill(`b${i + 1}`));
  return out + portAlias(`b${depth - 1}`, leaf);
}

const rdpForwards = (parts: ReturnType<typeof parsePfsense>) =>
  parts.forwards.filter((f) => f.description === 'RDP remapped');

describe('pfsense: port aliases that expand a lot (fuzz report item 1)', () => {
  // Without memoised, merged aliases this is 10^8 ranges: a stack overflow (or, narrower, a hang that
  // the test timeout catches). No timing assertion: speed goals live in bench/.
  it('an alias listing the next one 100 times, 5 deep, resolves to one merged range', () => {
    const parts = parsePfsense(pfWith(aliasBomb(100, 5, ['80']), { port: 'b0' }));
    expect(rdpForwards(parts).map(row)).toEqual([
      ['static', 'tcp', '80-80', '192.168.1.50', '3389-3389', null, true, 'RDP remapped', 0],
    ]);
  });

  it(`more than ${MAX_ALIAS_RANGES} separate ranges: the public port is unknown, with a warning naming alias and rule`, () => {
    const even = Array.from({ length: MAX_ALIAS_RANGES + 100 }, (_, i) => String(2 * (i + 1)));
    const parts = parsePfsense(pfWith(aliasBomb(3, 3, even), { port: 'b0' }));
    expect(rdpForwards(parts).map(row)).toEqual([
      ['static', 'tcp', null, '192.168.1.50', '3389-3389', null, true, 'RDP remapped', 0],
    ]);
    const w = parts.warnings.find((x) => x.code === 'PFSENSE_ALIAS_TOO_LARGE');
    expect(w?.where).toBe('nat/rule[4]');
    expect(w?.message).toMatch(/port alias "b0" expands to more than 4096 separate port ranges/);
  });

  it('a 65,535-port alias listed port by port gives one range, not 65,535 forwards', () => {
    const all = Array.from({ length: 65535 }, (_, i) => String(65535 - i));
    const parts = parsePfsense(pfWith(portAlias('every_port', all), { port: 'every_port' }));
    expect(rdpForwards(parts).map(row)).toEqual([
      ['static', 'tcp', '1-65535', '192.168.1.50', '3389-65535', null, true, 'RDP remapped', 0],
    ]);
    expect(parts.forwards.length).toBeLessThan(20);
  });

  it('an alias loop or an entry that is not a port is unresolved, with a warning', () => {
    const loop = portAlias('a', ['b']) + portAlias('b', ['a']);
    const looped = parsePfsense(pfWith(loop, { port: 'a' }));
    expect(rdpForwards(looped)[0]?.externalPort).toBeNull();
    expect(looped.warnings).toContainEqual(
      expect.objectContaining({ code: 'PFSENSE_ALIAS_UNRESOLVED', where: 'nat/rule[4]' }),
    );
    const bad = parsePfsense(pfWith(portAlias('p', ['80', 'http']), { port: 'p' }));
    expect(bad.warnings.find((w) => w.where === 'nat/rule[4]')?.message).toMatch(
      /entry "http" of port alias "p" is not a port/,
    );
  });
});

describe('pfsense: <local-port> (fuzz report item 8)', () => {
  it('a port alias in local-port is resolved, so the RDP finding is there', async () => {
    const parts = parsePfsense(pfWith(portAlias('RDP_port', ['3389']), { localPort: 'RDP_port' }));
    expect(rdpForwards(parts).map(row)).toEqual([
      ['static', 'tcp', '33389-33389', '192.168.1.50', '3389-3389', null, true, 'RDP remapped', 0],
    ]);
    expect(parts.warnings.map((w) => w.code)).not.toContain('PFSENSE_LOCAL_PORT_INVALID');
    const target = { kind: 'file' as const, address: 'config.xml', adapter: 'pfsense' };
    const snapshot = partsToSnapshot(parts, target, '2026-01-01T00:00:00Z');
    const report = buildReport([snapshot], await loadRuleSet(), { now: new Date('2026-01-01T00:00:00Z') });
    const rdpId = snapshot.forwards.find((f) => f.description === 'RDP remapped')?.id;
    expect(report.findings.some((f) => f.ruleId === 'BOX-RA-001' && f.forwardId === rdpId)).toBe(true);
  });

  it('an unreadable local-port is unknown (null) with a warning, not the public port', () => {
    const parts = parsePfsense(pfWith('', { localPort: 'abc' }));
    expect(rdpForwards(parts).map(row)).toEqual([
      ['static', 'tcp', '33389-33389', '192.168.1.50', null, null, true, 'RDP remapped', 0],
    ]);
    const w = parts.warnings.find((x) => x.code === 'PFSENSE_LOCAL_PORT_INVALID');
    expect(w?.where).toBe('nat/rule[4]');
    expect(w?.message).toMatch(/local port "abc" is not a port/);
  });

  it('a local-port alias of several separate ports is unknown too', () => {
    const parts = parsePfsense(pfWith(portAlias('two', ['3389', '5900']), { localPort: 'two' }));
    expect(rdpForwards(parts)[0]?.internalPort).toBeNull();
    expect(parts.warnings.find((x) => x.code === 'PFSENSE_LOCAL_PORT_INVALID')?.message).toMatch(
      /port alias of 2 separate ranges/,
    );
  });
});

describe('pfsense: a service port that is not 1-65535', () => {
  it('is unknown (warned): the WAN verdict is unknown too, never NaN', () => {
    const text = fixture('pfsense/config.xml').replace('<webgui>', '<webgui>\n\t\t\t<port>99999</port>');
    expect(text).toContain('<port>99999</port>');
    const parts = parsePfsense(text);
    expect(parts.remoteAdmin?.services[0]).toMatchObject({ port: null, wan: null });
    expect(parts.warnings).toContainEqual(
      expect.objectContaining({ code: 'PFSENSE_SERVICE_PORT_INVALID', where: 'system/webgui' }),
    );
  });
});

/** A minimal config.xml around the given interfaces, gateways, NAT and filter sections. */
function pfConfig(body: {
  interfaces: string;
  gateways?: string;
  nat?: string;
  filter?: string;
  extra?: string;
}) {
  return `<?xml version="1.0"?><pfsense><system><hostname>fw</hostname><webgui><protocol>https</protocol></webgui>
    <ssh><enable>enabled</enable></ssh></system>
    <interfaces>${body.interfaces}</interfaces><gateways>${body.gateways ?? ''}</gateways>
    <nat>${body.nat ?? ''}</nat><filter>${body.filter ?? ''}</filter>${body.extra ?? ''}</pfsense>`;
}

const WAN_DHCP = '<wan><if>igb0</if><ipaddr>dhcp</ipaddr></wan>';
const allowAllOn = (iface: string) =>
  `<rule><type>pass</type><interface>${iface}</interface><source><any/></source><destination><any/></destination></rule>`;
const forward = (iface: string, port: string, target: string, extra = '') =>
  `<rule><interface>${iface}</interface><protocol>tcp</protocol><source><any/></source>
    <destination><network>wanip</network><port>${port}</port></destination><target>${target}</target>
    <local-port>${port}</local-port>${extra}</rule>`;

describe('pfsense: the WAN is decided by role (issue 10)', () => {
  it('a LAN with a <gateway> towards an inside router is not a WAN: its allow-all rule is not admin from the Internet', () => {
    const parts = parsePfsense(
      pfConfig({
        interfaces: `${WAN_DHCP}<lan><if>igb1</if><ipaddr>192.168.1.1</ipaddr><subnet>24</subnet><gateway>INSIDE_GW</gateway></lan>`,
        gateways: `<gateway_item><name>INSIDE_GW</name><interface>lan</interface><gateway>192.168.1.254</gateway></gateway_item>
          <gateway_item><name>WAN_DHCP</name><interface>wan</interface><gateway>dynamic</gateway><defaultgw/></gateway_item>`,
        filter: allowAllOn('lan'),
        nat: forward('lan', '53', '192.168.1.53'),
      }),
    );
    expect(parts.remoteAdmin?.services.every((s) => s.wan === false)).toBe(true);
    expect(parts.forwards).toEqual([]);
    expect(parts.lanPrefixes).toEqual(['192.168.1.0/24']);
    expect(parts.warnings.map((w) => [w.code, w.where])).toEqual([
      ['PFSENSE_GATEWAY_NOT_WAN', 'interfaces/lan'],
      ['PFSENSE_NAT_NOT_WAN', 'nat/rule[1]'],
    ]);
  });

  it('a second uplink behind an ISP box (private address) is a WAN when its gateway is in a gateway group', () => {
    const parts = parsePfsense(
      pfConfig({
        interfaces: `${WAN_DHCP}<lan><if>igb1</if><ipaddr>10.0.0.1</ipaddr><subnet>24</subnet></lan>
          <opt1><if>igb2</if><ipaddr>192.168.0.2</ipaddr><subnet>24</subnet><gateway>LTE_GW</gateway></opt1>`,
        gateways: `<gateway_item><name>LTE_GW</name><interface>opt1</interface><gateway>192.168.0.1</gateway></gateway_item>
          <gateway_group><name>Failover</name><item>WAN_DHCP|1|address</item><item>LTE_GW|2|address</item></gateway_group>`,
        filter: allowAllOn('opt1'),
        nat: forward('opt1', '3389', '10.0.0.50'),
      }),
    );
    expect(parts.forwards.map((f) => [f.internalHost, f.externalPort])).toEqual([
      ['10.0.0.50', { start: 3389, end: 3389 }],
    ]);
    // An allow-all pass rule on the uplink reaches the firewall's own GUI and SSH.
    expect(parts.remoteAdmin?.services.map((s) => s.wan)).toEqual([true, true]);
    expect(parts.lanPrefixes).toEqual(['10.0.0.0/24']);
  });

  it('the default gateway marks its interface as a WAN (<defaultgw> or <defaultgw4>), <defaultgw>0</defaultgw> does not', () => {
    const iface = `${WAN_DHCP}<opt2><if>igb3</if><ipaddr>172.16.5.2</ipaddr><subnet>30</subnet><gateway>UP2</gateway></opt2>`;
    const item = (flag: string) =>
      `<gateway_item><name>UP2</name><interface>opt2</interface><gateway>172.16.5.1</gateway>${flag}</gateway_item>`;
    const wanOf = (gateways: string) =>
      parsePfsense(pfConfig({ interfaces: iface, gateways, filter: allowAllOn('opt2') })).remoteAdmin
        ?.services[0]?.wan;
    expect(wanOf(item('<defaultgw/>'))).toBe(true);
    expect(wanOf(`${item('')}<defaultgw4>UP2</defaultgw4>`)).toBe(true);
    expect(wanOf(item('<defaultgw>0</defaultgw>'))).toBe(false);
  });
});

describe('pfsense: inside networks, forwards to the firewall itself, protocols (issue 10)', () => {
  it('static routes to private networks are inside networks: a forward there is an ordinary forward', async () => {
    const parts = parsePfsense(
      pfConfig({
        interfaces: `${WAN_DHCP}<lan><if>igb1</if><ipaddr>192.168.1.1</ipaddr><subnet>24</subnet></lan>`,
        gateways:
          '<gateway_item><name>CORE</name><interface>lan</interface><gateway>192.168.1.254</gateway></gateway_item>',
        nat: forward('wan', '443', '10.50.3.10'),
        extra: `<staticroutes><route><network>10.50.0.0/16</network><gateway>CORE</gateway></route>
          <route><network>172.20.0.0/16</network><gateway>CORE</gateway><disabled/></route></staticroutes>`,
      }),
    );
    expect(parts.lanPrefixes).toEqual(['192.168.1.0/24', '10.50.0.0/16']);
    const snapshot = partsToSnapshot(
      parts,
      { kind: 'file', address: 'x', adapter: 'pfsense' },
      '2026-01-01T00:00:00Z',
    );
    const report = buildReport([snapshot], await loadRuleSet(), { now: new Date('2026-01-01T00:00:00Z') });
    expect(report.findings.filter((f) => f.ruleId === 'BOX-NET-003')).toEqual([]);
  });

  it('a forward to lanip, (self) or the firewall address is remote administration from the Internet', () => {
    for (const target of ['lanip', '192.168.1.1', '(self)']) {
      const parts = parsePfsense(
        pfConfig({
          interfaces: `${WAN_DHCP}<lan><if>igb1</if><ipaddr>192.168.1.1</ipaddr><subnet>24</subnet></lan>`,
          nat: forward('wan', '8443', target),
        }),
      );
      expect(parts.remoteAdmin?.services).toContainEqual({
        service: 'port-forward',
        port: 8443,
        wan: true,
        restrictedTo: null,
      });
      if (target === 'lanip') expect(parts.forwards[0]?.internalHost).toBe('192.168.1.1');
    }
  });

  it('tcp/udp is both; an unknown protocol keeps the forward as tcp+udp with a warning; GRE is not a port forward', () => {
    const rule = (proto: string) =>
      `<rule><interface>wan</interface><protocol>${proto}</protocol><destination><network>wanip</network><port>5000</port></destination><target>192.168.1.9</target><local-port>5000</local-port></rule>`;
    const parts = parsePfsense(
      pfConfig({
        interfaces: `${WAN_DHCP}<lan><if>igb1</if><ipaddr>192.168.1.1</ipaddr><subnet>24</subnet></lan>`,
        nat: rule('tcp/udp') + rule('sctp') + rule('gre'),
      }),
    );
    expect(parts.forwards.map((f) => f.protocol)).toEqual(['tcp', 'udp', 'tcp', 'udp']);
    expect(parts.warnings.map((w) => [w.code, w.where])).toEqual([
      ['PROTOCOL_UNKNOWN', 'nat/rule[2]'],
      ['PFSENSE_PROTOCOL_OTHER', 'nat/rule[3]'],
    ]);
  });

  it('an unreadable public port is unknown (null) with a warning, never all ports', () => {
    const parts = parsePfsense(
      pfConfig({
        interfaces: `${WAN_DHCP}<lan><if>igb1</if><ipaddr>192.168.1.1</ipaddr><subnet>24</subnet></lan>`,
        nat: forward('wan', '80,443', '192.168.1.9'),
      }),
    );
    expect(parts.forwards.map((f) => f.externalPort)).toEqual([null]);
    expect(parts.warnings.map((w) => w.code)).toContain('PFSENSE_ALIAS_UNRESOLVED');
  });

  it('<nordr>0</nordr> and <not>0</not> (OPNsense writes unchecked boxes as 0) are unset', () => {
    const parts = parseOpnsense(
      pfConfig({
        interfaces: `${WAN_DHCP}<lan><if>igb1</if><ipaddr>192.168.1.1</ipaddr><subnet>24</subnet></lan>`,
        nat: forward('wan', '443', '192.168.1.9', '<nordr>0</nordr><disabled>0</disabled>').replace(
          '<source><any/></source>',
          '<source><address>198.51.100.4</address><not>0</not></source>',
        ),
      }).replace(/pfsense>/g, 'opnsense>'),
    );
    expect(parts.forwards.map((f) => [f.enabled, f.remoteHost])).toEqual([[true, '198.51.100.4']]);
  });

  it('a WAN block of every source before a pass rule closes the GUI (first match wins)', () => {
    const pass = `<rule><type>pass</type><interface>wan</interface><protocol>tcp</protocol><source><any/></source><destination><network>wanip</network><port>443</port></destination></rule>`;
    const block = `<rule><type>block</type><interface>wan</interface><source><any/></source><destination><any/></destination></rule>`;
    const cfg = (filter: string) => pfConfig({ interfaces: WAN_DHCP, filter });
    expect(parsePfsense(cfg(block + pass)).remoteAdmin?.services[0]?.wan).toBe(false);
    expect(parsePfsense(cfg(pass + block)).remoteAdmin?.services[0]?.wan).toBe(true);
  });
});

describe('pfsense: WAN pass rules that cannot be read are unknown, not closed', () => {
  const cfg = (filter: string) =>
    pfConfig({
      interfaces: `${WAN_DHCP}<lan><if>igb1</if><ipaddr>192.168.1.1</ipaddr><subnet>24</subnet></lan>`,
      filter,
    });
  const wans = (text: string) => parsePfsense(text).remoteAdmin?.services.map((s) => [s.service, s.wan]);

  it('a pass to wanip on an unknown port alias leaves HTTPS and SSH unknown', () => {
    const text = cfg(
      '<rule><type>pass</type><interface>wan</interface><protocol>tcp</protocol><source><any/></source><destination><network>wanip</network><port>AdminPorts</port></destination></rule>',
    );
    const parts = parsePfsense(text);
    expect(parts.remoteAdmin?.services.map((s) => [s.service, s.wan])).toEqual([
      ['https', null],
      ['ssh', null],
    ]);
    expect(parts.warnings.map((w) => w.code)).toContain('PFSENSE_ALIAS_UNRESOLVED');
    expect(parts.coverage.find((c) => c.area === 'remote-admin')).toMatchObject({
      status: 'partial',
      code: 'PF_WAN_RULES_UNREADABLE',
    });
  });

  it('a pass to "not LAN net" port 22 reaches the WAN address; "not wanip" does not', () => {
    const rule = (dst: string) =>
      `<rule><type>pass</type><interface>wan</interface><protocol>tcp</protocol><source><any/></source><destination>${dst}<not/><port>22</port></destination></rule>`;
    expect(wans(cfg(rule('<network>lan</network>')))).toEqual([
      ['https', false],
      ['ssh', true],
    ]);
    expect(wans(cfg(rule('<network>wanip</network>')))).toEqual([
      ['https', false],
      ['ssh', false],
    ]);
  });
});

describe('pfsense: virtual IPs and NPT', () => {
  it('a forward to a virtual IP of the firewall is administration; NPT rules are warned as not audited', () => {
    const parts = parsePfsense(
      pfConfig({
        interfaces: `${WAN_DHCP}<lan><if>igb1</if><ipaddr>192.168.1.1</ipaddr><subnet>24</subnet></lan>`,
        nat: `${forward('wan', '8080', '192.168.1.2')}<npt><interface>wan</interface><source><address>fd00::/48</address></source><destination><address>2001:db8::/48</address></destination></npt>`,
        extra:
          '<virtualip><vip><mode>ipalias</mode><interface>lan</interface><subnet>192.168.1.2</subnet><subnet_bits>24</subnet_bits></vip></virtualip>',
      }),
    );
    expect(parts.remoteAdmin?.services).toContainEqual({
      service: 'port-forward',
      port: 8080,
      wan: true,
      restrictedTo: null,
    });
    expect(parts.warnings.map((w) => [w.code, w.where])).toContainEqual([
      'PFSENSE_NPT_NOT_AUDITED',
      'nat/npt',
    ]);
  });
});

describe('opnsense: gateways of the MVC model (<OPNsense><Gateways>)', () => {
  it('a default gateway declared there marks its interface as a WAN', () => {
    const text = pfConfig({
      interfaces: `${WAN_DHCP}<opt1><if>igb2</if><ipaddr>10.99.0.2</ipaddr><subnet>30</subnet><gateway>UPLINK2</gateway></opt1>`,
      filter: allowAllOn('opt1'),
      extra:
        '<OPNsense><Gateways><gateway_item uuid="x"><name>UPLINK2</name><interface>opt1</interface><gateway>10.99.0.1</gateway><defaultgw>1</defaultgw></gateway_item></Gateways></OPNsense>',
    }).replace(/pfsense>/g, 'opnsense>');
    expect(parseOpnsense(text).remoteAdmin?.services[0]?.wan).toBe(true);
  });
});
