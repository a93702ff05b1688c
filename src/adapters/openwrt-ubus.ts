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
import { BoxauditError, isBoxauditError } from '../errors.js';
import { emptyParts, markForwardsToRouter } from '../formats/config-parts.js';
import { type ForwardInput, parsePortRange, parseProtocols, withIds } from '../model/forward.js';
import { emptyGatewayInfo } from '../model/gateway.js';
import { remoteAdminOf } from '../model/remote-admin.js';
import type { CoverageItem, GatewayInfo, RemoteAdminService, Snapshot, Warning } from '../model/types.js';
import { rawRequest, type TlsPin, tlsFrom } from '../transport/digest.js';
import { type PinnedTarget, pinFor } from '../transport/pin.js';
import {
  OPENWRT_RULE_TYPES,
  openwrtGroupSwitches,
  openwrtLanPrefixes,
  openwrtRouterAddresses,
  readOpenwrtFirewall,
  type UciSection as UciTextSection,
  upnpdEnabled,
} from './openwrt.js';
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

class UbusSession {
  private sid = '00000000000000000000000000000000';
  private relogged = false;
  private id = 0;
  /** The box: every call (and so the password) goes to this host and port only, resolved once. */
  private readonly pin: PinnedTarget;

  constructor(
    private readonly url: string,
    private readonly username: string,
    private readonly password: string,
    private readonly ctx: CollectContext,
    private readonly tls: TlsPin | undefined,
  ) {
    this.pin = pinFor(url, ctx, { label: `[${ID}]` });
  }

  private async rpc(
    key: string,
    object: string,
    method: string,
    args: Record<string, unknown>,
  ): Promise<unknown[]> {
    const context = `[${ID}] POST ${this.url} ${key}`;
    if (!(OPENWRT_UBUS_ALLOWLIST as readonly string[]).includes(key)) {
      throw new BoxauditError(
        'BOXAUDIT_NOT_ALLOWED',
        `${context}: not on the read-only allowlist; refused before sending`,
      );
    }
    this.id += 1;
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: this.id,
      method: 'call',
      params: [this.sid, object, method, args],
    });
    const res = await rawRequest(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
      timeoutMs: this.ctx.timeoutMs,
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
      const code = reply.error.code ?? null;
      if (code === -32002) {
        throw new BoxauditError(
          'BOXAUDIT_AUTH_FAILED',
          `${context}: JSON-RPC -32002 Access denied: the session is invalid or expired`,
          { details: { rpcCode: code } },
        );
      }
      throw new BoxauditError(
        'BOXAUDIT_PROTOCOL_ERROR',
        `${context}: JSON-RPC error ${code} ${reply.error.message ?? ''}`.trim(),
        { details: { rpcCode: code } },
      );
    }
    if (!Array.isArray(reply.result) || typeof reply.result[0] !== 'number') {
      throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `${context}: reply has no [status, data] result`);
    }
    return reply.result;
  }

  async login(): Promise<void> {
    const result = await this.rpc('ubus session login', 'session', 'login', {
      username: this.username,
      password: this.password,
      timeout: 300,
    });
    const data = result[1] as { ubus_rpc_session?: unknown } | undefined;
    if (result[0] === 6 || result[0] !== 0 || typeof data?.ubus_rpc_session !== 'string') {
      throw new BoxauditError(
        'BOXAUDIT_AUTH_FAILED',
        `[${ID}] POST ${this.url} ubus session login: login refused (ubus status ${result[0]}): check BOXAUDIT_USER (default root) / BOXAUDIT_PASSWORD`,
      );
    }
    this.sid = data.ubus_rpc_session;
  }

  /** One call; an expired session (-32002) is renewed once per run. ubus status ≠ 0 → coded error. */
  async call(key: string, object: string, method: string, args: Record<string, unknown>): Promise<unknown> {
    let result: unknown[];
    try {
      result = await this.rpc(key, object, method, args);
    } catch (error) {
      if (!isBoxauditError(error, 'BOXAUDIT_AUTH_FAILED') || this.relogged) throw error;
      this.relogged = true;
      await this.login();
      result = await this.rpc(key, object, method, args);
    }
    const status = result[0] as number;
    if (status === 0) return result[1] ?? null;
    const what = UBUS_STATUS[status] ?? `status ${status}`;
    const acl =
      status === 6
        ? `: the rpcd ACL of user "${this.username}" does not allow ${object} ${method}${object === 'uci' ? ` on "${String(args.config)}"` : ''}; grant it read access in /usr/share/rpcd/acl.d/*.json`
        : '';
    throw new BoxauditError(
      status === 6
        ? 'BOXAUDIT_NOT_ALLOWED'
        : status === 4 || status === 3
          ? 'BOXAUDIT_NOT_FOUND'
          : 'BOXAUDIT_PROTOCOL_ERROR',
      `[${ID}] POST ${this.url} ${key}: ubus ${what}${acl}`,
      {
        details: { ubusStatus: status },
      },
    );
  }

  async logout(): Promise<void> {
    await this.rpc('ubus session destroy', 'session', 'destroy', {}).catch(() => undefined);
  }
}

