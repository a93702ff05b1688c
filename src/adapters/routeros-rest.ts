/**
 * `routeros-rest`: MikroTik RouterOS 7.1+ over its REST API (`GET /rest/…`, HTTP Basic auth, a user
 * of group `read` is enough). Reference: shared/vendor-apis.md §7.1 (help.mikrotik.com "REST API").
 *
 * The REST API returns the same items and property names as `print` (dashed keys, every value a
 * string, `.id`, `disabled`/`dynamic` as `"true"`/`"false"`), so each row becomes a RouterosItem and
 * goes through the SSH adapter's own item→model code (routeros.ts): dst-nat rules → forwards (dynamic
 * = UPnP, no dst-port = DMZ-like), `/ip service` checked against the input filter chain.
 *
 * Transport: `createRestClient` (allowlist checked before sending, deadline, size cap, redaction).
 * RouterOS certificates are usually self-signed: pin the certificate's SHA-256 (`tlsFingerprint`,
 * CLI `--tls-fingerprint`) or give the router's certificate as `tlsCa` (with `tlsServername`).
 */
import { BoxauditError } from '../errors.js';
import { cover, ipv4Network } from '../formats/config-parts.js';
import {
  addRouterTargets,
  isYes,
  natForwards,
  type RouterosItem,
  remoteAdmin,
  routerosNetwork,
} from '../formats/routeros.js';
import { isPrivateOrCgnat, isRfc1918 } from '../model/addresses.js';
import type { GatewayInfo, Snapshot } from '../model/types.js';
import { parseJsonBody, restTlsFrom } from '../transport/rest.js';
import { collectOverHttp, type HttpBox } from './http-skeleton.js';
import { routerosRestMeta } from './routeros-rest.meta.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';

const ID = 'routeros-rest';

/** The only paths this adapter reads, all with GET. */
export const ROUTEROS_REST_PATHS = {
  nat: '/rest/ip/firewall/nat',
  filter: '/rest/ip/firewall/filter',
  upnp: '/rest/ip/upnp',
  upnpInterfaces: '/rest/ip/upnp/interfaces',
  services: '/rest/ip/service',
  addresses: '/rest/ip/address',
  resource: '/rest/system/resource',
} as const;

export const ROUTEROS_REST_ALLOWLIST: readonly string[] = Object.values(ROUTEROS_REST_PATHS).map(
  (p) => `GET ${p}`,
);

/** Row fields that are bookkeeping, not match conditions (kept out of props, or turned into flags). */
const BOOKKEEPING = new Set(['.id', '.nextid', '.about', 'bytes', 'packets', 'dynamic', 'invalid']);

/**
 * One REST row → a RouterosItem as `print` would give it: string props (empty values dropped, as
 * an unset property), flags `X` disabled / `D` dynamic / `I` invalid, `ref` naming the row for warnings.
 */
export function restRowToItem(
  row: Record<string, unknown>,
  menu: string,
  path: string,
  index: number,
): RouterosItem {
  const props: Record<string, string> = {};
  for (const [key, value] of Object.entries(row)) {
    if (BOOKKEEPING.has(key)) continue;
    const text =
      typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : null;
    if (text !== null && text !== '') props[key] = text;
  }
  const flag = (key: string): boolean =>
    isYes(typeof row[key] === 'string' ? (row[key] as string) : String(row[key]));
  const flags = `${flag('disabled') ? 'X' : ''}${flag('invalid') ? 'I' : ''}${flag('dynamic') ? 'D' : ''}`;
  const id = typeof row['.id'] === 'string' ? row['.id'] : `#${index + 1}`;
  return {
    path: menu,
    command: 'print',
    name: props.name ?? null,
    props,
    flags,
    line: index + 1,
    ref: `GET ${path} .id ${id}`,
  };
}

/** RouterOS uptime text (`3w2d04:05:06`, `1d2h3m4s`) → seconds, or null. */
export function parseRouterosUptime(text: string | undefined): number | null {
  if (!text) return null;
  const m = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+):(\d+):(\d+)|(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?)$/.exec(
    text.trim(),
  );
  if (!m || text.trim() === '') return null;
  const n = (i: number) => Number(m[i] ?? 0);
  return n(1) * 604800 + n(2) * 86400 + (n(3) || n(6)) * 3600 + (n(4) || n(7)) * 60 + (n(5) || n(8));
}

