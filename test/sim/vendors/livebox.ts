/**
 * A loopback Orange Livebox "sysbus" simulator, built from the formats documented in
 * shared/vendor-apis.md §2 (reverse-engineered by open-source clients; values invented) and shaped
 * like the real Livebox 3 / Livebox 7 replies in shared/vendor-captures/livebox (Home Assistant
 * diagnostics dumps): rules in a map keyed by rule id, ports and IANA protocol numbers as strings,
 * `RemoteAccess` with `Enable`/`Port`/`Protocol`/`PortMode`, `UPnP-IGD` with `Enable`, errors 13
 * "Permission denied" and 196618 "Object or parameter not found". Not a real box, and not a copy of
 * any client's code. Plain HTTP on 127.0.0.1, as the Livebox web UI. Tests can also make it serve a
 * real captured reply body verbatim (`replies`).
 *
 * `POST /ws` with `createContext` (X-Sah-Login), a context id and a cookie whose name contains a
 * slash, then getters checked against `X-Context` + cookie. Failure modes: bad password, expired
 * context (error 13), a getter that errors (as getPortForwarding does on some firmware), and
 * malformed replies. Every request is recorded with its `service.method`; setters and unknown
 * calls answer an error and stay recorded, so a test can prove none was sent.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { listenOnLoopback } from './_listen.js';

export interface LiveboxSimRequest {
  method: string;
  path: string;
  /** `service.method` from the body, or null. */
  operation: string | null;
  /** The request carried the current context and cookie. */
  authenticated: boolean;
}

export interface LiveboxSimOptions {
  username?: string;
  password?: string;
  portForwarding?: Record<string, unknown>;
  pinholes?: Record<string, unknown>;
  dmz?: Record<string, unknown>;
  upnp?: Record<string, unknown>;
  remoteAccess?: Record<string, unknown>;
  deviceInfo?: Record<string, unknown>;
  /** `NMC.getLANIP` data (sent as `{"status": null, "data": …}`, as real boxes do). */
  lanIp?: Record<string, unknown>;
  /** `service.method` answered with broken JSON. */
  malformed?: string[];
  /** `service.method` answered with a sysbus error (not a permission error). */
  failing?: string[];
  /** `service.method` answered error 196618 "Object or parameter not found" (a getter the firmware lacks). */
  notFound?: string[];
  /** `service.method` → the whole reply body to send (e.g. a real captured `{"status":…}`). */
  replies?: Record<string, unknown>;
  /** Wrap every getter reply in `{"result": …}`, as firmware speaking `x-sah-ws-1-call+json` does. */
  wrapResult?: boolean;
  /** The first N authenticated getters (whole run) answer 13 "Permission denied" and drop the context. */
  expireCalls?: number;
  /** Every getter answers 13 "Permission denied" (context never accepted). */
  alwaysDeny?: boolean;
}

export interface LiveboxSimulator {
  url: string;
  port: number;
  requests: LiveboxSimRequest[];
  /** Context ids and cookie values handed out (tests grep outputs for them). */
  issuedSecrets: string[];
  close(): Promise<void>;
}

export const LIVEBOX_SIM_PASSWORD = 'Lb-admin-pw-7Rk2pQ9s';
const COOKIE_NAME = 'a1b2c3d4/sessid';

