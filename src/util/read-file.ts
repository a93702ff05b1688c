/**
 * Read a user-named file with a size cap that holds while reading: `stat` sizes lie for devices and
 * pseudo-files (/dev/zero, /proc, FIFOs say 0), so only regular files are read, and never more than
 * `maxBytes` + 1 bytes.
 */
import { open } from 'node:fs/promises';
import { abortError, BoxauditError } from '../errors.js';

const CHUNK = 64 * 1024;
/** Keys, certificates and known_hosts files: far larger is not one (and may be /dev/zero). */
export const MAX_KEY_FILE_BYTES = 1024 * 1024;

/**
 * @throws BoxauditError BOXAUDIT_NOT_FOUND (missing or unreadable, with the system's reason),
 *   BOXAUDIT_INPUT_INVALID (a directory, device or pipe), BOXAUDIT_TOO_LARGE, BOXAUDIT_ABORTED. Except
 *   when aborted, `details.reason` says why in a few words, and `details.errno` is the system's code
 *   when there is one, for callers that word the error their own way.
 */
export async function readBoundedFile(path: string, maxBytes: number, signal?: AbortSignal): Promise<Buffer> {
  if (signal?.aborted) throw abortError(signal, `reading ${path}`);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw unreadable(path, cause);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      const kind = stats.isDirectory() ? 'a directory' : 'a device, pipe or socket';
      const why = `not a regular file (${kind})`;
      throw new BoxauditError('BOXAUDIT_INPUT_INVALID', `${path}: ${why}`, { details: { reason: why } });
    }
    if (stats.size > maxBytes) throw tooLarge(path, `${stats.size} bytes`, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      if (signal?.aborted) throw abortError(signal, `reading ${path}`);
      const buf = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await handle.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(path, 'more bytes than that', maxBytes); // grew while read
      chunks.push(buf.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof BoxauditError) throw error;
    throw unreadable(path, error);
  } finally {
    await handle.close().catch(() => {});
  }
}

function tooLarge(path: string, size: string, maxBytes: number): BoxauditError {
  const why = `${size}; the limit is ${maxBytes} bytes`;
  return new BoxauditError('BOXAUDIT_TOO_LARGE', `${path}: ${why}`, { details: { reason: why } });
}

const ERRNO_WORDS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'a directory',
};

function unreadable(path: string, error: unknown): BoxauditError {
  const errno = (error as NodeJS.ErrnoException)?.code;
  const why =
    errno === undefined
      ? String((error as Error)?.message ?? error)
      : ERRNO_WORDS[errno]
        ? `${ERRNO_WORDS[errno]}, ${errno}`
        : errno;
  return new BoxauditError('BOXAUDIT_NOT_FOUND', `${path}: cannot read (${why})`, {
    cause: error,
    details: errno === undefined ? { reason: why } : { reason: why, errno },
  });
}

/** The short reason of a failed {@link readBoundedFile}: the system's code when there is one. */
export function readFailure(error: unknown): string {
  const details = (error as BoxauditError)?.details ?? {};
  const why = details.errno ?? details.reason;
  return typeof why === 'string' ? why : String((error as Error)?.message ?? error);
}
