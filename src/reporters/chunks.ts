/** Reports as a sequence of pieces: no renderer needs the whole output as one string. */
import { BoxauditError } from '../errors.js';

/**
 * The longest string one piece of output may build: V8's limit on 64-bit platforms (Node.js 20 and
 * later, Chromium; `require('node:buffer').constants.MAX_STRING_LENGTH`), the smallest of the
 * engines boxaudit runs in. A constant, not read from `node:buffer`: the reporters also run in
 * browsers (`boxaudit/report`).
 */
export const MAX_STRING_LENGTH = 536_870_888;

/** Lines buffered before a renderer hands a piece out. */
export const LINES_PER_CHUNK = 2000;

/**
 * The pieces joined into one string, or BOXAUDIT_TOO_LARGE (never V8's "Invalid string length")
 * when they could not fit in one: the caller should then write them one by one (`renderChunks`,
 * as the CLI does).
 */
export function joinChunks(chunks: Iterable<string>, what: string): string {
  const parts: string[] = [];
  let total = 0;
  for (const c of chunks) {
    total += c.length;
    if (total > MAX_STRING_LENGTH) {
      throw new BoxauditError(
        'BOXAUDIT_TOO_LARGE',
        `[render] the ${what} is larger than one JavaScript string can hold (over ${MAX_STRING_LENGTH} characters); write it piece by piece with renderChunks()`,
        { details: { limit: MAX_STRING_LENGTH } },
      );
    }
    parts.push(c);
  }
  return parts.join('');
}
