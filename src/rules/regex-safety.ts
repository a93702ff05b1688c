/**
 * Description patterns run on text a LAN program chose (UPnP descriptions), and JavaScript's
 * RegExp has no step budget, so a pattern is checked statically before it is ever run: bounded
 * length, no backreferences, it must compile, and its backtracking must stay small:
 * - no repeated group whose content can match in several ways: `(a+)+`, `(a?a)+` (nested
 *   quantifier) or `(a|ab)+`, `(\w|\d)*` (alternation): both are exponential;
 * - a bounded number of ways to match from one start position. Each variable quantifier multiplies
 *   it by the number of lengths it can take (up to the 512 characters of a description), an
 *   alternation adds its branches. `a*a*a*b` or `.*x.*y` make it grow as 512^k. A quantifier whose
 *   next character cannot be one of its own (`\s*s`, `[^,]*,`, `\d+\.`) counts once: only its
 *   longest run can go on.
 * The measure is the larger of that number and the steps the quantifiers spend scanning; the work
 * for one description is at most about 512 start positions times it.
 */

export const MAX_PATTERN_LENGTH = 200;
/** Descriptions are matched on their first 512 characters (see evaluate.ts). */
export const MATCHED_DESCRIPTION_LENGTH = 512;
/**
 * One overlapping unbounded quantifier (513 lengths) times 8 small choices: at most about 2 million
 * steps (tens of ms) per description, a few ms for typical patterns.
 */
export const MAX_MATCH_WAYS = 8 * (MATCHED_DESCRIPTION_LENGTH + 1);

const NESTED = 'has a nested quantifier such as (a+)+ (catastrophic backtracking)';
const ALTERNATION =
  'repeats a group that contains | such as (a|ab)+ (overlapping alternatives backtrack exponentially; ' +
  'use a character class such as [ab]+, or one rule per alternative)';

/** Problems with a description pattern; empty when it is safe to use. */
export function checkPatternSafety(pattern: string): string[] {
  const problems: string[] = [];
  if (pattern.length > MAX_PATTERN_LENGTH) {
    problems.push(`is ${pattern.length} characters long (at most ${MAX_PATTERN_LENGTH})`);
  }
  if (/\\[1-9]|\\k</.test(pattern)) problems.push('uses a backreference (not allowed)');
  try {
    new RegExp(pattern, 'i');
  } catch (error) {
    problems.push(`does not compile: ${(error as Error).message}`);
    return problems;
  }
  problems.push(...backtrackingProblems(pattern));
  return problems;
}

// --- A small parser for the RegExp syntax (non-unicode mode, as compiled) ------------------

/** A single-character atom (literal, escape, class, `.`) keeps its source to test its characters. */
type Atom =
  | { kind: 'char'; src: string }
  | { kind: 'assert' }
  | { kind: 'group'; alts: Item[][]; lookbehind: boolean };
interface Item {
  atom: Atom;
  min: number;
  max: number;
}

function parse(p: string): Item[][] {
  let i = 0;
  function alternation(topLevel: boolean): Item[][] {
    const alts: Item[][] = [[]];
    while (i < p.length) {
      const c = p[i]!;
      if (c === '|') {
        i++;
        alts.push([]);
      } else if (c === ')' && !topLevel) {
        return alts;
      } else {
        alts[alts.length - 1]!.push(item());
      }
    }
    return alts;
  }
  function item(): Item {
    const atom = parseAtom();
    const q = /^(?:\*|\+|\?|\{(\d+)(?:(,)(\d*))?\})\??/.exec(p.slice(i));
    if (!q) return { atom, min: 1, max: 1 };
    i += q[0].length;
    const head = q[0][0];
    if (head === '*') return { atom, min: 0, max: Infinity };
    if (head === '+') return { atom, min: 1, max: Infinity };
    if (head === '?') return { atom, min: 0, max: 1 };
    const min = Number(q[1]);
    const max = q[2] === undefined ? min : q[3] === '' ? Infinity : Number(q[3]);
    return { atom, min, max };
  }
  function parseAtom(): Atom {
    const start = i;
    const c = p[i]!;
    if (c === '(') {
      const prefix = /^\(\?(?:<[=!]|[:=!]|<[^>]*>)/.exec(p.slice(i))?.[0] ?? '(';
      i += prefix.length;
      const alts = alternation(false);
      i++; // the ')'
      return { kind: 'group', alts, lookbehind: prefix === '(?<=' || prefix === '(?<!' };
    }
    if (c === '^' || c === '$') {
      i++;
      return { kind: 'assert' };
    }
    if (c === '[') {
      let j = i + 1;
      if (p[j] === '^') j++;
      while (j < p.length && p[j] !== ']') j += p[j] === '\\' ? 2 : 1;
      i = j + 1;
      return { kind: 'char', src: p.slice(start, i) };
    }
    if (c === '\\') {
      if (p[i + 1] === 'b' || p[i + 1] === 'B') {
        i += 2;
        return { kind: 'assert' };
      }
      i += /^\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|c[a-z])/i.exec(p.slice(i))?.[0].length ?? 2;
      return { kind: 'char', src: p.slice(start, i) };
    }
    i++;
    return { kind: 'char', src: c };
  }
  return alternation(true);
}

