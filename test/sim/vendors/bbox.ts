/**
 * A loopback Bouygues Telecom Bbox API v1 simulator, built from the formats documented in
 * shared/vendor-apis.md §3 (Bouygues' router API doc as relayed by open-source clients; values
 * invented) — not a real box, and not a copy of any client's code. Plain HTTP on 127.0.0.1 (a real
 * Bbox serves https).
 *
 * Password login (form body) → `BBOX_ID` cookie; array-wrapped replies; 401 for a wrong password
 * or an expired cookie; 429 + `Retry-After` for the login lockout; malformed replies on demand.
 * Every request is recorded; writes and unknown paths answer 404 and stay recorded, so a test can
 * prove none was sent.
 *
 * `device`, `wan/ip` and `services` are shaped like the real F@st5330b replies in
 * shared/vendor-captures/bbox (integer state flags, `remote.admin.duration` "" when off, `main.version`,
 * `ip.state`); the NAT, DMZ and UPnP rule replies have no capture and follow the documentation. Tests
 * can also make it serve a real captured body verbatim (`replies`).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { listenOnLoopback } from './_listen.js';

export interface BboxSimRequest {
  method: string;
  path: string;
  /** The request carried the current BBOX_ID cookie. */
  authenticated: boolean;
}

export interface BboxSimOptions {
  password?: string;
  natRules?: unknown[];
  natEnable?: number;
  dmz?: Record<string, unknown>;
  upnpEnable?: number | string;
  upnpRules?: unknown[];
  services?: Record<string, unknown>;
  /** The first N login attempts answer 429 with this `Retry-After` (seconds; null = no header). */
  lockoutAttempts?: number;
  retryAfterSeconds?: number | null;
  /** The first N authenticated reads (whole run) answer 401 and drop the session. */
  expireReads?: number;
  /** Every read answers 401. */
  alwaysExpire?: boolean;
  /** Paths (e.g. `/api/v1/nat/dmz`) answered with broken JSON. */
  malformed?: string[];
  /** Paths answered HTTP 500. */
  failing?: string[];
  /** GET paths → the body to send verbatim instead (e.g. a real captured reply). */
  replies?: Record<string, string>;
}

export interface BboxSimulator {
  url: string;
  port: number;
  requests: BboxSimRequest[];
  /** BBOX_ID values handed out. */
  issuedSecrets: string[];
  close(): Promise<void>;
}

export const BBOX_SIM_PASSWORD = 'Bbox&Adm1n=pw?';

export const BBOX_SIM_DEFAULTS = {
  natRules: [
    {
      id: 1,
      enable: 1,
      description: 'PACS',
      protocol: 'tcp',
      externalip: '',
      externalport: '104',
      internalip: '192.168.1.20',
      internalport: '104',
    },
    {
      id: 2,
      enable: '1',
      description: 'SMB NAS',
      protocol: 'tcp,udp',
      externalip: '203.0.113.7',
      externalport: 445,
      internalip: '192.168.1.30',
      internalport: 445,
    },
    {
      id: 3,
      enable: 0,
      description: 'NAS web',
      protocol: 'tcp',
      externalip: '',
      externalport: '5000-5001',
      internalip: '192.168.1.30',
      internalport: '5000-5001',
    },
  ],
  dmz: { enable: 1, ipaddress: '192.168.1.50', dnsprotect: 1 },
  upnpRules: [
    {
      id: 1,
      enable: 1,
      description: 'uTorrent (TCP)',
      protocol: 'tcp',
      externalport: '6881',
      internalip: '192.168.1.42',
      internalport: '6881',
      leaseduration: 1800,
    },
    {
      id: 2,
      enable: 1,
      description: 'DICOM router',
      protocol: 'tcp',
      externalport: 11112,
      internalip: '192.168.1.20',
      internalport: 11112,
      leaseduration: 0,
    },
  ],
  services: {
    firewall: { status: 1, enable: 1 },
    nat: { status: 1, enable: 1, nbrules: 3 },
    upnp: { igd: { status: 1, enable: 1, nbrules: 2 } },
    remote: {
      admin: { status: 1, enable: 1, port: 8080, ip: '', duration: '', activable: 1, ip6address: '' },
      proxywol: { status: 0, enable: 0, ip: '' },
    },
    usb: {
      samba: { status: 1, enable: 1 },
      printer: { status: 0, enable: 0 },
      dlna: { status: 1, enable: 1 },
    },
  },
};

