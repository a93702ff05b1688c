/**
 * Writing a rendered report piece by piece, to stdout or a file: no single giant string, a turn of
 * the event loop between pieces (so Ctrl-C is honoured while a large report is built and written),
 * and the run's signal checked before each piece. A file is written under a temporary name and
 * renamed when complete: an interrupted run never leaves half a report behind.
 */
import { constants } from 'node:fs';
import { access, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { abortError, BoxauditError } from '../errors.js';
import { cliText } from '../i18n/cli.js';
import type { Lang } from '../i18n/index.js';
import type { CliContext } from './context.js';
import type { CliStream } from './io.js';
import { yieldToEventLoop } from './signals.js';

/** Characters gathered before one write (and one turn of the event loop). */
const BATCH = 1 << 20;

export type Sink = (text: string) => Promise<void>;

/** Write `chunks` to `sink` in batches, checking `signal` between pieces. */
export async function writeChunks(
  chunks: Iterable<string>,
  sink: Sink,
  signal: AbortSignal,
  what = 'writing the report',
): Promise<void> {
  let batch: string[] = [];
  let size = 0;
  for (const chunk of chunks) {
    if (signal.aborted) throw abortError(signal, what);
    batch.push(chunk);
    size += chunk.length;
    if (size >= BATCH) {
      await sink(batch.join(''));
      batch = [];
      size = 0;
      await yieldToEventLoop();
    }
  }
  if (signal.aborted) throw abortError(signal, what);
  if (size > 0) await sink(batch.join(''));
}

/** A sink on stdout (`ctx.stdout`); a reader that went away (EPIPE, `| head`) drops the rest quietly. */
export function stdoutSink(stdout: CliStream): Sink {
  let closed = false;
  return (text) =>
    new Promise((resolve, reject) => {
      if (closed) return resolve();
      stdout.write(text, (error) => {
        if (!error) return resolve();
        if ((error as NodeJS.ErrnoException).code === 'EPIPE') {
          closed = true;
          return resolve();
        }
        reject(error);
      });
    });
}

/** Write `chunks` to the file `path` (temporary name, then rename; removed on any failure or abort). */
export async function writeFileChunks(
  path: string,
  chunks: Iterable<string>,
  signal: AbortSignal,
): Promise<void> {
  const existing = await stat(path).catch(() => null);
  if (existing !== null && !existing.isFile()) {
    // A device or pipe (`--output /dev/stdout`): written in place, there is nothing to rename.
    const direct = await open(path, 'w');
    try {
      await writeChunks(chunks, async (text) => void (await direct.write(text, null, 'utf8')), signal);
    } finally {
      await direct.close();
    }
    return;
  }
  // node:crypto on a file write only (its start-up cost is paid by runs that write a file).
  const { randomBytes } = await import('node:crypto');
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', 0o600);
  let done = false;
  try {
    await writeChunks(
      chunks,
      async (text) => {
        await handle.write(text, null, 'utf8');
      },
      signal,
      `writing ${path}`,
    );
    await handle.close();
    await rename(tmp, path);
    done = true;
  } finally {
    if (!done) {
      await handle.close().catch(() => undefined);
      await rm(tmp, { force: true }).catch(() => undefined);
    }
  }
}

/**
 * `--output FILE`, checked before any box is contacted: FILE is not a folder, its folder exists and
 * is writable (a typo must not cost a box read and then lose the report).
 */
export async function checkOutputPath(path: string): Promise<void> {
  const full = resolve(path);
  const existing = await stat(full).catch(() => null);
  if (existing?.isDirectory()) {
    throw new BoxauditError('BOXAUDIT_USAGE', `--output ${path}: is a folder, not a file`);
  }
  if (existing !== null && !existing.isFile()) {
    // A device or pipe (`/dev/stdout`): written in place, it only needs to be writable.
    await access(full, constants.W_OK).catch(() => {
      throw new BoxauditError('BOXAUDIT_USAGE', `--output ${path}: not writable`);
    });
    return;
  }
  const folder = dirname(full);
  const parent = await stat(folder).catch(() => null);
  if (parent === null || !parent.isDirectory()) {
    throw new BoxauditError('BOXAUDIT_USAGE', `--output ${path}: folder ${folder} does not exist`);
  }
  // The file is written under a temporary name in its folder, then renamed: the folder must be writable.
  await access(folder, constants.W_OK).catch(() => {
    throw new BoxauditError('BOXAUDIT_USAGE', `--output ${path}: folder ${folder} is not writable`);
  });
}

/**
 * Write the `--output` file after the report went to stdout. A failure (disk full, folder removed
 * meanwhile) loses nothing: the report is already printed; it gives one line on stderr and exit 2.
 * An interruption (Ctrl-C) still ends the run as interrupted.
 */
export async function writeOutputFile(
  path: string,
  chunks: Iterable<string>,
  signal: AbortSignal,
  warn: (line: string) => void,
  lang: Lang = 'en',
): Promise<boolean> {
  try {
    await writeFileChunks(path, chunks, signal);
    return true;
  } catch (error) {
    if (signal.aborted) throw error;
    const why = error instanceof Error ? error.message : String(error);
    warn(cliText(lang, 'cli.outputFailed', { path, why }));
    return false;
  }
}

/**
 * The report to stdout, then its JSON to `--output` when asked (`json` is rendered only then).
 * False when the file could not be written (the report is printed all the same; exit 2).
 */
export async function printThenSave(
  printed: Iterable<string>,
  output: string | undefined,
  json: () => Iterable<string>,
  ctx: Pick<CliContext, 'stdout' | 'signal' | 'warn'>,
  lang: Lang = 'en',
): Promise<boolean> {
  await writeChunks(printed, ctx.stdout, ctx.signal);
  return output === undefined || writeOutputFile(output, json(), ctx.signal, ctx.warn, lang);
}
