/**
 * UniFi Network: UniFi OS consoles (UDM/UDR/UCG/UXG/Cloud Key Gen2+) and the legacy self-hosted
 * controller. Reference: shared/vendor-apis.md §9.1 — the local API is reverse-engineered (no
 * official doc; stable for years, used by many open-source clients). Nothing was tried on a real
 * console.
 *
 * Flow: `POST /api/auth/login` (UniFi OS, JSON username/password) → cookie `TOKEN`; when that path
 * is 404, the legacy controller's `POST /api/login` → cookie `unifises`, and the Network paths lose
 * their `/proxy/network` prefix. Then GETs only: the sites the account sees, and per site
 * `rest/portforward` and `rest/setting` (entry `key: "usg"` holds the UPnP switches). Logout at the
 * end. Reads need only the cookie; the CSRF token (needed for writes) is sent on the logout alone,
 * as UniFi OS may refuse a logout without it (UNCONFIRMED).
 *
 * Multi-site: `collect` returns one Snapshot per box, and a controller is one box to the user, so
 * every site the account sees goes into one snapshot; each forward names its site in
 * `provenance.raw.site`, and coverage lists the sites read and the ones that failed. The UPnP
 * state is "on" when any site has it on (the riskiest reading, per-site values in the coverage).
 * A self-hosted controller whose sites are different gateways is still one audit target here.
 *
 * Not supported: API keys (`X-API-KEY`, the official "Integration API"): its port-forward coverage is
 * UNCONFIRMED and its paths differ; a local admin account is needed (cloud accounts with MFA fail).
 * Not read: UPnP mappings (no known endpoint, UNCONFIRMED), remote access (UniFi cloud / Remote
 * Management; endpoint UNCONFIRMED), firewall rules (`rest/firewallrule`; the 9.x zone-based
 * firewall path is UNCONFIRMED), so IPv6 pinholes stay unknown. UniFi has no DMZ setting.
 *
 * TLS: consoles use a self-signed certificate. The system roots are used unless its SHA-256 is pinned
 * (`options.tlsFingerprint`, CLI `--tls-fingerprint`) or `options.tlsCa` (the console's certificate,
 * PEM; checked against `options.tlsServername` when given) is set.
 * Certificate checks are never turned off.
 */
import { BoxauditError, isBoxauditError } from '../errors.js';
import { protocolsOrBoth } from '../formats/config-parts.js';
import { type ForwardInput, parsePortRange } from '../model/forward.js';
import type { CoverageStatus, PortRange, Snapshot, Warning } from '../model/types.js';
import {
  asRecord,
  looseBool,
  looseString,
  parseJsonBody,
  type RestClient,
  type RestResponse,
  restTlsFrom,
} from '../transport/rest.js';
import { addressOf } from './_vendor-values.js';
import { collectOverHttp, type HttpBox, sessionExpired } from './http-skeleton.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';
import { unifiMeta } from './unifi.meta.js';

const ID = 'unifi';
/** Where UniFi OS serves the Network application. */
const OS_PREFIX = '/proxy/network';
/** Sites audited per run; a controller with more is audited in part, with a warning. */
export const UNIFI_MAX_SITES = 50;
/** Port-forward records kept per site (the UI caps far lower); more is reported, not read. */
export const UNIFI_MAX_FORWARDS_PER_SITE = 1000;

/**
 * Every call this adapter may make. The POSTs are the logins and logouts only; `{site}` stands for
 * a site name checked against {@link SITE_NAME} before it is put in a path.
 */
export const UNIFI_ALLOWLIST = [
  'POST /api/auth/login',
  'POST /api/auth/logout',
  'GET /proxy/network/api/self/sites',
  'GET /proxy/network/api/s/{site}/rest/portforward',
  'GET /proxy/network/api/s/{site}/rest/setting',
  'POST /api/login',
  'POST /api/logout',
  'GET /api/self/sites',
  'GET /api/s/{site}/rest/portforward',
  'GET /api/s/{site}/rest/setting',
] as const;

