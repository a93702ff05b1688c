/**
 * Free's Freebox OS API (Revolution, Mini 4K, Delta, Pop, Ultra). Reference: shared/vendor-apis.md §1,
 * from Free's own SDK documentation (dev.freebox.fr/sdk/os/, and the copy each box serves at
 * http://mafreebox.freebox.fr/doc/). Nothing here was tried on a real box: points marked UNCONFIRMED
 * come from the reference notes and need a real device to settle.
 *
 * Flow: `GET /api_version` (no auth) → API prefix `/api/vN/`; challenge (`GET login/`) →
 * password = hex HMAC-SHA1(app_token, challenge) → `POST login/session/` → session token sent as
 * `X-Fbx-App-Auth`; then only GETs; `POST login/logout/` at the end. The app token comes from a
 * one-time registration confirmed on the box's screen ({@link requestFreeboxAppToken}).
 *
 * TLS: https with Free's two root CAs only ({@link FREEBOX_ROOT_CAS}), the certificate checked
 * against `mafreebox.freebox.fr` even when the box is reached by IP. Certificate checks are never
 * turned off. Plain http on the LAN is possible with `options.scheme: 'http'` (Free documents it as
 * working but deprecated); the loopback simulator uses plain http.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BoxauditError } from '../errors.js';
import { cover, markForwardsToRouter, protocolsOrBoth } from '../formats/config-parts.js';
import { isPrivateOrCgnat } from '../model/addresses.js';
import type { ForwardInput } from '../model/forward.js';
import type {
  DmzState,
  GatewayInfo,
  PortRange,
  RemoteAdminService,
  Snapshot,
  Warning,
} from '../model/types.js';
import type { Lookup } from '../transport/pin.js';
import {
  asRecord,
  createRestClient,
  looseBool,
  looseInt,
  looseString,
  parseJsonBody,
  type RestClient,
  type RestResponse,
  type RestTls,
  restTlsFrom,
  sleep,
} from '../transport/rest.js';
import type { AuditBudget } from '../util/budget.js';
import { addressOf, ipOrNull } from './_vendor-values.js';
import { freeboxMeta } from './freebox.meta.js';
import { collectOverHttp, type HttpBox, sessionExpired } from './http-skeleton.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';

const ID = 'freebox';

/** The name the box's certificate is issued for, reachable from the LAN. */
export const FREEBOX_HOSTNAME = 'mafreebox.freebox.fr';

/** App id used at registration and at every login (they must match). */
export const FREEBOX_APP_ID = 'fr.boxaudit.audit';

/**
 * Free's root CAs, from the "HTTPS Access" section of the Freebox OS SDK documentation.
 * SHA-256 of the DER: Freebox ECC Root CA `23cfb72636be…812c2444` (valid to 2035-08-27),
 * Freebox Root CA (RSA) `2bd8b5be1a99…10e9c3e7` (valid to 2035-07-25). The Iliadbox (Italy) roots
 * are not included: pass them with `options.tlsCa` for an Iliadbox.
 */
