/**
 * Bouygues Telecom Bbox (Miami, Fibre, Ultym, Must, WiFi 6/6E; Sagemcom F@st…) over its router
 * API v1. Reference: shared/vendor-apis.md §3 — Bouygues publishes a router API doc; the field
 * names come from several open-source clients that agree. Nothing was tried on a real box.
 *
 * Flow: `POST /api/v1/login` (form `password=…&remember=1`, no user name) → cookie `BBOX_ID`;
 * then GETs with the cookie; `POST /api/v1/logout` at the end. Replies are arrays wrapping one
 * keyed object (`[{"nat":{…}}]`); numbers arrive as numbers or strings depending on firmware.
 *
 * Login lockout: the box answers 429 after failed attempts and the lockout grows with each try.
 * boxaudit makes one attempt; on 429 with a `Retry-After` it waits that long (at most
 * `options.maxRetryWaitMs`, default 30 s) and tries exactly once more; otherwise it stops with
 * BOXAUDIT_RATE_LIMITED.
 *
 * TLS: `https://mabbox.bytel.fr` is checked against the system roots (UNCONFIRMED that its
 * certificate is publicly signed). By IP (`https://192.168.1.254`) the certificate is
 * self-signed: give it with `options.tlsCa` (it is then the only trusted root, checked against
 * `mabbox.bytel.fr` or `options.tlsServername`), or pin its SHA-256 fingerprint with
 * `options.tlsFingerprint` (CLI `--tls-fingerprint`), or use `options.scheme: 'http'` on the LAN.
 * Certificate checks are never turned off.
 *
 * Settled by real replies (shared/vendor-captures/bbox: bboxapi-router's F@st5330b fw 12.11 files,
 * hass-bbox2's F@st5688b fw 24.0 files): every reply is an array wrapping one keyed object; `device`
 * (`modelname`, `main.version`), `wan/ip` (`ip.address`, `ip.state`) and `services` (`remote.admin`
 * `enable`/`port`/`ip`, `upnp.igd.enable`) have the fields read here; state flags are integers that
 * are not always 0/1 (`/summary` shows `nat.enable: 6`, `firewall.enable: 4`, `services` shows
 * `firewall.enable: 2`), so only 0 and 1 are read as off/on and anything else is unknown.
 * UNCONFIRMED (no capture): the `nat/rules`, `nat/dmz`, `upnp/igd` and `upnp/igd/rules` replies, and
 * the 2024 Sagemcom firmware's salted login (not supported: it fails as a refused login).
 */
import { BoxauditError } from '../errors.js';
import { cover, protocolsOrBoth } from '../formats/config-parts.js';
import { isPrivateOrCgnat } from '../model/addresses.js';
import { type ForwardInput, parsePortRange } from '../model/forward.js';
import type {
  CoverageArea,
  CoverageItem,
  DmzState,
  GatewayInfo,
  PortRange,
  RemoteAdminService,
  Snapshot,
  Warning,
} from '../model/types.js';
import {
  asRecord,
  looseBool,
  looseInt,
  looseString,
  parseJsonBody,
  type RestClient,
  type RestResponse,
  restTlsFrom,
  retryAfterMs,
  sleep,
} from '../transport/rest.js';
import { addressOf, internalRange, ipOrNull } from './_vendor-values.js';
import { bboxMeta } from './bbox.meta.js';
import { collectOverHttp, type HttpBox, sessionExpired } from './http-skeleton.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';

const ID = 'bbox';
export const BBOX_HOSTNAME = 'mabbox.bytel.fr';
/** Longest `Retry-After` boxaudit waits before its single login retry (default). */
export const BBOX_MAX_RETRY_WAIT_MS = 30_000;

/** Every call this adapter may make. The POSTs are the login and logout only. */
export const BBOX_ALLOWLIST = [
  'POST /api/v1/login',
  'POST /api/v1/logout',
  'GET /api/v1/device',
  'GET /api/v1/wan/ip',
  'GET /api/v1/nat/rules',
  'GET /api/v1/nat/dmz',
  'GET /api/v1/upnp/igd',
  'GET /api/v1/upnp/igd/rules',
  'GET /api/v1/services',
] as const;

// ---------------------------------------------------------------------------------------------
// Pure parsers: Bbox JSON → model.
// ---------------------------------------------------------------------------------------------

