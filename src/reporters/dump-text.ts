/** Plain-text `boxaudit dump`: the box's facts, one table line per forward, coverage and warnings. */
import type { Lang } from '../i18n/index.js';
import type { DumpDocument, PortForward, Snapshot } from '../model/types.js';
import { endpoint, lease, portRange, yesNo } from './format.js';
import { safeLine } from './sanitize.js';
import { coverageSection, snapshotFacts, TextWriter, warningsSection } from './text.js';

const DESCRIPTION_WIDTH = 40;

function width(s: string): number {
  return Array.from(s).length;
}

/** Columns padded to the widest cell; the last column is not padded (no trailing spaces). */
function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, width(cell));
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - width(cell))))
      .join('  ')
      .trimEnd(),
  );
}

/** Forwards in a stable order: source, protocol, public port, internal host, id. */
function sortedForwards(forwards: readonly PortForward[]): PortForward[] {
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...forwards].sort(
    (a, b) =>
      text(a.source, b.source) ||
      text(a.protocol, b.protocol) ||
      (a.externalPort?.start ?? -1) - (b.externalPort?.start ?? -1) ||
      text(a.internalHost ?? '', b.internalHost ?? '') ||
      text(a.id, b.id),
  );
}

function gatewayFacts(w: TextWriter, snapshot: Snapshot, lang: Lang): void {
  const g = snapshot.gateway;
  const unknown = w.t('word.unknown');
  const opt = (v: string | null, max = 120) => (v === null || v === '' ? unknown : safeLine(v, max));
  snapshotFacts(w, snapshot, lang);
  w.line(`${w.label('gw.udn')}${opt(g.udn)}`);
  w.line(`${w.label('gw.server')}${opt(g.server)}`);
  const type = g.connectionType === null ? '' : ` (${safeLine(g.connectionType, 40)})`;
  w.line(`${w.label('gw.connection')}${opt(g.connectionStatus, 40)}${type}`);
  w.line(`${w.label('gw.uptime')}${g.uptimeSeconds === null ? unknown : lease(g.uptimeSeconds, lang)}`);
  w.line(`${w.label('gw.nat')}${yesNo(g.natEnabled, lang)}`);
  const upnp = snapshot.upnp;
  w.line(
    `${w.label('gw.upnp')}${
      upnp === null
        ? unknown
        : w.t('gw.upnpLine', {
            enabled: yesNo(upnp.enabled, lang),
            count: upnp.mappingCount ?? unknown,
            version: upnp.igdVersion ?? unknown,
          })
    }`,
  );
  const dmz = snapshot.dmz;
  w.line(
    `${w.label('gw.dmz')}${dmz === null ? unknown : w.t('gw.dmzLine', { enabled: yesNo(dmz.enabled, lang), host: opt(dmz.host, 80) })}`,
  );
  const admin = snapshot.remoteAdmin;
  w.line(`${w.label('gw.remoteAdmin')}${admin === null ? unknown : yesNo(admin.enabled, lang)}`);
  for (const service of admin?.services ?? []) {
    const restricted =
      service.restrictedTo === null
        ? ''
        : `, ${w.t('word.onlyFrom', { source: safeLine(service.restrictedTo, 80) })}`;
    const port = service.port === null ? unknown : String(service.port);
    w.line(
      `  - ${w.t('gw.remoteService', { service: safeLine(service.service, 40), port, wan: yesNo(service.wan, lang), restricted })}`,
    );
  }
  const lan = snapshot.lanPrefixes;
  w.line(
    `${w.label('gw.lan')}${lan === null ? unknown : lan.length === 0 ? w.t('word.none') : lan.map((p) => safeLine(p, 60)).join(', ')}`,
  );
}

function* forwardsTable(w: TextWriter, snapshot: Snapshot, lang: Lang): Generator<string> {
  w.heading(`${w.t('section.forwards')} (${snapshot.forwards.length})`);
  if (snapshot.forwards.length === 0) {
    w.line(w.t('dump.noForwards'));
    return;
  }
  const head = [
    'source',
    'proto',
    'public',
    'internal',
    'remote',
    'lease',
    'enabled',
    'description',
  ] as const;
  const rows: string[][] = [head.map((h) => w.t(`dump.col.${h}`))];
  for (const f of sortedForwards(snapshot.forwards)) {
    rows.push([
      w.t(`source.${f.source}`),
      f.protocol.toUpperCase(),
      portRange(f.externalPort, lang),
      `-> ${endpoint(f.internalHost, f.internalPort, lang)}`,
      f.remoteHost === null ? '*' : safeLine(f.remoteHost, 40),
      lease(f.leaseSeconds, lang),
      yesNo(f.enabled, lang),
      f.description === null ? '' : safeLine(f.description, DESCRIPTION_WIDTH),
    ]);
  }
  for (const line of table(rows)) {
    w.line(`  ${line}`);
    if (w.full) yield w.flush();
  }
}

/** Render a dump document as text, in pieces (see docs/output.md). */
export function* dumpTextChunks(
  doc: DumpDocument,
  options: { lang: Lang; color: boolean; timeZone?: string },
): Generator<string> {
  const w = new TextWriter(options);
  const { lang } = options;
  const title = w.t('dump.title');
  w.line(title);
  w.line('='.repeat(width(title)));
  for (const [i, snapshot] of doc.snapshots.entries()) {
    w.line();
    if (doc.snapshots.length > 1) w.line(w.t('header.boxNumber', { n: i + 1, total: doc.snapshots.length }));
    gatewayFacts(w, snapshot, lang);
    yield* forwardsTable(w, snapshot, lang);
  }
  coverageSection(w, doc.snapshots);
  warningsSection(w, doc.snapshots);
  yield w.flush();
}