export const LIVEBOX_SIM_DEFAULTS = {
  portForwarding: {
    webui_PACS: {
      Id: 'webui_PACS',
      Origin: 'webui',
      Description: 'PACS',
      Status: 'Enabled',
      Enable: true,
      SourceInterface: 'data',
      Protocol: '6',
      ExternalPort: '104',
      InternalPort: '104',
      SourcePrefix: '',
      DestinationIPAddress: '192.168.1.20',
      DestinationMACAddress: '',
      LeaseDuration: 0,
      HairpinNAT: true,
      SymmetricSNAT: false,
      UPnPV1Compat: false,
    },
    webui_SMB: {
      Id: 'webui_SMB',
      Origin: 'webui',
      Description: 'Partage fichiers',
      Status: 'Enabled',
      Enable: true,
      SourceInterface: 'data',
      Protocol: '6,17',
      ExternalPort: '445',
      InternalPort: '445',
      SourcePrefix: '203.0.113.0/24',
      DestinationIPAddress: '192.168.1.30',
      DestinationMACAddress: '',
      LeaseDuration: 0,
    },
    webui_Cam: {
      Id: 'webui_Cam',
      Origin: 'webui',
      Description: 'Cameras',
      Status: 'Disabled',
      Enable: false,
      SourceInterface: 'data',
      Protocol: '6',
      ExternalPort: '10000-10005',
      InternalPort: '20000',
      SourcePrefix: '',
      DestinationIPAddress: '192.168.1.60',
      LeaseDuration: 0,
    },
    upnp_3: {
      Id: 'upnp_3',
      Origin: 'upnp',
      Description: 'Plex',
      Status: 'Enabled',
      Enable: true,
      SourceInterface: 'data',
      Protocol: '6',
      ExternalPort: '32400',
      InternalPort: '32400',
      SourcePrefix: '',
      DestinationIPAddress: '192.168.1.50',
      LeaseDuration: 3600,
    },
  },
  pinholes: {
    webui_NAS6: {
      Id: 'webui_NAS6',
      Origin: 'webui',
      Description: 'NAS IPv6',
      SourceInterface: 'data',
      Protocol: '6',
      DestinationPort: '5001',
      SourcePort: '',
      DestinationIPAddress: '2001:db8:1::30',
      SourcePrefix: '',
      Enable: true,
      Status: 'Enabled',
    },
    webui_ALL6: {
      Id: 'webui_ALL6',
      Origin: 'webui',
      Description: 'Poste labo',
      SourceInterface: 'data',
      Protocol: '17',
      DestinationIPAddress: '2001:db8:1::77',
      SourcePrefix: '',
      Enable: true,
      Status: 'Enabled',
    },
  },
  dmz: {
    webui: {
      SourceInterface: 'data',
      DestinationIPAddress: '192.168.1.20',
      SourcePrefix: '',
      Status: 'Enabled',
      Enable: true,
    },
  },
  upnp: {
    Enable: true,
    WANAccessProvider: 'Orange Livebox',
    ModelNumber: '6',
    ModelName: 'Residential Livebox (GPON, WAN Ethernet)',
    FriendlyName: 'Orange Livebox',
  },
  remoteAccess: {
    SourcePrefix: '',
    SourcePrefixNonEmpty: false,
    PortMode: 'RANDOM',
    AllowedPorts: '',
    Port: 8443,
    SupportedProtocols: 'HTTPS',
    Protocol: 'HTTPS',
    Timeout: 0,
    TimeLeft: 0,
    Interface: 'data',
    Enable: true,
  },
  lanIp: {
    Address: '192.168.1.1',
    Netmask: '255.255.255.0',
    DHCPEnable: true,
    DHCPMinAddress: '192.168.1.10',
    DHCPMaxAddress: '192.168.1.150',
    LeaseTime: 86400,
  },
  deviceInfo: {
    Manufacturer: 'Sagemcom',
    ModelName: 'SagemcomFast5670_OFR',
    ProductClass: 'Livebox 6',
    SoftwareVersion: 'SG_LB6_1.2.3',
    ExternalIPAddress: '198.51.100.77',
  },
};

