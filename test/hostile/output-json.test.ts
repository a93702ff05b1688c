/**
 * Issue 11, item 3 (JSON): C1 controls (the 8-bit CSI U+009B), DEL and bidirectional overrides
 * (U+202E…) from the box must not reach a terminal or an editor raw through `--json`: they are
 * written as \uXXXX escapes, the JSON stays valid and parses back to the very same strings.
 */
import { describe, expect, it } from 'vitest';
import { render, renderDump } from '../../src/reporters/index.js';
import { doctorOffice, schemaAjv } from '../reporters/helpers.js';

const NASTY =
  'PACS\u009b2J\u007f\u0085 \u202eSCAP\u202c \u2066iso\u2069 \u200e\u200f\u061c \u2028\u2029 \u202a\u202b\u202d\u2067\u2068 end';
/** What must never appear raw in JSON text. */
const RAW = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function planted() {
  const r = doctorOffice();
  r.snapshots[0]!.forwards[0]!.description = NASTY;
  r.snapshots[0]!.gateway.friendlyName = NASTY;
  r.snapshots[0]!.warnings.push({ code: 'X', message: NASTY, where: NASTY });
  r.findings[0]!.message = { en: `Forward "${NASTY}"`, fr: `Redirection "${NASTY}"` };
  return r;
}

describe('JSON output escapes C1 controls and bidi overrides', () => {
  it('report: no raw C1/bidi character, valid JSON, same strings back, still schema-valid', () => {
    const report = planted();
    const json = render(report, { format: 'json' });
    expect(json).not.toMatch(RAW);
    expect(json).toContain('\\u009b2J');
    expect(json).toContain('\\u202eSCAP');
    const back = JSON.parse(json);
    expect(back).toEqual(report);
    expect(back.snapshots[0].forwards[0].description).toBe(NASTY);
    const ajv = schemaAjv();
    const validate = ajv.getSchema('https://boxaudit.dev/schema/report.schema.json')!;
    expect(validate(back), ajv.errorsText(validate.errors)).toBe(true);
  });

  it('dump and SARIF: the same', () => {
    const report = planted();
    const dump = renderDump(
      { schemaVersion: report.schemaVersion, snapshots: report.snapshots },
      { format: 'json' },
    );
    expect(dump).not.toMatch(RAW);
    expect(JSON.parse(dump).snapshots[0].forwards[0].description).toBe(NASTY);
    const sarif = render(report, { format: 'sarif' });
    expect(sarif).not.toMatch(RAW);
    expect(() => JSON.parse(sarif)).not.toThrow();
  });

  it('an ordinary report is byte-identical to JSON.stringify (nothing else changes)', () => {
    const report = doctorOffice();
    expect(render(report, { format: 'json' })).toBe(`${JSON.stringify(report, null, 2)}\n`);
  });
});
