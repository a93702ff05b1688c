/**
 * AVM FRITZ!Box over TR-064 (SOAP on :49000 http / :49443 https, HTTP Digest).
 * Reference: shared/vendor-apis.md §5; AVM "TR-064 First Steps" and the per-service SCPDs.
 *
 * What TR-064 shows: the port-mapping table of the active WAN connection service (UI port shares
 * and UPnP mappings in one table), UPnP on/off, remote HTTPS access, MyFRITZ!, FTP from the WAN.
 * What it does not: the exposed host (no known getter, UNCONFIRMED), IPv6 port shares/pinholes,
 * and — depending on FRITZ!OS — other hosts' port shares (scope UNCONFIRMED, §5.3).
 */
import { isIP } from 'node:net';
import { BoxauditError, isBoxauditError } from '../errors.js';
import { markForwardsToRouter, protocolsOrBoth } from '../formats/config-parts.js';
import { isPrivateOrCgnat } from '../model/addresses.js';
import { type ForwardInput, parsePortRange } from '../model/forward.js';
import { emptyGatewayInfo } from '../model/gateway.js';
import { remoteAdminOf } from '../model/remote-admin.js';
import type {
  CoverageItem,
  GatewayInfo,
  RemoteAdminService,
  ServiceInfo,
  Snapshot,
  Warning,
} from '../model/types.js';
import {
  createDigestClient,
  type DigestClient,
  parseDigestChallenge,
  type RawRequestOptions,
  type RawResponse,
  type TlsPin,
  tlsFrom,
} from '../transport/digest.js';
import { type PinnedTarget, pinFor } from '../transport/pin.js';
import { buildSoapEnvelope, parseSoapResponse, type SoapArgs } from '../transport/soap.js';
import { childElement, childElements, childTextOrNull, parseXml, type XmlElement } from '../util/xml.js';
import { addressOf } from './_vendor-values.js';
import { fritzboxMeta } from './fritzbox.meta.js';
import {
  collectOverHttp,
  type HttpBox,
  type HttpRun,
  isFatalHttpError,
  requirePassword,
  SecretRedactor,
  sessionExpired,
} from './http-skeleton.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';

const ID = 'fritzbox';
const TR64 = 'urn:dslforum-org:service:';

/** The only remote calls this adapter makes: the description GET and these `Service:1#Action` reads. */
export const FRITZBOX_ALLOWLIST = [
  'GET /tr64desc.xml',
  'DeviceInfo:1#GetInfo',
  'Layer3Forwarding:1#GetDefaultConnectionService',
  'WANPPPConnection:1#GetExternalIPAddress',
  'WANPPPConnection:1#GetPortMappingNumberOfEntries',
  'WANPPPConnection:1#GetGenericPortMappingEntry',
  'WANIPConnection:1#GetExternalIPAddress',
  'WANIPConnection:1#GetPortMappingNumberOfEntries',
  'WANIPConnection:1#GetGenericPortMappingEntry',
  'X_AVM-DE_UPnP:1#GetInfo',
  'X_AVM-DE_RemoteAccess:1#GetInfo',
  'X_AVM-DE_MyFritz:1#GetInfo',
  'X_AVM-DE_Storage:1#GetInfo',
] as const;

/** Loop cap for GetGenericPortMappingEntry (the box's own count is trusted only up to this). */
export const FRITZBOX_MAX_ENTRIES = 1024;

/** UPnP/TR-064 faults that mean "index past the end" (713, 714; 402 on some stacks). */
const END_OF_LIST = new Set([713, 714, 402]);

export interface Tr64Service {
  serviceType: string;
  serviceId: string | null;
  controlUrl: string;
  scpdUrl: string | null;
}

export interface Tr64Description {
  manufacturer: string | null;
  model: string | null;
  modelNumber: string | null;
  friendlyName: string | null;
  udn: string | null;
  services: Tr64Service[];
  /** False when devices nested deeper than {@link TR64_MAX_DEVICE_DEPTH} were not walked. */
  complete?: boolean;
}

