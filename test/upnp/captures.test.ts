/**
 * The UPnP parsers against real routers' replies: the corpus in ../shared/upnp-captures (33
 * devices; see its README for provenance and licence). The files are read in place, never copied.
 * Expected values below were read off the files by hand (and cross-checked with the README); they
 * are values, not copies. A second part replays each device's files over a loopback HTTP server and
 * runs the whole adapter on them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  collectUpnp,
  parseDeviceDescription,
  parsePortMappingEntry,
  parsePortMappingList,
  parseUptimeSeconds,
} from '../../src/adapters/upnp-igd.js';
import { BoxauditError } from '../../src/errors.js';
import { parseSoapResponse } from '../../src/transport/soap.js';
import { describeShared, sharedPath } from '../shared-corpus.js';

const CAPTURES = sharedPath('upnp-captures');
const present = existsSync(CAPTURES);

/** A made-up description URL: nothing is contacted in the parse tests. */
const DESC = 'http://192.168.1.1:5000/rootDesc.xml';
const at = (p: string) => `http://192.168.1.1:5000${p}`;

interface Mapping {
  proto: 'tcp' | 'udp';
  ext: number;
  /** null: the box sent internal port 0 (OpenWrt), which is not a port. */
  int: number | null;
  client: string;
  lease: number;
  remote?: string | null;
  description?: string | null;
}

interface Device {
  manufacturer: string;
  model: string;
  modelNumber: string | null;
  igd: 1 | 2;
  /** Offers WANIPv6FirewallControl (IPv6 pinholes boxaudit does not read). */
  ipv6fc?: true;
  /** WAN connection services, in document order. */
  services: string[];
  /** The first WAN service's control URL, resolved. */
  control: string;
  urlBase?: string | null;
  /** GetGenericPortMappingEntry at index 0; null = not a mapping (MikroTik's all-zero entry). */
  mapping: Mapping | null;
  externalIp?: string;
  status?: string;
  /** Uptime as kept: null when not a plain, plausible number of seconds. */
  uptime?: number | null;
  /** GetListOfPortMappings: entry count and the first entry. */
  list?: { count: number; first: { ext: number; client: string; description: string } };
  /** UPnP error code of the `_Empty` (end of list) reply. */
  empty?: number;
  /** UPnP error code of the `_NotFound` reply, or Netgear's success carrying another mapping. */
  notFound?: number | { notAFault: { internalPort: number; description: string } };
}

const tcp = (ext: number, client: string, lease: number, extra: Partial<Mapping> = {}): Mapping => ({
  proto: 'tcp',
  ext,
  int: ext,
  client,
  lease,
  ...extra,
});
const udp = (ext: number, client: string, lease: number, extra: Partial<Mapping> = {}): Mapping => ({
  ...tcp(ext, client, lease, extra),
  proto: 'udp',
});
const IP1 = 'WANIPConnection:1';
const IP2 = 'WANIPConnection:2';
const PPP1 = 'WANPPPConnection:1';

