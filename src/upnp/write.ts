/**
 * The one write boxaudit can make: remove a UPnP port mapping (DeletePortMapping), for
 * `boxaudit fix`. Kept apart from the read path on purpose: the audit's SOAP calls use the default
 * read-only allowlist of `transport/soap.ts`, which cannot send DeletePortMapping; only a client
 * opened here can, and only `src/cli/commands/fix.ts` opens one (test/upnp/write.test.ts checks both).
 *
 * The client talks to the host of the description URL only (pinned, as the audit), removes only a
 * mapping the box itself reported, and checks just before removing that the box still maps that
 * external port to the same device and port (GetSpecificPortMappingEntry): a mapping that changed
 * since the audit is left alone.
 */
import { isBoxauditError } from '../errors.js';
import { DEFAULT_HTTP_TIMEOUT_MS, httpRequest } from '../transport/http.js';
import { PinnedTarget, redactUrl } from '../transport/pin.js';
import { type SoapArgs, soapCall, UPNP_READ_ONLY_ACTIONS } from '../transport/soap.js';
import { AuditBudget } from '../util/budget.js';
import { parseDeviceDescription, resolveDescriptionUrl, type WanConnectionService } from './description.js';

/** The actions a fix client may send: the read-only ones and DeletePortMapping. Nothing that adds or reconfigures. */
export const UPNP_FIX_ACTIONS: readonly string[] = [...UPNP_READ_ONLY_ACTIONS, 'DeletePortMapping'];

const LABEL = 'upnp-fix';

/** One mapping as the box reported it (GetGenericPortMappingEntry's own values). */
export interface MappingToRemove {
  /** The control URL the mapping was listed on (as in the forward's `provenance.raw.controlUrl`). */
  controlUrl: string;
  /** NewRemoteHost as reported ('' = any source). */
  remoteHost: string;
  externalPort: number;
  protocol: 'TCP' | 'UDP';
  /** What the box said the mapping points to: it must still say so when we remove it. */
  internalClient: string;
  internalPort: number | null;
}

export type RemoveOutcome =
  | { status: 'removed' }
  /** The box no longer has this mapping (its lease ended, or someone removed it). */
  | { status: 'gone' }
  /** The box now maps this port elsewhere: not removed. */
  | { status: 'changed'; internalClient: string; internalPort: string }
  | { status: 'failed'; message: string };

export interface UpnpFixClient {
  /** Remove one mapping; never throws for the box's refusal (an outcome says it), only on abort. */
  remove(mapping: MappingToRemove): Promise<RemoveOutcome>;
}

export interface OpenFixClientOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * Read the box's description (from `descriptionUrl`, the URL the audit read) and return a client
 * that can remove mappings listed on its WAN connection services.
 * @throws BoxauditError when the description cannot be read, or BOXAUDIT_ABORTED.
 */
export async function openUpnpFixClient(
  descriptionUrl: string,
  options: OpenFixClientOptions = {},
): Promise<UpnpFixClient> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const pin = new PinnedTarget(descriptionUrl, {
    otherPorts: 'any',
    label: `[${LABEL}]`,
    budget: AuditBudget.create().forWalk(),
  });
  const res = await httpRequest(descriptionUrl, {
    pin,
    signal: options.signal,
    timeoutMs,
    context: `[${LABEL}] GET ${redactUrl(descriptionUrl)}`,
    lenientParser: true,
  });
  const description = parseDeviceDescription(res.body, descriptionUrl);
  const serviceAt = (controlUrl: string): { url: string; service: WanConnectionService } | null => {
    for (const service of description.services) {
      const urls = [service.controlUrl, resolveDescriptionUrl(service.controlUrlDeclared, descriptionUrl)];
      for (const url of urls) {
        if (url !== null && redactUrl(url) === controlUrl && pin.allows(url)) return { url, service };
      }
    }
    return null;
  };
  const call = (url: string, serviceType: string, action: string, args: Record<string, string | number>) =>
    soapCall(url, serviceType, action, args, {
      signal: options.signal,
      timeoutMs,
      label: LABEL,
      lenientParser: true,
      pin,
      allowlist: UPNP_FIX_ACTIONS,
    });

  return {
    async remove(mapping) {
      const target = serviceAt(mapping.controlUrl);
      if (target === null) {
        return {
          status: 'failed',
          message: `the box's description no longer lists the service at ${mapping.controlUrl}`,
        };
      }
      const key = {
        NewRemoteHost: mapping.remoteHost,
        NewExternalPort: mapping.externalPort,
        NewProtocol: mapping.protocol,
      };
      const { url, service } = target;
      let now: SoapArgs;
      try {
        now = await call(url, service.serviceType, 'GetSpecificPortMappingEntry', key);
      } catch (error) {
        if (isBoxauditError(error, 'BOXAUDIT_ABORTED')) throw error;
        if (isBoxauditError(error, 'BOXAUDIT_SOAP_FAULT') && error.details.upnpErrorCode === 714) {
          return { status: 'gone' };
        }
        return { status: 'failed', message: messageOf(error) };
      }
      const client = (now.NewInternalClient ?? '').trim();
      const port = (now.NewInternalPort ?? '').trim();
      const samePort = mapping.internalPort === null || port === String(mapping.internalPort);
      if (client !== mapping.internalClient || !samePort) {
        return { status: 'changed', internalClient: client, internalPort: port };
      }
      try {
        await call(url, service.serviceType, 'DeletePortMapping', key);
      } catch (error) {
        if (isBoxauditError(error, 'BOXAUDIT_ABORTED')) throw error;
        if (isBoxauditError(error, 'BOXAUDIT_SOAP_FAULT') && error.details.upnpErrorCode === 714) {
          return { status: 'gone' };
        }
        return { status: 'failed', message: messageOf(error) };
      }
      return { status: 'removed' };
    },
  };
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The mapping key of a forward read by the UPnP IGD adapter, from the box's own values kept in
 * `provenance.raw`; null when the forward did not come from a UPnP listing or lacks them.
 */
export function mappingFromRaw(raw: unknown): MappingToRemove | null {
  if (raw === null || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const text = (name: string): string | null =>
    typeof r[name] === 'string' ? (r[name] as string).trim() : null;
  const controlUrl = text('controlUrl');
  const port = text('NewExternalPort');
  const protocol = text('NewProtocol')?.toUpperCase();
  const client = text('NewInternalClient');
  const internalPort = text('NewInternalPort');
  if (controlUrl === null || port === null || client === null || client === '') return null;
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return null;
  if (protocol !== 'TCP' && protocol !== 'UDP') return null;
  return {
    controlUrl,
    remoteHost: text('NewRemoteHost') ?? '',
    externalPort: Number(port),
    protocol,
    internalClient: client,
    internalPort: internalPort !== null && /^\d{1,5}$/.test(internalPort) ? Number(internalPort) : null,
  };
}
