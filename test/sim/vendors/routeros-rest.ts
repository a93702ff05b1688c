/**
 * A loopback MikroTik RouterOS 7 REST API simulator, built from the documented format
 * (help.mikrotik.com "REST API", shared/vendor-apis.md §7.1: JSON arrays of items, every value a
 * string, `.id` like `*5`, singleton menus as one object; values invented) — not a real router.
 *
 * GET-only, HTTP Basic auth on every request (401 otherwise). Plain HTTP on 127.0.0.1 by default;
 * give `tls` (key + certificate PEM) to serve https like the `www-ssl` service does. Faults on
 * demand: paths answering HTTP 500 / 404 / 403, a cut-off JSON body, or a body given verbatim. Every request is recorded (method,
 * path, whether it was authenticated); other methods and unknown paths answer 400/404 and stay recorded,
 * so a test can prove none was sent.
 */
import http from 'node:http';
import https from 'node:https';
import { listenOnLoopback } from './_listen.js';

export interface RouterosRestSimRequest {
  method: string;
  /** Path with its query string. */
  path: string;
  authenticated: boolean;
}

type Row = Record<string, string>;

export interface RouterosRestSimData {
  nat: Row[];
  filter: Row[];
  upnp: Row;
  upnpInterfaces: Row[];
  services: Row[];
  addresses: Row[];
  resource: Row;
}