/** Site names the controller generates (`default`, 8 random characters); anything else is not put in a URL. */
const SITE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** `/…/api/s/<site>/rest/x` → `/…/api/s/{site}/rest/x`, the allowlist form. */
export function unifiCanonicalPath(path: string): string {
  return path.replace(/^((?:\/proxy\/network)?\/api\/s\/)[^/]+(\/rest\/)/, '$1{site}$2');
}

export type UnifiMode = 'unifi-os' | 'legacy';

export interface UnifiSite {
  /** Short id used in paths, e.g. `default`. */
  name: string;
  /** Display name, e.g. `Default`. */
  desc: string | null;
}

export interface UnifiUpnp {
  enabled: boolean | null;
  natPmp: boolean | null;
  secureMode: boolean | null;
  wanInterface: string | null;
}

// ---------------------------------------------------------------------------------------------
// Pure parsers: UniFi JSON → model.
// ---------------------------------------------------------------------------------------------

/**
 * Unwrap `{"meta":{"rc":"ok"},"data":[…]}`. `rc:"error"` with `api.err.LoginRequired` is an expired
 * session (BOXAUDIT_AUTH_FAILED, `details.loginRequired`); any other `rc:"error"` is a protocol error
 * naming `call` and the controller's `msg`.
 */
export function unwrapUnifi(body: unknown, call: string): unknown[] {
  const meta = asRecord(asRecord(body)?.meta);
  const rc = looseString(meta?.rc);
  if (rc === 'error') {
    const msg = looseString(meta?.msg) ?? '(no msg)';
    if (msg === 'api.err.LoginRequired') {
      throw new BoxauditError('BOXAUDIT_AUTH_FAILED', `[${ID}] ${call}: ${msg} (session expired)`, {
        details: { call, msg, loginRequired: true },
      });
    }
    // The account's rights refused this listing: the box's refusal, a partial result.
    throw new BoxauditError(
      msg === 'api.err.NoPermission' ? 'BOXAUDIT_BOX_REFUSED' : 'BOXAUDIT_PROTOCOL_ERROR',
      `[${ID}] ${call}: the controller answered an error (${msg})`,
      {
        details: { call, msg },
      },
    );
  }
  const data = asRecord(body)?.data;
  if (rc !== 'ok' || !Array.isArray(data)) {
    throw new BoxauditError(
      'BOXAUDIT_PROTOCOL_ERROR',
      `[${ID}] ${call}: unexpected reply (expected {"meta":{"rc":"ok"},"data":[…]})`,
      { details: { call } },
    );
  }
  return data;
}

/** `api/self/sites` data → sites; names unfit for a URL path are skipped with a warning. */
export function parseUnifiSites(data: unknown[]): { sites: UnifiSite[]; warnings: Warning[] } {
  const sites: UnifiSite[] = [];
  const warnings: Warning[] = [];
  for (const entry of data) {
    const r = asRecord(entry);
    const name = looseString(r?.name);
    if (!name || !SITE_NAME.test(name)) {
      warnings.push({
        code: 'UNIFI_SITE_NAME_SKIPPED',
        message: `a site with an unexpected name${name ? ` "${name.slice(0, 80)}"` : ''} was not read: its port forwards are not audited`,
        where: 'api/self/sites',
      });
      continue;
    }
    sites.push({ name, desc: looseString(r?.desc) });
  }
  return { sites, warnings };
}

/** One piece of a comma list: a port or `a-b` range; null when not a port. */
function portList(text: string | null): Array<PortRange | null> | null {
  if (text === null) return null;
  const pieces = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return pieces.length ? pieces.map((p) => parsePortRange(p)) : null;
}

