/**
 * A small programmable UPnP IGD on loopback (127.0.0.1, a free port), for tests and `boxaudit demo`.
 * Built from the UPnP IGD:1/IGD:2 device template and WANIPConnection:1/2 action formats, in the
 * miniupnpd envelope style; quirks reproduce what real routers do (see shared/upnp-captures).
 * It answers read actions only (anything else is UPnP 401 Invalid Action) and never sends SSDP.
 * Dependency-free on purpose: it ships in the package.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SimMapping {
  protocol: 'TCP' | 'UDP';
  externalPort: number;
  internalClient: string;
  internalPort: number;
  /** '' (any source) by default. */
  remoteHost?: string;
  enabled?: boolean;
  description?: string;
  /** Seconds; 0 = permanent (default). */
  leaseDuration?: number;
}

/** What GetGenericPortMappingEntry answers past the last entry. */
export type SimListEnding =
  | 713
  | 714
  | 402
  | 501
  | 606
  /** A truncated, unparsable reply. */
  | 'broken'
  /** Never ends: a new synthetic mapping at every index. */
  | 'none'
  /** Cycles: index n answers entry n mod count. */
  | 'repeat'
  /** Netgear RAX30: an unrelated existing mapping (the last one). */
  | 'unrelated';

export interface IgdSimulatorQuirks {
  /** Default 713 SpecifiedArrayIndexInvalid. */
  listEnding?: SimListEnding;
  /** A UPnP fault at one index in the middle of the list. */
  faultAt?: { index: number; code: number };
  /** Send every reply in 64-byte pieces, one every N ms. */
  slowDripMs?: number;
  /** Never answer: everything, only SOAP, or only GetGenericPortMappingEntry from this index. */
  hang?: boolean | 'soap' | { atIndex: number };
  /** SOAP replies cut in the middle. */
  brokenXml?: boolean;
  /** SOAP actions answered by an HTML 500 page. */
  htmlError?: boolean;
  /** URLBase missing, empty, on a closed port ('wrong'), after </device>, or on another host. */
  urlBase?: 'missing' | 'empty' | 'wrong' | 'after-device' | 'other-host';
  /** Action-response prefix (`u:` miniupnpd, `m:` Netgear/NEC, none: default namespace). */
  prefix?: 'u' | 'm' | 'none';
  /** Envelope prefix (`s:` or `SOAP-ENV:` as TP-Link ER605 and NEC). */
  envelopePrefix?: 's' | 'SOAP-ENV';
  /** Chunked transfer encoding, no Content-Length. */
  chunked?: boolean;
  /** HTTP/1.0 replies delimited by closing the connection. */
  http10?: boolean;
  /** HTTP/1.1 replies whose header lines end in a bare LF (embedded web servers). */
  bareLf?: boolean;
  /** A reply over 1 MiB: the description, or every SOAP reply. */
  hugeBody?: boolean | 'soap';
  /** An XML entity-expansion bomb in the description. */
  entityBomb?: boolean;
  /** A second WANConnectionDevice with WANPPPConnection:1 on its own control URL and table. */
  twoWanServices?: boolean;
  /** With twoWanServices: the PPP service is unused (Disconnected, 501 on listing), as on many boxes. */
  idlePpp?: boolean;
  /** Three connection services sharing one control URL (Askey RTF8316VW). */
  sharedControlUrl?: boolean;
  /** The description points its control URLs at another host (127.0.0.2, a loopback trap). */
  spoofedLocation?: boolean;
  /** IGD:2: GetListOfPortMappings answers 401 Invalid Action. */
  listUnsupported?: boolean;
  /** IGD:2: GetListOfPortMappings silently omits its last entry. */
  listDropsLast?: boolean;
  /** GetListOfPortMappings inner list entity-escaped (AVM) instead of CDATA (miniupnpd). */
  listEscaped?: boolean;
}

export interface IgdSimulatorOptions {
  mappings?: SimMapping[];
  /** Mappings of the WANPPPConnection service when `quirks.twoWanServices`. */
  pppMappings?: SimMapping[];
  igdVersion?: 1 | 2;
  externalIp?: string;
  manufacturer?: string;
  modelName?: string;
  modelNumber?: string;
  friendlyName?: string;
  quirks?: IgdSimulatorQuirks;
  /**
   * Answer DeletePortMapping by removing the mapping (for `boxaudit fix` tests). Off by default:
   * `boxaudit demo` answers read actions only.
   */
  deletable?: boolean;
}

