import type { Credentials } from './adapters/types.js';
import type { AdapterSuggestion } from './detect.js';
import type { DiscoveredGateway } from './discovery/ssdp.js';
import { BoxauditError, checkOptions } from './errors.js';
import type { Snapshot, Warning } from './model/types.js';
import { checkSnapshots } from './model/validate.js';
import type { VantageOptions } from './reachability.js';
import { mapStrings, redactSnapshot } from './reporters/redact.js';
import { createRedactor } from './reporters/sanitize.js';
import type { Lookup } from './transport/pin.js';
import { AuditBudget, type AuditLimits, applyBudget, budgetCoverage } from './util/budget.js';

/** What to audit. Exactly one form. */
export type AuditTarget =
  /** A device description URL: no SSDP at all. */
  | { upnp: string }
  /** Unicast M-SEARCH to one host, then its IGD. */
  | { gateway: string }
  /** SSDP discovery (multicast on the given or all interfaces + unicast to the default gateway). */
  | { discover: { interfaces?: string[] } }
  /** A vendor adapter (HTTP API or SSH). */
  | {
      vendor: string;
      host: string;
      port?: number;
      credentials?: Credentials;
      options?: Record<string, unknown>;
    }
  /** A saved `dump --json` document or a router's exported configuration. */
  | { file: string; vendor?: string };

/** Options of {@link collect}: abort signal, per-request timeout, credentials, budgets, probes. */
export interface CollectOptions {
  signal?: AbortSignal;
  /** Per-request deadline (ms; default: each adapter's own, UPnP 5 s, SSH 15 s) and the discovery window (default 3000). */
  timeoutMs?: number;
  /** Cap on UPnP mapping entries read per service. */
  maxEntries?: number;
  /** Follow an SSDP LOCATION that names another host than the one that answered. */
  allowForeignLocation?: boolean;
  /** Progress lines (never secrets). */
  log?: (line: string) => void;
  /**
   * After a discovered box is read over UPnP, fingerprint it and, when a vendor adapter fits, read
   * it through that adapter too (with `credentials`), or add a coverage note saying how. Default true.
   */
  detectVendor?: boolean;
  /** Credentials for an auto-detected vendor, by adapter id (e.g. BOXAUDIT_PASSWORD, a saved Freebox token). */
  credentialsFor?: (adapterId: string) => Credentials | undefined;
  /** Asked when a vendor was recognised and `credentials` do not cover it; null = skip. */
  askCredentials?: (suggestion: AdapterSuggestion) => Promise<Credentials | null>;
  /**
   * Whole-audit budgets (`util/budget.ts`, defaults in `DEFAULT_LIMITS`): forwards, bytes read, time per
   * adapter walk and for the audit, SSDP answers, descriptions fetched. Reaching one keeps what
   * was read and adds a `partial` coverage item with a `BUDGET_*` code.
   */
  limits?: Partial<AuditLimits>;
  /** Name resolution for the target (each adapter run resolves its host once). Default `dns.lookup`. */
  lookup?: Lookup;
  /**
   * Other secret values to keep out of the snapshots (replaced by `[redacted]` when the box echoes
   * them). The credentials given to this read (target, `credentialsFor`, `askCredentials`) always are.
   */
  secrets?: readonly string[];
  /**
   * After reading the box, greet what answers behind each enabled TCP forward whose internal host is
   * on the audited LAN (docs/probes.md): `true` or `'standard'` one harmless handshake per forward,
   * `'deep'` also the documented checks that need an anonymous login. The outcome is
   * `forward.probe`; what was done is `snapshot.probes`. Default: no probe (nothing is sent to LAN hosts).
   */
  probe?: boolean | 'standard' | 'deep';
  /**
   * With `probe`: the outside-in check (docs/probes.md). From this host outside the LAN
   * (`url: 'ssh://user@host[:port]'`, key or agent, the same host key rules as the SSH adapters),
   * the SSH server opens a TCP channel to the box's public address and each enabled TCP forward's
   * public port, and closes it without sending data: `forward.reachable` with `method: 'vantage'`.
   */
  vantage?: VantageOptions;
  /**
   * With `probe` and without `vantage`: connect from here to the box's public address on each
   * forward's public port (no data), `method: 'hairpin'`: weaker evidence, never `false`.
   */
  hairpin?: boolean;
  /**
   * With `probe`: also look the box's public IPv4 address up in Shodan's InternetDB (docs/probes.md):
   * `true` at the official URL, or `{ url }` for another one. The only thing sent outside the LAN,
   * and only when asked; never a private, CGNAT, loopback or unknown address. The answer is
   * `snapshot.probes.internetDb` (and `sentOutside`); a forward whose external port it lists gets
   * `reachable: { fromInternet: true, method: 'internet-db' }`. Default: no lookup.
   */
  internetDb?: boolean | { url?: string };
}

