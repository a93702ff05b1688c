/**
 * Markdown for tickets and MSP reports. Everything that comes from the box or a rule file is
 * escaped (markdownText): a description can neither split a table cell nor inject links or HTML.
 */

import { colon, coverageReason, hasMessage, type Lang, severityWord, t } from '../i18n/index.js';
import { gatewayBehindAnotherNat } from '../model/addresses.js';
import type { AuditReport, Finding } from '../rules/types.js';
import { SEVERITIES } from '../rules/types.js';
import { LINES_PER_CHUNK } from './chunks.js';
import { evidenceSentences } from './evidence.js';
import {
  boxName,
  exposureParts,
  type ForwardOf,
  forwardIndex,
  readTime,
  readVia,
  sortFindings,
  statusLine,
  unknownFieldWord,
} from './format.js';
import { peopleMarkdown } from './markdown-people.js';
import { markdownText as md } from './sanitize.js';
import { summaryLines } from './text.js';

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function tableHead(cells: readonly string[]): string[] {
  return [row(cells), row(cells.map(() => '---'))];
}

/** Device and public port cells of a finding (already escaped). */
function whereCells(report: AuditReport, forwardOf: ForwardOf, f: Finding, lang: Lang): [string, string] {
  const forward = forwardOf(f);
  const box = report.snapshots.length > 1 ? ` (${t(lang, 'finding.onBox', { n: f.snapshotIndex + 1 })})` : '';
  if (forward === undefined) {
    const device = f.forwardId === null ? t(lang, 'finding.theBox') : f.forwardId;
    return [md(device, 80) + md(box), ''];
  }
  const p = exposureParts(forward, lang);
  return [md(p.device, 120) + md(box), md(`${p.publicPort} (${p.notes.join(', ')})`, 200)];
}

/** The finding's title; a low-confidence one says that a port match is all there is. */
function titleCell(f: Finding, lang: Lang): string {
  const title =
    f.confidence === 'low' ? `${f.title[lang]} (${t(lang, 'finding.lowCertaintyShort')})` : f.title[lang];
  return md(title, 300);
}

/** The message cell, then what the probes saw (`Evidence: …`), when they saw anything (escaped). */
function withEvidence(report: AuditReport, f: Finding, lang: Lang): string {
  const vantage = report.snapshots[f.snapshotIndex]?.probes?.vantage ?? null;
  const sentences = evidenceSentences(f.evidence, lang, vantage);
  if (f.confidence === 'confirmed') sentences.unshift(t(lang, 'finding.confirmedCertainty'));
  const message = md(f.message[lang], 1000);
  if (sentences.length === 0) return message;
  return `${message} ${md(`${t(lang, 'finding.evidence')}${colon(lang)}${sentences.join('; ')}.`, 800)}`;
}

function* findingRows(
  report: AuditReport,
  forwardOf: ForwardOf,
  findings: readonly Finding[],
  lang: Lang,
  withUnknown: boolean,
): Generator<string> {
  const head = [
    t(lang, 'finding.rule'),
    t(lang, 'finding.device'),
    t(lang, 'finding.publicPort'),
    t(lang, 'finding.what'),
    ...(withUnknown ? [t(lang, 'finding.unknown')] : []),
    t(lang, 'finding.why'),
    t(lang, 'finding.fix'),
  ];
  yield* tableHead(head);
  for (const f of findings) {
    const [device, port] = whereCells(report, forwardOf, f, lang);
    const unknown = [...(f.unknown ?? [])].sort().map((u) => unknownFieldWord(u, lang, hasMessage));
    yield row([
      `\`${f.ruleId.replace(/[^A-Za-z0-9._-]/g, '?')}\``,
      device,
      port,
      titleCell(f, lang),
      ...(withUnknown ? [md(unknown.join(', '), 200)] : []),
      withEvidence(report, f, lang),
      md(f.remediation[lang], 1000),
    ]);
  }
}

/**
 * Render an audit report as GitHub-flavoured Markdown, in pieces (see docs/output.md). Rows are
 * added one at a time (never `push(...rows)`, whose arguments overflow the stack past ~100,000).
 */
