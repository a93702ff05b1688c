#!/usr/bin/env node
import { VERSION } from '../version.js';

// The bin. Kept tiny: `--version` and `--help` load nothing else; each command is imported on demand,
// so a doctor's `npx boxaudit --version` costs little more than starting Node.

const COMMANDS = [
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

async function main(argv: string[]): Promise<number> {
  // The standalone Windows program double-clicked in Explorer: a guided audit (see guided.ts).
  if (argv.length === 0 && process.platform === 'win32') {
    const guided = await import('./guided.js');
    const { isStandalone } = await import('./standalone.js');
    const facts = {
      platform: process.platform,
      argv,
      env: process.env,
      console: process.stdin.isTTY === true && process.stdout.isTTY === true,
      standalone: isStandalone(),
    };
    if (guided.launchedByDoubleClick(facts)) {
      const lang = guided.systemLang(process.env, Intl.DateTimeFormat().resolvedOptions().locale);
      return guided.runGuided({ lang });
    }
  }
  const first = argv[0];
  if (first === '--version' || first === '-v' || first === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    const { printHelp } = await import('./help.js');
    await printHelp(argv[1], await helpLang(argv));
    return 0;
  }
  // `boxaudit audit --help` is a request for help, not an unknown option (and must not start an audit).
  if (argv.includes('--help') || argv.includes('-h')) {
    const { printHelp } = await import('./help.js');
    await printHelp(first, await helpLang(argv));
    return 0;
  }
  // A first word that is not a command is a typo (`boxaudit dupm`), not an argument of `audit`.
  if (first !== undefined && !first.startsWith('-') && !(COMMANDS as readonly string[]).includes(first)) {
    const lang = await helpLang(argv);
    const { cliText } = await import('../i18n/cli.js');
    const { terminalLine } = await import('../reporters/sanitize.js');
    const text = cliText(lang, 'cli.unknownCommand', { command: first, commands: COMMANDS.join(', ') });
    process.stderr.write(
      `${terminalLine(`boxaudit${lang === 'fr' ? '\u00a0: ' : ': '}${text}`)} [BOXAUDIT_USAGE]\n`,
    );
    return 2;
  }
  // Bare `boxaudit` and `boxaudit --flags…` mean `boxaudit audit`.
  const command: Command =
    first !== undefined && (COMMANDS as readonly string[]).includes(first) ? (first as Command) : 'audit';
  const rest = command === first ? argv.slice(1) : argv;
  const { runCommand } = await import('./run.js');
  return runCommand(command, rest);
}

/** The language of help and usage messages: `--lang` in argv, else the environment (see output.ts). */
async function helpLang(argv: string[]): Promise<'en' | 'fr'> {
  const { cliLang } = await import('./output.js');
  return cliLang(argv, process.env);
}

// A reader that stops early (`boxaudit rules list | head`) is no reason for a stack trace: drop the rest
// of the output and finish the run, so the exit code still tells what it found.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

/** Signal exits (130 Ctrl-C, 143 SIGTERM) end the process at once: nothing left to wait for. */
const SIGNAL_EXITS = new Set([130, 143]);

main(process.argv.slice(2)).then(
  (code) => {
    if (SIGNAL_EXITS.has(code)) process.exit(code);
    process.exitCode = code;
  },
  async (error: unknown) => {
    // Last resort: runCommand already turns known errors into exit 2 with a message. The text (it
    // may quote a box) goes through the output sanitizer and redaction, line by line.
    let message = 'boxaudit: internal error (its text could not be shown safely)';
    try {
      const { lastResortMessage } = await import('./last-resort.js');
      message = lastResortMessage(error);
    } catch {}
    process.stderr.write(`${message}\n`);
    process.exitCode = 2;
  },
);
