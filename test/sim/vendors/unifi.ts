/**
 * A loopback UniFi Network simulator, built from the formats documented in shared/vendor-apis.md
 * §9.1 (reverse-engineered local API, as relayed by open-source clients; values invented) — not a
 * real console, and not a copy of any client's code. Plain HTTP on 127.0.0.1 (a real console
 * serves https with a self-signed certificate).
 *
 * Two modes:
 * - `unifi-os` (UDM/UDR/UCG/UXG/Cloud Key Gen2+): `POST /api/auth/login` → cookie `TOKEN` and an
 *   `X-CSRF-Token` header; the Network application under `/proxy/network`; `/api/login` is 404.
 * - `legacy` (self-hosted controller): `POST /api/login` → cookie `unifises` (+ `csrf_token`);
 *   paths without prefix; `/api/auth/login` is 404.
 *
 * Replies use the `{"meta":{"rc":"ok"},"data":[…]}` envelope; an unauthenticated read answers 401
 * `api.err.LoginRequired`. Faults on demand: wrong password, session expiry, an endpoint answering
 * `rc:"error"` or broken JSON. Every request is recorded; writes and unknown paths answer 404 and
 * stay recorded, so a test can prove none was sent. Port-forward records are shaped like the real
 * ones in shared/vendor-captures/unifi (ports as strings, `proto` `tcp_udp`, `src` "any"); tests can
 * also make it serve a given body verbatim (`replies`), e.g. a captured reply.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { listenOnLoopback } from './_listen.js';

export type UnifiSimMode = 'unifi-os' | 'legacy';

export interface UnifiSimRequest {
  method: string;
  path: string;
  /** The request carried the current session cookie. */
  authenticated: boolean;
  /** The request carried the CSRF token handed out at login. */
  csrf: boolean;
}

export interface UnifiSimSite {
  /** Short site id used in paths (`default`). */
  name: string;
  /** Display name (`Default`). */
  desc: string;
  portforwards: Record<string, unknown>[];
  /** `rest/setting` entries (one object per `key`). */
  settings: Record<string, unknown>[];
}

export interface UnifiSimOptions {
  mode?: UnifiSimMode;
  username?: string;
  password?: string;
  sites?: UnifiSimSite[];
  /** The first N authenticated reads (whole run) answer 401 LoginRequired and drop the session. */
  expireReads?: number;
  /** Every read answers 401 LoginRequired. */
  alwaysExpire?: boolean;
  /** Paths (without `/proxy/network`) answered `{"meta":{"rc":"error","msg":…}}`, HTTP 400. */
  rcErrors?: Record<string, string>;
  /** Paths (without `/proxy/network`) answered with broken JSON. */
  malformed?: string[];
  /** Read paths (without `/proxy/network`) → the body to send verbatim instead. */
  replies?: Record<string, string>;
}

export interface UnifiSimulator {
  url: string;
  port: number;
  mode: UnifiSimMode;
  requests: UnifiSimRequest[];
  /** Session cookie values and CSRF tokens handed out. */
  issuedSecrets: string[];
  close(): Promise<void>;
}

export const UNIFI_SIM_USERNAME = 'audit-local';
export const UNIFI_SIM_PASSWORD = 'Un1fi"Local\\pw!';
/** A device SSH password kept in the `mgmt` settings entry, as real controllers do: must never leak. */
export const UNIFI_SIM_DEVICE_SSH_PASSWORD = 'DeviceSsh-Secret-42';

