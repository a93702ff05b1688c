/**
 * Whole-audit budgets. The per-reply caps (body size, per-request deadline) and per-service caps
 * (`maxEntries`) bound one exchange; these bound the audit as a whole, whatever a hostile box does:
 * many WAN services, a long slow list, a flood of SSDP answers, or replies that are each just under
 * the cap. Reaching one is never a crash: what was read is kept, and a `partial` coverage item with
 * a `BUDGET_*` code says which budget stopped the audit and where.
 *
 * One `AuditBudget` per audit (`collect`); each adapter run gets a walk (`forWalk`) sharing its
 * counters but with its own deadline. The request core (`transport/request.ts`) counts every byte
 * read against it and never waits past its deadline.
 */
import { checkOptions } from '../errors.js';
import type { CoverageArea, CoverageItem, Snapshot } from '../model/types.js';

/** Limits of a whole audit (CLI `--max-forwards`, `--max-bytes`, `--max-time`…); see {@link DEFAULT_LIMITS}. */
export interface AuditLimits {
  /** Forwards kept over the whole audit, every adapter together (CLI `--max-forwards`). */
  maxForwards: number;
  /** Reply bytes read over the whole audit (CLI `--max-bytes`). */
  maxBytes: number;
  /** Wall-clock time of the whole audit, in ms (CLI `--max-time`). */
  auditTimeMs: number;
  /** Wall-clock time of one adapter's walk of one box, in ms (CLI `--max-walk-time`). */
  walkTimeMs: number;
  /** SSDP answers processed in one search (CLI `--max-ssdp-answers`). */
  maxSsdpAnswers: number;
  /** Device descriptions fetched after discovery (boxes read over UPnP; CLI `--max-descriptions`). */
  maxDescriptions: number;
}

/** The default {@link AuditLimits} of an audit (the CLI's defaults). */
export const DEFAULT_LIMITS: Readonly<AuditLimits> = Object.freeze({
  maxForwards: 4096,
  maxBytes: 64 * 1024 * 1024,
  auditTimeMs: 15 * 60_000,
  walkTimeMs: 5 * 60_000,
  maxSsdpAnswers: 256,
  maxDescriptions: 8,
});

/** Which budget ran out; the coverage code is `BUDGET_<kind upper-cased>`. */
export type BudgetKind = 'forwards' | 'bytes' | 'time' | 'descriptions' | 'ssdp-answers';

export const BUDGET_CODES: Readonly<Record<BudgetKind, string>> = {
  forwards: 'BUDGET_FORWARDS',
  bytes: 'BUDGET_BYTES',
  time: 'BUDGET_TIME',
  descriptions: 'BUDGET_DESCRIPTIONS',
  'ssdp-answers': 'BUDGET_SSDP_ANSWERS',
};

interface Shared {
  limits: AuditLimits;
  bytes: number;
  forwards: number;
  auditDeadline: number;
}

/** A budget that ran out during one walk, for the coverage note. */
export interface BudgetHit {
  kind: BudgetKind;
  /** What was stopped, e.g. a URL or `WANIPConnection:1#GetGenericPortMappingEntry`. */
  where: string;
}

/** The budgets of one audit (forwards, bytes, time) shared by every adapter it runs; a limit reached keeps what was read, marked partial. */
export class AuditBudget {
  /** The walk's own deadline (epoch ms): the earlier of the audit's and its walk limit. */
  readonly deadline: number;
  /** Budgets that ran out during this walk (each kind once). */
  readonly hits: BudgetHit[] = [];

  private constructor(
    private readonly shared: Shared,
    deadline: number,
    private readonly now: () => number,
  ) {
    this.deadline = deadline;
  }

  /**
   * A fresh audit budget. Limits not given take {@link DEFAULT_LIMITS}.
   * @throws RangeError when a limit is not a positive integer.
   */
  static create(limits: Partial<AuditLimits> = {}, now: () => number = Date.now): AuditBudget {
    checkOptions('AuditBudget.create', limits);
    const merged: AuditLimits = { ...DEFAULT_LIMITS };
    for (const [key, value] of Object.entries(limits) as Array<[keyof AuditLimits, number | undefined]>) {
      if (value === undefined) continue;
      if (!Number.isInteger(value) || value <= 0) {
        throw new RangeError(`budget ${key} must be a positive integer, got ${value}`);
      }
      merged[key] = value;
    }
    const start = now();
    const shared: Shared = {
      limits: merged,
      bytes: 0,
      forwards: 0,
      auditDeadline: start + merged.auditTimeMs,
    };
    return new AuditBudget(shared, shared.auditDeadline, now);
  }

  get limits(): Readonly<AuditLimits> {
    return this.shared.limits;
  }