export const FREEBOX_ROOT_CAS: readonly string[] = [
  `-----BEGIN CERTIFICATE-----
MIICWTCCAd+gAwIBAgIJAMaRcLnIgyukMAoGCCqGSM49BAMCMGExCzAJBgNVBAYT
AkZSMQ8wDQYDVQQIDAZGcmFuY2UxDjAMBgNVBAcMBVBhcmlzMRMwEQYDVQQKDApG
cmVlYm94IFNBMRwwGgYDVQQDDBNGcmVlYm94IEVDQyBSb290IENBMB4XDTE1MDkw
MTE4MDIwN1oXDTM1MDgyNzE4MDIwN1owYTELMAkGA1UEBhMCRlIxDzANBgNVBAgM
BkZyYW5jZTEOMAwGA1UEBwwFUGFyaXMxEzARBgNVBAoMCkZyZWVib3ggU0ExHDAa
BgNVBAMME0ZyZWVib3ggRUNDIFJvb3QgQ0EwdjAQBgcqhkjOPQIBBgUrgQQAIgNi
AASCjD6ZKn5ko6cU5Vxh8GA1KqRi6p2GQzndxHtuUmwY8RvBbhZ0GIL7bQ4f08ae
JOv0ycWjEW0fyOnAw6AYdsN6y1eNvH2DVfoXQyGoCSvXQNAUxla+sJuLGICRYiZz
mnijYzBhMB0GA1UdDgQWBBTIB3c2GlbV6EIh2ErEMJvFxMz/QTAfBgNVHSMEGDAW
gBTIB3c2GlbV6EIh2ErEMJvFxMz/QTAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB
/wQEAwIBhjAKBggqhkjOPQQDAgNoADBlAjA8tzEMRVX8vrFuOGDhvZr7OSJjbBr8
gl2I70LeVNGEXZsAThUkqj5Rg9bV8xw3aSMCMQCDjB5CgsLH8EdZmiksdBRRKM2r
vxo6c0dSSNrr7dDN+m2/dRvgoIpGL2GauOGqDFY=
-----END CERTIFICATE-----
`,
  `-----BEGIN CERTIFICATE-----
MIIFmjCCA4KgAwIBAgIJAKLyz15lYOrYMA0GCSqGSIb3DQEBCwUAMFoxCzAJBgNV
BAYTAkZSMQ8wDQYDVQQIDAZGcmFuY2UxDjAMBgNVBAcMBVBhcmlzMRAwDgYDVQQK
DAdGcmVlYm94MRgwFgYDVQQDDA9GcmVlYm94IFJvb3QgQ0EwHhcNMTUwNzMwMTUw
OTIwWhcNMzUwNzI1MTUwOTIwWjBaMQswCQYDVQQGEwJGUjEPMA0GA1UECAwGRnJh
bmNlMQ4wDAYDVQQHDAVQYXJpczEQMA4GA1UECgwHRnJlZWJveDEYMBYGA1UEAwwP
RnJlZWJveCBSb290IENBMIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEA
xqYIvq8538SH6BJ99jDlOPoyDBrlwKEp879oYplicTC2/p0X66R/ft0en1uSQadC
sL/JTyfgyJAgI1Dq2Y5EYVT/7G6GBtVH6Bxa713mM+I/v0JlTGFalgMqamMuIRDQ
tdyvqEIs8DcfGB/1l2A8UhKOFbHQsMcigxOe9ZodMhtVNn0mUyG+9Zgu1e/YMhsS
iG4Kqap6TGtk80yruS1mMWVSgLOq9F5BGD4rlNlWLo0C3R10mFCpqvsFU+g4kYoA
dTxaIpi1pgng3CGLE0FXgwstJz8RBaZObYEslEYKDzmer5zrU1pVHiwkjsgwbnuy
WtM1Xry3Jxc7N/i1rxFmN/4l/Tcb1F7x4yVZmrzbQVptKSmyTEvPvpzqzdxVWuYi
qIFSe/njl8dX9v5hjbMo4CeLuXIRE4nSq2A7GBm4j9Zb6/l2WIBpnCKtwUVlroKw
NBgB6zHg5WI9nWGuy3ozpP4zyxqXhaTgrQcDDIG/SQS1GOXKGdkCcSa+VkJ0jTf5
od7PxBn9/TuN0yYdgQK3YDjD9F9+CLp8QZK1bnPdVGywPfL1iztngF9J6JohTyL/
VMvpWfS/X6R4Y3p8/eSio4BNuPvm9r0xp6IMpW92V8SYL0N6TQQxzZYgkLV7TbQI
Hw6v64yMbbF0YS9VjS0sFpZcFERVQiodRu7nYNC1jy8CAwEAAaNjMGEwHQYDVR0O
BBYEFD2erMkECujilR0BuER09FdsYIebMB8GA1UdIwQYMBaAFD2erMkECujilR0B
uER09FdsYIebMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgGGMA0GCSqG
SIb3DQEBCwUAA4ICAQAZ2Nx8mWIWckNY8X2t/ymmCbcKxGw8Hn3BfTDcUWQ7GLRf
MGzTqxGSLBQ5tENaclbtTpNrqPv2k6LY0VjfrKoTSS8JfXkm6+FUtyXpsGK8MrLL
hZ/YdADTfbbWOjjD0VaPUoglvo2N4n7rOuRxVYIij11fL/wl3OUZ7GHLgL3qXSz0
+RGW+1oZo8HQ7pb6RwLfv42Gf+2gyNBckM7VVh9R19UkLCsHFqhFBbUmqwJgNA2/
3twgV6Y26qlyHXXODUfV3arLCwFoNB+IIrde1E/JoOry9oKvF8DZTo/Qm6o2KsdZ
dxs/YcIUsCvKX8WCKtH6la/kFCUcXIb8f1u+Y4pjj3PBmKI/1+Rs9GqB0kt1otyx
Q6bqxqBSgsrkuhCfRxwjbfBgmXjIZ/a4muY5uMI0gbl9zbMFEJHDojhH6TUB5qd0
JJlI61gldaT5Ci1aLbvVcJtdeGhElf7pOE9JrXINpP3NOJJaUSueAvxyj/WWoo0v
4KO7njox8F6jCHALNDLdTsX0FTGmUZ/s/QfJry3VNwyjCyWDy1ra4KWoqt6U7SzM
d5jENIZChM8TnDXJzqc+mu00cI3icn9bV9flYCXLTIsprB21wVSMh0XeBGylKxeB
S27oDfFq04XSox7JM9HdTt2hLK96x1T7FpFrBTnALzb7vHv9MhXqAT90fPR/8A==
-----END CERTIFICATE-----
`,
];

/**
 * Every call this adapter may make. `vN` stands for the box's API major version; `{id}` for a
 * registration track id. The POSTs are the login calls only (registration, session, logout).
 */
export const FREEBOX_ALLOWLIST = [
  'GET /api_version',
  'POST /api/vN/login/authorize/',
  'GET /api/vN/login/authorize/{id}',
  'GET /api/vN/login/',
  'POST /api/vN/login/session/',
  'POST /api/vN/login/logout/',
  'GET /api/vN/fw/redir/',
  'GET /api/vN/fw/dmz/',
  'GET /api/vN/fw/incoming/',
  'GET /api/vN/upnpigd/config/',
  'GET /api/vN/upnpigd/redir/',
  'GET /api/vN/connection/',
  'GET /api/vN/connection/config/',
  'GET /api/vN/connection/ipv6/config/',
  'GET /api/vN/lan/config/',
] as const;