/** A single internal port for an external range means "shifted by the same offset". */
function spreadInternal(internal: PortRange | null, external: PortRange | null): PortRange | null {
  if (internal && external && internal.start === internal.end && external.end > external.start) {
    const end = internal.start + (external.end - external.start);
    return end <= 65535 ? { start: internal.start, end } : internal;
  }
  return internal;
}

/**
 * External (`dst_port`) / internal (`fwd_port`) pairs. Both may be comma lists; lists of the same
 * length pair up by position, a single `fwd_port` applies to each, no `fwd_port` means "same port".
 */
function portPairs(
  dst: string | null,
  fwd: string | null,
): Array<{ external: PortRange | null; internal: PortRange | null }> {
  const exts = portList(dst) ?? [null];
  const ints = portList(fwd);
  return exts.map((external, i) => {
    const internal =
      ints === null
        ? external
        : ints.length === exts.length
          ? (ints[i] ?? null)
          : ints.length === 1
            ? ints[0]!
            : null;
    return { external, internal: spreadInternal(internal, external) };
  });
}

/**
 * Who may use a forward, as the model's `remoteHost` (null = anyone).
 * - `src_limiting_enabled: false` → anyone (whatever `src` still holds; UNCONFIRMED that it is ignored,
 *   so the open reading is kept).
 * - a source firewall group → restricted to that group, written `firewall-group:<id>` (its members
 *   are not read).
 * - `src` `any`/empty → anyone; `!x` means "any source except x", which is no restriction at all.
 * - otherwise `src` (IP, CIDR or `a-b` range) as written.
 */
export function unifiRemoteHost(r: Record<string, unknown>): string | null {
  const limiting = looseBool(r.src_limiting_enabled);
  if (limiting === false) return null;
  const group = looseString(r.src_firewall_group_id);
  const type = looseString(r.src_limiting_type);
  if (group && (limiting === true || type === 'firewall_group')) {
    return `firewall-group:${group}`;
  }
  const src = looseString(r.src);
  if (src === null || src.toLowerCase() === 'any' || src.startsWith('!')) return null;
  return src;
}

/** The vendor fields kept in provenance (port-forward records hold no secrets; the list is explicit anyway). */
const RAW_FIELDS = [
  '_id',
  'name',
  'enabled',
  'pfwd_interface',
  'src',
  'src_limiting_enabled',
  'src_limiting_type',
  'src_firewall_group_id',
  'dst_port',
  'fwd',
  'fwd_port',
  'proto',
  'log',
  'destination_ip',
  'destination_ips',
] as const;

/** `rest/portforward` data → forwards (one per protocol and per comma-list entry). */
export function parseUnifiPortForwards(
  data: unknown[],
  site: UnifiSite,
): { forwards: ForwardInput[]; warnings: Warning[] } {
  const forwards: ForwardInput[] = [];
  const warnings: Warning[] = [];
  const where = `site ${site.name} rest/portforward`;
  const records = data.map((d) => asRecord(d)).filter((r): r is Record<string, unknown> => r !== null);
  if (records.length > UNIFI_MAX_FORWARDS_PER_SITE) {
    warnings.push({
      code: 'UNIFI_FORWARDS_TRUNCATED',
      message: `site "${site.name}" lists ${records.length} port forwards; only the first ${UNIFI_MAX_FORWARDS_PER_SITE} were read`,
      where,
    });
  }
  for (const r of records.slice(0, UNIFI_MAX_FORWARDS_PER_SITE)) {
    const label = looseString(r.name) ?? looseString(r._id) ?? '?';
    const raw: Record<string, unknown> = { site: site.name, siteDesc: site.desc };
    for (const f of RAW_FIELDS) if (r[f] !== undefined) raw[f] = r[f];
    // Absent `enabled` on very old controllers means enabled (UNCONFIRMED): kept as enabled, and said so.
    const enabled = r.enabled === undefined ? true : looseBool(r.enabled);
    if (r.enabled === undefined) raw.enabledAssumed = 'enabled field absent: read as enabled (UNCONFIRMED)';
    // `tcp_udp` (real) and `tcp`/`udp` are known; anything else is kept as tcp and udp, with a warning.
    const ruleWhere = `${where} "${label.slice(0, 80)}"`;
    const protocols = protocolsOrBoth(looseString(r.proto), ruleWhere, warnings);
    const internalHost = addressOf(r.fwd, 'fwd', ruleWhere, warnings, 'UNIFI_ADDRESS_INVALID');
    const dst = looseString(r.dst_port);
    const pairs = portPairs(dst, looseString(r.fwd_port));
    if (pairs.some((p) => p.external === null)) {
      warnings.push({
        code: 'UNIFI_FORWARD_PORT',
        message: `forward "${label}" has dst_port "${dst ?? ''}", not a port, range or comma list; kept with an unknown external port`,
        where,
      });
    }
    const remoteHost = unifiRemoteHost(r);
    for (const { external, internal } of pairs) {
      for (const protocol of protocols) {
        forwards.push({
          source: 'static',
          protocol,
          externalPort: external,
          internalHost,
          internalPort: internal,
          remoteHost,
          enabled,
          description: looseString(r.name),
          leaseSeconds: 0,
          provenance: { adapter: ID, transport: 'http', raw },
        });
      }
    }
  }
  return { forwards, warnings };
}

