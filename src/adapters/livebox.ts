/**
 * Orange Livebox (SoftAtHome firmware: Livebox 4, 5, 6, 7, W7) over its "sysbus" JSON bus.
 * Reference: shared/vendor-apis.md §2. There is no official API: the flow is reverse-engineered
 * by several independent open-source clients that agree. Nothing here was tried on a real box.
 *
 * Flow: `POST /ws` `sah.Device.Information.createContext` with `Authorization: X-Sah-Login` →
 * `contextID` + a cookie whose name contains a slash (kept verbatim by our own cookie handling);
 * then every read is a `POST /ws` with `X-Context` (and `Authorization: X-Sah <ctx>`). Reads are
 * POSTs here, so the allowlist names the exact `service.method` pairs, all of them getters.
 *
 * Settled by real replies (../shared/vendor-captures/livebox: Home Assistant diagnostics dumps of a
 * Livebox 3 and a Livebox 7): `getPortForwarding` answers a map keyed by rule id with string ports and
 * IANA protocol numbers as strings ("6", "17"); the UPnP-IGD on/off attribute is `Enable`;
 * RemoteAccess has `Enable`, `Port`, `Protocol` ("HTTPS"), `SourcePrefix`; DeviceInfo has
 * `Manufacturer`, `ModelName`, `ProductClass`, `SoftwareVersion`, `ExternalIPAddress`; error 196618
 * is "Object or parameter not found" (a getter this firmware lacks), not a permission error.
 * Permission denied is error 13 (seen in other clients' logs), or HTTP 401.
 * Still UNCONFIRMED (no capture): `getDMZ` and `getPinhole` replies, the exact expired-context reply,
 * whether `getPortForwarding {}` lists every origin, and the login lockout after failed attempts.
 * Orange Spain "Livebox 6+/Next" (Arcadyan) and Livebox Pro run other firmware: unsupported.
 * No logout call is made (its name is UNCONFIRMED); the context expires on its own.
 */
import { BoxauditError } from '../errors.js';
import { cover, ipv4Network, markForwardsToRouter, protocolsOrBoth } from '../formats/config-parts.js';
import { isPrivateOrCgnat } from '../model/addresses.js';
import { type ForwardInput, parsePortRange } from '../model/forward.js';
import type { DmzState, Protocol, RemoteAdminService, Snapshot, Warning } from '../model/types.js';
import { asRecord, looseBool, looseInt, looseString, parseJsonBody } from '../transport/rest.js';
import { addressOf, internalRange, ipOrNull } from './_vendor-values.js';
import { collectOverHttp, type HttpBox, sessionExpired } from './http-skeleton.js';
import { liveboxMeta } from './livebox.meta.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';

const ID = 'livebox';
const CONTENT_TYPE = 'application/x-sah-ws-4-call+json';
/** sysbus error "Permission denied": no or expired context (or a too-small group). */
export const LIVEBOX_PERMISSION_DENIED = 13;
/**
 * sysbus error "Object or parameter not found": the firmware has no such object or method (a real
 * Livebox 3 answers it for `Firewall.getProtocolForwarding`). Not a permission error: no re-login.
 */
export const LIVEBOX_NOT_FOUND = 196618;

/** Every call this adapter may make: `POST /ws` plus the sysbus `service.method`. Only getters and the login. */
export const LIVEBOX_ALLOWLIST = [
  'POST /ws sah.Device.Information.createContext',
  'POST /ws DeviceInfo.get',
  'POST /ws Firewall.getPortForwarding',
  'POST /ws Firewall.getDMZ',
  'POST /ws Firewall.getPinhole',
  'POST /ws UPnP-IGD.get',
  'POST /ws RemoteAccess.get',
  'POST /ws NMC.getLANIP',
] as const;

// ---------------------------------------------------------------------------------------------
// Pure parsers: sysbus `status` objects → model.
// ---------------------------------------------------------------------------------------------

/** `"6"`, `"17"`, `"6,17"`, `"TCP"`… → protocols (IANA numbers as the Livebox writes them); [] when none is known. */
export function liveboxProtocols(value: unknown): Protocol[] {
  const out = new Set<Protocol>();
  if (typeof value !== 'string' && typeof value !== 'number') return [];
  for (const part of String(value).split(/[\s,/]+/)) {
    const p = part.trim().toLowerCase();
    if (p === '6' || p === 'tcp') out.add('tcp');
    if (p === '17' || p === 'udp') out.add('udp');
  }
  return [...out].sort();
}

