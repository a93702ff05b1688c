/**
 * Unit tests of the UPnP building blocks: safe XML, SOAP envelopes and replies, mapping entries,
 * and the UPnP layer of the bounded HTTP client (non-2xx as errors, on a loopback server).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  parseDeviceDescription,
  parsePortMappingEntry,
  parsePortMappingList,
  parseUptimeSeconds,
  resolveDescriptionUrl,
} from '../../src/adapters/upnp-igd.js';
import { BoxauditError } from '../../src/errors.js';
import { httpRequest } from '../../src/transport/http.js';
import { buildSoapEnvelope, parseSoapResponse } from '../../src/transport/soap.js';
import { parsePortMappingEntries } from '../../src/upnp/mappings.js';
import { childText, parseXml } from '../../src/util/xml.js';

function thrown(fn: () => unknown): BoxauditError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BoxauditError);
    return error as BoxauditError;
  }
  throw new Error('expected a BoxauditError');
}

describe('parseXml', () => {
  it('says where malformed XML breaks (line and column)', () => {
    expect(() => parseXml('<root>\n  <nat>\n</root', { context: 'config.xml' })).toThrow(
      /^config\.xml: malformed XML \(.+ at line 3, column \d+\)$/,
    );
  });

  it('takes a BOM, CRLF/LF mixes, whitespace inside tags and any prefix', () => {
    const doc = parseXml(
      '\uFEFF<?xml version="1.0"?>\r\n<s:Envelope xmlns:s="x">\n<s:Body   >\r\n<a:X  >  v \r\n</a:X></s:Body></s:Envelope>',
      {
        context: 't',
      },
    );
    expect(doc.name).toBe('Envelope');
    expect(childText(doc.root.Body?.[0], 'x')).toBe('v');
  });

  it('cuts text after the closing root when asked (Nokia capture: an SCPD appended)', () => {
    const text = '<root><device><UDN>u</UDN></device></root>\nROOT_DESC_END\nSCPD_START<!DOCTYPE scpd><scpd>';
    expect(() => parseXml(text, { context: 't' })).toThrow(/DOCTYPE/);
    expect(parseXml(text, { context: 't', cutAfterClosing: 'root' }).name).toBe('root');
  });

  it('refuses any DOCTYPE or ENTITY, naming the context', () => {
    const error = thrown(() =>
      parseXml('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>', {
        context: '[upnp-igd] GET x',
      }),
    );
    expect(error.code).toBe('BOXAUDIT_PROTOCOL_ERROR');
    expect(error.message).toMatch(/^\[upnp-igd\] GET x: the XML contains a DOCTYPE/);
  });

  it('malformed and empty documents are protocol errors', () => {
    expect(thrown(() => parseXml('<a><b></a>', { context: 't' })).code).toBe('BOXAUDIT_PROTOCOL_ERROR');
    expect(thrown(() => parseXml('  \r\n', { context: 't' })).message).toMatch(/empty reply/);
    expect(thrown(() => parseXml('<a>unterminated', { context: 't' })).code).toBe('BOXAUDIT_PROTOCOL_ERROR');
  });
});

describe('SOAP', () => {
  it('builds an escaped envelope', () => {
    const xml = buildSoapEnvelope(
      'urn:schemas-upnp-org:service:WANIPConnection:1',
      'GetSpecificPortMappingEntry',
      {
        NewRemoteHost: '<&>',
        NewExternalPort: 80,
      },
    );
    expect(xml).toContain(
      '<u:GetSpecificPortMappingEntry xmlns:u="urn:schemas-upnp-org:service:WANIPConnection:1">',
    );
    expect(xml).toContain(
      '<NewRemoteHost>&lt;&amp;&gt;</NewRemoteHost><NewExternalPort>80</NewExternalPort>',
    );
  });

  it('a fault sent with HTTP 200 is still a fault', () => {
    const xml =
      '<s:Envelope xmlns:s="x"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError><errorCode>501</errorCode><errorDescription>Action Failed</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>';
    const error = thrown(() => parseSoapResponse(xml, 'GetStatusInfo', 'ctx'));
    expect(error.code).toBe('BOXAUDIT_SOAP_FAULT');
    expect(error.details).toEqual({ upnpErrorCode: 501, description: 'Action Failed' });
    expect(error.message).toBe('ctx: UPnP error 501 Action Failed');
  });

  it('an HTML page is not a SOAP envelope', () => {
    const error = thrown(() => parseSoapResponse('<html><body>login</body></html>', 'GetStatusInfo', 'ctx'));
    expect(error.message).toBe('ctx: reply is not a SOAP envelope (root element <html>)');
  });

  it('a response without out-arguments and one without the response element', () => {
    expect(
      parseSoapResponse('<s:Envelope xmlns:s="x"><s:Body><u:XResponse/></s:Body></s:Envelope>', 'X', 'c'),
    ).toEqual({});
    expect(
      thrown(() => parseSoapResponse('<s:Envelope xmlns:s="x"><s:Body/></s:Envelope>', 'X', 'c')).code,
    ).toBe('BOXAUDIT_PROTOCOL_ERROR');
  });
});

describe('parsePortMappingEntry', () => {
  const base = {
    NewRemoteHost: '',
    NewExternalPort: '104',
    NewProtocol: 'TCP',
    NewInternalPort: '104',
    NewInternalClient: '192.168.1.20',
    NewEnabled: '1',
    NewPortMappingDescription: 'PACS',
    NewLeaseDuration: '0',
  };

  it('reads a normal entry', () => {
    expect(parsePortMappingEntry(base)).toMatchObject({
      source: 'upnp',
      protocol: 'tcp',
      externalPort: { start: 104, end: 104 },
      internalHost: '192.168.1.20',
      internalPort: { start: 104, end: 104 },
      remoteHost: null,
      enabled: true,
      description: 'PACS',
      leaseSeconds: 0,
    });
  });

  it.each(['', '0.0.0.0', '*', ' '])('remote host %j means any source', (host) => {
    expect(parsePortMappingEntry({ ...base, NewRemoteHost: host })?.remoteHost).toBeNull();
  });

  it('external port 0 is the IGD wildcard (every port); internal port 0 is unknown', () => {
    const f = parsePortMappingEntry({ ...base, NewExternalPort: '0', NewInternalPort: '0' });
    expect(f?.externalPort).toEqual({ start: 1, end: 65535 });
    expect(f?.internalPort).toBeNull();
  });

  it('the all-zero placeholder and unknown protocols are not mappings', () => {
    expect(parsePortMappingEntry({ ...base, NewExternalPort: '0', NewInternalClient: '0.0.0.0' })).toBeNull();
    expect(parsePortMappingEntry({ ...base, NewProtocol: 'ICMP' })).toBeNull();
  });

  it('a listed mapping with an unknown or empty protocol is kept as tcp and udp (never dropped)', () => {
    for (const NewProtocol of ['ICMP', '', 'TCP+UDP?']) {
      const { forwards, protocolKnown } = parsePortMappingEntries({ ...base, NewProtocol });
      expect(protocolKnown).toBe(false);
      expect(forwards.map((f) => [f.protocol, f.internalHost, f.externalPort?.start])).toEqual([
        ['tcp', '192.168.1.20', 104],
        ['udp', '192.168.1.20', 104],
      ]);
    }
    expect(
      parsePortMappingEntries({ ...base, NewExternalPort: '0', NewInternalClient: '0.0.0.0' }).forwards,
    ).toEqual([]);
    const list = `<p:PortMappingList xmlns:p="urn:schemas-upnp-org:gw:WANIPConnection"><p:PortMappingEntry><p:NewRemoteHost></p:NewRemoteHost><p:NewExternalPort>104</p:NewExternalPort><p:NewProtocol></p:NewProtocol><p:NewInternalPort>104</p:NewInternalPort><p:NewInternalClient>192.168.1.20</p:NewInternalClient><p:NewEnabled>1</p:NewEnabled><p:NewDescription>PACS</p:NewDescription><p:NewLeaseTime>0</p:NewLeaseTime></p:PortMappingEntry></p:PortMappingList>`;
    expect(parsePortMappingList(list).map((f) => f.protocol)).toEqual(['tcp', 'udp']);
  });

  it('unknown values stay null, never guessed', () => {
    const f = parsePortMappingEntry({
      ...base,
      NewEnabled: 'maybe',
      NewLeaseDuration: 'soon',
      NewPortMappingDescription: '',
    });
    expect(f).toMatchObject({ enabled: null, leaseSeconds: null, description: null });
    expect(parsePortMappingEntry({ ...base, NewEnabled: 'false' })?.enabled).toBe(false);
  });

  it('list entries use NewDescription / NewLeaseTime', () => {
    const listing =
      '<p:PortMappingList xmlns:p="urn:schemas-upnp-org:gw:WANIPConnection"><p:PortMappingEntry><p:NewRemoteHost></p:NewRemoteHost><p:NewExternalPort>443</p:NewExternalPort><p:NewProtocol>UDP</p:NewProtocol><p:NewInternalPort>4443</p:NewInternalPort><p:NewInternalClient>192.168.1.5</p:NewInternalClient><p:NewEnabled>1</p:NewEnabled><p:NewDescription>a &amp; b</p:NewDescription><p:NewLeaseTime>60</p:NewLeaseTime></p:PortMappingEntry></p:PortMappingList>';
    expect(parsePortMappingList(listing)).toMatchObject([
      { protocol: 'udp', externalPort: { start: 443, end: 443 }, description: 'a & b', leaseSeconds: 60 },
    ]);
    expect(parsePortMappingList('')).toEqual([]);
  });
});

describe('uptime and URLs', () => {
  it('keeps plain, plausible uptimes only', () => {
    expect(parseUptimeSeconds('86400')).toBe(86400);
    expect(parseUptimeSeconds('0 Days, 00:16:40')).toBeNull();
    expect(parseUptimeSeconds('1774728792')).toBeNull();
    expect(parseUptimeSeconds(undefined)).toBeNull();
  });

  it('resolves control URLs like the boxes mean them', () => {
    const base = 'http://192.168.1.1:5000/rootDesc.xml';
    expect(resolveDescriptionUrl('/ctl/IPConn', base)).toBe('http://192.168.1.1:5000/ctl/IPConn');
    expect(resolveDescriptionUrl('ctl/IPConn', base)).toBe('http://192.168.1.1:5000/ctl/IPConn');
    expect(resolveDescriptionUrl('uuid:abc/WANIPConnection:1', base)).toBe(
      'http://192.168.1.1:5000/uuid:abc/WANIPConnection:1',
    );
    expect(resolveDescriptionUrl(' http://192.168.1.1:49000/igd ', base)).toBe(
      'http://192.168.1.1:49000/igd',
    );
    expect(resolveDescriptionUrl('', base)).toBeNull();
  });

  it('a description without a device is refused; one without WAN services has none', () => {
    expect(thrown(() => parseDeviceDescription('<root></root>', 'http://h/d.xml')).message).toMatch(
      /not a UPnP device description/,
    );
    const d = parseDeviceDescription(
      '<root><device><deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType></device></root>',
      'http://h/d.xml',
    );
    expect(d.services).toEqual([]);
    expect(d.igdVersion).toBeNull();
  });
});

// Cap, deadline, abort and cut-off replies are the core's: test/transport/request.test.ts.
describe('httpRequest', () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });
  async function serve(handler: http.RequestListener): Promise<string> {
    server = http.createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('does not follow redirects', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(302, { location: 'http://127.0.0.2/' });
      res.end();
    });
    const error = await httpRequest(`${url}/a`, { context: '[t] GET a' }).catch(
      (e: unknown) => e as BoxauditError,
    );
    expect(error).toMatchObject({ code: 'BOXAUDIT_HTTP_STATUS', message: '[t] GET a answered HTTP 302' });
  });

  it('keeps the body of a non-2xx reply (SOAP faults come as HTTP 500)', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(500);
      res.end('<fault/>');
    });
    const error = (await httpRequest(url).catch((e: unknown) => e)) as BoxauditError;
    expect(error.details).toMatchObject({ status: 500, body: '<fault/>' });
  });

  it('only http and https', async () => {
    const error = await httpRequest('file:///etc/passwd').catch((e: unknown) => e as BoxauditError);
    expect(error).toMatchObject({ code: 'BOXAUDIT_INPUT_INVALID' });
  });
});
