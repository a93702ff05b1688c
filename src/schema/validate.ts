/**
 * JSON Schema validation of rule files, rule-set configs and saved dumps (ajv, draft 2020-12,
 * strict, allErrors), with one readable line per problem: `file: /json/pointer reason`.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import dumpSchema from '../../schema/dump.schema.json';
import fleetSchema from '../../schema/fleet.schema.json';
import reportSchema from '../../schema/report.schema.json';
import ruleSchema from '../../schema/rule.schema.json';
import ruleSetSchema from '../../schema/ruleset.schema.json';
import snapshotSchema from '../../schema/snapshot.schema.json';

interface Validators {
  rule: ValidateFunction;
  ruleSet: ValidateFunction;
  dump: ValidateFunction;
}

let validators: Validators | undefined;
let shared: Ajv2020 | undefined;
const later = new Map<string, ValidateFunction>();

/** Schemas only the MSP commands use, compiled on their first use (an audit never pays for them). */
function laterValidator(schema: { $id: string }): ValidateFunction {
  let validate = later.get(schema.$id);
  if (validate === undefined) {
    getValidators();
    shared!.addSchema(schema);
    validate = shared!.getSchema(schema.$id)!;
    later.set(schema.$id, validate);
  }
  return validate;
}

/** Compile once, on first use (ajv compilation costs a few milliseconds). */
function getValidators(): Validators {
  if (!validators) {
    const ajv = new Ajv2020({ strict: true, allErrors: true, verbose: true });
    shared = ajv;
    addFormats(ajv);
    ajv.addSchema(ruleSchema);
    ajv.addSchema(ruleSetSchema);
    ajv.addSchema(snapshotSchema);
    ajv.addSchema(dumpSchema);
    validators = {
      rule: ajv.getSchema(ruleSchema.$id)!,
      ruleSet: ajv.getSchema(ruleSetSchema.$id)!,
      dump: ajv.getSchema(dumpSchema.$id)!,
    };
  }
  return validators;
}

/** Schema problems of one rule, as `file: /pointer reason` lines (empty when valid). */
export function schemaErrorsOfRule(value: unknown, file: string, pointerPrefix = ''): string[] {
  const validate = getValidators().rule;
  return validate(value) ? [] : formatErrors(validate.errors ?? [], file, pointerPrefix);
}

/** Schema problems of a rule-set config, as `file: /pointer reason` lines (empty when valid). */
export function schemaErrorsOfRuleSet(value: unknown, file: string): string[] {
  const validate = getValidators().ruleSet;
  return validate(value) ? [] : formatErrors(validate.errors ?? [], file, '');
}

/** Schema problems of a `dump --json` document, as `file: /pointer reason` lines (empty when valid). */
export function schemaErrorsOfDump(value: unknown, file: string): string[] {
  const validate = getValidators().dump;
  return validate(value) ? [] : formatErrors(validate.errors ?? [], file, '');
}

/** Schema problems of a fleet file (`boxaudit fleet SITES.json`), as `file: /pointer reason` lines. */
export function schemaErrorsOfFleet(value: unknown, file: string): string[] {
  const validate = laterValidator(fleetSchema);
  return validate(value) ? [] : formatErrors(validate.errors ?? [], file, '');
}

/** Schema problems of a saved `audit --json` report (a baseline, a diff input), as `file: /pointer reason` lines. */
export function schemaErrorsOfReport(value: unknown, file: string): string[] {
  const validate = laterValidator(reportSchema);
  return validate(value) ? [] : formatErrors(validate.errors ?? [], file, '');
}

/** Messages for `oneOf`/`anyOf` alternatives, by the schema location that failed. */
const ALTERNATIVES: Array<[RegExp, string]> = [
  [/portSpec\/oneOf$/, 'must be a port 1-65535 or a range "start-end" such as "5900-5910"'],
  [/(externalPort|internalPort)\/oneOf$/, 'must be null, a port, a range "start-end" or {start, end}'],
  [/additionalProperties\/oneOf$/, 'must be "off" or an object { "severity": …, "off": … }'],
  [/expires\/anyOf$/, 'must be an ISO date (YYYY-MM-DD) or date-time'],
  [
    /target\/oneOf$/,
    'must be exactly one of { "upnp" }, { "gateway" }, { "vendor", "host" } or { "file" } (discovery is not a fleet target)',
  ],
];

