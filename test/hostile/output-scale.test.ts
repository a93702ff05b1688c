/**
 * Issue 11, item 4: a box with hundreds of thousands of forwards must not crash the renderers.
 * Markdown used to overflow the stack (`push(...rows)`) near 120,000 rows; JSON and --output built
 * one string and failed with "Invalid string length" once the text passed V8's limit. Every format
 * is now produced in pieces (`renderChunks`), `render` says BOXAUDIT_TOO_LARGE instead of a
 * RangeError, and the CLI writes piece by piece. Sizes only, no timing.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileChunks } from '../../src/cli/write.js';
import { isBoxauditError } from '../../src/errors.js';
import { joinChunks, MAX_STRING_LENGTH } from '../../src/reporters/chunks.js';
import { render, renderChunks } from '../../src/reporters/index.js';
import { jsonChunks } from '../../src/reporters/json.js';
import { bigReport } from '../reporters/big-report.js';
import { doctorOffice } from '../reporters/helpers.js';

const N = 200_000;
/** Long descriptions (boxes accept hundreds of characters): the JSON passes V8's string limit. */
const PAD = 'x'.repeat(1500);
const SLOW = 600_000;

const report = bigReport(doctorOffice(), N);
report.snapshots[0]!.forwards.forEach((f, i) => {
  f.description = `host-${i} ${PAD}`;
});
const dir = mkdtempSync(join(tmpdir(), 'boxaudit-scale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A streaming JSON well-formedness check: strings and escapes, balanced brackets, one top-level
 * value; counts the occurrences of `needle` (which must not span pieces with a quote in it).
 */
function checkJsonStream(chunks: Iterable<string>, needle: string): { total: number; hits: number } {
  const stack: string[] = [];
  let inString = false;
  let escaped = false;
  let total = 0;
  let hits = 0;
  let carry = '';
  let closedTop = false;
  for (const chunk of chunks) {
    total += chunk.length;
    const window = carry + chunk;
    for (let at = window.indexOf(needle); at !== -1; at = window.indexOf(needle, at + 1)) {
      if (at + needle.length > carry.length) hits++;
    }
    carry = window.slice(-needle.length + 1);
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) inString = false;
        else if (c < 0x20) throw new Error(`raw control character ${c} in a string`);
        continue;
      }
      if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) {
        if (closedTop) throw new Error('a second top-level value');
        stack.push(c === 0x7b ? '}' : ']');
      } else if (c === 0x7d || c === 0x5d) {
        const want = stack.pop();
        if (want !== String.fromCharCode(c)) throw new Error(`unbalanced ${String.fromCharCode(c)}`);
        if (stack.length === 0) closedTop = true;
      }
    }
  }
  if (inString || stack.length > 0 || !closedTop) throw new Error('truncated JSON');
  return { total, hits };
}

describe(`${N} forwards with ${N} findings`, () => {
  it(
    'Markdown: rendered without a stack overflow, one row per finding, the status line last',
    () => {
      const md = render(report, { format: 'markdown', lang: 'en' });
      let rows = 0;
      for (
        let at = md.indexOf('\n| `BOX-RA-001` |');
        at !== -1;
        at = md.indexOf('\n| `BOX-RA-001` |', at + 1)
      )
        rows++;
      expect(rows).toBe(N);
      expect(md.trimEnd().split('\n').at(-2)).toContain(`critical=${N} `);
    },
    SLOW,
  );

  it(
    'JSON: written in pieces, well-formed, every forward there, larger than one string could hold',
    () => {
      const { total, hits } = checkJsonStream(renderChunks(report, { format: 'json' }), '"host-');
      expect(hits).toBe(N);
      expect(total).toBeGreaterThan(MAX_STRING_LENGTH); // could never have been one string
    },
    SLOW,
  );

  it(
    'render() says BOXAUDIT_TOO_LARGE (not "Invalid string length") when one string cannot hold it',
    () => {
      const big = 'x'.repeat(2 ** 27);
      const pieces = function* () {
        for (let i = 0; i * big.length <= MAX_STRING_LENGTH; i++) yield big;
      };
      let error: unknown;
      try {
        joinChunks(pieces(), 'JSON report');
      } catch (e) {
        error = e;
      }
      expect(isBoxauditError(error, 'BOXAUDIT_TOO_LARGE'), String(error)).toBe(true);
      expect((error as Error).message).toMatch(/renderChunks/);
    },
    SLOW,
  );

  it(
    'text through the CLI file writer: complete, one block per finding, status line last',
    async () => {
      const file = join(dir, 'report.txt');
      await writeFileChunks(file, renderChunks(report, { format: 'text' }), new AbortController().signal);
      const text = readFileSync(file, 'utf8');
      expect(statSync(file).size).toBe(Buffer.byteLength(text));
      let blocks = 0;
      for (let at = text.indexOf('\n  * '); at !== -1; at = text.indexOf('\n  * ', at + 1)) blocks++;
      expect(blocks).toBe(N);
      expect(text.trimEnd().split('\n').at(-1)).toMatch(
        new RegExp(`^BOXAUDIT status=findings critical=${N} `),
      );
    },
    SLOW,
  );
});

describe('JSON in pieces is byte-identical to JSON.stringify', () => {
  it('on odd values: undefined members, Dates, empty containers, big nested arrays, NaN', () => {
    const doc = {
      a: undefined,
      b: [undefined, () => 1, null, Number.NaN, new Date(0), [], {}],
      c: { d: Array.from({ length: 100 }, (_, i) => ({ i, e: [i, { f: `g${i}` }] })), h: {} },
      list: Array.from({ length: 70 }, (_, i) => ({ deep: { deeper: [i] }, s: 'é\u2028' })),
      when: new Date(86_400_000),
    };
    const expected = `${JSON.stringify(doc, null, 2).replace(/\u2028/g, '\\u2028')}\n`;
    expect([...jsonChunks(doc)].join('')).toBe(expected);
  });

  it('on the doctor office report, and with a few thousand forwards', () => {
    for (const r of [doctorOffice(), bigReport(doctorOffice(), 3000)]) {
      expect(render(r, { format: 'json' })).toBe(`${JSON.stringify(r, null, 2)}\n`);
    }
  });
});
