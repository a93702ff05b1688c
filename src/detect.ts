import type { Credentials } from './adapters/types.js';
import type { DiscoveredGateway } from './discovery/ssdp.js';
import { checkOptions } from './errors.js';
import { beyondUpnp } from './i18n/coverage.js';
import type { CoverageItem, Snapshot } from './model/types.js';

/** A vendor adapter that fits a box better than plain UPnP. */
export interface AdapterSuggestion {
  adapter: string;
  score: number;
  reason: string;
  /** The gateway's address, for `--host`. */
  host: string;
  /** Which credentials it needs (adapter meta), e.g. `['password', 'username?']`. */
  credentials: string[];
  /** What that adapter reads (adapter meta), e.g. `['static-forwards', 'dmz']`; the hint promises only these. */
  capabilities?: string[];
}

/** Below this score a vendor guess is not worth a login attempt or a hint. */
const MIN_SCORE = 0.5;

/**
 * Fingerprint a box already read over UPnP (description, SSDP SERVER, one credential-free GET / and the
 * known host names) and name the vendor adapter that would show more, if any.
 */
export async function suggestAdapter(
  snapshot: Snapshot,
  discovered: DiscoveredGateway | undefined,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<AdapterSuggestion | null> {
  checkOptions('suggestAdapter', options);
  const host = hostOf(snapshot.gateway.descriptionUrl ?? snapshot.target.address);
  if (!host) return null;
  const { fingerprintGateway, probeGateway } = await import('./discovery/fingerprint.js');
  const probe = await probeGateway(host, {
    timeoutMs: Math.min(options.timeoutMs ?? 2000, 2000),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const g = snapshot.gateway;
  const scores = fingerprintGateway({
    address: host,
    ssdpServer: discovered?.server ?? g.server,
    description: { manufacturer: g.manufacturer, model: g.model, friendlyName: g.friendlyName },
    httpBanner: probe.httpBanner,
    hostname: probe.hostname,
  });
  const { adapterMeta, credentialStrings } = await import('./adapters/registry.js');
  // Neither the generic fallback nor an adapter read over SSH is suggested: a key and a host key are a
  // deliberate choice, never guessed from UPnP.
  const suggestable = (id: string) => {
    const meta = adapterMeta(id);
    return meta !== undefined && !meta.fallback && !meta.transports.includes('ssh');
  };
  const best = scores.find((s) => suggestable(s.adapter));
  if (!best || best.score < MIN_SCORE) return null;
  const meta = adapterMeta(best.adapter)!;
  return {
    adapter: best.adapter,
    score: best.score,
    reason: best.reason,
    host,
    credentials: credentialStrings(meta.credentials),
    capabilities: [...meta.capabilities],
  };
}

/** Whether the given credentials cover what an adapter needs (`x?` optional, `a|b` either). */
export function hasNeededCredentials(needs: string[], credentials: Credentials | undefined): boolean {
  const have = (name: string) => {
    const value = credentials?.[name as keyof Credentials];
    return value !== undefined && value !== '';
  };
  return needs.every((need) => need.endsWith('?') || need.split('|').some(have));
}

/** The coverage note that tells a person which command would show what UPnP cannot. */
export function vendorHint(s: AdapterSuggestion): CoverageItem {
  const needs = s.credentials.filter((c) => !c.endsWith('?'));
  const how =
    needs.length === 0
      ? ''
      : ` It needs ${needs.join(' and ')}: give them with environment variables (BOXAUDIT_USER, BOXAUDIT_PASSWORD, BOXAUDIT_TOKEN) or at the prompt on a terminal, never on the command line.`;
  return {
    area: 'static-forwards',
    status: 'not-visible',
    code: 'VENDOR_API_AVAILABLE',
    reason:
      `This box looks like a ${s.adapter} (${s.reason}). Its own interface shows ${beyondUpnp(s.capabilities)} ` +
      `that UPnP cannot: run boxaudit --vendor ${s.adapter} --host ${s.host}.${how}`,
    details: {
      adapter: s.adapter,
      host: s.host,
      score: s.score,
      credentials: s.credentials,
      ...(s.capabilities ? { capabilities: s.capabilities } : {}),
    },
  };
}

/**
 * The coverage error when credentials were given but the vendor read failed: the areas the person
 * asked to see were not seen, so the audit is incomplete (exit 2 unless a finding already gives 1).
 */
export function vendorReadFailed(s: AdapterSuggestion, message: string): CoverageItem {
  return {
    area: 'static-forwards',
    status: 'error',
    code: 'VENDOR_READ_FAILED',
    reason:
      `Reading this ${s.adapter} through its own interface failed (${message}), so ${beyondUpnp(s.capabilities)} ` +
      `were not checked: fix the credentials and run boxaudit --vendor ${s.adapter} --host ${s.host}.`,
    details: {
      adapter: s.adapter,
      host: s.host,
      ...(s.capabilities ? { capabilities: s.capabilities } : {}),
      error: message,
    },
  };
}

function hostOf(address: string): string | null {
  try {
    return new URL(address).hostname.replace(/^\[|\]$/g, '') || null;
  } catch {
    return /^[\w.:-]+$/.test(address) ? address : null;
  }
}
