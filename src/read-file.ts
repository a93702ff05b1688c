/**
 * Read a user-named file with a size cap that holds while reading: `stat` sizes lie for devices and
 * pseudo-files (/dev/zero, /proc, FIFOs say 0), so only regular files are read, and never more than
 * `maxBytes` + 1 bytes.
 */
import { open } from 'node:fs/promises';
import { abortError, BoxauditError } from './errors.js';

const CHUNK = 64 * 1024;

/**
 * @throws BoxauditError BOXAUDIT_NOT_FOUND (missing or unreadable, with the system's reason),
 *   BOXAUDIT_INPUT_INVALID (a directory, device or pipe), BOXAUDIT_TOO_LARGE, BOXAUDIT_ABORTED.
 */
export async function readBoundedFile(path: string, maxBytes: number, signal?: AbortSignal): Promise<Buffer> {
  if (signal?.aborted) throw abortError(signal, `reading ${path}`);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw new BoxauditError('BOXAUDIT_NOT_FOUND', `${path}: cannot read (${reason(cause)})`, { cause });
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      const kind = stats.isDirectory() ? 'a directory' : 'a device, pipe or socket';
      throw new BoxauditError('BOXAUDIT_INPUT_INVALID', `${path}: not a regular file (${kind})`);
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
    throw new BoxauditError('BOXAUDIT_NOT_FOUND', `${path}: cannot read (${reason(error)})`, {
      cause: error,
    });
  } finally {
    await handle.close().catch(() => {});
  }
}

function tooLarge(path: string, size: string, maxBytes: number): BoxauditError {
  return new BoxauditError('BOXAUDIT_TOO_LARGE', `${path}: ${size}; the limit is ${maxBytes} bytes`);
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'a directory',
  };
  if (e?.code === undefined) return String(e?.message ?? error);
  return known[e.code] ? `${known[e.code]}, ${e.code}` : e.code;
}