/**
 * Protocols of one rule, failing closed: a value not understood ("", "47", missing, an object) keeps
 * the rule as tcp and udp with a `PROTOCOL_UNKNOWN` warning (see {@link protocolsOrBoth}).
 */
function protocolsOfRule(value: unknown, where: string, warnings: Warning[]): Protocol[] {
  const known = liveboxProtocols(value);
  if (known.length > 0) return known;
  const text =
    typeof value === 'string' ? value : value === undefined || value === null ? null : JSON.stringify(value);
  return protocolsOrBoth(text, where, warnings);
}

/** An address field of a rule, or null with a `LIVEBOX_ADDRESS_INVALID` warning (see {@link addressOf}). */
const ruleAddress = (value: unknown, what: string, where: string, warnings: Warning[]): string | null =>
  addressOf(value, what, where, warnings, 'LIVEBOX_ADDRESS_INVALID');

/** The entries of a map keyed by id (the Livebox's usual shape), with their keys; an array is accepted too. */
function entriesOf(value: unknown, what: string): Array<[string, Record<string, unknown>]> {
  // `false`/null is how a failed sysbus call can look: never read it as "no entries".
  if (value === undefined || value === null || typeof value === 'boolean') {
    throw new BoxauditError(
      'BOXAUDIT_PROTOCOL_ERROR',
      `[${ID}] ${what}: answered status ${String(value)} instead of a map of entries`,
    );
  }
  const list: Array<[string, unknown]> | null = Array.isArray(value)
    ? value.map((e, i) => [String(i), e])
    : asRecord(value)
      ? Object.entries(value as object)
      : null;
  if (!list)
    throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `[${ID}] ${what}: "status" is not a map of entries`);
  return list
    .map(([k, e]): [string, Record<string, unknown> | null] => [k, asRecord(e)])
    .filter((p): p is [string, Record<string, unknown>] => p[1] !== null);
}

const sourceOf = (prefix: string | null): string | null =>
  prefix === null || prefix === '0.0.0.0/0' || prefix === '::/0' ? null : prefix;

/** Where a rule came from, for warnings: the map key (`upnp_5`) when the entry's own Id is unusable. */
function ruleWhere(call: string, key: string, e: Record<string, unknown>): string {
  const id = looseString(e.Id);
  return `${call} ${id && !/redacted/i.test(id) ? id : key}`.slice(0, 160);
}

function enabledOf(e: Record<string, unknown>): boolean | null {
  const enable = looseBool(e.Enable);
  if (enable !== null) return enable;
  const status = looseString(e.Status)?.toLowerCase();
  return status === 'enabled' ? true : status === 'disabled' ? false : null;
}

/**
 * `Firewall.getPortForwarding` status (a map keyed by rule Id, as a real Livebox 7 sends it) →
 * forwards. `Origin: "upnp"` is a UPnP mapping (lease from `LeaseDuration`), anything else (`webui`…)
 * a manual forward. Problems (unknown protocol, a destination that is not an address) go to `warnings`;
 * no rule is dropped.
 */
export function parseLiveboxPortForwarding(status: unknown, warnings: Warning[] = []): ForwardInput[] {
  const out: ForwardInput[] = [];
  for (const [key, e] of entriesOf(status, 'Firewall.getPortForwarding')) {
    const where = ruleWhere('Firewall.getPortForwarding', key, e);
    const origin = looseString(e.Origin)?.toLowerCase() ?? null;
    const upnp = origin === 'upnp';
    const externalPort = parsePortRange(looseString(e.ExternalPort));
    const raw = {
      Id: e.Id,
      Origin: e.Origin,
      Description: e.Description,
      Status: e.Status,
      Enable: e.Enable,
      SourceInterface: e.SourceInterface,
      Protocol: e.Protocol,
      ExternalPort: e.ExternalPort,
      InternalPort: e.InternalPort,
      SourcePrefix: e.SourcePrefix,
      DestinationIPAddress: e.DestinationIPAddress,
      LeaseDuration: e.LeaseDuration,
    };
    const internalHost = ruleAddress(e.DestinationIPAddress, 'DestinationIPAddress', where, warnings);
    for (const protocol of protocolsOfRule(e.Protocol, where, warnings)) {
      out.push({
        source: upnp ? 'upnp' : 'static',
        protocol,
        externalPort,
        internalHost,
        internalPort: internalRange(parsePortRange(looseString(e.InternalPort)), externalPort),
        remoteHost: sourceOf(looseString(e.SourcePrefix)),
        enabled: enabledOf(e),
        description: looseString(e.Description),
        leaseSeconds: upnp ? looseInt(e.LeaseDuration) : (looseInt(e.LeaseDuration) ?? 0),
        provenance: { adapter: ID, transport: 'http', raw },
      });
    }
  }
  return out;
}

