/**
 * The parts of the text report for people: the box read over UPnP only (first lines), the first
 * things to do, each device once with its forwards and reasons under it, and the box's own
 * settings. The data comes from people.ts; this file only lays it out as text.
 */
import { colon, severityWord } from '../i18n/index.js';
import { pt } from '../i18n/people.js';
import type { AuditReport } from '../rules/types.js';
import { boxGuide } from './box-guide.js';
import { exposure, type ForwardOf } from './format.js';
import { deviceName, type PeopleView } from './people.js';
import { safeLine } from './sanitize.js';
import { findingBlock, type TextWriter } from './text.js';

const BOLD = '\u001b[1m';
const LOUD = '\u001b[1m\u001b[31m';
const WARN = '\u001b[1m\u001b[33m';

/** The first lines of the report when a box was read over UPnP only: what was not read, the next step. */
export function upnpOnlyLines(w: TextWriter, report: AuditReport, view: PeopleView): void {
  const { lang } = w.options;
  if (view.notices.length === 0) return;
  w.line();
  w.line(w.paint(WARN, `!! ${pt(lang, 'upnpOnly.heading')}`));
  for (const n of view.notices) {
    const box =
      report.snapshots.length > 1
        ? `${pt(lang, 'upnpOnly.box', { n: n.snapshotIndex + 1 })}${colon(lang)}`
        : '';
    w.line(`   ${box}${safeLine(n.lead, 600)}`);
    w.line(`   ${w.paint(BOLD, safeLine(n.next, 600))}`);
    for (const page of n.pages) w.line(`     - ${safeLine(page, 600)}`);
  }
}

export function firstThingsSection(w: TextWriter, view: PeopleView): void {
  const { lang } = w.options;
  w.heading(pt(lang, 'text.first'));
  view.firstThings.forEach((thing, i) => {
    w.line(`  ${i + 1}. ${w.paint(BOLD, safeLine(thing.text, 600))}`);
    if (thing.why !== undefined) w.line(`     ${safeLine(thing.why, 600)}`);
    if (thing.where !== undefined)
      w.line(`     ${pt(lang, 'first.where')}${colon(lang)}${safeLine(thing.where, 600)}`);
    if (thing.command !== undefined)
      w.line(`     ${pt(lang, 'first.command')}${colon(lang)}${safeLine(thing.command, 300)}`);
  });
  if (view.firstThings.some((x) => x.unconfirmed === true)) w.line(`  (${pt(lang, 'first.unconfirmed')})`);
}

const STYLE = {
  critical: LOUD,
  high: '\u001b[31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
  info: '\u001b[2m',
} as const;

/** Each device once: its forwards, then one block per reason (rule), then where to click. */
export function* devicesSection(
  w: TextWriter,
  report: AuditReport,
  forwardOf: ForwardOf,
  view: PeopleView,
): Generator<string> {
  const { lang } = w.options;
  w.heading(w.t('section.findings'));
  if (view.devices.length === 0 && view.boxFindings.length === 0) {
    w.line(
      report.summary.coverageGaps > 0
        ? w.t('summary.nothingPartial', { gaps: report.summary.coverageGaps })
        : w.t('section.noFindings'),
    );
    return;
  }
  for (const card of view.devices) {
    w.line();
    const onBox =
      report.snapshots.length > 1 ? ` (${w.t('finding.onBox', { n: card.snapshotIndex + 1 })})` : '';
    const sev = severityWord(lang, card.worst).toUpperCase();
    w.line(
      w.paint(STYLE[card.worst], `${sev}${colon(lang)}${safeLine(deviceName(card, lang), 200)}${onBox}`),
    );
    w.line(`    ${pt(lang, 'device.forwards')}${colon(lang).trimEnd()}`);
    for (const f of card.forwards) w.line(`      - ${exposure(f, lang)}`);
    if (card.moreForwards > 0) w.line(`      - ${pt(lang, 'device.more', { count: card.moreForwards })}`);
    const oneForward = card.forwards.length + card.moreForwards === 1;
    for (const reason of card.reasons)
      findingBlock(w, report, forwardOf, reason.finding, '*', !oneForward && reason.forwards.length === 1);
    if (card.moreReasons > 0) w.line(`  * ${pt(lang, 'device.more', { count: card.moreReasons })}`);
    const snapshot = report.snapshots[card.snapshotIndex];
    if (snapshot !== undefined) {
      w.line(`    ${pt(lang, 'first.where')}${colon(lang)}${boxGuide(snapshot).tasks.removeForward[lang]}`);
    }
    if (w.full) yield w.flush();
  }
  if (view.boxFindings.length > 0) {
    w.line();
    w.line(w.paint(BOLD, pt(lang, 'text.boxSettings')));
    for (const f of view.boxFindings) {
      const sev = severityWord(lang, f.severity).toUpperCase();
      w.line(w.paint(STYLE[f.severity], `${sev}${colon(lang)}${w.t('finding.theBox')}`));
      // The heading above already says it is the box itself: no "Device:" line repeating it.
      findingBlock(w, report, forwardOf, f, '*', false);
      if (w.full) yield w.flush();
    }
  }
}
