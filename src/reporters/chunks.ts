/** Reports as a sequence of pieces: no renderer needs the whole output as one string. */
import { constants } from 'node:buffer';
import { BoxauditError } from '../errors.js';

/** The longest string this JavaScript engine can build. */
export const MAX_STRING_LENGTH: number = constants.MAX_STRING_LENGTH;

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
