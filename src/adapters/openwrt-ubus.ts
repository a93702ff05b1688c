/**
 * OpenWrt over ubus JSON-RPC (`POST /ubus`, uhttpd-mod-ubus + rpcd, installed with LuCI).
 * Reference: shared/vendor-apis.md §6 (openwrt.org "Firewall configuration", "ubus", "rpcd").
 *
 * Reads the UCI config (firewall redirects = port forwards, a DNAT redirect without a port = DMZ,
 * wan→lan ACCEPT rules = IPv6 pinholes; upnpd; uhttpd/dropbear for remote admin) and the live UPnP
 * leases (rpcd `luci.upnp get_status`, else `file read` of the miniupnpd lease file). UCI is the
 * configuration; what nftables runs right now is not read here (the SSH `openwrt`/`linux`
 * adapters can).
 */
import { BoxauditError } from '../errors.js';
import { markForwardsToRouter } from '../formats/config-parts.js';
import {
  OPENWRT_RULE_TYPES,
  openwrtGroupSwitches,
  openwrtLanPrefixes,
  openwrtRouterAddresses,
  readOpenwrtFirewall,
  type UciSection as UciTextSection,
  upnpdEnabled,
} from '../formats/uci.js';
import { type ForwardInput, parsePortRange, parseProtocols } from '../model/forward.js';
import { remoteAdminOf } from '../model/remote-admin.js';
import type { CoverageItem, RemoteAdminService, Snapshot, Warning } from '../model/types.js';
import { rawRequest, type TlsPin, tlsFrom } from '../transport/digest.js';
import { type PinnedTarget, pinFor } from '../transport/pin.js';
import {
  collectOverHttp,
  type HttpBox,
  isFatalHttpError,
  SecretRedactor,
  sessionExpired,
} from './http-skeleton.js';
import { openwrtUbusMeta } from './openwrt-ubus.meta.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';

const ID = 'openwrt-ubus';

/** Default lease files (miniupnpd `upnp_lease_file`); only these paths may be read. */
export const OPENWRT_LEASE_FILES = ['/var/run/miniupnpd.leases', '/var/upnp.leases'] as const;

/** Every ubus call this adapter may make, as `ubus <object> <method> [<config|path>]`, all via `POST /ubus`. */
export const OPENWRT_UBUS_ALLOWLIST = [
  'ubus session login',
  'ubus uci get firewall',
  'ubus uci get upnpd',
  'ubus uci get uhttpd',
  'ubus uci get dropbear',
  'ubus uci get network',
  'ubus luci.upnp get_status',
  ...OPENWRT_LEASE_FILES.map((p) => `ubus file read ${p}`),
  'ubus session destroy',
] as const;

/** ubus status codes (libubus `enum ubus_msg_status`). */
const UBUS_STATUS: Record<number, string> = {
  1: 'invalid command',
  2: 'invalid argument',
  3: 'method not found',
  4: 'not found',
  5: 'no data',
  6: 'permission denied',
  7: 'timeout',
  8: 'not supported',
};

/** A UCI section as `uci get` returns it: options are strings, lists are arrays. */
export type UciSection = Record<string, string | string[] | boolean | number | undefined> & {
  '.type'?: string;
  '.name'?: string;
};

const text = (v: UciSection[string]): string | null =>
  v === undefined || v === null ? null : Array.isArray(v) ? v.join(' ') : String(v);
const isOff = (v: UciSection[string]): boolean =>
  ['0', 'false', 'no', 'off'].includes(String(text(v)).toLowerCase());
const _isOn = (v: UciSection[string]): boolean =>
  ['1', 'true', 'yes', 'on'].includes(String(text(v)).toLowerCase());

function sectionsOf(values: Record<string, UciSection>, type: string): UciSection[] {
  return Object.entries(values)
    .filter(([, s]) => s && typeof s === 'object' && s['.type'] === type)
    .sort(([, a], [, b]) => Number(a['.index'] ?? 0) - Number(b['.index'] ?? 0))
    .map(([name, s]) => ({ '.name': name, ...s }));
}

