/**
 * Small programmable hostile boxes for test/hostile/, loopback only:
 * - a witness: a TCP listener on a SECOND loopback address (127.0.0.2) that counts connections.
 *   A reply that tries to send boxaudit elsewhere points at it; it must see no connection at all;
 * - a SOAP box (UPnP IGD or TR-064) on 127.0.0.1 whose description and replies the test writes:
 *   endless port-mapping lists, padded or slow replies, any description;
 * - a name lookup that answers 127.0.0.1 first and 127.0.0.2 after (a box that answers DNS).
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface Witness {
  address: string;
  port: number;
  /** Connections accepted so far (any bytes, any protocol). */
  connections: number;
  close(): Promise<void>;
}

/** Listen on 127.0.0.2 (or `address`), on `port` or a free one; count every connection and drop it. */
export async function startWitness(port = 0, address = '127.0.0.2'): Promise<Witness> {
  const sockets = new Set<net.Socket>();
  const witness: Witness = {
    address,
    port: 0,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = net.createServer((socket) => {
    witness.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve());
  });
  witness.port = (server.address() as AddressInfo).port;
  return witness;
}

/** A lookup that answers `first` once and `later` ever after, counting its calls. */
export function flippingLookup(first = '127.0.0.1', later = '127.0.0.2') {
  const state = {
    calls: 0,
    lookup: async (_hostname: string) => {
      state.calls++;
      return { address: state.calls === 1 ? first : later, family: 4 };
    },
  };
  return state;
}

export interface SeenRequest {
  method: string;
  path: string;
  /** `Service#Action` from SOAPAction, or null. */
  action: string | null;
  authorization: boolean;
  host: string | undefined;
}

export interface SoapBoxOptions {
  /** The description body (`port` is the box's own). */
  description: (port: number) => string;
  /** Path the description is served at. */
  descriptionPath?: string;
  /** Entries answered by GetGenericPortMappingEntry: a number, or endless (default). */
  entries?: number;
  /** Bytes of XML comment added to every SOAP reply (a reply just under the per-reply cap). */
  padBytes?: number;
  /** Delay before every SOAP reply, ms (a slow box). */
  delayMs?: number;
}

export interface SoapBox {
  url: string;
  port: number;
  requests: SeenRequest[];
  close(): Promise<void>;
}

const soapReply = (serviceType: string, action: string, args: Record<string, string>, pad: number) =>
  '<?xml version="1.0"?>\r\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>' +
  `<u:${action}Response xmlns:u="${serviceType}">` +
  Object.entries(args)
    .map(([k, v]) => `<${k}>${v}</${k}>`)
    .join('') +
  `</u:${action}Response></s:Body></s:Envelope>${pad > 0 ? `<!--${'x'.repeat(pad)}-->` : ''}\r\n`;

const fault = (code: number) =>
  '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>' +
  '<faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>' +
  `<UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>${code}</errorCode>` +
  '<errorDescription>SpecifiedArrayIndexInvalid</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>';

/**
 * A SOAP box on 127.0.0.1: serves the description, answers every action of every service. Each
 * control path gives its own mappings (path number × 5000 + index), so services never share them.
 */