/** What {@link collect} read: one Snapshot per box, and warnings about the run itself. */
export interface CollectResult {
  snapshots: Snapshot[];
  /** Discovery-level warnings (hostile or odd SSDP answers…). */
  warnings: Warning[];
}

/**
 * Read everything the target shows: discovery → adapter → normalized snapshots.
 * Read-only; every request bounded. Throws BOXAUDIT_NOT_FOUND when no box answered at all.
 * Every snapshot passes the schema boundary (`checkSnapshot`): a value outside the published schema
 * is read as unknown, with a warning; and the credentials used (and `options.secrets`) are redacted
 * from it, even when the box echoed them back.
 */
export async function collect(target: AuditTarget, options: CollectOptions = {}): Promise<CollectResult> {
  checkOptions('collect', options);
  checkTarget(target);
  if (options.probe !== undefined && ![true, false, 'standard', 'deep'].includes(options.probe)) {
    throw new BoxauditError(
      'BOXAUDIT_USAGE',
      `collect: options.probe must be true, false, 'standard' or 'deep' (got ${JSON.stringify(options.probe)})`,
    );
  }
  if ((options.vantage !== undefined || options.hairpin === true) && !options.probe) {
    throw new BoxauditError(
      'BOXAUDIT_USAGE',
      `collect: options.${options.vantage !== undefined ? 'vantage' : 'hairpin'} is part of the probe step: set options.probe too`,
    );
  }
  if (options.vantage !== undefined) {
    if (options.vantage === null || typeof options.vantage !== 'object') {
      throw new BoxauditError(
        'BOXAUDIT_USAGE',
        'collect: options.vantage must be { url: "ssh://user@host[:port]", … }',
      );
    }
    // A malformed URL is refused before anything is read or sent.
    const { parseVantageUrl } = await import('./probes/vantage.js');
    parseVantageUrl(options.vantage.url);
  }
  const internetDbUrl = await checkInternetDb(options);
  // Every credential this read may send: a box that echoes one back must not put it in a snapshot.
  const secrets = new Set<string>(options.secrets ?? []);
  const keep = <C extends Credentials | null | undefined>(c: C): C => {
    for (const v of [c?.password, c?.token, c?.passphrase])
      if (typeof v === 'string' && v !== '') secrets.add(v);
    return c;
  };
  if ('credentials' in target) keep(target.credentials);
  if (typeof options.vantage?.passphrase === 'string' && options.vantage.passphrase !== '') {
    secrets.add(options.vantage.passphrase);
  }
  const { credentialsFor, askCredentials } = options;
  const watched: CollectOptions = {
    ...options,
    ...(credentialsFor ? { credentialsFor: (id: string) => keep(credentialsFor(id)) } : {}),
    ...(askCredentials
      ? { askCredentials: async (s: AdapterSuggestion) => keep(await askCredentials(s)) }
      : {}),
  };
  let result: CollectResult;
  let budget: AuditBudget;
  try {
    budget = AuditBudget.create(options.limits ?? {});
  } catch (error) {
    throw new BoxauditError('BOXAUDIT_USAGE', error instanceof Error ? error.message : String(error));
  }
  try {
    result = await collectSnapshots(target, watched, budget);
  } catch (error) {
    throw redactedError(error, createRedactor([...secrets]));
  }
  const redactor = createRedactor([...secrets]);
  let snapshots = checkSnapshots(result.snapshots);
  if (options.probe !== undefined && options.probe !== false) {
    const { probeSnapshots } = await import('./probe.js');
    snapshots = await probeSnapshots(snapshots, {
      mode: options.probe === 'deep' ? 'deep' : 'standard',
      budget,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.log ? { log: options.log } : {}),
      ...(options.vantage ? { vantage: options.vantage } : {}),
      ...(options.hairpin === true ? { hairpin: true } : {}),
    });
    if (internetDbUrl !== null) {
      const { internetDbSnapshots } = await import('./probes/internet-db.js');
      options.log?.(`looking the public address up at ${internetDbUrl} (--internet-db)`);
      snapshots = await internetDbSnapshots(snapshots, {
        url: internetDbUrl,
        budget,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    }
  }
  return { ...result, snapshots: snapshots.map((s) => redactSnapshot(s, redactor)) };
}

/** `options.internetDb` checked before anything is read: its base URL, or null when not asked. */
async function checkInternetDb(options: CollectOptions): Promise<string | null> {
  const asked = options.internetDb;
  if (asked === undefined || asked === false) return null;
  if (asked !== true && (typeof asked !== 'object' || asked === null)) {
    throw new BoxauditError('BOXAUDIT_USAGE', 'collect: options.internetDb must be true, false or { url }');
  }
  if (options.probe === undefined || options.probe === false) {
    throw new BoxauditError(
      'BOXAUDIT_USAGE',
      'collect: options.internetDb goes with options.probe (--internet-db with --probe): the lookup is part of the probe step',
    );
  }
  const { INTERNET_DB_URL, internetDbBaseUrl } = await import('./probes/internet-db.js');
  return internetDbBaseUrl(asked === true ? INTERNET_DB_URL : (asked.url ?? INTERNET_DB_URL));
}

const TARGET_KEYS = ['upnp', 'gateway', 'discover', 'vendor', 'file'] as const;

/**
 * Exactly one known target form. A target with a misspelt or unknown key (`{ from: … }`) must be
 * refused, never read as "discover": that would send SSDP onto the network nobody asked to search.
 */
function checkTarget(target: AuditTarget): void {
  const present =
    target !== null && typeof target === 'object' ? TARGET_KEYS.filter((k) => Object.hasOwn(target, k)) : [];
  // `{ file, vendor }` is one target: the vendor there only forces the export format.
  const given = present.includes('file') ? present.filter((k) => k !== 'vendor') : present;
  if (given.length !== 1) {
    const keys =
      target !== null && typeof target === 'object' ? Object.keys(target).join(', ') : typeof target;
    throw new BoxauditError(
      'BOXAUDIT_USAGE',
      `collect: the target must have exactly one of ${TARGET_KEYS.join(', ')} (got ${keys || 'none'}); discovery is asked for explicitly with { discover: {} }`,
    );
  }
}

/**
 * A library caller sees the error too, not only the CLI: its message and details lose every secret
 * (short ones included) that the adapters' own redaction may have let through; the raw cause is
 * dropped, since it holds the unredacted text.
 */
function redactedError(error: unknown, redactor: ReturnType<typeof createRedactor>): unknown {
  if (!(error instanceof BoxauditError) || redactor.empty) return error;
  const message = redactor.mixed(error.message);
  const details = mapStrings(error.details, redactor.mixed);
  if (message === error.message && JSON.stringify(details) === JSON.stringify(error.details)) return error;
  return new BoxauditError(error.code, message, { details });
}

async function collectSnapshots(
  target: AuditTarget,
  options: CollectOptions,
  budget: AuditBudget,
): Promise<CollectResult> {
  const timeoutMs = options.timeoutMs ?? 3000;
  // Adapters keep their own per-request defaults (SSH 15 s, UPnP 5 s) unless the caller set one.
  const adapterOptions: AdapterOptions = {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxEntries ? { maxEntries: options.maxEntries } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.lookup ? { lookup: options.lookup } : {}),
    budget,
  };

  if ('upnp' in target) {
    const { collectUpnp } = await import('./adapters/upnp-igd.js');
    const walk = budget.forWalk();
    const snapshot = await collectUpnp(target.upnp, { ...adapterOptions, budget: walk });
    return { snapshots: [applyBudget(snapshot, walk)], warnings: [] };
  }

  if ('file' in target) {
    const { loadSnapshotsFromFile } = await import('./import.js');
    const snapshots = await loadSnapshotsFromFile(target.file, {
      ...(target.vendor ? { vendor: target.vendor } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    // The forward budget holds for exports too (all their snapshots together).
    const walk = budget.forWalk();
    return { snapshots: snapshots.map((snapshot) => applyBudget(snapshot, walk)), warnings: [] };
  }

  if ('vendor' in target) {
    const { loadAdapter } = await import('./adapters/registry.js');
    const adapter = await loadAdapter(target.vendor);
    // `--host http://…` is the API's base URL (a box on another port, a simulator). A UPnP-based
    // adapter (SFR) given a bare host finds its description URL by unicast SSDP first.
    const url = /^https?:\/\//i.test(target.host)
      ? target.host
      : adapter.meta.transports.includes('upnp-soap')
        ? await descriptionUrlOf(target.host, timeoutMs, options)
        : undefined;
    const walk = budget.forWalk();
    const snapshot = await adapter.collect(
      {
        ...(url ? { url } : {}),
        host: target.host,
        ...(target.port ? { port: target.port } : {}),
        ...(target.credentials ? { credentials: target.credentials } : {}),
        ...(target.options ? { options: target.options } : {}),
      },
      { ...adapterOptions, budget: walk },
    );
    return { snapshots: [applyBudget(snapshot, walk)], warnings: [] };
  }

  return collectDiscovered(target, timeoutMs, adapterOptions, options);
}

async function descriptionUrlOf(host: string, timeoutMs: number, options: CollectOptions): Promise<string> {
  const { discover } = await import('./discovery/ssdp.js');
  const found = await discover({
    gateway: host,
    multicast: false,
    timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const location = found.gateways[0]?.location;
  if (!location) {
    throw new BoxauditError(
      'BOXAUDIT_NOT_FOUND',
      `[discovery] ${host} did not answer a UPnP search within ${timeoutMs} ms; give its description URL with --upnp URL`,
    );
  }
  return location;
}

/** What `collect` hands every adapter run (the budget is replaced by a walk of it per run). */
interface AdapterOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  maxEntries?: number;
  log?: (line: string) => void;
  lookup?: Lookup;
  budget: AuditBudget;
}

async function collectDiscovered(
  target: { gateway: string } | { discover: { interfaces?: string[] } },
  timeoutMs: number,
  adapterOptions: AdapterOptions,
  options: CollectOptions,
): Promise<CollectResult> {
  const budget = adapterOptions.budget;
  const { discover } = await import('./discovery/ssdp.js');
  const interfaces = 'discover' in target ? target.discover.interfaces : undefined;
  const found = await discover({
    ...('gateway' in target ? { gateway: target.gateway, multicast: false } : {}),
    ...(interfaces?.length ? { interfaces } : {}),
    timeoutMs,
    ...(options.allowForeignLocation ? { allowForeignLocation: true } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.log ? { log: options.log } : {}),
    maxAnswers: budget.limits.maxSsdpAnswers,
    maxGateways: budget.limits.maxDescriptions,
  });
  const locations = oneLocationPerDevice(found.gateways);
  if (locations.length === 0) {
    const where = 'gateway' in target ? `at ${target.gateway}` : 'on the local network';
    const notes = found.warnings.map((w) => w.message).join('; ');
    throw new BoxauditError(
      'BOXAUDIT_NOT_FOUND',
      `[discovery] no internet box answered UPnP discovery ${where} within ${timeoutMs} ms. ` +
        'This does NOT mean nothing is exposed: UPnP may be switched off, and manual port forwards ' +
        'are never visible over UPnP. Give the box with --gateway HOST or --upnp URL, or read it ' +
        `through its own API with --vendor ID --host HOST.${notes ? ` Discovery said: ${notes}` : ''}`,
      { details: { warnings: found.warnings } },
    );
  }
  const { collectUpnp } = await import('./adapters/upnp-igd.js');
  const snapshots: Snapshot[] = [];
  const warnings = [...found.warnings];
  // Discovery kept at most maxDescriptions locations (each its own description fetch and walk).
  const budgetWarnings = found.warnings.filter(
    (w) => w.code === 'SSDP_ANSWER_LIMIT' || w.code === 'SSDP_GATEWAY_LIMIT',
  );
  let firstError: unknown;
  const skipped: string[] = [];
  for (const location of locations) {
    // The whole audit's time: a location not started in time is named, not silently dropped.
    if (budget.auditTimeLeft() <= 0) {
      skipped.push(location);
      continue;
    }
    options.log?.(`reading ${location}`);
    try {
      const walk = budget.forWalk();
      for (const w of budgetWarnings) {
        walk.hit(w.code === 'SSDP_ANSWER_LIMIT' ? 'ssdp-answers' : 'descriptions', w.where ?? '[ssdp]');
      }
      const snapshot = await collectUpnp(location, { ...adapterOptions, budget: walk });
      snapshot.target = { ...snapshot.target, kind: 'gateway' in target ? 'gateway' : 'discovered' };
      const discovered = found.gateways.find((g) => g.location === location);
      const read =
        options.detectVendor === false
          ? snapshot
          : await throughVendorIfKnown(
              snapshot,
              discovered,
              { ...adapterOptions, budget: walk },
              options,
              warnings,
            );
      snapshots.push(applyBudget(read, walk));
    } catch (error) {
      // One unreadable answer (a second IGD, a link-local address) must not sink the others.
      if (options.signal?.aborted) throw error;
      firstError ??= error;
      const message = error instanceof Error ? error.message : String(error);
      warnings.push({ code: 'UPNP_GATEWAY_UNREADABLE', message, where: location });
    }
  }
  if (skipped.length > 0) {
    const warning = {
      code: 'BUDGET_TIME',
      message: `the audit's time budget (${budget.limits.auditTimeMs} ms, --max-time) ran out before ${skipped.length} discovered box(es) could be read: ${skipped.join(', ')}`,
      where: skipped[0]!,
    };
    warnings.push(warning);
    const last = snapshots.at(-1);
    if (last) {
      last.warnings.push(warning);
      last.coverage.push(
        budgetCoverage('time', 'upnp-mappings', budget.limits, `${skipped.length} box(es) not read`),
      );
    }
  }
  if (snapshots.length === 0) {
    if (firstError === undefined) {
      throw new BoxauditError(
        'BOXAUDIT_TIMEOUT',
        `[discovery] the audit's time budget (${budget.limits.auditTimeMs} ms, --max-time) ran out before any box was read`,
        { details: { budget: 'time' } },
      );
    }
    throw firstError;
  }
  return { snapshots, warnings };
}

/**
 * A box answers once per search target, address family and sub-device: keep one description URL per
 * device (the UUID of its USN), preferring IPv4 (discovery lists IPv4 first), then one per URL.
 */
function oneLocationPerDevice(gateways: DiscoveredGateway[]): string[] {
  const byDevice = new Map<string, string>();
  for (const g of gateways) {
    const device = g.usn?.match(/^uuid:[^:]+/i)?.[0]?.toLowerCase() ?? g.location;
    if (!byDevice.has(device)) byDevice.set(device, g.location);
  }
  return [...new Set(byDevice.values())];
}

/**
 * Fingerprint a box read over UPnP. When a vendor adapter fits and credentials are at hand, its
 * snapshot replaces the UPnP one (it sees manual forwards, the DMZ and the UPnP mappings); when it
 * fails, or no credentials were given, the UPnP snapshot stays, with a coverage note saying how.
 */
async function throughVendorIfKnown(
  snapshot: Snapshot,
  discovered: DiscoveredGateway | undefined,
  adapterOptions: AdapterOptions,
  options: CollectOptions,
  warnings: Warning[],
): Promise<Snapshot> {
  const { hasNeededCredentials, suggestAdapter, vendorHint, vendorReadFailed } = await import('./detect.js');
  const suggestion = await suggestAdapter(snapshot, discovered, adapterOptions);
  if (!suggestion) return snapshot;
  options.log?.(`this box looks like a ${suggestion.adapter} (${suggestion.reason})`);
  let credentials = options.credentialsFor?.(suggestion.adapter);
  if (!hasNeededCredentials(suggestion.credentials, credentials) && options.askCredentials) {
    credentials = (await options.askCredentials(suggestion)) ?? credentials;
  }
  if (hasNeededCredentials(suggestion.credentials, credentials)) {
    const { loadAdapter } = await import('./adapters/registry.js');
    const adapter = await loadAdapter(suggestion.adapter);
    const vendorWalk = adapterOptions.budget.forWalk();
    try {
      options.log?.(`reading it through its own interface (${suggestion.adapter} at ${suggestion.host})`);
      const vendorSnapshot = await adapter.collect(
        {
          host: suggestion.host,
          // UPnP-based vendors (SFR) read the description already found; the others their own API.
          ...(adapter.meta.transports.includes('upnp-soap') && snapshot.gateway.descriptionUrl
            ? { url: snapshot.gateway.descriptionUrl }
            : {}),
          ...(credentials ? { credentials } : {}),
        },
        // Its own walk: the vendor adapter gets its own time, from the same audit budget.
        { ...adapterOptions, budget: vendorWalk },
      );
      // The caller notes the budgets that ran out on the snapshot it keeps.
      for (const hit of vendorWalk.hits) adapterOptions.budget.hit(hit.kind, hit.where);
      return vendorSnapshot;
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const message = error instanceof Error ? error.message : String(error);
      // Kept in the snapshot (JSON consumers see it) and said on stderr by the CLI.
      const warning = {
        code: 'VENDOR_READ_FAILED',
        message: `${message}; the report falls back to what UPnP shows`,
        where: suggestion.host,
      };
      snapshot.warnings.push(warning);
      warnings.push(warning);
      snapshot.coverage.push(vendorReadFailed(suggestion, message));
      return snapshot;
    }
  }
  snapshot.coverage.push(vendorHint(suggestion));
  return snapshot;
}