/** RouterOS error bodies look like `{"error":404,"message":"Not Found","detail":"no such command"}`. */
function errorDetail(body: string): string {
  try {
    const j = JSON.parse(body) as { message?: unknown; detail?: unknown };
    const parts = [j.message, j.detail].filter((v): v is string => typeof v === 'string' && v !== '');
    return parts.length > 0 ? ` (${parts.join(': ').slice(0, 200)})` : '';
  } catch {
    return '';
  }
}

/** A menu listing (`GET /rest/ip/firewall/nat`): a JSON array of objects, or BOXAUDIT_PROTOCOL_ERROR. */
export function routerosRows(data: unknown, call: string, base: string): Record<string, unknown>[] {
  if (!Array.isArray(data) || data.some((r) => typeof r !== 'object' || r === null || Array.isArray(r))) {
    throw new BoxauditError(
      'BOXAUDIT_PROTOCOL_ERROR',
      `[${ID}] ${call} (${base}): expected a JSON array of entries, got ${Array.isArray(data) ? 'an array with non-object items' : typeof data}`,
      { details: { call } },
    );
  }
  return data as Record<string, unknown>[];
}

/** A singleton menu (`/ip/upnp`, `/system/resource`): one JSON object (a one-item array is accepted, UNCONFIRMED). */
export function routerosRecord(data: unknown, call: string, base: string): Record<string, unknown> {
  const one = Array.isArray(data) && data.length === 1 ? data[0] : data;
  if (typeof one !== 'object' || one === null || Array.isArray(one)) {
    throw new BoxauditError(
      'BOXAUDIT_PROTOCOL_ERROR',
      `[${ID}] ${call} (${base}): expected a JSON object, got ${Array.isArray(one) ? 'an array' : typeof one}`,
      { details: { call } },
    );
  }
  return one as Record<string, unknown>;
}

/** HTTP Basic: no session, only the header; `proven` once a call got past the authentication. */
interface RouterosRestSession {
  username: string;
  authorization: string;
  proven: boolean;
}

/**
 * RouterOS REST (Basic auth on every GET, no login exchange): the first call proves the credentials
 * (a 401 then is BOXAUDIT_AUTH_FAILED, fatal); a 401/403 on a later listing is the account's rights
 * (BOXAUDIT_BOX_REFUSED, a warning and a gap). Calls are the allowlist entries (`GET /rest/…`).
 */
