/**
 * SFR box (neufbox NB4/NB5/NB6/NB6V/NB6VAC "Box 8", SFR Box 10). Reference: shared/vendor-apis.md §4.
 *
 * SFR's documented REST API (`/api/1.0/?method=…`) has no NAT, DMZ, UPnP or remote-access method
 * in any public source (that absence is itself UNCONFIRMED), and the web interface's pages are
 * not a stable format. So this adapter reads what UPnP IGD shows — the UPnP mappings, through
 * {@link collectUpnp} — and says plainly what it cannot see: manual port forwards, the DMZ and
 * remote administration, with where to check them by hand in the web interface.
 * It never logs in and sends no credentials.
 */
import { BoxauditError } from '../errors.js';
import type { CoverageItem, Snapshot, Warning } from '../model/types.js';
import { emptyGatewayInfo } from '../transport/rest.js';
import { UPNP_READ_ONLY_ACTIONS } from '../transport/soap.js';
import { isFatalHttpError } from './http-skeleton.js';
import { sfrMeta } from './sfr.meta.js';
import { SFR_MANUAL_CHECKS } from './sfr-checks.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';
import { type CollectUpnpOptions, collectUpnp } from './upnp-igd.js';

const ID = 'sfr';

/**
 * Every call this adapter may make: the read-only UPnP IGD SOAP actions of the upnp-igd adapter
 * (plus, as there, the GET of the IGD description). Nothing is sent to SFR's own API.
 */
export const SFR_ALLOWLIST: readonly string[] = UPNP_READ_ONLY_ACTIONS;

export { SFR_MANUAL_CHECKS, type SfrManualCheck } from './sfr-checks.js';

/** How `collectUpnp` is called (tests inject a stand-in). */
export type UpnpCollector = (descriptionUrl: string, options?: CollectUpnpOptions) => Promise<Snapshot>;

function descriptionUrlOf(target: CollectTarget): string {
  const fromOptions = target.options?.descriptionUrl;
  if (typeof fromOptions === 'string' && fromOptions) return fromOptions;
  if (target.url) return target.url;
  throw new BoxauditError(
    'BOXAUDIT_USAGE',
    `[${ID}] an SFR box has no API for port forwards; boxaudit reads it over UPnP IGD and needs its description URL (found by discovery, or --gateway ${target.host ?? 'HOST'}, or --upnp URL)`,
  );
}

function manualCoverage(): CoverageItem[] {
  return SFR_MANUAL_CHECKS.map((c) => ({
    area: c.area,
    status: 'not-visible',
    code: c.code,
    reason: c.en,
  }));
}

/**
 * Read an SFR box: UPnP mappings over UPnP IGD, plus coverage items saying that manual forwards,
 * the DMZ and remote administration could not be read and where to check them.
 * When the IGD cannot be read at all (UPnP off, or not reachable), a snapshot is still returned
 * with `upnp-mappings` in `error` and a warning — never an empty "nothing exposed".
 * Target: `url` or `options.descriptionUrl` = the IGD description URL.
 * @throws BoxauditError BOXAUDIT_USAGE (no description URL), and what the HTTP adapters' one policy
 *   ({@link isFatalHttpError}) calls fatal: BOXAUDIT_ABORTED, BOXAUDIT_NOT_ALLOWED (our allowlist
 *   refused a call: a bug), a refused certificate, BOXAUDIT_AUTH_FAILED, BOXAUDIT_RATE_LIMITED.
 */
export async function collectSfr(
  target: CollectTarget,
  ctx: CollectContext = {},
  deps: { collectUpnp?: UpnpCollector } = {},
): Promise<Snapshot> {
  const descriptionUrl = descriptionUrlOf(target);
  const collectedAt = new Date().toISOString();
  const upnpCollector = deps.collectUpnp ?? collectUpnp;
  const maxEntries = typeof target.options?.maxEntries === 'number' ? target.options.maxEntries : undefined;
  let upnp: Snapshot | null = null;
  const warnings: Warning[] = [];
  try {
    upnp = await upnpCollector(descriptionUrl, {
      signal: ctx.signal,
      timeoutMs: ctx.timeoutMs,
      maxEntries,
      log: ctx.log,
      ...(ctx.budget ? { budget: ctx.budget } : {}),
      ...(ctx.lookup ? { lookup: ctx.lookup } : {}),
    });
  } catch (error) {
    // The HTTP adapters' one policy; the whole IGD read is one listing here (there is no login):
    // an IGD that does not answer (UPnP off, or unreachable) is a warning and a gap, not a failure.
    if (isFatalHttpError(error)) throw error;
    warnings.push({ code: 'SFR_UPNP_UNREADABLE', message: (error as Error).message, where: descriptionUrl });
  }

  const keep = (c: CoverageItem): boolean => !['static-forwards', 'dmz', 'remote-admin'].includes(c.area);
  const coverage: CoverageItem[] = upnp
    ? [...upnp.coverage.filter(keep), ...manualCoverage()]
    : [
        {
          area: 'upnp-mappings',
          status: 'error',
          code: 'SFR_UPNP_UNREADABLE',
          reason:
            'the box’s UPnP IGD could not be read (UPnP may be off, which is good, or unreachable): check Network → UPnP in the web interface',
        },
        {
          area: 'upnp-state',
          status: 'not-visible',
          code: 'SFR_UPNP_UNREADABLE',
          reason: 'whether UPnP is on could not be told: check Network → UPnP in the web interface',
        },
        {
          area: 'ipv6-pinholes',
          status: 'not-visible',
          code: 'SFR_NO_API_IPV6',
          reason: 'IPv6 firewall openings are not readable on an SFR box',
        },
        ...manualCoverage(),
      ];

  return {
    target: { kind: 'vendor', address: upnp?.gateway.address ?? descriptionUrl, adapter: ID },
    collectedAt: upnp?.collectedAt ?? collectedAt,
    gateway: upnp?.gateway ?? emptyGatewayInfo(descriptionUrl),
    forwards: upnp?.forwards ?? [],
    dmz: { enabled: null, host: null },
    upnp: upnp?.upnp ?? { enabled: null, mappingCount: null, igdVersion: null },
    remoteAdmin: null,
    lanPrefixes: upnp?.lanPrefixes ?? null,
    coverage,
    warnings: [...(upnp?.warnings ?? []), ...warnings],
  };
}

export const sfr: Adapter = {
  meta: { ...sfrMeta, allowlist: SFR_ALLOWLIST },
  collect: (target, ctx) => collectSfr(target, ctx),
};
