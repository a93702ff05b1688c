import { terminalLine } from '../reporters/sanitize.js';

// node:readline is loaded on the first question only: most runs never ask one.

/** Ask for a secret on the terminal without echoing it. Only called when stdin and stderr are TTYs. */
export async function promptSecret(question: string, signal: AbortSignal): Promise<string> {
  const { createInterface } = await import('node:readline');
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // Mute the echo: readline writes typed characters through _writeToOutput.
    const muted = rl as unknown as { _writeToOutput: (s: string) => void };
    // The question may name a detected box (its address came from the network): one inert line.
    process.stderr.write(`${terminalLine(question)}${question.endsWith(' ') ? ' ' : ''}`);
    muted._writeToOutput = () => {};
    const onAbort = () => {
      rl.close();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    rl.question('', (answer) => {
      signal.removeEventListener('abort', onAbort);
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

/** Ask a yes/no question on the terminal (the answer is echoed); true for y/yes/o/oui. Only on a TTY. */
export async function promptYesNo(question: string, signal: AbortSignal): Promise<boolean> {
  const { createInterface } = await import('node:readline');
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const onAbort = () => {
      rl.close();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    rl.question(terminalLine(question) + (question.endsWith(' ') ? ' ' : ''), (answer) => {
      signal.removeEventListener('abort', onAbort);
      rl.close();
      resolve(/^\s*(y|yes|o|oui)\s*$/i.test(answer));
    });
  });
}
