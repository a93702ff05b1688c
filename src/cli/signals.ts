/**
 * Ctrl-C and SIGTERM at any stage (collection, evaluation, rendering, writing): the run's signal is
 * aborted, every stage checks it (requests are cancelled, renderers are written piece by piece with
 * a yield to the event loop between pieces), and the CLI ends with one line on stderr and the
 * conventional code 128 + signal number: 130 for SIGINT, 143 for SIGTERM. A second signal, or a
 * stage that does not stop within FORCE_EXIT_MS, ends the process at once with the same line and code.
 */
import { abortError, BoxauditError } from '../errors.js';
import { cliText } from '../i18n/cli.js';
import type { Lang } from '../i18n/index.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';

export const SIGNAL_EXIT_CODES: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

const MESSAGES: Record<StopSignal, string> = {
  SIGINT: 'interrupted (Ctrl-C)',
  SIGTERM: 'terminated (SIGTERM)',
};

/** How long a stage may take to notice the abort before the process is ended anyway. */
export const FORCE_EXIT_MS = 3000;

export interface SignalGuard {
  /** The signal received, if any. */
  readonly received: StopSignal | undefined;
  /** The exit code for the signal received (130, 143). */
  readonly exitCode: number;
  /** The one stderr line for the signal received. */
  readonly line: string;
  /** Say the line (once) and give the exit code. */
  finish(write: (text: string) => void): number;
  /** Remove the handlers and the force-exit timer. */
  dispose(): void;
}

/** The stderr line for a signal. */
export function signalLine(signal: StopSignal, lang: Lang = 'en'): string {
  if (lang === 'fr') return `boxaudit\u00a0: ${cliText('fr', `cli.${signal}`)} [BOXAUDIT_ABORTED]`;
  return `boxaudit: ${MESSAGES[signal]} [BOXAUDIT_ABORTED]`;
}

/** Install SIGINT/SIGTERM handlers that abort `controller` with a BOXAUDIT_ABORTED error. */
export function installSignalHandlers(
  controller: AbortController,
  write: (text: string) => void = (text) => process.stderr.write(text),
  exit: (code: number) => void = (code) => process.exit(code),
  lang: Lang = 'en',
): SignalGuard {
  let received: StopSignal | undefined;
  let said = false;
  let timer: NodeJS.Timeout | undefined;
  const say = () => {
    if (said || received === undefined) return;
    said = true;
    write(`${signalLine(received, lang)}\n`);
  };
  const forceExit = () => {
    say();
    exit(SIGNAL_EXIT_CODES[received ?? 'SIGINT']);
  };
  const handler = (signal: StopSignal) => {
    if (received !== undefined) {
      forceExit(); // a second Ctrl-C: stop now
      return;
    }
    received = signal;
    controller.abort(new BoxauditError('BOXAUDIT_ABORTED', MESSAGES[signal]));
    timer = setTimeout(forceExit, FORCE_EXIT_MS);
    timer.unref();
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    get received() {
      return received;
    },
    get exitCode() {
      return received === undefined ? 0 : SIGNAL_EXIT_CODES[received];
    },
    get line() {
      return received === undefined ? '' : signalLine(received, lang);
    },
    finish(w) {
      if (!said && received !== undefined) {
        said = true;
        w(`${signalLine(received, lang)}\n`);
      }
      return received === undefined ? 0 : SIGNAL_EXIT_CODES[received];
    },
    dispose() {
      if (timer) clearTimeout(timer);
      process.removeListener('SIGINT', onInt);
      process.removeListener('SIGTERM', onTerm);
    },
  };
}

/** Let pending events (a signal, a socket) run: one turn of the event loop. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * One turn of the event loop (a pending Ctrl-C runs), then stop if the run was aborted. Here, not
 * in commands/audit.ts, so that `dump` does not load the rule engine (and ajv) just for this.
 */
export async function checkpoint(ctx: { signal: AbortSignal }, what: string): Promise<void> {
  await yieldToEventLoop();
  if (ctx.signal.aborted) throw abortError(ctx.signal, what);
}
