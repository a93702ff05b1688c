/**
 * The outside-in step of the pipeline (issue 13, docs/probes.md "Does the Internet reach it?"):
 * after the LAN probes, with `vantage` (a host outside the LAN, over SSH) or `hairpin` (from
 * inside, weaker), check whether the box's public address answers on each enabled TCP forward's
 * public port, and record `forward.reachable` and, on `snapshot.probes`, what was sent where.
 * Only the public address the box itself reported is ever a destination (`publicAddressOf`).
 * Bounded (deadlines, concurrency, a cap on ports, the audit's time); never throws for a network
 * or SSH outcome.
 */
import { networkInterfaces } from 'node:os';
import type { ForwardReachability, Snapshot, Warning } from './model/types.js';
import { checkHairpin, type HairpinOptions } from './probes/hairpin.js';
import { localInterfacePrefixes } from './probes/index.js';
import {
  type LanSide,
  lanSideOf,
  publicAddressOf,
  type ReachReason,
  reached,
  reachLimits,
  reachPlan,
} from './probes/reach.js';
import { checkFromVantage, parseVantageUrl, type VantageOptions } from './probes/vantage.js';
import type { AuditBudget } from './util/budget.js';

export type { HairpinOptions } from './probes/hairpin.js';
export type { ReachLimits, ReachReason } from './probes/reach.js';
export type { VantageOptions } from './probes/vantage.js';
export { parseVantageUrl } from './probes/vantage.js';

export interface ReachabilityOptions {
  /** Check from this host outside the LAN, over SSH (the stronger evidence; `hairpin` is then not run). */
  vantage?: VantageOptions;
  /** Without a vantage host: connect from here to the box's public address (weaker evidence). */
  hairpin?: boolean | HairpinOptions;
  signal?: AbortSignal;
  /** The audit's budget: the step stops when its time runs out. */
  budget?: AuditBudget;
  /** This machine's own addresses and prefixes (default: read from the OS); never a destination. */
  local?: Partial<LanSide>;
  log?: (line: string) => void;
}

/** Warning code: the outside-in check was asked but not run, because of the box's public address. */
export const REACH_SKIPPED_WARNING = 'REACHABILITY_NOT_CHECKED';

/** This machine's interface addresses and prefixes (loopback left out). */
function localSide(): LanSide {
  const addresses: string[] = [];
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) if (!entry.internal) addresses.push(entry.address);
  }
  return { addresses, prefixes: localInterfacePrefixes() };
}

/** Is the step asked for at all? */
export function reachabilityAsked(options: ReachabilityOptions): boolean {
  return options.vantage !== undefined || (options.hairpin !== undefined && options.hairpin !== false);
}

/**
 * Check one snapshot; returns a new snapshot with `forward.reachable` on every forward and, on
 * `snapshot.probes` (when present), `vantage` and `sentOutside` filled in.
 */
export async function checkReachability(snapshot: Snapshot, options: ReachabilityOptions): Promise<Snapshot> {
  if (!reachabilityAsked(options)) return snapshot;
  const method: ForwardReachability['method'] = options.vantage ? 'vantage' : 'hairpin';
  // A malformed vantage URL is the caller's mistake: a usage error before anything is sent.
  const vantage = options.vantage ? parseVantageUrl(options.vantage.url) : null;
  const hairpin = typeof options.hairpin === 'object' ? options.hairpin : {};
  const asked = reachLimits(options.vantage?.limits ?? hairpin.limits);
  const plan = reachPlan(snapshot.forwards, asked.maxForwards);
  const local = options.local ? { addresses: [], prefixes: [], ...options.local } : localSide();
  const decision = publicAddressOf(snapshot, lanSideOf(snapshot, local));
  const warnings: Warning[] = [...snapshot.warnings];
  const sentOutside = [...(snapshot.probes?.sentOutside ?? [])];
  const byPort = new Map<number, ForwardReachability>();

  if (!decision.ok) {
    if (plan.ports.length > 0 && decision.reason !== 'BEHIND_ANOTHER_NAT') {
      warnings.push({
        code: REACH_SKIPPED_WARNING,
        message: `the ${method} check was not run (${decision.reason}): boxaudit only ever connects to the public address the box itself reported during a live read, and only when it is a public address outside the LAN (got ${JSON.stringify(snapshot.gateway.externalIp ?? null)}); whether the Internet reaches each forward is unknown`,
        where: 'gateway.externalIp',
      });
    }
  } else if (plan.ports.length > 0) {
    const address = decision.address;
    const timeLeft = options.budget ? Math.max(1, options.budget.auditTimeLeft()) : asked.totalTimeMs;
    const totalTimeMs = Math.min(asked.totalTimeMs, timeLeft);
    const ctx = {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.log ? { log: options.log } : {}),
    };
    const shown = address.includes(':') ? `[${address}]` : address;
    let results: ForwardReachability[];
    if (options.vantage && vantage) {
      options.log?.(`outside-in check from ${vantage.label}: ${plan.ports.length} port(s) of ${address}`);
      const r = await checkFromVantage(
        address,
        plan.ports,
        { ...options.vantage, limits: { ...options.vantage.limits, totalTimeMs } },
        ctx,
      );
      results = r.results;
      if (r.warning) warnings.push(r.warning);
      if (r.contacted) {
        sentOutside.push({
          what: `an SSH connection; from there, TCP connections without data to ${shown} port(s) ${plan.ports.join(', ')}`,
          to: vantage.label,
          kind: 'vantage',
          address,
          ports: [...plan.ports],
        });
      }
    } else {
      options.log?.(`hairpin check: ${plan.ports.length} port(s) of ${address}`);
      results = await checkHairpin(address, plan.ports, { limits: { ...hairpin.limits, totalTimeMs } }, ctx);
      sentOutside.push({
        what: `TCP connections without data (hairpin check) to port(s) ${plan.ports.join(', ')}`,
        to: `${shown} (the box's public address)`,
        kind: 'hairpin',
        address,
        ports: [...plan.ports],
      });
    }
    for (const [i, port] of plan.ports.entries()) byPort.set(port, results[i]!);
  }

  const forwards = snapshot.forwards.map((f, i) => {
    const planned = plan.perForward[i]!;
    let reachable: ForwardReachability;
    if ('reason' in planned) reachable = reached(method, null, planned.reason);
    else if (!decision.ok) reachable = reached(method, null, decision.reason);
    else {
      reachable = { ...(byPort.get(planned.port) ?? reached(method, null, 'BUDGET_TIME')) };
      // Refused to the vantage host proves nothing for the sources the forward admits.
      if (reachable.fromInternet === false && f.remoteHost !== null && f.remoteHost.trim() !== '') {
        reachable = reached(method, null, 'SOURCE_RESTRICTED' satisfies ReachReason);
      }
    }
    return { ...f, reachable };
  });
  return {
    ...snapshot,
    forwards,
    warnings,
    ...(snapshot.probes
      ? { probes: { ...snapshot.probes, sentOutside, vantage: vantage?.label ?? snapshot.probes.vantage } }
      : {}),
  };
}
