/**
 * Description patterns run on text a LAN program chose (UPnP descriptions), so a pattern must not
 * be able to backtrack for long: bounded length, no backreferences, no quantified group that itself
 * contains a quantifier (`(a+)+`, `(a|b*)*`), and it must compile.
 */

export const MAX_PATTERN_LENGTH = 200;

/** Problems with a description pattern; empty when it is safe to use. */
export function checkPatternSafety(pattern: string): string[] {
  const problems: string[] = [];
  if (pattern.length > MAX_PATTERN_LENGTH) {
    problems.push(`is ${pattern.length} characters long (at most ${MAX_PATTERN_LENGTH})`);
  }
  if (/\\[1-9]|\\k</.test(pattern)) problems.push('uses a backreference (not allowed)');
  if (hasNestedQuantifier(pattern)) {
    problems.push('has a nested quantifier such as (a+)+ (catastrophic backtracking)');
  }
  try {
    new RegExp(pattern, 'i');
  } catch (error) {
    problems.push(`does not compile: ${(error as Error).message}`);
  }
  return problems;
}

/** True when a group containing a quantifier is itself followed by `*`, `+` or `{`. */
function hasNestedQuantifier(pattern: string): boolean {
  // One entry per open group: whether a quantifier occurred inside it.
  const stack: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') stack.push(false);
    else if (c === ')') {
      const innerQuantified = stack.pop() ?? false;
      const next = pattern[i + 1];
      const quantifiedGroup = next === '*' || next === '+' || next === '{';
      if (innerQuantified && quantifiedGroup) return true;
      // The group's quantifier (or its content's) counts for the enclosing group.
      if (stack.length > 0 && (innerQuantified || quantifiedGroup)) stack[stack.length - 1] = true;
    } else if (c === '*' || c === '+' || c === '{') {
      if (stack.length > 0) stack[stack.length - 1] = true;
    }
  }
  return false;
}