const DEVICES: Record<string, Device | { onlyNotFound: number }> = {
  'arcadyan-residential-livebox-gpon-wan-et': {
    manufacturer: 'Arcadyan',
    model: 'Residential Livebox (GPON, WAN Ethernet)',
    modelNumber: '4+',
    igd: 2,
    ipv6fc: true,
    services: [IP2],
    control: at('/2210321d/upnp/control/WANIPConn1'),
    mapping: tcp(29562, '192.168.1.77', 0, { int: 32400, description: '[redacted]' }),
    externalIp: '203.0.113.6',
    uptime: 402240,
  },
  'arris-group-tg4482a': {
    manufacturer: 'Arris Group, Inc',
    model: 'TG4482A',
    modelNumber: 'TG4482A',
    igd: 1,
    services: [IP1],
    control: at('/upnp/control/WANIPConnection0'),
    mapping: tcp(36666, '10.0.0.103', 86400, { description: 'Flux_App_FoldingAtRunOnFlux29' }),
    externalIp: '203.0.113.7',
    uptime: 1562762,
  },
  'askey-rtf8316vw': {
    manufacturer: 'Askey',
    model: 'RTF8316VW',
    modelNumber: '1.0',
    igd: 1,
    services: [IP1, IP2, PPP1],
    control: at('/ctl/IPConn'),
    mapping: tcp(30013, '192.168.1.3', 4294967295, { remote: null }), // NewRemoteHost 0.0.0.0
    externalIp: '203.0.113.8',
    uptime: 1209760,
  },
  'asustek-computer-rt-ac68u': {
    manufacturer: 'ASUSTeK Computer Inc.',
    model: 'RT-AC68U',
    modelNumber: '203.0.113.2.386',
    igd: 1,
    services: [IP1],
    control: at('/ctl/IPConn'),
    mapping: tcp(16167, '192.168.20.124', 0, { description: 'Flux_Backend_API' }),
    externalIp: '203.0.113.2',
    uptime: 8921948,
  },
  'avm-berlin-fritz-box-5690-pro': {
    manufacturer: 'AVM Berlin',
    model: 'FRITZ!Box 5690 Pro',
    modelNumber: '5690avme',
    igd: 2,
    ipv6fc: true,
    services: [IP2],
    control: at('/igd2upnp/control/WANIPConn2'),
    mapping: tcp(16127, '192.168.178.51', 0),
    externalIp: '203.0.113.4',
    uptime: 31315,
    list: { count: 10, first: { ext: 19093, client: '192.168.178.32', description: 'Flux.App.webalpha' } },
  },
  'avm-berlin-fritz-box-6660-cable': {
    manufacturer: 'AVM Berlin',
    model: 'FRITZ!Box 6660 Cable',
    modelNumber: '6660avm',
    igd: 2,
    ipv6fc: true,
    services: [IP2],
    control: at('/igd2upnp/control/WANIPConn2'),
    mapping: tcp(16137, '192.168.54.48', 0),
    externalIp: '203.0.113.5',
    uptime: 8527679,
    list: { count: 10, first: { ext: 16122, client: '192.168.54.31', description: 'FluxOS.Reserved' } },
    empty: 713,
    notFound: 714,
  },
  'bouygues-telecom-sagemcom-f-st5688b': {
    manufacturer: 'Bouygues Telecom',
    model: 'Sagemcom F@st5688b',
    modelNumber: 'Sagemcom F@st5688b',
    igd: 2,
    ipv6fc: true,
    services: [IP2],
    control: at('/ctl/IPConn'),
    mapping: tcp(16132, '192.168.1.161', 2175, { description: 'FluxOS Reserved' }),
    externalIp: '203.0.113.11',
    uptime: 11034178,
    list: { count: 12, first: { ext: 16132, client: '192.168.1.161', description: 'FluxOS Reserved' } },
    notFound: 714,
  },
  'bouygues-telecom-sagemcom-f-st5696b': {
    manufacturer: 'Bouygues Telecom',
    model: 'Sagemcom F@st5696b',
    modelNumber: 'Sagemcom F@st5696b',
    igd: 2,
    ipv6fc: true,
    services: [IP2],
    control: at('/ctl/IPConn'),
    mapping: tcp(16187, '192.168.1.207', 604207),
    externalIp: '203.0.113.12',
    uptime: 1757922,
    list: { count: 51, first: { ext: 16187, client: '192.168.1.207', description: 'Flux_Backend_API' } },
  },
  'bouygues-telecom-sagemcom-fast5330b-r1': {
    manufacturer: 'Bouygues Telecom',
    model: 'SagemCom Fast5330b-r1',
    modelNumber: 'SagemCom Fast5330b-r1',
    igd: 2,
    ipv6fc: true,
    services: [IP2],
    control: at('/ctl/IPConn'),
    mapping: tcp(16137, '192.168.1.134', 604237),
    externalIp: '203.0.113.10',
    uptime: 192169,
    list: { count: 37, first: { ext: 16137, client: '192.168.1.134', description: 'Flux_Backend_API' } },
    empty: 713,
  },
  'buffalo-wsr-1800ax4p': {
    manufacturer: 'BUFFALO INC.',
    model: 'WSR-1800AX4P',
    modelNumber: 'F/W Version 1.11',
    igd: 1,
    services: [IP1],
    control: at('/ctl/IPConn'),
    mapping: udp(54784, '192.168.2.47', 0, { description: 'Flux_Test_App' }),
    externalIp: '203.0.113.9',
    uptime: 80710,
  },
  'cisco-sg417dbct': {
    manufacturer: 'Cisco',
    model: 'SG417DBCT',
    modelNumber: 'SG417DBCT',
    igd: 1,
    services: [IP1],
    control: at('/upnp/control/WANIPConnection0'),
    mapping: tcp(16172, '10.0.0.55', 86400),
    externalIp: '203.0.113.14',
    uptime: 499292,
    empty: 713,
  },
  'd-link-d-link-router': {
    manufacturer: 'D-Link Corporation',
    model: 'D-Link Router',
    modelNumber: 'DIR-X3260',
    igd: 1,
    services: [IP1],
    control: at('/ctl/IPConn'),
    mapping: tcp(28716, '192.168.0.163', 0),
    externalIp: '203.0.113.15',
    uptime: 1592631,
  },
  'eero-eero-pro-7': {
    manufacturer: 'eero inc.',
    model: 'eero Pro 7',
    modelNumber: '0.0.1',
    igd: 1,
    services: [IP1],
    urlBase: 'http://192.168.4.1:1900/',
    control: 'http://192.168.4.1:1900/ipc',
    mapping: udp(3478, '192.168.4.33', 0),
  },
  'freebox-freebox-server': {
    manufacturer: 'Freebox',
    model: 'Freebox Server',
    modelNumber: '6',
    igd: 1,
    services: [IP1],
    control: at('/control/wan_ip_connection'),
    mapping: udp(59347, '192.168.0.14', 6774, { int: 41641 }),
    externalIp: '203.0.113.22',
    uptime: 3671231,
    empty: 713,
    notFound: 714,
  },
  'fritz-fritz-box-7530-ax': {
    manufacturer: 'FRITZ! GmbH',
    model: 'FRITZ!Box 7530 AX',
    modelNumber: '7530avm',
    igd: 2,
    ipv6fc: true,
    services: [IP2],
    control: at('/igd2upnp/control/WANIPConn2'),
    mapping: tcp(16127, '192.168.2.21', 0),
    externalIp: '203.0.113.18',
    uptime: 6491583,
    list: { count: 16, first: { ext: 32004, client: '192.168.2.21', description: 'Flux.App.eifasnpfdnew2' } },
  },
  'fritz-fritz-box-7590': {
    manufacturer: 'FRITZ! GmbH',
    model: 'FRITZ!Box 7590',
    modelNumber: '7590avm',
    igd: 2,
    ipv6fc: true,
    services: [IP2],
    control: at('/igd2upnp/control/WANIPConn2'),
    mapping: tcp(16162, '192.168.100.85', 2173),
    externalIp: '203.0.113.19',
    uptime: 85952,
    list: { count: 5, first: { ext: 16186, client: '192.168.100.87', description: 'Flux.Home.UI' } },
  },
  'fritz-fritz-box-7590-ax': {
    manufacturer: 'FRITZ! GmbH',
    model: 'FRITZ!Box 7590 AX',
    modelNumber: '7590avme',
    igd: 2,
    ipv6fc: true,
    services: [IP2],
    control: at('/igd2upnp/control/WANIPConn2'),
    mapping: tcp(16172, '192.168.40.76', 3551),
    externalIp: '203.0.113.20',
    uptime: 2531479,
    list: { count: 7, first: { ext: 16172, client: '192.168.40.76', description: 'FluxOS.Reserved' } },
  },
  'mikrotik-router-os': {
    manufacturer: 'MikroTik',
    model: 'Router OS',
    modelNumber: null,
    igd: 1,
    services: [IP1],
    urlBase: 'http://192.168.10.1:2828', // after </device>
    control: 'http://192.168.10.1:2828/upnp/control/yzsmazbtvg/wanipconn-2',
    mapping: null, // all-zero entry at index 0
    externalIp: '203.0.113.24',
    uptime: 9491069,
  },
  'nec-nec-platforms-aterm-series': {
    manufacturer: 'NEC Corporation/NEC Platforms, Ltd.',
    model: 'Aterm Series',
    modelNumber: null, // empty element
    igd: 1,
    services: [PPP1],
    control: at('/upnp/control/27039170'),
    mapping: tcp(16132, '192.168.10.4', 1910, { description: 'FluxOS Reserved' }),
    externalIp: '203.0.113.25',
    uptime: 15922238,
  },
  'netgear-netgear-rax30-802-11ax-wireless': {
    manufacturer: 'NETGEAR',
    model: 'Netgear RAX30 802.11ax Wireless Router',
    modelNumber: 'RAX30',
    igd: 1,
    services: [IP1],
    urlBase: 'http://192.168.1.1:56688/',
    control: 'http://192.168.1.1:56688/uuid:811a9e2f-733c-417a-8c93-e8a455000000/WANIPConnection:1',
    mapping: tcp(16182, '192.168.1.107', 2340),
    externalIp: '203.0.113.26',
    uptime: 6550619,
    notFound: { notAFault: { internalPort: 16182, description: 'FluxOS Reserved' } },
  },
  'neufbox-neufbox-router': {
    manufacturer: 'neufbox',
    model: 'neufbox router',
    modelNumber: '1',
    igd: 1,
    services: [IP1],
    control: at('/ctl/IPConn'),
    mapping: tcp(16157, '192.168.1.205', 70327),
    externalIp: '203.0.113.60',
    uptime: 2055514,
    list: { count: 55, first: { ext: 16157, client: '192.168.1.205', description: 'Flux_Backend_API' } },
  },
  'nokia-igd-v2': {
    manufacturer: 'Nokia',
    model: 'IGD Version 2.00',
    modelNumber: '2.00',
    igd: 2,
    ipv6fc: true,
    services: [IP2, PPP1],
    control: at('/upnp/control/WANIPConn1'),
    mapping: udp(9153, '192.168.18.16', 48833, { description: 'Flux_Test_App' }),
    externalIp: '203.0.113.16',
    uptime: null, // 1774728792: a Unix timestamp, not an uptime
  },
  'openwrt-openwrt-router-x': {
    manufacturer: 'OpenWrt',
    model: 'OpenWrt router',
    modelNumber: '1',
    igd: 1,
    services: [IP1],
    control: at('/ctl/IPConn'),
    mapping: tcp(16159, '192.168.100.234', 604792, { int: null, description: 'Flux_Syncthing' }),
    externalIp: '203.0.113.31',
    uptime: 5079445,
  },
  'sagemcom-f5685': {
    manufacturer: 'Sagemcom',
    model: 'F5685LGB',
    modelNumber: 'F5685LGB',
    igd: 1,
    services: [IP1],
    control: at('/upnp/control/WANIPConnection0'),
    mapping: tcp(10928, '192.168.1.236', 604740, { int: 32400, description: 'Plex Media Server' }),
    externalIp: '203.0.113.20',
    uptime: 1485573,
    notFound: 714,
  },
  'sagemcom-funbox-6-gpon-wan-ethernet': {
    manufacturer: 'Sagemcom',
    model: 'Funbox 6, (GPON, WAN Ethernet)',
    modelNumber: '6',
    igd: 2,
    ipv6fc: true,
    services: [PPP1],
    control: at('/64c41295/upnp/control/WANIPConn1'),
    mapping: tcp(16137, '192.168.1.22', 0),
    externalIp: '203.0.113.33',
    uptime: 336519,
  },
  'sagemcom-livebox': { onlyNotFound: 606 },
  'sagemcom-residential-livebox-gpon-wan-et': {
    manufacturer: 'Sagemcom',
    model: 'Residential Livebox (GPON, WAN Ethernet)',
    modelNumber: '5',
    igd: 2,
    ipv6fc: true,
    services: [IP2],
    control: at('/b36516b9/upnp/control/WANIPConn1'),
    mapping: tcp(16122, '192.168.1.15', 3097),
    externalIp: '203.0.113.34',
    uptime: 640412,
  },
  'sercomm-residential-livebox-gpon-wan-eth': {
    manufacturer: 'Sercomm',
    model: 'Residential Livebox (GPON, WAN Ethernet)',
    modelNumber: '4+',
    igd: 2,
    ipv6fc: true,
    services: [IP2],
    control: at('/e03e294b/upnp/control/WANIPConn1'),
    mapping: tcp(16197, '192.168.1.47', 0),
    externalIp: '203.0.113.35',
    uptime: 942038,
  },
  technicolor: {
    manufacturer: 'Technicolor',
    model: 'MediaAccess FG',
    modelNumber: 'Technicolor FGA2130FWB',
    igd: 2,
    services: [IP2],
    control: at('/pasNWBO/ctl/IPConn'),
    mapping: tcp(16182, '192.168.1.188', 3304),
    externalIp: '203.0.113.23',
    uptime: 7827304,
  },
  'tp-link-archer-ax1800': {
    manufacturer: 'TP-Link',
    model: 'Archer AX1800',
    modelNumber: '1.20',
    igd: 1,
    services: [IP1],
    control: at('/eyzyp/ctl/IPConn'),
    mapping: tcp(16187, '192.168.0.41', 0),
    externalIp: '203.0.113.40',
  },
  'tp-link-er605': {
    manufacturer: 'TP-Link',
    model: 'ER605',
    modelNumber: '2.20',
    igd: 1,
    services: [IP1],
    urlBase: null, // <URLBase></URLBase>
    control: at('/ipc1514793668213989'),
    mapping: udp(40241, '192.168.5.103', 0, { description: 'Flux_Test_App' }),
    externalIp: '203.0.113.47',
    uptime: null, // "0 Days, 00:16:40"
  },
  'ubiquiti-udm-pro': {
    manufacturer: 'Ubiquiti Networks',
    model: 'UDM-Pro',
    modelNumber: '0002d30a',
    igd: 2,
    ipv6fc: true,
    services: [IP2],
    control: at('/ctl/IPConn'),
    mapping: tcp(16127, '192.168.1.90', 604282),
    externalIp: '203.0.113.52',
    uptime: 6900091,
    list: { count: 52, first: { ext: 16127, client: '192.168.1.90', description: 'Flux_Backend_API' } },
  },
  'yamaha-rtx810': {
    manufacturer: 'YAMAHA Corporation',
    model: 'RTX810',
    modelNumber: null, // only the sub-devices carry one
    igd: 1,
    services: [IP1],
    urlBase: 'http://192.168.0.1:2869',
    control: 'http://192.168.0.1:2869/WANIPConnection',
    mapping: tcp(16152, '192.168.100.9', 3600, { description: 'FluxOS Reserved' }),
    externalIp: '203.0.113.58',
    uptime: 4587325,
  },
};

