import { VERSION } from '../version.js';
import type { CliIo } from './io.js';

// What the bin runs, given its arguments and its process (io.ts). Kept tiny: `--version` and `--help`
// load nothing else; each command is imported on demand, so a doctor's `npx boxaudit --version` costs
// little more than starting Node. The in-process CLI tests (test/cli/helpers.ts) call `runCli` with
// captured streams; main.ts calls it with the real process.

export const COMMANDS = [
  'audit',
  'discover',
  'dump',
  'rules',
  'demo',
  'login',
  'fix',
  'fleet',
  'diff',
  'help',
] as const;
type Command = (typeof COMMANDS)[number];

/**
 * Run the CLI: the exit code, never a rejection. An error that escaped the command (runCommand turns
 * known errors into exit 2 with a message) is the last resort: its text (it may quote a box) goes
 * through the output sanitizer and redaction, line by line, and the exit code is 2.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    let message = 'boxaudit: internal error (its text could not be shown safely)';
    try {
      const { lastResortMessage } = await import('./last-resort.js');
      message = lastResortMessage(error, io.env);
    } catch {}
    io.stderr.write(`${message}\n`);
    return 2;
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  // The standalone Windows program double-clicked in Explorer: a guided audit (see guided.ts). It
  // uses the real process (its prompt and its copy of the report): never the case in tests.
  if (argv.length === 0 && io.platform === 'win32') {
    const guided = await import('./guided.js');
    const { isStandalone } = await import('./standalone.js');
    const facts = {
      platform: io.platform,
      argv,
      env: io.env,
      console: io.stdin.isTTY === true && io.stdout.isTTY === true,
      standalone: isStandalone(),
    };
    if (guided.launchedByDoubleClick(facts)) {
      const lang = guided.systemLang(io.env, Intl.DateTimeFormat().resolvedOptions().locale);
      return guided.runGuided({ lang });
    }
  }
  const out = (text: string) => void io.stdout.write(text);
  const first = argv[0];
  if (first === '--version' || first === '-v' || first === 'version') {
    out(`${VERSION}\n`);
    return 0;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    const { printHelp } = await import('./help.js');
    await printHelp(out, argv[1], await helpLang(argv, io));
    return 0;
  }
  // `boxaudit audit --help` is a request for help, not an unknown option (and must not start an audit).
  if (argv.includes('--help') || argv.includes('-h')) {
    const { printHelp } = await import('./help.js');
    await printHelp(out, first, await helpLang(argv, io));
    return 0;
  }
  // A first word that is not a command is a typo (`boxaudit dupm`), not an argument of `audit`.
  if (first !== undefined && !first.startsWith('-') && !(COMMANDS as readonly string[]).includes(first)) {
    const lang = await helpLang(argv, io);
    const { cliText } = await import('../i18n/cli.js');
    const { terminalLine } = await import('../reporters/sanitize.js');
    const text = cliText(lang, 'cli.unknownCommand', { command: first, commands: COMMANDS.join(', ') });
    io.stderr.write(
      `${terminalLine(`boxaudit${lang === 'fr' ? '\u00a0: ' : ': '}${text}`)} [BOXAUDIT_USAGE]\n`,
    );
    return 2;
  }
  // Bare `boxaudit` and `boxaudit --flags…` mean `boxaudit audit`.
  const command: Command =
    first !== undefined && (COMMANDS as readonly string[]).includes(first) ? (first as Command) : 'audit';
  const rest = command === first ? argv.slice(1) : argv;
  const { runCommand } = await import('./run.js');
  return runCommand(command, rest, io);
}

/** The language of help and usage messages: `--lang` in argv, else the environment (see output.ts). */
async function helpLang(argv: string[], io: CliIo): Promise<'en' | 'fr'> {
  const { cliLang } = await import('./output.js');
  return cliLang(argv, io.env);
}
