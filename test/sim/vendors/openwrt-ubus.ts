/**
 * A loopback OpenWrt ubus JSON-RPC simulator (`POST /ubus`), built from the documented rpcd/uhttpd
 * formats (openwrt.org "ubus", shared/vendor-apis.md §6.2) — not a real router. Sessions, per-user
 * ACL denials (ubus status 6), session expiry (JSON-RPC -32002), `uci get`, `luci.upnp get_status`
 * and `file read`. Every call is recorded as `ubus <object> <method> [config|path]`.
 */

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { listenOnLoopback } from './_listen.js';

export interface SimRequest {
  method: string;
  path: string;
  /** `ubus <object> <method> [config|path]` for JSON-RPC calls. */
  action: string | null;
  authenticated: boolean;
}

export interface VendorSimulator {
  url: string;
  port: number;
  requests: SimRequest[];
  /** Every session id handed out (secrets: they must never reach a snapshot or an error). */
  issuedSecrets: string[];
  close(): Promise<void>;
}

type Section = Record<string, unknown>;

export interface OpenwrtUbusSimOptions {
  username?: string;
  password?: string;
  /** UCI configs this user may not read (ubus status 6), e.g. `['firewall']`. */
  deniedConfigs?: string[];
  /** A session expires after this many calls (the client must log in again). */
  sessionCalls?: number;
  /** Calls (`ubus uci get upnpd`…) answered with a non-JSON body. */
  malformed?: string[];
  /** No luci.upnp object (older LuCI): the client falls back to the lease file. */
  noLuciUpnp?: boolean;
  /** No /etc/config/upnpd (miniupnpd not installed). */
  noUpnpd?: boolean;
  configs?: Record<string, Record<string, Section>>;
  leaseFile?: string;
  /** The first N calls with a session answer -32002 (session expired) and drop the session. */
  expireCalls?: number;
  /** Every call with a session answers -32002. */
  alwaysExpire?: boolean;
  /** Calls (`ubus uci get upnpd`…) answered with HTTP 500. */
  failing?: string[];
  /** Calls answered with this body verbatim (HTTP 200). */
  replies?: Record<string, string>;
}

let index = 0;
const sec = (type: string, fields: Section, name?: string): [string, Section] => {
  index += 1;
  const n = name ?? `cfg${(0x0a0000 + index).toString(16)}`;
  return [n, { '.anonymous': name === undefined, '.type': type, '.name': n, '.index': index, ...fields }];
};

/** A realistic firewall: PACS (104) and SMB (445) forwards, a disabled RDP one, a DMZ host, an IPv6 pinhole. */
export function defaultOpenwrtConfigs(): Record<string, Record<string, Section>> {
  index = 0;
  return {
    firewall: Object.fromEntries([
      sec('defaults', { input: 'REJECT', output: 'ACCEPT', forward: 'REJECT', syn_flood: '1' }),
      sec('zone', { name: 'lan', network: ['lan'], input: 'ACCEPT', output: 'ACCEPT', forward: 'ACCEPT' }),
      sec('zone', {
        name: 'wan',
        network: ['wan', 'wan6'],
        input: 'REJECT',
        output: 'ACCEPT',
        forward: 'REJECT',
        masq: '1',
      }),
      sec('forwarding', { src: 'lan', dest: 'wan' }),
      sec('rule', {
        name: 'Allow-Ping',
        src: 'wan',
        proto: 'icmp',
        icmp_type: 'echo-request',
        family: 'ipv4',
        target: 'ACCEPT',
      }),
      sec('rule', {
        name: 'Allow-HTTPS-admin',
        src: 'wan',
        dest_port: '443',
        proto: 'tcp',
        target: 'ACCEPT',
      }),
      sec('rule', {
        name: 'Allow-IPv6-Web',
        src: 'wan',
        dest: 'lan',
        dest_ip: 'fd00::10',
        dest_port: '443',
        proto: 'tcp',
        family: 'ipv6',
        target: 'ACCEPT',
      }),
      sec('redirect', {
        name: 'PACS',
        target: 'DNAT',
        src: 'wan',
        src_dport: '104',
        dest: 'lan',
        dest_ip: '192.168.1.20',
        dest_port: '104',
        proto: 'tcp',
      }),
      sec('redirect', {
        name: 'NAS',
        src: 'wan',
        src_dport: '445',
        dest_ip: '192.168.1.30',
        proto: ['tcp', 'udp'],
      }),
      sec('redirect', {
        name: 'RDP',
        target: 'DNAT',
        src: 'wan',
        src_dport: '13389',
        dest: 'lan',
        dest_ip: '192.168.1.40',
        dest_port: '3389',
        proto: 'tcp',
        enabled: '0',
        src_ip: '203.0.113.5',
      }),
      sec('redirect', { name: 'DMZ', target: 'DNAT', src: 'wan', dest: 'lan', dest_ip: '192.168.1.50' }),
    ]),
    upnpd: Object.fromEntries([
      sec(
        'upnpd',
        {
          enabled: '1',
          enable_upnp: '1',
          enable_natpmp: '1',
          secure_mode: '1',
          upnp_lease_file: '/var/run/miniupnpd.leases',
          external_iface: 'wan',
        },
        'config',
      ),
    ]),
    uhttpd: Object.fromEntries([
      sec(
        'uhttpd',
        {
          listen_http: ['0.0.0.0:80', '[::]:80'],
          listen_https: ['0.0.0.0:443', '[::]:443'],
          home: '/www',
          cert: '/etc/uhttpd.crt',
          key: '/etc/uhttpd.key',
        },
        'main',
      ),
    ]),
    dropbear: Object.fromEntries([
      sec('dropbear', { PasswordAuth: 'on', RootPasswordAuth: 'on', Port: '22', Interface: 'lan' }),
    ]),
  };
}

