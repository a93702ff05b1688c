/**
 * One self-contained HTML page for people (a doctor, an office manager): a verdict in plain words,
 * the first things to do, one card per device, the box's own settings, what could not be seen and
 * how to see it, and (health profile) what the GDPR asks. Inline CSS only: no script, no external
 * style, font or image, and a Content-Security-Policy that forbids every request, so opening the
 * file sends nothing anywhere. Readable printed or saved as PDF (print CSS).
 *
 * Every piece of box or rule text goes through escapeHtml (one safe line, controls and bidi
 * overrides neutralised, `& < > " ' \`` as entities); nothing the box says becomes a link, an
 * attribute other than text, or markup. Pure: no clock, no environment (see docs/report.md).
 */
import { colon, coverageReason, hasMessage, type Lang, severityWord, t } from '../i18n/index.js';
import { pt } from '../i18n/people.js';
import type { PortForward, Snapshot } from '../model/types.js';
import type { AuditReport, Finding, Severity } from '../rules/types.js';
import { BOX_GUIDES, type BoxTask, boxGuide } from './box-guide.js';
import { internetDbLines, probeSentence, reachabilityLine, reachableSentence } from './evidence.js';
import {
  boxName,
  exposureParts,
  type ForwardOf,
  forwardIndex,
  portRange,
  readTime,
  readVia,
  statusLine,
  unknownFieldWord,
} from './format.js';
import {
  type DeviceCard,
  deviceName,
  healthProfile,
  type PeopleView,
  peopleView,
  verdict,
} from './people.js';
import { escapeHtml } from './sanitize.js';

export interface HtmlOptions {
  lang: Lang;
  /** IANA time zone of the times shown; default the system's. */
  timeZone?: string;
  /** The health profile was asked for (`--profile health`): the GDPR part is shown. */
  health?: boolean;
}

/** The page's Content-Security-Policy: nothing may be fetched, only the inline style applies. */
export const HTML_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; font-src 'none'; connect-src 'none'; script-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Devices rendered between two pieces handed out. */
const DEVICES_PER_CHUNK = 200;

const STYLE = `
:root{--ink:#1b1f24;--muted:#5b6570;--line:#d7dce1;--bg:#f6f7f9;--card:#fff;
--critical:#a4001d;--high:#c2410c;--medium:#a16207;--low:#1d4ed8;--info:#4b5563;--ok:#166534}
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:var(--ink);background:var(--bg);line-height:1.45}
body{margin:0 auto;max-width:60rem;padding:1.5rem}
h1{font-size:1.7rem;margin:0 0 .2rem}
h2{font-size:1.25rem;margin:1.8rem 0 .6rem;border-bottom:2px solid var(--line);padding-bottom:.2rem}
h3{font-size:1.08rem;margin:0 0 .5rem}
h4{font-size:.95rem;margin:.8rem 0 .3rem}
p{margin:.35rem 0}
.sub{color:var(--muted);margin:0}
.facts{color:var(--muted);font-size:.9rem;margin:.6rem 0 0;padding:0;list-style:none}
.facts li{display:inline}
.facts li+li::before{content:" · "}
.notice{background:#fff4e5;border:2px solid var(--high);border-radius:.5rem;padding:.8rem 1rem;margin:1rem 0}
.notice h2{border:0;margin:0 0 .3rem;color:var(--high);font-size:1.15rem}
.verdict{border-radius:.5rem;padding:1rem 1.2rem;margin:1rem 0;color:#fff;font-size:1.15rem;font-weight:600}
.verdict h2{color:inherit;border:0;margin:0 0 .2rem;font-size:.85rem;text-transform:uppercase;letter-spacing:.05em;opacity:.9}
.v-critical{background:var(--critical)}.v-high{background:var(--high)}.v-medium{background:var(--medium)}
.v-low{background:var(--low)}.v-info{background:var(--info)}.v-none{background:var(--ok)}
ol.first{padding-left:1.4rem}
ol.first>li{margin:.5rem 0;padding:.5rem .7rem;background:var(--card);border:1px solid var(--line);border-radius:.4rem}
ol.first strong{font-size:1.05rem}
.where{font-size:.93rem}
.where b{color:var(--muted);font-weight:600}
code{font-family:ui-monospace,"Cascadia Mono",Menlo,Consolas,monospace;font-size:.9em;background:#eef0f3;padding:.05rem .3rem;border-radius:.2rem;overflow-wrap:anywhere}
.note{color:var(--muted);font-size:.85rem}
.device{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--info);border-radius:.4rem;padding:.8rem 1rem;margin:.8rem 0;break-inside:avoid;page-break-inside:avoid}
.s-critical{border-left-color:var(--critical)}.s-high{border-left-color:var(--high)}.s-medium{border-left-color:var(--medium)}
.s-low{border-left-color:var(--low)}.s-info{border-left-color:var(--info)}
.badge{display:inline-block;font-size:.75rem;font-weight:700;text-transform:uppercase;letter-spacing:.04em;color:#fff;border-radius:.25rem;padding:.1rem .4rem;margin-right:.4rem;vertical-align:.1rem}
.b-critical{background:var(--critical)}.b-high{background:var(--high)}.b-medium{background:var(--medium)}.b-low{background:var(--low)}.b-info{background:var(--info)}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.3rem 0}
dl.kv dt{color:var(--muted)}
dl.kv dd{margin:0}
ul.plain{margin:.2rem 0;padding-left:1.1rem}
.reason{margin:.4rem 0 .6rem}
table{border-collapse:collapse;width:100%;background:var(--card)}
th,td{border:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top;font-size:.93rem}
th{background:#eef0f3}
.st-on{color:var(--critical);font-weight:700}.st-off{color:var(--ok);font-weight:700}.st-unknown{color:var(--high);font-weight:700}
.gdpr{background:var(--card);border:1px solid var(--line);border-radius:.4rem;padding:.6rem 1rem}
footer{margin-top:2rem;color:var(--muted);font-size:.82rem}
.tech td,.tech th{font-size:.82rem}
@media print{
 html{background:#fff;font-size:11pt}
 body{max-width:none;padding:0}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 h2{break-after:avoid;page-break-after:avoid}
 .verdict,.notice,ol.first>li,.gdpr,tr{break-inside:avoid;page-break-inside:avoid}
 .print-hint{display:none}
}
@page{margin:1.5cm}
`;