/**
 * `Firewall.getPinhole` status → IPv6 pinholes. An entry without `DestinationPort` opens every
 * port of its protocol to the host (1–65535).
 */
export function parseLiveboxPinholes(status: unknown, warnings: Warning[] = []): ForwardInput[] {
  const out: ForwardInput[] = [];
  for (const [key, e] of entriesOf(status, 'Firewall.getPinhole')) {
    const where = ruleWhere('Firewall.getPinhole', key, e);
    const portText = looseString(e.DestinationPort);
    const ports = portText === null ? { start: 1, end: 65535 } : parsePortRange(portText);
    const raw = {
      Id: e.Id,
      Origin: e.Origin,
      Description: e.Description,
      Protocol: e.Protocol,
      DestinationPort: e.DestinationPort,
      DestinationIPAddress: e.DestinationIPAddress,
      SourcePrefix: e.SourcePrefix,
      Enable: e.Enable,
      Status: e.Status,
    };
    const internalHost = ruleAddress(e.DestinationIPAddress, 'DestinationIPAddress', where, warnings);
    for (const protocol of protocolsOfRule(e.Protocol, where, warnings)) {
      out.push({
        source: 'pinhole6',
        protocol,
        externalPort: ports,
        internalHost,
        internalPort: ports,
        remoteHost: sourceOf(looseString(e.SourcePrefix)),
        enabled: enabledOf(e),
        description: looseString(e.Description),
        leaseSeconds: 0,
        provenance: { adapter: ID, transport: 'http', raw },
      });
    }
  }
  return out;
}

/**
 * `Firewall.getDMZ` status (a map keyed by DMZ id; no real capture) → DMZ state; the first enabled
 * entry wins. A host that is not an address is unknown, with a warning.
 */
export function parseLiveboxDmz(status: unknown, warnings: Warning[] = []): DmzState {
  const entries = entriesOf(status, 'Firewall.getDMZ');
  if (entries.length === 0) return { enabled: false, host: null };
  const hostOf = ([key, e]: [string, Record<string, unknown>]) =>
    ruleAddress(
      e.DestinationIPAddress,
      'DestinationIPAddress',
      ruleWhere('Firewall.getDMZ', key, e),
      warnings,
    );
  const on = entries.find(([, e]) => enabledOf(e) === true);
  if (on) return { enabled: true, host: hostOf(on) };
  const unknown = entries.some(([, e]) => enabledOf(e) === null);
  return { enabled: unknown ? null : false, host: hostOf(entries[0]!) };
}

/**
 * `UPnP-IGD.get` → on/off. Real Livebox 3 and 7 replies carry `Enable` (boolean); `Enabled` is
 * still tried for other firmware; `attribute` says which one was found (null: none, state unknown).
 */
export function parseLiveboxUpnp(status: unknown): { enabled: boolean | null; attribute: string | null } {
  const r = asRecord(status);
  if (!r)
    throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `[${ID}] UPnP-IGD.get: "status" is not an object`);
  for (const attribute of ['Enable', 'Enabled']) {
    const v = looseBool(r[attribute]);
    if (v !== null) return { enabled: v, attribute };
  }
  return { enabled: null, attribute: null };
}

/**
 * `RemoteAccess.get` → the remote web UI. Real Livebox 3 and 7 replies: `Enable` (boolean), `Port`
 * (0 while off; `PortMode: "RANDOM"` picks it when turned on), `Protocol` "HTTPS", `SourcePrefix`
 * ("" = anyone; absent on the Livebox 3). `SecureAccess` / `RemoteAccessType` / `AccessType` are still
 * read for other firmware. Port 0 is no port (null).
 */
