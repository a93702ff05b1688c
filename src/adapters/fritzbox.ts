/**
 * AVM FRITZ!Box over TR-064 (SOAP on :49000 http / :49443 https, HTTP Digest).
 * Reference: shared/vendor-apis.md §5; AVM "TR-064 First Steps" and the per-service SCPDs.
 *
 * What TR-064 shows: the port-mapping table of the active WAN connection service (UI port shares
 * and UPnP mappings in one table), UPnP on/off, remote HTTPS access, MyFRITZ!, FTP from the WAN.
 * What it does not: the exposed host (no known getter, UNCONFIRMED), IPv6 port shares/pinholes,
 * and — depending on FRITZ!OS — other hosts' port shares (scope UNCONFIRMED, §5.3).
 */
import { BoxauditError, isBoxauditError } from '../errors.js';
import { protocolsOrBoth } from '../formats/config-parts.js';
import { isPrivateOrCgnat } from '../model/addresses.js';
import { type ForwardInput, parsePortRange, withIds } from '../model/forward.js';
import { emptyGatewayInfo } from '../model/gateway.js';
import type { CoverageItem, RemoteAdminService, ServiceInfo, Snapshot, Warning } from '../model/types.js';
import { createDigestClient, type DigestClient, type TlsPin, tlsFrom } from '../transport/digest.js';
import { type PinnedTarget, pinFor } from '../transport/pin.js';
import { buildSoapEnvelope, parseSoapResponse, type SoapArgs } from '../transport/soap.js';
import { childElement, childElements, childTextOrNull, parseXml, type XmlElement } from '../util/xml.js';
import { addressOf } from './_vendor-values.js';
import { fritzboxMeta } from './fritzbox.meta.js';
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

function baseUrlOf(target: CollectTarget): string {
  if (target.url) return target.url.replace(/\/+$/, '').replace(/\/tr64desc\.xml$/, '');
  const host = target.host ?? 'fritz.box';
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${shown}:${target.port ?? 49000}`;
}

class Tr64Session {
  constructor(
    private readonly base: string,
    private readonly client: DigestClient,
    private readonly services: Tr64Service[],
    private readonly ctx: CollectContext,
    private readonly tls: TlsPin | undefined,
  ) {}

  has(short: string): boolean {
    return this.services.some((s) => s.serviceType === `${TR64}${short}`);
  }

  /** Call one allowlisted action; a 401 is a failed login (fatal: one attempt per run, lockouts). */
  async call(short: string, action: string, args: Record<string, string | number> = {}): Promise<SoapArgs> {
    const key = `${short}#${action}`;
    const svc = this.services.find((s) => s.serviceType === `${TR64}${short}`);
    const url = svc ? new URL(svc.controlUrl, `${this.base}/`).toString() : `${this.base}/?`;
    const context = `[${ID}] POST ${url} ${key}`;
    if (!(FRITZBOX_ALLOWLIST as readonly string[]).includes(key)) {
      throw new BoxauditError(
        'BOXAUDIT_NOT_ALLOWED',
        `${context}: not on the read-only allowlist; refused before sending`,
      );
    }
    if (!svc) {
      throw new BoxauditError('BOXAUDIT_NOT_FOUND', `[${ID}] service ${short} is not in tr64desc.xml`);
    }
    const res = await this.client.request(url, {
      method: 'POST',
      headers: {
        'content-type': 'text/xml; charset="utf-8"',
        soapaction: `"${svc.serviceType}#${action}"`,
      },
      body: buildSoapEnvelope(svc.serviceType, action, args),
      timeoutMs: this.ctx.timeoutMs,
      signal: this.ctx.signal,
      context,
      tls: this.tls,
    });
    if (res.status === 401) {
      throw new BoxauditError(
        'BOXAUDIT_AUTH_FAILED',
        `${context}: login refused (HTTP 401): check BOXAUDIT_USER / BOXAUDIT_PASSWORD; since FRITZ!OS 7.24 a user name is required; the box delays logins after wrong passwords, so boxaudit does not retry`,
      );
    }
    if (res.status !== 200 && res.status !== 500) {
      throw new BoxauditError('BOXAUDIT_HTTP_STATUS', `${context} answered HTTP ${res.status}`, {
        details: { status: res.status },
      });
    }
    return parseSoapResponse(res.body, action, context);
  }
}

const faultCode = (e: unknown): number | null =>
  isBoxauditError(e, 'BOXAUDIT_SOAP_FAULT') && typeof e.details.upnpErrorCode === 'number'
    ? e.details.upnpErrorCode
    : null;

/**
 * Read a FRITZ!Box over TR-064. Read-only: only {@link FRITZBOX_ALLOWLIST} is ever sent.
 * Target: `url` (`http://fritz.box:49000` or `https://fritz.box:49443`) or `host` (+ `port`, default
 * 49000); credentials `username` + `password`; options `tlsCa` / `tlsFingerprint` for https.
 * @throws BoxauditError BOXAUDIT_CONFIG_INVALID (no password), BOXAUDIT_NOT_FOUND (TR-064 off),
 *   BOXAUDIT_AUTH_FAILED (401), transport errors. Partial failures become warnings + coverage.
 */