export const ROUTEROS_REST_BOX: HttpBox<{ username: string; password: string }, RouterosRestSession> = {
  id: ID,
  allowlist: ROUTEROS_REST_ALLOWLIST,
  url: { scheme: 'https', strip: /\/rest$/ },
  codes: { failed: 'ROUTEROS_REST_READ_FAILED' },
  // RouterOS certificates are usually self-signed: `tlsFingerprint` / `tlsCa` (+ `tlsServername`).
  client(target) {
    const tls = restTlsFrom(target);
    return tls ? { tls } : {};
  },

  credentials(target, baseUrl) {
    const password = target.credentials?.password;
    if (password === undefined) {
      throw new BoxauditError(
        'BOXAUDIT_CONFIG_INVALID',
        `[${ID}] ${baseUrl}: a password is needed (BOXAUDIT_PASSWORD; user BOXAUDIT_USER, default admin)`,
      );
    }
    return { username: target.credentials?.username || 'admin', password };
  },

  async login(rest, { username, password }) {
    const basic = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
    rest.addSecret(basic);
    return { username, authorization: `Basic ${basic}`, proven: false };
  },

  async send(rest, session, call) {
    const path = call.slice('GET '.length);
    // A self-signed certificate (the RouterOS default) is refused with its fingerprint and how to pin it.
    const res = await rest.request({
      method: 'GET',
      path,
      headers: { authorization: session.authorization },
    });
    const context = `[${ID}] ${res.call} (${rest.baseUrl})`;
    if ((res.status === 401 && session.proven) || res.status === 403) {
      throw new BoxauditError(
        'BOXAUDIT_BOX_REFUSED',
        `${context}: HTTP ${res.status}, RouterOS refused this menu to user "${session.username}" (check the user's group policies)`,
        { details: { call: res.call, status: res.status } },
      );
    }
    if (res.status === 401) {
      throw new BoxauditError(
        'BOXAUDIT_AUTH_FAILED',
        `${context}: HTTP 401, RouterOS refused user "${session.username}" at ${rest.baseUrl}: check BOXAUDIT_USER / BOXAUDIT_PASSWORD (a user of group "read" is enough); not retried`,
        { details: { call: res.call, status: 401 } },
      );
    }
    session.proven = true;
    if (res.status !== 200) {
      const hint =
        res.status === 404 && path === ROUTEROS_REST_PATHS.nat
          ? ': no REST API here (RouterOS 7.1+ with the www-ssl service, or www from 7.9, UNCONFIRMED; for v6 use --vendor routeros over SSH)'
          : '';
      throw new BoxauditError(
        res.status === 404 ? 'BOXAUDIT_NOT_FOUND' : 'BOXAUDIT_HTTP_STATUS',
        rest.redact(`${context} answered HTTP ${res.status}${errorDetail(res.body)}${hint}`),
        { details: { call: res.call, status: res.status } },
      );
    }
    return parseJsonBody(res, ID);
  },
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** `/ip/address` rows → LAN prefixes (static RFC 1918) and a WAN address (dynamic = DHCP client, or public). */
function addressFacts(rows: Record<string, unknown>[]): { lan: string[]; wan: string | null } {
  const lan = new Set<string>();
  let wan: string | null = null;
  for (const r of rows) {
    const address = str(r.address);
    if (!address || isYes(str(r.disabled)) || isYes(str(r.invalid))) continue;
    const ip = address.split('/')[0] ?? '';
    // UNCONFIRMED heuristic: a dynamic address comes from the DHCP/PPPoE client, i.e. the WAN side.
    if (isYes(str(r.dynamic)) || isPrivateOrCgnat(ip) === false) wan ??= ip;
    else if (isRfc1918(ip)) {
      const net = ipv4Network(address);
      if (net) lan.add(net);
    }
  }
  return { lan: [...lan], wan };
}

/**
 * Read a RouterOS 7 router over REST. Target: `url` (`https://192.168.88.1`, `http://127.0.0.1:8080`)
 * or `host` (+ `port`; https unless `options.scheme` is `http`); credentials `username` (default
 * `admin`) + `password`; options `tlsCa` / `tlsFingerprint`. Only {@link ROUTEROS_REST_ALLOWLIST}.
 * @throws BoxauditError BOXAUDIT_CONFIG_INVALID (no password), BOXAUDIT_AUTH_FAILED (401), or the
 *   NAT table's read error; the other reads become warnings + coverage when they fail.
 */
export function collectRouterosRest(target: CollectTarget, ctx: CollectContext = {}): Promise<Snapshot> {
  return collectOverHttp(ROUTEROS_REST_BOX, target, ctx, async ({ baseUrl, parts, read }) => {
    const transport = baseUrl.startsWith('https:') ? 'https' : 'http';
    const P = ROUTEROS_REST_PATHS;
    const get = <T>(
      path: string,
      parse: (data: unknown, call: string, base: string) => T,
      essential = false,
    ) => read(null, `GET ${path}`, (data) => parse(data, `GET ${path}`, baseUrl), { essential });
    const optionalRows = (path: string) => get(path, routerosRows);
    const optionalRecord = (path: string) => get(path, routerosRecord);

    // 1. NAT (required): static and dynamic (UPnP) dst-nat rules, DMZ-like whole-host rules.
    const natItems = ((await get(P.nat, routerosRows, true)) ?? []).map((r, i) =>
      restRowToItem(r, '/ip firewall nat', P.nat, i),
    );
    for (const it of natItems) {
      if (it.flags.includes('I') && it.props.chain === 'dstnat') {
        parts.warnings.push({
          code: 'ROUTEROS_RULE_INVALID',
          message: 'RouterOS marks this dstnat rule invalid (not applied); listed as read',
          where: it.ref,
        });
      }
    }
    // Addresses next: with the NAT rules (masquerade out-interface) they say which side is the WAN.
    const addressRows = await optionalRows(P.addresses);
    const addressItems = (addressRows ?? []).map((r, i) => restRowToItem(r, '/ip address', P.addresses, i));
    const net = routerosNetwork([...natItems, ...addressItems]);
    const nat = natForwards(natItems, parts, transport, net, ID);
    parts.dmz ??= { enabled: false, host: null };
    parts.coverage.push(
      nat.complete
        ? cover(
            'static-forwards',
            'complete',
            'ROUTEROS_REST_NAT',
            'every dstnat rule of /ip/firewall/nat was read, jumps followed',
          )
        : cover(
            'static-forwards',
            'partial',
            'ROUTEROS_NAT_JUMP_UNFOLLOWED',
            'a jump from dstnat could not be followed (loop or too deep): the rules behind it were not read',
          ),
      cover('dmz', 'complete', 'ROUTEROS_DSTNAT_ALL_PORTS', 'a dst-nat without ports counts as a DMZ'),
      cover(
        'upnp-mappings',
        'complete',
        'ROUTEROS_REST_DYNAMIC_NAT',
        'dynamic dstnat rules (the UPnP mappings) are listed by /ip/firewall/nat',
      ),
    );

    // 2. UPnP state.
    const upnp = await optionalRecord(P.upnp);
    const upnpCount = parts.forwards.filter((f) => f.source === 'upnp').length;
    let upnpEnabled = upnp === null ? null : isYes(str(upnp.enabled));
    if (upnpEnabled === null && upnpCount > 0) upnpEnabled = true;
    parts.upnp = { enabled: upnpEnabled, mappingCount: upnpCount, igdVersion: null };
    if (upnp === null) {
      parts.coverage.push(
        cover('upnp-state', 'not-visible', 'ROUTEROS_REST_UPNP_UNREAD', `${P.upnp} could not be read`),
      );
    } else {
      const ifaces = upnpEnabled ? await optionalRows(P.upnpInterfaces) : [];
      const external = (ifaces ?? [])
        .filter((r) => str(r.type) === 'external' && !isYes(str(r.disabled)))
        .map((r) => str(r.interface) ?? '?');
      if (upnpEnabled && ifaces !== null && external.length === 0) {
        parts.warnings.push({
          code: 'ROUTEROS_UPNP_NO_EXTERNAL',
          message:
            'UPnP is enabled but no external interface is set: clients cannot add mappings (UNCONFIRMED)',
          where: `GET ${P.upnpInterfaces}`,
        });
      }
      parts.coverage.push(
        cover('upnp-state', 'complete', 'ROUTEROS_REST_UPNP', 'read from /ip/upnp', {
          externalInterfaces: ifaces === null ? null : external,
        }),
      );
    }

    // 3. Remote admin: /ip/service against the input chain (filter unread → WAN reachability unknown).
    const filterRows = await optionalRows(P.filter);
    const filter = filterRows?.map((r, i) => restRowToItem(r, '/ip firewall filter', P.filter, i)) ?? null;
    const serviceRows = await optionalRows(P.services);
    if (serviceRows === null) {
      parts.coverage.push(
        cover(
          'remote-admin',
          'not-visible',
          'ROUTEROS_REST_SERVICES_UNREAD',
          `${P.services} could not be read`,
        ),
      );
    } else {
      const services = serviceRows.map((r, i) => restRowToItem(r, '/ip service', P.services, i));
      remoteAdmin(services, true, false, filter, parts, net);
    }
    addRouterTargets(parts, nat, net, filter);

    // 4. Addresses (LAN prefixes, WAN address; read above) and board facts.
    const gateway: Partial<GatewayInfo> = { manufacturer: 'MikroTik' };
    if (addressRows !== null) {
      const { lan, wan } = addressFacts(addressRows);
      if (lan.length > 0) parts.lanPrefixes = lan;
      if (wan !== null) {
        gateway.externalIp = wan;
        gateway.doubleNat = isPrivateOrCgnat(wan);
      }
    }
    const resource = await optionalRecord(P.resource);
    if (resource !== null) {
      const version = str(resource.version);
      gateway.model = str(resource['board-name']) ?? null;
      gateway.server = version ? `RouterOS ${version}` : null;
      gateway.uptimeSeconds = parseRouterosUptime(str(resource.uptime));
    }
    parts.gateway = gateway;
    parts.coverage.push(
      cover(
        'gateway-info',
        resource !== null && addressRows !== null ? 'complete' : 'partial',
        'ROUTEROS_REST_RESOURCE',
        'board and version from /system/resource, WAN address from /ip/address (a dynamic or public address)',
      ),
      cover(
        'ipv6-pinholes',
        'not-visible',
        'ROUTEROS_IPV6_FILTER_NOT_READ',
        '/ipv6/firewall/filter is not read',
      ),
    );
  });
}

/** The `routeros-rest` adapter (RouterOS 7.1+ REST API). */
export const routerosRestAdapter: Adapter = {
  meta: { ...routerosRestMeta, allowlist: ROUTEROS_REST_ALLOWLIST },
  collect: collectRouterosRest,
};
