/**
 * The schema versioning policy (docs/output.md, "Schema versioning") held to the schemas' version
 * markers: `$schema` and `$id` of every schema/*.json, the `schemaVersion` patterns against the
 * versions boxaudit writes, `$ref`s to shipped schemas only, deprecations that say what replaces
 * them, and a policy section that names every schema file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../src/version.js';
import { WEBHOOK_SCHEMA_VERSION } from '../src/webhook.js';

const DIR = join(process.cwd(), 'schema');
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.schema.json'))
  .sort();
const schemas = new Map(
  FILES.map((f) => [f, JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Record<string, unknown>]),
);
const MAJOR = Number(SCHEMA_VERSION.split('.')[0]);

/** The `$id` the policy gives a schema file of a major: unversioned path for 1, `/vN/` after. */
function idOf(file: string, major: number): string {
  return major === 1
    ? `https://boxaudit.dev/schema/${file}`
    : `https://boxaudit.dev/schema/v${major}/${file}`;
}

/** Every node of a JSON document with its JSON pointer. */
function* walk(node: unknown, pointer = ''): Generator<[string, Record<string, unknown>]> {
  if (node === null || typeof node !== 'object') return;
  if (!Array.isArray(node)) yield [pointer, node as Record<string, unknown>];
  for (const [k, v] of Object.entries(node)) yield* walk(v, `${pointer}/${k}`);
}

describe('schema versioning policy', () => {
  it('versions are MAJOR.MINOR, and the webhook shares the documents’ major', () => {
    expect(SCHEMA_VERSION).toMatch(/^[1-9][0-9]*\.[0-9]+$/);
    expect(WEBHOOK_SCHEMA_VERSION).toMatch(/^[1-9][0-9]*\.[0-9]+$/);
    expect(Number(WEBHOOK_SCHEMA_VERSION.split('.')[0])).toBe(MAJOR);
  });

  it('every schema is JSON Schema 2020-12 with the $id of its major and file name', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(8);
    for (const [file, schema] of schemas) {
      expect(schema.$schema, file).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id, file).toBe(idOf(file, MAJOR));
    }
  });

  it('every schemaVersion pattern accepts exactly the current major, every minor of it', () => {
    const versioned = [...schemas].filter(
      ([, s]) => (s.properties as Record<string, unknown>)?.schemaVersion,
    );
    expect(versioned.map(([f]) => f)).toEqual([
      'dump.schema.json',
      'report.schema.json',
      'webhook.schema.json',
    ]);
    for (const [file, schema] of versioned) {
      const { pattern } = (schema.properties as Record<string, { pattern: string }>).schemaVersion!;
      const re = new RegExp(pattern);
      expect(re.test(SCHEMA_VERSION), file).toBe(true);
      expect(re.test(`${MAJOR}.0`) && re.test(`${MAJOR}.1`) && re.test(`${MAJOR}.27`), file).toBe(true);
      for (const other of [`${MAJOR + 1}.0`, `${MAJOR - 1}.9`, `${MAJOR}`, `${MAJOR}.x`, `${MAJOR}.0.1`]) {
        expect(re.test(other), `${file} must refuse ${other}`).toBe(false);
      }
    }
  });

  it('every $ref names a shipped schema (of the same major) or a local definition', () => {
    const ids = new Set([...schemas.values()].map((s) => s.$id as string));
    for (const [file, schema] of schemas) {
      for (const [pointer, node] of walk(schema)) {
        if (typeof node.$ref !== 'string') continue;
        const target = node.$ref.split('#')[0]!;
        if (target === '') continue;
        const absolute = new URL(target, schema.$id as string).href;
        expect(ids.has(absolute), `${file}${pointer}: $ref ${node.$ref}`).toBe(true);
      }
    }
  });

  it('a deprecated field says what replaces it (the deprecation window starts with the schema)', () => {
    for (const [file, schema] of schemas) {
      for (const [pointer, node] of walk(schema)) {
        if (node.deprecated === undefined) continue;
        expect(node.deprecated, `${file}${pointer}`).toBe(true);
        expect(String(node.description ?? ''), `${file}${pointer}`).toMatch(/deprecated/i);
      }
    }
  });

  it('the policy in docs/output.md names every schema file and the version rules', () => {
    const doc = readFileSync(join(process.cwd(), 'docs', 'output.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Schema versioning'), doc.indexOf('## SARIF 2.1.0'));
    expect(section.length).toBeGreaterThan(1000);
    for (const file of FILES) expect(section, file).toContain(`schema/${file}`);
    expect(section).toContain(`\`${SCHEMA_VERSION}\` (\`SCHEMA_VERSION\`)`);
    expect(section).toContain(`\`${WEBHOOK_SCHEMA_VERSION}\` (\`WEBHOOK_SCHEMA_VERSION\`)`);
  });
});