/** `/api/v8/fw/redir/` → `/api/vN/fw/redir/`; `/api/v8/login/authorize/12` → `…/authorize/{id}`. */
export function freeboxCanonicalPath(path: string): string {
  return path.replace(/^\/api\/v\d+\//, '/api/vN/').replace(/^(\/api\/vN\/login\/authorize\/)\d+$/, '$1{id}');
}

// ---------------------------------------------------------------------------------------------
// Pure parsers: Freebox JSON `result` → model.
// ---------------------------------------------------------------------------------------------

const anySource = (ip: string | null): string | null =>
  ip === null || ip === '0.0.0.0' || ip === '::' || ip === '*' ? null : ip;

function range(start: number | null, end: number | null): PortRange | null {
  if (start === null || start < 0 || start > 65535) return null;
  const e = end === null ? start : end;
  return e >= start && e <= 65535 ? { start, end: e } : null;
}

/** Where a rule is, for warnings: the call and the rule's id. */
const ruleWhere = (call: string, r: Record<string, unknown>): string =>
  `GET /api/vN/${call} id ${String(looseString(r.id) ?? '?').slice(0, 64)}`;

function listOf(result: unknown, what: string): Record<string, unknown>[] {
  // An empty list comes back with `result` absent: `{"success": true}` (a real fw/redir reply, in
  // free-go's tests); never read as an error.
  if (result === undefined || result === null) return [];
  if (!Array.isArray(result)) {
    throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `[${ID}] ${what}: "result" is not a list`);
  }
  return result.map((r) => asRecord(r)).filter((r): r is Record<string, unknown> => r !== null);
}

/**
 * `GET /fw/redir/` result (PortForwardingConfig[]) → static forwards. The last LAN port is
 * `lan_port + (wan_port_end − wan_port_start)`; `src_ip` "0.0.0.0" means any source. Port fields are
 * read as numbers or digit strings (the doc's type varies across versions). Real entries also carry
 * `valid` and a whole `host` object (not read). An unknown `ip_proto` keeps the rule as tcp and udp
 * with a `PROTOCOL_UNKNOWN` warning; a `lan_ip` that is not an address is unknown, with a warning.
 */
export function parseFreeboxRedirs(result: unknown, warnings: Warning[] = []): ForwardInput[] {
  const out: ForwardInput[] = [];
  for (const r of listOf(result, 'fw/redir')) {
    const where = ruleWhere('fw/redir/', r);
    const wanStart = looseInt(r.wan_port_start);
    const wanEnd = looseInt(r.wan_port_end) ?? wanStart;
    const externalPort = range(wanStart, wanEnd);
    const lanStart = looseInt(r.lan_port);
    const internalPort =
      lanStart === null
        ? externalPort
        : range(lanStart, lanStart + (externalPort ? externalPort.end - externalPort.start : 0));
    const raw = {
      id: r.id,
      enabled: r.enabled,
      ip_proto: r.ip_proto,
      wan_port_start: r.wan_port_start,
      wan_port_end: r.wan_port_end,
      lan_ip: r.lan_ip,
      lan_port: r.lan_port,
      src_ip: r.src_ip,
      comment: r.comment,
      hostname: r.hostname,
    };
    const internalHost = addressOf(r.lan_ip, 'lan_ip', where, warnings, 'FREEBOX_ADDRESS_INVALID');
    for (const protocol of protocolsOrBoth(looseString(r.ip_proto), where, warnings)) {
      out.push({
        source: 'static',
        protocol,
        externalPort,
        internalHost,
        internalPort,
        remoteHost: anySource(looseString(r.src_ip)),
        enabled: looseBool(r.enabled),
        description: looseString(r.comment),
        leaseSeconds: 0,
        provenance: { adapter: ID, transport: 'http', raw },
      });
    }
  }
  return out;
}

/**
 * `GET /upnpigd/redir/` result (UPnPRedir[]) → UPnP forwards; `remaining` is the lease left. No real
 * capture exists (the shape is the SDK doc's). Unknown `proto`: tcp and udp, with a warning.
 */
export function parseFreeboxUpnpRedirs(result: unknown, warnings: Warning[] = []): ForwardInput[] {
  const out: ForwardInput[] = [];
  for (const r of listOf(result, 'upnpigd/redir')) {
    const where = ruleWhere('upnpigd/redir/', r);
    const ext = looseInt(r.ext_port);
    const int = looseInt(r.int_port);
    const raw = {
      id: r.id,
      enabled: r.enabled,
      ext_src_ip: r.ext_src_ip,
      ext_port: r.ext_port,
      int_ip: r.int_ip,
      int_port: r.int_port,
      proto: r.proto,
      desc: r.desc,
      remaining: r.remaining,
    };
    const internalHost = addressOf(r.int_ip, 'int_ip', where, warnings, 'FREEBOX_ADDRESS_INVALID');
    for (const protocol of protocolsOrBoth(looseString(r.proto), where, warnings)) {
      out.push({
        source: 'upnp',
        protocol,
        externalPort: range(ext, ext),
        internalHost,
        internalPort: range(int, int) ?? range(ext, ext),
        remoteHost: anySource(looseString(r.ext_src_ip)),
        enabled: looseBool(r.enabled),
        description: looseString(r.desc),
        leaseSeconds: looseInt(r.remaining),
        provenance: { adapter: ID, transport: 'http', raw },
      });
    }
  }
  return out;
}

