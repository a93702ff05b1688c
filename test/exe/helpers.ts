/**
 * The standalone programs made by `npm run build:exe` (scripts/build-exe.mjs) in exe/. Their tests
 * skip, saying why, when a program has not been built, except under CI (`CI` set), where .ci/run
 * builds them first and a missing program is a failure.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const EXE_DIR = join(REPO_ROOT, 'exe');
export const VERSION = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

/** The status line every text report ends with. */
export const STATUS_LINE = /^BOXAUDIT status=\w+ .* exit=[012]$/;

/** Why a program cannot be tested here (null when it can), or a thrown error under CI. */
export function missing(file: string, what = 'run `npm run build:exe`'): string | null {
  if (existsSync(file)) return null;
  const reason = `${file} is missing (${what})`;
  if (process.env.CI) throw new Error(`${reason}: under CI .ci/run builds it before the tests`);
  return reason;
}

/** SHA-256 of a file, hex. */
export const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a program with exactly `env` (nothing inherited), stdin closed; killed after `timeoutMs`. */
export function run(
  argv: string[],
  env: Record<string, string>,
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      env,
      cwd: options.cwd ?? REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
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
      });
    });
  });
}

export const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1) ?? '';