export interface SimRequest {
  method: string;
  path: string;
  /** SOAP action name, or `GET <path>`. */
  action: string;
  args: Record<string, string>;
  /** Control-URL host the request reached (127.0.0.2 = the spoofed-location trap). */
  host: string;
}

export interface IgdSimulator {
  descriptionUrl: string;
  /** Every request received, in order. */
  requests: SimRequest[];
  close(): Promise<void>;
}

const DESCRIPTION_PATH = '/rootDesc.xml';
const IP_PATH = '/ctl/IPConn';
const PPP_PATH = '/ctl/PPPConn';

const esc = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function service(type: string, id: string, control: string): string {
  return `<service><serviceType>${type}</serviceType><serviceId>urn:upnp-org:serviceId:${id}</serviceId><SCPDURL>/${id}.xml</SCPDURL><controlURL>${control}</controlURL><eventSubURL>/evt/${id}</eventSubURL></service>`;
}

function describe(
  options: IgdSimulatorOptions,
  base: string,
  controlBase: string,
  urlBase: string | null,
): string {
  const q = options.quirks ?? {};
  const v = options.igdVersion ?? 2;
  const ipType = `urn:schemas-upnp-org:service:WANIPConnection:${v}`;
  const pppType = 'urn:schemas-upnp-org:service:WANPPPConnection:1';
  const ctl = (path: string) => (q.spoofedLocation ? `${controlBase}${path}` : path);
  let wanServices = service(ipType, 'WANIPConn1', ctl(IP_PATH));
  if (q.sharedControlUrl) {
    wanServices += service('urn:schemas-upnp-org:service:WANIPConnection:1', 'WANIPConn2', ctl(IP_PATH));
    wanServices += service(pppType, 'WANPPPConn1', ctl(IP_PATH));
  }
  const connectionDevice = (udn: string, services: string) =>
    `<device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:${v}</deviceType><friendlyName>WANConnectionDevice</friendlyName><manufacturer>boxaudit</manufacturer><modelName>IGD simulator</modelName><UDN>uuid:${udn}</UDN><serviceList>${services}</serviceList></device>`;
  let connections = connectionDevice('00000000-0000-4000-8000-000000000003', wanServices);
  if (q.twoWanServices) {
    connections += connectionDevice(
      '00000000-0000-4000-8000-000000000004',
      service(pppType, 'WANPPPConn1', ctl(PPP_PATH)),
    );
  }
  const urlBaseXml = urlBase === null ? '' : `<URLBase>${urlBase}</URLBase>`;
  const bomb = q.entityBomb
    ? '<!DOCTYPE root [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>\r\n'
    : '';
  const padding = q.hugeBody === true ? `<!-- ${'x'.repeat(1_200_000)} -->` : '';
  return (
    `<?xml version="1.0"?>\r\n${bomb}<root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major><minor>${v === 2 ? 1 : 0}</minor></specVersion>` +
    (q.urlBase === 'after-device' ? '' : urlBaseXml) +
    `<device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:${v}</deviceType>` +
    `<friendlyName>${q.entityBomb ? '&i;' : esc(options.friendlyName ?? 'Simulated box')}</friendlyName>` +
    `<manufacturer>${esc(options.manufacturer ?? 'boxaudit')}</manufacturer>` +
    `<modelName>${esc(options.modelName ?? 'IGD simulator')}</modelName>` +
    (options.modelNumber === undefined ? '' : `<modelNumber>${esc(options.modelNumber)}</modelNumber>`) +
    '<UDN>uuid:00000000-0000-4000-8000-000000000001</UDN>' +
    '<serviceList>' +
    service('urn:schemas-upnp-org:service:Layer3Forwarding:1', 'L3Forwarding1', '/ctl/L3F') +
    '</serviceList><deviceList>' +
    `<device><deviceType>urn:schemas-upnp-org:device:WANDevice:${v}</deviceType><friendlyName>WANDevice</friendlyName><manufacturer>boxaudit</manufacturer><modelName>IGD simulator</modelName><UDN>uuid:00000000-0000-4000-8000-000000000002</UDN>` +
    `<serviceList>${service('urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1', 'WANCommonIFC1', '/ctl/CmnIfCfg')}</serviceList>` +
    `<deviceList>${connections}</deviceList></device>` +
    `</deviceList><presentationURL>${base}/</presentationURL></device>` +
    (q.urlBase === 'after-device' ? urlBaseXml : '') +
    `${padding}</root>\r\n`
  );
}

