/**
 * docs/msp.md stays true: every `boxaudit …` command line in it is one the CLI accepts (command,
 * options, number of arguments); its JSON examples validate against the published schemas; every
 * metric it names is one `renderPrometheus` writes. (The commands themselves run in
 * test/cli/fleet.test.ts and test/cli/diff.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import parsePrometheus from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { markBaseline } from '../../src/baseline.js';
import { parseCommandArgs } from '../../src/cli/args.js';
import { renderPrometheus } from '../../src/reporters/prometheus.js';
import { doctorOffice } from '../reporters/helpers.js';
import { validatorFor } from './helpers.js';

const DOC = readFileSync(fileURLToPath(new URL('../../docs/msp.md', import.meta.url)), 'utf8');

function blocks(lang: string): string[] {
  const out: string[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (const m of DOC.matchAll(fence)) if (m[1] === lang) out.push(m[2]!);
  return out;
}

/** Shell words of one command line: quotes removed, "$VAR" kept as one placeholder, bare $var dropped. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|(\S+)/g)) {
    if (m[1] !== undefined) out.push(m[1].includes('$') ? 'PLACEHOLDER' : m[1]);
    else if (m[2]!.startsWith('$')) continue;
    else if (m[2] === '>' || m[2]!.startsWith('>')) break;
    else out.push(m[2]!);
  }
  return out;
}

const POSITIONALS: Record<string, number> = { audit: 0, fleet: 1, diff: 2 };

describe('docs/msp.md', () => {
  const commands = blocks('sh')
    .flatMap((b) => b.replace(/\\\n\s*/g, ' ').split('\n'))
    .map((l) => l.trim())
    .filter((l) => l.startsWith('boxaudit '));

  it('shows the commands of every part (fleet, diff, baseline, webhook, prometheus)', () => {
    expect(commands.length).toBeGreaterThanOrEqual(10);
    const all = commands.join('\n');
    for (const piece of ['fleet ', 'diff ', '--baseline', '--webhook', '--format prometheus', '--jsonl']) {
      expect(all).toContain(piece);
    }
  });

  for (const line of blocks('sh')
    .flatMap((b) => b.replace(/\\\n\s*/g, ' ').split('\n'))
    .map((l) => l.trim())
    .filter((l) => l.startsWith('boxaudit '))) {
    it(`accepted by the CLI: ${line.slice(0, 90)}`, () => {
      const [, command, ...rest] = words(line);
      const parsed = parseCommandArgs(command!, rest);
      expect(parsed.positionals.length).toBe(POSITIONALS[command!]);
    });
  }

  it('the fleet file, the JSON line and the webhook payload validate against their schemas', () => {
    const json = blocks('json');
    const fleet = json.find((b) => b.includes('"sites"'))!;
    expect(validatorFor('fleet')(JSON.parse(fleet))).toBe('');
    const webhook = json.find((b) => b.includes('"new-findings"'))!;
    expect(validatorFor('webhook')(JSON.parse(webhook))).toBe('');
    const errorLine = json.find((b) => b.includes('"ok":false'))!.split('\n')[0]!;
    expect(validatorFor('fleet-result')(JSON.parse(errorLine))).toBe('');
  });

  it('names only metrics that renderPrometheus writes, and its sample parses', () => {
    const report = doctorOffice();
    const real = renderPrometheus(
      [
        { name: 'a', ok: true, report: markBaseline(report, doctorOffice()) },
        { name: 'b', ok: false, error: { code: 'BOXAUDIT_TIMEOUT' } },
      ],
      { now: '2026-12-02T03:00:00Z' },
    );
    const written = new Set(parsePrometheus(real).map((f) => f.name));
    const named = new Set(DOC.match(/\bboxaudit_[a-z_]+\b/g));
    for (const name of named) expect(written, name).toContain(name);
    const sample = blocks('').find((b) => b.startsWith('# HELP'))!;
    for (const family of parsePrometheus(sample)) {
      expect(written).toContain(family.name);
      expect(family.type).toBe('GAUGE');
    }
  });
});