export interface OpenwrtFirewall {
  forwards: ForwardInput[];
  dmz: { enabled: boolean | null; host: string | null };
  wanInputAccepts: boolean;
  /** Ports opened to the router itself from the WAN by `config rule` (src wan, no dest, ACCEPT). */
  wanInputPorts: Array<{ port: string; proto: string }>;
  skipped: Warning[];
  /** What the sections could not show (include scripts, unknown section types), per area. */
  coverage: CoverageItem[];
  /** Forwards to the router itself: remote administration. */
  routerServices: RemoteAdminService[];
}

/** `uci get` values (options as strings or arrays) → the sections the UCI text parser gives. */
export function uciSectionsOf(config: string, values: Record<string, UciSection>): UciTextSection[] {
  return Object.entries(values)
    .filter(([, s]) => s && typeof s === 'object' && typeof s['.type'] === 'string')
    .sort(([, a], [, b]) => Number(a['.index'] ?? 0) - Number(b['.index'] ?? 0))
    .map(([name, s]) => ({
      package: config,
      type: String(s['.type']),
      name,
      options: Object.fromEntries(
        Object.entries(s)
          .filter(([k, v]) => !k.startsWith('.') && v !== undefined && v !== null)
          .map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : [String(v)]]),
      ),
    }));
}

/**
 * UCI firewall (`uci get firewall` values) → forwards, with the same section logic as the `openwrt`
 * adapter ({@link readOpenwrtFirewall}): `redirect`/`userredirect` DNAT with `src_dport` is a port
 * forward (`dest_port` defaults to `src_dport`, `proto` to `tcp udp`, `enabled '0'` disables, `src_ip`
 * restricts the source); a redirect of every port, or Technicolor's `dmzredirect`, is the DMZ;
 * a rule from a WAN zone into a LAN zone, target ACCEPT, not IPv4-only, is an IPv6 pinhole.
 */
export function parseOpenwrtFirewall(
  values: Record<string, UciSection>,
  routerAddresses: readonly string[] = [],
): OpenwrtFirewall {
  const sections = uciSectionsOf('firewall', values);
  const reading = readOpenwrtFirewall(sections, { adapter: ID, transport: 'ubus', routerAddresses });
  const wanZones = reading.wanZones;
  const wanInputAccepts = sectionsOf(values, 'zone').some(
    (z) => wanZones.has(text(z.name) ?? '') && (text(z.input) ?? '').toUpperCase() === 'ACCEPT',
  );
  // Input rules from a WAN zone (or any zone) to the router itself; Technicolor's rule types and groups too.
  const groups = openwrtGroupSwitches(sections);
  const wanInputPorts: OpenwrtFirewall['wanInputPorts'] = [];
  for (const rule of sections) {
    if (!OPENWRT_RULE_TYPES.has(rule.type) || groups.get(rule.type) === false) continue;
    const opt = (k: string) => rule.options[k]?.join(' ') ?? null;
    const src = opt('src') ?? '';
    if (
      !(src === '*' || wanZones.has(src)) ||
      (opt('target') ?? '').toUpperCase() !== 'ACCEPT' ||
      isOff(opt('enabled') ?? undefined) ||
      opt('dest') !== null
    )
      continue;
    const port = opt('dest_port');
    if (port) wanInputPorts.push({ port, proto: opt('proto') ?? 'tcp udp' });
  }
  return {
    forwards: reading.forwards,
    dmz: reading.dmz,
    wanInputAccepts,
    wanInputPorts,
    skipped: reading.warnings,
    coverage: reading.coverage,
    routerServices: reading.routerServices,
  };
}

/**
 * `uci get upnpd` → UPnP on/off. The option names vary by luci-app-upnp version (`enabled` and/or
 * `enable_upnp`, UNCONFIRMED which): any explicit off wins, an explicit on counts, nothing = null.
 */
export function parseOpenwrtUpnpd(values: Record<string, UciSection>): {
  enabled: boolean | null;
  leaseFile: string | null;
} {
  const section = sectionsOf(values, 'upnpd')[0];
  if (!section) return { enabled: null, leaseFile: null };
  const enabled = upnpdEnabled(text(section.enabled), text(section.enable_upnp), text(section.enable_natpmp));
  return { enabled, leaseFile: text(section.upnp_lease_file) };
}