export async function collectFritzbox(target: CollectTarget, ctx: CollectContext = {}): Promise<Snapshot> {
  const collectedAt = new Date().toISOString();
  const base = baseUrlOf(target);
  const password = target.credentials?.password;
  if (!password) {
    throw new BoxauditError(
      'BOXAUDIT_CONFIG_INVALID',
      `[${ID}] ${base}: a password is needed (BOXAUDIT_PASSWORD, and BOXAUDIT_USER since FRITZ!OS 7.24)`,
    );
  }
  const tls = tlsFrom(target);
  // Every request, and so every Digest response, goes to this host and port only, resolved once.
  const pin: PinnedTarget = pinFor(base, ctx, { label: `[${ID}]` });
  const client = createDigestClient({ username: target.credentials?.username ?? '', password }, pin);
  const warnings: Warning[] = [];
  const coverage: CoverageItem[] = [];
  const gateway = emptyGatewayInfo(base);
  gateway.descriptionUrl = `${base}/tr64desc.xml`;

  // 1. The description (no auth). 404 = "Allow access for applications" is off.
  const descContext = `[${ID}] GET ${base}/tr64desc.xml`;
  ctx.log?.(`${descContext}`);
  const descRes = await client.request(`${base}/tr64desc.xml`, {
    timeoutMs: ctx.timeoutMs,
    signal: ctx.signal,
    context: descContext,
    tls,
  });
  if (descRes.status === 404) {
    throw new BoxauditError(
      'BOXAUDIT_NOT_FOUND',
      `${descContext}: 404 — TR-064 is off; enable Home Network → Network → Network Settings → "Allow access for applications"`,
    );
  }
  if (descRes.status !== 200) {
    throw new BoxauditError('BOXAUDIT_HTTP_STATUS', `${descContext} answered HTTP ${descRes.status}`, {
      details: { status: descRes.status },
    });
  }
  const desc = await parseTr64Description(descRes.body, descContext);
  if (desc.complete === false) {
    warnings.push({
      code: 'FRITZ_DESCRIPTION_TOO_DEEP',
      message: `${descContext}: devices nested more than ${TR64_MAX_DEVICE_DEPTH} deep were not read (a real tr64desc.xml is 2–3 deep)`,
      where: 'tr64desc.xml',
    });
  }
  Object.assign(gateway, {
    manufacturer: desc.manufacturer,
    model: desc.model,
    modelNumber: desc.modelNumber,
    friendlyName: desc.friendlyName,
    udn: desc.udn,
    server: typeof descRes.headers.server === 'string' ? descRes.headers.server : null,
    services: desc.services.map(
      (s): ServiceInfo => ({
        serviceType: s.serviceType,
        serviceId: s.serviceId,
        controlUrl: s.controlUrl,
        scpdUrl: s.scpdUrl,
        deviceUdn: null,
      }),
    ),
  });
  const tr = new Tr64Session(base, client, desc.services, ctx, tls);

  /** Run one optional read; a fault or a malformed reply becomes a warning. Auth failure and aborts propagate. */
  const tryCall = async (short: string, action: string): Promise<SoapArgs | null> => {
    if (!tr.has(short)) {
      warnings.push({
        code: 'FRITZ_SERVICE_MISSING',
        message: `service ${short} is not offered by this box`,
        where: short,
      });
      return null;
    }
    try {
      return await tr.call(short, action);
    } catch (error) {
      // A spent budget (time, bytes) ends this read, not the collection: what was read is kept.
      const budgetSpent = isBoxauditError(error) && error.details.budget !== undefined;
      if (
        !isBoxauditError(error) ||
        (!budgetSpent &&
          ['BOXAUDIT_AUTH_FAILED', 'BOXAUDIT_ABORTED', 'BOXAUDIT_TIMEOUT'].includes(error.code))
      )
        throw error;
      const code = faultCode(error);
      warnings.push({
        code:
          error.details.reason === 'off-target'
            ? 'TARGET_URL_REFUSED'
            : code === 606
              ? 'FRITZ_ACTION_NOT_AUTHORIZED'
              : 'FRITZ_ACTION_FAILED',
        message:
          code === 606 ? `${error.message} (the user lacks the "FRITZ!Box settings" right)` : error.message,
        where: `${short}#${action}`,
      });
      return null;
    }
  };

  // 2. Identity first: the first authenticated call also proves the login.
  const info = await tryCall('DeviceInfo:1', 'GetInfo');
  if (info) {
    gateway.model = info.NewModelName?.trim() || gateway.model;
    const os = fritzOsVersion(info.NewSoftwareVersion);
    gateway.modelNumber = os ? `FRITZ!OS ${os}` : gateway.modelNumber;
  }

  // 3. Which connection service holds the port mappings.
  const l3 = await tryCall('Layer3Forwarding:1', 'GetDefaultConnectionService');
  let kind = fritzConnectionKind(l3?.NewDefaultConnectionService);
  if (!kind || !tr.has(`${kind}:1`)) {
    kind = tr.has('WANPPPConnection:1')
      ? 'WANPPPConnection'
      : tr.has('WANIPConnection:1')
        ? 'WANIPConnection'
        : null;
  }
  gateway.connectionType = kind;

  const forwards: ForwardInput[] = [];
  if (kind) {
    const svc = `${kind}:1`;
    const ext = await tryCall(svc, 'GetExternalIPAddress');
    gateway.externalIp = ext?.NewExternalIPAddress?.trim() || null;
    gateway.doubleNat = isPrivateOrCgnat(gateway.externalIp);
    const countArgs = await tryCall(svc, 'GetPortMappingNumberOfEntries');
    const count = num(countArgs?.NewPortMappingNumberOfEntries);
    const limit = Math.min(count ?? FRITZBOX_MAX_ENTRIES, FRITZBOX_MAX_ENTRIES);
    let index = 0;
    let ending: {
      status: CoverageItem['status'];
      code: string;
      reason: string;
      details: Record<string, unknown>;
    } | null = null;
    for (; index < limit; index++) {
      // The audit's forward budget: stop before reading more than is left of it.
      if (forwards.length >= pin.budget.forwardsLeft()) {
        pin.budget.hit('forwards', `${svc}#GetGenericPortMappingEntry[${index}]`);
        ending = {
          status: 'partial',
          code: 'BUDGET_FORWARDS',
          reason: `stopped at index ${index}: the audit's forward budget (${pin.budget.limits.maxForwards}) is used up`,
          details: { entries: index, index, budget: 'forwards', limit: pin.budget.limits.maxForwards },
        };
        break;
      }
      try {
        const entry = await tr.call(svc, 'GetGenericPortMappingEntry', { NewPortMappingIndex: index });
        forwards.push(...fritzEntryToForwards(entry, kind, warnings, index));
      } catch (error) {
        if (!isBoxauditError(error) || ['BOXAUDIT_AUTH_FAILED', 'BOXAUDIT_ABORTED'].includes(error.code))
          throw error;
        const code = faultCode(error);
        if (error.details.budget !== undefined) {
          const kind = String(error.details.budget);
          ending = {
            status: 'partial',
            code: kind === 'time' ? 'BUDGET_TIME' : 'BUDGET_BYTES',
            reason: `stopped at index ${index}: ${error.message}; entries before it are kept`,
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
          warnings.push({
            code: 'FRITZ_LIST_INTERRUPTED',
            message: error.message,
            where: `${svc}#GetGenericPortMappingEntry[${index}]`,
          });
          ending = {
            status: 'error',
            code: 'FRITZ_LIST_INTERRUPTED',
            reason: `listing stopped at index ${index}: ${error.message}; entries before it are kept`,
            details: { entries: index, index, error: error.message },
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
  } else {
    const reason = 'no WANPPPConnection/WANIPConnection service in tr64desc.xml (bridge mode or IP client?)';
    coverage.push(
      { area: 'static-forwards', status: 'not-visible', code: 'FRITZ_NO_CONNECTION_SERVICE', reason },
      { area: 'upnp-mappings', status: 'not-visible', code: 'FRITZ_NO_CONNECTION_SERVICE', reason },
    );
  }

  // 4. UPnP on/off.
  const upnpInfo = await tryCall('X_AVM-DE_UPnP:1', 'GetInfo');
  const upnpEnabled = flag(upnpInfo?.NewEnable);
  const upnpCount = forwards.filter((f) => f.source === 'upnp').length;
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
  const services: RemoteAdminService[] = [];
  const remote = await tryCall('X_AVM-DE_RemoteAccess:1', 'GetInfo');
  const myfritz = await tryCall('X_AVM-DE_MyFritz:1', 'GetInfo');
  const storage = await tryCall('X_AVM-DE_Storage:1', 'GetInfo');
  const parts = [
    remote ? fritzRemoteAccessService(remote) : null,
    myfritz ? fritzMyFritzService(myfritz) : null,
    storage ? fritzStorageFtpService(storage) : null,
  ];
  for (const p of parts) if (p) services.push(p);
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

  return {
    target: { kind: 'vendor', address: base, adapter: ID },
    collectedAt,
    gateway,
    forwards: withIds(forwards),
    dmz: { enabled: null, host: null },
    upnp: { enabled: upnpEnabled, mappingCount: kind ? upnpCount : null, igdVersion: null },
    remoteAdmin: {
      enabled: services.length > 0 ? services.some((s) => s.wan === true) : null,
      services,
    },
    lanPrefixes: null,
    coverage,
    warnings,
  };
}

export const fritzbox: Adapter = {
  meta: { ...fritzboxMeta, allowlist: FRITZBOX_ALLOWLIST },
  collect: collectFritzbox,
};
