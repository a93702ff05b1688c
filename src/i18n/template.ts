/**
 * The placeholder and plural filling of every catalogue, on its own so that the command line's
 * sentences (cli.ts) do not load the report catalogues (en.ts, fr.ts, coverage.ts) at start-up.
 */
import type { Lang } from './index.js';
import { frenchSpaces } from './typography.js';

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
