import type { PortForward, Snapshot } from '../model/types.js';
import { formatRange } from './ports.js';
import type { LocalizedText } from './types.js';

/** Descriptions come from LAN programs: no control characters, bounded length. */
export function cleanDescription(text: string | null): string {
  if (text === null) return '?';
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, ' ');
  const squeezed = clean.replace(/\s+/g, ' ').trim();
  if (squeezed === '') return '""';
  return squeezed.length > 64 ? `${squeezed.slice(0, 63)}…` : squeezed;
}

export type TemplateValues = Record<
  'protocol' | 'externalPort' | 'internalHost' | 'internalPort' | 'description' | 'dmzHost',
  string
>;

/** Values for {protocol} {externalPort} {internalHost} {internalPort} {description} {dmzHost}; unknown = `?`. */
export function templateValues(forward: PortForward | null, snapshot: Snapshot): TemplateValues {
  return {
    protocol: forward ? forward.protocol.toUpperCase() : '?',
    externalPort: forward ? formatRange(forward.externalPort) : '?',
    internalHost: forward?.internalHost ?? '?',
    internalPort: forward ? formatRange(forward.internalPort) : '?',
    description: forward ? cleanDescription(forward.description) : '?',
    dmzHost: snapshot.dmz?.host ?? '?',
  };
}

const PLACEHOLDER = /\{(protocol|externalPort|internalHost|internalPort|description|dmzHost)\}/g;

/** Expand a template; placeholders not in the list stay as written. */
export function expand(text: LocalizedText, values: TemplateValues): LocalizedText {
  const one = (t: string): string =>
    t.indexOf('{') === -1 ? t : t.replace(PLACEHOLDER, (_, k: keyof TemplateValues) => values[k]);
  return { en: one(text.en), fr: one(text.fr) };
}
