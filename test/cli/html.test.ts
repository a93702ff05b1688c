/**
 * `--format html` end to end: the CLI (in-process, test/cli/helpers.ts) writes the page to --output, `--open` hands the file to
 * the opener of the CLI context (tests give their own: no browser is ever launched here), and
 * `--open` without the HTML format is a usage error before anything runs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../../src/cli/args.js';
import { run as runDemo } from '../../src/cli/commands/demo.js';
import type { CliContext } from '../../src/cli/context.js';
import { openerCommand } from '../../src/cli/open.js';
import { frenchSpaces } from '../../src/i18n/typography.js';
import { createRedactor } from '../../src/reporters/sanitize.js';
import { loadCli, runCli } from './helpers.js';

// Load the CLI before the first test: compiling it must not count against a test's time.
beforeAll(loadCli);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'boxaudit-html-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A CLI context that records what it was asked to print and open. */
function fakeContext(opened: string[], out: string[]): CliContext {
  return {
    out: (text) => void out.push(text),
    stdout: async (text) => void out.push(text),
    outLine: (line) => void out.push(line),
    progress: () => undefined,
    warn: (line) => void out.push(`warn: ${line}`),
    addSecret: () => undefined,
    secrets: [],
    redactor: () => createRedactor([]),
    env: {},
    lang: 'en',
    color: false,
    interactive: false,
    signal: new AbortController().signal,
    openFile: async (path) => {
      opened.push(path);
    },
  };
}

describe('boxaudit --format html', () => {
  it('demo --format html --lang fr --output FILE writes the French page, each critical device once', async () => {
    const file = join(dir, 'rapport.html');
    const r = await runCli(['demo', '--format', 'html', '--lang', 'fr', '--output', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`boxaudit\u00a0: rapport enregistré dans ${file}`);
    const html = readFileSync(file, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="fr">')).toBe(true);
    for (const host of ['192.168.1.20', '192.168.1.21', '192.168.1.30']) {
      expect(html.split(`<article class="device s-critical" data-host="${host}">`)).toHaveLength(2);
    }
    expect(html).toContain(
      frenchSpaces('Important : la partie la plus importante de cette box n’a pas été lue'),
    );
  });

  it('without --output, the page goes to stdout', async () => {
    const r = await runCli(['demo', '--format', 'html']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(r.stdout.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('--open needs --format html (usage error, exit 2)', async () => {
    const r = await runCli(['demo', '--open']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--open needs --format html');
  });

  it('--open writes the file and hands it to the context opener (no browser launched)', async () => {
    const file = join(dir, 'open.html');
    const opened: string[] = [];
    const out: string[] = [];
    const args = parseCommandArgs('demo', ['--format', 'html', '--output', file, '--open']);
    const code = await runDemo(args, fakeContext(opened, out));
    expect(code).toBe(0);
    expect(opened).toEqual([file]);
    expect(readFileSync(file, 'utf8')).toContain('</html>');
    expect(out.join('\n')).toContain(`report written to ${file}`);
  });

  it('the system opener is xdg-open, open or start, with the path as one argument', () => {
    const path = '/tmp/a b;$(x).html';
    expect(openerCommand(path, 'linux')).toEqual({ command: 'xdg-open', args: [path] });
    expect(openerCommand(path, 'darwin')).toEqual({ command: 'open', args: [path] });
    expect(openerCommand(path, 'win32').args.at(-1)).toBe(path);
  });
});