const e = (value: string, max?: number) => escapeHtml(value, max === undefined ? {} : { max });

function badge(severity: Severity, lang: Lang): string {
  return `<span class="badge b-${severity}">${e(severityWord(lang, severity))}</span>`;
}

/** What a probe saw answer behind the forward (`--probe`), in one sentence; null when not probed. */
function probeText(forward: PortForward, lang: Lang): string | null {
  return forward.probe ? probeSentence(forward.probe, lang) : null;
}

/** Whether the Internet reaches the forward (`--vantage`, `--hairpin`), in one sentence; null when not checked. */
function reachText(forward: PortForward, lang: Lang, vantage: string | null): string | null {
  return forward.reachable ? reachableSentence(forward.reachable, lang, vantage) : null;
}

function forwardItem(forward: PortForward, lang: Lang): string {
  const p = exposureParts(forward, lang);
  const line = pt(lang, 'device.forwardLine', {
    public: p.publicPort,
    port: portRange(forward.internalPort, lang),
    notes: p.notes.join(', '),
  });
  return `<li>${e(line, 400)}</li>`;
}

function whereLine(lang: Lang, path: string): string {
  return `<p class="where"><b>${e(pt(lang, 'first.where'))}${colon(lang)}</b>${e(path, 600)}</p>`;
}

function deviceCard(report: AuditReport, card: DeviceCard, lang: Lang): string {
  const snapshot = report.snapshots[card.snapshotIndex];
  const guide = snapshot === undefined ? BOX_GUIDES.generic : boxGuide(snapshot);
  const out: string[] = [];
  const onBox =
    report.snapshots.length > 1
      ? ` <span class="note">(${e(t(lang, 'finding.onBox', { n: card.snapshotIndex + 1 }))})</span>`
      : '';
  out.push(
    `<article class="device s-${card.worst}" data-host="${e(card.host ?? '', 80)}">`,
    `<h3>${badge(card.worst, lang)}${e(deviceName(card, lang), 200)}${onBox}</h3>`,
    '<dl class="kv">',
  );
  if (card.labels.length > 1) {
    out.push(
      `<dt>${e(pt(lang, 'device.label'))}</dt><dd>${card.labels.map((l) => e(l, 80)).join(', ')}</dd>`,
    );
  }
  out.push(`<dt>${e(pt(lang, 'device.forwards'))}</dt><dd><ul class="plain">`);
  for (const f of card.forwards) out.push(forwardItem(f, lang));
  if (card.moreForwards > 0) out.push(`<li>${e(pt(lang, 'device.more', { count: card.moreForwards }))}</li>`);
  out.push('</ul></dd>');
  const vantage = snapshot?.probes?.vantage ?? null;
  const answers = card.forwards
    .flatMap((f) => [probeText(f, lang), reachText(f, lang, vantage)])
    .filter((p): p is string => p !== null);
  out.push(
    `<dt>${e(pt(lang, 'device.answers'))}</dt><dd class="probe">${
      answers.length > 0
        ? [...new Set(answers)].map((a) => e(a, 200)).join('<br>')
        : `<span class="note">${e(pt(lang, 'device.notProbed'))}</span>`
    }</dd>`,
    '</dl>',
  );
  out.push(`<h4>${e(pt(lang, 'device.reasons'))}</h4>`);
  for (const r of card.reasons) {
    const f = r.finding;
    const low =
      f.confidence === 'low' ? ` <span class="note">(${e(t(lang, 'finding.lowCertaintyShort'))})</span>` : '';
    out.push(
      '<div class="reason">',
      `<p>${badge(f.severity, lang)}<strong>${e(f.title[lang], 200)}</strong>${low}</p>`,
      `<p>${e(f.message[lang], 1000)}</p>`,
      `<p><b>${e(pt(lang, 'device.todo'))}${colon(lang)}</b>${e(f.remediation[lang], 1000)}</p>`,
      '</div>',
    );
  }
  if (card.moreReasons > 0)
    out.push(`<p class="note">${e(pt(lang, 'device.more', { count: card.moreReasons }))}</p>`);
  out.push(whereLine(lang, guide.tasks.removeForward[lang]), '</article>');
  return out.join('\n');
}

