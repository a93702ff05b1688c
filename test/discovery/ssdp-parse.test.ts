/** Pure SSDP helpers and interface selection: no sockets. */
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ipv6Zone, selectInterfaces, sendRefusedWarning } from '../../src/discovery/ssdp.js';
import {
  buildMSearch,
  checkLocation,
  cleanHeaderValue,
  isIgdSearchTarget,
  normalizeAddress,
  parseSsdpMessage,
} from '../../src/discovery/ssdp-parse.js';

describe('buildMSearch', () => {
  it('writes the UDA 1.1 request with CRLF and a blank line', () => {
    expect(
      buildMSearch({
        host: '239.255.255.250',
        port: 1900,
        st: 'urn:x',
        mx: 2,
        userAgent: 'Linux/6 UPnP/1.1 boxaudit/1',
      }),
    ).toBe(
      'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 2\r\nST: urn:x\r\n' +
        'USER-AGENT: Linux/6 UPnP/1.1 boxaudit/1\r\n\r\n',
    );
  });

  it('brackets an IPv6 HOST', () => {
    expect(buildMSearch({ host: 'ff02::c', port: 1900, st: 'urn:x', mx: 2 })).toContain(
      '\r\nHOST: [ff02::c]:1900\r\n',
    );
  });
});

describe('parseSsdpMessage', () => {
  it('reads header names case-insensitively, with CRLF or bare LF, first occurrence winning', () => {
    for (const eol of ['\r\n', '\n']) {
      const parsed = parseSsdpMessage(
        [
          'HTTP/1.1 200 OK',
          'location: http://a/',
          'St:  urn:x ',
          'LOCATION: http://b/',
          'garbage line',
          '',
        ].join(eol),
      );
      expect(parsed.kind).toBe('response');
      if (parsed.kind !== 'response') continue;
      expect(parsed.status).toBe(200);
      expect(parsed.headers.get('location')?.trim()).toBe('http://a/');
      expect(parsed.headers.get('st')?.trim()).toBe('urn:x');
      expect(parsed.headers.size).toBe(2);
    }
  });

  it('stops at the blank line', () => {
    const parsed = parseSsdpMessage('HTTP/1.1 200 OK\r\nST: a\r\n\r\nLOCATION: http://body/\r\n');
    expect(parsed.kind === 'response' && parsed.headers.has('location')).toBe(false);
  });

  it('tells requests and garbage apart', () => {
    expect(parseSsdpMessage('NOTIFY * HTTP/1.1\r\nNT: x\r\n\r\n')).toEqual({
      kind: 'request',
      method: 'NOTIFY',
    });
    expect(parseSsdpMessage('m-search * http/1.1\r\n\r\n')).toEqual({ kind: 'request', method: 'M-SEARCH' });
    expect(parseSsdpMessage('').kind).toBe('invalid');
    const garbage = parseSsdpMessage('\u001b[2J\u0000hello');
    expect(garbage.kind).toBe('invalid');
    expect(JSON.stringify(garbage)).not.toContain('\u001b');
    expect(parseSsdpMessage('HTTP/1.1 404 Not Found\r\n\r\n')).toMatchObject({
      kind: 'response',
      status: 404,
    });
  });
});

describe('checkLocation', () => {
  it('accepts an http(s) URL on the host that answered', () => {
    const ok = checkLocation('http://192.168.1.1:5000/rootDesc.xml', '192.168.1.1');
    expect(ok).toMatchObject({ ok: true, sameHost: true });
    expect(checkLocation('https://192.168.1.1/desc.xml', '::ffff:192.168.1.1')).toMatchObject({
      sameHost: true,
    });
    expect(checkLocation('http://[FE80::1]:49000/igd.xml', 'fe80::1%eth0')).toMatchObject({ sameHost: true });
  });

  it('flags another host, or a DNS name, as not the same host', () => {
    expect(checkLocation('http://192.168.1.2:5000/x', '192.168.1.1')).toMatchObject({
      ok: true,
      sameHost: false,
    });
    expect(checkLocation('http://fritz.box:49000/igddesc.xml', '192.168.178.1')).toMatchObject({
      ok: true,
      sameHost: false,
    });
  });

  it('refuses non-http schemes, credentials, non-URLs and very long values', () => {
    expect(checkLocation('file:///etc/passwd', '1.2.3.4').ok).toBe(false);
    expect(checkLocation('ftp://1.2.3.4/x', '1.2.3.4').ok).toBe(false);
    const creds = checkLocation('http://admin:hunter2@1.2.3.4/x', '1.2.3.4');
    expect(creds.ok).toBe(false);
    expect(JSON.stringify(creds)).not.toContain('hunter2');
    expect(checkLocation('/rootDesc.xml', '1.2.3.4').ok).toBe(false);
    expect(checkLocation('', '1.2.3.4').ok).toBe(false);
    expect(checkLocation(`http://1.2.3.4/${'a'.repeat(3000)}`, '1.2.3.4').ok).toBe(false);
  });
});

