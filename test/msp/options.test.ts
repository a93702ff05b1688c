/**
 * The MSP functions of the public API check their arguments like every other (issue 15 part 2):
 * options that are not an object, or a signal that is not an AbortSignal, give
 * BOXAUDIT_INPUT_INVALID naming the function — never a bare TypeError from deep inside — and a
 * fleet line never carries a terminal control or bidi character from a box.
 */
import { describe, expect, it } from 'vitest';
import * as lib from '../../src/index.js';
import { doctorOffice } from '../reporters/helpers.js';

async function failure(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return 'did not throw';
}

describe('MSP functions check their options', () => {
  const report = doctorOffice();
  const payload = lib.webhookPayload(report)!;
  const calls: Record<string, (options: unknown) => unknown> = {
    auditFleet: (o) => lib.auditFleet([], o as never).next(),
    readFleetFile: (o) => lib.readFleetFile('/nonexistent.json', o as never),
    readFleetBaseline: (o) => lib.readFleetBaseline('/nonexistent.jsonl', o as never),
    readAuditInput: (o) => lib.readAuditInput('/nonexistent.json', o as never),
    diffReports: (o) => lib.diffReports(report, report, o as never),
    renderPrometheus: (o) => lib.renderPrometheus([], o as never),
    webhookPayload: (o) => lib.webhookPayload(report, o as never),
    postWebhook: (o) => lib.postWebhook('http://127.0.0.1:9/', payload, o as never),
  };
  for (const [name, call] of Object.entries(calls)) {
    it(`${name}: options that are not an object, or a bad signal → BOXAUDIT_INPUT_INVALID naming ${name}`, async () => {
      const e1 = await failure(() => call('fast'));
      expect(lib.isBoxauditError(e1, 'BOXAUDIT_INPUT_INVALID'), String(e1)).toBe(true);
      expect(String((e1 as Error).message)).toMatch(new RegExp(`^${name}: options`));
      const e2 = await failure(() => call({ signal: 'soon', env: {} }));
      expect(lib.isBoxauditError(e2, 'BOXAUDIT_INPUT_INVALID'), String(e2)).toBe(true);
    });
  }

  it('readFleetFile needs its options (the environment to read credentials from)', async () => {
    const e = await failure(() => (lib.readFleetFile as (p: string) => unknown)('/nonexistent.json'));
    expect(lib.isBoxauditError(e, 'BOXAUDIT_INPUT_INVALID')).toBe(true);
  });

  it('markBaseline refuses what is not a report', () => {
    expect(() => lib.markBaseline({} as never, report)).toThrow(
      /markBaseline: report is not an audit report/,
    );
  });
});

describe('fleetResultLine', () => {
  it('one line, box controls and bidi characters escaped, secrets redacted', () => {
    const hostile = 'x\u009b31m\u202eevil\u2028y';
    const line = lib.fleetResultLine(
      {
        name: 'site',
        ok: false,
        error: { code: 'BOXAUDIT_PROTOCOL_ERROR', message: `${hostile} pw=S3cr3t-value` },
      },
      ['S3cr3t-value'],
    );
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202e]/);
    expect(line).not.toContain('S3cr3t-value');
    expect(JSON.parse(line).error.message).toContain('x\u009b31m\u202eevil\u2028y');
  });
});
