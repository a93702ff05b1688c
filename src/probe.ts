/**
 * The probe step of the pipeline (issue 13): after collection, greet what answers behind each
 * enabled TCP forward whose internal host is on the audited LAN, once, through the scope gate of
 * `probes/`, and record the outcome on the forward (`forward.probe`) and what was done on the
 * snapshot (`snapshot.probes`). Bounded: at most {@link PROBE_CONCURRENCY} probes at a time, each
 * with its own connect/read deadlines and byte cap, all inside the whole audit's time and byte
 * budget; the caller's AbortSignal ends it. Never throws for a network outcome.
 */
import { gatewayBehindAnotherNat } from './model/addresses.js';
import type { ForwardProbe, PortForward, ProbeRun, Snapshot, Warning } from './model/types.js';
import {
  type AnyProbeOptions,
  familyForPort,
  localInterfacePrefixes,
  type ProbeResult,
  type ProbeScope,
  probeService,
  type ServiceFamily,
} from './probes/index.js';
import {
  checkReachability,
  type HairpinOptions,
  reachabilityAsked,
  type VantageOptions,
} from './reachability.js';
import type { AuditBudget } from './util/budget.js';

/** Probes run at most this many at a time. */
export const PROBE_CONCURRENCY = 4;

export interface ProbeStepOptions {
  /** `standard` (default): one harmless handshake; `deep`: also the documented checks that need a login attempt. */
  mode?: 'standard' | 'deep';
  signal?: AbortSignal;
  /** The audit's budget: probes stop when its time or bytes run out (they count their bytes in it). */
  budget?: AuditBudget;
  /** This machine's interface prefixes (default: read from the OS); only private ones admit anything. */
  localPrefixes?: readonly string[];
  /** Per-probe bounds (defaults in probes/types.ts: connect 3 s, read 5 s, 64 KiB). */
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
  /** TEST ONLY: passed to the scope gate as `testOnlyPrefixes` (loopback servers). Never from a CLI flag. */
  testOnlyPrefixes?: readonly string[];
  log?: (line: string) => void;
  /** After the LAN probes, the outside-in check from a host outside the LAN (src/reachability.ts). */
  vantage?: VantageOptions;
  /** Without `vantage`: the hairpin check from here to the box's public address (weaker evidence). */
  hairpin?: boolean | HairpinOptions;
}

/** Warning code: the box's external address is private or CGNAT (100.64/10). */
export const DOUBLE_NAT_WARNING = 'IPV4_BEHIND_ANOTHER_NAT';

/**
 * Why the probe step itself skips a forward (before or instead of a probe); the probes' own codes
 * are `PROBE_REASONS` (probes/types.ts). A `forward.probe.reason` is one of the two lists.
 */
export const PROBE_STEP_REASONS = [
  'DISABLED',
  'UDP',
  'NO_INTERNAL_HOST',
  'NO_INTERNAL_PORT',
  'PORT_RANGE',
  'UNKNOWN_SERVICE',
  'BUDGET_TIME',
  'BUDGET_BYTES',
] as const;

/** One of {@link PROBE_STEP_REASONS}. */
export type ProbeStepReason = (typeof PROBE_STEP_REASONS)[number];

/** Why a forward is not probed before the scope gate is even asked (null: probe it). */
function notProbed(f: PortForward): { reason: ProbeStepReason; family: ServiceFamily | null } | null {
  if (f.enabled === false) return { reason: 'DISABLED', family: null };
  if (f.protocol !== 'tcp') return { reason: 'UDP', family: null };
  if (f.internalHost === null) return { reason: 'NO_INTERNAL_HOST', family: null };
  if (f.internalPort === null) return { reason: 'NO_INTERNAL_PORT', family: null };
  if (f.internalPort.start !== f.internalPort.end) return { reason: 'PORT_RANGE', family: null };
  const family = familyForPort(f.internalPort.start);
  if (family === null) return { reason: 'UNKNOWN_SERVICE', family: null };
  return null;
}

function skipped(reason: string, family: string | null, target: ForwardProbe['target']): ForwardProbe {
  return {
    status: 'skipped',
    family,
    service: null,
    reason,
    facts: {},
    target,
    bytesSent: 0,
    bytesReceived: 0,
  };
}

function fromResult(r: ProbeResult): ForwardProbe {
  return {
    status: r.status,
    family: r.family,
    service: r.service,
    reason: r.reason,
    facts: { ...r.facts },
    target: { host: r.host, port: r.port },
    bytesSent: r.bytesSent,
    bytesReceived: r.bytesReceived,
  };
}

/** The scope the gate applies to one snapshot: its LAN, this machine's private interfaces, never its WAN address. */
export function probeScopeOf(snapshot: Snapshot, options: ProbeStepOptions = {}): ProbeScope {
  return {
    lanPrefixes: snapshot.lanPrefixes ?? [],
    localPrefixes: options.localPrefixes ?? localInterfacePrefixes(),
    excludedAddresses: snapshot.gateway.externalIp ? [snapshot.gateway.externalIp] : [],
    ...(options.testOnlyPrefixes ? { testOnlyPrefixes: options.testOnlyPrefixes } : {}),
  };
}

/**
 * Probe the forwards of one snapshot; returns a new snapshot with `forward.probe` on every forward
 * and `probes` filled in (the input is not changed). Identical targets (`host:port` as a family)
 * are probed once and share the outcome.
 */
