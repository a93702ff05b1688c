import { BoxauditError, isBoxauditError } from '../errors.js';
import { cliText, ERROR_CODES_FR, frenchMessage } from '../i18n/cli.js';
import { colon, frenchSpaces, type Lang } from '../i18n/index.js';
import { createRedactor, type Redactor, safeLine, terminalLine } from '../reporters/sanitize.js';
import { parseCommandArgs } from './args.js';
import { type CliContext, createContext } from './context.js';
import { type CliIo, processIo } from './io.js';
import { cliLang } from './output.js';
import { installSignalHandlers } from './signals.js';

type CommandModule = { run(args: ReturnType<typeof parseCommandArgs>, ctx: CliContext): Promise<number> };

const LOADERS: Record<string, () => Promise<CommandModule>> = {
  audit: () => import('./commands/audit.js'),
  dump: () => import('./commands/dump.js'),
  discover: () => import('./commands/discover.js'),
  rules: () => import('./commands/rules.js'),
  demo: () => import('./commands/demo.js'),
  login: () => import('./commands/login.js'),
  fleet: () => import('./commands/fleet.js'),
  diff: () => import('./commands/diff.js'),
  fix: () => import('./commands/fix.js'),
};

/**
 * Run one command; every error becomes a one-line message on stderr and exit 2. Ctrl-C (SIGINT) and
 * SIGTERM at any stage end the run with one line on stderr and exit 130 / 143 (see signals.ts). The
 * handlers are the process's own even when `io` is not (a signal is sent to a process): the in-process
 * CLI tests never send one, and the spawned tests check them on the real bin.
 */
export async function runCommand(command: string, argv: string[], io: CliIo = processIo()): Promise<number> {
  const controller = new AbortController();
  const stderr = (text: string) => void io.stderr.write(text);
  const lang = cliLang(argv, io.env);
  const guard = installSignalHandlers(controller, stderr, undefined, lang);
  let ctx: CliContext | undefined;
  try {
    const args = parseCommandArgs(command, argv);
    ctx = createContext(args.options, controller.signal, lang, io);
    const load = LOADERS[command];
    if (!load) throw new BoxauditError('BOXAUDIT_USAGE', `unknown command "${command}"`);
    const mod = await load();
    const code = await mod.run(args, ctx);
    // A signal that arrived while the last piece was written still ends the run as interrupted.
    return guard.received ? guard.finish(stderr) : code;
  } catch (error) {
    if (guard.received) return guard.finish(stderr);
    stderr(`${describeError(error, ctx?.redactor() ?? createRedactor([]), lang)}\n`);
    return 2;
  } finally {
    guard.dispose();
  }
}

/**
 * The error as one stderr line: its message may embed box text (a description, a REST error
 * detail), so it is redacted and neutralised like every other output line. An unexpected error
 * keeps its stack frames (our code's paths), each line neutralised, never the box's line breaks.
 */
export function describeError(error: unknown, redactor: Redactor, lang: Lang = 'en'): string {
  if (isBoxauditError(error)) {
    const hint = error.code === 'BOXAUDIT_USAGE' ? cliText(lang, 'cli.seeHelp') : '';
    if (lang === 'fr') {
      // The command line's own messages have a French wording; others keep their (technical)
      // English detail after the French meaning of their code.
      const french = error.details.localized === true ? error.message : frenchMessage(error.message);
      const text =
        french !== null
          ? frenchSpaces(french)
          : `${frenchSpaces(ERROR_CODES_FR[error.code] ?? error.code)} (détail technique${colon('fr')}${error.message})`;
      return terminalLine(`boxaudit${colon('fr')}${text}${hint} [${error.code}]`, redactor);
    }
    return terminalLine(`boxaudit: ${error.message}${hint} [${error.code}]`, redactor);
  }
  if (error instanceof Error) {
    const frames = (error.stack ?? '')
      .split('\n')
      .filter((l) => /^\s+at /.test(l))
      .map((l) => `    ${safeLine(redactor.mixed(l), 400)}`);
    return [
      terminalLine(
        `boxaudit${colon(lang)}${cliText(lang, 'cli.unexpected')}${colon(lang)}${error.name}: ${error.message}`,
        redactor,
      ),
      ...frames,
    ].join('\n');
  }
  return terminalLine(`boxaudit: unexpected error: ${String(error)}`, redactor);
}