export interface RouterosRestSimOptions {
  username?: string;
  password?: string;
  data?: Partial<RouterosRestSimData>;
  /** Paths (e.g. `/rest/ip/upnp`) answered HTTP 500 with a RouterOS error body. */
  failing?: string[];
  /** Paths answered HTTP 404 (e.g. a menu missing on this version). */
  missing?: string[];
  /** Paths answered with a cut-off JSON body. */
  malformed?: string[];
  /** Paths answered HTTP 403 (the user's group lacks the policy for this menu). */
  forbidden?: string[];
  /** Paths answered HTTP 200 with this body verbatim (an oversized or hostile reply). */
  replies?: Record<string, string>;
  /** Serve https with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}

export interface RouterosRestSimulator {
  url: string;
  port: number;
  requests: RouterosRestSimRequest[];
  close(): Promise<void>;
}

export const ROUTEROS_REST_SIM_USER = 'audit';
export const ROUTEROS_REST_SIM_PASSWORD = 'Mk-r3st-S3cret!';

const common = { disabled: 'false', dynamic: 'false', invalid: 'false', log: 'false', 'log-prefix': '' };

/** A realistic RouterOS 7 home/office router: PACS forward, disabled SMB, a UPnP mapping, masquerade. */
export function defaultRouterosRestData(): RouterosRestSimData {
  return {
    nat: [
      {
        '.id': '*1',
        chain: 'srcnat',
        action: 'masquerade',
        'out-interface-list': 'WAN',
        comment: 'defconf: masquerade',
        'ipsec-policy': 'out,none',
        ...common,
        bytes: '91823311',
        packets: '120331',
      },
      {
        '.id': '*5',
        chain: 'dstnat',
        action: 'dst-nat',
        protocol: 'tcp',
        'dst-port': '104',
        'in-interface-list': 'WAN',
        'to-addresses': '192.168.88.20',
        'to-ports': '104',
        comment: 'PACS',
        ...common,
        bytes: '52311',
        packets: '612',
      },
      {
        '.id': '*6',
        chain: 'dstnat',
        action: 'dst-nat',
        protocol: 'tcp',
        'dst-port': '445',
        'in-interface-list': 'WAN',
        'to-addresses': '192.168.88.30',
        comment: 'NAS SMB',
        ...common,
        disabled: 'true',
        bytes: '0',
        packets: '0',
      },
      {
        '.id': '*9',
        chain: 'dstnat',
        action: 'dst-nat',
        protocol: 'udp',
        'dst-port': '3478',
        'dst-address': '203.0.113.7',
        'to-addresses': '192.168.88.50',
        'to-ports': '3478',
        comment: 'upnp 192.168.88.50: Console',
        ...common,
        dynamic: 'true',
        bytes: '1200',
        packets: '10',
      },
    ],
    filter: [
      {
        '.id': '*2',
        chain: 'input',
        action: 'accept',
        'connection-state': 'established,related,untracked',
        comment: 'defconf: accept established,related,untracked',
        ...common,
        bytes: '1000',
        packets: '10',
      },
      {
        '.id': '*3',
        chain: 'input',
        action: 'drop',
        'connection-state': 'invalid',
        comment: 'defconf: drop invalid',
        ...common,
      },
      {
        '.id': '*4',
        chain: 'input',
        action: 'accept',
        protocol: 'icmp',
        comment: 'defconf: accept ICMP',
        ...common,
      },
      {
        '.id': '*7',
        chain: 'input',
        action: 'accept',
        protocol: 'tcp',
        'dst-port': '443',
        'in-interface-list': 'WAN',
        comment: 'remote WebFig',
        ...common,
      },
      {
        '.id': '*8',
        chain: 'input',
        action: 'drop',
        'in-interface-list': '!LAN',
        comment: 'defconf: drop all not coming from LAN',
        ...common,
        bytes: '99112',
        packets: '1502',
      },
      {
        '.id': '*A',
        chain: 'forward',
        action: 'fasttrack-connection',
        'connection-state': 'established,related',
        'hw-offload': 'true',
        ...common,
      },
    ],
    upnp: { 'allow-disable-external-interface': 'false', enabled: 'true', 'show-dummy-rule': 'true' },
    upnpInterfaces: [
      {
        '.id': '*1',
        interface: 'ether1',
        type: 'external',
        'forced-ip': '',
        disabled: 'false',
        dynamic: 'false',
      },
      {
        '.id': '*2',
        interface: 'bridge',
        type: 'internal',
        'forced-ip': '',
        disabled: 'false',
        dynamic: 'false',
      },
    ],
    services: [
      service('*0', 'telnet', '23', '', 'true'),
      service('*1', 'ftp', '21', '', 'true'),
      service('*2', 'www', '80', '192.168.88.0/24', 'false'),
      service('*3', 'ssh', '22', '', 'false'),
      service('*4', 'www-ssl', '443', '', 'false'),
      service('*5', 'api', '8728', '', 'true'),
      service('*6', 'winbox', '8291', '', 'false'),
      service('*7', 'api-ssl', '8729', '', 'true'),
    ],
    addresses: [
      {
        '.id': '*1',
        address: '192.168.88.1/24',
        network: '192.168.88.0',
        interface: 'bridge',
        'actual-interface': 'bridge',
        comment: 'defconf',
        disabled: 'false',
        dynamic: 'false',
        invalid: 'false',
      },
      {
        '.id': '*2',
        address: '203.0.113.7/24',
        network: '203.0.113.0',
        interface: 'ether1',
        'actual-interface': 'ether1',
        disabled: 'false',
        dynamic: 'true',
        invalid: 'false',
      },
    ],
    resource: {
      uptime: '2d3h4m5s',
      version: '7.16 (stable)',
      'build-time': '2024-09-20 13:00:27',
      'free-memory': '880123904',
      'total-memory': '1073741824',
      cpu: 'ARM64',
      'cpu-count': '4',
      'cpu-load': '1',
      'architecture-name': 'arm64',
      'board-name': 'RB5009UG+S+',
      platform: 'MikroTik',
    },
  };
}

function service(id: string, name: string, port: string, address: string, disabled: string): Row {
  return {
    '.id': id,
    name,
    port,
    address,
    disabled,
    invalid: 'false',
    dynamic: 'false',
    vrf: 'main',
    'max-sessions': '20',
    ...(name === 'www-ssl' || name === 'api-ssl' ? { certificate: 'webfig', 'tls-version': 'any' } : {}),
  };
}

/** Start the simulator on 127.0.0.1 (random port). */
export async function startRouterosRestSimulator(
  options: RouterosRestSimOptions = {},
): Promise<RouterosRestSimulator> {
  const username = options.username ?? ROUTEROS_REST_SIM_USER;
  const password = options.password ?? ROUTEROS_REST_SIM_PASSWORD;
  const data: RouterosRestSimData = { ...defaultRouterosRestData(), ...options.data };
  const expected = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  const routes: Record<string, unknown> = {
    '/rest/ip/firewall/nat': data.nat,
    '/rest/ip/firewall/filter': data.filter,
    '/rest/ip/upnp': data.upnp,
    '/rest/ip/upnp/interfaces': data.upnpInterfaces,
    '/rest/ip/service': data.services,
    '/rest/ip/address': data.addresses,
    '/rest/system/resource': data.resource,
    '/rest/system/identity': { name: 'MikroTik' },
  };
  const requests: RouterosRestSimRequest[] = [];

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    req.resume();
    const path = req.url ?? '/';
    const pathOnly = path.split('?', 1)[0] ?? path;
    const authenticated = req.headers.authorization === expected;
    requests.push({ method: req.method ?? '?', path, authenticated });
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (!authenticated) {
      res.setHeader('www-authenticate', 'Basic realm="RouterOS"');
      json(401, { error: 401, message: 'Unauthorized' });
      return;
    }
    if (req.method !== 'GET') {
      json(400, { error: 400, message: 'Bad Request', detail: 'this simulator is read-only' });
      return;
    }
    if (options.failing?.includes(pathOnly)) {
      json(500, { error: 500, message: 'Internal Server Error', detail: 'simulated failure' });
      return;
    }
    if (options.forbidden?.includes(pathOnly)) {
      json(403, { error: 403, message: 'Forbidden', detail: 'not enough permissions (simulated)' });
      return;
    }
    const verbatim = options.replies?.[pathOnly];
    if (verbatim !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(verbatim);
      return;
    }
    if (options.malformed?.includes(pathOnly)) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('[{".id":"*1","chain":"dst');
      return;
    }
    const body = routes[pathOnly];
    if (body === undefined || options.missing?.includes(pathOnly)) {
      json(404, { error: 404, message: 'Not Found', detail: 'no such command or directory' });
      return;
    }
    json(200, body);
  };

  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : http.createServer(handler);
  const listening = await listenOnLoopback(server, options.tls ? 'https' : 'http');
  return {
    ...listening,
    requests,
  };
}
