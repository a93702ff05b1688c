/**
 * The process as one run of the CLI sees it: its environment, its three streams, its platform and
 * the system opener. The bin (main.ts) passes the real process (`processIo`); the CLI tests pass their
 * own and run the CLI in-process (test/cli/helpers.ts), capturing stdout and stderr.
 *
 * Still process-wide, on purpose: the SIGINT/SIGTERM handlers (signals.ts; a signal is sent to a
 * process), the working directory (relative paths are resolved by Node against `process.cwd()`), the
 * secret and yes/no prompts (prompt.ts, only when stdin and stderr are terminals) and the Windows
 * double-click mode (guided.ts, only with no argument on Windows).
 *
 * Kept free of imports: the bin loads it for `--version`.
 */

/** An output stream: stdout or stderr. */
export interface CliStream {
  /** Write text; `done` is called once it is handed over, with the error (EPIPE included) if any. */
  write(text: string, done?: (error?: Error | null) => void): unknown;
  /** A terminal (colours, progress lines). */
  readonly isTTY?: boolean;
}

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: CliStream;
  readonly stderr: CliStream;
  /** Only asked whether it is a terminal (an interactive run may prompt). */
  readonly stdin: { readonly isTTY?: boolean };
  readonly platform: NodeJS.Platform;
  /** Open a file with the system's browser (`--open`). */
  openFile(path: string): Promise<void>;
}

/** The real process. Streams are read when used (Node creates `process.stdin` on first access). */
export function processIo(): CliIo {
  return {
    env: process.env,
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
    platform: process.platform,
    openFile: async (path) => (await import('./open.js')).openWithSystem(path, process.platform),
  };
}