/** `[{"nat":{…}}]` → the object under `key` (a bare `{"nat":{…}}` is accepted too). */
export function unwrapBbox(body: unknown, key: string): Record<string, unknown> {
  const first = Array.isArray(body) ? body[0] : body;
  const inner = asRecord(asRecord(first)?.[key]);
  if (!inner)
    throw new BoxauditError(
      'BOXAUDIT_PROTOCOL_ERROR',
      `[${ID}] reply has no "${key}" object (expected [{"${key}":{…}}])`,
    );
  return inner;
}

/** First defined field among `names`. */
function pick(r: Record<string, unknown>, ...names: string[]): unknown {
  for (const n of names) if (r[n] !== undefined && r[n] !== null) return r[n];
  return undefined;
}

/** An address field, or null with a `BBOX_ADDRESS_INVALID` warning (see {@link addressOf}). */
const bboxAddress = (value: unknown, what: string, where: string, warnings: Warning[]): string | null =>
  addressOf(value, what, where, warnings, 'BBOX_ADDRESS_INVALID');

function portRange(start: unknown, end?: unknown): PortRange | null {
  const s = looseString(start);
  const e = looseString(end);
  if (s && e && /^\d+$/.test(s) && /^\d+$/.test(e)) return parsePortRange(`${s}-${e}`);
  return parsePortRange(s);
}

const anySource = (ip: string | null): string | null =>
  ip === null || ip === '0.0.0.0' || ip === '*' || ip.toLowerCase() === 'any' ? null : ip;

/**
 * The rule list. A map keyed by rule id or name (`{"1": {…}}`) is read as its entries, as other
 * vendors send it; anything else that is not a list is an error, never "no rule".
 */
function rulesOf(value: unknown, what: string): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : asRecord(value) ? Object.values(value as object) : null;
  if (!list) throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `[${ID}] ${what}: "rules" is not a list`);
  return list.map((r) => asRecord(r)).filter((r): r is Record<string, unknown> => r !== null);
}

/** Where a rule is, for warnings. */
const ruleWhere = (path: string, r: Record<string, unknown>, index: number): string =>
  `GET ${path} rule ${String(looseString(r.id) ?? `#${index + 1}`).slice(0, 64)}`;

/**
 * `GET /api/v1/nat/rules` → static forwards. Reads the classic lower-case fields and the Sagemcom
 * camelCase variant. When the NAT service itself is disabled (`nat.enable = 0`), every rule is
 * reported disabled.
 */
export function parseBboxNatRules(body: unknown, warnings: Warning[] = []): ForwardInput[] {
  const nat = unwrapBbox(body, 'nat');
  const natOn = looseBool(nat.enable);
  const out: ForwardInput[] = [];
  for (const [index, r] of rulesOf(nat.rules, 'nat/rules').entries()) {
    const where = ruleWhere('/api/v1/nat/rules', r, index);
    const externalPort = portRange(pick(r, 'externalport', 'externalPort'), pick(r, 'externalEndPort'));
    const internalPort = internalRange(portRange(pick(r, 'internalport', 'internalPort')), externalPort);
    const ruleOn = looseBool(r.enable);
    const raw = {
      id: r.id,
      enable: r.enable,
      description: r.description,
      protocol: r.protocol,
      externalip: pick(r, 'externalip', 'externalIP'),
      externalport: pick(r, 'externalport', 'externalPort'),
      externalEndPort: r.externalEndPort,
      internalip: pick(r, 'internalip', 'internalIP'),
      internalport: pick(r, 'internalport', 'internalPort'),
    };
    const internalHost = bboxAddress(pick(r, 'internalip', 'internalIP'), 'internalip', where, warnings);
    for (const protocol of protocolsOrBoth(looseString(r.protocol), where, warnings)) {
      out.push({
        source: 'static',
        protocol,
        externalPort,
        internalHost,
        internalPort,
        remoteHost: anySource(looseString(pick(r, 'externalip', 'externalIP'))),
        enabled: natOn === false ? false : ruleOn,
        description: looseString(r.description),
        leaseSeconds: 0,
        provenance: { adapter: ID, transport: 'http', raw },
      });
    }
  }
  return out;
}

/** `GET /api/v1/nat/dmz` (no real capture) → DMZ state; a host that is not an address is unknown. */
export function parseBboxDmz(body: unknown, warnings: Warning[] = []): DmzState {
  const dmz = asRecord(unwrapBbox(body, 'nat').dmz);
  if (!dmz) throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `[${ID}] nat/dmz: no "dmz" object`);
  const host = bboxAddress(pick(dmz, 'ipaddress', 'ipAddress'), 'ipaddress', 'GET /api/v1/nat/dmz', warnings);
  return { enabled: looseBool(dmz.enable), host };
}