/** `rest/setting` data → the `usg` entry's UPnP switches, or null when the site has no `usg` entry. */
export function parseUnifiUpnp(data: unknown[]): UnifiUpnp | null {
  const usg = data.map((d) => asRecord(d)).find((r) => r?.key === 'usg');
  if (!usg) return null;
  return {
    enabled: looseBool(usg.upnp_enabled),
    natPmp: looseBool(usg.upnp_nat_pmp_enabled),
    secureMode: looseBool(usg.upnp_secure_mode),
    wanInterface: looseString(usg.upnp_wan_interface),
  };
}

// ---------------------------------------------------------------------------------------------
// Session.
// ---------------------------------------------------------------------------------------------

/** A short reason code from a refused login (`api.err.Invalid`, `AUTHENTICATION_FAILED_…`), never free text. */
function loginReason(res: RestResponse): string | null {
  try {
    const body = asRecord(JSON.parse(res.body));
    const code = looseString(asRecord(body?.meta)?.msg) ?? looseString(body?.code);
    return code && /^[\w.]{1,80}$/.test(code) ? code : null;
  } catch {
    return null;
  }
}

/**
 * A read's reply → its data, or null for an expired session (`api.err.LoginRequired`). Messages
 * name the concrete path (with the site), not the allowlist form.
 */
function unwrapReply(res: RestResponse, name: string): unknown[] | null {
  let body: unknown;
  try {
    body = parseJsonBody(res, ID);
  } catch (error) {
    const e = error as BoxauditError;
    throw new BoxauditError(e.code, e.message.replace(res.call, name), { cause: e, details: e.details });
  }
  const rcError = looseString(asRecord(asRecord(body)?.meta)?.rc) === 'error';
  if (!rcError && (res.status < 200 || res.status > 299)) {
    const code = res.status === 403 ? 'BOXAUDIT_BOX_REFUSED' : 'BOXAUDIT_HTTP_STATUS';
    throw new BoxauditError(code, `[${ID}] ${name} answered HTTP ${res.status}`, {
      details: { call: res.call, status: res.status },
    });
  }
  try {
    return unwrapUnifi(body, name);
  } catch (error) {
    if (error instanceof BoxauditError && error.details.loginRequired === true) return null;
    throw error;
  }
}

interface UnifiCredentials {
  username: string;
  password: string;
  forcedMode: UnifiMode | null;
}

/** The session is the cookie (kept by the REST client), the flavour found, and the CSRF token for the logout. */
interface UnifiSession {
  mode: UnifiMode;
  csrf: string | null;
}