/** Real tr64desc.xml trees are 2–3 devices deep; deeper nesting is not walked (and is warned about). */
export const TR64_MAX_DEVICE_DEPTH = 16;

function collectServices(device: XmlElement, out: Tr64Service[], depth = 0): boolean {
  if (depth > TR64_MAX_DEVICE_DEPTH) return false;
  let whole = true;
  for (const list of childElements(device, 'serviceList')) {
    for (const s of childElements(list, 'service')) {
      const serviceType = childTextOrNull(s, 'serviceType');
      const controlUrl = childTextOrNull(s, 'controlURL');
      if (serviceType && controlUrl) {
        out.push({
          serviceType,
          serviceId: childTextOrNull(s, 'serviceId'),
          controlUrl,
          scpdUrl: childTextOrNull(s, 'SCPDURL'),
        });
      }
    }
  }
  for (const list of childElements(device, 'deviceList')) {
    for (const d of childElements(list, 'device')) whole = collectServices(d, out, depth + 1) && whole;
  }
  return whole;
}

/**
 * Parse `tr64desc.xml`: root device identity and every service (recursively through deviceList).
 * @throws BoxauditError BOXAUDIT_PROTOCOL_ERROR when it is not a device description.
 */
export async function parseTr64Description(
  xml: string,
  context = '[fritzbox] tr64desc.xml',
): Promise<Tr64Description> {
  const doc = await parseXml(xml, { context, cutAfterClosing: 'root' });
  const device = childElement(doc.root, 'device');
  if (doc.name !== 'root' || !device) {
    throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `${context}: not a TR-064 device description`);
  }
  const services: Tr64Service[] = [];
  const complete = collectServices(device, services);
  return {
    manufacturer: childTextOrNull(device, 'manufacturer'),
    model: childTextOrNull(device, 'modelName'),
    modelNumber: childTextOrNull(device, 'modelNumber'),
    friendlyName: childTextOrNull(device, 'friendlyName'),
    udn: childTextOrNull(device, 'UDN'),
    services,
    ...(complete ? {} : { complete: false }),
  };
}

const flag = (v: string | undefined): boolean | null =>
  v === undefined || v === '' ? null : v === '1' || /^true$/i.test(v);
const num = (v: string | undefined): number | null =>
  v !== undefined && /^\d+$/.test(v.trim()) ? Number(v) : null;

/**
 * One `GetGenericPortMappingEntry` answer → forward(s). A lease > 0 marks a UPnP mapping; lease 0
 * is read as a UI port share ("static") — UNCONFIRMED: a permanent UPnP mapping looks the same (no
 * real reply with values was found). A protocol other than TCP/UDP (or none) keeps the entry as tcp
 * and udp with a `PROTOCOL_UNKNOWN` warning; an internal client that is not an address is unknown.
 */
export function fritzEntryToForwards(
  args: SoapArgs,
  service: string,
  warnings: Warning[] = [],
  index: number | null = null,
): ForwardInput[] {
  const where = `${service}#GetGenericPortMappingEntry${index === null ? '' : `[${index}]`}`;
  const lease = num(args.NewLeaseDuration);
  const remote = (args.NewRemoteHost ?? '').trim();
  const externalPort = parsePortRange(args.NewExternalPort);
  const internalPort = parsePortRange(args.NewInternalPort) ?? externalPort;
  const internalHost = addressOf(
    args.NewInternalClient,
    'NewInternalClient',
    where,
    warnings,
    'FRITZ_ADDRESS_INVALID',
  );
  return protocolsOrBoth(args.NewProtocol, where, warnings).map((protocol) => ({
    source: lease !== null && lease > 0 ? 'upnp' : 'static',
    protocol,
    externalPort,
    internalHost,
    internalPort,
    remoteHost: remote === '' || remote === '0.0.0.0' || remote === '*' ? null : remote,
    enabled: flag(args.NewEnabled),
    description: args.NewPortMappingDescription?.trim() || null,
    leaseSeconds: lease,
    provenance: { adapter: ID, transport: 'tr064', raw: { service, ...args } },
  }));
}

