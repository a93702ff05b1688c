/**
 * A loopback Freebox OS API simulator, built from Free's documented formats (Freebox OS SDK
 * documentation; shared/vendor-apis.md §1) — not a real box, and not a copy of any client's code.
 * Plain HTTP on 127.0.0.1 (a real box serves https with Free's CAs; see src/adapters/freebox.ts).
 *
 * It implements `GET /api_version`, app registration with a scripted sequence of statuses, the
 * challenge / HMAC-SHA1 session login, `X-Fbx-App-Auth` checks, the read endpoints boxaudit uses,
 * and failure modes: bad token, session expiry, rate limiting, malformed replies. Every request is
 * recorded; anything not documented here (including any write) answers 404 and stays recorded, so
 * a test can prove nothing else was sent.
 *
 * Shaped like real replies (shared/vendor-captures/freebox): `/` escaped as `\/` in every JSON reply,
 * an empty list answered `{"success": true}` with no `result`, fw/redir entries carrying `valid` and a
 * `host` object, French `msg` texts in errors. Tests can also make it serve a real captured reply body
 * verbatim (`replies`).
 */
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import { listenOnLoopback } from './_listen.js';

export interface FreeboxSimRequest {
  method: string;
  /** Path without the query. */
  path: string;
  /** The request carried a valid session token. */
  authenticated: boolean;
}

export interface FreeboxSimOptions {
  /** The app token the box knows (default `sim-app-token-…`). */
  appToken?: string;
  appId?: string;
  apiVersion?: string;
  redirs?: unknown[];
  upnpRedirs?: unknown[] | null;
  dmz?: { enabled: boolean; ip: string };
  upnpConfig?: { enabled: boolean; version?: number };
  connectionConfig?: Record<string, unknown>;
  incoming?: unknown[];
  connection?: Record<string, unknown>;
  lanConfig?: Record<string, unknown>;
  ipv6Config?: Record<string, unknown>;
  /** Paths under the API prefix (e.g. `fw/dmz/`, `login/session/`) answered with broken JSON. */
  malformed?: string[];
  /** Paths answered `{success:false, error_code:"internal_error"}` with HTTP 500. */
  failing?: string[];
  /** The first N authenticated reads (over the whole run) answer `auth_required` and drop the session. */
  expireReads?: number;
  /** Every authenticated read answers `auth_required` (a session that never holds). */
  alwaysExpire?: boolean;
  /** `POST login/session/` answers `ratelimited`. */
  rateLimitLogin?: boolean;
  /** Statuses returned by successive registration polls (default `['pending', 'granted']`). */
  authorizeStatuses?: string[];
  /** The token handed out at registration (default: `appToken`). */
  registrationToken?: string;
  /**
   * Paths under the API prefix (a read such as `fw/redir/`, or `login/session/`) → the reply to send
   * verbatim instead (e.g. a real captured body). Reads still need a valid session first.
   */
  replies?: Record<string, { status?: number; body: string }>;
}

export interface FreeboxSimulator {
  url: string;
  port: number;
  requests: FreeboxSimRequest[];
  /** Session tokens handed out (tests grep outputs for them). */
  sessionTokens: string[];
  close(): Promise<void>;
}

export const FREEBOX_SIM_APP_TOKEN = 'sim-app-token-Zq8nW3xPq1ve9LkT0dfa7Hc2UJmB4sYo';

