/** Checks a JSON Schema cannot express: port ranges, pattern safety, examples that behave. */

import { schemaErrorsOfRule } from '../schema/validate.js';
import { parsePortSpec } from './ports.js';
import { checkPatternSafety } from './regex-safety.js';
import { runRuleExamples } from './tester.js';
import type { Rule } from './types.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * All problems with one rule object, as `file: /pointer reason` lines; empty when it is valid.
 * `prefix` is the rule's pointer inside its file (e.g. `/define/0` in a config).
 */
export function ruleProblems(value: unknown, file: string, prefix = ''): string[] {
  const errors = schemaErrorsOfRule(value, file, prefix);
  if (!isObject(value)) return errors;
  const match = value.match;
  const fm = isObject(match) && isObject(match.forward) ? match.forward : null;
  if (fm) {
    for (const key of ['ports', 'internalPorts', 'externalPorts']) {
      const list = fm[key];
      if (!Array.isArray(list)) continue;
      list.forEach((spec, i) => {
        if ((typeof spec === 'number' || typeof spec === 'string') && parsePortSpec(spec) === null) {
          // Schema catches the shape; ranges out of order or above 65535 are caught here.
          const line = `${file}: ${prefix}/match/forward/${key}/${i} is not a valid port or range (got ${JSON.stringify(spec)}; ports are 1-65535, ranges "low-high")`;
          if (!errors.some((e) => e.startsWith(`${file}: ${prefix}/match/forward/${key}/${i} `)))
            errors.push(line);
        }
      });
    }
    if (typeof fm.descriptionPattern === 'string') {
      for (const problem of checkPatternSafety(fm.descriptionPattern)) {
        errors.push(`${file}: ${prefix}/match/forward/descriptionPattern ${problem}`);
      }
    }
  }
  // Examples only make sense on an otherwise valid rule.
  if (errors.length === 0) {
    for (const problem of runRuleExamples(value as unknown as Rule))
      errors.push(`${file}: ${prefix}${problem}`);
  }
  return errors;
}
