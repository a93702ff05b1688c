/** JSON output: the document itself, 2-space indented, with a trailing newline (schema/report.schema.json). */
import { joinChunks } from './chunks.js';
import { escapeJsonText } from './sanitize.js';

/**
 * Containers down to this depth that hold a big array are written member by member; everything
 * else (a forward, a finding) in one piece each.
 */
const EXPAND_DEPTH = 4; // report → snapshots → snapshot → forwards; SARIF log → runs → run → results

function skipped(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

/** Arrays longer than this are written element by element. */
const BIG_ARRAY = 64;

function expandable(value: unknown): value is object {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  );
}

/** Whether a big array sits within `levels` levels of `value` (only those containers are split). */
function holdsBigArray(value: unknown, levels: number): boolean {
  if (levels <= 0 || !expandable(value)) return false;
  if (Array.isArray(value)) {
    if (value.length > BIG_ARRAY) return true;
    return value.some((v) => holdsBigArray(v, levels - 1));
  }
  return Object.values(value).some((v) => holdsBigArray(v, levels - 1));
}

function* walk(value: unknown, indent: string, depth: number): Generator<string> {
  if (depth < EXPAND_DEPTH && expandable(value) && holdsBigArray(value, EXPAND_DEPTH - depth)) {
    const inner = `${indent}  `;
    if (Array.isArray(value)) {
      if (value.length === 0) {
        yield '[]';
        return;
      }
      for (let i = 0; i < value.length; i++) {
        yield `${i === 0 ? '[\n' : ',\n'}${inner}`;
        const v: unknown = value[i];
        if (skipped(v)) yield 'null';
        else yield* walk(v, inner, depth + 1);
      }
      yield `\n${indent}]`;
      return;
    }
    let first = true;
    for (const [key, v] of Object.entries(value)) {
      if (skipped(v)) continue;
      yield `${first ? '{\n' : ',\n'}${inner}${JSON.stringify(key)}: `;
      first = false;
      yield* walk(v, inner, depth + 1);
    }
    yield first ? '{}' : `\n${indent}}`;
    return;
  }
  const text = JSON.stringify(value, null, 2) as string | undefined;
  if (text === undefined) yield 'null';
  else yield indent === '' ? text : text.replaceAll('\n', `\n${indent}`);
}

/**
 * The document as JSON text in pieces, byte-identical once joined to `JSON.stringify(doc, null, 2)`
 * plus a newline, except that DEL, C1 controls and bidi/line-separator characters are written as
 * `\uXXXX` (still valid JSON, parsing back to the same strings). A report too large for one
 * JavaScript string (hundreds of thousands of forwards) can be written piece by piece.
 */
export function* jsonChunks(document: unknown): Generator<string> {
  for (const chunk of walk(document, '', 0)) yield escapeJsonText(chunk);
  yield '\n';
}

/**
 * Serialise a report or dump document exactly as given: no field added, dropped or reordered, so
 * the output is byte-identical for the same input and validates against the published schema.
 */
export function renderJson(document: unknown): string {
  return joinChunks(jsonChunks(document), 'JSON document');
}
