// The rule tester: every built-in rule's examples, schema validation of every rule file, and
// exact error lines for bad rule files.
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRuleSet } from '../../src/rules/compile.js';
import { builtinRules, loadRuleSet, runRuleExamples, validateRuleFiles } from '../../src/rules/index.js';
import { checkPatternSafety } from '../../src/rules/regex-safety.js';

const RULES_DIR = 'rules';
const FIXTURES = 'test/fixtures/rules';
const ruleFiles = readdirSync(RULES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('built-in rules', () => {
  it('are bundled one per file, in id order', () => {
    expect(builtinRules().map((r) => `${r.id}.json`)).toEqual(ruleFiles);
    expect(ruleFiles.length).toBeGreaterThanOrEqual(60);
  });

  it('every rule file validates against the schema, with examples that behave', async () => {
    const results = await validateRuleFiles(ruleFiles.map((f) => join(RULES_DIR, f)));
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });

  it('every description pattern passes the static safety check (compiling a rule set skips it for these)', () => {
    const patterns = builtinRules().flatMap((r) => r.match.forward?.descriptionPattern ?? []);
    expect(patterns.length).toBeGreaterThan(0);
    for (const pattern of patterns) expect(checkPatternSafety(pattern), pattern).toEqual([]);
  });

  it('an edited built-in pattern is checked again when a rule set is compiled', () => {
    const rule = builtinRules().find((r) => r.match.forward?.descriptionPattern !== undefined)!;
    const edited = structuredClone(rule) as typeof rule;
    edited.match.forward!.descriptionPattern = '(a+)+$';
    expect(() => compileRuleSet({ rules: [edited], waivers: [], profiles: [] })).toThrow(/nested quantifier/);
  });

  for (const rule of builtinRules()) {
    it(`${rule.id}: fail examples fail and pass examples pass`, () => {
      expect(rule.examples.fail.length).toBeGreaterThan(0);
      expect(rule.examples.pass.length).toBeGreaterThan(0);
      expect(runRuleExamples(rule)).toEqual([]);
    });
  }

  it('carry French that is not the English text, and references', () => {
    for (const rule of builtinRules()) {
      for (const key of ['title', 'description', 'message', 'remediation'] as const) {
        expect(rule[key].fr, `${rule.id} ${key}`).not.toBe(rule[key].en);
      }
      expect(rule.references.length, rule.id).toBeGreaterThan(0);
    }
    // Real French: accents present across the set.
    expect(builtinRules().some((r) => /[éèàç]/.test(r.message.fr))).toBe(true);
  });

  it('use the id prefixes of their category', () => {
    const prefix: Record<string, string> = {
      medical: 'MED',
      'file-sharing': 'FS',
      'remote-access': 'RA',
      database: 'DB',
      iot: 'IOT',
      router: 'NET',
      web: 'WEB',
    };
    for (const rule of builtinRules())
      expect(rule.id).toMatch(new RegExp(`^BOX-${prefix[rule.category]}-\\d{3}$`));
  });

  it('cover the ports the project promises', () => {
    const covered = new Set<string>();
    for (const rule of builtinRules()) {
      for (const spec of rule.match.forward?.ports ?? []) {
        const [a, b] = String(spec).split('-').map(Number);
        for (let p = a!; p <= (b ?? a)!; p++) covered.add(String(p));
      }
    }
    for (const p of [
      104, 11112, 2762, 2761, 4242, 8042, 8080, 8443, 9990, 9993, 2575, 12575, 6661, 3333, 5678, 445, 139,
      137, 138, 2049, 111, 548, 20, 21, 989, 990, 69, 873, 3260, 5000, 5001, 5005, 5006, 6690, 3389, 5900,
      5901, 23, 2323, 22, 5985, 5986, 5938, 1723, 2375, 7547, 1900, 2869, 3306, 5432, 1433, 27017, 6379, 9200,
      5601, 5984, 11211, 554, 8000, 37777, 1883, 8883, 3702, 9100, 502,
    ]) {
      expect(covered.has(String(p)), `port ${p}`).toBe(true);
    }
  });
});

describe('bad rule files give the file, the JSON pointer and the reason', () => {
  const check = async (name: string): Promise<string[]> => {
    const [result] = await validateRuleFiles([join(FIXTURES, name)]);
    expect(result!.ok).toBe(false);
    return result!.errors;
  };

  it('a valid rule file passes', async () => {
    expect(await validateRuleFiles([join(FIXTURES, 'valid-rule.json')])).toEqual([
      { file: join(FIXTURES, 'valid-rule.json'), ok: true, errors: [] },
    ]);
  });

  it('wrong severity', async () => {
    expect(await check('wrong-severity.json')).toEqual([
      `${FIXTURES}/wrong-severity.json: /severity must be one of critical, high, medium, low, info (got "urgent")`,
    ]);
  });

  it('missing French text', async () => {
    expect(await check('missing-fr.json')).toEqual([
      `${FIXTURES}/missing-fr.json: /message/fr is required (missing)`,
    ]);
  });

  it('bad ports: out of range (schema) and reversed range (semantic check), all reported', async () => {
    expect(await check('bad-port.json')).toEqual([
      `${FIXTURES}/bad-port.json: /match/forward/ports/1 must be a port 1-65535 or a range "start-end" such as "5900-5910" (got 70000)`,
      `${FIXTURES}/bad-port.json: /match/forward/ports/2 is not a valid port or range (got "5910-5900"; ports are 1-65535, ranges "low-high")`,
    ]);
  });

  it('an unsafe description pattern', async () => {
    expect(await check('bad-regex.json')).toEqual([
      `${FIXTURES}/bad-regex.json: /match/forward/descriptionPattern has a nested quantifier such as (a+)+ (catastrophic backtracking)`,
    ]);
  });

  it('unknown fields, each named', async () => {
    expect(await check('unknown-field.json')).toEqual([
      `${FIXTURES}/unknown-field.json: /colour is not a known field`,
      `${FIXTURES}/unknown-field.json: /match/forward/portz is not a known field`,
    ]);
  });

  it('invalid JSON, with line and column', async () => {
    expect(await check('invalid-json.txt')).toEqual([
      `${FIXTURES}/invalid-json.txt:4:25: invalid JSON: unexpected '}', expected a property name in double quotes`,
    ]);
  });

  it('an example that does not behave', async () => {
    expect(await check('wrong-example.json')).toEqual([
      `${FIXTURES}/wrong-example.json: /examples/fail/0 should fail but passed`,
    ]);
  });

  it('a missing file', async () => {
    const errors = await check('no-such-file.json');
    expect(errors).toEqual([`${FIXTURES}/no-such-file.json: cannot read (no such file, ENOENT)`]);
  });

  it('a device or a directory is refused unread: /dev/zero would never end', async () => {
    expect(await validateRuleFiles(['/dev/zero'])).toMatchObject([
      { ok: false, errors: ['/dev/zero: not a regular file (a device, pipe or socket)'] },
    ]);
    await expect(loadRuleSet('/dev/zero')).rejects.toMatchObject({
      code: 'BOXAUDIT_CONFIG_INVALID',
      message: expect.stringContaining('/dev/zero: not a regular file'),
    });
    await expect(loadRuleSet({ extends: [FIXTURES] })).rejects.toThrow(/not a regular file \(a directory\)/);
  });

  it('a config nested too deep to print gets a schema error, not a stack overflow', async () => {
    const deep = JSON.parse(`{"extends":[${'['.repeat(20_000)}${']'.repeat(20_000)}]}`);
    await expect(loadRuleSet(deep)).rejects.toThrow(/\/extends\/0 must be string \(got \[…\]\)/);
  });

  it('the same id in two files', async () => {
    const file = join(FIXTURES, 'valid-rule.json');
    const results = await validateRuleFiles([file, file]);
    expect(results.map((r) => r.errors)).toEqual([
      [],
      [`${file}: /id duplicates rule id ACME-001 (also in ${file})`],
    ]);
  });

  it('a rule whose id does not match its file name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boxaudit-rules-'));
    try {
      const file = join(dir, 'ACME-002.json');
      copyFileSync(join(FIXTURES, 'valid-rule.json'), file);
      const [result] = await validateRuleFiles([file]);
      expect(result!.errors).toEqual([
        `${file}: /id must equal the file name (found "ACME-001", file ACME-002.json)`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