/**
 * miniupnpd lease file: one `PROTO:EXTPORT:INTADDR:INTPORT:EXPIRY:DESCRIPTION` line per mapping
 * (EXPIRY a Unix time, 0 = permanent; the description may contain colons). Older files have no
 * EXPIRY field. Bad lines are counted, not fatal.
 */
export function parseMiniupnpdLeases(
  content: string,
  nowSeconds: number,
): { forwards: ForwardInput[]; badLines: number } {
  const forwards: ForwardInput[] = [];
  let badLines = 0;
  for (const line of content.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const parts = line.split(':');
    const [proto, ext, addr, int] = parts;
    const externalPort = parsePortRange(ext);
    const protocols = parseProtocols(proto);
    if (parts.length < 5 || protocols.length === 0 || externalPort === null || !addr) {
      badLines += 1;
      continue;
    }
    const hasExpiry = parts.length >= 6 && /^\d+$/.test(parts[4]!);
    const expiry = hasExpiry ? Number(parts[4]) : null;
    const description =
      parts
        .slice(hasExpiry ? 5 : 4)
        .join(':')
        .trim() || null;
    for (const protocol of protocols) {
      forwards.push({
        source: 'upnp',
        protocol,
        externalPort,
        internalHost: addr,
        internalPort: parsePortRange(int) ?? externalPort,
        remoteHost: null,
        enabled: true,
        description,
        leaseSeconds: expiry === null ? null : expiry === 0 ? 0 : Math.max(0, expiry - nowSeconds),
        provenance: { adapter: ID, transport: 'ubus', raw: line },
      });
    }
  }
  return { forwards, badLines };
}

/**
 * rpcd `luci.upnp get_status` → forwards. Entries carry `proto`, `extport`, `intaddr`, `intport`,
 * `expires` (seconds left, UNCONFIRMED), `descr`; the list key is `rules` in luci-app-upnp
 * (UNCONFIRMED across versions: the first array found is used).
 */
export function parseLuciUpnpStatus(result: unknown): ForwardInput[] | null {
  if (!result || typeof result !== 'object') return null;
  const obj = result as Record<string, unknown>;
  const list = Array.isArray(obj.rules) ? obj.rules : Object.values(obj).find(Array.isArray);
  if (!Array.isArray(list)) return null;
  const forwards: ForwardInput[] = [];
  for (const e of list as Array<Record<string, unknown>>) {
    const externalPort = parsePortRange(e.extport as string | number | undefined);
    for (const protocol of parseProtocols(String(e.proto ?? ''))) {
      const expires = Number(e.expires);
      forwards.push({
        source: 'upnp',
        protocol,
        externalPort,
        internalHost: typeof e.intaddr === 'string' ? e.intaddr : null,
        internalPort: parsePortRange(e.intport as string | number | undefined) ?? externalPort,
        remoteHost: null,
        enabled: true,
        description: typeof e.descr === 'string' && e.descr !== '' ? e.descr : null,
        leaseSeconds: Number.isFinite(expires) && expires >= 0 ? expires : null,
        provenance: { adapter: ID, transport: 'ubus', raw: e },
      });
    }
  }
  return forwards;
}

function portOfListen(value: string): number | null {
  const m = /:(\d{1,5})$/.exec(value.trim());
  return m ? Number(m[1]) : /^\d{1,5}$/.test(value.trim()) ? Number(value) : null;
}

function wanReaches(fw: OpenwrtFirewall, port: number, proto: 'tcp'): boolean {
  if (fw.wanInputAccepts) return true;
  return fw.wanInputPorts.some((r) => {
    const range = parsePortRange(r.port);
    return (
      range !== null &&
      port >= range.start &&
      port <= range.end &&
      parseProtocols(r.proto.replace(/\s+/g, ' ')).includes(proto)
    );
  });
}

/**
 * Remote admin: uhttpd `listen_http`/`listen_https` and dropbear `Port`/`Interface`, reachable from
 * the WAN when the wan zone's input is ACCEPT or a `config rule` (src wan, no dest) accepts the port.
 */
