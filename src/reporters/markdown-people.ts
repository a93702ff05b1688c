/**
 * The top of the Markdown report for people: what a box read over UPnP only did not show and the
 * next step for its model, then the first things to do with where to click. Everything escaped
 * with markdownText (box text included: a device label is box text).
 */
import { colon, type Lang } from '../i18n/index.js';
import { pt } from '../i18n/people.js';
import type { AuditReport } from '../rules/types.js';
import type { ForwardOf } from './format.js';
import { peopleView } from './people.js';
import { markdownText as md } from './sanitize.js';

export function peopleMarkdown(report: AuditReport, forwardOf: ForwardOf, lang: Lang): string[] {
  const view = peopleView(report, forwardOf, lang);
  const out: string[] = [];
  if (view.notices.length > 0) {
    out.push(`> **${md(pt(lang, 'upnpOnly.heading'))}**`, '>');
    for (const n of view.notices) {
      const box =
        report.snapshots.length > 1
          ? `${md(pt(lang, 'upnpOnly.box', { n: n.snapshotIndex + 1 }))}${colon(lang)}`
          : '';
      out.push(`> ${box}${md(n.lead, 600)}`, '>', `> **${md(n.next, 600)}**`);
      for (const page of n.pages) out.push(`> - ${md(page, 600)}`);
    }
    out.push('');
  }
  out.push(`## ${md(pt(lang, 'text.first'))}`, '');
  view.firstThings.forEach((thing, i) => {
    out.push(`${i + 1}. **${md(thing.text, 600)}**`);
    if (thing.why !== undefined) out.push(`   ${md(thing.why, 600)}`);
    if (thing.where !== undefined)
      out.push(`   ${md(pt(lang, 'first.where'))}${colon(lang)}${md(thing.where, 600)}`);
    if (thing.command !== undefined)
      out.push(
        `   ${md(pt(lang, 'first.command'))}${colon(lang)}\`${thing.command.replace(/[^A-Za-z0-9 ._:/<>…-]/g, '?')}\``,
      );
  });
  if (view.firstThings.some((x) => x.unconfirmed === true))
    out.push('', `_${md(pt(lang, 'first.unconfirmed'))}_`);
  out.push('');
  return out;
}
