/** Message catalogues (en, fr) and a tiny lookup: `t(lang, key, params)`. */
import type { Severity } from '../rules/types.js';
import { en, type MessageKey } from './en.js';
import { fr } from './fr.js';
import { frenchSpaces, NBSP } from './typography.js';

export type Lang = 'en' | 'fr';
export { beyondUpnp, COVERAGE_REASONS_FR, coverageReason } from './coverage.js';
export { frenchSpaces, frenchSpacesHtml, NBSP } from './typography.js';
export type { MessageKey };

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

/** `t`'s placeholder and plural filling, for a template from another catalogue (src/i18n/cli.ts). */
export function fillTemplate(
  lang: Lang,
  template: string,
  params: Record<string, string | number> = {},
): string {
  // French spacing on the template only: the values filled in (box text) stay as they are.
  return (lang === 'fr' ? frenchSpaces(template) : template).replace(
    /\{([a-zA-Z]+)(?::([^{}|]*)\|([^{}|]*))?\}/g,
    (whole, name: string, one?: string, other?: string) => {
      if (!Object.hasOwn(params, name)) return whole;
      if (one === undefined || other === undefined) return String(params[name]);
      return isSingular(lang, Number(params[name])) ? one : other;
    },
  );
}

function isSingular(lang: Lang, n: number): boolean {
  return lang === 'fr' ? n === 0 || n === 1 : n === 1;
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
