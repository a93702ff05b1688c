/** Hostile-input hygiene for what a peer says: printable, one line, capped. */

// C0/C1 controls, DEL, bidi overrides and isolates, zero-width and line/paragraph separators.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

/**
 * A peer's bytes or text as one printable line of at most `max` characters (an ellipsis marks a
 * cut). Bytes are read as UTF-8; invalid sequences become U+FFFD.
 */
export function printable(input: Uint8Array | string, max = 200): string {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  const line = text.replace(UNPRINTABLE, ' ').replace(/\s+/g, ' ').trim();
  const chars = Array.from(line);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : line;
}

/** Printable hex of the first `max` bytes (for facts about an unrecognised reply). */
export function hexPrefix(bytes: Uint8Array, max = 16): string {
  return Buffer.from(bytes.subarray(0, max)).toString('hex');
}
