import { BoxauditError, isBoxauditError } from '../errors.js';
import { parseCommandArgs } from './args.js';
import { type CliContext, createContext } from './context.js';

type CommandModule = { run(args: ReturnType<typeof parseCommandArgs>, ctx: CliContext): Promise<number> };

const LOADERS: Record<string, () => Promise<CommandModule>> = {
  audit: () => import('./commands/audit.js'),
  dump: () => import('./commands/dump.js'),
  discover: () => import('./commands/discover.js'),
  rules: () => import('./commands/rules.js'),
  demo: () => import('./commands/demo.js'),
  login: () => import('./commands/login.js'),
};

/** Run one command; every error becomes a one-line message on stderr and exit 2. */
export async function runCommand(command: string, argv: string[]): Promise<number> {
  const controller = new AbortController();
  const onSigint = () => controller.abort(new BoxauditError('BOXAUDIT_ABORTED', 'interrupted (Ctrl-C)'));
  process.once('SIGINT', onSigint);
  try {
    const args = parseCommandArgs(command, argv);
    const ctx = createContext(args.options, controller.signal);
    const load = LOADERS[command];
    if (!load) throw new BoxauditError('BOXAUDIT_USAGE', `unknown command "${command}"`);
    const mod = await load();
    return await mod.run(args, ctx);
  } catch (error) {
    process.stderr.write(`${describeError(error)}\n`);
    return 2;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

function describeError(error: unknown): string {
  if (isBoxauditError(error)) {
    const hint = error.code === 'BOXAUDIT_USAGE' ? ' (see boxaudit --help)' : '';
    return `boxaudit: ${error.message}${hint} [${error.code}]`;
  }
  if (error instanceof Error) return `boxaudit: unexpected error: ${error.stack ?? error.message}`;
  return `boxaudit: unexpected error: ${String(error)}`;
}