  /** A walk of one box by one adapter: same counters, deadline min(audit, now + walkTimeMs). */
  forWalk(): AuditBudget {
    const deadline = Math.min(this.shared.auditDeadline, this.now() + this.shared.limits.walkTimeMs);
    return new AuditBudget(this.shared, deadline, this.now);
  }

  /** Milliseconds left before this walk's deadline (0 when past it). */
  timeLeft(): number {
    return Math.max(0, this.deadline - this.now());
  }

  /** Milliseconds left of the whole audit. */
  auditTimeLeft(): number {
    return Math.max(0, this.shared.auditDeadline - this.now());
  }

  /** True when the walk's deadline is at or before the audit's (the walk limit, not the audit's, stops it). */
  get walkLimited(): boolean {
    return this.deadline < this.shared.auditDeadline;
  }

  /** Bytes the whole audit may still read. */
  bytesLeft(): number {
    return Math.max(0, this.shared.limits.maxBytes - this.shared.bytes);
  }

  /** Count `count` bytes read against the whole audit's byte budget. */
  addBytes(count: number): void {
    this.shared.bytes += count;
  }

  get bytesRead(): number {
    return this.shared.bytes;
  }

  /** Forwards the whole audit may still take. */
  forwardsLeft(): number {
    return Math.max(0, this.shared.limits.maxForwards - this.shared.forwards);
  }

  /** Take up to `count` forwards; returns how many were granted. */
  takeForwards(count: number): number {
    const granted = Math.min(count, this.forwardsLeft());
    this.shared.forwards += granted;
    return granted;
  }

  /** Record that a budget ran out (once per kind and walk). */
  hit(kind: BudgetKind, where: string): void {
    if (!this.hits.some((h) => h.kind === kind)) this.hits.push({ kind, where });
  }
}

const AREAS_BY_KIND: Record<BudgetKind, CoverageArea[]> = {
  forwards: ['static-forwards', 'upnp-mappings'],
  bytes: ['static-forwards', 'upnp-mappings'],
  time: ['static-forwards', 'upnp-mappings'],
  descriptions: ['upnp-mappings'],
  'ssdp-answers': ['upnp-mappings'],
};

/** The `partial` coverage item saying a budget stopped the reading. */
export function budgetCoverage(
  kind: BudgetKind,
  area: CoverageArea,
  limits: Readonly<AuditLimits>,
  where: string,
): CoverageItem {
  const what: Record<BudgetKind, [string, number, string]> = {
    forwards: ['forwards', limits.maxForwards, '--max-forwards'],
    bytes: ['bytes read', limits.maxBytes, '--max-bytes'],
    time: ['ms', limits.walkTimeMs, '--max-walk-time / --max-time'],
    descriptions: ['device descriptions', limits.maxDescriptions, '--max-descriptions'],
    'ssdp-answers': ['SSDP answers', limits.maxSsdpAnswers, '--max-ssdp-answers'],
  };
  const [unit, limit, flag] = what[kind];
  return {
    area,
    status: 'partial',
    code: BUDGET_CODES[kind],
    reason: `the audit's ${kind} budget (${limit} ${unit}, ${flag}) ran out at ${where}; what was read before is kept, the rest was not read`,
    details: { budget: kind, limit, where },
  };
}

/**
 * Add the coverage notes for the budgets this walk ran out of, and cut the snapshot's forwards to
 * what is left of the audit's forward budget (the cut is noted too). Mutates and returns `snapshot`.
 */
export function applyBudget(snapshot: Snapshot, budget: AuditBudget): Snapshot {
  // Walks (UPnP, FRITZ!Box) stop early by peeking at forwardsLeft(); the forwards are taken here, once.
  const count = snapshot.forwards.length;
  const granted = budget.takeForwards(count);
  if (granted < count) {
    snapshot.forwards = snapshot.forwards.slice(0, granted);
    budget.hit('forwards', `${snapshot.target.adapter} ${snapshot.target.address}`);
  }
  for (const hit of budget.hits) {
    // Noted on the areas this snapshot read (an area it cannot see stays "not visible").
    const read = AREAS_BY_KIND[hit.kind].filter((area) =>
      snapshot.coverage.some((c) => c.area === area && (c.status === 'complete' || c.status === 'partial')),
    );
    for (const area of read.length > 0 ? read : AREAS_BY_KIND[hit.kind].slice(0, 1)) {
      if (snapshot.coverage.some((c) => c.area === area && c.code === BUDGET_CODES[hit.kind])) continue;
      // A budget never leaves an area looking complete.
      for (const c of snapshot.coverage) {
        if (c.area === area && c.status === 'complete') c.status = 'partial';
      }
      snapshot.coverage.push(budgetCoverage(hit.kind, area, budget.limits, hit.where));
    }
  }
  return snapshot;
}
