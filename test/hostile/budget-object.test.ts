/** The whole-audit budget object (src/util/budget.ts), with an injected clock. */
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/types.js';
import { AuditBudget, applyBudget, DEFAULT_LIMITS } from '../../src/util/budget.js';

const snapshot = (forwards: number, status: 'complete' | 'not-visible' = 'complete'): Snapshot =>
  ({
    target: { kind: 'vendor', address: 'http://192.168.1.1', adapter: 'bbox' },
    forwards: Array.from({ length: forwards }, (_, i) => ({ id: `f${i}` })),
    coverage: [
      { area: 'static-forwards', status, code: 'X', reason: 'x' },
      { area: 'upnp-mappings', status: 'not-visible', code: 'Y', reason: 'y' },
    ],
    warnings: [],
  }) as unknown as Snapshot;

describe('AuditBudget', () => {
  it('a walk ends at the earlier of its own limit and the audit deadline, and shares the counters', () => {
    let now = 1000;
    const audit = AuditBudget.create({ auditTimeMs: 10_000, walkTimeMs: 4000, maxBytes: 100 }, () => now);
    const first = audit.forWalk();
    expect(first.timeLeft()).toBe(4000);
    now = 8000;
    const second = audit.forWalk();
    expect(second.timeLeft()).toBe(3000); // the audit's deadline (11 000) comes first
    expect(first.timeLeft()).toBe(0);
    first.addBytes(60);
    expect(second.bytesLeft()).toBe(40);
  });

  it('defaults, and refuses a limit that is not a positive integer', () => {
    expect(AuditBudget.create().limits).toEqual(DEFAULT_LIMITS);
    expect(() => AuditBudget.create({ maxForwards: 0 })).toThrow(RangeError);
    expect(() => AuditBudget.create({ maxBytes: 1.5 })).toThrow(RangeError);
  });

  it('applyBudget cuts to what is left, notes it on the areas read, never on one it cannot see', () => {
    const walk = AuditBudget.create({ maxForwards: 5 }).forWalk();
    const a = applyBudget(snapshot(3), walk);
    expect(a.forwards).toHaveLength(3);
    expect(a.coverage.map((c) => c.code)).toEqual(['X', 'Y']);
    const b = applyBudget(snapshot(4), walk);
    expect(b.forwards).toHaveLength(2);
    const notes = b.coverage.filter((c) => c.code === 'BUDGET_FORWARDS');
    expect(notes).toEqual([
      expect.objectContaining({
        area: 'static-forwards',
        status: 'partial',
        details: expect.objectContaining({ limit: 5 }),
      }),
    ]);
    // What was complete is no longer claimed complete.
    expect(b.coverage.find((c) => c.code === 'X')?.status).toBe('partial');
    expect(b.coverage.find((c) => c.code === 'Y')?.status).toBe('not-visible');
  });
});
