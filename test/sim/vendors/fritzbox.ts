/**
 * A loopback FRITZ!Box TR-064 simulator, built from AVM's documented formats (TR-064 First Steps,
 * the per-service SCPDs, shared/vendor-apis.md §5) — not a real box. HTTP Digest (MD5, qop=auth,
 * realm "F!Box SOAP-Auth"), tr64desc.xml, and the read actions boxaudit uses. Write actions are
 * answered with fault 401 and recorded, so a test can prove none was sent. Its own replies are
 * written here; a test can make it serve real captured ones instead (`description`, `replies`:
 * test/adapters/fritzbox-captures.test.ts passes the files of ../shared/vendor-captures/fritzbox).
 *
 * Knobs for the HTTP conformance suite: an expiring Digest "session" (`expireCalls`,
 * `alwaysExpire`), a failing or refused listing (`failing`, `refused`), a reply given verbatim
 * (`replies`: garbled, oversized).
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { listenOnLoopback } from './_listen.js';

export interface SimRequest {
  method: string;
  path: string;
  /** `Service:1#Action` for SOAP calls, else null. */
  action: string | null;
  authenticated: boolean;
  /** A Digest `Authorization` header came with it (right or wrong): a try of the credentials. */
  digest: boolean;
}

export interface FritzMapping {
  remoteHost: string;
  externalPort: number;
  protocol: 'TCP' | 'UDP';
  internalPort: number;
  internalClient: string;
  enabled: boolean;
  description: string;
  leaseDuration: number;
}

export interface FritzboxSimOptions {
  username?: string;
  password?: string;
  /** `ppp` (DSL, default) or `ip` (cable/fibre). */
  connection?: 'ppp' | 'ip';
  mappings?: FritzMapping[];
  upnpEnabled?: boolean;
  remoteAccess?: { enabled: boolean; port: number };
  myfritz?: { enabled: boolean; port: number };
  ftpWan?: { enabled: boolean; port: number };
  /** `Service:1#Action` keys answered with broken XML. */
  malformed?: string[];
  /** Answer the description with 404 (TR-064 access off). */
  tr064Disabled?: boolean;
  /** A nonce goes stale after this many uses (the client must answer a `stale=true` challenge). */
  nonceUses?: number;
  /** GetPortMappingNumberOfEntries fails (client must walk to fault 713). */
  noCount?: boolean;
  /**
   * The box drops our nonces (an expired "session"): a nonce works for the request that answered
   * a fresh challenge only; any later use, and any nonce handed out with `stale=true`, is answered
   * 401 `stale=true`, until this many stale nonces were refused (so the client's one stale retry
   * fails too and it must start a new Digest handshake, its "login"). Then nonces work again.
   */
  expireCalls?: number;
  /** {@link expireCalls} without end. */
  alwaysExpire?: boolean;
  /** `Service:1#Action` keys answered HTTP 500 with UPnP fault 501 "Action Failed". */
  failing?: string[];
  /**
   * `Service:1#Action` keys the account may not call: 606 answers HTTP 500 with UPnP fault 606
   * "Action Not Authorized", 401 answers HTTP 401 with a fresh (not stale) challenge.
   */
  refused?: Record<string, 401 | 606>;
  /** `Service:1#Action` keys answered HTTP 200 with this body verbatim (a real capture, garbage, a huge body). */
  replies?: Record<string, string>;
  /** `Service:1#Action` keys never answered (the client's deadline ends them). */
  silent?: string[];
  /** tr64desc.xml served verbatim instead of the simulator's own (e.g. a real one). */
  description?: string;
}

export interface VendorSimulator {
  url: string;
  port: number;
  requests: SimRequest[];
  /** What the Digest exchange derived from the password: HA1 and every response received. */
  digestSecrets: string[];
  close(): Promise<void>;
}

export const FRITZ_SIM_DEFAULT_MAPPINGS: FritzMapping[] = [
  {
    remoteHost: '',
    externalPort: 104,
    protocol: 'TCP',
    internalPort: 104,
    internalClient: '192.168.178.20',
    enabled: true,
    description: 'PACS Orthanc',
    leaseDuration: 0,
  },
  {
    remoteHost: '',
    externalPort: 445,
    protocol: 'TCP',
    internalPort: 445,
    internalClient: '192.168.178.30',
    enabled: true,
    description: 'NAS SMB',
    leaseDuration: 0,
  },
  {
    remoteHost: '',
    externalPort: 51413,
    protocol: 'UDP',
    internalPort: 51413,
    internalClient: '192.168.178.41',
    enabled: true,
    description: 'Transmission',
    leaseDuration: 3600,
  },
];

