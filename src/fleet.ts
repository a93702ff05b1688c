import { type AuditOptions, buildReport } from './audit.js';
import { type AuditTarget, collect } from './collect.js';
import { checkOptions, isBoxauditError } from './errors.js';
import { loadRuleSet } from './rules/load.js';
import type { AuditReport, RuleSet } from './rules/types.js';

export interface FleetSite {
  /** The MSP's own name for the site; echoed back in the result. */
  name: string;
  target: AuditTarget;
}

export type FleetResult =
  | { name: string; ok: true; report: AuditReport }
  | { name: string; ok: false; error: { code: string; message: string } };

export interface FleetOptions extends AuditOptions {
  /** Sites audited at once (default 4, at most 64). */
  concurrency?: number;
}

/**
 * Audit many sites with bounded concurrency; one site's failure never stops the others.
 * Results are yielded as they finish (not in input order): write them as JSON lines.
 */
export async function* auditFleet(
  sites: Iterable<FleetSite>,
  options: FleetOptions = {},
): AsyncGenerator<FleetResult> {
  checkOptions('auditFleet', options);
  // One rule set for the whole fleet: a broken rule file fails before any site is contacted.
  const ruleSet = await loadRuleSet(options.rules, options.signal ? { signal: options.signal } : {});
  const limit = Math.min(Math.max(1, Math.floor(options.concurrency ?? 4)), 64);
  const queue = [...sites];
  const running = new Map<number, Promise<{ key: number; result: FleetResult }>>();
  let next = 0;
  const start = (site: FleetSite, key: number) =>
    running.set(
      key,
      auditOne(site, ruleSet, options).then((result) => ({ key, result })),
    );
  while (next < queue.length && running.size < limit) start(queue[next]!, next++);
  while (running.size > 0) {
    const { key, result } = await Promise.race(running.values());
    running.delete(key);
    if (next < queue.length && !options.signal?.aborted) start(queue[next]!, next++);
    yield result;
  }
}

async function auditOne(site: FleetSite, ruleSet: RuleSet, options: AuditOptions): Promise<FleetResult> {
  try {
    const { snapshots } = await collect(site.target, options);
    return { name: site.name, ok: true, report: buildReport(snapshots, ruleSet, options) };
  } catch (error) {
    const code = isBoxauditError(error) ? error.code : 'BOXAUDIT_INTERNAL';
    const message = error instanceof Error ? error.message : String(error);
    return { name: site.name, ok: false, error: { code, message } };
  }
}