function emptyGateway(address: string): GatewayInfo {
  return { ...emptyGatewayInfo(address), manufacturer: 'OpenWrt' };
}

const valuesOf = (data: unknown): Record<string, UciSection> | null => {
  const v = (data as { values?: unknown } | null)?.values;
  return v && typeof v === 'object' ? (v as Record<string, UciSection>) : null;
};

/**
 * Read an OpenWrt router over ubus. Target: `url` (`http://192.168.1.1` or `https://…`, `/ubus` is
 * appended) or `host` (+ `port`); credentials `username` (default `root`) + `password`; options
 * `tlsCa` / `tlsFingerprint`, `now` (Unix seconds, tests). Only {@link OPENWRT_UBUS_ALLOWLIST}.
 */
export async function collectOpenwrtUbus(target: CollectTarget, ctx: CollectContext = {}): Promise<Snapshot> {
  const collectedAt = new Date().toISOString();
  const host = target.host ?? '192.168.1.1';
  const base = (
    target.url ?? `http://${host.includes(':') ? `[${host}]` : host}${target.port ? `:${target.port}` : ''}`
  )
    .replace(/\/+$/, '')
    .replace(/\/ubus$/, '');
  const url = `${base}/ubus`;
  const password = target.credentials?.password;
  if (!password) {
    throw new BoxauditError(
      'BOXAUDIT_CONFIG_INVALID',
      `[${ID}] ${url}: a password is needed (BOXAUDIT_PASSWORD; user BOXAUDIT_USER, default root)`,
    );
  }
  const now = typeof target.options?.now === 'number' ? target.options.now : Math.floor(Date.now() / 1000);
  const session = new UbusSession(
    url,
    target.credentials?.username || 'root',
    password,
    ctx,
    tlsFrom(target),
  );
  const warnings: Warning[] = [];
  const coverage: CoverageItem[] = [];
  await session.login();

  /** One read; failures become a warning (unless `quiet` says the caller handles it) and `error`. */
  const read = async (
    key: string,
    object: string,
    method: string,
    args: Record<string, unknown>,
    quiet: (e: BoxauditError) => boolean = () => false,
  ): Promise<{ data: unknown; error: BoxauditError | null }> => {
    try {
      return { data: await session.call(key, object, method, args), error: null };
    } catch (error) {
      if (
        !isBoxauditError(error) ||
        ['BOXAUDIT_AUTH_FAILED', 'BOXAUDIT_ABORTED', 'BOXAUDIT_TIMEOUT'].includes(error.code)
      )
        throw error;
      if (!quiet(error))
        warnings.push({
          code: error.code === 'BOXAUDIT_NOT_ALLOWED' ? 'UBUS_ACL_DENIED' : 'UBUS_CALL_FAILED',
          message: error.message,
          where: key,
        });
      return { data: null, error };
    }
  };

  try {
    const forwards: ForwardInput[] = [];
    // 1. Firewall: forwards, DMZ, IPv6 pinholes, WAN input rules.
    // 0. The router's own addresses (network interfaces): a forward to them is remote administration.
    const notFound = (e: BoxauditError) => e.code === 'BOXAUDIT_NOT_FOUND';
    const netRead = await read('ubus uci get network', 'uci', 'get', { config: 'network' }, notFound);
    const netValues = valuesOf(netRead.data);
    const netSections = netValues ? uciSectionsOf('network', netValues) : [];
    const routerAddresses = openwrtRouterAddresses(netSections);
    const lanPrefixes = openwrtLanPrefixes(netSections);
    const fwRead = await read('ubus uci get firewall', 'uci', 'get', { config: 'firewall' });
    const fwValues = valuesOf(fwRead.data);
    const fw = fwValues ? parseOpenwrtFirewall(fwValues, routerAddresses) : null;
    if (fw) {
      forwards.push(...fw.forwards);
      warnings.push(...fw.skipped);
      coverage.push(...fw.coverage);
    } else {
      const reason = fwRead.error ? fwRead.error.message : 'uci get firewall returned no values';
      for (const area of ['static-forwards', 'dmz', 'ipv6-pinholes'] as const) {
        coverage.push({
          area,
          status: 'error',
          code: fwRead.error?.code === 'BOXAUDIT_NOT_ALLOWED' ? 'UBUS_ACL_DENIED' : 'OPENWRT_FIREWALL_UNREAD',
          reason,
          ...(fwRead.error ? { details: { error: fwRead.error.message } } : {}),
        });
      }
    }

    // 2. UPnP state and leases.
    const upRead = await read('ubus uci get upnpd', 'uci', 'get', { config: 'upnpd' }, notFound);
    const upValues = valuesOf(upRead.data);
    let upnpEnabled: boolean | null = null;
    let leaseFile: string | null = null;
    if (upValues) {
      ({ enabled: upnpEnabled, leaseFile } = parseOpenwrtUpnpd(upValues));
      coverage.push({
        area: 'upnp-state',
        status: upnpEnabled === null ? 'partial' : 'complete',
        code: 'OPENWRT_UCI_UPNPD',
        reason: 'upnpd options enabled / enable_upnp (names vary by version, UNCONFIRMED)',
      });
    } else if (upRead.error?.code === 'BOXAUDIT_NOT_FOUND') {
      upnpEnabled = false; // not an error: the package is not installed
      coverage.push({
        area: 'upnp-state',
        status: 'complete',
        code: 'OPENWRT_UPNPD_NOT_INSTALLED',
        reason: 'no /etc/config/upnpd: miniupnpd is not installed',
      });
    } else {
      coverage.push({
        area: 'upnp-state',
        status: 'error',
        code: 'OPENWRT_UPNPD_UNREAD',
        reason: upRead.error?.message ?? 'no values',
        ...(upRead.error ? { details: { error: upRead.error.message } } : {}),
      });
    }
    let upnpForwards: ForwardInput[] | null = null;
    if (upnpEnabled !== false) {
      // Quiet: the lease file below is the fallback; reported only if that fails too.
      const luci = await read('ubus luci.upnp get_status', 'luci.upnp', 'get_status', {}, () => true);
      upnpForwards = luci.error ? null : parseLuciUpnpStatus(luci.data);
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
        const file = await read(`ubus file read ${path}`, 'file', 'read', { path }, notFound);
        const content = (file.data as { data?: unknown } | null)?.data;
        if (typeof content === 'string') {
          const parsed = parseMiniupnpdLeases(content, now);
          upnpForwards = parsed.forwards;
          if (parsed.badLines > 0)
            warnings.push({
              code: 'OPENWRT_LEASE_BAD_LINES',
              message: `${parsed.badLines} unreadable line(s) in ${path}`,
              where: path,
            });
        } else if (file.error?.code === 'BOXAUDIT_NOT_FOUND') {
          upnpForwards = []; // no lease file yet: miniupnpd writes it with the first mapping
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
    const uh = await read('ubus uci get uhttpd', 'uci', 'get', { config: 'uhttpd' });
    const db = await read('ubus uci get dropbear', 'uci', 'get', { config: 'dropbear' });
    const services = [
      ...parseOpenwrtRemoteAdmin(valuesOf(uh.data), valuesOf(db.data), fw),
      ...(fw?.routerServices ?? []),
    ];
    coverage.push({
      area: 'remote-admin',
      status: uh.error || db.error || !fw ? 'error' : 'partial',
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

    // A forward to the router's own address (its GUI, SSH…) is remote administration.
    const routerParts = { ...emptyParts(), forwards, remoteAdmin: remoteAdminOf(services) };
    markForwardsToRouter(routerParts, routerAddresses);
    return {
      target: { kind: 'vendor', address: base, adapter: ID },
      collectedAt,
      gateway: emptyGateway(base),
      forwards: withIds(forwards),
      dmz: fw ? fw.dmz : null,
      upnp: {
        enabled: upnpEnabled,
        mappingCount: upnpForwards ? upnpForwards.length : null,
        igdVersion: null,
      },
      remoteAdmin: routerParts.remoteAdmin,
      lanPrefixes,
      coverage,
      warnings,
    };
  } finally {
    await session.logout();
  }
}

export const openwrtUbus: Adapter = {
  meta: { ...openwrtUbusMeta, allowlist: OPENWRT_UBUS_ALLOWLIST },
  collect: collectOpenwrtUbus,
};