const REALM = 'F!Box SOAP-Auth';
const T = 'urn:dslforum-org:service:';

const SERVICES: Array<[string, string]> = [
  ['DeviceInfo:1', '/upnp/control/deviceinfo'],
  ['Layer3Forwarding:1', '/upnp/control/layer3forwarding'],
  ['LANConfigSecurity:1', '/upnp/control/lanconfigsecurity'],
  ['X_AVM-DE_UPnP:1', '/upnp/control/x_upnp'],
  ['X_AVM-DE_RemoteAccess:1', '/upnp/control/x_remote'],
  ['X_AVM-DE_MyFritz:1', '/upnp/control/x_myfritz'],
  ['X_AVM-DE_Storage:1', '/upnp/control/x_storage'],
];

function description(connection: 'ppp' | 'ip'): string {
  const svc = (type: string, url: string) =>
    `<service><serviceType>${T}${type}</serviceType><serviceId>urn:${type.replace(/:1$/, '')}-com:serviceId:${type.replace(/:1$/, '')}1</serviceId><controlURL>${url}</controlURL><eventSubURL>${url.replace('control', 'event')}</eventSubURL><SCPDURL>/${type.replace(/:1$/, '').toLowerCase()}SCPD.xml</SCPDURL></service>`;
  const wan =
    connection === 'ppp'
      ? svc('WANPPPConnection:1', '/upnp/control/wanpppconn1')
      : svc('WANIPConnection:1', '/upnp/control/wanipconnection1');
  return `<?xml version="1.0"?>
<root xmlns="urn:dslforum-org:device-1-0">
<specVersion><major>1</major><minor>0</minor></specVersion>
<device>
<deviceType>urn:dslforum-org:device:InternetGatewayDevice:1</deviceType>
<friendlyName>FRITZ!Box 7590</friendlyName>
<manufacturer>AVM</manufacturer>
<manufacturerURL>http://www.avm.de</manufacturerURL>
<modelDescription>FRITZ!Box 7590</modelDescription>
<modelName>FRITZ!Box 7590</modelName>
<modelNumber>avm</modelNumber>
<UDN>uuid:75802409-bccb-40e7-8e6c-3431C4000000</UDN>
<serviceList>${SERVICES.map(([t, u]) => svc(t, u)).join('\n')}</serviceList>
<deviceList><device>
<deviceType>urn:dslforum-org:device:WANDevice:1</deviceType>
<friendlyName>WANDevice - FRITZ!Box 7590</friendlyName>
<deviceList><device>
<deviceType>urn:dslforum-org:device:WANConnectionDevice:1</deviceType>
<serviceList>${wan}</serviceList>
</device></deviceList>
</device></deviceList>
</device>
</root>`;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function envelope(serviceType: string, action: string, out: Record<string, string | number>): string {
  const args = Object.entries(out)
    .map(([k, v]) => `<${k}>${esc(String(v))}</${k}>`)
    .join('\n');
  return `<?xml version="1.0"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">
<s:Body>
<u:${action}Response xmlns:u="${serviceType}">
${args}
</u:${action}Response>
</s:Body>
</s:Envelope>`;
}

function fault(code: number, text: string): string {
  return `<?xml version="1.0"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">
<s:Body>
<s:Fault>
<faultcode>s:Client</faultcode>
<faultstring>UPnPError</faultstring>
<detail>
<UPnPError xmlns="urn:dslforum-org:control-1-0">
<errorCode>${code}</errorCode>
<errorDescription>${text}</errorDescription>
</UPnPError>
</detail>
</s:Fault>
</s:Body>
</s:Envelope>`;
}

const md5 = (t: string) => createHash('md5').update(t, 'utf8').digest('hex');

function parseAuth(header: string | undefined): Record<string, string> | null {
  if (!header || !/^Digest\s/i.test(header)) return null;
  const out: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/([a-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/gi)) {
    out[m[1]!.toLowerCase()] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return out;
}

/** Start the simulator on 127.0.0.1 (random port). */
export async function startFritzboxSimulator(options: FritzboxSimOptions = {}): Promise<VendorSimulator> {
  const username = options.username ?? 'boxaudit';
  const password = options.password ?? 'fritz-secret-pw';
  const connection = options.connection ?? 'ppp';
  const mappings = options.mappings ?? FRITZ_SIM_DEFAULT_MAPPINGS;
  const requests: SimRequest[] = [];
  const nonces = new Map<string, { uses: number; lastNc: number; stale: boolean }>();
  const digestSecrets = [md5(`${username}:${REALM}:${password}`)];
  let expireLeft = options.alwaysExpire ? Number.POSITIVE_INFINITY : (options.expireCalls ?? 0);
  const wanType = connection === 'ppp' ? 'WANPPPConnection:1' : 'WANIPConnection:1';
  const controls = new Map<string, string>([...SERVICES.map(([t, u]) => [u, t] as [string, string])]);
  controls.set(
    connection === 'ppp' ? '/upnp/control/wanpppconn1' : '/upnp/control/wanipconnection1',
    wanType,
  );

  const challenge = (res: http.ServerResponse, stale: boolean) => {
    const nonce = randomBytes(8).toString('hex').toUpperCase();
    nonces.set(nonce, { uses: 0, lastNc: 0, stale });
    res.writeHead(401, {
      'www-authenticate': `Digest realm="${REALM}", nonce="${nonce}", algorithm=MD5, qop="auth"${stale ? ', stale=TRUE' : ''}`,
      'content-type': 'text/html',
    });
    res.end('<HTML><HEAD><TITLE>401 Unauthorized (ERR_NONE)</TITLE></HEAD></HTML>');
  };

  /** 'ok' | 'stale' | 'bad' */
  const verify = (req: http.IncomingMessage): 'ok' | 'stale' | 'bad' => {
    const a = parseAuth(req.headers.authorization);
    if (!a) return 'bad';
    if (a.response) digestSecrets.push(a.response);
    const state = a.nonce ? nonces.get(a.nonce) : undefined;
    const ha1 = md5(`${username}:${REALM}:${password}`);
    const ha2 = md5(`${req.method}:${a.uri}`);
    const expected = md5(`${ha1}:${a.nonce}:${a.nc}:${a.cnonce}:${a.qop}:${ha2}`);
    if (a.username !== username || a.realm !== REALM || a.response !== expected || a.uri !== req.url)
      return 'bad';
    if (!state) return 'stale';
    const nc = Number.parseInt(a.nc ?? '', 16);
    if (!(nc > state.lastNc)) return 'bad';
    state.lastNc = nc;
    if (expireLeft > 0 && (state.stale || state.uses > 0)) {
      if (state.stale) expireLeft -= 1;
      nonces.delete(a.nonce!);
      return 'stale';
    }
    state.uses += 1;
    if (options.nonceUses !== undefined && state.uses > options.nonceUses) {
      nonces.delete(a.nonce!);
      return 'stale';
    }
    return 'ok';
  };

  const answer = (key: string, serviceType: string, action: string, args: string): [number, string] => {
    if (options.malformed?.includes(key)) return [200, '<s:Envelope><s:Body><u:Broken'];
    const reply = options.replies?.[key];
    if (reply !== undefined) return [200, reply];
    if (options.failing?.includes(key)) return [500, fault(501, 'Action Failed')];
    if (options.refused?.[key] === 606) return [500, fault(606, 'Action Not Authorized')];
    const index = Number(/<NewPortMappingIndex>(\d+)<\/NewPortMappingIndex>/.exec(args)?.[1] ?? -1);
    switch (key) {
      case 'DeviceInfo:1#GetInfo':
        return [
          200,
          envelope(serviceType, action, {
            NewManufacturerName: 'AVM',
            NewModelName: 'FRITZ!Box 7590',
            NewSerialNumber: 'SERIAL0001',
            NewSoftwareVersion: '154.08.00',
            NewUpTime: 86400,
          }),
        ];
      case 'Layer3Forwarding:1#GetDefaultConnectionService':
        return [
          200,
          envelope(serviceType, action, {
            NewDefaultConnectionService:
              connection === 'ppp' ? '1.WANPPPConnection.1' : '1.WANIPConnection.1',
          }),
        ];
      case `${wanType}#GetExternalIPAddress`:
        return [200, envelope(serviceType, action, { NewExternalIPAddress: '198.51.100.7' })];
      case `${wanType}#GetPortMappingNumberOfEntries`:
        if (options.noCount) return [500, fault(401, 'Invalid Action')];
        return [200, envelope(serviceType, action, { NewPortMappingNumberOfEntries: mappings.length })];
      case `${wanType}#GetGenericPortMappingEntry`: {
        const m = mappings[index];
        if (!m) return [500, fault(713, 'SpecifiedArrayIndexInvalid')];
        return [
          200,
          envelope(serviceType, action, {
            NewRemoteHost: m.remoteHost,
            NewExternalPort: m.externalPort,
            NewProtocol: m.protocol,
            NewInternalPort: m.internalPort,
            NewInternalClient: m.internalClient,
            NewEnabled: m.enabled ? 1 : 0,
            NewPortMappingDescription: m.description,
            NewLeaseDuration: m.leaseDuration,
          }),
        ];
      }
      case 'X_AVM-DE_UPnP:1#GetInfo':
        return [
          200,
          envelope(serviceType, action, {
            NewEnable: options.upnpEnabled === false ? 0 : 1,
            NewUPnPMediaServer: 0,
          }),
        ];
      case 'X_AVM-DE_RemoteAccess:1#GetInfo': {
        const r = options.remoteAccess ?? { enabled: true, port: 44321 };
        return [
          200,
          envelope(serviceType, action, {
            NewEnabled: r.enabled ? 1 : 0,
            NewPort: r.port,
            NewUsername: username,
            NewLetsEncryptEnabled: 1,
            NewLetsEncryptState: 'Ok',
          }),
        ];
      }
      case 'X_AVM-DE_MyFritz:1#GetInfo': {
        const r = options.myfritz ?? { enabled: true, port: 44321 };
        return [
          200,
          envelope(serviceType, action, {
            NewEnabled: r.enabled ? 1 : 0,
            NewDeviceRegistered: 1,
            NewDynDNSName: 'abcd1234.myfritz.net',
            NewPort: r.port,
            NewState: 'MyFRITZ! registered',
          }),
        ];
      }
      case 'X_AVM-DE_Storage:1#GetInfo': {
        const r = options.ftpWan ?? { enabled: false, port: 21 };
        return [
          200,
          envelope(serviceType, action, {
            NewFTPEnable: 1,
            NewFTPStatus: 'ready',
            NewSMBEnable: 1,
            NewFTPWANEnable: r.enabled ? 1 : 0,
            NewFTPWANSSLOnly: 1,
            NewFTPWANPort: r.port,
          }),
        ];
      }
      default:
        return [500, fault(401, 'Invalid Action')];
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      if (req.method === 'GET' && path === '/tr64desc.xml') {
        requests.push({ method: 'GET', path, action: null, authenticated: false, digest: false });
        if (options.tr064Disabled) {
          res.writeHead(404).end('404 Not Found');
          return;
        }
        res.writeHead(200, {
          'content-type': 'text/xml',
          server: 'FRITZ!Box 7590 UPnP/1.0 AVM FRITZ!Box 7590 154.08.00',
        });
        res.end(options.description ?? description(connection));
        return;
      }
      const serviceType = controls.get(path);
      const soapAction = String(req.headers.soapaction ?? '').replace(/"/g, '');
      const action = soapAction.split('#')[1] ?? '';
      const key = serviceType ? `${serviceType}#${action}` : null;
      if (req.method !== 'POST' || !serviceType) {
        requests.push({ method: req.method ?? '?', path, action: key, authenticated: false, digest: false });
        res.writeHead(404).end();
        return;
      }
      const auth = verify(req);
      const digest = parseAuth(req.headers.authorization) !== null;
      requests.push({ method: 'POST', path, action: key, authenticated: auth === 'ok', digest });
      if (auth !== 'ok' || options.refused?.[key!] === 401) {
        challenge(res, auth === 'stale');
        return;
      }
      if (options.silent?.includes(key!)) return;
      const [status, xml] = answer(key!, `${T}${serviceType}`, action, body);
      res.writeHead(status, { 'content-type': 'text/xml; charset="utf-8"' });
      res.end(xml);
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    ...listening,
    requests,
    digestSecrets,
  };
}