export async function probeSnapshot(snapshot: Snapshot, options: ProbeStepOptions = {}): Promise<Snapshot> {
  const mode = options.mode ?? 'standard';
  const scope = probeScopeOf(snapshot, options);
  const budget = options.budget;
  // The audit's remaining time bounds the whole step; the caller's signal ends it too.
  const signals = [
    options.signal,
    budget ? AbortSignal.timeout(Math.max(1, budget.auditTimeLeft())) : undefined,
  ].filter((s): s is AbortSignal => s !== undefined);
  const signal =
    signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
  const base: AnyProbeOptions = {
    scope,
    // Deep: the few documented checks that need a login attempt (anonymous FTP; docs/probes.md).
    ...(mode === 'deep' ? { deep: true } : {}),
    ...(signal ? { signal } : {}),
    ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    ...(options.readTimeoutMs ? { readTimeoutMs: options.readTimeoutMs } : {}),
  };

  const outcomes: ForwardProbe[] = new Array(snapshot.forwards.length);
  const jobs = new Map<string, { host: string; port: number; family: ServiceFamily; indexes: number[] }>();
  for (const [i, f] of snapshot.forwards.entries()) {
    const why = notProbed(f);
    const host = f.internalHost?.trim() ?? '';
    const port = f.internalPort?.start ?? 0;
    if (why) {
      outcomes[i] = skipped(
        why.reason,
        why.family,
        f.internalHost !== null && f.internalPort ? { host, port } : null,
      );
      continue;
    }
    const family = familyForPort(port)!;
    const key = `${host}|${port}|${family}`;
    const job = jobs.get(key);
    if (job) job.indexes.push(i);
    else jobs.set(key, { host, port, family, indexes: [i] });
  }

  const queue = [...jobs.values()];
  let next = 0;
  let budgetStop: ProbeStepReason | null = null;
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      const job = queue[next++]!;
      let outcome: ForwardProbe;
      if (budget && budget.bytesLeft() <= 0) budgetStop ??= 'BUDGET_BYTES';
      if (budget && budget.auditTimeLeft() <= 0) budgetStop ??= 'BUDGET_TIME';
      if (budgetStop) {
        outcome = skipped(budgetStop, job.family, { host: job.host, port: job.port });
      } else {
        const maxBytes = budget ? Math.max(1, Math.min(65_536, budget.bytesLeft())) : 65_536;
        options.log?.(`probing ${job.host}:${job.port} (${job.family})`);
        const result = await probeService(job.host, job.port, job.family, { ...base, maxBytes });
        budget?.addBytes(result.bytesReceived);
        outcome = fromResult(result);
        // The audit's clock, not the caller, ended it: say which budget.
        if (outcome.reason === 'ABORTED' && !options.signal?.aborted) outcome.reason = 'BUDGET_TIME';
      }
      for (const i of job.indexes) outcomes[i] = { ...outcome, facts: { ...outcome.facts } };
    }
  };
  await Promise.all(Array.from({ length: Math.min(PROBE_CONCURRENCY, queue.length) }, worker));

  const forwards = snapshot.forwards.map((f, i) => ({ ...f, probe: outcomes[i]! }));
  const probed = forwards.filter((f) => f.probe.status !== 'skipped').length;
  const warnings: Warning[] = [...snapshot.warnings];
  const external = snapshot.gateway.externalIp;
  if (gatewayBehindAnotherNat(snapshot.gateway) && !warnings.some((w) => w.code === DOUBLE_NAT_WARNING)) {
    warnings.push(doubleNatWarning(external));
  }
  const run: ProbeRun = {
    mode,
    probed,
    skipped: forwards.length - probed,
    scope: [...scope.lanPrefixes, ...(scope.localPrefixes ?? [])].filter((p, i, all) => all.indexOf(p) === i),
    sentOutside: [],
    vantage: null,
    internetDb: null,
  };
  const probedSnapshot: Snapshot = { ...snapshot, forwards, warnings, probes: run };
  if (!reachabilityAsked(options)) return probedSnapshot;
  return checkReachability(probedSnapshot, {
    ...(options.vantage ? { vantage: options.vantage } : {}),
    ...(options.hairpin !== undefined ? { hairpin: options.hairpin } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(budget ? { budget } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
}

/** The double-NAT / CGNAT warning: IPv4 forwards probably do not reach this box from the Internet — not a pass. */
export function doubleNatWarning(external: string | null): Warning {
  return {
    code: DOUBLE_NAT_WARNING,
    message: `the box's external address${external ? ` ${external}` : ''} is private or shared (CGNAT, 100.64.0.0/10): another router sits in front of this box, so its IPv4 forwards are probably not reachable from the Internet unless that router forwards the same ports; the findings stay (a forward is still to be removed, and the operator or the other router may open it)`,
    where: 'gateway.externalIp',
  };
}

/** {@link probeSnapshot} over several snapshots, one after the other (each bounded). */
export async function probeSnapshots(
  snapshots: Snapshot[],
  options: ProbeStepOptions = {},
): Promise<Snapshot[]> {
  const out: Snapshot[] = [];
  for (const s of snapshots) out.push(await probeSnapshot(s, options));
  return out;
}
