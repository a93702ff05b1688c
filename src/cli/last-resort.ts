import { createRedactor, terminalLine } from '../reporters/sanitize.js';
import { SECRET_ENV } from './context.js';

/** At most this many lines of an internal error reach stderr. */
const MAX_LINES = 60;

/**
 * The bin's last-resort message for an error runCommand did not handle: each line of the stack (or
 * message) redacted with the secrets of the environment and neutralised like every other output
 * line (terminalLine: controls, bidi, every line break kind), so a box string quoted in it is inert.
 */
export function lastResortMessage(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  const secrets = SECRET_ENV.map((name) => env[name]).filter((v): v is string => !!v);
  const redactor = createRedactor(secrets);
  return text
    .split('\n')
    .slice(0, MAX_LINES)
    .map((line, i) => terminalLine(i === 0 ? `boxaudit: internal error: ${line}` : line, redactor))
    .join('\n');
}
