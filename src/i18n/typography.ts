/**
 * French typography for everything a French reader sees: a no-break space (U+00A0) before
 * « : ; ! ? » and inside « », so that a colon or a closing guillemet never starts a line.
 *
 * U+00A0 rather than the narrow no-break space (U+202F) that the Imprimerie nationale prefers before
 * « ; ! ? »: U+00A0 is in every Windows console font (Consolas, Lucida Console, the raster fonts, code
 * pages 850 and 1252) and in every browser font, while U+202F shows as a box in some Windows
 * consoles. One character for every case keeps the output consistent in a terminal, a saved report
 * and the HTML page. Apostrophes are written ’ (U+2019) in the French sources themselves
 * (test/i18n/typography.test.ts checks the catalogues), not changed here: box text stays as it was.
 */

export const NBSP = '\u00a0';

/** `Box : x` → `Box\u00a0: x`, `« NAS »` → `«\u00a0NAS\u00a0»`; only ordinary spaces are replaced. */
export function frenchSpaces(text: string): string {
  return text.replace(/ ([:;!?»])/g, `${NBSP}$1`).replace(/« /g, `«${NBSP}`);
}

/**
 * {@link frenchSpaces} on the text of an HTML fragment only: tags, attributes and the content of
 * `<style>` are left as they are (CSS whitespace must stay an ordinary space).
 */
export function frenchSpacesHtml(html: string): string {
  return html
    .split(/(<style[\s\S]*?<\/style>|<[^>]*>)/)
    .map((part, i) => (i % 2 === 0 ? frenchSpaces(part) : part))
    .join('');
}
