/**
 * Neutralising untrusted strings. Descriptions, names and even rule messages (which embed the
 * description) come from the box or from user files: they must never drive the terminal (ANSI/OSC
 * escapes, bidi overrides) nor break a line-based or Markdown layout.
 */

/** C0 controls, DEL, C1 controls (incl. the 8-bit CSI 0x9b), bidi embeddings/overrides/isolates, LRM/RLM/ALM. */
const UNSAFE = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;

/** Default cap for one untrusted field, in code points. */
export const DEFAULT_MAX_LENGTH = 300;

/**
 * One safe line: line breaks and tabs become a space, every other control character (ESC
 * included) becomes `?` so an injection attempt stays visible but inert; runs of spaces collapse;
 * longer than `max` code points is cut with `…`.
 */
export function safeLine(value: string, max: number = DEFAULT_MAX_LENGTH): string {
  const flat = value.replace(LINE_BREAKS, ' ').replace(UNSAFE, '?').replace(/ {2,}/g, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= max ? flat : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Characters with a meaning in CommonMark/GFM inline text or tables, escaped with a backslash. */
const MARKDOWN_SPECIAL = /[\\`*_[\]!|~]/g;
/** Block markers only count at the start of a line (list, heading, numbered list). */
const LEADING_MARKER = /^[-+#=]/;
const LEADING_NUMBERED = /^(\d+)([.)])/;

/**
 * Untrusted text for a Markdown table cell or list item: a safe line, HTML-significant characters
 * as entities (no raw HTML), Markdown punctuation backslash-escaped (no links, images, emphasis,
 * code, or a `|` that would split the cell). `atLineStart`: also defuse list, heading and
 * numbered-list markers (only needed when the text begins a line).
 */
export function markdownText(value: string, max: number = DEFAULT_MAX_LENGTH, atLineStart = false): string {
  const escaped = safeLine(value, max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MARKDOWN_SPECIAL, (c) => `\\${c}`);
  if (!atLineStart) return escaped;
  return escaped
    .replace(LEADING_MARKER, (m) => `\\${m}`)
    .replace(LEADING_NUMBERED, (_m, digits: string, mark: string) => `${digits}\\${mark}`);
}