/** Two sites: a main site with the interesting forwards, and a small annex on an older controller format. */
export function defaultUnifiSites(): UnifiSimSite[] {
  return [
    {
      name: 'default',
      desc: 'Default',
      portforwards: [
        {
          _id: '65a1b2c3d4e5f60718293a4b',
          site_id: '65a1b2c3d4e5f60718293a00',
          name: 'PACS',
          enabled: true,
          pfwd_interface: 'wan',
          src: 'any',
          dst_port: '104',
          fwd: '192.168.1.20',
          fwd_port: '104',
          proto: 'tcp',
          log: false,
          destination_ip: 'any',
        },
        {
          _id: '65a1b2c3d4e5f60718293a4c',
          site_id: '65a1b2c3d4e5f60718293a00',
          name: 'Old RDP',
          enabled: false,
          pfwd_interface: 'wan',
          src: 'any',
          dst_port: '3389',
          fwd: '192.168.1.30',
          fwd_port: '3389',
          proto: 'tcp',
          log: false,
          destination_ip: 'any',
        },
        {
          _id: '65a1b2c3d4e5f60718293a4d',
          site_id: '65a1b2c3d4e5f60718293a00',
          name: 'Game server',
          enabled: true,
          pfwd_interface: 'both',
          src: 'any',
          dst_port: '27015-27030',
          fwd: '192.168.1.40',
          fwd_port: '27015-27030',
          proto: 'tcp_udp',
          log: false,
          destination_ip: 'any',
        },
        {
          _id: '65a1b2c3d4e5f60718293a4e',
          site_id: '65a1b2c3d4e5f60718293a00',
          name: 'Radiology viewer',
          enabled: true,
          pfwd_interface: 'wan2',
          src: '203.0.113.0/24',
          src_limiting_enabled: true,
          src_limiting_type: 'ip',
          dst_port: '8443',
          fwd: '192.168.1.50',
          fwd_port: '443',
          proto: 'tcp',
          log: true,
          destination_ip: '198.51.100.7',
        },
        {
          _id: '65a1b2c3d4e5f60718293a4f',
          site_id: '65a1b2c3d4e5f60718293a00',
          name: 'SSH except one',
          enabled: true,
          pfwd_interface: 'wan',
          src: '!198.51.100.66',
          dst_port: '2222',
          fwd: '192.168.1.60',
          fwd_port: '22',
          proto: 'tcp',
          log: false,
          destination_ip: 'any',
        },
        {
          _id: '65a1b2c3d4e5f60718293a50',
          site_id: '65a1b2c3d4e5f60718293a00',
          name: 'Partner web',
          enabled: true,
          pfwd_interface: 'all',
          src: 'any',
          src_limiting_enabled: true,
          src_limiting_type: 'firewall_group',
          src_firewall_group_id: '65a1b2c3d4e5f60718299999',
          dst_port: '80,443',
          fwd: '192.168.1.70',
          fwd_port: '80,443',
          proto: 'tcp',
          log: false,
          destination_ip: 'any',
        },
      ],
      settings: [
        {
          _id: '65a1b2c3d4e5f6071829aa01',
          key: 'mgmt',
          site_id: '65a1b2c3d4e5f60718293a00',
          x_ssh_username: 'ubnt-device',
          x_ssh_password: UNIFI_SIM_DEVICE_SSH_PASSWORD,
          x_ssh_enabled: true,
        },
        {
          _id: '65a1b2c3d4e5f6071829aa02',
          key: 'usg',
          site_id: '65a1b2c3d4e5f60718293a00',
          upnp_enabled: true,
          upnp_nat_pmp_enabled: true,
          upnp_secure_mode: true,
          upnp_wan_interface: 'wan',
        },
      ],
    },
    {
      name: 'x7k2p9qa',
      desc: 'Clinic annex',
      portforwards: [
        // A very old controller format: no `enabled` field (UNCONFIRMED: absent = enabled).
        {
          _id: '5f0000000000000000000b01',
          site_id: '5f0000000000000000000b00',
          name: 'DICOM router',
          pfwd_interface: 'wan',
          src: 'any',
          dst_port: '11112',
          fwd: '10.10.0.5',
          fwd_port: '11112',
          proto: 'tcp',
        },
      ],
      settings: [
        {
          _id: '5f0000000000000000000c01',
          key: 'usg',
          site_id: '5f0000000000000000000b00',
          upnp_enabled: false,
          upnp_nat_pmp_enabled: false,
          upnp_secure_mode: true,
        },
      ],
    },
  ];
}

const SITE_PATH = /^\/api\/s\/([^/]+)\/rest\/(portforward|setting|firewallrule)$/;