export function parseOpenwrtRemoteAdmin(
  uhttpd: Record<string, UciSection> | null,
  dropbear: Record<string, UciSection> | null,
  fw: OpenwrtFirewall | null,
): RemoteAdminService[] {
  const services: RemoteAdminService[] = [];
  const seen = new Set<string>();
  for (const s of uhttpd ? sectionsOf(uhttpd, 'uhttpd') : []) {
    for (const [key, name] of [
      ['listen_http', 'http'],
      ['listen_https', 'https'],
    ] as const) {
      const raw = s[key];
      const list = Array.isArray(raw) ? raw : raw === undefined ? [] : String(raw).split(/\s+/);
      for (const l of list) {
        const port = portOfListen(String(l));
        const lanOnly = /^(127\.|\[::1\]|192\.168\.|10\.|172\.(1[6-9]|2\d|3[01])\.)/.test(String(l));
        if (port === null || seen.has(`${name}:${port}`)) continue;
        seen.add(`${name}:${port}`);
        services.push({
          service: name,
          port,
          wan: fw === null ? null : !lanOnly && wanReaches(fw, port, 'tcp'),
          restrictedTo: lanOnly ? String(l) : null,
        });
      }
    }
  }
  for (const s of dropbear ? sectionsOf(dropbear, 'dropbear') : []) {
    if (isOff(s.enable)) continue;
    const port = Number(text(s.Port) ?? 22);
    const iface = text(s.Interface);
    const lanOnly = iface !== null && iface !== '' && !/wan/.test(iface);
    services.push({
      service: 'ssh',
      port,
      wan: fw === null ? null : !lanOnly && wanReaches(fw, port, 'tcp'),
      restrictedTo: lanOnly ? `interface ${iface}` : null,
    });
  }
  return services;
}

interface JsonRpcReply {
  result?: unknown;
  error?: { code?: number; message?: string };
}

/** One ubus reply: the status (0 = ok) and its data; a JSON-RPC error other than -32002 as `rpcError`. */
export interface UbusReply {
  status: number | null;
  data: unknown;
  rpcError?: { code: number | null; message: string };
}

const NO_SESSION = '00000000000000000000000000000000';

/**
 * The ubus JSON-RPC client (the skeleton's `transport`): one `POST /ubus` per call, the allowlist
 * checked before sending, the box pinned (resolved once), each exchange bounded (deadline, 2 MiB),
 * every message redacted of the registered secrets.
 */
export class UbusClient extends SecretRedactor {
  private id = 0;
  private readonly pin: PinnedTarget;
  readonly url: string;

  constructor(
    baseUrl: string,
    private readonly ctx: CollectContext,
    private readonly tls: TlsPin | undefined,
  ) {
    super();
    this.url = `${baseUrl}/ubus`;
    this.pin = pinFor(this.url, ctx, { label: `[${ID}]` });
  }

  /** One allowlisted call (`ubus <object> <method> [config|path]`) → its ubus reply. */
  async rpc(key: string, sid: string, args: Record<string, unknown> = {}): Promise<UbusReply> {
    const context = this.redact(`[${ID}] POST ${this.url} ${key}`);
    if (!(OPENWRT_UBUS_ALLOWLIST as readonly string[]).includes(key)) {
      throw new BoxauditError(
        'BOXAUDIT_NOT_ALLOWED',
        `${context}: not on the read-only allowlist; refused before sending`,
      );
    }
    const [, object, method, extra] = key.split(' ') as [string, string, string, string?];
    const params = object === 'uci' ? { config: extra } : object === 'file' ? { path: extra } : args;
    this.id += 1;
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: this.id,
      method: 'call',
      params: [sid, object, method, params],
    });
    const res = await rawRequest(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
      timeoutMs: this.ctx.timeoutMs,
      maxBytes: 2 * 1024 * 1024,
      signal: this.ctx.signal,
      context,
      tls: this.tls,
      pin: this.pin,
    });
    if (res.status === 404) {
      throw new BoxauditError(
        'BOXAUDIT_NOT_FOUND',
        `${context}: HTTP 404 — no ubus endpoint (install uhttpd-mod-ubus and rpcd, e.g. with LuCI)`,
      );
    }
    if (res.status !== 200) {
      throw new BoxauditError('BOXAUDIT_HTTP_STATUS', `${context} answered HTTP ${res.status}`, {
        details: { status: res.status },
      });
    }
    let reply: JsonRpcReply;
    try {
      reply = JSON.parse(res.body) as JsonRpcReply;
    } catch (error) {
      throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `${context}: reply is not JSON`, { cause: error });
    }
    if (reply.error) {
      const code = typeof reply.error.code === 'number' ? reply.error.code : null;
      if (code === -32002) {
        throw sessionExpired(`${context}: JSON-RPC -32002 Access denied: the session is invalid or expired`);
      }
      const message = this.redact(
        `${context}: JSON-RPC error ${code} ${String(reply.error.message ?? '')}`.trim(),
      );
      return { status: null, data: null, rpcError: { code, message: message.slice(0, 400) } };
    }
    if (!Array.isArray(reply.result) || typeof reply.result[0] !== 'number') {
      throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `${context}: reply has no [status, data] result`);
    }
    return { status: reply.result[0], data: reply.result[1] ?? null };
  }
}

