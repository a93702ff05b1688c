/** Message catalogues (en, fr) and a tiny lookup: `t(lang, key, params)`. */
import type { Severity } from '../rules/types.js';
import { en, type MessageKey } from './en.js';
import { fr } from './fr.js';
import { fillTemplate } from './template.js';
import { NBSP } from './typography.js';

/** The languages of reports and messages. */
export type Lang = 'en' | 'fr';
export { beyondUpnp, COVERAGE_REASONS_FR, coverageReason } from './coverage.js';
export { frenchSpaces, frenchSpacesHtml, NBSP } from './typography.js';
export type { MessageKey };
export { fillTemplate };

const CATALOGUES: Record<Lang, Record<MessageKey, string>> = { en, fr };

/**
 * The message `key` in `lang`, with `{name}` placeholders replaced from `params`, and plural choices
 * `{name:one|other}` made from the number `params[name]` (English: 1 is singular; French: 0 and 1
 * are, as CLDR says). A placeholder without a value is left as written, so a mistake shows instead
 * of vanishing.
 */
export function t(lang: Lang, key: MessageKey, params: Record<string, string | number> = {}): string {
  return fillTemplate(lang, CATALOGUES[lang][key], params);
}

/** The severity word in `lang` (lower case): `critical`/`critique`, `high`/`élevée`… */
export function severityWord(lang: Lang, severity: Severity): string {
  return t(lang, `severity.${severity}`);
}

/** The separator after a label: `: ` in English, ` : ` (a no-break space before the colon) in French. */
export function colon(lang: Lang): string {
  return lang === 'fr' ? `${NBSP}: ` : ': ';
}

/** True when `key` exists in the catalogues (for keys built from data, e.g. unknown field names). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}