const KNOWN_FILES = new Set([
  'rootdesc.xml',
  'soap-GetGenericPortMappingEntry.xml',
  'soap-GetGenericPortMappingEntry_Empty.xml',
  'soap-GetListOfPortMappings.xml',
  'soap-GetStatusInfo.xml',
  'soap-GetExternalIPAddress.xml',
  'soap-GetSpecificPortMappingEntry_NotFound.xml',
]);

const folders = present
  ? readdirSync(CAPTURES, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()
  : [];
const read = (folder: string, file: string): string | null => {
  const p = path.join(CAPTURES, folder, file);
  return existsSync(p) ? readFileSync(p, 'utf8') : null;
};
/** Only the captures that exist get a test (each device has its own subset of files). */
const itWhen = (condition: boolean, name: string, fn: () => void): void => {
  if (condition) it(name, fn);
};
const faultCode = (xml: string, action: string): unknown => {
  try {
    parseSoapResponse(xml, action, '[captures]');
  } catch (error) {
    expect(error).toBeInstanceOf(BoxauditError);
    expect((error as BoxauditError).code).toBe('BOXAUDIT_SOAP_FAULT');
    return (error as BoxauditError).details.upnpErrorCode;
  }
  return 'no fault';
};

describeShared('upnp-captures', 'real-router captures: parsing', () => {
  it('the corpus has every device of the table, and the table every device of the corpus', () => {
    expect(folders).toEqual(Object.keys(DEVICES).sort());
    expect(folders).toHaveLength(33);
    for (const folder of folders) {
      for (const file of readdirSync(path.join(CAPTURES, folder))) {
        expect(KNOWN_FILES.has(file), `${folder}/${file}`).toBe(true);
      }
    }
  });

  describe.each(folders)('%s', (folder) => {
    const expected = DEVICES[folder]!;

    if ('onlyNotFound' in expected) {
      it('GetSpecificPortMappingEntry for an unmapped port → its fault code', () => {
        const xml = read(folder, 'soap-GetSpecificPortMappingEntry_NotFound.xml')!;
        expect(faultCode(xml, 'GetSpecificPortMappingEntry')).toBe(expected.onlyNotFound);
      });
      return;
    }

    it('rootdesc → device facts and WAN services', () => {
      const d = parseDeviceDescription(read(folder, 'rootdesc.xml')!, DESC);
      expect({
        manufacturer: d.manufacturer,
        model: d.model,
        modelNumber: d.modelNumber,
        igd: d.igdVersion,
      }).toEqual({
        manufacturer: expected.manufacturer,
        model: expected.model,
        modelNumber: expected.modelNumber,
        igd: expected.igd,
      });
      expect(d.services.map((s) => `${s.kind}:${s.version}`)).toEqual(expected.services);
      expect(d.services[0]?.controlUrl).toBe(expected.control);
      if (expected.urlBase !== undefined) expect(d.urlBase).toBe(expected.urlBase);
      expect(d.allServices.length).toBeGreaterThanOrEqual(d.services.length);
      expect(d.ipv6FirewallControl).toBe(expected.ipv6fc === true);
    });

    it('GetGenericPortMappingEntry → the forward', () => {
      const args = parseSoapResponse(
        read(folder, 'soap-GetGenericPortMappingEntry.xml')!,
        'GetGenericPortMappingEntry',
        '[captures]',
      );
      const forward = parsePortMappingEntry(args);
      const m = expected.mapping;
      if (m === null) {
        expect(forward).toBeNull();
        return;
      }
      expect(forward).toMatchObject({
        source: 'upnp',
        protocol: m.proto,
        externalPort: { start: m.ext, end: m.ext },
        internalHost: m.client,
        internalPort: m.int === null ? null : { start: m.int, end: m.int },
        remoteHost: m.remote ?? null,
        enabled: true,
        leaseSeconds: m.lease,
      });
      if (m.description !== undefined) expect(forward?.description).toBe(m.description);
    });

    const x = read(folder, 'soap-GetExternalIPAddress.xml');
    itWhen(x !== null, 'GetExternalIPAddress → the address', () => {
      const args = parseSoapResponse(x!, 'GetExternalIPAddress', '[captures]');
      expect(args.NewExternalIPAddress).toBe(expected.externalIp);
    });

    const s = read(folder, 'soap-GetStatusInfo.xml');
    itWhen(s !== null, 'GetStatusInfo → Connected and the uptime', () => {
      const args = parseSoapResponse(s!, 'GetStatusInfo', '[captures]');
      expect(args.NewConnectionStatus).toBe('Connected');
      expect(parseUptimeSeconds(args.NewUptime)).toBe(expected.uptime);
    });

    const l = read(folder, 'soap-GetListOfPortMappings.xml');
    itWhen(l !== null, 'GetListOfPortMappings → every entry', () => {
      const forwards = parsePortMappingList(l!);
      expect(forwards).toHaveLength(expected.list!.count);
      expect(forwards[0]).toMatchObject({
        protocol: 'tcp',
        externalPort: { start: expected.list!.first.ext, end: expected.list!.first.ext },
        internalHost: expected.list!.first.client,
        description: expected.list!.first.description,
        remoteHost: null,
      });
      expect(forwards.every((f) => f.externalPort !== null && f.internalHost !== null)).toBe(true);
    });

    const e = read(folder, 'soap-GetGenericPortMappingEntry_Empty.xml');
    itWhen(e !== null, 'GetGenericPortMappingEntry past the end → its fault code', () => {
      expect(faultCode(e!, 'GetGenericPortMappingEntry')).toBe(expected.empty);
    });

    const n = read(folder, 'soap-GetSpecificPortMappingEntry_NotFound.xml');
    itWhen(n !== null, 'GetSpecificPortMappingEntry for an unmapped port → its fault (or not)', () => {
      const want = expected.notFound!;
      if (typeof want === 'number') {
        expect(faultCode(n!, 'GetSpecificPortMappingEntry')).toBe(want);
      } else {
        // Netgear: a 200 success carrying an unrelated existing mapping.
        const args = parseSoapResponse(n!, 'GetSpecificPortMappingEntry', '[captures]');
        expect(Number(args.NewInternalPort)).toBe(want.notAFault.internalPort);
        expect(args.NewPortMappingDescription).toBe(want.notAFault.description);
      }
    });
  });

  it('CDATA (miniupnpd) and entity-escaped (AVM) lists decode alike', () => {
    const cdata = parsePortMappingList(read('ubiquiti-udm-pro', 'soap-GetListOfPortMappings.xml')!);
    const escaped = parsePortMappingList(read('fritz-fritz-box-7590', 'soap-GetListOfPortMappings.xml')!);
    for (const list of [cdata, escaped]) {
      for (const f of list) {
        expect(Object.keys(f).sort()).toEqual(Object.keys(cdata[0]!).sort());
        expect(f.description).not.toMatch(/[<>&]/);
        expect(f.externalPort?.start).toBeGreaterThan(0);
      }
    }
  });
});

/**
 * Replays a device's captured bytes as upstream's fake router does: rootdesc for GET, the index-0
 * entry for GetGenericPortMappingEntry 0, `_Empty` after it (a standard 713 when not captured),
 * `soap-<Action>.xml` for the rest, UPnP 401 for what was never captured. Faults go out as HTTP 500.
 */
async function replay(folder: string): Promise<{ url: string; close: () => Promise<void> }> {
  const fault713 =
    '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>713</errorCode><errorDescription>SpecifiedArrayIndexInvalid</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>';
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const action =
        String(req.headers.soapaction ?? '')
          .replace(/"/g, '')
          .split('#')[1] ?? '';
      let reply: string | null;
      if (req.method === 'GET') reply = read(folder, 'rootdesc.xml');
      else if (action === 'GetGenericPortMappingEntry') {
        const index = /<NewPortMappingIndex>(\d+)</.exec(body)?.[1];
        reply =
          index === '0'
            ? read(folder, 'soap-GetGenericPortMappingEntry.xml')
            : (read(folder, 'soap-GetGenericPortMappingEntry_Empty.xml') ?? fault713);
      } else reply = read(folder, `soap-${action}.xml`);
      if (reply === null)
        reply = fault713.replace('713', '401').replace('SpecifiedArrayIndexInvalid', 'Invalid Action');
      res.writeHead(reply.includes('Fault>') ? 500 : 200, { 'content-type': 'text/xml' });
      res.end(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/rootDesc.xml`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describeShared('upnp-captures', 'real-router captures: the whole adapter over loopback replay', () => {
  const devices = folders.filter((f) => !('onlyNotFound' in DEVICES[f]!));
  const servers: Array<{ close: () => Promise<void> }> = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  async function collectReplayed(folder: string, useListAction: boolean) {
    const server = await replay(folder);
    servers.push(server);
    return collectUpnp(server.url, { timeoutMs: 3000, useListAction });
  }

  it.each(devices)('%s, walked with GetGenericPortMappingEntry (the default)', async (folder) => {
    const expected = DEVICES[folder] as Device;
    const snapshot = await collectReplayed(folder, false);
    expect(snapshot.gateway.manufacturer).toBe(expected.manufacturer);
    expect(snapshot.gateway.externalIp).toBe(expected.externalIp ?? null);
    // Replayed: the one captured entry, then the captured (or a standard) end of list.
    const count = expected.mapping ? 1 : 0;
    expect(snapshot.forwards).toHaveLength(count);
    expect(snapshot.upnp?.mappingCount).toBe(count);
    const coverage = snapshot.coverage.find((c) => c.area === 'upnp-mappings');
    expect(coverage, JSON.stringify(coverage)).toMatchObject({ status: 'complete', code: 'UPNP_END_713' });
    if (expected.mapping === null) {
      expect(snapshot.warnings.map((w) => w.code)).toContain('UPNP_EMPTY_ENTRY');
    }
    expect(snapshot.coverage.find((c) => c.area === 'static-forwards')?.status).toBe('not-visible');
    expect(snapshot.coverage.find((c) => c.area === 'ipv6-pinholes')).toMatchObject({
      status: 'not-visible',
      code: expected.ipv6fc ? 'UPNP_IPV6_PINHOLES_NOT_READ' : 'UPNP_CANNOT_SEE_IPV6',
    });
  });

  const listed = devices.filter((f) => {
    const d = DEVICES[f] as Device;
    return d.list !== undefined && d.services.includes(IP2);
  });
  it.each(listed)('%s, listed with GetListOfPortMappings (opt-in)', async (folder) => {
    const expected = DEVICES[folder] as Device;
    const snapshot = await collectReplayed(folder, true);
    expect(snapshot.forwards).toHaveLength(expected.list!.count);
    const coverage = snapshot.coverage.find((c) => c.area === 'upnp-mappings');
    expect(coverage, JSON.stringify(coverage)).toMatchObject({
      status: 'complete',
      code: 'UPNP_LIST_COMPLETE',
    });
  });
});
