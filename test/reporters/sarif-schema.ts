import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/**
 * The official SARIF 2.1.0 schema (OASIS, final "rtm.5" revision), as shipped by Microsoft's
 * `@microsoft/jest-sarif` (MIT; devDependency). It is written in draft-04: the only draft-04-only
 * keyword it uses is the top-level `id`, so it is loaded into ajv's draft-07 validator with `id`
 * renamed `$id` and `$schema` dropped; every constraint is kept.
 */
const SARIF_SCHEMA = fileURLToPath(
  new URL('../../node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json', import.meta.url),
);

/** A validator returning '' when valid, else ajv's errors one per line. */
export function sarifValidator(): (value: unknown) => string {
  if (!existsSync(SARIF_SCHEMA)) {
    throw new Error(`${SARIF_SCHEMA} is missing: add the devDependency @microsoft/jest-sarif@1.0.0-beta.0`);
  }
  const {
    $schema: _draft,
    id,
    ...schema
  } = JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8')) as Record<string, unknown>;
  // unicodeRegExp off: the schema's `language` pattern has a stray `]` that only non-unicode regexes accept.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile({ $id: String(id), ...schema });
  return (value: unknown) => (validate(value) ? '' : ajv.errorsText(validate.errors, { separator: '\n' }));
}