function stateCell(kind: 'on' | 'off' | 'unknown', text: string): string {
  return `<td class="st-${kind}">${e(text, 200)}</td>`;
}

function boxSettings(snapshot: Snapshot, lang: Lang): string[] {
  const guide = boxGuide(snapshot);
  const rows: Array<[string, string, BoxTask]> = [];
  const read = (v: boolean | null | undefined, on: string): [string, 'on' | 'off' | 'unknown'] =>
    v === true
      ? [on, 'on']
      : v === false
        ? [pt(lang, 'box.off'), 'off']
        : [pt(lang, 'box.notRead'), 'unknown'];
  const upnp = read(snapshot.upnp?.enabled, pt(lang, 'box.on'));
  const dmz = read(
    snapshot.dmz?.enabled,
    snapshot.dmz?.host ? pt(lang, 'box.onHost', { host: snapshot.dmz.host }) : pt(lang, 'box.on'),
  );
  const admin = read(snapshot.remoteAdmin?.enabled, pt(lang, 'box.on'));
  rows.push([pt(lang, 'box.upnp'), stateCell(upnp[1], upnp[0]), 'upnpOff']);
  rows.push([pt(lang, 'box.dmz'), stateCell(dmz[1], dmz[0]), 'dmzOff']);
  rows.push([pt(lang, 'box.remoteAdmin'), stateCell(admin[1], admin[0]), 'remoteAdminOff']);
  return rows.map(
    ([name, cell, task]) =>
      `<tr><th scope="row">${e(name)}</th>${cell}<td>${e(guide.tasks[task][lang], 600)}</td></tr>`,
  );
}