describe('small helpers', () => {
  it('recognises IGD search targets of any version and case only', () => {
    expect(isIgdSearchTarget('urn:schemas-upnp-org:device:InternetGatewayDevice:2')).toBe(true);
    expect(isIgdSearchTarget('URN:SCHEMAS-UPNP-ORG:SERVICE:WANPPPCONNECTION:1')).toBe(true);
    expect(isIgdSearchTarget('urn:schemas-upnp-org:device:MediaServer:1')).toBe(false);
    expect(isIgdSearchTarget('upnp:rootdevice')).toBe(false);
  });

  it('cleans header values of control characters and cuts them', () => {
    expect(cleanHeaderValue(' a\u001b[31mb\u0007 ')).toBe('a[31mb');
    expect(cleanHeaderValue('x'.repeat(600))).toHaveLength(512);
  });

  it('normalizes addresses for comparison', () => {
    expect(normalizeAddress('[FE80::1%en0]')).toBe('fe80::1');
    expect(normalizeAddress('::ffff:10.0.0.1')).toBe('10.0.0.1');
  });
});

const v4 = (address: string, internal = false): NetworkInterfaceInfo => ({
  address,
  netmask: '255.255.255.0',
  family: 'IPv4',
  mac: '00:00:00:00:00:00',
  internal,
  cidr: `${address}/24`,
});
const v6 = (address: string, scopeid: number, internal = false): NetworkInterfaceInfo => ({
  address,
  netmask: 'ffff:ffff:ffff:ffff::',
  family: 'IPv6',
  mac: '00:00:00:00:00:00',
  internal,
  cidr: `${address}/64`,
  scopeid,
});

describe('selectInterfaces', () => {
  // What a Windows laptop with Hyper-V and a VPN looks like (names localised in French).
  const nics = {
    'Loopback Pseudo-Interface 1': [v4('127.0.0.1', true), v6('::1', 0, true)],
    Ethernet: [v4('192.168.1.20'), v6('2a01:e0a::20', 0), v6('fe80::20', 7)],
    'vEthernet (Default Switch)': [v4('172.27.96.1'), v6('fe80::1', 24)],
    'Connexion au réseau local* 3': [v6('fe80::99', 12)],
    'VPN tunnel': [v4('10.8.0.2'), v4('10.8.0.3')],
  };

  it('takes every non-internal IPv4 address and one IPv6 entry per interface, IPv4 first', () => {
    const { selected, missing } = selectInterfaces(nics);
    expect(missing).toEqual([]);
    expect(selected.filter((s) => s.family === 4).map((s) => s.address)).toEqual([
      '192.168.1.20',
      '172.27.96.1',
      '10.8.0.2',
      '10.8.0.3',
    ]);
    const six = selected.filter((s) => s.family === 6);
    expect(six.map((s) => s.name)).toEqual([
      'Ethernet',
      'vEthernet (Default Switch)',
      'Connexion au réseau local* 3',
    ]);
    // The link-local entry carries the interface's scope id.
    expect(six[0]).toMatchObject({ address: 'fe80::20', scopeId: 7 });
    expect(selected.findIndex((s) => s.family === 6)).toBe(4);
    expect(selected.some((s) => s.address === '127.0.0.1' || s.address === '::1')).toBe(false);
  });

  it('restricts to the names given and reports unknown ones', () => {
    const { selected, missing } = selectInterfaces(nics, ['Ethernet', 'eth9']);
    expect(selected.map((s) => `${s.name}/${s.family}`)).toEqual(['Ethernet/4', 'Ethernet/6']);
    expect(missing).toEqual(['eth9']);
  });

  it('finds nothing on a loopback-only machine', () => {
    expect(selectInterfaces({ lo: [v4('127.0.0.1', true)] }).selected).toEqual([]);
  });

  it('writes the IPv6 zone by name, or by number on Windows', () => {
    const iface = { name: 'Ethernet', family: 6 as const, address: 'fe80::20', scopeId: 7 };
    expect(ipv6Zone(iface, 'win32')).toBe('7');
    expect(ipv6Zone(iface, 'linux')).toBe('Ethernet');
    expect(ipv6Zone(iface, 'darwin')).toBe('Ethernet');
  });
});

describe('sendRefusedWarning', () => {
  it('names macOS Local Network privacy on macOS', () => {
    const w = sendRefusedWarning({
      code: 'EHOSTUNREACH',
      via: 'multicast',
      where: 'to 239.255.255.250 on en0',
      os: 'darwin',
    });
    expect(w.code).toBe('SSDP_SEND_REFUSED');
    expect(w.message).toMatch(/EHOSTUNREACH/);
    expect(w.message).toMatch(/Local Network/);
    expect(w.message).toMatch(/--gateway/);
  });

  it('points at a firewall elsewhere', () => {
    const w = sendRefusedWarning({
      code: 'EACCES',
      via: 'unicast',
      where: 'to 192.168.1.1:1900',
      os: 'win32',
    });
    expect(w.message).toMatch(/firewall/);
    expect(w.message).not.toMatch(/macOS/);
  });
});
