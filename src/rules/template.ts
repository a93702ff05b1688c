import type { PortForward, Snapshot } from '../model/types.js';
import { formatRange } from './ports.js';
import type { LocalizedText } from './types.js';

/** Descriptions come from LAN programs: no control characters, bounded length. */
export function cleanDescription(text: string | null): string {
  if (text === null || text === undefined) return '?';
  if (isPlain(text)) return text;
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, ' ');
  const squeezed = clean.replace(/\s+/g, ' ').trim();
  if (squeezed === '') return '""';
  return squeezed.length > 64 ? `${squeezed.slice(0, 63)}…` : squeezed;
}

/** Fast path: short printable ASCII, no leading, trailing or doubled spaces: nothing to clean. */
function isPlain(text: string): boolean {
  const n = text.length;
  if (n === 0 || n > 64) return false;
  let previous = 32;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 || c > 126 || (c === 32 && previous === 32)) return false;
    previous = c;
  }
  return previous !== 32;
}

export type TemplateValues = Record<
  'protocol' | 'externalPort' | 'internalHost' | 'internalPort' | 'description' | 'dmzHost',
  string
>;

const PROTOCOL_LABEL: Record<string, string> = { tcp: 'TCP', udp: 'UDP' };

/** Values for {protocol} {externalPort} {internalHost} {internalPort} {description} {dmzHost}; unknown = `?`. */
export function templateValues(forward: PortForward | null, snapshot: Snapshot): TemplateValues {
  return {
    protocol: forward ? (PROTOCOL_LABEL[forward.protocol] ?? String(forward.protocol).toUpperCase()) : '?',
    externalPort: forward ? formatRange(forward.externalPort) : '?',
    internalHost: forward?.internalHost ?? '?',
    internalPort: forward ? formatRange(forward.internalPort) : '?',
    description: forward ? cleanDescription(forward.description) : '?',
    dmzHost: snapshot.dmz?.host ?? '?',
  };
}

const PLACEHOLDER = /\{(protocol|externalPort|internalHost|internalPort|description|dmzHost)\}/g;
const KEYS = ['protocol', 'externalPort', 'internalHost', 'internalPort', 'description', 'dmzHost'] as const;

/** Template values as an array in KEYS order (indexed access is the fast path). */
export type ValueList = readonly string[];

/** The values of {@link templateValues} as a {@link ValueList}. */
export function valueList(values: TemplateValues): ValueList {
  return KEYS.map((k) => values[k]);
}

/** A literal part, or the index of a value in KEYS. */
type Part = string | number;
/** A template split once into literal parts and placeholders; a plain string when it has none. */
type CompiledString = string | Part[];
export interface CompiledText {
  en: CompiledString;
  fr: CompiledString;
  /** The text itself when neither language has a placeholder (shared, never copied). */
  constant: LocalizedText | null;
}

function compileString(text: string): CompiledString {
  const parts: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(KEYS.indexOf(m[1] as (typeof KEYS)[number]));
    last = m.index + m[0].length;
  }
  if (parts.length === 0) return text;
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** Split a template once; placeholders not in the list stay as written. */
export function compileText(text: LocalizedText): CompiledText {
  const en = compileString(text.en);
  const fr = compileString(text.fr);
  return { en, fr, constant: typeof en === 'string' && typeof fr === 'string' ? text : null };
}

function renderString(t: CompiledString, values: ValueList): string {
  if (typeof t === 'string') return t;
  let out = '';
  for (let i = 0; i < t.length; i++) {
    const part = t[i]!;
    out += typeof part === 'string' ? part : values[part];
  }
  return out;
}

/** Expand a compiled template. */
export function render(t: CompiledText, values: ValueList): LocalizedText {
  return t.constant ?? { en: renderString(t.en, values), fr: renderString(t.fr, values) };
}