function head(report: AuditReport, lang: Lang): string {
  const title = pt(lang, 'page.title');
  return [
    '<!DOCTYPE html>',
    `<html lang="${lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${e(HTML_CSP, 1000)}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="boxaudit ${e(report.tool.version, 40)}">`,
    `<title>${e(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
  ].join('\n');
}

function header(report: AuditReport, lang: Lang, timeZone: string | undefined): string {
  const out = [
    '<header>',
    `<h1>${e(pt(lang, 'page.title'))}</h1>`,
    `<p class="sub">${e(pt(lang, 'page.subtitle'))}</p>`,
  ];
  report.snapshots.forEach((s, i) => {
    const prefix =
      report.snapshots.length > 1
        ? `${t(lang, 'header.boxNumber', { n: i + 1, total: report.snapshots.length })}${colon(lang)}`
        : '';
    out.push(
      '<ul class="facts">',
      `<li>${e(prefix)}${e(t(lang, 'header.box'))}${colon(lang)}${e(boxName(s.gateway, lang), 300)}</li>`,
      `<li>${e(pt(lang, 'page.readAt', { date: readTime(s.collectedAt, lang, timeZone) }), 100)}</li>`,
      `<li>${e(t(lang, 'header.forwardsRead'))}${colon(lang)}${s.forwards.length}</li>`,
      '</ul>',
    );
  });
  out.push(`<p class="note print-hint">${e(pt(lang, 'page.print'))}</p>`, '</header>');
  return out.join('\n');
}

function notices(report: AuditReport, view: PeopleView, lang: Lang): string {
  if (view.notices.length === 0) return '';
  const out = ['<section class="notice" id="upnp-only">', `<h2>${e(pt(lang, 'upnpOnly.heading'))}</h2>`];
  for (const n of view.notices) {
    const box =
      report.snapshots.length > 1
        ? `<strong>${e(pt(lang, 'upnpOnly.box', { n: n.snapshotIndex + 1 }))}</strong> — `
        : '';
    out.push(`<p>${box}${e(n.lead, 600)}</p>`, `<p><strong>${e(n.next, 600)}</strong></p>`);
    if (n.pages.length > 0)
      out.push('<ul class="plain">', ...n.pages.map((p) => `<li>${e(p, 600)}</li>`), '</ul>');
  }
  out.push('</section>');
  return out.join('\n');
}

function firstThings(view: PeopleView, lang: Lang): string {
  const out = ['<section id="first">', `<h2>${e(pt(lang, 'first.heading'))}</h2>`, '<ol class="first">'];
  for (const thing of view.firstThings) {
    out.push(`<li><strong>${e(thing.text, 600)}</strong>`);
    if (thing.why !== undefined) out.push(`<p>${e(thing.why, 600)}</p>`);
    if (thing.where !== undefined) out.push(whereLine(lang, thing.where));
    if (thing.command !== undefined)
      out.push(
        `<p class="where"><b>${e(pt(lang, 'first.command'))}${colon(lang)}</b><code>${e(thing.command, 300)}</code></p>`,
      );
    out.push('</li>');
  }
  out.push('</ol>');
  if (view.firstThings.some((x) => x.unconfirmed === true))
    out.push(`<p class="note">${e(pt(lang, 'first.unconfirmed'))}</p>`);
  out.push('</section>');
  return out.join('\n');
}

function boxSection(report: AuditReport, view: PeopleView, lang: Lang): string {
  const out = ['<section id="box">', `<h2>${e(pt(lang, 'box.heading'))}</h2>`];
  report.snapshots.forEach((s, i) => {
    if (report.snapshots.length > 1)
      out.push(`<h3>${e(t(lang, 'header.boxNumber', { n: i + 1, total: report.snapshots.length }))}</h3>`);
    out.push('<table><tbody>', ...boxSettings(s, lang), '</tbody></table>');
  });
  for (const f of view.boxFindings) {
    out.push(
      '<div class="reason">',
      `<p>${badge(f.severity, lang)}<strong>${e(f.title[lang], 200)}</strong></p>`,
      `<p>${e(f.message[lang], 1000)}</p>`,
      `<p><b>${e(pt(lang, 'device.todo'))}${colon(lang)}</b>${e(f.remediation[lang], 1000)}</p>`,
      '</div>',
    );
  }
  out.push('</section>');
  return out.join('\n');
}

const AREA_TASK: Partial<Record<string, BoxTask>> = {
  'static-forwards': 'removeForward',
  dmz: 'dmzOff',
  'remote-admin': 'remoteAdminOff',
  'upnp-state': 'upnpOff',
};

function unseen(report: AuditReport, forwardOf: ForwardOf, lang: Lang): string {
  const out = ['<section id="unseen">', `<h2>${e(pt(lang, 'unseen.heading'))}</h2>`];
  let any = false;
  report.snapshots.forEach((s, i) => {
    const gaps = s.coverage.filter((c) => c.status !== 'complete');
    if (gaps.length === 0) return;
    any = true;
    const guide = boxGuide(s);
    if (report.snapshots.length > 1)
      out.push(`<h3>${e(t(lang, 'header.boxNumber', { n: i + 1, total: report.snapshots.length }))}</h3>`);
    out.push('<ul class="plain">');
    for (const c of gaps) {
      const task = AREA_TASK[c.area];
      const how =
        task === undefined
          ? ''
          : `<br><span class="where"><b>${e(pt(lang, 'first.where'))}${colon(lang)}</b>${e(guide.tasks[task][lang], 600)}</span>`;
      out.push(
        `<li><strong>${e(t(lang, `area.${c.area}`))}</strong> (${e(t(lang, `status.${c.status}`))})${colon(lang)}${e(coverageReason(c, lang), 600)}${how}</li>`,
      );
    }
    out.push('</ul>');
  });
  const inconclusive = report.findings.filter((f) => f.status === 'inconclusive');
  if (inconclusive.length > 0) {
    any = true;
    out.push(`<h3>${e(t(lang, 'section.inconclusive'))} (${inconclusive.length})</h3>`, '<ul class="plain">');
    for (const f of inconclusive.slice(0, 50)) {
      const forward = forwardOf(f);
      const where = forward === undefined ? t(lang, 'finding.theBox') : exposureParts(forward, lang).device;
      const unknown = [...(f.unknown ?? [])].sort().map((u) => unknownFieldWord(u, lang, hasMessage));
      out.push(
        `<li>${e(f.title[lang], 200)} — ${e(where, 120)}${unknown.length > 0 ? ` (${e(t(lang, 'finding.unknown'))}${colon(lang)}${e(unknown.join(', '), 300)})` : ''}</li>`,
      );
    }
    if (inconclusive.length > 50)
      out.push(`<li>${e(pt(lang, 'device.more', { count: inconclusive.length - 50 }))}</li>`);
    out.push('</ul>');
  }
  if (!any) out.push(`<p>${e(pt(lang, 'unseen.none'))}</p>`);
  out.push('</section>');
  return out.join('\n');
}

/** Rule ids whose exposure can reach patient data (health, file sharing, databases, remote access). */
const HEALTH_CATEGORIES = new Set(['medical', 'file-sharing', 'database', 'remote-access']);

function gdpr(report: AuditReport, lang: Lang): string {
  const exposed = report.findings.some(
    (f: Finding) =>
      f.status === 'fail' &&
      HEALTH_CATEGORIES.has(f.category) &&
      (f.severity === 'critical' || f.severity === 'high'),
  );
  const paragraphs = exposed
    ? [pt(lang, 'gdpr.art32'), pt(lang, 'gdpr.art33'), pt(lang, 'gdpr.art34'), pt(lang, 'gdpr.todo')]
    : [pt(lang, 'gdpr.none'), pt(lang, 'gdpr.art32'), pt(lang, 'gdpr.art33')];
  return [
    '<section id="gdpr">',
    `<h2>${e(pt(lang, 'gdpr.heading'))}</h2>`,
    '<div class="gdpr">',
    ...paragraphs.map((p) => `<p>${e(p, 1000)}</p>`),
    '</div>',
    '</section>',
  ].join('\n');
}

function technical(report: AuditReport, lang: Lang): string {
  const out = ['<footer>', `<h2>${e(pt(lang, 'footer.details'))}</h2>`];
  report.snapshots.forEach((s) => {
    out.push(`<p>${e(t(lang, 'header.readVia'))}${colon(lang)}${e(readVia(s, lang), 300)}</p>`);
    const ip = s.gateway.externalIp ?? t(lang, 'word.unknown');
    out.push(`<p>${e(t(lang, 'header.externalIp'))}${colon(lang)}${e(ip, 60)}</p>`);
    for (const line of internetDbLines(s, lang)) out.push(`<p class="note">${e(line, 800)}</p>`);
  });
  out.push(
    `<p><code>${e(statusLine(report), 400)}</code></p>`,
    `<p>${e(pt(lang, 'footer.generated', { version: report.tool.version }), 200)}</p>`,
    '</footer>',
  );
  return out.join('\n');
}

/** The summary's line on whether the Internet reaches the exposures, under the verdict (empty when not checked). */
function reachParagraph(report: AuditReport, lang: Lang): string {
  const line = reachabilityLine(report.summary.reachability, report.snapshots, lang);
  return line ? `<p class="reach">${e(line, 600)}</p>` : '';
}

/** Render an audit report as one self-contained HTML page, in pieces. */
export function* htmlChunks(report: AuditReport, options: HtmlOptions): Generator<string> {
  const { lang } = options;
  const forwardOf = forwardIndex(report);
  const view = peopleView(report, forwardOf, lang);
  const v = verdict(report, view, lang);
  yield [
    head(report, lang),
    header(report, lang, options.timeZone),
    '<main>',
    notices(report, view, lang),
    `<section id="verdict" class="verdict v-${v.level}"><h2>${e(pt(lang, 'verdict.heading'))}</h2><p>${e(v.text, 400)}</p>${reachParagraph(report, lang)}</section>`,
    firstThings(view, lang),
    '<section id="devices">',
    `<h2>${e(pt(lang, 'device.heading'))}</h2>`,
    view.devices.length === 0 ? `<p>${e(pt(lang, 'device.none'))}</p>` : '',
    '',
  ].join('\n');
  let batch: string[] = [];
  for (const card of view.devices) {
    batch.push(deviceCard(report, card, lang));
    if (batch.length >= DEVICES_PER_CHUNK) {
      yield `${batch.join('\n')}\n`;
      batch = [];
    }
  }
  yield [
    ...batch,
    '</section>',
    boxSection(report, view, lang),
    unseen(report, forwardOf, lang),
    healthProfile(report, options.health) ? gdpr(report, lang) : '',
    '</main>',
    technical(report, lang),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
