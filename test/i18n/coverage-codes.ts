/**
 * Static inventory of the coverage codes the adapters can emit, read from their source text (no
 * adapter is run). A coverage item is an object literal with `status` and `reason` keys (the
 * `CoverageItem` / listing-ending shape; warnings have `message` instead), or a `cover(area,
 * status, code, reason)` call. Codes are the string or template literals of the `code` expression
 * (ternary branches included, comparison operands excluded); a code whose status expression is the
 * literal `'complete'` never prints a reason, so it needs no translation.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

export interface FoundCode {
  /** The code, or a template such as `UPNP_END_${…}`. */
  code: string;
  file: string;
  /** The status expression is the literal `'complete'`. */
  completeOnly: boolean;
}

/** A `code` expression that is not a literal: where it is, and what it is. */
export interface IndirectCode {
  file: string;
  expression: string;
  completeOnly: boolean;
}

export function scannedFiles(): string[] {
  // The files that were src/adapters/ before the layered layout (issue 12).
  const layers = ['adapters', 'formats', 'transport', 'upnp'].flatMap((dir) =>
    readdirSync(`${SRC}${dir}`)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `${dir}/${f}`),
  );
  return [...layers, 'collect.ts', 'detect.ts', 'import.ts'];
}

export function source(file: string): string {
  return readFileSync(`${SRC}${file}`, 'utf8');
}

/** Blank out comments (keeping offsets and lines) so commented-out code and prose are not scanned. */
export function withoutComments(text: string): string {
  let out = '';
  let i = 0;
  let quote: string | null = null;
  while (i < text.length) {
    const c = text[i]!;
    if (quote) {
      out += c;
      if (c === '\\') {
        out += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (c === quote) quote = null;
      i++;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE = new Set([')', ']', '}']);

/** Index just past the string/template literal starting at `i`. */
function skipString(text: string, i: number): number {
  const q = text[i]!;
  let j = i + 1;
  while (j < text.length && text[j] !== q) {
    if (text[j] === '\\') j++;
    else if (q === '`' && text[j] === '$' && text[j + 1] === '{') {
      j = skipBalanced(text, j + 1) - 1;
    }
    j++;
  }
  return j + 1;
}

/** Index just past the bracket group starting at `i` (text[i] is an opening bracket). */
function skipBalanced(text: string, i: number): number {
  const stack: string[] = [];
  let j = i;
  while (j < text.length) {
    const c = text[j]!;
    if (c === "'" || c === '"' || c === '`') {
      j = skipString(text, j);
      continue;
    }
    if (OPEN[c]) stack.push(OPEN[c]!);
    else if (CLOSE.has(c)) {
      stack.pop();
      if (stack.length === 0) return j + 1;
    }
    j++;
  }
  return text.length;
}

/** Split at top-level commas. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let j = 0;
  while (j < text.length) {
    const c = text[j]!;
    if (c === "'" || c === '"' || c === '`') {
      j = skipString(text, j);
      continue;
    }
    if (OPEN[c]) depth++;
    else if (CLOSE.has(c)) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, j));
      start = j + 1;
    }
    j++;
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** Top-level `key: value` / shorthand `key` members of an object literal body. */
function members(body: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of splitTopLevel(body)) {
    const m = /^([A-Za-z_$][\w$]*)\s*(?::([\s\S]*))?$/.exec(part);
    if (m) out.set(m[1]!, (m[2] ?? m[1]!).trim());
  }
  return out;
}

const CODE_LIKE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+|_?\$\{[^}]*\})+[A-Z0-9_]*$/;

/** Code-like literals of an expression, except those compared against (`x === 'A' ? …`). */
export function literalCodes(expression: string): string[] {
  const codes: string[] = [];
  let j = 0;
  while (j < expression.length) {
    const c = expression[j]!;
    if (c === "'" || c === '"' || c === '`') {
      const end = skipString(expression, j);
      const value = expression.slice(j + 1, end - 1);
      const before = expression.slice(0, j).trimEnd();
      const after = expression.slice(end).trimStart();
      const compared = /[=!]==?$/.test(before) || /^[=!]==?/.test(after);
      if (!compared && CODE_LIKE.test(value)) codes.push(value.replace(/\$\{[^}]*\}/g, `\${…}`));
      j = end;
      continue;
    }
    j++;
  }
  return codes;
}

const isCompleteLiteral = (status: string): boolean => /^(['"`])complete\1$/.test(status.trim());

export interface Inventory {
  codes: FoundCode[];
  indirect: IndirectCode[];
}

/** Coverage codes in one source text (exported so the test can prove the scan finds a new code). */
export function scanText(file: string, sourceText: string): Inventory {
  const codes: FoundCode[] = [];
  const indirect: IndirectCode[] = [];
  const add = (status: string, code: string) => {
    const completeOnly = isCompleteLiteral(status);
    const found = literalCodes(code);
    if (found.length === 0) indirect.push({ file, expression: code.replace(/\s+/g, ' '), completeOnly });
    for (const c of found) codes.push({ code: c, file, completeOnly });
  };
  const text = withoutComments(sourceText);
  // 1. Object literals with `status`, `reason` and `code`.
  for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1)) {
    if (text[i - 1] === '$') continue; // a template placeholder
    const m = members(text.slice(i + 1, skipBalanced(text, i) - 1));
    if (m.has('status') && m.has('reason') && m.has('code')) add(m.get('status')!, m.get('code')!);
  }
  // 2. cover(area, status, code, reason[, details]) calls (not the helper's own declaration).
  for (const match of text.matchAll(/\bcover\(/g)) {
    if (/function\s+$/.test(text.slice(0, match.index))) continue;
    const open = match.index + match[0].length - 1;
    const args = splitTopLevel(text.slice(open + 1, skipBalanced(text, open) - 1));
    if (args.length >= 4) add(args[1]!, args[2]!);
  }
  return { codes, indirect };
}

/** Every scanned file's codes. */
export function inventory(): Inventory {
  const all: Inventory = { codes: [], indirect: [] };
  for (const file of scannedFiles()) {
    const one = scanText(file, source(file));
    all.codes.push(...one.codes);
    all.indirect.push(...one.indirect);
  }
  return all;
}