interface UbusSession {
  sid: string;
  username: string;
}

/**
 * The data of a successful reply; else the coded error: ubus 3/4 BOXAUDIT_NOT_FOUND, another status
 * or a JSON-RPC error BOXAUDIT_PROTOCOL_ERROR (status 6 was turned into BOXAUDIT_BOX_REFUSED by `send`).
 */
export function ubusData(reply: UbusReply, context: string): unknown {
  if (reply.rpcError) {
    throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', reply.rpcError.message, {
      details: { rpcCode: reply.rpcError.code },
    });
  }
  if (reply.status === 0) return reply.data;
  const status = reply.status ?? -1;
  throw new BoxauditError(
    status === 4 || status === 3 ? 'BOXAUDIT_NOT_FOUND' : 'BOXAUDIT_PROTOCOL_ERROR',
    `${context}: ubus ${UBUS_STATUS[status] ?? `status ${status}`}`,
    { details: { ubusStatus: status } },
  );
}

/**
 * ubus over the HTTP skeleton. `send` throws {@link sessionExpired} on JSON-RPC -32002 (one re-login
 * per run), BOXAUDIT_BOX_REFUSED on ubus status 6 (the rpcd ACL: a warning `UBUS_ACL_DENIED` and a
 * gap), and returns any other reply for the parsers (a missing config is not always an error).
 */
export const OPENWRT_UBUS_BOX: HttpBox<
  { username: string; password: string },
  UbusSession,
  UbusReply,
  UbusClient
> = {
  id: ID,
  allowlist: OPENWRT_UBUS_ALLOWLIST,
  url: { scheme: 'http', host: '192.168.1.1', strip: /\/ubus$/ },
  codes: { failed: 'UBUS_CALL_FAILED', refused: 'UBUS_ACL_DENIED' },
  transport: (target, baseUrl, ctx) => new UbusClient(baseUrl, ctx, tlsFrom(target)),

  credentials(target, baseUrl) {
    const password = target.credentials?.password;
    if (!password) {
      throw new BoxauditError(
        'BOXAUDIT_CONFIG_INVALID',
        `[${ID}] ${baseUrl}/ubus: a password is needed (BOXAUDIT_PASSWORD; user BOXAUDIT_USER, default root)`,
      );
    }
    return { username: target.credentials?.username || 'root', password };
  },

  async login(client, { username, password }) {
    const key = 'ubus session login';
    const reply = await client.rpc(key, NO_SESSION, { username, password, timeout: 300 });
    const data = reply.data as { ubus_rpc_session?: unknown } | null;
    if (reply.status !== 0 || typeof data?.ubus_rpc_session !== 'string') {
      throw new BoxauditError(
        'BOXAUDIT_AUTH_FAILED',
        `[${ID}] POST ${client.url} ${key}: login refused (ubus status ${reply.status ?? reply.rpcError?.code}): check BOXAUDIT_USER (default root) / BOXAUDIT_PASSWORD`,
      );
    }
    client.addSecret(data.ubus_rpc_session);
    return { sid: data.ubus_rpc_session, username };
  },

  async send(client, session, call) {
    const reply = await client.rpc(call, session.sid);
    if (reply.status === 6) {
      const [, object, method, extra] = call.split(' ');
      throw new BoxauditError(
        'BOXAUDIT_BOX_REFUSED',
        `[${ID}] POST ${client.url} ${call}: ubus permission denied: the rpcd ACL of user "${session.username}" does not allow ${object} ${method}${object === 'uci' ? ` on "${extra}"` : ''}; grant it read access in /usr/share/rpcd/acl.d/*.json`,
        { details: { call, ubusStatus: 6 } },
      );
    }
    return reply;
  },

  async logout(client, session) {
    await client.rpc('ubus session destroy', session.sid);
  },
};