/** `X_AVM-DE_RemoteAccess:1#GetInfo` → the remote HTTPS UI service (username dropped). */
export function fritzRemoteAccessService(args: SoapArgs): RemoteAdminService | null {
  const enabled = flag(args.NewEnabled);
  if (enabled === null) return null;
  return { service: 'https', port: num(args.NewPort), wan: enabled, restrictedTo: null };
}

/** `X_AVM-DE_MyFritz:1#GetInfo` → MyFRITZ! remote access. */
export function fritzMyFritzService(args: SoapArgs): RemoteAdminService | null {
  const enabled = flag(args.NewEnabled);
  if (enabled === null) return null;
  return { service: 'myfritz', port: num(args.NewPort), wan: enabled, restrictedTo: null };
}

/** `X_AVM-DE_Storage:1#GetInfo` → FTP of the box's own storage reachable from the WAN. */
export function fritzStorageFtpService(args: SoapArgs): RemoteAdminService | null {
  const wan = flag(args.NewFTPWANEnable);
  if (wan === null) return null;
  return { service: 'ftp', port: num(args.NewFTPWANPort) ?? 21, wan, restrictedTo: null };
}

/**
 * FRITZ!OS version from `NewSoftwareVersion` / tr64desc `Display`: "154.07.10" → "7.10", "256.08.00" →
 * "8.00" (the first number is the hardware, as real replies show); anything else as given.
 */
export function fritzOsVersion(value: string | undefined | null): string | null {
  const t = value?.trim();
  if (!t) return null;
  const m = /^\d+\.0*(\d+)\.(\d+)(?:-\d+)?$/.exec(t);
  return m ? `${m[1]}.${m[2]}` : t;
}

/** `NewDefaultConnectionService` (`1.WANPPPConnection.1`) → `WANPPPConnection` / `WANIPConnection` / null. */
export function fritzConnectionKind(
  value: string | undefined,
): 'WANPPPConnection' | 'WANIPConnection' | null {
  if (!value) return null;
  if (/WANPPPConnection/i.test(value)) return 'WANPPPConnection';
  if (/WANIPConnection/i.test(value)) return 'WANIPConnection';
  return null;
}

/** The call `login` sends to prove the credentials (the first authenticated one); `fill` reads its reply. */
const PROOF = 'DeviceInfo:1#GetInfo';

