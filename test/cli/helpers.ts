/**
 * Helpers for the CLI tests. Most cases run the CLI in-process (`runCli`): the same entry as the bin
 * (`runCli` of src/cli/dispatch.ts) given a test `CliIo` (src/cli/io.ts): captured stdout and stderr
 * (not terminals: no colours, no progress), a clean environment, stdin not a terminal, no browser.
 * A few smoke tests run the BUILT bin (`dist/cli/main.js`, made by `npm run build`, which `npm test`
 * runs before vitest) as a child process (`spawnCli`), for what only a real process shows: the bin
 * entry, exit codes set on the process, signals, EPIPE, what gets loaded (ssh2).
 *
 * What stays process-wide in-process (see io.ts): the working directory (always the repository root
 * here, as for the spawned bin: a test that needs another one must use `spawnCli`) and the signal
 * handlers (no in-process test sends a signal).
 *
 * Network safety: these tests only ever point the CLI at a loopback IGD simulator (`--upnp
 * http://127.0.0.1:…`), a file (`--from`) or nothing that reaches the network (`rules`, `demo`,
 * usage errors). Both runners refuse, before running anything, a command that could fall back to
 * default SSDP discovery on the host's network.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { CliIo, CliStream } from '../../src/cli/io.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/cli/', import.meta.url));

export interface CliResult {
  /** Exit code; null when the process was killed (see `timedOut`). */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunCliOptions {
  /** Extra environment variables; `undefined` removes one. */
  env?: Record<string, string | undefined>;
  /** Give up on the CLI after this long (default 20 s); the test then fails on `timedOut`. */
  timeoutMs?: number;
}

export interface SpawnCliOptions extends RunCliOptions {
  cwd?: string;
}

/** Commands that read a box: they must be given a loopback or file target in these tests. */
const NETWORK_COMMANDS = new Set(['audit', 'dump', 'discover', 'login', 'fix']);
const LOOPBACK_URL = /^https?:\/\/(127\.\d+\.\d+\.\d+|\[::1\]|localhost)(:\d+)?\//i;

/** Throws unless argv keeps the CLI off the host network (a loopback --upnp, --from, --gateway 127.0.0.1). */
function assertLoopbackOnly(args: string[]): void {
  const first = args[0];
  if (first === '--version' || first === '--help' || first === 'help') return;
  const command = first !== undefined && !first.startsWith('-') ? first : 'audit';
  if (!NETWORK_COMMANDS.has(command)) return;
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const upnp = value('--upnp');
  const gateway = value('--gateway');
  const safe =
    (upnp !== undefined && LOOPBACK_URL.test(upnp)) ||
    value('--from') !== undefined ||
    (gateway !== undefined && ['127.0.0.1', '::1'].includes(gateway)) ||
    LOOPBACK_URL.test(`${value('--host') ?? ''}/`);
  if (!safe) {
    throw new Error(
      `test bug: "${args.join(' ')}" could run SSDP discovery on the host network; give --upnp http://127.0.0.1:…, --from FILE or --gateway 127.0.0.1`,
    );
  }
}

/** Fail with a clear message when the bin has not been built. */
export function requireBuiltCli(): void {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: run \`npm run build\` first (\`npm test\` does it before vitest)`);
  }
}