export function parseLiveboxRemoteAccess(status: unknown): RemoteAdminService[] {
  const r = asRecord(status);
  if (!r)
    throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `[${ID}] RemoteAccess.get: "status" is not an object`);
  const enabled = looseBool(r.Enable);
  if (enabled === null) return [];
  const kind =
    `${looseString(r.Protocol) ?? ''} ${looseString(r.RemoteAccessType) ?? ''} ${looseString(r.AccessType) ?? ''}`.toLowerCase();
  const secure = looseBool(r.SecureAccess);
  const service =
    secure === true || kind.includes('https') ? 'https' : kind.includes('http') ? 'http' : 'web-ui';
  const source = looseString(r.SourcePrefix) ?? looseString(r.AllowedSources);
  const port = looseInt(r.Port);
  return [
    {
      service,
      port: port !== null && port >= 1 && port <= 65535 ? port : null,
      wan: enabled,
      restrictedTo: sourceOf(source),
    },
  ];
}

/**
 * `NMC.getLANIP` reply → the box's own LAN address and network. Real replies (Livebox 3 and 7
 * diagnostics dumps) carry it in `data` with `status: null`: `{Address, Netmask, DHCPEnable, …}`.
 * Null when no usable address is given (the dumps redact it).
 */
export function parseLiveboxLanIp(reply: {
  status: unknown;
  data: unknown;
}): { address: string; prefix: string | null } | null {
  const r = asRecord(reply.data) ?? asRecord(reply.status);
  const address = ipOrNull(r?.Address);
  if (!address) return null;
  return { address, prefix: ipv4Network(address, looseString(r?.Netmask)) };
}

// ---------------------------------------------------------------------------------------------
// The box, declared for the HTTP skeleton (adapters/http-skeleton.ts).
// ---------------------------------------------------------------------------------------------

/** One sysbus reply: `status` for most getters, `data` for `NMC.getLANIP`. */
interface SysbusReply {
  status: unknown;
  data: unknown;
}

/** A sysbus context, and the account's groups (named when a getter is refused). */
interface SysbusContext {
  id: string;
  groups: string | null;
}

const sysbus = (service: string, method: string, parameters: Record<string, unknown> = {}): string =>
  JSON.stringify({ service, method, parameters });

