/** Built-in rules, rule-set configs (extends, overrides, define, waivers) and rule-file validation. */
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { abortError, BoxauditError, checkOptions } from '../errors.js';
import { readBoundedFile } from '../util/read-file.js';
import { BUILTIN_RULES } from './builtin.generated.js';
import { parseJsonText } from './json-text.js';
import type { Rule, RuleSet, RuleSetConfig, Severity, Waiver } from './types.js';

/** Built-in rule sets usable in `extends`. `health` = `recommended` + the health profile. */
export const BUILTIN_SETS = ['recommended', 'health'] as const;

/** Most nested `extends` allowed (a chain of config files). */
export const MAX_EXTENDS_DEPTH = 8;

/** Largest config or rule file read (bytes). */
export const MAX_RULE_FILE_BYTES = 4 * 1024 * 1024;

export { builtinRules } from './builtin.js';

/** A path as users see it: relative to the working directory when below it. */
function shown(path: string): string {
  const rel = relative(resolve('.'), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

interface Accumulator {
  rules: Map<string, { rule: Rule; origin: string }>;
  off: Set<string>;
  overrides: Map<string, Severity>;
  waivers: Waiver[];
  profiles: Set<string>;
}

/** An accumulator before any rule file is applied. */
function emptyAccumulator(): Accumulator {
  return { rules: new Map(), off: new Set(), overrides: new Map(), waivers: [], profiles: new Set() };
}

/**
 * The schema and rule checks, loaded when a user's file is to be checked: they load ajv and its
 * schemas (60–75 ms of start-up measured), which the built-in rule sets never need.
 */
async function checkers(): Promise<{
  schemaErrorsOfRuleSet: typeof import('../schema/validate.js').schemaErrorsOfRuleSet;
  ruleProblems: typeof import('./validate.js').ruleProblems;
}> {
  const [{ schemaErrorsOfRuleSet }, { ruleProblems }] = await Promise.all([
    import('../schema/validate.js'),
    import('./validate.js'),
  ]);
  return { schemaErrorsOfRuleSet, ruleProblems };
}

function addBuiltins(acc: Accumulator): void {
  for (const rule of BUILTIN_RULES)
    if (!acc.rules.has(rule.id)) acc.rules.set(rule.id, { rule, origin: 'builtin' });
}

async function readJson(
  path: string,
  signal: AbortSignal | undefined,
  code: 'BOXAUDIT_CONFIG_INVALID' | 'BOXAUDIT_RULE_INVALID',
): Promise<unknown> {
  let text: string;
  try {
    text = (await readBoundedFile(path, MAX_RULE_FILE_BYTES, signal)).toString('utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    const e = error as BoxauditError;
    if (e.code === 'BOXAUDIT_TOO_LARGE' || e.code === 'BOXAUDIT_ABORTED') throw error;
    throw new BoxauditError(code, e.message, { cause: error }); // the rule file's own code, same words
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    const { line, column, reason } = parsed.problem;
    throw new BoxauditError(code, `${path}:${line}:${column}: invalid JSON: ${reason}`, {
      details: { file: path, line, column },
    });
  }
  return parsed.value;
}

function fail(code: 'BOXAUDIT_CONFIG_INVALID' | 'BOXAUDIT_RULE_INVALID', errors: string[]): never {
  throw new BoxauditError(code, errors.join('\n'), { details: { errors } });
}

async function apply(
  config: unknown,
  file: string,
  dir: string,
  chain: string[],
  acc: Accumulator,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (signal?.aborted) throw abortError(signal, 'loading the rule set');
  const { schemaErrorsOfRuleSet, ruleProblems } = await checkers();
  const schemaErrors = schemaErrorsOfRuleSet(config, file);
  if (schemaErrors.length > 0) fail('BOXAUDIT_CONFIG_INVALID', schemaErrors);
  const c = config as RuleSetConfig;
  const errors: string[] = [];

  const bases = c.extends ?? ['recommended'];
  for (const [i, entry] of bases.entries()) {
    if (entry === 'recommended' || entry === 'health') {
      addBuiltins(acc);
      if (entry === 'health') acc.profiles.add('health');
      continue;
    }
    const path = resolve(dir, entry);
    if (chain.includes(path)) {
      fail('BOXAUDIT_CONFIG_INVALID', [
        `${file}: /extends/${i} makes a cycle: ${[...chain, path].map((p) => basename(p)).join(' → ')}`,
      ]);
    }
    if (chain.length >= MAX_EXTENDS_DEPTH) {
      fail('BOXAUDIT_CONFIG_INVALID', [`${file}: /extends/${i} goes deeper than ${MAX_EXTENDS_DEPTH} files`]);
    }
    const child = await readJson(shown(path), signal, 'BOXAUDIT_CONFIG_INVALID');
    await apply(child, shown(path), dirname(path), [...chain, path], acc, signal);
  }

  for (const [i, rule] of (c.define ?? []).entries()) {
    const origin = `${file}#/define/${i}`;
    const problems = ruleProblems(rule, file, `/define/${i}`);
    if (problems.length > 0) {
      errors.push(...problems);
      continue;
    }
    const existing = acc.rules.get(rule.id);
    if (existing && existing.origin !== origin) {
      const where = existing.origin === 'builtin' ? 'a built-in rule' : existing.origin;
      errors.push(`${file}: /define/${i}/id duplicates rule id ${rule.id} (already defined by ${where})`);
      continue;
    }
    acc.rules.set(rule.id, { rule, origin });
  }

  for (const [id, override] of Object.entries(c.rules ?? {})) {
    if (!acc.rules.has(id)) {
      errors.push(`${file}: /rules/${id} is not a known rule id`);
      continue;
    }
    if (override === 'off' || override.off === true) {
      acc.off.add(id);
      continue;
    }
    acc.off.delete(id);
    if (override.severity !== undefined) acc.overrides.set(id, override.severity);
  }

  for (const [i, waiver] of (c.waivers ?? []).entries()) {
    if (!acc.rules.has(waiver.rule)) {
      errors.push(`${file}: /waivers/${i}/rule is not a known rule id (got "${waiver.rule}")`);
      continue;
    }
    acc.waivers.push(waiver);
  }
  if (errors.length > 0) fail('BOXAUDIT_CONFIG_INVALID', errors);
}

/**
 * Resolve a rule set: a config object, a path to a config file, or a built-in set name
 * (`recommended`, `health`). Default: `recommended`. A config without `extends` extends
 * `recommended`; `extends: []` starts from no rule. Paths in `extends` are relative to the file
 * that names them (to the working directory for a config object); cycles and chains deeper than
 * `MAX_EXTENDS_DEPTH` are errors.
 * @throws BoxauditError BOXAUDIT_CONFIG_INVALID (one line per problem: `file: /pointer reason`),
 *   BOXAUDIT_ABORTED when `signal` aborts.
 */
export async function loadRuleSet(
  config?: RuleSetConfig | string,
  options: { signal?: AbortSignal } = {},
): Promise<RuleSet> {
  checkOptions('loadRuleSet', options);
  const acc = emptyAccumulator();
  if (config === undefined || config === 'recommended' || config === 'health') {
    // The built-in sets: nothing of the user's to check (the rules are checked against their schema
    // by the tests and `rules validate`), so no schema is compiled (ajv's compilation was most of
    // an audit's start-up: docs/performance.md).
    if (options.signal?.aborted) throw abortError(options.signal, 'loading the rule set');
    addBuiltins(acc);
    if (config === 'health') acc.profiles.add('health');
  } else if (typeof config === 'string') {
    const path = resolve(config);
    const value = await readJson(shown(path), options.signal, 'BOXAUDIT_CONFIG_INVALID');
    // A single rule file (as in rules/) given where a config is expected: add it to `recommended`.
    const fileConfig = isSingleRule(value) ? { define: [value] } : value;
    await apply(fileConfig, shown(path), dirname(path), [path], acc, options.signal);
  } else {
    await apply(config, '<config>', resolve('.'), [], acc, options.signal);
  }
  const rules = [...acc.rules.values()].map((x) => x.rule).filter((r) => !acc.off.has(r.id));
  const severityOverrides: Record<string, Severity> = {};
  for (const [id, s] of [...acc.overrides].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!acc.off.has(id)) severityOverrides[id] = s;
  }
  const ruleSet: RuleSet = { rules, waivers: acc.waivers, profiles: [...acc.profiles].sort() };
  if (Object.keys(severityOverrides).length > 0) ruleSet.severityOverrides = severityOverrides;
  return ruleSet;
}

/**
 * Validate rule files (or rule-set config files) for `boxaudit rules validate`: schema, port
 * specs, pattern safety, examples, and that a rule's id matches its file name (`BOX-MED-001.json`).
 * Never throws for a bad file: each result lists its problems as `file: /pointer reason` lines.
 */
export async function validateRuleFiles(
  paths: string[],
  options: { signal?: AbortSignal } = {},
): Promise<Array<{ file: string; ok: boolean; errors: string[] }>> {
  checkOptions('validateRuleFiles', options);
  const results: Array<{ file: string; ok: boolean; errors: string[] }> = [];
  const seenIds = new Map<string, string>();
  for (const file of paths) {
    if (options.signal?.aborted) throw abortError(options.signal, 'validating rule files');
    let value: unknown;
    try {
      value = await readJson(file, options.signal, 'BOXAUDIT_RULE_INVALID');
    } catch (error) {
      if (
        error instanceof BoxauditError &&
        (error.code === 'BOXAUDIT_ABORTED' || error.code === 'BOXAUDIT_TIMEOUT')
      )
        throw error;
      results.push({ file, ok: false, errors: [(error as Error).message] });
      continue;
    }
    const errors = looksLikeConfig(value)
      ? await configProblems(value, file, options.signal)
      : (await checkers()).ruleProblems(value, file);
    if (!looksLikeConfig(value) && errors.length === 0) {
      const id = (value as Rule).id;
      const stem = basename(file).replace(/\.json$/i, '');
      if (/^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/.test(stem) && stem !== id) {
        errors.push(`${file}: /id must equal the file name (found "${id}", file ${basename(file)})`);
      }
      const other = seenIds.get(id);
      if (other !== undefined) errors.push(`${file}: /id duplicates rule id ${id} (also in ${other})`);
      else seenIds.set(id, file);
    }
    results.push({ file, ok: errors.length === 0, errors });
  }
  return results;
}

function looksLikeConfig(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return !keys.includes('id') && keys.some((k) => ['extends', 'rules', 'define', 'waivers'].includes(k));
}

async function configProblems(
  value: unknown,
  file: string,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  try {
    const path = resolve(file);
    const acc = emptyAccumulator();
    await apply(value, file, dirname(path), [path], acc, signal);
    return [];
  } catch (error) {
    if (error instanceof BoxauditError && error.code === 'BOXAUDIT_CONFIG_INVALID') {
      return (error.details.errors as string[] | undefined) ?? [error.message];
    }
    throw error;
  }
}

/** A lone rule object rather than a rule-set config: it has a rule's identity and a `match`. */
function isSingleRule(value: unknown): value is Rule {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { id?: unknown }).id === 'string' &&
    typeof (value as { match?: unknown }).match === 'object'
  );
}
