// The rules module: load, validate, compile and evaluate rule sets, and describe findings.
export { compileRuleSet } from './compile.js';
export { type AdjustmentExplainer, describeFinding, describeFindings } from './describe.js';
export { type EvaluateOptions, type EvaluateResult, evaluate } from './evaluate.js';
export { BUILTIN_SETS, builtinRules, loadRuleSet, MAX_EXTENDS_DEPTH, validateRuleFiles } from './load.js';
export { formatRange, parsePortSpec } from './ports.js';
export { exampleForward, exampleSnapshot, runRuleExamples } from './tester.js';
export { ruleProblems } from './validate.js';
