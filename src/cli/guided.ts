/**
 * The standalone Windows program double-clicked in Explorer (docs/standalone.md): no arguments, a
 * console window of its own that closes as soon as the program ends. Then boxaudit audits the box
 * in the system's language, writes the report next to the program, opens it, and waits for Enter
 * so the window does not vanish before it has been read.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { cliText } from '../i18n/cli.js';
import type { Lang } from '../i18n/index.js';
import { langFromEnv } from './output.js';
import { runCommand } from './run.js';
import { writeFileChunks } from './write.js';

/**
 * The report format written next to the program: a page a doctor can read and print (`text` is
 * kept as the fallback shape of this path: the window then shows the report too).
 */
export const GUIDED_FORMAT: 'html' | 'text' = 'html';

export interface LaunchFacts {
  platform: NodeJS.Platform;
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** stdin and stdout are a console (not redirected). */
  console: boolean;
  /** Running as the standalone program (node:sea `isSea()`), not as `node …/main.js` or `npx boxaudit`. */
  standalone: boolean;
}

/**
 * Was the program double-clicked rather than typed in a console? Windows gives no direct signal
 * to Node, so: the standalone program on Windows, no arguments, its input and output a console
 * (not redirected), and no `PROMPT` variable. cmd.exe sets `PROMPT` in the environment of every
 * program it starts; Explorer, which starts a double-clicked program, does not. PowerShell does not
 * set it either, so a PowerShell user who types the bare program name gets the same guided run
 * (audit, report next to the program, Enter to finish) — harmless, and any argument (even `audit`)
 * gives the ordinary command line.
 */
export function launchedByDoubleClick(facts: LaunchFacts): boolean {
  return (
    facts.platform === 'win32' &&
    facts.standalone &&
    facts.argv.length === 0 &&
    facts.console &&
    (facts.env.PROMPT === undefined || facts.env.PROMPT === '')
  );
}

/** The system's language: the POSIX variables when set (wine, MSYS), else the Windows display language as ICU sees it. */
export function systemLang(env: Readonly<Record<string, string | undefined>>, icuLocale: string): Lang {
  const fromEnv = [env.BOXAUDIT_LANG, env.LC_ALL, env.LC_MESSAGES, env.LANG].some(
    (v) => v !== undefined && v !== '',
  );
  if (fromEnv) return langFromEnv(env);
  return /^fr(?:[-_]|$)/i.test(icuLocale) ? 'fr' : 'en';
}

/** `boxaudit-report-2026-12-02-0826.html`, in local time (the name sorts by date). */
export function reportFileName(now: Date, format: string): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}`;
  return `boxaudit-report-${stamp}.${format === 'html' ? 'html' : 'txt'}`;
}

export interface GuidedOptions {
  lang: Lang;
  /** Folders to write the report in, first writable one wins (default: the program's, then the user's home). */
  folders?: string[];
  /** Extra audit arguments (tests give a loopback `--upnp URL`; the double-click run gives none: discovery). */
  auditArgs?: string[];
  /** Open the written report with the system's default program (default: Explorer). */
  open?: (file: string) => void;
  /** Wait for Enter before the window closes (default: read a line on the console). */
  waitForEnter?: (prompt: string) => Promise<void>;
  now?: Date;
}

/** Largest report kept for the file (characters); beyond it the file says it was cut. */
const MAX_CAPTURE = 64 * 1024 * 1024;

/**
 * The guided run: `audit` through the ordinary command (same options, same messages), its report
 * also kept in a file next to the program, then opened. Returns the audit's exit code.
 */
export async function runGuided(options: GuidedOptions): Promise<number> {
  const { lang } = options;
  const say = (line: string) => process.stderr.write(`${line}\n`);
  say(cliText(lang, 'guided.welcome'));
  say('');
  const html = GUIDED_FORMAT === 'html';
  const args = [
    '--lang',
    lang,
    '--no-color',
    ...(html ? ['--format', 'html'] : []),
    ...(options.auditArgs ?? []),
  ];
  // The report is shown in the window (text) and kept for the file; an HTML page is only kept.
  const captured: string[] = [];
  let size = 0;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (size < MAX_CAPTURE) captured.push(text);
    size += text.length;
    if (html) {
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }
    return write(chunk as string, ...(rest as []));
  }) as typeof process.stdout.write;
  let code: number;
  try {
    code = await runCommand('audit', args);
  } finally {
    process.stdout.write = write;
  }
  if (captured.length > 0) {
    const file = await writeReport(captured, size > MAX_CAPTURE, options);
    say('');
    if (file === null) say(cliText(lang, 'guided.notWritten'));
    else {
      say(cliText(lang, 'guided.written', { file }));
      try {
        (options.open ?? openWithSystem)(file);
      } catch {
        say(cliText(lang, 'guided.openFailed', { file }));
      }
    }
  }
  say('');
  await (options.waitForEnter ?? waitForEnter)(cliText(lang, 'guided.pressEnter'));
  return code;
}

async function writeReport(captured: string[], cut: boolean, options: GuidedOptions): Promise<string | null> {
  const name = reportFileName(options.now ?? new Date(), GUIDED_FORMAT);
  const folders = options.folders ?? [dirname(process.execPath), homedir()];
  const tail = cut ? [`\n${cliText(options.lang, 'guided.cut')}\n`] : [];
  for (const folder of folders) {
    try {
      await access(folder, constants.W_OK);
      const file = join(folder, name);
      await writeFileChunks(file, [...captured, ...tail], new AbortController().signal);
      return file;
    } catch {
      // not writable (a read-only share, Program Files): try the next folder
    }
  }
  return null;
}

/** Explorer opens a file with the program Windows associates with its type (browser, Notepad). */
function openWithSystem(file: string): void {
  const child = spawn('explorer.exe', [file], { detached: true, stdio: 'ignore', windowsHide: true });
  child.on('error', () => undefined);
  child.unref();
}

function waitForEnter(prompt: string): Promise<void> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    rl.on('close', () => resolve());
    rl.question(prompt, () => rl.close());
  });
}