/** `GET /fw/dmz/` result `{enabled, ip}` (no real capture) → DMZ state; an `ip` that is not an address is unknown. */
export function parseFreeboxDmz(result: unknown, warnings: Warning[] = []): DmzState {
  const r = asRecord(result);
  if (!r) throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `[${ID}] fw/dmz: "result" is not an object`);
  const enabled = looseBool(r.enabled);
  return { enabled, host: addressOf(r.ip, 'ip', 'GET /api/vN/fw/dmz/', warnings, 'FREEBOX_ADDRESS_INVALID') };
}

/** `GET /upnpigd/config/` result `{enabled, version}` → UPnP on/off and IGD version. */
export function parseFreeboxUpnpConfig(result: unknown): {
  enabled: boolean | null;
  igdVersion: number | null;
} {
  const r = asRecord(result);
  if (!r)
    throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `[${ID}] upnpigd/config: "result" is not an object`);
  const v = looseInt(r.version);
  return { enabled: looseBool(r.enabled), igdVersion: v === 1 || v === 2 ? v : null };
}

/**
 * `GET /connection/config/` → the web UI and the API reachable from the Internet.
 * `remote_access` = Freebox OS web UI on `remote_access_port`; `api_remote_access` = the API on the
 * box's random https port (that port is not in this object, so it stays null).
 */
export function parseFreeboxConnectionConfig(result: unknown): RemoteAdminService[] {
  const r = asRecord(result);
  if (!r)
    throw new BoxauditError(
      'BOXAUDIT_PROTOCOL_ERROR',
      `[${ID}] connection/config: "result" is not an object`,
    );
  const out: RemoteAdminService[] = [];
  const ui = looseBool(r.remote_access);
  if (ui !== null) {
    out.push({ service: 'https', port: looseInt(r.remote_access_port), wan: ui, restrictedTo: null });
  }
  const api = looseBool(r.api_remote_access);
  if (api !== null) out.push({ service: 'freebox-api', port: null, wan: api, restrictedTo: null });
  return out;
}

/**
 * `GET /fw/incoming/` (IncomingPortConfig[]) → the box's own ports open to the Internet (FTP, VPN
 * servers, BitTorrent, remote HTTP…). Each becomes a service named by its id; `wan` is `enabled`
 * (and `active` when given). A range (FTP passive) keeps its first port.
 */
