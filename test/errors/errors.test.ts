/**
 * Errors that survive two copies of boxaudit in one process (issue 15): `isBoxauditError` tests the
 * registered brand `Symbol.for('boxaudit.error')`, not `instanceof`; every public function checks its
 * options first and throws BoxauditError BOXAUDIT_INPUT_INVALID, never a bare TypeError.
 * (ESM and CJS copies of the packed package are checked for real in test/package/pack.test.ts.)
 */
import { describe, expect, it, vi } from 'vitest';
import * as lib from '../../src/index.js';

async function secondCopy(): Promise<typeof import('../../src/errors.js')> {
  vi.resetModules();
  return import('../../src/errors.js');
}

describe('isBoxauditError across copies', () => {
  it('recognises an error made by another copy of the module, which instanceof does not', async () => {
    const other = await secondCopy();
    expect(other.BoxauditError).not.toBe(lib.BoxauditError);
    const foreign = new other.BoxauditError('BOXAUDIT_TIMEOUT', 'x timed out');
    expect(foreign instanceof lib.BoxauditError).toBe(false);
    expect(lib.isBoxauditError(foreign)).toBe(true);
    expect(lib.isBoxauditError(foreign, 'BOXAUDIT_TIMEOUT')).toBe(true);
    expect(lib.isBoxauditError(foreign, 'BOXAUDIT_NETWORK')).toBe(false);
    expect(other.isBoxauditError(new lib.BoxauditError('BOXAUDIT_USAGE', 'u'))).toBe(true);
  });

  it('does not take a look-alike for one', () => {
    const lookAlike = Object.assign(new Error('m'), { name: 'BoxauditError', code: 'BOXAUDIT_TIMEOUT' });
    expect(lib.isBoxauditError(lookAlike)).toBe(false);
    expect(lib.isBoxauditError(null)).toBe(false);
    expect(lib.isBoxauditError('BOXAUDIT_TIMEOUT')).toBe(false);
    const branded = new lib.BoxauditError('BOXAUDIT_TIMEOUT', 't');
    expect((branded as unknown as Record<symbol, unknown>)[Symbol.for('boxaudit.error')]).toBe(true);
  });
});

async function codeOf(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    expect(lib.isBoxauditError(error), String(error)).toBe(true);
    return (error as lib.BoxauditError).code;
  }
  return 'did not throw';
}

// discover() is left out: were its check missing, it would search the host's network (SSDP).
const bad: unknown = 'fast';
describe('public functions check their options', () => {
  const calls: Record<string, (options: unknown) => unknown> = {
    evaluate: (o) => lib.evaluate([], { rules: [], waivers: [], profiles: [] } as never, o as never),
    buildReport: (o) => lib.buildReport([], { rules: [], waivers: [], profiles: [] } as never, o as never),
    audit: (o) => lib.audit({ file: '/nonexistent' }, o as never),
    collect: (o) => lib.collect({ file: '/nonexistent' }, o as never),
    collectUpnp: (o) => lib.collectUpnp('http://127.0.0.1:9/', o as never),
    loadRuleSet: (o) => lib.loadRuleSet(undefined, o as never),
    validateRuleFiles: (o) => lib.validateRuleFiles([], o as never),
    defaultGateway: (o) => lib.defaultGateway(o as never),
    render: (o) => lib.render({} as never, o as never),
    renderDump: (o) => lib.renderDump({} as never, o as never),
    auditFleet: (o) => lib.auditFleet([], o as never).next(),
    PinnedTarget: (o) => new lib.PinnedTarget('http://127.0.0.1:9/', o as never),
    'AuditBudget.create': (o) => lib.AuditBudget.create(o as never),
  };
  for (const [name, call] of Object.entries(calls)) {
    it(`${name}: options that are not an object → BOXAUDIT_INPUT_INVALID naming ${name}`, async () => {
      expect(await codeOf(() => call(bad))).toBe('BOXAUDIT_INPUT_INVALID');
      await expect(Promise.resolve().then(() => call(bad))).rejects.toThrow(new RegExp(`^${name}: options`));
    });
    it(`${name}: a signal that is not an AbortSignal → BOXAUDIT_INPUT_INVALID`, async () => {
      expect(await codeOf(() => call({ signal: 'soon', now: '2026-01-01', format: 'json' }))).toBe(
        'BOXAUDIT_INPUT_INVALID',
      );
    });
  }

  it('evaluate() without options: BOXAUDIT_INPUT_INVALID, not a bare TypeError', async () => {
    const run = () => (lib.evaluate as (...a: unknown[]) => unknown)([], { rules: [], waivers: [] });
    expect(await codeOf(run)).toBe('BOXAUDIT_INPUT_INVALID');
    expect(run).toThrow('evaluate: the options argument is required');
  });

  it('a timeout that is not a finite duration is refused before any traffic', async () => {
    for (const timeoutMs of [Number.NaN, -1, Number.POSITIVE_INFINITY, '3000']) {
      expect(await codeOf(() => lib.collectUpnp('http://127.0.0.1:9/', { timeoutMs } as never))).toBe(
        'BOXAUDIT_INPUT_INVALID',
      );
    }
  });
});

describe('collect and audit refuse a target that is not exactly one known form', () => {
  // A misspelt key once fell back to SSDP discovery: the refusal must come before any traffic.
  for (const target of [{ from: '/nonexistent' }, {}, { upnp: 'http://127.0.0.1:9/', file: '/x' }, null]) {
    it(`${JSON.stringify(target)} → BOXAUDIT_USAGE, no discovery`, async () => {
      const discover = vi.spyOn(await import('../../src/discovery/ssdp.js'), 'discover');
      await expect(lib.collect(target as never)).rejects.toMatchObject({ code: 'BOXAUDIT_USAGE' });
      await expect(lib.audit(target as never)).rejects.toMatchObject({ code: 'BOXAUDIT_USAGE' });
      expect(discover).not.toHaveBeenCalled();
      discover.mockRestore();
    });
  }
});