const valuesOf = (data: unknown): Record<string, UciSection> | null => {
  const v = (data as { values?: unknown } | null)?.values;
  return v && typeof v === 'object' ? (v as Record<string, UciSection>) : null;
};

/** `uci get` values, or BOXAUDIT_PROTOCOL_ERROR when the reply has none. */
const uciValues = (reply: UbusReply, context: string): Record<string, UciSection> => {
  const values = valuesOf(ubusData(reply, context));
  if (!values) throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `${context}: the reply has no "values"`);
  return values;
};

/** Not installed (ubus status 4 / 3) → this marker; anything else as {@link ubusData}. */
const ABSENT = Symbol('absent');
const orAbsent = <T>(reply: UbusReply, parse: () => T): T | typeof ABSENT =>
  reply.status === 4 || reply.status === 3 ? ABSENT : parse();

/**
 * Read an OpenWrt router over ubus. Target: `url` (`http://192.168.1.1` or `https://…`, `/ubus` is
 * appended) or `host` (+ `port`); credentials `username` (default `root`) + `password`; options
 * `tlsCa` / `tlsFingerprint`, `now` (Unix seconds, tests). Only {@link OPENWRT_UBUS_ALLOWLIST}.
 */
export function collectOpenwrtUbus(target: CollectTarget, ctx: CollectContext = {}): Promise<Snapshot> {
  const now = typeof target.options?.now === 'number' ? target.options.now : Math.floor(Date.now() / 1000);
  return collectOverHttp(OPENWRT_UBUS_BOX, target, ctx, async ({ rest, parts, read, call }) => {
    const ctxOf = (key: string) => `[${ID}] POST ${rest.url} ${key}`;
    const uci = (config: string) => (r: UbusReply) => uciValues(r, ctxOf(`ubus uci get ${config}`));
    const { coverage, warnings } = parts;
    const forwards: ForwardInput[] = [];

    // 0. The router's own addresses (network interfaces): a forward to them is remote administration.
    const net = await read(null, 'ubus uci get network', (r) => orAbsent(r, () => uci('network')(r)));
    const netSections = net && net !== ABSENT ? uciSectionsOf('network', net) : [];
    const routerAddresses = openwrtRouterAddresses(netSections);

    // 1. Firewall: forwards, DMZ, IPv6 pinholes, WAN input rules.
    const fwValues = await read(
      ['static-forwards', 'dmz', 'ipv6-pinholes'],
      'ubus uci get firewall',
      uci('firewall'),
    );
    const fw = fwValues ? parseOpenwrtFirewall(fwValues, routerAddresses) : null;
    if (fw) {
      forwards.push(...fw.forwards);
      warnings.push(...fw.skipped);
      coverage.push(...fw.coverage);
    }

    // 2. UPnP state and leases.
    const up = await read('upnp-state', 'ubus uci get upnpd', (r) =>
      orAbsent(r, () => parseOpenwrtUpnpd(uci('upnpd')(r))),
    );
    let upnpEnabled: boolean | null = null;
    let leaseFile: string | null = null;
    if (up === ABSENT) {
      upnpEnabled = false; // not an error: the package is not installed
      coverage.push({
        area: 'upnp-state',
        status: 'complete',
        code: 'OPENWRT_UPNPD_NOT_INSTALLED',
        reason: 'no /etc/config/upnpd: miniupnpd is not installed',
      });
    } else if (up) {
      ({ enabled: upnpEnabled, leaseFile } = up);
      coverage.push({
        area: 'upnp-state',
        status: upnpEnabled === null ? 'partial' : 'complete',
        code: 'OPENWRT_UCI_UPNPD',
        reason: 'upnpd options enabled / enable_upnp (names vary by version, UNCONFIRMED)',
      });
    }
    let upnpForwards: ForwardInput[] | null = null;
    if (upnpEnabled !== false) {
      // Quiet: the lease file below is the fallback; reported only if that fails too.
      upnpForwards = await call('ubus luci.upnp get_status').then(
        (r) => (r.status === 0 ? parseLuciUpnpStatus(r.data) : null),
        (error: unknown) => {
          if (isFatalHttpError(error)) throw error;
          return null;
        },
      );
      if (upnpForwards === null) {
        const path =
          leaseFile && (OPENWRT_LEASE_FILES as readonly string[]).includes(leaseFile)
            ? leaseFile
            : OPENWRT_LEASE_FILES[0];
        if (leaseFile && leaseFile !== path) {
          warnings.push({
            code: 'OPENWRT_LEASE_FILE_NOT_ALLOWED',
            message: `upnp_lease_file ${leaseFile} is not an allowlisted path; read ${path} instead`,
            where: 'upnpd',
          });
        }
        const key = `ubus file read ${path}`;
        const file = await read(null, key, (r) =>
          orAbsent(r, () => (ubusData(r, ctxOf(key)) as { data?: unknown } | null)?.data),
        );
        if (file === ABSENT) {
          upnpForwards = []; // no lease file yet: miniupnpd writes it with the first mapping
        } else if (typeof file === 'string') {
          const parsed = parseMiniupnpdLeases(file, now);
          upnpForwards = parsed.forwards;
          if (parsed.badLines > 0)
            warnings.push({
              code: 'OPENWRT_LEASE_BAD_LINES',
              message: `${parsed.badLines} unreadable line(s) in ${path}`,
              where: path,
            });
        }
      }
      coverage.push(
        upnpForwards === null
          ? {
              area: 'upnp-mappings',
              status: 'not-visible',
              code: 'OPENWRT_UPNP_LEASES_UNREAD',
              reason:
                'neither luci.upnp get_status nor the lease file could be read; the upnp-igd adapter can list them',
            }
          : {
              area: 'upnp-mappings',
              status: 'complete',
              code: 'OPENWRT_UPNP_LEASES',
              reason: 'active miniupnpd leases',
            },
      );
    } else {
      upnpForwards = [];
      coverage.push({
        area: 'upnp-mappings',
        status: 'complete',
        code: 'OPENWRT_UPNP_OFF',
        reason: 'UPnP is off: no mappings',
      });
    }
    if (upnpForwards) forwards.push(...upnpForwards);

    // 3. Remote admin.
    const uh = await read(null, 'ubus uci get uhttpd', uci('uhttpd'));
    const db = await read(null, 'ubus uci get dropbear', uci('dropbear'));
    const services = [...parseOpenwrtRemoteAdmin(uh, db, fw), ...(fw?.routerServices ?? [])];
    coverage.push({
      area: 'remote-admin',
      status: uh === null || db === null || !fw ? 'error' : 'partial',
      code: 'OPENWRT_UHTTPD_DROPBEAR',
      reason:
        'uhttpd and dropbear listeners against the wan zone input policy and wan ACCEPT rules; other daemons (VPN, luci-app-*) are not checked',
    });
    coverage.push({
      area: 'gateway-info',
      status: 'partial',
      code: 'OPENWRT_NO_BOARD_INFO',
      reason: 'board model and WAN address are not read over ubus by this adapter',
    });

    parts.forwards = forwards;
    parts.dmz = fw ? fw.dmz : null;
    parts.upnp = {
      enabled: upnpEnabled,
      mappingCount: upnpForwards ? upnpForwards.length : null,
      igdVersion: null,
    };
    parts.remoteAdmin = remoteAdminOf(services);
    parts.lanPrefixes = openwrtLanPrefixes(netSections);
    parts.gateway = { manufacturer: 'OpenWrt' };
    // A forward to the router's own address (its GUI, SSH…) is remote administration.
    markForwardsToRouter(parts, routerAddresses);
  });
}

export const openwrtUbus: Adapter = {
  meta: { ...openwrtUbusMeta, allowlist: OPENWRT_UBUS_ALLOWLIST },
  collect: collectOpenwrtUbus,
};