/** `GET /api/v1/upnp/igd` → UPnP on/off. */
export function parseBboxUpnpIgd(body: unknown): boolean | null {
  const igd = asRecord(unwrapBbox(body, 'upnp').igd);
  if (!igd) throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `[${ID}] upnp/igd: no "igd" object`);
  return looseBool(igd.enable);
}

/**
 * `GET /api/v1/upnp/igd/rules` → UPnP mappings. The entry field names are UNCONFIRMED: the
 * NAT-rule names are tried first, then common alternatives (`ipaddress`, `leaseduration`…).
 */
export function parseBboxUpnpRules(body: unknown, warnings: Warning[] = []): ForwardInput[] {
  const igd = asRecord(unwrapBbox(body, 'upnp').igd);
  if (!igd) throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `[${ID}] upnp/igd/rules: no "igd" object`);
  const out: ForwardInput[] = [];
  for (const [index, r] of rulesOf(igd.rules, 'upnp/igd/rules').entries()) {
    const where = ruleWhere('/api/v1/upnp/igd/rules', r, index);
    const externalPort = portRange(pick(r, 'externalport', 'externalPort', 'extport'));
    const internalPort = internalRange(
      portRange(pick(r, 'internalport', 'internalPort', 'intport')),
      externalPort,
    );
    const internalHost = bboxAddress(
      pick(r, 'internalip', 'internalIP', 'ipaddress', 'ip'),
      'internalip',
      where,
      warnings,
    );
    for (const protocol of protocolsOrBoth(looseString(r.protocol), where, warnings)) {
      out.push({
        source: 'upnp',
        protocol,
        externalPort,
        internalHost,
        internalPort,
        remoteHost: anySource(looseString(pick(r, 'externalip', 'remotehost', 'remoteHost'))),
        enabled: looseBool(pick(r, 'enable', 'enabled')),
        description: looseString(pick(r, 'description', 'desc')),
        leaseSeconds: looseInt(pick(r, 'leaseduration', 'leaseDuration', 'lease', 'remaining')),
        provenance: { adapter: ID, transport: 'http', raw: { ...r } },
      });
    }
  }
  return out;
}

/**
 * `GET /api/v1/services` → remote administration (`services.remote.admin`: `enable`, `port`,
 * `ip` = allowed source, `ip6address`) and the UPnP switch (`services.upnp.igd.enable`). A real
 * F@st5330b reply has `remote.admin` `{status: 0, enable: 0, port: 443, ip: "", duration: ""}`;
 * an `enable` other than 0/1 leaves the service out (unknown), never read as off.
 */
export function parseBboxServices(body: unknown): {
  remote: RemoteAdminService[];
  upnpEnabled: boolean | null;
} {
  const services = unwrapBbox(body, 'services');
  const admin = asRecord(asRecord(services.remote)?.admin);
  const remote: RemoteAdminService[] = [];
  if (admin) {
    const on = looseBool(admin.enable);
    if (on !== null) {
      remote.push({
        service: 'https',
        port: looseInt(admin.port),
        wan: on,
        restrictedTo: anySource(looseString(admin.ip)),
      });
    }
  }
  const igd = asRecord(asRecord(services.upnp)?.igd);
  return { remote, upnpEnabled: igd ? looseBool(igd.enable) : null };
}

// ---------------------------------------------------------------------------------------------
// The box, declared for the HTTP skeleton (adapters/http-skeleton.ts).
// ---------------------------------------------------------------------------------------------

interface BboxCredentials {
  password: string;
  maxRetryWaitMs: number;
  signal: AbortSignal | undefined;
}

function postLogin(rest: RestClient, password: string): Promise<RestResponse> {
  return rest.request({
    method: 'POST',
    path: '/api/v1/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `password=${encodeURIComponent(password)}&remember=1`,
  });
}