// --- The analysis -------------------------------------------------------------------------

/** Paths out of a piece of pattern (each one tries what follows) and steps spent inside it. */
interface Cost {
  ways: number;
  steps: number;
}

function backtrackingProblems(pattern: string): string[] {
  const structural = new Set<string>();
  const alts = parse(pattern);
  let worst = 0;
  for (const seq of alts) {
    const { ways, steps } = costOfSequence(seq, structural, true);
    worst += Math.max(ways, steps);
  }
  if (structural.size > 0) return [...structural];
  if (worst > MAX_MATCH_WAYS) {
    return [
      `can backtrack through about ${formatCount(worst)} ways from each position (at most ${formatCount(MAX_MATCH_WAYS)}): ` +
        'quantifiers whose characters overlap, such as a*a*b, \\w*\\s*\\w* or a{0,99}a{0,99}, multiply ' +
        '(keep one such *, + or {n,m}; one whose next character cannot be its own, as in \\s*x or [^,]*, is fine)',
    ];
  }
  return [];
}

function costOfAlternation(alts: Item[][], problems: Set<string>, backward: boolean): Cost {
  const total = { ways: 0, steps: 0 };
  for (const seq of alts) {
    const c = costOfSequence(seq, problems, false, backward);
    total.ways += c.ways;
    total.steps += c.steps;
  }
  return total;
}

/**
 * At the top level, trailing items that can match nothing (`x.*`) never fail: the first path
 * that reaches them ends the match, so they cost their own steps once.
 */
function costOfSequence(seq: Item[], problems: Set<string>, topLevel: boolean, backward = false): Cost {
  let tail = seq.length;
  while (topLevel && tail > 0 && seq[tail - 1]!.min === 0) tail--;
  const total = { ways: 1, steps: 0 };
  seq.forEach((it, k) => {
    // A lookbehind matches right to left: what comes next is not known here, so assume overlap.
    const c = costOfItem(it, backward ? undefined : seq[k + 1], problems, backward);
    if (k >= tail) {
      total.steps += c.steps;
      return;
    }
    total.steps += total.ways * c.steps;
    total.ways *= c.ways;
  });
  return total;
}

function costOfItem(it: Item, next: Item | undefined, problems: Set<string>, backward: boolean): Cost {
  // A single character is one step, counted in the path that tries it: paths end there or go on.
  const inner =
    it.atom.kind === 'group'
      ? costOfAlternation(it.atom.alts, problems, backward || it.atom.lookbehind)
      : { ways: 1, steps: 0 };
  if (it.max === 0) return { ways: 1, steps: 0 };
  if (it.min === it.max) {
    if (it.min > 1 && it.atom.kind === 'group' && hasAlternation(it.atom.alts)) problems.add(ALTERNATION);
    // `(\.\d{1,3}){3}`: ways^3 paths; the k-th copy is entered by ways^k of them.
    const ways = inner.ways ** it.min;
    const entries = inner.ways === 1 ? it.min : (ways - 1) / (inner.ways - 1);
    return { ways, steps: entries * inner.steps };
  }
  if (it.max > 1 && it.atom.kind === 'group') {
    if (hasVariableQuantifier(it.atom.alts)) problems.add(NESTED);
    else if (hasAlternation(it.atom.alts)) problems.add(ALTERNATION);
  }
  const lengths = Math.max(1, Math.min(it.max, MATCHED_DESCRIPTION_LENGTH) - it.min + 1);
  const steps = lengths * (inner.steps + 1);
  // Only the longest run can go on when the next (mandatory) character cannot be one of its own.
  if (
    it.atom.kind === 'char' &&
    next?.atom.kind === 'char' &&
    next.min >= 1 &&
    !charactersOverlap(it.atom.src, next.atom.src)
  ) {
    return { ways: 1, steps };
  }
  return { ways: it.max === 1 ? inner.ways + 1 : lengths, steps };
}

function hasVariableQuantifier(alts: Item[][]): boolean {
  return alts.some((seq) =>
    seq.some((it) => it.min !== it.max || (it.atom.kind === 'group' && hasVariableQuantifier(it.atom.alts))),
  );
}

function hasAlternation(alts: Item[][]): boolean {
  return (
    alts.length > 1 ||
    alts.some((seq) => seq.some((it) => it.atom.kind === 'group' && hasAlternation(it.atom.alts)))
  );
}

/** Every UTF-16 code unit: a non-unicode RegExp sees descriptions one code unit at a time. */
let allCodeUnits: string | undefined;

/** Whether one character can match both atoms, as the engine itself decides (case-insensitive). */
function charactersOverlap(a: string, b: string): boolean {
  allCodeUnits ??= Array.from({ length: 0x100 }, (_, hi) =>
    String.fromCharCode(...Array.from({ length: 0x100 }, (_, lo) => (hi << 8) | lo)),
  ).join('');
  try {
    return new RegExp(`(?=${a})(?:${b})`, 'i').test(allCodeUnits);
  } catch {
    return true;
  }
}

function formatCount(n: number): string {
  if (n < 1e9) return Math.round(n).toLocaleString('en-US');
  return Number.isFinite(n) ? `10^${Math.floor(Math.log10(n))}` : 'more than 10^308';
}
