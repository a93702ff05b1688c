import { progressLine } from '../i18n/cli.js';
import type { Lang } from '../i18n/index.js';
import { createRedactor, type Redactor, terminalLine } from '../reporters/sanitize.js';
import type { ParsedOptions } from './args.js';
import { type CliIo, processIo } from './io.js';
import { type Sink, stdoutSink } from './write.js';

/**
 * Everything a command may touch of the process, gathered in one place, built from the run's
 * `CliIo` (io.ts: the real process for the bin, captured streams for the in-process CLI tests).
 */
export interface CliContext {
  /** Raw stdout: only for renderer output (already sanitized) and our own static text. */
  out(text: string): void;
  /**
   * Raw stdout as a sink, for a report written piece by piece (write.ts): each piece waits for the
   * previous one; once the reader went away (EPIPE, `| head`) the rest is dropped quietly.
   */
  stdout: Sink;
  /** One line on stdout that may carry box or user text: secrets redacted, controls and line breaks neutralised. */
  outLine(line: string): void;
  /** Progress for people: shown on a TTY or with --verbose; silent for RMM agents and pipes. Sanitized like `warn`. */
  progress(line: string): void;
  /** Warnings and errors: always on stderr, one line each (secrets redacted, controls and line breaks neutralised). */
  warn(line: string): void;
  /** Remember a secret value (password, token, passphrase): redacted from every output from now on. */
  addSecret(value: string | null | undefined): void;
  /** The secrets known so far (for `render`'s `secrets`). */
  readonly secrets: readonly string[];
  /** The redactor for the secrets known so far. */
  redactor(): Redactor;
  env: Readonly<Record<string, string | undefined>>;
  color: boolean;
  interactive: boolean;
  signal: AbortSignal;
  /** Open a file with the system's browser (`--open`); tests give their own. */
  openFile(path: string): Promise<void>;
  /** Language of help, errors, prompts and progress (`--lang`, else the environment). */
  lang: Lang;
}

/** Environment variables that hold secrets whatever the command (see target.ts ENV). */
export const SECRET_ENV = ['BOXAUDIT_PASSWORD', 'BOXAUDIT_TOKEN', 'BOXAUDIT_KEY_PASSPHRASE'];

export function createContext(
  options: ParsedOptions,
  signal: AbortSignal,
  lang: Lang = 'en',
  io: CliIo = processIo(),
): CliContext {
  const env = io.env;
  const stdoutTty = io.stdout.isTTY === true;
  const stderrTty = io.stderr.isTTY === true;
  // NO_COLOR (any non-empty value) wins over a TTY; --color forces it, --no-color refuses it.
  const noColor = options['no-color'] === true || (env.NO_COLOR !== undefined && env.NO_COLOR !== '');
  const color = !noColor && (options.color === true || (stdoutTty && env.TERM !== 'dumb'));
  const showProgress = options.verbose === true || stderrTty;
  const secrets: string[] = [];
  let redactor = createRedactor(secrets);
  const addSecret = (value: string | null | undefined) => {
    if (typeof value !== 'string' || value === '' || secrets.includes(value)) return;
    secrets.push(value);
    redactor = createRedactor(secrets);
  };
  for (const name of SECRET_ENV) addSecret(env[name]);
  if (options['password-env'] !== undefined) addSecret(env[options['password-env']]);
  const errLine = (line: string) => void io.stderr.write(`${terminalLine(line, redactor)}\n`);
  return {
    out: (text) => void io.stdout.write(text),
    stdout: stdoutSink(io.stdout),
    outLine: (line) => void io.stdout.write(`${terminalLine(line, redactor)}\n`),
    progress: (line) => {
      if (showProgress) errLine(progressLine(lang, line));
    },
    warn: errLine,
    addSecret,
    get secrets() {
      return secrets;
    },
    redactor: () => redactor,
    env,
    color,
    interactive: io.stdin.isTTY === true && stderrTty,
    signal,
    openFile: (path) => io.openFile(path),
    lang,
  };
}