export function parseFreeboxIncoming(result: unknown): RemoteAdminService[] {
  const out: RemoteAdminService[] = [];
  for (const r of listOf(result, 'fw/incoming')) {
    const id = looseString(r.id);
    if (!id) continue;
    const enabled = looseBool(r.enabled);
    const active = looseBool(r.active);
    out.push({
      service: id,
      port: looseInt(r.in_port) ?? looseInt(r.min_port),
      wan: enabled === null ? null : enabled && active !== false,
      restrictedTo: null,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Token file: the app token is a long-lived secret, kept by the CLI in the user's config dir.
// ---------------------------------------------------------------------------------------------

export interface FreeboxAppToken {
  appId: string;
  appToken: string;
}

/**
 * Write the app token to `path` with mode 0600 (parent directory created 0700). Written to a new
 * file (created 0600, never world-readable even for an instant) then renamed over the old one.
 * @throws BoxauditError BOXAUDIT_CONFIG_INVALID when the file cannot be written.
 */
export async function saveToken(
  path: string,
  token: FreeboxAppToken,
  _options: { signal?: AbortSignal } = {},
): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.boxaudit-token-${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(tmp, `${JSON.stringify({ app_id: token.appId, app_token: token.appToken })}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
    await chmod(tmp, 0o600);
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new BoxauditError(
      'BOXAUDIT_CONFIG_INVALID',
      `[${ID}] cannot write the app token file ${path} (${code})`,
    );
  }
}

/**
 * Read an app token written by {@link saveToken}. `looseMode` is true when group or others may
 * read the file (the CLI should warn and fix it).
 * @throws BoxauditError BOXAUDIT_NOT_FOUND (no file: register first), BOXAUDIT_CONFIG_INVALID (unreadable or malformed).
 */
export async function loadToken(
  path: string,
  _options: { signal?: AbortSignal } = {},
): Promise<FreeboxAppToken & { looseMode: boolean }> {
  let text: string;
  let mode: number;
  try {
    text = await readFile(path, 'utf8');
    mode = (await stat(path)).mode;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new BoxauditError(
        'BOXAUDIT_NOT_FOUND',
        `[${ID}] no app token at ${path}: register boxaudit on the Freebox first`,
      );
    }
    throw new BoxauditError(
      'BOXAUDIT_CONFIG_INVALID',
      `[${ID}] cannot read the app token file ${path} (${code ?? 'error'})`,
    );
  }
  let parsed: Record<string, unknown> | null = null;
  try {
    parsed = asRecord(JSON.parse(text));
  } catch {
    parsed = null;
  }
  const appId = looseString(parsed?.app_id);
  const appToken = looseString(parsed?.app_token);
  if (!appId || !appToken) {
    // Never echo the content: it is a secret.
    throw new BoxauditError(
      'BOXAUDIT_CONFIG_INVALID',
      `[${ID}] ${path} is not a boxaudit Freebox token file (app_id, app_token)`,
    );
  }
  return { appId, appToken, looseMode: (mode & 0o077) !== 0 };
}

// ---------------------------------------------------------------------------------------------
// Talking to the box.
// ---------------------------------------------------------------------------------------------

export interface FreeboxConnectOptions {
  /** `https://mafreebox.freebox.fr` (default), `http://192.168.1.254`, a loopback simulator URL… */
  baseUrl?: string;
  /** Trusted roots for https; default {@link FREEBOX_ROOT_CAS}. */
  tlsCa?: string | readonly string[];
  signal?: AbortSignal;
  timeoutMs?: number;
}

interface FreeboxEnvelope {
  success: boolean;
  result: unknown;
  errorCode: string | null;
  msg: string | null;
}

interface ApiInfo {
  prefix: string;
  major: number;
  raw: Record<string, unknown>;
}

/** Free's roots and name by default; `tlsCa` replaces the roots, `tlsFingerprint` pins the box's own certificate. */
function freeboxTls(baseUrl: string, pin: RestTls | undefined): RestTls | undefined {
  return baseUrl.startsWith('https:')
    ? { ca: FREEBOX_ROOT_CAS, servername: FREEBOX_HOSTNAME, ...pin }
    : undefined;
}

/** The REST client of the registration ({@link requestFreeboxAppToken}); `collectFreebox` gets its own from the skeleton. */
function openClient(
  baseUrl: string,
  pin: RestTls | undefined,
  o: { signal?: AbortSignal; timeoutMs?: number; budget?: AuditBudget; lookup?: Lookup },
): RestClient {
  return createRestClient({
    adapter: ID,
    baseUrl,
    allowlist: FREEBOX_ALLOWLIST,
    canonicalPath: freeboxCanonicalPath,
    signal: o.signal,
    timeoutMs: o.timeoutMs,
    tls: freeboxTls(baseUrl, pin),
    net: o,
  });
}

function envelope(res: RestResponse): FreeboxEnvelope {
  const body = asRecord(parseJsonBody(res, ID));
  if (!body || typeof body.success !== 'boolean') {
    throw new BoxauditError(
      'BOXAUDIT_PROTOCOL_ERROR',
      `[${ID}] ${res.call}: not a Freebox API reply (no "success" field)`,
      {
        details: { call: res.call, status: res.status },
      },
    );
  }
  return {
    success: body.success,
    result: body.result,
    errorCode: looseString(body.error_code),
    msg: looseString(body.msg),
  };
}

async function readApiVersion(rest: RestClient): Promise<ApiInfo> {
  const res = await rest.request({ method: 'GET', path: '/api_version' });
  if (res.status !== 200) {
    throw new BoxauditError(
      'BOXAUDIT_NOT_FOUND',
      `[${ID}] GET /api_version answered HTTP ${res.status} at ${rest.baseUrl}: not a Freebox, or its API is unreachable`,
      { details: { status: res.status } },
    );
  }
  const raw = asRecord(parseJsonBody(res, ID));
  const version = looseString(raw?.api_version);
  const major = version ? Number.parseInt(version, 10) : Number.NaN;
  const base = looseString(raw?.api_base_url) ?? '/api/';
  if (!raw || !Number.isInteger(major) || major < 1 || base !== '/api/') {
    throw new BoxauditError(
      'BOXAUDIT_PROTOCOL_ERROR',
      `[${ID}] GET /api_version: no usable api_version / api_base_url`,
    );
  }
  return { prefix: `/api/v${major}/`, major, raw };
}

function failure(call: string, env: FreeboxEnvelope, status: number, rest: RestClient): BoxauditError {
  const code = env.errorCode ?? `HTTP ${status}`;
  const msg = env.msg ? `: ${rest.redact(env.msg)}` : '';
  if (env.errorCode === 'ratelimited') {
    return new BoxauditError(
      'BOXAUDIT_RATE_LIMITED',
      `[${ID}] ${call}: the box rate-limits logins (ratelimited); wait a minute before retrying`,
    );
  }
  return new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `[${ID}] ${call} failed (${code})${msg}`, {
    details: { call, errorCode: env.errorCode, status },
  });
}

export interface RegisterFreeboxOptions extends FreeboxConnectOptions {
  appId?: string;
  appName?: string;
  appVersion?: string;
  deviceName?: string;
  /** Time between polls (default 1000 ms). */
  pollIntervalMs?: number;
  /** Give up after this long (default 120 000 ms); the loop is bounded by it. */
  maxWaitMs?: number;
  /** Called on each poll with the box's status (`pending`, `granted`…), for the CLI to show. */
  onStatus?: (status: string) => void;
}

/**
 * Register boxaudit on a Freebox and wait until the user confirms on the box's screen
 * (`POST login/authorize/`, then `GET login/authorize/{track_id}` every `pollIntervalMs` while
 * `pending`, at most `maxWaitMs`). LAN only: the box refuses registration from outside.
 * The returned token is a long-lived secret: store it with {@link saveToken}.
 * @throws BoxauditError BOXAUDIT_AUTH_FAILED (denied on the box, registration disabled, token
 *   unknown), BOXAUDIT_TIMEOUT (not confirmed in time), BOXAUDIT_PROTOCOL_ERROR, transport errors.
 */
export async function requestFreeboxAppToken(
  options: RegisterFreeboxOptions = {},
): Promise<FreeboxAppToken & { trackId: number }> {
  const baseUrl = options.baseUrl ?? `https://${FREEBOX_HOSTNAME}`;
  const rest = openClient(baseUrl, options.tlsCa ? { ca: options.tlsCa } : undefined, options);
  const api = await readApiVersion(rest);
  const appId = options.appId ?? FREEBOX_APP_ID;
  const res = await rest.request({
    method: 'POST',
    path: `${api.prefix}login/authorize/`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      app_id: appId,
      app_name: options.appName ?? 'boxaudit',
      app_version: options.appVersion ?? '1',
      device_name: options.deviceName ?? 'boxaudit',
    }),
  });
  const env = envelope(res);
  if (!env.success) {
    const denied: Record<string, string> = {
      new_apps_denied: 'the box refuses new applications (Paramètres de la Freebox → Gestion des accès)',
      apps_denied: 'the box refuses applications (Paramètres de la Freebox → Gestion des accès)',
      denied_from_external_ip: 'registration is only possible from the LAN',
    };
    const reason = env.errorCode ? denied[env.errorCode] : undefined;
    if (reason) throw new BoxauditError('BOXAUDIT_AUTH_FAILED', `[${ID}] registration refused: ${reason}`);
    throw failure(res.call, env, res.status, rest);
  }
  const result = asRecord(env.result);
  const appToken = looseString(result?.app_token);
  const trackId = looseInt(result?.track_id);
  if (!appToken || trackId === null) {
    throw new BoxauditError(
      'BOXAUDIT_PROTOCOL_ERROR',
      `[${ID}] ${res.call}: no app_token / track_id in the reply`,
    );
  }
  rest.addSecret(appToken);

  const interval = Math.max(100, options.pollIntervalMs ?? 1000);
  const maxPolls = Math.max(1, Math.ceil((options.maxWaitMs ?? 120_000) / interval));
  for (let poll = 0; poll < maxPolls; poll++) {
    const pr = await rest.request({ method: 'GET', path: `${api.prefix}login/authorize/${trackId}` });
    const penv = envelope(pr);
    if (!penv.success) throw failure(pr.call, penv, pr.status, rest);
    const status = looseString(asRecord(penv.result)?.status) ?? 'unknown';
    options.onStatus?.(status);
    if (status === 'granted') return { appId, appToken, trackId };
    if (status === 'denied')
      throw new BoxauditError('BOXAUDIT_AUTH_FAILED', `[${ID}] the request was refused on the box's screen`);
    if (status === 'timeout') {
      throw new BoxauditError(
        'BOXAUDIT_TIMEOUT',
        `[${ID}] nobody confirmed on the box's screen in time; run the registration again`,
      );
    }
    if (status !== 'pending') {
      throw new BoxauditError(
        'BOXAUDIT_AUTH_FAILED',
        `[${ID}] the box answered "${status}" for the registration; run it again`,
      );
    }
    await sleep(interval, options.signal, `[${ID}] waiting for confirmation on the box`);
  }
  throw new BoxauditError(
    'BOXAUDIT_TIMEOUT',
    `[${ID}] still not confirmed on the box's screen after ${options.maxWaitMs ?? 120_000} ms; run the registration again`,
  );
}

async function tokenOf(target: CollectTarget, signal?: AbortSignal): Promise<FreeboxAppToken> {
  const given = target.credentials?.token;
  const optAppId = typeof target.options?.appId === 'string' ? target.options.appId : undefined;
  if (given) return { appId: optAppId ?? FREEBOX_APP_ID, appToken: given };
  const path = target.options?.appTokenPath;
  if (typeof path === 'string' && path) {
    const t = await loadToken(path, { signal });
    return { appId: optAppId ?? t.appId, appToken: t.appToken };
  }
  throw new BoxauditError(
    'BOXAUDIT_CONFIG_INVALID',
    `[${ID}] an app token is needed: register boxaudit on the Freebox once (confirm on the box's screen), or set BOXAUDIT_TOKEN`,
  );
}

/** A logged-in session: the API version read first, and the session token. */
interface FreeboxSession {
  api: ApiInfo;
  token: string;
}

/** Calls are paths under the API prefix (`fw/redir/`), always GETs. */
export const FREEBOX_BOX: HttpBox<FreeboxAppToken, FreeboxSession, unknown> = {
  id: ID,
  allowlist: FREEBOX_ALLOWLIST,
  url: { scheme: 'https', host: FREEBOX_HOSTNAME },
  client: (target, baseUrl) => ({
    canonicalPath: freeboxCanonicalPath,
    tls: freeboxTls(baseUrl, restTlsFrom(target, FREEBOX_HOSTNAME)),
  }),
  codes: { failed: 'FREEBOX_CALL_FAILED' },
  describe: (path) => ({ where: `GET /api/vN/${path}`, details: { path } }),
  credentials: (target, _baseUrl, ctx) => tokenOf(target, ctx.signal),

  /** The API version (once), then challenge → HMAC-SHA1(app token) → session token. */
  async login(rest, { appId, appToken }, expired) {
    rest.addSecret(appToken);
    const api = expired?.api ?? (await readApiVersion(rest));
    const cr = await rest.request({ method: 'GET', path: `${api.prefix}login/` });
    const cenv = envelope(cr);
    const challenge = looseString(asRecord(cenv.result)?.challenge);
    if (!cenv.success) throw failure(cr.call, cenv, cr.status, rest);
    if (!challenge)
      throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `[${ID}] ${cr.call}: no challenge in the reply`);
    const password = createHmac('sha1', appToken).update(challenge).digest('hex');
    rest.addSecret(password);
    const sr = await rest.request({
      method: 'POST',
      path: `${api.prefix}login/session/`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: appId, password }),
    });
    const senv = envelope(sr);
    if (!senv.success) {
      const hints: Record<string, string> = {
        invalid_token: 'the app token is unknown or was revoked on the box: register boxaudit again',
        pending_token: 'the registration was never confirmed on the box’s screen: register again',
        insufficient_rights: 'the app lacks a right on the box',
        auth_required: 'the box refused the login',
      };
      if (senv.errorCode === 'ratelimited') throw failure(sr.call, senv, sr.status, rest);
      if (senv.errorCode && senv.errorCode in hints) {
        throw new BoxauditError(
          'BOXAUDIT_AUTH_FAILED',
          `[${ID}] login refused (${senv.errorCode}): ${hints[senv.errorCode]}`,
        );
      }
      if (sr.status === 403 || sr.status === 401) {
        throw new BoxauditError(
          'BOXAUDIT_AUTH_FAILED',
          `[${ID}] login refused (HTTP ${sr.status}): check the app token`,
        );
      }
      throw failure(sr.call, senv, sr.status, rest);
    }
    const token = looseString(asRecord(senv.result)?.session_token);
    if (!token)
      throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `[${ID}] ${sr.call}: no session_token in the reply`);
    rest.addSecret(token);
    return { api, token };
  },

  /** One GET; `auth_required` (or a bare 403) is an expired session (the challenge rotated). */
  async send(rest, { api, token }, path) {
    const res = await rest.request({
      method: 'GET',
      path: `${api.prefix}${path}`,
      headers: { 'x-fbx-app-auth': token },
    });
    const env = envelope(res);
    if (env.success) return env.result;
    if (env.errorCode === 'auth_required' || (res.status === 403 && env.errorCode === null)) {
      throw sessionExpired();
    }
    if (env.errorCode === 'insufficient_rights') {
      throw new BoxauditError(
        'BOXAUDIT_BOX_REFUSED',
        `[${ID}] ${res.call}: insufficient rights for boxaudit's app on the box`,
        { details: { call: res.call, errorCode: env.errorCode } },
      );
    }
    throw failure(res.call, env, res.status, rest);
  },

  async logout(rest, { api, token }) {
    await rest.request({
      method: 'POST',
      path: `${api.prefix}login/logout/`,
      headers: { 'x-fbx-app-auth': token },
    });
  },
};

