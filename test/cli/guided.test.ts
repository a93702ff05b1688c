/**
 * The double-click run of the standalone Windows program (src/cli/guided.ts): when it starts, and
 * what it does, here against the loopback IGD simulator (the real run uses discovery, never run
 * in tests) with the opener and the Enter key replaced.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  GUIDED_FORMAT,
  type LaunchFacts,
  launchedByDoubleClick,
  reportFileName,
  runGuided,
  systemLang,
} from '../../src/cli/guided.js';
import { DEMO_OFFICE } from '../../src/demo/demo-office.js';
import { type IgdSimulator, startIgdSimulator } from '../../src/demo/igd-simulator.js';

const EXPLORER: LaunchFacts = {
  platform: 'win32',
  argv: [],
  env: { USERPROFILE: 'C:\\Users\\doc' },
  console: true,
  standalone: true,
};

describe('launchedByDoubleClick', () => {
  it('the standalone program started by Explorer: no arguments, a console, no PROMPT', () => {
    expect(launchedByDoubleClick(EXPLORER)).toBe(true);
  });

  it('typed in cmd.exe (PROMPT set), given any argument, redirected, not standalone, or not Windows: the ordinary CLI', () => {
    expect(launchedByDoubleClick({ ...EXPLORER, env: { PROMPT: '$P$G' } })).toBe(false);
    expect(launchedByDoubleClick({ ...EXPLORER, argv: ['audit'] })).toBe(false);
    expect(launchedByDoubleClick({ ...EXPLORER, console: false })).toBe(false);
    expect(launchedByDoubleClick({ ...EXPLORER, standalone: false })).toBe(false);
    expect(launchedByDoubleClick({ ...EXPLORER, platform: 'linux' })).toBe(false);
  });
});

describe('systemLang', () => {
  it('the Windows display language (ICU) when no POSIX variable is set', () => {
    expect(systemLang({}, 'fr-FR')).toBe('fr');
    expect(systemLang({}, 'fr-CA')).toBe('fr');
    expect(systemLang({}, 'en-US')).toBe('en');
    expect(systemLang({}, 'de-DE')).toBe('en');
  });

  it('LANG, LC_ALL or BOXAUDIT_LANG win when set (wine, MSYS)', () => {
    expect(systemLang({ LANG: 'fr_FR.UTF-8' }, 'en-US')).toBe('fr');
    expect(systemLang({ LANG: 'en_GB.UTF-8' }, 'fr-FR')).toBe('en');
    expect(systemLang({ BOXAUDIT_LANG: 'fr' }, 'en-US')).toBe('fr');
  });
});

it('reportFileName sorts by local date and time', () => {
  expect(reportFileName(new Date(2026, 11, 2, 8, 26), 'html')).toBe('boxaudit-report-2026-12-02-0826.html');
  expect(reportFileName(new Date(2026, 0, 9, 17, 5), 'text')).toBe('boxaudit-report-2026-01-09-1705.txt');
});

describe('runGuided', () => {
  let sim: IgdSimulator;
  let folder: string;
  beforeAll(async () => {
    sim = await startIgdSimulator(DEMO_OFFICE);
    folder = mkdtempSync(join(tmpdir(), 'boxaudit-guided-'));
  });
  afterAll(async () => {
    await sim?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('audits, writes the report next to the program, opens it, then waits for Enter (French)', async () => {
    const opened: string[] = [];
    const prompts: string[] = [];
    // Swallowed, but each write completes (the CLI waits for its callback).
    const swallow = ((_chunk: unknown, ...rest: unknown[]) => {
      (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
      return true;
    }) as typeof process.stdout.write;
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(swallow);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(swallow);
    let code: number;
    let said = '';
    let shown = '';
    try {
      code = await runGuided({
        lang: 'fr',
        folders: [join(folder, 'missing'), folder],
        auditArgs: ['--upnp', sim.descriptionUrl],
        open: (file) => opened.push(file),
        waitForEnter: async (prompt) => {
          prompts.push(prompt);
        },
        now: new Date(2026, 11, 2, 8, 26),
      });
      said = stderr.mock.calls.map((c) => String(c[0])).join('');
      shown = stdout.mock.calls.map((c) => String(c[0])).join('');
    } finally {
      stderr.mockRestore();
      stdout.mockRestore();
    }
    expect(code).toBe(1);
    const file = join(folder, reportFileName(new Date(2026, 11, 2, 8, 26), GUIDED_FORMAT));
    expect(readdirSync(folder)).toEqual([reportFileName(new Date(2026, 11, 2, 8, 26), GUIDED_FORMAT)]);
    expect(existsSync(file)).toBe(true);
    const report = readFileSync(file, 'utf8');
    expect(GUIDED_FORMAT).toBe('html');
    expect(report.trimStart().toLowerCase()).toMatch(/^<!doctype html>/);
    expect(report).toContain('lang="fr"');
    expect(report).toContain('PACS Orthanc');
    expect(report).not.toContain('\u001b[');
    expect(opened).toEqual([file]);
    expect(said).toContain(`Le rapport est enregistré ici\u00a0: ${file}`);
    expect(prompts).toEqual(['Appuyez sur Entrée pour fermer cette fenêtre.']);
    // The page is only kept in the file: the window shows the messages, not the HTML source.
    expect(shown).not.toContain('<html');
  }, 60_000); // a whole audit in this process (module loading included)
});