function show(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return Array.isArray(value) ? '[…]' : '{…}'; // nested too deep to print (hostile input)
  }
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function formatErrors(errors: ErrorObject[], file: string, prefix: string): string[] {
  // A failed oneOf/anyOf also reports each alternative's own failure: print one line per such
  // value, from the outermost alternative (ajv lists it after the inner ones).
  const isAlt = (e: ErrorObject): boolean => e.keyword === 'oneOf' || e.keyword === 'anyOf';
  const within = (path: string, base: string): boolean => path === base || path.startsWith(`${base}/`);
  const altPaths = errors.filter(isAlt).map((e) => e.instancePath);
  const roots = altPaths.filter((p) => !altPaths.some((q) => q !== p && within(p, q)));
  const lines: string[] = [];
  const add = (line: string): void => {
    if (!lines.includes(line)) lines.push(line);
  };
  const done = new Set<string>();
  for (const e of errors) {
    const root = roots.find((r) => within(e.instancePath, r));
    if (root === undefined) {
      add(`${file}: ${formatOne(e, prefix)}`);
      continue;
    }
    if (done.has(root)) continue;
    done.add(root);
    // An object that took the object alternative and broke inside: its own problems say more than
    // "must match a schema in anyOf" (a service port of 99999 under /remoteAdmin).
    const deeper = errors.filter((x) => !isAlt(x) && x.instancePath.startsWith(`${root}/`));
    if (deeper.length > 0) {
      for (const x of deeper) add(`${file}: ${formatOne(x, prefix)}`);
      continue;
    }
    const outer = errors.filter((x) => isAlt(x) && x.instancePath === root).at(-1)!;
    add(`${file}: ${formatOne(outer, prefix)}`);
  }
  return lines;
}

function pointer(prefix: string, path: string, child?: string): string {
  const full = `${prefix}${path}${child === undefined ? '' : `/${child.replace(/~/g, '~0').replace(/\//g, '~1')}`}`;
  return full === '' ? '/' : full;
}

function formatOne(e: ErrorObject, prefix: string): string {
  const at = pointer(prefix, e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'enum':
      return `${at} must be one of ${(p.allowedValues as unknown[]).join(', ')} (got ${show(e.data)})`;
    case 'required':
      return `${pointer(prefix, e.instancePath, String(p.missingProperty))} is required (missing)`;
    case 'additionalProperties':
      return `${pointer(prefix, e.instancePath, String(p.additionalProperty))} is not a known field`;
    case 'type':
      return `${at} must be ${String(p.type).replace(/,/g, ' or ')} (got ${show(e.data)})`;
    case 'pattern':
      return `${at} must match the pattern ${String(p.pattern)} (got ${show(e.data)})`;
    case 'format':
      return `${at} must be a valid ${String(p.format)} (got ${show(e.data)})`;
    case 'propertyNames':
      return `${pointer(prefix, e.instancePath, String(p.propertyName))} is not a valid rule id`;
    case 'minProperties':
      if (/\/match\/minProperties$/.test(e.schemaPath) || e.instancePath.endsWith('/match'))
        return `${at} must have a "forward" or a "router" condition`;
      return `${at} must not be empty`;
    case 'maxProperties':
      return `${at} must have either "forward" or "router", not both`;
    case 'oneOf':
    case 'anyOf': {
      const known = ALTERNATIVES.find(([re]) => re.test(e.schemaPath));
      return `${at} ${known ? known[1] : (e.message ?? 'is invalid')} (got ${show(e.data)})`;
    }
    default:
      return `${at} ${e.message ?? 'is invalid'}${e.data === undefined || typeof e.data === 'object' ? '' : ` (got ${show(e.data)})`}`;
  }
}