/**
 * Read a Freebox. Read-only: only {@link FREEBOX_ALLOWLIST} is sent (GETs, plus the login calls).
 * Target: `url` or `host` (default `mafreebox.freebox.fr`, https with Free's roots; `options.scheme:
 * 'http'` for plain LAN http), `credentials.token` (app token) or `options.appTokenPath`
 * (a {@link saveToken} file), `options.appId`, `options.tlsCa`.
 * @throws BoxauditError BOXAUDIT_CONFIG_INVALID (no token), BOXAUDIT_NOT_FOUND (no Freebox API),
 *   BOXAUDIT_AUTH_FAILED, BOXAUDIT_RATE_LIMITED, and the skeleton's fatal errors. One failing read
 *   becomes a warning plus an `error` coverage item; the rest is kept.
 */
export function collectFreebox(target: CollectTarget, ctx: CollectContext = {}): Promise<Snapshot> {
  return collectOverHttp(FREEBOX_BOX, target, ctx, async ({ parts, read, gap, session }) => {
    const { warnings, coverage } = parts;
    const raw = session.api.raw;
    const gateway: Partial<GatewayInfo> = {
      manufacturer: 'Free',
      model: looseString(raw.box_model_name) ?? looseString(raw.device_name),
      modelNumber: looseString(raw.box_model),
      friendlyName: looseString(raw.device_name),
    };
    parts.gateway = gateway;

    const statics = await read('static-forwards', 'fw/redir/', (r) => parseFreeboxRedirs(r, warnings));
    if (statics) {
      coverage.push(
        cover(
          'static-forwards',
          'complete',
          'FREEBOX_FW_REDIR',
          'read from fw/redir (every manual port forward)',
        ),
      );
    }
    const upnpRedirs = await read('upnp-mappings', 'upnpigd/redir/', (r) =>
      parseFreeboxUpnpRedirs(r, warnings),
    );
    if (upnpRedirs)
      coverage.push(cover('upnp-mappings', 'complete', 'FREEBOX_UPNPIGD_REDIR', 'read from upnpigd/redir'));
    const upnpConfig = await read('upnp-state', 'upnpigd/config/', parseFreeboxUpnpConfig);
    if (upnpConfig)
      coverage.push(cover('upnp-state', 'complete', 'FREEBOX_UPNPIGD_CONFIG', 'read from upnpigd/config'));
    const dmz = await read('dmz', 'fw/dmz/', (r) => parseFreeboxDmz(r, warnings));
    if (dmz) coverage.push(cover('dmz', 'complete', 'FREEBOX_FW_DMZ', 'read from fw/dmz'));

    // Remote admin is two listings: one of them read is a partial view, none a gap.
    const admin = await read(null, 'connection/config/', parseFreeboxConnectionConfig);
    const incoming = await read(null, 'fw/incoming/', parseFreeboxIncoming);
    if (admin && incoming) {
      coverage.push(
        cover(
          'remote-admin',
          'complete',
          'FREEBOX_REMOTE_ACCESS',
          'remote web UI and API access read from connection/config; the box’s own open ports from fw/incoming',
        ),
      );
    } else if (admin || incoming) {
      const path = admin ? 'fw/incoming' : 'connection/config';
      coverage.push({
        area: 'remote-admin',
        status: 'partial',
        code: 'FREEBOX_REMOTE_PARTIAL',
        reason: `${path} could not be read (see warnings)`,
        details: { path },
      });
    } else gap('remote-admin', 'connection/config/');

    // Context: WAN address (double NAT), router vs bridge mode, IPv6 firewall switch.
    const conn = await read(null, 'connection/', asRecord);
    if (conn) {
      gateway.externalIp = ipOrNull(conn.ipv4);
      gateway.doubleNat = isPrivateOrCgnat(gateway.externalIp);
      gateway.connectionStatus = looseString(conn.state);
      gateway.connectionType = looseString(conn.type) ?? looseString(conn.media);
    }
    const lan = await read(null, 'lan/config/', asRecord);
    const mode = looseString(lan?.mode);
    gateway.natEnabled = mode === 'router' ? true : mode === 'bridge' ? false : null;
    if (mode === 'bridge') {
      warnings.push({
        code: 'FREEBOX_BRIDGE_MODE',
        message: 'the Freebox is in bridge mode: it does no NAT, so audit the router behind it',
        where: 'GET /api/vN/lan/config/',
      });
    }
    const v6 = await read('ipv6-pinholes', 'connection/ipv6/config/', asRecord);
    const v6Firewall = looseBool(v6?.ipv6_firewall);
    const v6Enabled = looseBool(v6?.ipv6_enabled);
    if (v6Enabled !== false && v6Firewall === false) {
      warnings.push({
        code: 'FREEBOX_IPV6_FIREWALL_OFF',
        message:
          'the Freebox IPv6 firewall is off: every LAN device with an IPv6 address can be reached from the Internet',
        where: 'GET /api/vN/connection/ipv6/config/',
      });
    }
    if (v6) {
      coverage.push({
        area: 'ipv6-pinholes',
        status: 'partial',
        code: 'FREEBOX_IPV6_FIREWALL_SWITCH',
        reason: `Freebox OS exposes only an IPv6 firewall on/off switch (now ${v6Firewall === null ? 'unknown' : v6Firewall ? 'on' : 'off'}), no per-host IPv6 rule list (UNCONFIRMED on recent firmware)`,
        details: { ipv6Enabled: v6Enabled, ipv6Firewall: v6Firewall },
      });
    }
    coverage.push({
      area: 'gateway-info',
      status: conn ? 'complete' : 'partial',
      code: 'FREEBOX_API_VERSION',
      reason: 'api_version and connection status',
    });

    parts.forwards = [...(statics ?? []), ...(upnpRedirs ?? [])];
    parts.dmz = dmz ?? { enabled: null, host: null };
    parts.upnp = {
      enabled: upnpConfig?.enabled ?? null,
      mappingCount: upnpRedirs ? upnpRedirs.length : null,
      igdVersion: upnpConfig?.igdVersion ?? null,
    };
    // "Remote admin" = the web UI or the API from the Internet; incoming ports are listed alongside.
    parts.remoteAdmin =
      admin || incoming
        ? {
            enabled: admin ? admin.some((s) => s.wan === true) : null,
            services: [...(admin ?? []), ...(incoming ?? [])],
          }
        : null;
    // A forward to the box's own LAN address (lan/config `ip`) or to loopback exposes the box itself.
    const lanIp = ipOrNull(lan?.ip);
    markForwardsToRouter(parts, lanIp ? [lanIp] : []);
  });
}

export const freebox: Adapter = {
  meta: { ...freeboxMeta, allowlist: FREEBOX_ALLOWLIST },
  collect: collectFreebox,
};