/** Network-application paths: `/proxy/network` on UniFi OS, none on the legacy controller. */
const prefixOf = (mode: UnifiMode): string => (mode === 'legacy' ? '' : OS_PREFIX);

function postLogin(rest: RestClient, { username, password }: UnifiCredentials, mode: UnifiMode) {
  // The documented UniFi OS body carries `rememberMe` and an empty MFA `token`; rememberMe is off
  // for a one-shot audit session.
  const body =
    mode === 'unifi-os' ? { username, password, rememberMe: false, token: '' } : { username, password };
  return rest.request({
    method: 'POST',
    path: mode === 'unifi-os' ? '/api/auth/login' : '/api/login',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Calls are the concrete GET paths, prefix included (`/proxy/network/api/s/default/rest/setting`). */
export const UNIFI_BOX: HttpBox<UnifiCredentials, UnifiSession, unknown[]> = {
  id: ID,
  allowlist: UNIFI_ALLOWLIST,
  url: { scheme: 'https' },
  client: (target) => ({ canonicalPath: unifiCanonicalPath, tls: restTlsFrom(target) }),
  codes: { failed: 'UNIFI_CALL_FAILED' },
  describe: (path) => ({ where: `GET ${path}`, details: { path } }),

  credentials(target, baseUrl) {
    const { username, password, token } = target.credentials ?? {};
    if (!password || !username) {
      throw new BoxauditError(
        'BOXAUDIT_CONFIG_INVALID',
        token && !password
          ? `[${ID}] ${baseUrl}: API keys (UniFi Integration API) are not supported — its port-forward coverage is UNCONFIRMED; give a local admin account with BOXAUDIT_USER / BOXAUDIT_PASSWORD`
          : `[${ID}] ${baseUrl}: a local admin account is needed (BOXAUDIT_USER and BOXAUDIT_PASSWORD)`,
      );
    }
    const mode = target.options?.mode;
    return { username, password, forcedMode: mode === 'legacy' || mode === 'unifi-os' ? mode : null };
  },

  /** UniFi OS first; its 404 (unless the mode is given) means the legacy controller. A re-login keeps the mode. */
  async login(rest, credentials, expired) {
    // The password as it appears inside the JSON body (quotes and backslashes escaped).
    rest.addSecret(JSON.stringify(credentials.password).slice(1, -1));
    rest.clearCookies();
    const known = expired?.mode ?? credentials.forcedMode;
    let mode: UnifiMode = known ?? 'unifi-os';
    let res = await postLogin(rest, credentials, mode);
    if (res.status === 404 && known === null) {
      mode = 'legacy';
      res = await postLogin(rest, credentials, mode);
    }
    const who = `${rest.baseUrl}: login as "${credentials.username}"`;
    const reason = loginReason(res);
    // The reason comes from the box: redacted like any message, in case it echoes a secret.
    const because = rest.redact(`HTTP ${res.status}${reason ? `, ${reason}` : ''}`);
    if (res.status === 429) {
      throw new BoxauditError(
        'BOXAUDIT_RATE_LIMITED',
        `[${ID}] ${who} refused for now (${because}) after failed attempts; wait a few minutes, check the credentials, and try again`,
      );
    }
    if (res.status === 404) {
      throw new BoxauditError(
        'BOXAUDIT_NOT_FOUND',
        `[${ID}] ${who}: ${res.call} is 404 — not a UniFi OS console nor a UniFi Network controller at this address (a self-hosted controller usually listens on port 8443)`,
      );
    }
    if (res.status >= 500) {
      throw new BoxauditError('BOXAUDIT_HTTP_STATUS', `[${ID}] ${who}: ${res.call} answered ${because}`, {
        details: { call: res.call, status: res.status },
      });
    }
    const cookie = mode === 'unifi-os' ? 'TOKEN' : 'unifises';
    const ok = res.status >= 200 && res.status < 300 && rest.cookieNames().includes(cookie);
    if (!ok) {
      const mfa = /2fa|mfa/i.test(reason ?? '') || res.status === 499;
      throw new BoxauditError(
        'BOXAUDIT_AUTH_FAILED',
        `[${ID}] ${who} refused (${because}${res.status < 300 ? `, no ${cookie} cookie` : ''}): check BOXAUDIT_USER / BOXAUDIT_PASSWORD; use a local admin account of the console${mfa ? ' — this account asks for a second factor (cloud account with MFA), which boxaudit cannot answer' : ' (UniFi cloud accounts with MFA cannot log in here)'}. boxaudit does not retry.`,
        { details: { status: res.status, reason } },
      );
    }
    const header = res.headers['x-csrf-token'];
    const csrf = typeof header === 'string' && header ? header : null;
    rest.addSecret(csrf);
    return { mode, csrf };
  },

  /**
   * GET one Network path and unwrap its envelope; a 401 / `api.err.LoginRequired` is an expired
   * session. A failure on a site's path names the site first.
   */
  async send(rest, _session, path) {
    const name = `GET ${path}`;
    try {
      const res = await rest.request({ method: 'GET', path, name });
      const data = res.status === 401 ? null : unwrapReply(res, name);
      if (!data) throw sessionExpired('api.err.LoginRequired — the session expired');
      return data;
    } catch (error) {
      const site = /\/api\/s\/([^/]+)\//.exec(path)?.[1];
      if (!site || !isBoxauditError(error) || error.details.sessionExpired === true) throw error;
      throw new BoxauditError(error.code, `site "${site}": ${error.message}`, {
        cause: error,
        details: error.details,
      });
    }
  },

  async logout(rest, { mode, csrf }) {
    await rest.request({
      method: 'POST',
      path: mode === 'legacy' ? '/api/logout' : '/api/auth/logout',
      headers: csrf ? { 'x-csrf-token': csrf } : {},
    });
  },
};

// ---------------------------------------------------------------------------------------------
// Collection.
// ---------------------------------------------------------------------------------------------

/** Per-area status over the sites: all read → complete, some → partial, none → error. */
function statusOver(read: number, total: number, truncated: boolean): CoverageStatus {
  if (total === 0 || read === 0) return 'error';
  return read === total && !truncated ? 'complete' : 'partial';
}

const list = (names: string[]): string => names.map((n) => `"${n}"`).join(', ');

/**
 * Read a UniFi console or controller. Read-only: only {@link UNIFI_ALLOWLIST} is sent (GETs, plus
 * login and logout). Target: `url` or `host` (+ `port`; https by default); credentials `username`
 * + `password` (a local admin account); options `mode` (`unifi-os` | `legacy`, skips the probe
 * login), `scheme` (`http`), `tlsFingerprint`, `tlsCa` (PEM), `tlsServername`.
 * @throws BoxauditError BOXAUDIT_CONFIG_INVALID (no user/password, or only an API key),
 *   BOXAUDIT_AUTH_FAILED, BOXAUDIT_RATE_LIMITED, BOXAUDIT_NOT_FOUND (no UniFi login here), and the
 *   skeleton's fatal errors. A site or endpoint that fails becomes a warning and a partial/error
 *   coverage item.
 */
export function collectUnifi(target: CollectTarget, ctx: CollectContext = {}): Promise<Snapshot> {
  return collectOverHttp(UNIFI_BOX, target, ctx, async (run) => {
    const { parts, read } = run;
    const { warnings, coverage } = parts;
    const mode = run.session.mode;
    const prefix = prefixOf(mode);
    ctx.log?.(
      `[${ID}] ${run.baseUrl}: ${mode === 'legacy' ? 'self-hosted UniFi Network controller' : 'UniFi OS console'}`,
    );
    parts.gateway = { manufacturer: 'Ubiquiti' };
    // Site failures are counted per area below (partial over the sites), so `read` adds warnings only.
    const siteList = await read(null, `${prefix}/api/self/sites`, parseUnifiSites);
    const allSites = siteList?.sites ?? [];
    if (siteList) warnings.push(...siteList.warnings);
    const truncated = allSites.length > UNIFI_MAX_SITES;
    const sites = allSites.slice(0, UNIFI_MAX_SITES);
    if (truncated) {
      warnings.push({
        code: 'UNIFI_SITES_TRUNCATED',
        message: `the account sees ${allSites.length} sites; only the first ${UNIFI_MAX_SITES} were audited`,
        where: 'api/self/sites',
      });
    }
    if (siteList && sites.length === 0) {
      warnings.push({
        code: 'UNIFI_NO_SITES',
        message: `the account "${target.credentials?.username}" sees no site: nothing could be audited (give it access to the sites)`,
        where: 'api/self/sites',
      });
    }

    const forwards: ForwardInput[] = [];
    const fwdRead: string[] = [];
    const fwdFailed: string[] = [];
    const upnpBySite: Record<string, UnifiUpnp | null> = {};
    const settingsFailed: string[] = [];
    for (const site of sites) {
      const pf = await read(null, `${prefix}/api/s/${site.name}/rest/portforward`, (d) =>
        parseUnifiPortForwards(d, site),
      );
      if (pf) {
        forwards.push(...pf.forwards);
        warnings.push(...pf.warnings);
        fwdRead.push(site.name);
      } else fwdFailed.push(site.name);
      // `parseUnifiUpnp` answers null for a site without a "usg" entry: wrapped to tell it from a failure.
      const upnp = await read(null, `${prefix}/api/s/${site.name}/rest/setting`, (d) => ({
        value: parseUnifiUpnp(d),
      }));
      if (upnp) upnpBySite[site.name] = upnp.value;
      else settingsFailed.push(site.name);
    }
    const names = sites.map((s) => s.name);
    const sitesError = siteList === null;

    // Static forwards.
    const fwdStatus = sitesError ? 'error' : statusOver(fwdRead.length, sites.length, truncated);
    coverage.push({
      area: 'static-forwards',
      status: fwdStatus,
      code: sitesError
        ? 'UNIFI_SITES_UNREAD'
        : fwdFailed.length
          ? 'UNIFI_SITE_READ_FAILED'
          : truncated
            ? 'UNIFI_SITES_TRUNCATED'
            : sites.length
              ? 'UNIFI_PORTFORWARD'
              : 'UNIFI_NO_SITES',
      reason: sitesError
        ? 'the list of sites could not be read (see warnings): no port forward is known'
        : sites.length === 0
          ? 'the account sees no site: no port forward is known'
          : `rest/portforward read for site(s) ${list(fwdRead)}${fwdFailed.length ? `; site(s) ${list(fwdFailed)} could not be read (see warnings), their forwards are unknown` : ''}${truncated ? `; ${allSites.length - UNIFI_MAX_SITES} more site(s) not audited` : ''}`,
      details: {
        sites: names,
        read: fwdRead,
        failed: fwdFailed,
        ...(truncated ? { sitesSeen: allSites.length } : {}),
      },
    });

    // UPnP / NAT-PMP state: "on" if any site has it on; "off" only when every site says off.
    const upnpKnown = Object.entries(upnpBySite).filter((e): e is [string, UnifiUpnp] => e[1] !== null);
    const combine = (pick: (u: UnifiUpnp) => boolean | null): boolean | null => {
      const values = upnpKnown.map(([, u]) => pick(u));
      if (values.includes(true)) return true;
      const all = values.length > 0 && values.length === sites.length && !truncated;
      return all && values.every((v) => v === false) ? false : null;
    };
    const upnpEnabled = combine((u) => u.enabled);
    const natPmp = combine((u) => u.natPmp);
    const noUsg = Object.entries(upnpBySite)
      .filter(([, u]) => u === null)
      .map(([n]) => n);
    const upnpStatus: CoverageStatus =
      sitesError || upnpKnown.length === 0
        ? 'error'
        : upnpKnown.length === sites.length && !truncated
          ? 'complete'
          : 'partial';
    const perSite = Object.fromEntries(upnpKnown.map(([n, u]) => [n, u]));
    const upnpReason = [
      upnpKnown.length
        ? `rest/setting "usg" entry read for site(s) ${list(upnpKnown.map(([n]) => n))}`
        : 'no UPnP setting could be read',
      settingsFailed.length ? `site(s) ${list(settingsFailed)} could not be read (see warnings)` : '',
      noUsg.length ? `site(s) ${list(noUsg)} have no "usg" settings entry (no UniFi gateway there?)` : '',
    ]
      .filter(Boolean)
      .join('; ');
    coverage.push(
      {
        area: 'upnp-state',
        status: upnpStatus,
        code: upnpStatus === 'complete' ? 'UNIFI_SETTING_USG' : 'UNIFI_SETTING_USG_PARTIAL',
        reason: `${upnpReason} (upnp_enabled)`,
        details: { perSite, failed: settingsFailed, noUsg },
      },
      {
        area: 'nat-pmp',
        status: upnpStatus,
        code: upnpStatus === 'complete' ? 'UNIFI_SETTING_USG' : 'UNIFI_SETTING_USG_PARTIAL',
        reason: `${upnpReason} (upnp_nat_pmp_enabled)`,
        details: { enabled: natPmp },
      },
    );
    // NAT-PMP is a sub-option of UPnP in UniFi: with UPnP off, no program can open a port.
    const upnpOffEverywhere = upnpStatus === 'complete' && upnpEnabled === false;
    coverage.push(
      upnpOffEverywhere
        ? {
            area: 'upnp-mappings',
            status: 'complete',
            code: 'UNIFI_UPNP_OFF',
            reason: 'UPnP is off in every site: no mappings',
          }
        : {
            area: 'upnp-mappings',
            status: 'not-visible',
            code: 'UNIFI_UPNP_MAPPINGS_NOT_EXPOSED',
            reason:
              'UniFi Network has no known endpoint listing UPnP / NAT-PMP mappings (UNCONFIRMED): read them from the LAN over UPnP IGD with --upnp URL (the console’s description URL) or through discovery',
          },
      {
        area: 'dmz',
        status: 'complete',
        code: 'UNIFI_NO_DMZ',
        reason:
          'UniFi Network has no DMZ setting; a forward of every port would be listed among the port forwards',
      },
      {
        area: 'remote-admin',
        status: 'not-visible',
        code: 'UNIFI_REMOTE_ACCESS_NOT_READ',
        reason:
          'UniFi remote access (UniFi cloud / Remote Management, a console setting rather than a WAN port) has no confirmed local endpoint (UNCONFIRMED): check the console’s remote-access setting in the UniFi interface, and that no port forward points at the console itself',
      },
      {
        area: 'ipv6-pinholes',
        status: 'not-visible',
        code: 'UNIFI_FIREWALL_NOT_READ',
        reason:
          'firewall rules are not read (rest/firewallrule on older versions; the 9.x zone-based firewall path is UNCONFIRMED): IPv6 allow rules from the Internet are unknown — check them in the UniFi interface',
      },
      {
        area: 'gateway-info',
        status: 'partial',
        code: 'UNIFI_NO_DEVICE_INFO',
        reason: `the gateway model and WAN address are not read; only the sites, port forwards and settings of the ${mode === 'legacy' ? 'self-hosted controller' : 'UniFi OS console'}`,
        details: { mode },
      },
    );

    parts.forwards = forwards;
    parts.dmz = { enabled: false, host: null };
    parts.upnp = { enabled: upnpEnabled, mappingCount: upnpOffEverywhere ? 0 : null, igdVersion: null };
  });
}

export const unifi: Adapter = {
  meta: { ...unifiMeta, allowlist: UNIFI_ALLOWLIST },
  collect: collectUnifi,
};
