/**
 * Access to the third-party material in ../shared (relative to the repository root): real replies and
 * descriptions captured from real devices, read in place and never copied into the project.
 *
 * When ../shared is absent (a plain clone of the repository), the tests that need it are skipped with
 * a message; in CI (`process.env.CI` set) they fail instead, so a CI run can never pass without them.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Absolute path of `../shared/<sub>`. */
export function sharedPath(...sub: string[]): string {
  return path.resolve(repoRoot, '..', 'shared', ...sub);
}

/** Whether `../shared/<sub>` exists. */
export function haveShared(...sub: string[]): boolean {
  return existsSync(sharedPath(...sub));
}

/** Read `../shared/<sub…>` as UTF-8 text. */
export function readShared(...sub: string[]): string {
  return readFileSync(sharedPath(...sub), 'utf8');
}

/** Read and parse a JSON file of `../shared`. */
export function readSharedJson(...sub: string[]): unknown {
  return JSON.parse(readShared(...sub));
}

/**
 * `describe(name, body)` when `../shared/<sub>` exists. Otherwise: outside CI, a skipped suite and a
 * console message; in CI, a suite with one failing test naming the missing folder.
 */
export function describeShared(sub: string, name: string, body: () => void): void {
  if (haveShared(sub)) {
    describe(name, body);
    return;
  }
  const where = sharedPath(sub);
  if (process.env.CI) {
    describe(name, () => {
      it(`needs ${where}`, () => {
        throw new Error(`${where} is missing: the real-device corpus is required in CI`);
      });
    });
    return;
  }
  console.log(`[shared] ${where} not found: "${name}" skipped`);
  describe.skip(name, body);
}

/** Every Go raw string literal (`…`) in a Go source file, in order. */
export function goRawStrings(source: string): string[] {
  return [...source.matchAll(/`([^`]*)`/g)].map((m) => m[1]!);
}

/** The Go raw strings of a test file that are JSON objects, parsed. */
export function goJsonReplies(source: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const text of goRawStrings(source)) {
    const t = text.trim();
    if (!t.startsWith('{')) continue;
    try {
      out.push(JSON.parse(t) as Record<string, unknown>);
    } catch {
      // Not JSON (a format string, a regular expression): not a reply.
    }
  }
  return out;
}

/**
 * The value of a top-level Python assignment `NAME = {…}` or `NAME = […]` made of JSON-like literals
 * (dicts, lists, strings, numbers, True/False/None), as JSON. The literal ends at the first line that
 * closes it at column 0.
 */
export function pythonLiteral(source: string, name: string): unknown {
  const start = source.search(new RegExp(`^${name} = [[{]`, 'm'));
  if (start < 0) throw new Error(`${name} is not assigned at the top level`);
  const open = source.indexOf('=', start) + 2;
  const closer = source[open] === '{' ? '}' : ']';
  const end = source.indexOf(`\n${closer}`, open);
  if (end < 0) throw new Error(`${name}: no closing ${closer} at column 0`);
  const text = source.slice(open, end + 2);
  // Outside strings only: Python constants to JSON ones, trailing commas dropped.
  const json = text
    .split(/("(?:[^"\\]|\\.)*")/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .replace(/\bTrue\b/g, 'true')
            .replace(/\bFalse\b/g, 'false')
            .replace(/\bNone\b/g, 'null')
            .replace(/,(\s*[}\]])/g, '$1'),
    )
    .join('');
  return JSON.parse(json);
}
