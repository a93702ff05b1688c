/**
 * Helpers shared by the human formats (text, Markdown, dump): ordering, ports, names, the status line;
 * and the exposure facts that baselines and webhooks match and send.
 */
import { BoxauditError } from '../errors.js';
import { colon, type Lang, severityWord, t } from '../i18n/index.js';
import { formatRange } from '../model/ports.js';
import type { GatewayInfo, PortForward, PortRange, Snapshot } from '../model/types.js';
import type { AuditReport, ExposureFacts, Finding, Severity } from '../rules/types.js';
import { SEVERITIES } from '../rules/types.js';
import { safeLine } from './sanitize.js';

export const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The forward a finding is about, when it names one and the snapshot has it. */
export type ForwardOf = (finding: Finding) => PortForward | undefined;

/**
 * A `ForwardOf` for one render: an id→forward map per snapshot, built on first use, so a report
 * with thousands of findings over thousands of forwards stays linear (a scan per finding was
 * quadratic). Ids repeated in a hand-made snapshot resolve to the first forward, as a scan would.
 * Built per call, never cached on the report: a caller may change the report between renders.
 */
export function forwardIndex(report: AuditReport): ForwardOf {
  const bySnapshot = new Map<number, Map<string, PortForward>>();
  return (finding) => {
    if (finding.forwardId === null) return undefined;
    let byId = bySnapshot.get(finding.snapshotIndex);
    if (byId === undefined) {
      byId = new Map();
      for (const f of report.snapshots[finding.snapshotIndex]?.forwards ?? []) {
        if (!byId.has(f.id)) byId.set(f.id, f);
      }
      bySnapshot.set(finding.snapshotIndex, byId);
    }
    return byId.get(finding.forwardId);
  };
}

/**
 * A deterministic order: severity (critical first), box, rule id, public port, forward id.
 * Each finding's keys are computed once, not in the comparator. Does not touch the input array.
 */
export function sortFindings<F extends Finding>(findings: readonly F[], forwardOf: ForwardOf): F[] {
  const keyed = findings.map((finding) => ({
    finding,
    rank: SEVERITY_RANK[finding.severity],
    port: forwardOf(finding)?.externalPort?.start ?? -1,
    forwardId: finding.forwardId ?? '',
  }));
  keyed.sort(
    (a, b) =>
      a.rank - b.rank ||
      a.finding.snapshotIndex - b.finding.snapshotIndex ||
      compareText(a.finding.ruleId, b.finding.ruleId) ||
      a.port - b.port ||
      compareText(a.forwardId, b.forwardId),
  );
  return keyed.map((k) => k.finding);
}

/** `104`, `5900-5910`, or the word for unknown. */
export function portRange(range: PortRange | null, lang: Lang): string {
  if (range === null) return t(lang, 'word.unknown');
  return range.start === range.end ? String(range.start) : `${range.start}-${range.end}`;
}

/** `192.168.1.20:104`, `[fd00::2]:22`; unknown parts spelled out. */
export function endpoint(host: string | null, port: PortRange | null, lang: Lang): string {
  const h = host === null ? t(lang, 'word.unknown') : safeLine(host, 80);
  const shown = h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
  return `${shown}:${portRange(port, lang)}`;
}

/** `3h 05m`, `45 s`, `permanent`, `unknown`: deterministic, no locale formatting. */
export function lease(seconds: number | null, lang: Lang): string {
  if (seconds === null) return t(lang, 'word.unknown');
  if (seconds === 0) return t(lang, 'word.permanent');
  if (seconds < 60) return `${seconds} s`;
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  if (days > 0) return `${days}d ${String(hours).padStart(2, '0')}h`;
  return `${hours}h ${String(minutes).padStart(2, '0')}m`;
}

export function yesNo(value: boolean | null, lang: Lang): string {
  return value === null ? t(lang, 'word.unknown') : t(lang, value ? 'word.yes' : 'word.no');
}

/** The parts of an exposure, every box-provided part already a safe line. */
export interface ExposureParts {
  /** `192.168.1.20:104`. */
  device: string;
  /** `TCP 8443`. */
  publicPort: string;
  /** `UPnP`, `"Orthanc"`, `only from 198.51.100.7`, `disabled`. */
  notes: string[];
}

export function exposureParts(forward: PortForward, lang: Lang): ExposureParts {
  const notes = [t(lang, `source.${forward.source}`)];
  if (forward.description !== null && forward.description !== '') {
    const label = safeLine(forward.description, 80);
    notes.push(lang === 'fr' ? `« ${label} »` : `"${label}"`);
  }
  if (forward.remoteHost !== null)
    notes.push(t(lang, 'word.onlyFrom', { source: safeLine(forward.remoteHost, 80) }));
  if (forward.enabled === false) notes.push(t(lang, 'word.disabled'));
  return {
    device: endpoint(forward.internalHost, forward.internalPort, lang),
    publicPort: `${forward.protocol.toUpperCase()} ${portRange(forward.externalPort, lang)}`,
    notes,
  };
}