/** Start the simulator on 127.0.0.1, a free port. */
export async function startBboxSimulator(options: BboxSimOptions = {}): Promise<BboxSimulator> {
  const password = options.password ?? BBOX_SIM_PASSWORD;
  const requests: BboxSimRequest[] = [];
  const issuedSecrets: string[] = [];
  let session: string | null = null;
  let lockoutLeft = options.lockoutAttempts ?? 0;
  let expiriesLeft = options.expireReads ?? 0;
  const natEnable = options.natEnable ?? 1;
  const reads: Record<string, () => unknown> = {
    '/api/v1/device': () => [
      {
        device: {
          now: '2024-03-01T10:00:00+0100',
          status: 1,
          numberofboots: 12,
          modelname: 'Bbox Ultym',
          user_configured: 1,
          display: { luminosity: 100, state: '.' },
          main: { version: '23.7.8', date: '2024-01-10T09:00:00Z' },
          running: { version: '23.7.8', date: '2024-01-10T10:00:00+0100' },
          using: { ipv4: 1, ipv6: 1, ftth: 1, adsl: 0, vdsl: 0 },
        },
      },
    ],
    '/api/v1/wan/ip': () => [
      {
        wan: {
          internet: { state: 2 },
          ip: {
            address: '198.51.100.99',
            state: 'Up',
            gateway: '198.51.100.1',
            subnet: '255.255.255.255',
            ip6state: 'Up',
            ip6address: [],
            mtu: 1500,
          },
          link: { state: 'Up', type: 'ftth' },
        },
      },
    ],
    '/api/v1/nat/rules': () => [
      { nat: { enable: natEnable, rules: options.natRules ?? BBOX_SIM_DEFAULTS.natRules } },
    ],
    '/api/v1/nat/dmz': () => [{ nat: { dmz: options.dmz ?? BBOX_SIM_DEFAULTS.dmz } }],
    '/api/v1/upnp/igd': () => [
      {
        upnp: {
          igd: { enable: options.upnpEnable ?? 1, friendlyName: 'Bbox', uuid: 'ddbc31000000', state: 'Up' },
        },
      },
    ],
    '/api/v1/upnp/igd/rules': () => [
      { upnp: { igd: { rules: options.upnpRules ?? BBOX_SIM_DEFAULTS.upnpRules } } },
    ],
    '/api/v1/services': () => [{ services: options.services ?? BBOX_SIM_DEFAULTS.services }],
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
      const cookie = (req.headers.cookie ?? '').split(/;\s*/).find((c) => c.startsWith('BBOX_ID='));
      const authenticated = session !== null && cookie === `BBOX_ID=${session}`;
      requests.push({ method: req.method ?? '', path, authenticated });
      const send = (
        status: number,
        payload: unknown,
        headers: Record<string, string> = {},
        raw?: string,
      ): void => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(raw ?? JSON.stringify(payload));
      };
      const error = (status: number, reason: string): void =>
        send(status, {
          exception: { domain: path, code: String(status), errors: [{ name: 'login', reason }] },
        });

      if (req.method === 'POST' && path === '/api/v1/login') {
        if (lockoutLeft > 0) {
          lockoutLeft--;
          const ra = options.retryAfterSeconds === undefined ? 1 : options.retryAfterSeconds;
          send(
            429,
            {
              exception: {
                domain: path,
                code: '429',
                errors: [{ name: 'login', reason: 'Too many attempts' }],
              },
            },
            ra === null ? {} : { 'retry-after': String(ra) },
          );
          return;
        }
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        if (form.get('password') !== password) {
          error(401, 'Invalid password');
          return;
        }
        session = randomBytes(20).toString('hex');
        issuedSecrets.push(session);
        send(200, {}, { 'set-cookie': `BBOX_ID=${session}; Path=/; HttpOnly` });
        return;
      }
      if (req.method === 'POST' && path === '/api/v1/logout') {
        session = null;
        send(200, {});
        return;
      }
      const read = reads[path];
      if (req.method !== 'GET' || !read) {
        error(404, 'Not found');
        return;
      }
      if (!authenticated || options.alwaysExpire || expiriesLeft > 0) {
        if (authenticated && expiriesLeft > 0) {
          expiriesLeft--;
          session = null;
        }
        error(401, 'Unauthorized');
        return;
      }
      if (options.malformed?.includes(path)) {
        send(200, null, {}, '[{"nat":{"dmz":{"enable":1,"ipaddress":');
        return;
      }
      if (options.failing?.includes(path)) {
        error(500, 'Internal error');
        return;
      }
      const canned = options.replies?.[path];
      send(200, canned === undefined ? read() : null, {}, canned);
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    ...listening,
    requests,
    issuedSecrets,
  };
}