/** Realistic defaults: a PACS forward (104), SMB (445), a VNC range, UPnP leases, a DMZ host. */
export const FREEBOX_SIM_DEFAULTS = {
  redirs: [
    {
      id: 3,
      enabled: true,
      ip_proto: 'tcp',
      wan_port_start: 104,
      wan_port_end: 104,
      lan_ip: '192.168.1.20',
      lan_port: 104,
      src_ip: '0.0.0.0',
      comment: 'PACS cabinet',
      hostname: 'orthanc-server',
      valid: true,
      host: { l2ident: { id: '00:11:22:33:44:55', type: 'mac_address' }, primary_name: 'orthanc-server' },
    },
    {
      id: 4,
      enabled: true,
      ip_proto: 'tcp',
      wan_port_start: 445,
      wan_port_end: 445,
      lan_ip: '192.168.1.30',
      lan_port: 445,
      src_ip: '0.0.0.0',
      comment: 'NAS partage',
      hostname: 'nas',
    },
    {
      id: 5,
      enabled: false,
      ip_proto: 'tcp',
      wan_port_start: '5900',
      wan_port_end: '5902',
      lan_ip: '192.168.1.40',
      lan_port: '15900',
      src_ip: '203.0.113.7',
      comment: 'VNC secrétariat',
      hostname: 'poste-accueil',
    },
  ],
  upnpRedirs: [
    {
      id: '0.0.0.0-51413-tcp',
      enabled: true,
      ext_src_ip: '0.0.0.0',
      ext_port: 51413,
      int_ip: '192.168.1.42',
      int_port: 51413,
      proto: 'tcp',
      desc: 'Transmission at port 51413',
      remaining: 3521,
    },
    {
      id: '0.0.0.0-11112-tcp',
      enabled: true,
      ext_src_ip: '0.0.0.0',
      ext_port: 11112,
      int_ip: '192.168.1.20',
      int_port: 11112,
      proto: 'tcp',
      desc: 'DICOM SCP',
      remaining: 0,
    },
  ],
  dmz: { enabled: true, ip: '192.168.1.50' },
  upnpConfig: { enabled: true, version: 2 },
  connectionConfig: {
    ping: true,
    is_secure_pass: true,
    remote_access: true,
    remote_access_port: 8443,
    remote_access_min_port: 8000,
    remote_access_max_port: 8999,
    remote_access_ip: '198.51.100.23',
    api_remote_access: false,
    wol: false,
    adblock: false,
    allow_token_request: false,
    sip_alg: 'disabled',
  },
  incoming: [
    { id: 'https', enabled: true, active: true, type: 'tcp', in_port: 8443, readonly: false },
    {
      id: 'bittorrent-main',
      enabled: false,
      active: false,
      type: 'tcp_udp',
      in_port: 44999,
      readonly: false,
    },
    { id: 'ftp', enabled: true, active: true, type: 'tcp', in_port: 21, readonly: false },
    {
      id: 'ftp_pasv',
      enabled: true,
      active: true,
      type: 'tcp',
      min_port: 40000,
      max_port: 40999,
      readonly: false,
    },
  ],
  connection: { type: 'ethernet', state: 'up', media: 'ftth', ipv4: '198.51.100.23', ipv6: '2001:db8:1::1' },
  lanConfig: { ip: '192.168.1.254', name: 'Freebox Server', name_dns: 'freebox-server', mode: 'router' },
  ipv6Config: { ipv6_enabled: true, ipv6_firewall: true, delegations: [] },
};