/** `192.168.1.20:104 <- internet TCP 8443 (UPnP, "Orthanc")`. */
export function exposure(forward: PortForward, lang: Lang): string {
  const p = exposureParts(forward, lang);
  return `${p.device} <- ${t(lang, 'word.internet')} ${p.publicPort} (${p.notes.join(', ')})`;
}

/** What a forward exposes, independent of ids (ports as `8443` or `5900-5910`, null when unknown). */
export function exposureFacts(forward: PortForward): ExposureFacts {
  const range = (r: PortRange | null | undefined): string | null => (r == null ? null : formatRange(r));
  return {
    protocol: forward.protocol,
    externalPort: range(forward.externalPort),
    internalHost: forward.internalHost,
    internalPort: range(forward.internalPort),
  };
}

/** `Freebox SAS Freebox Server (Freebox v6)`, or the word for unknown. */
export function boxName(gateway: GatewayInfo, lang: Lang): string {
  const parts = [gateway.manufacturer, gateway.model, gateway.modelNumber]
    .filter((p): p is string => p !== null && p !== '')
    .map((p) => safeLine(p, 80));
  const name = parts.length > 0 ? parts.join(' ') : t(lang, 'word.unknown');
  const friendly = gateway.friendlyName;
  return friendly !== null && friendly !== '' && !parts.includes(friendly)
    ? `${name} (${safeLine(friendly, 80)})`
    : name;
}

/** `UPnP (description URL), upnp-igd at http://…`: how the snapshot was read. */
export function readVia(snapshot: Snapshot, lang: Lang): string {
  const target = snapshot.target;
  return `${t(lang, `target.${target.kind}`)}, ${safeLine(target.adapter, 40)} ${t(lang, 'header.at')} ${safeLine(target.address, 200)}`;
}

/** `critical: 2, high: 1` (`2 critiques, 1 élevée, 1 pour information`); only non-zero counts. */
export function countsBySeverity(counts: Record<Severity, number>, lang: Lang): string {
  return SEVERITIES.filter((s) => counts[s] > 0)
    .map((s) =>
      lang === 'fr'
        ? `${counts[s]} ${s === 'info' ? 'pour information' : `${severityWord(lang, s)}${counts[s] > 1 ? 's' : ''}`}`
        : `${severityWord(lang, s)}${colon(lang)}${counts[s]}`,
    )
    .join(', ');
}

/** The unknown-field name in plain words where the catalogue has it, else the field name. */
export function unknownFieldWord(field: string, lang: Lang, hasKey: (k: string) => boolean): string {
  const key = `unknownField.${field}`;
  return hasKey(key) ? t(lang, key as Parameters<typeof t>[1]) : safeLine(field, 60);
}

/**
 * The one-line ASCII status for RMM tools, always English and always the last line of text output:
 * `BOXAUDIT status=findings critical=2 high=1 medium=0 low=0 info=0 inconclusive=1 waived=1
 * expired=1 gaps=2 failon=high exit=1`. status: `findings` when any finding fails (any severity),
 * else `incomplete` when something was inconclusive or not visible, else `clean`.
 */
export function statusLine(report: AuditReport): string {
  const s = report.summary;
  const failing = SEVERITIES.reduce((n, sev) => n + s.counts[sev], 0);
  const status = failing > 0 ? 'findings' : s.inconclusive > 0 || s.coverageGaps > 0 ? 'incomplete' : 'clean';
  const counts = SEVERITIES.map((sev) => `${sev}=${s.counts[sev]}`).join(' ');
  return (
    `BOXAUDIT status=${status} ${counts} inconclusive=${s.inconclusive} waived=${s.waived} ` +
    `expired=${s.expiredWaivers.length} gaps=${s.coverageGaps} failon=${s.failOn} exit=${s.exitCode}`
  );
}

/**
 * When a box was read, for people: "2 décembre 2026 à 08:26" / "2 December 2026 at 08:26", in
 * `timeZone` (IANA name; default the system's). A time that does not parse (a hand-edited dump) or
 * an unknown zone shows the stored text as it is; JSON and SARIF keep the ISO time.
 */
export function readTime(iso: string, lang: Lang, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return safeLine(iso, 40);
  try {
    return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
      dateStyle: 'long',
      timeStyle: 'short',
      ...(timeZone !== undefined ? { timeZone } : {}),
    }).format(date);
  } catch {
    return safeLine(iso, 40);
  }
}

/** A caller's argument that is not an audit report (no findings or snapshots list): INPUT_INVALID. */
export function checkIsReport(caller: string, name: string, r: AuditReport): void {
  if (r === null || typeof r !== 'object' || !Array.isArray(r.findings) || !Array.isArray(r.snapshots)) {
    throw new BoxauditError('BOXAUDIT_INPUT_INVALID', `${caller}: ${name} is not an audit report`);
  }
}