/** Leases as of the test clock 1_700_000_000: Transmission (UDP 51413, 3600 s left) and a permanent one. */
export const OPENWRT_SIM_LEASES =
  'UDP:51413:192.168.1.41:51413:1700003600:Transmission\nTCP:8080:192.168.1.42:80:0:Camera: web\n';

/** Start the simulator on 127.0.0.1 (random port). */
export async function startOpenwrtUbusSimulator(
  options: OpenwrtUbusSimOptions = {},
): Promise<VendorSimulator> {
  const username = options.username ?? 'root';
  const password = options.password ?? 'owrt-secret-pw';
  const configs = options.configs ?? defaultOpenwrtConfigs();
  if (options.noUpnpd) delete configs.upnpd;
  const leases = options.leaseFile ?? OPENWRT_SIM_LEASES;
  const sessions = new Map<string, { calls: number }>();
  const requests: SimRequest[] = [];
  const issuedSecrets: string[] = [];
  let expired = 0;

  const handle = (params: unknown[]): { result?: unknown[]; error?: { code: number; message: string } } => {
    const [sid, object, method, args] = params as [string, string, string, Record<string, unknown>];
    if (object === 'session' && method === 'login') {
      if (args?.username !== username || args?.password !== password) return { result: [6] };
      const id = randomBytes(16).toString('hex');
      sessions.set(id, { calls: 0 });
      issuedSecrets.push(id);
      return {
        result: [0, { ubus_rpc_session: id, timeout: 300, expires: 300, acls: {}, data: { username } }],
      };
    }
    const session = sessions.get(sid);
    if (!session) return { error: { code: -32002, message: 'Access denied' } };
    session.calls += 1;
    if (options.alwaysExpire || (options.expireCalls !== undefined && expired < options.expireCalls)) {
      expired += 1;
      sessions.delete(sid);
      return { error: { code: -32002, message: 'Access denied' } };
    }
    if (options.sessionCalls !== undefined && session.calls > options.sessionCalls) {
      sessions.delete(sid);
      return { error: { code: -32002, message: 'Access denied' } };
    }
    if (object === 'session' && method === 'destroy') {
      sessions.delete(sid);
      return { result: [0] };
    }
    if (object === 'uci' && method === 'get') {
      const config = String(args?.config);
      if (options.deniedConfigs?.includes(config)) return { result: [6] };
      const values = configs[config];
      return values ? { result: [0, { values }] } : { result: [4] };
    }
    if (object === 'luci.upnp' && method === 'get_status') {
      if (options.noLuciUpnp) return { error: { code: -32000, message: 'Object not found' } };
      const rules = leases
        .trim()
        .split('\n')
        .map((l, i) => {
          const [proto, extport, intaddr, intport, expiry, ...descr] = l.split(':');
          return {
            num: String(i + 1),
            proto,
            extport,
            intaddr,
            intport,
            expires: Number(expiry) === 0 ? 0 : Number(expiry) - 1_700_000_000,
            descr: descr.join(':'),
          };
        });
      return { result: [0, { rules }] };
    }
    if (object === 'file' && method === 'read') {
      if (args?.path === '/var/run/miniupnpd.leases') return { result: [0, { data: leases }] };
      return { result: [4] };
    }
    return { error: { code: -32000, message: 'Object not found' } };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      if (req.method !== 'POST' || path !== '/ubus') {
        requests.push({ method: req.method ?? '?', path, action: null, authenticated: false });
        res.writeHead(404).end();
        return;
      }
      let msg: { id?: unknown; params?: unknown[] };
      try {
        msg = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}');
        return;
      }
      const p = (msg.params ?? []) as unknown[];
      const a = (p[3] ?? {}) as Record<string, unknown>;
      const extra = p[1] === 'uci' ? ` ${String(a.config)}` : p[1] === 'file' ? ` ${String(a.path)}` : '';
      const action = `ubus ${String(p[1])} ${String(p[2])}${extra}`;
      requests.push({ method: 'POST', path, action, authenticated: sessions.has(String(p[0])) });
      if (options.failing?.includes(action)) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
        return;
      }
      const verbatim = options.replies?.[action];
      if (verbatim !== undefined) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(verbatim);
        return;
      }
      if (options.malformed?.includes(action)) {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"jsonrpc":"2.0","id":1,"result":[0,{"values":');
        return;
      }
      const reply = handle(p);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id ?? null, ...reply }));
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    ...listening,
    requests,
    issuedSecrets,
  };
}