/** `Service:1#Action`, or `Service:1#GetGenericPortMappingEntry[index]` for one entry of the walk. */
function callOf(call: string): { short: string; action: string; key: string; index: number | null } {
  const m = /^([^#]+)#([A-Za-z_-]+)(?:\[(\d+)\])?$/.exec(call);
  const [short, action] = m ? [m[1]!, m[2]!] : [call, ''];
  return { short, action, key: `${short}#${action}`, index: m?.[3] === undefined ? null : Number(m[3]) };
}

/**
 * The TR-064 client (the skeleton's `transport`): HTTP Digest (RFC 7616, `transport/digest.ts`)
 * and SOAP over one pin (the box resolved once; a control URL off it is never sent to), each
 * exchange bounded (deadline, 1 MiB), the allowlist checked before sending. The Digest secrets
 * (HA1, each response) stay inside `transport/digest.ts` and never reach a message; the password
 * is registered for redaction by the skeleton.
 */
export class Tr64Client extends SecretRedactor {
  readonly pin: PinnedTarget;
  private digest: DigestClient | null = null;

  constructor(
    readonly base: string,
    private readonly ctx: CollectContext,
    private readonly tls: TlsPin | undefined,
  ) {
    super();
    // Every request, and so every Digest response, goes to this host and port only, resolved once.
    this.pin = pinFor(base, ctx, { label: `[${ID}]` });
  }

  /** A fresh Digest state (no nonce): the TR-064 "login", done again on the one re-login. */
  reset(credentials: { username: string; password: string }): void {
    this.digest = createDigestClient(credentials, this.pin);
  }

  private request(url: string, options: Omit<RawRequestOptions, 'timeoutMs' | 'signal' | 'tls'>) {
    if (!this.digest) throw new Error(`[${ID}] Tr64Client used before login (a bug)`);
    return this.digest.request(url, {
      ...options,
      timeoutMs: this.ctx.timeoutMs,
      signal: this.ctx.signal,
      tls: this.tls,
    });
  }

  /** `GET /tr64desc.xml` (no auth). 404 = "Allow access for applications" is off. */
  async description(): Promise<{ desc: Tr64Description; server: string | null }> {
    const url = `${this.base}/tr64desc.xml`;
    const context = `[${ID}] GET ${url}`;
    this.ctx.log?.(context);
    const res = await this.request(url, { context });
    if (res.status === 404) {
      throw new BoxauditError(
        'BOXAUDIT_NOT_FOUND',
        `${context}: 404 — TR-064 is off; enable Home Network → Network → Network Settings → "Allow access for applications"`,
      );
    }
    if (res.status !== 200) {
      throw new BoxauditError('BOXAUDIT_HTTP_STATUS', `${context} answered HTTP ${res.status}`, {
        details: { status: res.status },
      });
    }
    const desc = await parseTr64Description(res.body, context);
    return { desc, server: typeof res.headers.server === 'string' ? res.headers.server : null };
  }

  /** Where a call goes, and its message prefix; `refused` when tr64desc.xml points off the box. */
  route(
    services: Tr64Service[],
    call: string,
  ): { svc: Tr64Service | undefined; url: string; context: string; refused: BoxauditError | null } {
    const { short, key } = callOf(call);
    const svc = services.find((s) => s.serviceType === `${TR64}${short}`);
    const url = svc ? new URL(svc.controlUrl, `${this.base}/`).toString() : `${this.base}/?`;
    const context = `[${ID}] POST ${url} ${key}`;
    let refused: BoxauditError | null = null;
    try {
      this.pin.check(url, context);
    } catch (error) {
      // The box's own description sent us elsewhere: its listing is lost, the run goes on.
      if (!isBoxauditError(error)) throw error;
      refused = new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', error.message, { details: error.details });
    }
    return { svc, url, context, refused };
  }

  /** One allowlisted SOAP action; every status is returned (the caller reads 401 and faults). */
  async post(services: Tr64Service[], call: string): Promise<Tr64Reply> {
    const { short, action, key, index } = callOf(call);
    const { svc, url, context, refused } = this.route(services, call);
    if (!(FRITZBOX_ALLOWLIST as readonly string[]).includes(key)) {
      throw new BoxauditError(
        'BOXAUDIT_NOT_ALLOWED',
        `${context}: not on the read-only allowlist; refused before sending`,
      );
    }
    if (!svc) {
      throw new BoxauditError('BOXAUDIT_NOT_FOUND', `[${ID}] service ${short} is not in tr64desc.xml`);
    }
    if (refused) throw refused;
    const res = await this.request(url, {
      method: 'POST',
      headers: {
        'content-type': 'text/xml; charset="utf-8"',
        soapaction: `"${svc.serviceType}#${action}"`,
      },
      body: buildSoapEnvelope(svc.serviceType, action, index === null ? {} : { NewPortMappingIndex: index }),
      context,
    });
    return { res, context };
  }
}

/** A SOAP action's HTTP answer, and the prefix of its messages (`[fritzbox] POST <url> <Service:1#Action>`). */
interface Tr64Reply {
  res: RawResponse;
  context: string;
}

interface Tr64Session {
  desc: Tr64Description;
  server: string | null;
  /** The reply `login` got to {@link PROOF}, for the first `send` (fill reads that call first). */
  proof: Tr64Reply | null;
  /** The box has answered an authenticated call other than with 401: a 401 now is a refusal. */
  proven: boolean;
}

const loginRefused = (context: string) =>
  new BoxauditError(
    'BOXAUDIT_AUTH_FAILED',
    `${context}: login refused (HTTP 401): check BOXAUDIT_USER / BOXAUDIT_PASSWORD; since FRITZ!OS 7.24 a user name is required; the box delays logins after wrong passwords, so boxaudit does not retry`,
  );

const faultCode = (e: unknown): number | null =>
  isBoxauditError(e, 'BOXAUDIT_SOAP_FAULT') && typeof e.details.upnpErrorCode === 'number'
    ? e.details.upnpErrorCode
    : null;

/**
 * TR-064 over the HTTP skeleton. `login` reads tr64desc.xml (the service list; kept on the
 * re-login) and proves the credentials with {@link PROOF} on a fresh Digest state. `send` reads a
 * 401 as a refused login before any call was accepted (fatal), as the box's refusal of this action
 * afterwards (`BOXAUDIT_BOX_REFUSED`: the user lacks a right), and a `stale=true` 401 (stale again
 * right after the Digest client answered the box's fresh nonce) as an expired session; SOAP fault
 * 606 "Action not authorized" is `BOXAUDIT_BOX_REFUSED` too.
 */
export const FRITZBOX_BOX: HttpBox<
  { username: string; password: string },
  Tr64Session,
  SoapArgs,
  Tr64Client
> = {
  id: ID,
  allowlist: FRITZBOX_ALLOWLIST,
  url: { scheme: 'http', host: 'fritz.box', port: 49000, strip: /\/tr64desc\.xml$/ },
  codes: { failed: 'FRITZ_ACTION_FAILED', refused: 'FRITZ_ACTION_NOT_AUTHORIZED' },
  transport: (target, baseUrl, ctx) => new Tr64Client(baseUrl, ctx, tlsFrom(target)),

  credentials: (target, baseUrl) => ({
    username: target.credentials?.username ?? '',
    password: requirePassword(
      target,
      `[${ID}] ${baseUrl}: a password is needed (BOXAUDIT_PASSWORD, and BOXAUDIT_USER since FRITZ!OS 7.24)`,
    ),
  }),

  async login(client, credentials, expired) {
    client.reset(credentials);
    const { desc, server } = expired ?? (await client.description());
    const { svc, refused } = client.route(desc.services, PROOF);
    if (!svc || refused) return { desc, server, proof: null, proven: false };
    const reply = await client.post(desc.services, PROOF);
    if (reply.res.status === 401) throw loginRefused(reply.context);
    const proven = reply.res.status === 200 || reply.res.status === 500;
    return { desc, server, proof: reply, proven };
  },

  async send(client, session, call) {
    const { res, context } =
      (call === PROOF && session.proof) || (await client.post(session.desc.services, call));
    session.proof = null;
    if (res.status === 401) {
      if (!session.proven) throw loginRefused(context);
      if (parseDigestChallenge(res.headers['www-authenticate'])?.stale) {
        throw sessionExpired(
          'the box said the Digest nonce was stale again, right after answering a fresh one',
        );
      }
      throw new BoxauditError(
        'BOXAUDIT_BOX_REFUSED',
        `${context}: HTTP 401 although the box accepted these credentials for other actions: the FRITZ!Box user lacks the right this action needs (e.g. "FRITZ!Box settings")`,
        { details: { call, status: 401 } },
      );
    }
    if (res.status !== 200 && res.status !== 500) {
      throw new BoxauditError('BOXAUDIT_HTTP_STATUS', `${context} answered HTTP ${res.status}`, {
        details: { status: res.status },
      });
    }
    session.proven = true;
    try {
      return parseSoapResponse(res.body, callOf(call).action, context);
    } catch (error) {
      if (faultCode(error) !== 606) throw error;
      throw new BoxauditError(
        'BOXAUDIT_BOX_REFUSED',
        `${(error as Error).message} (the user lacks the "FRITZ!Box settings" right)`,
        { details: { ...(error as BoxauditError).details, call } },
      );
    }
  },
};

/**
 * The port-mapping table of the connection service `kind`, one GetGenericPortMappingEntry per
 * index through `run.call` (an expired session is renewed once): bounded by the cap, the box's
 * count, the end-of-list faults and the audit's budgets; a failing entry ends the walk with the
 * entries before it. Its warnings and the two coverage items go into the parts.
 */
async function walkPortMappings(
  run: HttpRun<Tr64Session, SoapArgs, Tr64Client>,
  kind: 'WANPPPConnection' | 'WANIPConnection',
  count: number | null,
): Promise<ForwardInput[]> {
  const { warnings, coverage } = run.parts;
  const client = run.rest;
  const svc = `${kind}:1`;
  const forwards: ForwardInput[] = [];
  const limit = Math.min(count ?? FRITZBOX_MAX_ENTRIES, FRITZBOX_MAX_ENTRIES);
  const { budget } = client.pin;
  let index = 0;
  let ending: {
    status: CoverageItem['status'];
    code: string;
    reason: string;
    details: Record<string, unknown>;
  } | null = null;
  for (; index < limit; index++) {
    // The audit's forward budget: stop before reading more than is left of it.
    if (forwards.length >= budget.forwardsLeft()) {
      budget.hit('forwards', `${svc}#GetGenericPortMappingEntry[${index}]`);
      ending = {
        status: 'partial',
        code: 'BUDGET_FORWARDS',
        reason: `stopped at index ${index}: the audit's forward budget (${budget.limits.maxForwards}) is used up`,
        details: { entries: index, index, budget: 'forwards', limit: budget.limits.maxForwards },
      };
      break;
    }
    try {
      const entry = await run.call(`${svc}#GetGenericPortMappingEntry[${index}]`);
      forwards.push(...fritzEntryToForwards(entry, kind, warnings, index));
    } catch (error) {
      if (isFatalHttpError(error)) throw error;
      const e = error as BoxauditError;
      const code = faultCode(e);
      if (e.details.budget !== undefined) {
        const kind = String(e.details.budget);
        ending = {
          status: 'partial',
          code: kind === 'time' ? 'BUDGET_TIME' : 'BUDGET_BYTES',
          reason: `stopped at index ${index}: ${e.message}; entries before it are kept`,
          details: { entries: index, index, budget: kind },
        };
      } else if (code !== null && END_OF_LIST.has(code)) {
        ending = {
          status: 'partial',
          code: `FRITZ_END_${code}`,
          reason: `list ended with UPnP error ${code} at index ${index}`,
          details: { entries: index, endedWith: code, index },
        };
      } else {
        const message = client.redact(e.message);
        warnings.push({
          code: 'FRITZ_LIST_INTERRUPTED',
          message,
          where: `${svc}#GetGenericPortMappingEntry[${index}]`,
        });
        ending = {
          status: 'error',
          code: 'FRITZ_LIST_INTERRUPTED',
          reason: `listing stopped at index ${index}: ${message}; entries before it are kept`,
          details: { entries: index, index, error: message },
        };
      }
      break;
    }
  }
  if (!ending) {
    ending =
      count !== null && index >= count
        ? {
            status: 'partial',
            code: 'FRITZ_END_COUNT',
            reason: `read all ${count} entries the box counts`,
            details: { entries: index, count },
          }
        : {
            status: 'partial',
            code: 'FRITZ_LIST_CAPPED',
            reason: `stopped at the cap of ${FRITZBOX_MAX_ENTRIES} entries`,
            details: { entries: index, cap: FRITZBOX_MAX_ENTRIES },
          };
  }
  // Even a clean ending is "partial": whether other hosts' port shares are listed depends on FRITZ!OS (UNCONFIRMED).
  const scope =
    ' Whether TR-064 lists the port shares of every LAN device, or only some, depends on the FRITZ!OS version (UNCONFIRMED): check Internet → Permit Access in the web UI.';
  coverage.push(
    {
      area: 'static-forwards',
      status: ending.status,
      code: ending.code,
      reason: `${ending.reason}.${scope}`,
      details: ending.details,
    },
    {
      area: 'upnp-mappings',
      status: ending.status,
      code: ending.code,
      reason: `${ending.reason}; UPnP mappings share the table with port shares and are told apart only by their lease (UNCONFIRMED).`,
      details: ending.details,
    },
  );
  return forwards;
}

/**
 * Read a FRITZ!Box over TR-064. Read-only: only {@link FRITZBOX_ALLOWLIST} is ever sent.
 * Target: `url` (`http://fritz.box:49000` or `https://fritz.box:49443`) or `host` (+ `port`, default
 * 49000); credentials `username` + `password`; options `tlsCa` / `tlsFingerprint` for https.
 * @throws BoxauditError BOXAUDIT_CONFIG_INVALID (no password), BOXAUDIT_NOT_FOUND (TR-064 off),
 *   BOXAUDIT_AUTH_FAILED (401 before any call was accepted), and the skeleton's fatal errors.
 *   Partial failures become warnings + coverage.
 */
export function collectFritzbox(target: CollectTarget, ctx: CollectContext = {}): Promise<Snapshot> {
  return collectOverHttp(FRITZBOX_BOX, target, ctx, async (run) => {
    const { parts, read, baseUrl: base, rest: client } = run;
    const { warnings, coverage } = parts;
    const { desc, server } = run.session;
    if (desc.complete === false) {
      warnings.push({
        code: 'FRITZ_DESCRIPTION_TOO_DEEP',
        message: `[${ID}] GET ${base}/tr64desc.xml: devices nested more than ${TR64_MAX_DEVICE_DEPTH} deep were not read (a real tr64desc.xml is 2–3 deep)`,
        where: 'tr64desc.xml',
      });
    }
    const gateway: GatewayInfo = {
      ...emptyGatewayInfo(base),
      descriptionUrl: `${base}/tr64desc.xml`,
      manufacturer: desc.manufacturer,
      model: desc.model,
      modelNumber: desc.modelNumber,
      friendlyName: desc.friendlyName,
      udn: desc.udn,
      server,
      // Tr64Service is ServiceInfo without the device (not kept per service).
      services: desc.services.map((s): ServiceInfo => ({ ...s, deviceUdn: null })),
    };
    parts.gateway = gateway;
    const has = (short: string) => desc.services.some((s) => s.serviceType === `${TR64}${short}`);

    /** One optional read: a service the box lacks, or a control URL off the box, is a warning. */
    const soap = async (short: string, action: string): Promise<SoapArgs | null> => {
      if (!has(short)) {
        warnings.push({
          code: 'FRITZ_SERVICE_MISSING',
          message: `service ${short} is not offered by this box`,
          where: short,
        });
        return null;
      }
      const call = `${short}#${action}`;
      const { refused } = client.route(desc.services, call);
      if (refused) {
        warnings.push({ code: 'TARGET_URL_REFUSED', message: refused.message, where: call });
        return null;
      }
      return read(null, call, (reply) => reply);
    };

    // 1. Identity (the reply to the login's proof of the credentials).
    const info = await soap('DeviceInfo:1', 'GetInfo');
    if (info) {
      gateway.model = info.NewModelName?.trim() || gateway.model;
      const os = fritzOsVersion(info.NewSoftwareVersion);
      gateway.modelNumber = os ? `FRITZ!OS ${os}` : gateway.modelNumber;
    }

    // 2. Which connection service holds the port mappings.
    const l3 = await soap('Layer3Forwarding:1', 'GetDefaultConnectionService');
    let kind = fritzConnectionKind(l3?.NewDefaultConnectionService);
    if (!kind || !has(`${kind}:1`)) {
      kind = has('WANPPPConnection:1')
        ? 'WANPPPConnection'
        : has('WANIPConnection:1')
          ? 'WANIPConnection'
          : null;
    }
    gateway.connectionType = kind;

    let forwards: ForwardInput[] = [];
    if (kind) {
      const svc = `${kind}:1`;
      const ext = await soap(svc, 'GetExternalIPAddress');
      gateway.externalIp = ext?.NewExternalIPAddress?.trim() || null;
      gateway.doubleNat = isPrivateOrCgnat(gateway.externalIp);
      const countArgs = await soap(svc, 'GetPortMappingNumberOfEntries');
      const count = num(countArgs?.NewPortMappingNumberOfEntries);
      // 3. The mapping table.
      forwards = await walkPortMappings(run, kind, count);
    } else {
      const reason =
        'no WANPPPConnection/WANIPConnection service in tr64desc.xml (bridge mode or IP client?)';
      coverage.push(
        { area: 'static-forwards', status: 'not-visible', code: 'FRITZ_NO_CONNECTION_SERVICE', reason },
        { area: 'upnp-mappings', status: 'not-visible', code: 'FRITZ_NO_CONNECTION_SERVICE', reason },
      );
    }

    // 4. UPnP on/off.
    const upnpInfo = await soap('X_AVM-DE_UPnP:1', 'GetInfo');
    const upnpEnabled = flag(upnpInfo?.NewEnable);
    coverage.push(
      upnpEnabled === null
        ? {
            area: 'upnp-state',
            status: 'error',
            code: 'FRITZ_UPNP_STATE_UNREAD',
            reason: 'X_AVM-DE_UPnP GetInfo could not be read',
          }
        : {
            area: 'upnp-state',
            status: 'complete',
            code: 'FRITZ_UPNP_GETINFO',
            reason: 'read from X_AVM-DE_UPnP GetInfo (NewEnable)',
          },
    );

    // 5. Remote admin: HTTPS remote access, MyFRITZ!, FTP from the internet.
    const remote = await soap('X_AVM-DE_RemoteAccess:1', 'GetInfo');
    const myfritz = await soap('X_AVM-DE_MyFritz:1', 'GetInfo');
    const storage = await soap('X_AVM-DE_Storage:1', 'GetInfo');
    const services = [
      remote ? fritzRemoteAccessService(remote) : null,
      myfritz ? fritzMyFritzService(myfritz) : null,
      storage ? fritzStorageFtpService(storage) : null,
    ].filter((s): s is RemoteAdminService => s !== null);
    const readAll = remote !== null && myfritz !== null && storage !== null;
    coverage.push({
      area: 'remote-admin',
      status: services.length === 0 ? 'error' : 'partial',
      code: readAll ? 'FRITZ_REMOTE_NO_MYFRITZ_SHARES' : 'FRITZ_REMOTE_PARTIAL',
      reason: `${readAll ? 'remote HTTPS access, MyFRITZ! and FTP-from-internet were read' : 'some remote-access services could not be read (see warnings)'}; MyFRITZ! per-device sharings (X_AVM-DE_MyFritz GetServiceByIndex) are not read (field names UNCONFIRMED), nor VPN/WireGuard access`,
    });

    // 6. What TR-064 cannot show.
    coverage.push(
      {
        area: 'dmz',
        status: 'not-visible',
        code: 'FRITZ_NO_EXPOSED_HOST_GETTER',
        reason:
          'TR-064 has no known getter for the "exposed host" (UNCONFIRMED): check Internet → Permit Access in the web UI',
      },
      {
        area: 'ipv6-pinholes',
        status: 'not-visible',
        code: 'FRITZ_TR064_NO_IPV6',
        reason: 'IPv6 port shares (pinholes) and IPv6 exposed hosts are not exposed over TR-064',
      },
      {
        area: 'gateway-info',
        status: info ? 'complete' : 'partial',
        code: 'FRITZ_DEVICEINFO',
        reason: 'tr64desc.xml and DeviceInfo GetInfo',
      },
    );

    parts.forwards = forwards;
    parts.dmz = { enabled: null, host: null };
    const upnpCount = forwards.filter((f) => f.source === 'upnp').length;
    parts.upnp = { enabled: upnpEnabled, mappingCount: kind ? upnpCount : null, igdVersion: null };
    parts.remoteAdmin = services.length > 0 ? remoteAdminOf(services) : { enabled: null, services };
    // A forward to the box's own address (the one audited, when given as an IP) or loopback is remote admin.
    const host = new URL(base).hostname.replace(/^\[|\]$/g, '');
    markForwardsToRouter(parts, isIP(host) ? [host] : []);
  });
}

export const fritzbox: Adapter = {
  meta: { ...fritzboxMeta, allowlist: FRITZBOX_ALLOWLIST },
  collect: collectFritzbox,
};