/** Calls are the `service.method` of the allowlist (`POST /ws Firewall.getDMZ` → `Firewall.getDMZ`). */
export const LIVEBOX_BOX: HttpBox<{ username: string; password: string }, SysbusContext, SysbusReply> = {
  id: ID,
  allowlist: LIVEBOX_ALLOWLIST,
  // Plain http on the LAN, as the web UI.
  url: { scheme: 'http', host: '192.168.1.1' },
  codes: { failed: 'LIVEBOX_CALL_FAILED' },
  describe: (call) => ({ where: `POST /ws ${call}`, details: { call } }),

  credentials(target, baseUrl) {
    const password = target.credentials?.password;
    if (!password) {
      throw new BoxauditError(
        'BOXAUDIT_CONFIG_INVALID',
        `[${ID}] ${baseUrl}: the admin password is needed (BOXAUDIT_PASSWORD)`,
      );
    }
    return { username: target.credentials?.username || 'admin', password };
  },

  async login(rest, { username, password }) {
    rest.clearCookies();
    const res = await rest.request({
      method: 'POST',
      path: '/ws',
      operation: 'sah.Device.Information.createContext',
      headers: { authorization: 'X-Sah-Login', 'content-type': CONTENT_TYPE },
      body: sysbus('sah.Device.Information', 'createContext', {
        applicationName: 'webui',
        username,
        password,
      }),
    });
    const refused = (why: string): BoxauditError =>
      new BoxauditError(
        'BOXAUDIT_AUTH_FAILED',
        `[${ID}] login refused (${why}): check BOXAUDIT_USER (default admin) and BOXAUDIT_PASSWORD; boxaudit does not retry, as repeated failures may lock the web interface`,
      );
    if (res.status === 401 || res.status === 403) throw refused(`HTTP ${res.status}`);
    if (res.status === 404 || res.status === 405) {
      throw new BoxauditError(
        'BOXAUDIT_UNSUPPORTED',
        `[${ID}] ${res.call} answered HTTP ${res.status}: no sysbus API here (Livebox 6+/Next from Orange Spain and Livebox Pro are not supported)`,
      );
    }
    const body = asRecord(parseJsonBody(res, ID));
    const data = asRecord(body?.data);
    const id = looseString(data?.contextID);
    if (Array.isArray(body?.errors) && body.errors.length > 0)
      throw refused('the box answered with an error');
    if (!id) {
      if (res.status >= 400) throw refused(`HTTP ${res.status}`);
      throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `[${ID}] ${res.call}: no contextID in the reply`);
    }
    rest.addSecret(id);
    return { id, groups: looseString(data?.groups) };
  },

  /** One getter; "permission denied" (13) or HTTP 401 is an expired context. */
  async send(rest, context, call) {
    const dot = call.lastIndexOf('.');
    const res = await rest.request({
      method: 'POST',
      path: '/ws',
      operation: call,
      headers: {
        'content-type': CONTENT_TYPE,
        'x-context': context.id,
        authorization: `X-Sah ${context.id}`,
      },
      body: sysbus(call.slice(0, dot), call.slice(dot + 1)),
    });
    const body = res.status === 401 ? null : asRecord(parseJsonBody(res, ID));
    if (res.status !== 401 && !body) {
      throw new BoxauditError(
        'BOXAUDIT_PROTOCOL_ERROR',
        `[${ID}] ${res.call}: the reply is not a JSON object`,
      );
    }
    // `…-ws-1-call+json` firmware wraps the reply in `result` (the ws-4 form has it at the top).
    const wrapped =
      body && body.status === undefined && body.errors === undefined ? asRecord(body.result) : null;
    const parsed = wrapped ?? body;
    const errors = Array.isArray(parsed?.errors) ? (parsed.errors as unknown[]) : [];
    const codes = errors.map((e) => looseInt(asRecord(e)?.error));
    if (res.status === 401 || codes.includes(LIVEBOX_PERMISSION_DENIED)) {
      const groups = ` (user groups: ${context.groups ?? 'unknown'}); the account may lack the admin group`;
      throw sessionExpired('permission denied', groups);
    }
    if (errors.length > 0 || res.status >= 400) {
      const first = asRecord(errors[0]);
      const what = first
        ? `error ${looseString(first.error) ?? '?'} ${rest.redact(looseString(first.description) ?? '')}`.trim()
        : `HTTP ${res.status}`;
      const missing = codes.includes(LIVEBOX_NOT_FOUND)
        ? ': this firmware does not offer it (object or parameter not found)'
        : '';
      throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `[${ID}] ${res.call} failed (${what})${missing}`, {
        details: { call: res.call, status: res.status, notFound: missing !== '' },
      });
    }
    return { status: parsed?.status, data: parsed?.data };
  },
  // No logout: its name is UNCONFIRMED; the context expires on its own.
};

/**
 * Read an Orange Livebox. Read-only: only the getters in {@link LIVEBOX_ALLOWLIST} are called.
 * Target: `url` or `host` (default `192.168.1.1`, plain http on the LAN as the web UI does);
 * credentials `password` (+ `username`, default `admin`).
 * @throws BoxauditError BOXAUDIT_CONFIG_INVALID (no password), BOXAUDIT_AUTH_FAILED,
 *   BOXAUDIT_UNSUPPORTED (no sysbus), and the skeleton's fatal errors. One failing getter becomes a
 *   warning and an `error` coverage item; the rest is kept.
 */