/** Start the simulator on 127.0.0.1, a free port. */
export async function startUnifiSimulator(options: UnifiSimOptions = {}): Promise<UnifiSimulator> {
  const mode = options.mode ?? 'unifi-os';
  const username = options.username ?? UNIFI_SIM_USERNAME;
  const password = options.password ?? UNIFI_SIM_PASSWORD;
  const sites = options.sites ?? defaultUnifiSites();
  const cookieName = mode === 'unifi-os' ? 'TOKEN' : 'unifises';
  const loginPath = mode === 'unifi-os' ? '/api/auth/login' : '/api/login';
  const logoutPath = mode === 'unifi-os' ? '/api/auth/logout' : '/api/logout';
  const prefix = mode === 'unifi-os' ? '/proxy/network' : '';
  const requests: UnifiSimRequest[] = [];
  const issuedSecrets: string[] = [];
  let session: string | null = null;
  let csrfToken: string | null = null;
  let expiriesLeft = options.expireReads ?? 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
      const cookie = (req.headers.cookie ?? '').split(/;\s*/).find((c) => c.startsWith(`${cookieName}=`));
      const authenticated = session !== null && cookie === `${cookieName}=${session}`;
      const csrf = csrfToken !== null && req.headers['x-csrf-token'] === csrfToken;
      requests.push({ method: req.method ?? '', path, authenticated, csrf });
      const send = (status: number, payload: unknown, headers: Record<string, string | string[]> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
      };
      const rcError = (status: number, msg: string) => send(status, { meta: { rc: 'error', msg }, data: [] });
      const ok = (data: unknown[]) => send(200, { meta: { rc: 'ok' }, data });

      if (req.method === 'POST' && path === loginPath) {
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        } catch {
          rcError(400, 'api.err.InvalidPayload');
          return;
        }
        if (body.username !== username || body.password !== password) {
          // UniFi OS answers 401 with its own error body (shape UNCONFIRMED); the legacy controller 400 api.err.Invalid.
          if (mode === 'unifi-os')
            send(401, {
              code: 'AUTHENTICATION_FAILED_INVALID_CREDENTIALS',
              message: 'Invalid username or password',
            });
          else rcError(400, 'api.err.Invalid');
          return;
        }
        session =
          mode === 'unifi-os'
            ? `${randomBytes(18).toString('base64url')}.${randomBytes(48).toString('base64url')}.${randomBytes(32).toString('base64url')}`
            : randomBytes(16).toString('hex');
        csrfToken = randomUUID();
        issuedSecrets.push(session, csrfToken);
        if (mode === 'unifi-os') {
          send(
            200,
            { unique_id: 'f0e1d2c3', username, isOwner: false, deviceToken: randomBytes(8).toString('hex') },
            {
              'set-cookie': `TOKEN=${session}; path=/; samesite=strict; secure; httponly`,
              'x-csrf-token': csrfToken,
            },
          );
        } else {
          send(
            200,
            { meta: { rc: 'ok' }, data: [] },
            {
              'set-cookie': [
                `unifises=${session}; Path=/; Secure; HttpOnly`,
                `csrf_token=${csrfToken}; Path=/; Secure`,
              ],
            },
          );
        }
        return;
      }
      if (req.method === 'POST' && path === logoutPath) {
        session = null;
        csrfToken = null;
        if (mode === 'unifi-os') send(200, {});
        else ok([]);
        return;
      }
      const readPath =
        prefix && path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : prefix ? null : path;
      const siteMatch = readPath === null ? null : SITE_PATH.exec(readPath);
      const isRead = req.method === 'GET' && (readPath === '/api/self/sites' || siteMatch !== null);
      if (!isRead) {
        rcError(404, 'api.err.NotFound');
        return;
      }
      if (!authenticated || options.alwaysExpire || expiriesLeft > 0) {
        if (authenticated && expiriesLeft > 0) {
          expiriesLeft--;
          session = null;
        }
        rcError(401, 'api.err.LoginRequired');
        return;
      }
      const rc = options.rcErrors?.[readPath!];
      if (rc) {
        rcError(400, rc);
        return;
      }
      if (options.malformed?.includes(readPath!)) {
        send(200, '{"meta":{"rc":"ok"},"data":[{"_id":"65a1b2c3d4e5f6","name":');
        return;
      }
      const canned = options.replies?.[readPath!];
      if (canned !== undefined) {
        send(200, canned);
        return;
      }
      if (readPath === '/api/self/sites') {
        ok(
          sites.map((s, i) => ({
            _id: `65a1b2c3d4e5f6071829${String(i).padStart(4, '0')}`,
            name: s.name,
            desc: s.desc,
            role: 'admin',
            attr_hidden_id: s.name === 'default' ? 'default' : undefined,
          })),
        );
        return;
      }
      const site = sites.find((s) => s.name === siteMatch![1]);
      if (!site) {
        rcError(400, 'api.err.NoSiteContext');
        return;
      }
      const kind = siteMatch![2];
      ok(kind === 'portforward' ? site.portforwards : kind === 'setting' ? site.settings : []);
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    ...listening,
    mode,
    requests,
    issuedSecrets,
  };
}