/** Start the simulator on 127.0.0.1, a free port. */
export async function startFreeboxSimulator(options: FreeboxSimOptions = {}): Promise<FreeboxSimulator> {
  const appToken = options.appToken ?? FREEBOX_SIM_APP_TOKEN;
  const appId = options.appId ?? 'fr.boxaudit.audit';
  const apiVersion = options.apiVersion ?? '8.3';
  const prefix = `/api/v${Number.parseInt(apiVersion, 10)}/`;
  const requests: FreeboxSimRequest[] = [];
  const sessionTokens: string[] = [];
  let challenge = randomBytes(16).toString('base64url');
  let session: string | null = null;
  let expiriesLeft = options.expireReads ?? 0;
  const statuses = [...(options.authorizeStatuses ?? ['pending', 'granted'])];
  let pollIndex = 0;

  const data: Record<string, unknown> = {
    'fw/redir/': options.redirs ?? FREEBOX_SIM_DEFAULTS.redirs,
    'upnpigd/redir/':
      options.upnpRedirs === null ? undefined : (options.upnpRedirs ?? FREEBOX_SIM_DEFAULTS.upnpRedirs),
    'fw/dmz/': options.dmz ?? FREEBOX_SIM_DEFAULTS.dmz,
    'upnpigd/config/': options.upnpConfig ?? FREEBOX_SIM_DEFAULTS.upnpConfig,
    'connection/config/': options.connectionConfig ?? FREEBOX_SIM_DEFAULTS.connectionConfig,
    'fw/incoming/': options.incoming ?? FREEBOX_SIM_DEFAULTS.incoming,
    'connection/': options.connection ?? FREEBOX_SIM_DEFAULTS.connection,
    'lan/config/': options.lanConfig ?? FREEBOX_SIM_DEFAULTS.lanConfig,
    'connection/ipv6/config/': options.ipv6Config ?? FREEBOX_SIM_DEFAULTS.ipv6Config,
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
      const auth = req.headers['x-fbx-app-auth'];
      const authenticated = session !== null && auth === session;
      requests.push({ method: req.method ?? '', path, authenticated });
      const send = (status: number, body: unknown, raw?: string): void => {
        // A real box escapes "/" in its JSON (`"api_base_url":"\/api\/"`).
        const text = raw ?? JSON.stringify(body).replace(/\//g, '\\/');
        res.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
      };
      const fail = (status: number, error_code: string, msg: string): void =>
        send(status, { success: false, error_code, msg });
      let body: Record<string, unknown> = {};
      try {
        body = chunks.length
          ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
          : {};
      } catch {
        fail(400, 'invalid_request', 'Requête invalide');
        return;
      }

      if (req.method === 'GET' && path === '/api_version') {
        send(200, {
          uid: '6f1b8e2c9a4d4f0f8e1c2b3a4d5e6f70',
          device_name: 'Freebox Server',
          api_version: apiVersion,
          device_type: 'FreeboxServer7,1',
          box_model: 'fbxgw7-r1/full',
          box_model_name: 'Freebox v7 (r1)',
          api_base_url: '/api/',
          api_domain: 'ab12cd34.fbxos.fr',
          https_available: true,
          https_port: 40123,
        });
        return;
      }
      if (!path.startsWith(prefix)) {
        fail(404, 'invalid_api_version', 'API inconnue');
        return;
      }
      const sub = path.slice(prefix.length);

      if (req.method === 'POST' && sub === 'login/authorize/') {
        send(200, {
          success: true,
          result: { app_token: options.registrationToken ?? appToken, track_id: 42 },
        });
        return;
      }
      if (req.method === 'GET' && sub === 'login/authorize/42') {
        const status = statuses[Math.min(pollIndex, statuses.length - 1)] ?? 'granted';
        pollIndex++;
        send(200, { success: true, result: { status, challenge } });
        return;
      }
      if (req.method === 'GET' && sub === 'login/') {
        challenge = randomBytes(16).toString('base64url');
        send(200, { success: true, result: { logged_in: authenticated, challenge } });
        return;
      }
      const canned = options.replies?.[sub];
      if (req.method === 'POST' && sub === 'login/session/') {
        if (canned) {
          send(canned.status ?? 200, null, canned.body);
          return;
        }
        if (options.malformed?.includes(sub)) {
          send(200, null, '<html><body>502 Bad Gateway</body></html>');
          return;
        }
        if (options.rateLimitLogin) {
          fail(429, 'ratelimited', 'Trop de tentatives');
          return;
        }
        const expected = createHmac('sha1', appToken).update(challenge).digest('hex');
        if (body.app_id !== appId || body.password !== expected) {
          fail(403, 'invalid_token', "Le token de l'application est invalide");
          return;
        }
        session = `sim-session-${randomBytes(18).toString('base64url')}`;
        sessionTokens.push(session);
        send(200, {
          success: true,
          result: { session_token: session, challenge, permissions: { settings: false, explorer: false } },
        });
        return;
      }
      if (req.method === 'POST' && sub === 'login/logout/') {
        session = null;
        send(200, { success: true });
        return;
      }
      if (req.method === 'GET' && sub in data) {
        if (!authenticated) {
          fail(403, 'auth_required', 'Vous devez vous connecter pour accéder à cette fonction');
          return;
        }
        if (options.alwaysExpire || expiriesLeft > 0) {
          expiriesLeft--;
          session = null;
          fail(403, 'auth_required', 'Vous devez vous connecter pour accéder à cette fonction');
          return;
        }
        if (options.malformed?.includes(sub)) {
          send(200, null, '{"success":true,"result":[{"id":3,"enabled":tru');
          return;
        }
        if (options.failing?.includes(sub)) {
          fail(500, 'internal_error', 'Erreur interne');
          return;
        }
        if (canned) {
          send(canned.status ?? 200, null, canned.body);
          return;
        }
        const result = data[sub];
        send(200, result === undefined ? { success: true } : { success: true, result });
        return;
      }
      fail(404, 'invalid_request', 'Requête invalide');
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    ...listening,
    requests,
    sessionTokens,
  };
}