/** Start the simulator on 127.0.0.1, a free port. */
export async function startLiveboxSimulator(options: LiveboxSimOptions = {}): Promise<LiveboxSimulator> {
  const username = options.username ?? 'admin';
  const password = options.password ?? LIVEBOX_SIM_PASSWORD;
  const requests: LiveboxSimRequest[] = [];
  const issuedSecrets: string[] = [];
  let context: string | null = null;
  let cookie: string | null = null;
  let expiriesLeft = options.expireCalls ?? 0;
  const getters: Record<string, unknown> = {
    'DeviceInfo.get': options.deviceInfo ?? LIVEBOX_SIM_DEFAULTS.deviceInfo,
    'Firewall.getPortForwarding': options.portForwarding ?? LIVEBOX_SIM_DEFAULTS.portForwarding,
    'Firewall.getPinhole': options.pinholes ?? LIVEBOX_SIM_DEFAULTS.pinholes,
    'Firewall.getDMZ': options.dmz ?? LIVEBOX_SIM_DEFAULTS.dmz,
    'UPnP-IGD.get': options.upnp ?? LIVEBOX_SIM_DEFAULTS.upnp,
    'RemoteAccess.get': options.remoteAccess ?? LIVEBOX_SIM_DEFAULTS.remoteAccess,
    'NMC.getLANIP': options.lanIp ?? LIVEBOX_SIM_DEFAULTS.lanIp,
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
      let body: Record<string, unknown> | null = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        body = null;
      }
      const operation =
        body && typeof body.service === 'string' ? `${body.service}.${String(body.method)}` : null;
      const sentCookie = (req.headers.cookie ?? '')
        .split(/;\s*/)
        .find((c) => c.startsWith(`${COOKIE_NAME}=`));
      const authenticated =
        context !== null && req.headers['x-context'] === context && sentCookie === `${COOKIE_NAME}=${cookie}`;
      requests.push({ method: req.method ?? '', path, operation, authenticated });
      const send = (
        status: number,
        payload: unknown,
        headers: Record<string, string> = {},
        raw?: string,
      ): void => {
        const text = raw ?? JSON.stringify(payload);
        res.writeHead(status, { 'content-type': 'application/x-sah-ws-4-call+json', ...headers });
        res.end(text);
      };
      const error = (status: number, code: number, description: string): void =>
        send(status, { status: null, errors: [{ error: code, description, info: operation ?? '' }] });

      if (req.method !== 'POST' || path !== '/ws' || !body || !operation) {
        error(404, 196615, 'Object or function not found');
        return;
      }
      if (operation === 'sah.Device.Information.createContext') {
        if (options.malformed?.includes(operation)) {
          send(200, null, {}, '{"status":0,"data":{"contextID":');
          return;
        }
        const p = (body.parameters ?? {}) as Record<string, unknown>;
        if (
          req.headers.authorization !== 'X-Sah-Login' ||
          p.username !== username ||
          p.password !== password
        ) {
          error(401, 13, 'Permission denied');
          return;
        }
        context = randomBytes(24).toString('base64');
        cookie = randomBytes(16).toString('hex');
        issuedSecrets.push(context, cookie);
        send(
          200,
          { status: 0, data: { contextID: context, username, groups: 'http,admin' } },
          { 'set-cookie': `${COOKIE_NAME}=${cookie}; path=/; HttpOnly` },
        );
        return;
      }
      if (!(operation in getters)) {
        // Setters and anything unknown: refused, and recorded above.
        error(200, 196615, 'Object or function not found');
        return;
      }
      if (!authenticated || options.alwaysDeny || expiriesLeft > 0) {
        if (authenticated && expiriesLeft > 0) {
          expiriesLeft--;
          context = null;
        }
        error(200, 13, 'Permission denied');
        return;
      }
      if (options.malformed?.includes(operation)) {
        send(200, null, {}, '{"status":{"webui_PACS":{"Id":"webui_PACS",');
        return;
      }
      if (options.failing?.includes(operation)) {
        error(200, 1, 'Function execution failed');
        return;
      }
      if (options.notFound?.includes(operation)) {
        error(200, 196618, 'Object or parameter not found');
        return;
      }
      const reply =
        options.replies && operation in options.replies
          ? options.replies[operation]
          : operation === 'NMC.getLANIP'
            ? { status: null, data: getters[operation] }
            : { status: getters[operation] };
      send(200, options.wrapResult ? { result: reply } : reply);
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    ...listening,
    requests,
    issuedSecrets,
  };
}