export function collectLivebox(target: CollectTarget, ctx: CollectContext = {}): Promise<Snapshot> {
  return collectOverHttp(LIVEBOX_BOX, target, ctx, async ({ parts, read }) => {
    const { warnings, coverage } = parts;
    const info = await read(null, 'DeviceInfo.get', (r) => asRecord(r.status));
    if (info) {
      const externalIp = ipOrNull(info.ExternalIPAddress); // a diagnostics dump shows "**REDACTED**" here
      parts.gateway = {
        manufacturer: looseString(info.Manufacturer),
        // Real replies: ProductClass "Livebox 7" (the name users know), ModelName "SagemcomFast5694_OFR".
        model: looseString(info.ProductClass) ?? looseString(info.ModelName),
        modelNumber: looseString(info.SoftwareVersion),
        friendlyName: looseString(info.FriendlyName) ?? looseString(info.ProductClass),
        externalIp,
        doubleNat: isPrivateOrCgnat(externalIp),
      };
    }

    const hint =
      '; some firmware breaks this call (the web UI NAT page fails too): try a UPnP IGD audit for the UPnP part';
    const forwards = await read(
      ['static-forwards', 'upnp-mappings'],
      'Firewall.getPortForwarding',
      (r) => parseLiveboxPortForwarding(r.status, warnings),
      { hint },
    );
    if (forwards) {
      coverage.push(
        cover(
          'static-forwards',
          'complete',
          'LIVEBOX_PORT_FORWARDING',
          'read from Firewall.getPortForwarding (origin webui)',
        ),
        cover(
          'upnp-mappings',
          'complete',
          'LIVEBOX_PORT_FORWARDING',
          'read from Firewall.getPortForwarding (origin upnp)',
        ),
      );
    }
    const pinholes = await read('ipv6-pinholes', 'Firewall.getPinhole', (r) =>
      parseLiveboxPinholes(r.status, warnings),
    );
    if (pinholes)
      coverage.push(cover('ipv6-pinholes', 'complete', 'LIVEBOX_PINHOLES', 'read from Firewall.getPinhole'));
    const dmz = await read('dmz', 'Firewall.getDMZ', (r) => parseLiveboxDmz(r.status, warnings));
    if (dmz) coverage.push(cover('dmz', 'complete', 'LIVEBOX_DMZ', 'read from Firewall.getDMZ'));

    const upnp = await read('upnp-state', 'UPnP-IGD.get', (r) => parseLiveboxUpnp(r.status));
    if (upnp?.attribute) {
      coverage.push(
        cover('upnp-state', 'complete', 'LIVEBOX_UPNP_IGD', `UPnP-IGD.get attribute ${upnp.attribute}`),
      );
    } else if (upnp) {
      coverage.push({
        area: 'upnp-state',
        status: 'partial',
        code: 'LIVEBOX_UPNP_ATTRIBUTE_UNKNOWN',
        reason:
          'UPnP-IGD.get answered without the Enable attribute real Liveboxes send: check Network → NAT/PAT → UPnP in the web interface',
      });
    }
    const remote = await read('remote-admin', 'RemoteAccess.get', (r) => parseLiveboxRemoteAccess(r.status));
    if (remote) {
      coverage.push({
        area: 'remote-admin',
        status: 'partial',
        code: remote.length ? 'LIVEBOX_REMOTE_ACCESS' : 'LIVEBOX_REMOTE_ATTRIBUTE_UNKNOWN',
        reason: remote.length
          ? 'remote web access read from RemoteAccess.get; other WAN services of the box are not read'
          : 'RemoteAccess.get answered without the Enable attribute real Liveboxes send: check Advanced settings → Remote access',
      });
    }
    coverage.push({
      area: 'gateway-info',
      status: info ? 'complete' : 'partial',
      code: 'LIVEBOX_DEVICEINFO',
      reason: info
        ? 'model, firmware and WAN address read from DeviceInfo.get'
        : 'DeviceInfo.get could not be read (see warnings): the model and WAN address of the box are unknown',
    });

    // The box's own LAN address: a forward to it (or to loopback) exposes the box itself.
    const lan = await read(null, 'NMC.getLANIP', parseLiveboxLanIp);
    parts.forwards = [...(forwards ?? []), ...(pinholes ?? [])];
    parts.dmz = dmz ?? { enabled: null, host: null };
    parts.upnp = {
      enabled: upnp?.enabled ?? null,
      mappingCount: forwards ? forwards.filter((f) => f.source === 'upnp').length : null,
      igdVersion: null,
    };
    parts.remoteAdmin = remote
      ? { enabled: remote.length ? remote.some((s) => s.wan === true) : null, services: remote }
      : null;
    parts.lanPrefixes = lan?.prefix ? [lan.prefix] : null;
    markForwardsToRouter(parts, lan ? [lan.address] : []);
  });
}

export const livebox: Adapter = {
  meta: { ...liveboxMeta, allowlist: LIVEBOX_ALLOWLIST },
  collect: collectLivebox,
};