/** The environment of a run: this process's, without the variables the CLI reads, plus `extra`. */
function cliEnv(extra: RunCliOptions['env'] = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of [
    'NO_COLOR',
    'FORCE_COLOR',
    'BOXAUDIT_LANG',
    'LANG',
    'LC_ALL',
    'LC_MESSAGES',
    'BOXAUDIT_PASSWORD',
    'BOXAUDIT_TOKEN',
    'BOXAUDIT_WEBHOOK',
  ]) {
    delete env[name];
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** An output stream that keeps what is written; like a pipe, not a terminal. */
function capture(into: string[]): CliStream {
  return {
    isTTY: false,
    write(text, done) {
      into.push(text);
      if (done) queueMicrotask(() => done(null));
      return true;
    },
  };
}

type Entry = typeof import('../../src/cli/dispatch.js');
let loading: Promise<Entry> | undefined;

/**
 * Load the CLI and every command module (the entry imports them on demand) once per test file, so
 * that the first run of a file does not spend its time budget compiling TypeScript. In-process test
 * files call it in `beforeAll` (the hook has a longer timeout than a test).
 */
export function loadCli(): Promise<Entry> {
  loading ??= (async () => {
    const entry = await import('../../src/cli/dispatch.js');
    await Promise.all([
      import('../../src/cli/run.js'),
      import('../../src/cli/help.js'),
      import('../../src/cli/commands/audit.js'),
      import('../../src/cli/commands/demo.js'),
      import('../../src/cli/commands/diff.js'),
      import('../../src/cli/commands/discover.js'),
      import('../../src/cli/commands/dump.js'),
      import('../../src/cli/commands/fix.js'),
      import('../../src/cli/commands/fleet.js'),
      import('../../src/cli/commands/login.js'),
      import('../../src/cli/commands/rules.js'),
    ]);
    return entry;
  })();
  return loading;
}

/**
 * Run the CLI in-process: `boxaudit …args` with captured stdout and stderr (not terminals: no
 * colours, no progress), stdin not a terminal, a clean environment for the variables the CLI reads,
 * and an opener that refuses (no browser is ever launched by a test). Same result as `spawnCli`.
 */
export async function runCli(args: string[], options: RunCliOptions = {}): Promise<CliResult> {
  assertLoopbackOnly(args);
  if (resolve(process.cwd()) !== resolve(REPO_ROOT)) {
    throw new Error(`test bug: in-process CLI runs resolve paths against ${process.cwd()}, not ${REPO_ROOT}`);
  }
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    env: cliEnv(options.env),
    stdout: capture(out),
    stderr: capture(err),
    stdin: { isTTY: false },
    platform: process.platform,
    openFile: async (path) => {
      throw new Error(`test bug: the CLI was asked to open ${path} with the system's browser`);
    },
  };
  const entry = await loadCli();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((done) => {
    timer = setTimeout(() => done(null), options.timeoutMs ?? 20_000);
  });
  try {
    const code = await Promise.race([entry.runCli([...args], io), timeout]);
    return { code, stdout: out.join(''), stderr: err.join(''), timedOut: code === null };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Run `node dist/cli/main.js …args` as a child process, stdin closed, stdout/stderr piped (so not
 * TTYs: no colours, no progress), with a clean environment for the variables the CLI reads. Only
 * for what a real process shows (see the header).
 */
export function spawnCli(args: string[], options: SpawnCliOptions = {}): Promise<CliResult> {
  requireBuiltCli();
  assertLoopbackOnly(args);
  const env = cliEnv(options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 20_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
  });
}

/** JSON.parse with the start of the text in the error (so a failure shows what was printed). */
export function parseJson<T = unknown>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${what} is not JSON: ${text.slice(0, 500)}`);
  }
}

const SCHEMA_DIR = new URL('../../schema/', import.meta.url);

/** Validators for the published dump and report schemas: '' when valid, else ajv's errors. */
export function schemaValidators(): { dump(value: unknown): string; report(value: unknown): string } {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  for (const name of ['snapshot', 'dump', 'report']) {
    ajv.addSchema(JSON.parse(readFileSync(new URL(`${name}.schema.json`, SCHEMA_DIR), 'utf8')));
  }
  const check = (id: string) => (value: unknown) => {
    const validate = ajv.getSchema(id);
    if (!validate) throw new Error(`schema ${id} not loaded`);
    return validate(value) ? '' : ajv.errorsText(validate.errors, { separator: '\n' });
  };
  return {
    dump: check('https://boxaudit.dev/schema/dump.schema.json'),
    report: check('https://boxaudit.dev/schema/report.schema.json'),
  };
}

/** The parts of the report the tests read. */
export interface ReportJson {
  schemaVersion: string;
  snapshots: Array<{
    collectedAt: string;
    forwards: Array<{
      id: string;
      source: string;
      protocol: string;
      externalPort: { start: number; end: number } | null;
      internalHost: string | null;
      internalPort: { start: number; end: number } | null;
      remoteHost: string | null;
      enabled: boolean | null;
      description: string | null;
      leaseSeconds: number | null;
    }>;
    coverage: Array<{ area: string; status: string; reason?: string; code?: string }>;
  }>;
  findings: Array<{
    ruleId: string;
    status: string;
    severity: string;
    snapshotIndex: number;
    forwardId: string | null;
    adjustments?: Array<{ reason: string; from: string; to: string; detail?: string }>;
  }>;
  summary: { exitCode: number; failOn: string; counts: Record<string, number> };
}

/** Every finding's forwardId names a forward of its snapshot (or is null: a router-level finding). */
export function danglingForwardIds(report: ReportJson): string[] {
  return report.findings
    .filter((f) => f.forwardId !== null)
    .filter((f) => !report.snapshots[f.snapshotIndex]?.forwards.some((fw) => fw.id === f.forwardId))
    .map((f) => `${f.ruleId} -> ${f.forwardId}`);
}

/** One line per finding: rule, severity, forward's public port (for comparing two reports). */
export function findingKeys(report: ReportJson): string[] {
  return report.findings
    .map((f) => {
      const fw = report.snapshots[f.snapshotIndex]?.forwards.find((x) => x.id === f.forwardId);
      const where = fw ? `${fw.protocol}/${fw.externalPort?.start}` : 'box';
      return `${f.ruleId} ${f.status} ${f.severity} ${where}`;
    })
    .sort();
}

/** ESC, CSI (C1) and other terminal control characters except \n. */
export const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