/** The session is the `BBOX_ID` cookie, kept by the REST client. Calls are the GET paths. */
export const BBOX_BOX: HttpBox<BboxCredentials, true, unknown> = {
  id: ID,
  allowlist: BBOX_ALLOWLIST,
  url: { scheme: 'https', host: BBOX_HOSTNAME },
  client: (target, baseUrl) => ({
    tls: restTlsFrom(target, BBOX_HOSTNAME),
    headers: { origin: baseUrl, referer: `${baseUrl}/` },
  }),
  codes: { failed: 'BBOX_CALL_FAILED' },
  describe: (path) => ({ where: `GET ${path}`, details: { path } }),

  credentials(target, baseUrl, ctx) {
    const password = target.credentials?.password;
    if (!password) {
      throw new BoxauditError(
        'BOXAUDIT_CONFIG_INVALID',
        `[${ID}] ${baseUrl}: the Bbox admin password is needed (BOXAUDIT_PASSWORD)`,
      );
    }
    const max = target.options?.maxRetryWaitMs;
    return {
      password,
      maxRetryWaitMs: typeof max === 'number' ? max : BBOX_MAX_RETRY_WAIT_MS,
      signal: ctx.signal,
    };
  },

  /** One attempt; on 429 with a short enough `Retry-After`, one wait and exactly one more. */
  async login(rest, { password, maxRetryWaitMs, signal }) {
    rest.addSecret(encodeURIComponent(password));
    rest.clearCookies();
    let res = await postLogin(rest, password);
    if (res.status === 429) {
      const wait = retryAfterMs(res.headers['retry-after']);
      if (wait === null || wait > maxRetryWaitMs) {
        throw new BoxauditError(
          'BOXAUDIT_RATE_LIMITED',
          `[${ID}] the Bbox refuses logins for now (HTTP 429${wait === null ? '' : `, retry after ${Math.ceil(wait / 1000)} s`}) after failed attempts; wait${wait === null ? ' a few minutes' : ''}, check BOXAUDIT_PASSWORD, and try again — retrying sooner makes the lockout longer`,
          { details: { retryAfterMs: wait } },
        );
      }
      await sleep(wait, signal, `[${ID}] waiting for the login lockout to end`);
      res = await postLogin(rest, password);
      if (res.status === 429) {
        throw new BoxauditError(
          'BOXAUDIT_RATE_LIMITED',
          `[${ID}] the Bbox still refuses logins (HTTP 429) after waiting as it asked; boxaudit stops here to avoid a longer lockout`,
        );
      }
    }
    if (res.status === 401 || res.status === 403) {
      throw new BoxauditError(
        'BOXAUDIT_AUTH_FAILED',
        `[${ID}] login refused (HTTP ${res.status}): check BOXAUDIT_PASSWORD (the Bbox admin password); boxaudit does not retry, as failed attempts lock the login`,
      );
    }
    if (res.status < 200 || res.status > 299) {
      throw new BoxauditError('BOXAUDIT_HTTP_STATUS', `[${ID}] ${res.call} answered HTTP ${res.status}`, {
        details: { call: res.call, status: res.status },
      });
    }
    if (!rest.cookieNames().includes('BBOX_ID')) {
      throw new BoxauditError(
        'BOXAUDIT_AUTH_FAILED',
        `[${ID}] login gave no BBOX_ID session cookie (newer firmware with a salted login is not supported yet)`,
      );
    }
    return true;
  },

  /** GET one path; 401 is an expired cookie, 403 the box refusing this listing. */
  async send(rest, _session, path) {
    const res = await rest.request({
      method: 'GET',
      path,
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    if (res.status === 401) throw sessionExpired();
    if (res.status < 200 || res.status > 299) {
      throw new BoxauditError(
        res.status === 403 ? 'BOXAUDIT_BOX_REFUSED' : 'BOXAUDIT_HTTP_STATUS',
        `[${ID}] ${res.call} answered HTTP ${res.status}`,
        { details: { call: res.call, status: res.status } },
      );
    }
    return parseJsonBody(res, ID);
  },

  async logout(rest) {
    await rest.request({ method: 'POST', path: '/api/v1/logout' });
  },
};

const gap = (area: CoverageArea, path: string): CoverageItem => ({
  area,
  status: 'error',
  code: 'BBOX_CALL_FAILED',
  reason: `GET ${path} failed (see warnings); nothing is known for this area`,
  details: { path },
});

/**
 * Read a Bbox. Read-only: only {@link BBOX_ALLOWLIST} is sent (GETs, plus login and logout).
 * Target: `url` or `host` (default `mabbox.bytel.fr`, https), credentials `password`; options
 * `scheme` (`http`), `tlsCa` (the box's own certificate, PEM), `tlsFingerprint` (its SHA-256),
 * `tlsServername`, `maxRetryWaitMs`.
 * @throws BoxauditError BOXAUDIT_CONFIG_INVALID (no password), BOXAUDIT_AUTH_FAILED,
 *   BOXAUDIT_RATE_LIMITED (login lockout), and the skeleton's fatal errors. One failing read
 *   becomes a warning and an `error` coverage item; the rest is kept.
 */
export function collectBbox(target: CollectTarget, ctx: CollectContext = {}): Promise<Snapshot> {
  return collectOverHttp(BBOX_BOX, target, ctx, async (run) => {
    const { parts, read } = run;
    const { warnings, coverage } = parts;
    const gateway: Partial<GatewayInfo> = { manufacturer: 'Bouygues Telecom' };
    parts.gateway = gateway;
    const device = await read(null, '/api/v1/device', (b) => unwrapBbox(b, 'device'));
    if (device) {
      gateway.model = looseString(device.modelname) ?? looseString(device.model);
      gateway.modelNumber = looseString(asRecord(device.main)?.version) ?? looseString(device.version);
      gateway.friendlyName = looseString(device.display) ?? gateway.model;
    }
    const wan = await read(null, '/api/v1/wan/ip', (b) => asRecord(unwrapBbox(b, 'wan').ip));
    if (wan) {
      // A real reply may be redacted ("XXX.XXX.XXX.XXX"): only an address counts.
      gateway.externalIp = ipOrNull(wan.address);
      gateway.doubleNat = isPrivateOrCgnat(gateway.externalIp);
      gateway.connectionStatus = looseString(wan.state);
    }

    const statics = await read('static-forwards', '/api/v1/nat/rules', (b) => parseBboxNatRules(b, warnings));
    if (statics)
      coverage.push(cover('static-forwards', 'complete', 'BBOX_NAT_RULES', 'read from /api/v1/nat/rules'));
    const dmz = await read('dmz', '/api/v1/nat/dmz', (b) => parseBboxDmz(b, warnings));
    if (dmz) coverage.push(cover('dmz', 'complete', 'BBOX_NAT_DMZ', 'read from /api/v1/nat/dmz'));
    // The UPnP switch is also in /api/v1/services: its gap is added below only when neither says.
    const upnpOn = await read(null, '/api/v1/upnp/igd', parseBboxUpnpIgd);
    const upnpRules = await read('upnp-mappings', '/api/v1/upnp/igd/rules', (b) =>
      parseBboxUpnpRules(b, warnings),
    );
    if (upnpRules) {
      coverage.push(
        cover(
          'upnp-mappings',
          'complete',
          'BBOX_UPNP_RULES',
          'read from /api/v1/upnp/igd/rules (entry field names UNCONFIRMED)',
        ),
      );
    }
    const services = await read('remote-admin', '/api/v1/services', parseBboxServices);
    const upnpEnabled = upnpOn ?? services?.upnpEnabled ?? null;
    coverage.push(
      upnpEnabled !== null
        ? cover('upnp-state', 'complete', 'BBOX_UPNP_IGD', 'read from /api/v1/upnp/igd (or /api/v1/services)')
        : gap('upnp-state', '/api/v1/upnp/igd'),
    );
    if (services) {
      coverage.push(
        cover(
          'remote-admin',
          'complete',
          'BBOX_SERVICES_REMOTE_ADMIN',
          'remote administration read from /api/v1/services (remote.admin)',
        ),
      );
    }
    coverage.push(
      {
        area: 'ipv6-pinholes',
        status: 'not-visible',
        code: 'BBOX_IPV6_NOT_READ',
        reason:
          'IPv6 firewall rules are not read (their API path is UNCONFIRMED): check Services → Firewall → IPv6 in the web interface',
      },
      {
        area: 'gateway-info',
        status: device && wan ? 'complete' : 'partial',
        code: 'BBOX_DEVICE',
        reason: '/api/v1/device and /api/v1/wan/ip',
      },
    );

    parts.forwards = [...(statics ?? []), ...(upnpRules ?? [])];
    parts.dmz = dmz ?? { enabled: null, host: null };
    parts.upnp = {
      enabled: upnpEnabled,
      mappingCount: upnpRules ? upnpRules.length : null,
      igdVersion: null,
    };
    parts.remoteAdmin = services
      ? {
          enabled: services.remote.length ? services.remote.some((s) => s.wan === true) : null,
          services: services.remote,
        }
      : null;
  });
}

export const bbox: Adapter = {
  meta: { ...bboxMeta, allowlist: BBOX_ALLOWLIST },
  collect: collectBbox,
};