export function* markdownChunks(
  report: AuditReport,
  options: { lang: Lang; timeZone?: string },
): Generator<string> {
  const { lang } = options;
  const out: string[] = [];
  const flush = (): string => {
    const text = out.length === 0 ? '' : `${out.join('\n')}\n`;
    out.length = 0;
    return text;
  };
  const forwardOf = forwardIndex(report);
  const sorted = sortFindings(report.findings, forwardOf);
  out.push(`# ${md(t(lang, 'report.title', { version: report.tool.version }), 120)}`, '');
  out.push(...peopleMarkdown(report, forwardOf, lang));

  out.push(`## ${t(lang, 'section.gateway')}`, '');
  out.push(
    ...tableHead([
      '#',
      t(lang, 'header.box'),
      t(lang, 'header.externalIp'),
      t(lang, 'header.readVia'),
      t(lang, 'header.readAt'),
      t(lang, 'header.forwardsRead'),
    ]),
  );
  report.snapshots.forEach((s, i) => {
    const ip = s.gateway.externalIp ?? t(lang, 'word.unknown');
    const doubleNat = s.gateway.doubleNat === true ? ` (${t(lang, 'header.doubleNat')})` : '';
    out.push(
      row([
        String(i + 1),
        md(boxName(s.gateway, lang), 200),
        md(ip + doubleNat, 200),
        md(readVia(s, lang), 300),
        md(readTime(s.collectedAt, lang, options.timeZone), 60),
        String(s.forwards.length),
      ]),
    );
  });
  out.push('');
  if (report.snapshots.some((s) => gatewayBehindAnotherNat(s.gateway) && s.forwards.length > 0)) {
    out.push(`> ${md(t(lang, 'header.ipv4BehindNat'), 600)}`, '');
  }

  out.push(`## ${t(lang, 'section.findings')}`, '');
  const failing = sorted.filter((f) => f.status === 'fail');
  if (failing.length === 0) {
    out.push(
      report.summary.coverageGaps > 0
        ? t(lang, 'summary.nothingPartial', { gaps: report.summary.coverageGaps })
        : t(lang, 'section.noFindings'),
      '',
    );
  }
  for (const severity of SEVERITIES) {
    const group = failing.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    const word = severityWord(lang, severity);
    out.push(`### ${word.charAt(0).toUpperCase()}${word.slice(1)} (${group.length})`, '');
    for (const line of findingRows(report, forwardOf, group, lang, false)) {
      out.push(line);
      if (out.length >= LINES_PER_CHUNK) yield flush();
    }
    out.push('');
  }

  const inconclusive = sorted.filter((f) => f.status === 'inconclusive');
  if (inconclusive.length > 0) {
    out.push(`## ${t(lang, 'section.inconclusive')} (${inconclusive.length})`, '');
    for (const line of findingRows(report, forwardOf, inconclusive, lang, true)) {
      out.push(line);
      if (out.length >= LINES_PER_CHUNK) yield flush();
    }
    out.push('');
  }

  const expired = [...report.summary.expiredWaivers].sort((a, b) =>
    a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0,
  );
  if (expired.length > 0) {
    out.push(`## :warning: ${t(lang, 'section.expired')} (${expired.length})`, '');
    for (const w of expired) {
      const rule = t(lang, 'waiver.forRule', { rule: w.rule });
      const when = t(lang, 'waiver.expiredOn', { date: w.expires });
      out.push(`- **${md(rule, 60)}**${colon(lang)}${md(`"${w.reason}", ${when}`, 400)}`);
    }
    out.push('');
  }

  const waived = sortFindings(report.waived, forwardOf);
  if (waived.length > 0) {
    out.push(`## ${t(lang, 'section.waived')} (${waived.length})`, '');
    out.push(
      ...tableHead([
        t(lang, 'finding.rule'),
        t(lang, 'finding.device'),
        t(lang, 'finding.publicPort'),
        t(lang, 'finding.what'),
        t(lang, 'finding.severity'),
        t(lang, 'waiver.reason'),
      ]),
    );
    for (const f of waived) {
      const [device, port] = whereCells(report, forwardOf, f, lang);
      const until = t(lang, 'waiver.until', { date: f.waiver.expires });
      out.push(
        row([
          `\`${f.ruleId.replace(/[^A-Za-z0-9._-]/g, '?')}\``,
          device,
          port,
          titleCell(f, lang),
          severityWord(lang, f.severity),
          md(`${f.waiver.reason}; ${until}`, 400),
        ]),
      );
      if (out.length >= LINES_PER_CHUNK) yield flush();
    }
    out.push('');
  }

  out.push(`## ${t(lang, 'section.coverage')}`, '');
  report.snapshots.forEach((s, i) => {
    const prefix =
      report.snapshots.length > 1
        ? `${t(lang, 'header.boxNumber', { n: i + 1, total: report.snapshots.length })}${colon(lang)}`
        : '';
    for (const c of s.coverage) {
      const status = t(lang, `status.${c.status}`);
      const mark = c.status === 'complete' ? '[x]' : '[ ]';
      const reason = c.status === 'complete' ? '' : `${colon(lang)}${md(coverageReason(c, lang), 400)}`;
      out.push(`- ${mark} ${md(prefix, 60)}**${t(lang, `area.${c.area}`)}** (${status})${reason}`);
    }
  });
  out.push('');

  out.push(`## ${t(lang, 'section.summary')}`, '');
  for (const line of summaryLines(report, lang))
    out.push(`- ${line.loud ? `**${md(line.text)}**` : md(line.text)}`);
  out.push('', `## ${t(lang, 'section.status')}`, '', '```text', statusLine(report), '```');
  yield flush();
}