export async function startSoapBox(options: SoapBoxOptions): Promise<SoapBox> {
  const requests: SeenRequest[] = [];
  const descriptionPath = options.descriptionPath ?? '/desc.xml';
  let port = 0;
  const server = http.createServer((req, res) => {
    const soapaction = req.headers.soapaction;
    const action =
      typeof soapaction === 'string' ? (soapaction.replace(/"/g, '').split(':service:')[1] ?? null) : null;
    requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      action,
      authorization: req.headers.authorization !== undefined,
      host: req.headers.host,
    });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === descriptionPath) {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(options.description(port));
        return;
      }
      const body = Buffer.concat(chunks).toString();
      const [serviceShort, actionName] = (action ?? '#').split('#') as [string, string];
      const serviceType = `urn:schemas-upnp-org:service:${serviceShort}`;
      const reply = (): void => {
        if (actionName === 'GetGenericPortMappingEntry') {
          const index = Number(/<NewPortMappingIndex>(\d+)</.exec(body)?.[1] ?? -1);
          if (options.entries !== undefined && index >= options.entries) {
            res.writeHead(500, { 'content-type': 'text/xml' });
            res.end(fault(713));
            return;
          }
          const path = Number(/(\d+)$/.exec(req.url ?? '')?.[1] ?? 0);
          const external = 1000 + path * 5000 + index;
          res.writeHead(200, { 'content-type': 'text/xml' });
          res.end(
            soapReply(
              serviceType,
              actionName,
              {
                NewRemoteHost: '',
                NewExternalPort: String(external),
                NewProtocol: 'TCP',
                NewInternalPort: String(external),
                NewInternalClient: `192.168.1.${(index % 250) + 2}`,
                NewEnabled: '1',
                NewPortMappingDescription: `m${index}`,
                NewLeaseDuration: '0',
              },
              options.padBytes ?? 0,
            ),
          );
          return;
        }
        const args: Record<string, string> =
          actionName === 'GetPortMappingNumberOfEntries'
            ? { NewPortMappingNumberOfEntries: String(options.entries ?? 1024) }
            : actionName === 'GetExternalIPAddress'
              ? { NewExternalIPAddress: '203.0.113.9' }
              : actionName === 'GetStatusInfo'
                ? { NewConnectionStatus: 'Connected', NewLastConnectionError: 'ERROR_NONE', NewUptime: '100' }
                : {};
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(soapReply(serviceType, actionName, args, options.padBytes ?? 0));
      };
      if (options.delayMs) setTimeout(reply, options.delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A UPnP IGD description with `count` WANIPConnection:1 services at `/ctl/0` … `/ctl/<count-1>`. */
export function igdDescription(count: number, controlUrl = (i: number) => `/ctl/${i}`): string {
  const services = Array.from(
    { length: count },
    (_, i) =>
      `<device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType><serviceList><service>` +
      `<serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType>` +
      `<serviceId>urn:upnp-org:serviceId:WANIPConn${i}</serviceId><controlURL>${controlUrl(i)}</controlURL>` +
      `<SCPDURL>/scpd.xml</SCPDURL></service></serviceList></device>`,
  ).join('');
  return (
    '<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><device>' +
    '<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>' +
    '<friendlyName>hostile</friendlyName><manufacturer>Nobody</manufacturer><modelName>H1</modelName>' +
    `<UDN>uuid:hostile-1</UDN><deviceList>${services}</deviceList></device></root>`
  );
}

/** A TR-064 description (tr64desc.xml) whose services' control URLs the test chooses. */
export function tr64Description(controlUrl: (short: string) => string, nested = ''): string {
  const svc = (short: string) =>
    `<service><serviceType>urn:dslforum-org:service:${short}</serviceType>` +
    `<serviceId>urn:id:${short}</serviceId><controlURL>${controlUrl(short)}</controlURL>` +
    `<SCPDURL>/x.xml</SCPDURL></service>`;
  return (
    '<?xml version="1.0"?><root xmlns="urn:dslforum-org:device-1-0"><device>' +
    '<deviceType>urn:dslforum-org:device:InternetGatewayDevice:1</deviceType>' +
    '<friendlyName>FRITZ!Box 7590</friendlyName><manufacturer>AVM Berlin</manufacturer>' +
    '<modelName>FRITZ!Box 7590</modelName><UDN>uuid:hostile-fritz</UDN>' +
    `<serviceList>${svc('DeviceInfo:1')}${svc('Layer3Forwarding:1')}${svc('X_AVM-DE_UPnP:1')}</serviceList>` +
    `<deviceList><device><deviceType>urn:dslforum-org:device:WANConnectionDevice:1</deviceType>` +
    `<serviceList>${svc('WANIPConnection:1')}</serviceList>${nested}</device></deviceList>` +
    '</device></root>'
  );
}
