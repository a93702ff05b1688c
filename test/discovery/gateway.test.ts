/**
 * Default route parsers on sample outputs of each platform (written in the documented formats:
 * Linux proc(5) /proc/net/route, macOS route(8), Windows Get-NetRoute | ConvertTo-Json), and the
 * live reader on this (Linux) machine, which only reads /proc/net/route: no network traffic.
 */
import { readFileSync } from 'node:fs';
import { platform } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  defaultGateway,
  defaultRoute,
  lookupDefaultRoute,
  parseLinuxProcRoute,
  parseMacRouteGet,
  parseWindowsNetRouteJson,
} from '../../src/discovery/gateway.js';
import { isBoxauditError } from '../../src/errors.js';

const LINUX_ROUTE = [
  'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT                                                       ',
  'wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0                                                                               ',
  'eth0\t00000000\tFE01A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0                                                                                ',
  'eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0                                                                                ',
  'wlan0\t0001A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0                                                                               ',
  '',
].join('\n');

describe('parseLinuxProcRoute', () => {
  it('picks the default route with the lowest metric and decodes little-endian hex', () => {
    expect(parseLinuxProcRoute(LINUX_ROUTE)).toEqual({
      gateway: '192.168.1.254',
      interface: 'eth0',
      metric: 100,
    });
  });

  it('skips down routes and routes without a gateway', () => {
    const text = [
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
      'tun0\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0', // on-link default (VPN)
      'eth1\t00000000\t0100000A\t0002\t0\t0\t0\t00000000\t0\t0\t0', // not up
      'eth0\t00000000\t0100000A\t0003\t0\t0\t50\t00000000\t0\t0\t0',
    ].join('\n');
    expect(parseLinuxProcRoute(text)).toEqual({ gateway: '10.0.0.1', interface: 'eth0', metric: 50 });
  });

  it('gives null without a default route or on garbage', () => {
    const noDefault = LINUX_ROUTE.split('\n')
      .filter((l) => !/\t00000000\t[0-9A-F]{8}\t0003/.test(l))
      .join('\n');
    expect(parseLinuxProcRoute(noDefault)).toBeNull();
    expect(parseLinuxProcRoute('')).toBeNull();
    expect(parseLinuxProcRoute('hello world\nfoo bar')).toBeNull();
  });
});

describe('parseMacRouteGet', () => {
  it('reads the gateway and interface', () => {
    const text = [
      '   route to: default',
      'destination: default',
      '       mask: default',
      '    gateway: 192.168.1.1',
      '  interface: en0',
      '      flags: <UP,GATEWAY,DONE,STATIC,PRCLONING,GLOBAL>',
      ' recvpipe  sendpipe  ssthresh  rtt,msec    rttvar  hopcount      mtu     expire',
      '       0         0         0         0         0         0      1500         0',
    ].join('\n');
    expect(parseMacRouteGet(text)).toEqual({ gateway: '192.168.1.1', interface: 'en0', metric: null });
  });

  it('gives null when default goes through a VPN link or there is no route', () => {
    const vpn = '   route to: default\ndestination: default\n    gateway: utun3\n  interface: utun3\n';
    expect(parseMacRouteGet(vpn)).toBeNull();
    expect(parseMacRouteGet('route: writing to routing socket: not in table\n')).toBeNull();
  });
});

describe('parseWindowsNetRouteJson', () => {
  it('reads a single route object (ConvertTo-Json of one item)', () => {
    const text =
      '{"NextHop":"192.168.1.1","InterfaceAlias":"Wi-Fi","InterfaceIndex":12,"RouteMetric":0,"InterfaceMetric":35}';
    expect(parseWindowsNetRouteJson(text)).toEqual({
      gateway: '192.168.1.1',
      interface: 'Wi-Fi',
      metric: 35,
    });
  });

  it('picks the lowest route + interface metric on a French system, skipping on-link VPN routes', () => {
    // A French Windows 11: aliases are localised, property names are not. BOM from PowerShell 5.1.
    const text =
      '\uFEFF[{"NextHop":"0.0.0.0","InterfaceAlias":"Connexion au réseau local* 10","InterfaceIndex":31,' +
      '"RouteMetric":0,"InterfaceMetric":1},' +
      '{"NextHop":"192.168.1.254","InterfaceAlias":"Connexion réseau sans fil","InterfaceIndex":14,' +
      '"RouteMetric":0,"InterfaceMetric":50},' +
      '{"NextHop":"192.168.0.1","InterfaceAlias":"Ethernet 2","InterfaceIndex":9,"RouteMetric":256,"InterfaceMetric":25}]\r\n';
    expect(parseWindowsNetRouteJson(text)).toEqual({
      gateway: '192.168.1.254',
      interface: 'Connexion réseau sans fil',
      metric: 50,
    });
  });

  it('gives null on empty output, a French error text, or odd JSON', () => {
    expect(parseWindowsNetRouteJson('')).toBeNull();
    expect(
      parseWindowsNetRouteJson(
        "Get-NetRoute : Aucun objet MSFT_NetRoute trouvé avec la propriété 'DestinationPrefix' égale à '0.0.0.0/0'.",
      ),
    ).toBeNull();
    expect(parseWindowsNetRouteJson('[1, "x", null, {"NextHop": 5}]')).toBeNull();
    expect(parseWindowsNetRouteJson('{"NextHop":"fe80::1","RouteMetric":0}')).toBeNull();
  });
});

describe('defaultGateway on this machine', () => {
  it.runIf(platform() === 'linux')('agrees with /proc/net/route', async () => {
    const expected = parseLinuxProcRoute(readFileSync('/proc/net/route', 'utf8'));
    expect(await defaultRoute()).toEqual(expected);
    expect(await defaultGateway()).toBe(expected?.gateway ?? null);
    const lookup = await lookupDefaultRoute();
    expect(lookup.problem === null).toBe(expected !== null);
  });

  it('rejects with BOXAUDIT_ABORTED on an aborted signal', async () => {
    const error = await defaultGateway({ signal: AbortSignal.abort() }).catch((e) => e);
    expect(isBoxauditError(error, 'BOXAUDIT_ABORTED')).toBe(true);
  });
});
