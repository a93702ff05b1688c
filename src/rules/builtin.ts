import { BUILTIN_RULES } from './builtin.generated.js';
import type { Rule } from './types.js';

/** The built-in rules (rules/*.json, embedded at build time): data, no file read. */
export function builtinRules(): readonly Rule[] {
  return BUILTIN_RULES;
}