function entryXml(m: SimMapping, names: 'generic' | 'list', p = ''): string {
  const desc = names === 'generic' ? 'NewPortMappingDescription' : 'NewDescription';
  const lease = names === 'generic' ? 'NewLeaseDuration' : 'NewLeaseTime';
  const fields: Array<[string, string | number]> = [
    ['NewRemoteHost', m.remoteHost ?? ''],
    ['NewExternalPort', m.externalPort],
    ['NewProtocol', m.protocol],
    ['NewInternalPort', m.internalPort],
    ['NewInternalClient', m.internalClient],
    ['NewEnabled', m.enabled === false ? 0 : 1],
    [desc, m.description ?? ''],
    [lease, m.leaseDuration ?? 0],
  ];
  return fields.map(([k, v]) => `<${p}${k}>${esc(String(v))}</${p}${k}>`).join('');
}

class SoapFault {
  constructor(
    readonly code: number,
    readonly description: string,
  ) {}
}

/** Start the simulator; `close()` it when done (it also ends hung connections). */
export async function startIgdSimulator(options: IgdSimulatorOptions = {}): Promise<IgdSimulator> {
  const q = options.quirks ?? {};
  const requests: SimRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const tables: Record<string, SimMapping[]> = {
    [IP_PATH]: [...(options.mappings ?? [])],
    [PPP_PATH]: [...(options.pppMappings ?? [])],
  };
  const v = options.igdVersion ?? 2;
  let port = 0;
  let trapPort = 0;
  let closedPort = 0;

  function send(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    status: number,
    type: string,
    body: string,
  ): void {
    const bytes = Buffer.from(body, 'utf8');
    const reason = http.STATUS_CODES[status] ?? '';
    if (q.http10) {
      // Close-delimited HTTP/1.0: no length, no chunks; the end of the body is the end of the socket.
      req.socket.write(
        `HTTP/1.0 ${status} ${reason}\r\nContent-Type: ${type}\r\nServer: boxaudit-sim/1.0\r\n\r\n`,
      );
      req.socket.end(bytes);
      return;
    }
    if (q.bareLf) {
      req.socket.write(
        `HTTP/1.1 ${status} ${reason}\nContent-Type: ${type}\nContent-Length: ${bytes.length}\nConnection: close\n\n`,
      );
      req.socket.end(bytes);
      return;
    }
    const headers: Record<string, string | number> = {
      'content-type': type,
      server: 'boxaudit-sim UPnP/1.1',
    };
    if (!q.chunked) headers['content-length'] = bytes.length;
    res.writeHead(status, headers);
    if (q.slowDripMs !== undefined) {
      let offset = 0;
      const drip = (): void => {
        if (res.destroyed) return;
        res.write(bytes.subarray(offset, offset + 64));
        offset += 64;
        if (offset >= bytes.length) res.end();
        else {
          const t = setTimeout(drip, q.slowDripMs);
          timers.add(t);
        }
      };
      drip();
    } else if (q.chunked) {
      for (let i = 0; i < bytes.length; i += 512) res.write(bytes.subarray(i, i + 512));
      res.end();
    } else res.end(bytes);
  }

  function soapReply(action: string, serviceType: string, body: string): string {
    const e = q.envelopePrefix ?? 's';
    const p = q.prefix ?? 'u';
    const open =
      p === 'none'
        ? `<${action}Response xmlns="${serviceType}">`
        : `<${p}:${action}Response xmlns:${p}="${serviceType}">`;
    const close = p === 'none' ? `</${action}Response>` : `</${p}:${action}Response>`;
    const padding = q.hugeBody === 'soap' ? `<!-- ${'x'.repeat(1_200_000)} -->` : '';
    const xml = `<?xml version="1.0"?>\r\n<${e}:Envelope xmlns:${e}="http://schemas.xmlsoap.org/soap/envelope/" ${e}:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><${e}:Body>${open}${body}${close}${padding}</${e}:Body></${e}:Envelope>\r\n`;
    return q.brokenXml ? xml.slice(0, Math.floor(xml.length / 2)) : xml;
  }

  function faultReply(fault: SoapFault): string {
    const e = q.envelopePrefix ?? 's';
    return `<?xml version="1.0"?>\r\n<${e}:Envelope xmlns:${e}="http://schemas.xmlsoap.org/soap/envelope/" ${e}:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><${e}:Body><${e}:Fault><faultcode>${e}:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>${fault.code}</errorCode><errorDescription>${fault.description}</errorDescription></UPnPError></detail></${e}:Fault></${e}:Body></${e}:Envelope>`;
  }

  const syntheticEntry = (index: number): SimMapping => ({
    protocol: 'TCP',
    externalPort: 1024 + (index % 64000),
    internalClient: '192.168.1.99',
    internalPort: 1024 + (index % 64000),
    description: `endless ${index}`,
  });

  /** The body of a successful action, or a fault. */
  function act(
    action: string,
    args: Record<string, string>,
    table: SimMapping[],
  ): string | SoapFault | 'hang' {
    if (action === 'DeletePortMapping' && options.deletable === true) {
      const at = table.findIndex(
        (m) =>
          String(m.externalPort) === args.NewExternalPort &&
          m.protocol === args.NewProtocol &&
          (m.remoteHost ?? '') === (args.NewRemoteHost ?? ''),
      );
      if (at < 0) return new SoapFault(714, 'NoSuchEntryInArray');
      table.splice(at, 1);
      return '';
    }
    switch (action) {
      case 'GetExternalIPAddress':
        return `<NewExternalIPAddress>${options.externalIp ?? '203.0.113.7'}</NewExternalIPAddress>`;
      case 'GetStatusInfo':
        return '<NewConnectionStatus>Connected</NewConnectionStatus><NewLastConnectionError>ERROR_NONE</NewLastConnectionError><NewUptime>86400</NewUptime>';
      case 'GetConnectionTypeInfo':
        return '<NewConnectionType>IP_Routed</NewConnectionType><NewPossibleConnectionTypes>IP_Routed</NewPossibleConnectionTypes>';
      case 'GetNATRSIPStatus':
        return '<NewRSIPAvailable>0</NewRSIPAvailable><NewNATEnabled>1</NewNATEnabled>';
      case 'GetGenericPortMappingEntry': {
        const index = Number(args.NewPortMappingIndex);
        if (!Number.isInteger(index) || index < 0) return new SoapFault(402, 'Invalid Args');
        if (typeof q.hang === 'object' && index >= q.hang.atIndex) return 'hang';
        if (q.faultAt && q.faultAt.index === index) return new SoapFault(q.faultAt.code, 'Action Failed');
        if (index < table.length) return entryXml(table[index]!, 'generic');
        const ending = q.listEnding ?? 713;
        if (ending === 'none') return entryXml(syntheticEntry(index), 'generic');
        if (ending === 'repeat')
          return entryXml(table[index % Math.max(table.length, 1)] ?? syntheticEntry(0), 'generic');
        if (ending === 'unrelated') return entryXml(table[table.length - 1] ?? syntheticEntry(0), 'generic');
        if (ending === 'broken') return '<NewRemoteHost></NewRemoteHost><NewExternalPort>';
        const names: Record<number, string> = {
          713: 'SpecifiedArrayIndexInvalid',
          714: 'NoSuchEntryInArray',
          402: 'Invalid Args',
          501: 'Action Failed',
          606: 'Action not authorized',
        };
        return new SoapFault(ending, names[ending] ?? 'Error');
      }
      case 'GetSpecificPortMappingEntry': {
        const found = table.find(
          (m) =>
            String(m.externalPort) === args.NewExternalPort &&
            m.protocol === args.NewProtocol &&
            (m.remoteHost ?? '') === (args.NewRemoteHost ?? ''),
        );
        if (!found) return new SoapFault(714, 'NoSuchEntryInArray');
        return entryXml(found, 'generic').replace(/<NewRemoteHost>.*?<NewInternalPort>/, '<NewInternalPort>');
      }
      case 'GetListOfPortMappings': {
        if (v < 2 || q.listUnsupported) return new SoapFault(401, 'Invalid Action');
        const start = Number(args.NewStartPort);
        const end = Number(args.NewEndPort);
        const max = Number(args.NewNumberOfPorts) || 1000;
        let rows = table
          .filter((m) => m.protocol === args.NewProtocol && m.externalPort >= start && m.externalPort <= end)
          .sort((a, b) => a.externalPort - b.externalPort)
          .slice(0, max);
        if (q.listDropsLast) rows = rows.slice(0, -1);
        if (rows.length === 0) return new SoapFault(730, 'PortMappingNotFound');
        const inner =
          '<p:PortMappingList xmlns:p="urn:schemas-upnp-org:gw:WANIPConnection">' +
          rows.map((m) => `<p:PortMappingEntry>${entryXml(m, 'list', 'p:')}</p:PortMappingEntry>`).join('') +
          '</p:PortMappingList>';
        return `<NewPortListing>${q.listEscaped ? esc(inner) : `<![CDATA[${inner}]]>`}</NewPortListing>`;
      }
      default:
        return new SoapFault(401, 'Invalid Action');
    }
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string, trap: boolean): void {
    const path = (req.url ?? '/').split('?')[0]!;
    const soapAction = String(req.headers.soapaction ?? '').replace(/"/g, '');
    const [serviceType = '', action = ''] = soapAction.split('#');
    const args: Record<string, string> = {};
    for (const m of body.matchAll(/<(New\w+)>([^<]*)<\/\1>/g)) args[m[1]!] = m[2]!;
    requests.push({
      method: req.method ?? '',
      path,
      action: req.method === 'POST' ? action : `GET ${path}`,
      args,
      host: trap ? '127.0.0.2' : '127.0.0.1',
    });
    if (q.hang === true || (q.hang === 'soap' && req.method === 'POST')) return; // never answer
    if (req.method === 'GET' && path === DESCRIPTION_PATH) {
      const base = `http://127.0.0.1:${port}`;
      const urlBase =
        q.urlBase === 'missing'
          ? null
          : q.urlBase === 'empty'
            ? ''
            : q.urlBase === 'wrong'
              ? `http://127.0.0.1:${closedPort}/`
              : q.urlBase === 'other-host'
                ? `http://127.0.0.2:${trapPort}/`
                : `${base}/`;
      send(
        req,
        res,
        200,
        'text/xml; charset="utf-8"',
        describe(options, base, `http://127.0.0.2:${trapPort}`, urlBase),
      );
      return;
    }
    const table = tables[path];
    if (req.method !== 'POST' || table === undefined) {
      send(req, res, 404, 'text/html', '<html><body><h1>404 Not Found</h1></body></html>');
      return;
    }
    if (q.htmlError) {
      send(
        req,
        res,
        500,
        'text/html',
        '<html><head><title>500 Internal Server Error</title></head><body><h1>Error</h1></body></html>',
      );
      return;
    }
    const idle = q.idlePpp === true && path === PPP_PATH;
    const result =
      idle && action === 'GetGenericPortMappingEntry'
        ? new SoapFault(501, 'Action Failed')
        : act(action, args, table);
    if (result === 'hang') return;
    const reply =
      idle && typeof result === 'string' ? result.replace('>Connected<', '>Disconnected<') : result;
    if (reply instanceof SoapFault) send(req, res, 500, 'text/xml; charset="utf-8"', faultReply(reply));
    else send(req, res, 200, 'text/xml; charset="utf-8"', soapReply(action, serviceType, reply));
  }

  const makeServer = (trap: boolean): http.Server => {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= 64 * 1024) chunks.push(c);
      });
      req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8'), trap));
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    return server;
  };
  const listen = (server: http.Server, host: string): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
    });

  const main = makeServer(false);
  port = await listen(main, '127.0.0.1');
  const servers = [main];
  if (q.spoofedLocation || q.urlBase === 'other-host') {
    // A trap on another loopback address: if a client ever follows the spoofed URLs, the request is
    // recorded here (and still never leaves the machine).
    const trapServer = makeServer(true);
    trapPort = await listen(trapServer, '127.0.0.2');
    servers.push(trapServer);
  }
  if (q.urlBase === 'wrong') {
    // A port that was free a moment ago and is closed now: connection refused.
    const probe = http.createServer();
    closedPort = await listen(probe, '127.0.0.1');
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  }

  return {
    descriptionUrl: `http://127.0.0.1:${port}${DESCRIPTION_PATH}`,
    requests,
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
