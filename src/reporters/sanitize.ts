/**
 * The output policy, in one place. Descriptions, names, error details and even rule messages (which
 * embed the description) come from the box or from user files: on every channel (stdout, stderr,
 * files, JSON, Markdown, HTML) they must never drive the terminal (ANSI/OSC escapes, C1 controls,
 * bidi overrides), forge a line (a `\r` or `\n` followed by a fake status line), inject a link or
 * raw HTML, nor carry a secret the box echoed back. See docs/security.md (Output, secrets and signals).
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
  const flat = String(value).replace(LINE_BREAKS, ' ').replace(UNSAFE, '?').replace(/ {2,}/g, ' ').trim();
  return capCodePoints(flat, max);
}

/** `text` cut to `max` code points with `…` (never splitting a surrogate pair); as is when it fits. */
function capCodePoints(text: string, max: number): string {
  if (text.length <= max) return text; // UTF-16 length ≥ code points: no cut needed
  let count = 0;
  let cut = 0; // end of the first max - 1 code points
  for (let i = 0; i < text.length; count++) {
    if (count === max - 1) cut = i;
    if (count === max) return `${text.slice(0, Math.max(0, cut))}…`;
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1); // NaN past the end
    i += c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Secrets

/** What a redacted secret is replaced with. */
export const REDACTED = '[redacted]';
/** Secrets shorter than this (in UTF-16 units) are redacted as whole tokens of box text only. */
export const SHORT_SECRET_LENGTH = 4;

/** The known secret values of a run (password, token, passphrase…), whatever their length. */
export type SecretList = readonly string[];

/** Secrets compiled once: long ones replaced wherever they occur, short ones as whole tokens. */
export interface Redactor {
  /** Box-supplied text: long secrets anywhere, 1–3 character secrets where they stand as a token. */
  box(text: string): string;
  /**
   * Text that mixes our own words with box text (error lines, coverage reasons, warnings): long
   * secrets anywhere, short ones as tokens unless they are ordinary words of our texts.
   */
  mixed(text: string): string;
  /** Our own text that may quote a long secret (never short ones: that would mangle our words). */
  ours(text: string): string;
  /** True when there is nothing to redact. */
  readonly empty: boolean;
  /** True when some secret is shorter than `SHORT_SECRET_LENGTH`. */
  readonly hasShort: boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The secrets as whole tokens: not preceded or followed by a letter, digit or underscore. */
export function tokenPattern(secrets: readonly string[]): RegExp {
  return new RegExp(
    `(?<![\\p{L}\\p{N}_])(?:${secrets.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}_])`,
    'gu',
  );
}

/**
 * Short words of our own texts (English and French messages, protocol names): a 1–3 character
 * secret that is one of them, a single character, or a number, is not redacted from text that
 * mixes our words with the box's (error lines, coverage reasons): it would blank our own words and,
 * by doing so, show the secret. It is still redacted from the box's own strings.
 */
const ORDINARY_WORDS = new Set(
  (
    'a an the and or not no is are was be by to of in on at as if it its for per via all any can has had up out off ' +
    'de la le les un une et ou du des en au aux ne pas par sur est ce se sa son ses il qui que ni y à ' +
    'tcp udp ip ssh ftp dmz lan wan nat vpn nas rdp smb url api box ok id ms'
  ).split(' '),
);

function isOrdinaryWord(secret: string): boolean {
  return Array.from(secret).length === 1 || /^\d+$/.test(secret) || ORDINARY_WORDS.has(secret.toLowerCase());
}

/**
 * A redactor for `secrets`. Each secret also counts in its percent-encoded form (a box that puts it
 * in a URL). Empty strings are ignored.
 *
 * Why short secrets only as tokens: replacing every `a` of a one-letter password would blank half
 * of every description and, by the pattern of what disappeared, give the secret away. A 1–3
 * character secret is therefore redacted where it stands alone (not inside a longer word or
 * number), which is how a box echoes it (`password=ab`, `"ab" is wrong`).
 */
export function createRedactor(secrets: SecretList | undefined): Redactor {
  const all = new Set<string>();
  for (const s of secrets ?? []) {
    if (typeof s !== 'string' || s === '') continue;
    all.add(s);
    try {
      const encoded = encodeURIComponent(s);
      if (encoded !== s) all.add(encoded);
    } catch {
      // a lone surrogate: no encoded form
    }
  }
  const sorted = [...all].sort((a, b) => b.length - a.length);
  const long = sorted.filter((s) => s.length >= SHORT_SECRET_LENGTH);
  const short = sorted.filter((s) => s.length < SHORT_SECRET_LENGTH);
  const unusual = short.filter((s) => !isOrdinaryWord(s));
  const unusualPattern = unusual.length === 0 ? null : tokenPattern(unusual);
  const shortPattern = short.length === 0 ? null : tokenPattern(short);
  const ours = (text: string): string => {
    let out = text;
    for (const s of long) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  };
  const box = (text: string): string => {
    const out = ours(text);
    return shortPattern === null ? out : out.replace(shortPattern, REDACTED);
  };
  const mixed = (text: string): string => {
    const out = ours(text);
    return unusualPattern === null ? out : out.replace(unusualPattern, REDACTED);
  };
  return { box, mixed, ours, empty: sorted.length === 0, hasShort: short.length > 0 };
}

/** Redact `text` as box-supplied text (see {@link createRedactor}). */
export function redactSecrets(text: string, secrets: SecretList | undefined): string {
  return createRedactor(secrets).box(text);
}

// ---------------------------------------------------------------------------------------------
// Terminal (stderr) lines

/**
 * One line for stderr: secrets redacted (box policy), line breaks flattened, controls as `?`, so
 * a box's text can neither start a new line (a forged `BOXAUDIT status=clean`) nor drive the
 * terminal. Spacing is kept; capped at `max` code points.
 */
export function terminalLine(text: string, redactor?: Redactor, max = 4000): string {
  const redacted = redactor ? redactor.mixed(String(text)) : String(text);
  // Unlike safeLine, spacing is kept (aligned columns, indentation): only breaks and controls go.
  return capCodePoints(redacted.replace(LINE_BREAKS, ' ').replace(UNSAFE, '?').trimEnd(), max);
}

// ---------------------------------------------------------------------------------------------
// JSON

/**
 * Characters JSON.stringify leaves raw that must not reach a terminal or editor unescaped: DEL, C1
 * controls, bidi embeddings/overrides/isolates, LRM/RLM/ALM, and the line/paragraph separators.
 * They can only occur inside JSON strings (the structure is ASCII), so `\uXXXX` there is valid JSON
 * that parses back to the same string.
 */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Escape, in JSON text, what JSON.stringify leaves raw (see `JSON_UNSAFE`). */
export function escapeJsonText(json: string): string {
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// ---------------------------------------------------------------------------------------------
// Markdown

/** Characters with a meaning in CommonMark/GFM inline text or tables, escaped with a backslash. */
const MARKDOWN_SPECIAL = /[\\`*_[\]!|~]/g;
/** Block markers only count at the start of a line (list, heading, numbered list). */
const LEADING_MARKER = /^[-+#=]/;
const LEADING_NUMBERED = /^(\d+)([.)])/;
/** What GFM's autolink extension (and most chat/ticket renderers) turn into a link by itself. */
const URL_SCHEME = /([a-z][a-z0-9+.-]{0,31}):(\/\/)/gi;
const WWW = /\b(www)\./gi;
const EMAIL_AT = /([\p{L}\p{N}._%+-])@(?=[\p{L}\p{N}-]+\.)/gu;
const BARE_SCHEME = /\b(mailto|xmpp|javascript|data|file|tel):/gi;

/**
 * Defang what a Markdown renderer would link by itself: `http://x` → `http[:]//x`,
 * `www.x` → `www[.]x`, `a@b.c` → `a[@]b.c`, `mailto:` → `mailto[:]`. The text stays readable (the
 * usual way to quote an indicator of compromise) and no renderer makes it clickable.
 */
export function defangLinks(text: string): string {
  return text
    .replace(URL_SCHEME, '$1[:]$2')
    .replace(BARE_SCHEME, '$1[:]')
    .replace(WWW, '$1[.]')
    .replace(EMAIL_AT, '$1[@]');
}

/**
 * Untrusted text for a Markdown table cell or list item: a safe line, links defanged, HTML-significant
 * characters as entities (no raw HTML), Markdown punctuation backslash-escaped (no links, images,
 * emphasis, code, or a `|` that would split the cell). `atLineStart`: also defuse list, heading and
 * numbered-list markers (only needed when the text begins a line).
 */
export function markdownText(value: string, max: number = DEFAULT_MAX_LENGTH, atLineStart = false): string {
  const escaped = defangLinks(safeLine(value, max))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MARKDOWN_SPECIAL, (c) => `\\${c}`);
  if (!atLineStart) return escaped;
  return escaped
    .replace(LEADING_MARKER, (m) => `\\${m}`)
    .replace(LEADING_NUMBERED, (_m, digits: string, mark: string) => `${digits}\\${mark}`);
}

// ---------------------------------------------------------------------------------------------
// HTML

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Untrusted text for HTML element content or a quoted attribute value, with the same policy as the
 * other formats: secrets redacted (when a redactor is given), one safe line (controls as `?`, bidi
 * overrides neutralised, capped at `max`), and `& < > " ' \`` as entities. Never use it for a URL
 * attribute (`href`, `src`): box text must not become a link.
 */
export function escapeHtml(value: string, options: { max?: number; redactor?: Redactor } = {}): string {
  const text = options.redactor ? options.redactor.box(String(value)) : String(value);
  return safeLine(text, options.max ?? DEFAULT_MAX_LENGTH).replace(/[&<>"'`]/g, (c) => HTML_ENTITIES[c]!);
}
