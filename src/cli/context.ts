import type { ParsedOptions } from './args.js';

/** Everything a command may touch of the process, gathered in one place (the only place with `process`). */
export interface CliContext {
  out(text: string): void;
  /** Progress for people: shown on a TTY or with --verbose; silent for RMM agents and pipes. */
  progress(line: string): void;
  /** Warnings and errors: always on stderr. */
  warn(line: string): void;
  env: Readonly<Record<string, string | undefined>>;
  color: boolean;
  interactive: boolean;
  signal: AbortSignal;
}

export function createContext(options: ParsedOptions, signal: AbortSignal): CliContext {
  const env = process.env;
  const stdoutTty = process.stdout.isTTY === true;
  const stderrTty = process.stderr.isTTY === true;
  // NO_COLOR (any non-empty value) wins over a TTY; --color forces it, --no-color refuses it.
  const noColor = options['no-color'] === true || (env.NO_COLOR !== undefined && env.NO_COLOR !== '');
  const color = !noColor && (options.color === true || (stdoutTty && env.TERM !== 'dumb'));
  const showProgress = options.verbose === true || stderrTty;
  return {
    out: (text) => process.stdout.write(text),
    progress: (line) => {
      if (showProgress) process.stderr.write(`${line}\n`);
    },
    warn: (line) => process.stderr.write(`${line}\n`),
    env,
    color,
    interactive: process.stdin.isTTY === true && stderrTty,
    signal,
  };
}
