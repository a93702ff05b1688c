/**
 * The report for people, as data: each device once (its forwards and the reasons under it), the
 * box's own settings, the first things to do, and, for a box read over UPnP only, what was not read
 * and the exact next step. Shared by the text, Markdown and HTML reports. Strings here are raw
 * (box text included): each renderer escapes them for its own format.
 */
import type { Lang } from '../i18n/index.js';
import { type PeopleKey, pt } from '../i18n/people.js';
import type { PortForward, Snapshot } from '../model/types.js';
import type { AuditReport, Finding, Severity } from '../rules/types.js';
import { type BoxGuide, boxGuide, upnpOnly, vendorCommand } from './box-guide.js';
import { type ForwardOf, SEVERITY_RANK, sortFindings } from './format.js';

/** One reason a device is flagged: a rule, the first finding's text, the forwards it concerns. */
export interface DeviceReason {
  finding: Finding;
  forwards: PortForward[];
}

export interface DeviceCard {
  snapshotIndex: number;
  /** The internal address, or null when unknown. */
  host: string | null;
  /** The forwards' descriptions (labels set on the box or by the program), distinct. */
  labels: string[];
  /** Every forward to this device in its snapshot (capped at {@link MAX_FORWARDS_PER_DEVICE}). */
  forwards: PortForward[];
  /** Forwards to this device beyond the cap. */
  moreForwards: number;
  /** One reason per rule, worst first (capped at {@link MAX_REASONS_PER_DEVICE}). */
  reasons: DeviceReason[];
  moreReasons: number;
  worst: Severity;
}

export interface FirstThing {
  text: string;
  /** Why, in a sentence (optional). */
  why?: string;
  /** Where to click on this box model. */
  where?: string;
  /** A command to run instead. */
  command?: string;
  /** The click path is UNCONFIRMED for this model. */
  unconfirmed?: boolean;
}

/** What the top of a report says about a box read over UPnP only. */
export interface UpnpOnlyNotice {
  snapshotIndex: number;
  lead: string;
  /** The next step: the command, or where to look. */
  next: string;
  /** Pages to check in the interface (when there is no command, or it does not read the DMZ). */
  pages: string[];
}

export interface PeopleView {
  devices: DeviceCard[];
  /** Failing findings about the box itself (router settings), worst first. */
  boxFindings: Finding[];
  firstThings: FirstThing[];
  notices: UpnpOnlyNotice[];
  /** Failing findings in all (the verdict's counts). */
  failing: number;
}

export const MAX_FORWARDS_PER_DEVICE = 50;
export const MAX_REASONS_PER_DEVICE = 20;
/** Devices named in one "first thing" sentence. */
const MAX_NAMED_DEVICES = 4;

function worse(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] <= SEVERITY_RANK[b] ? a : b;
}

/** `192.168.1.20 ("PACS Orthanc")`: raw text, the caller escapes it. */
export function deviceName(card: DeviceCard, lang: Lang): string {
  const host = card.host ?? pt(lang, 'device.unknownHost');
  const label = card.labels[0];
  return label === undefined ? host : `${host} (${lang === 'fr' ? `« ${label} »` : `"${label}"`})`;
}

function namedList(cards: readonly DeviceCard[], lang: Lang): string {
  const names = cards.slice(0, MAX_NAMED_DEVICES).map((c) => deviceName(c, lang));
  const more = cards.length - names.length;
  if (more > 0) names.push(pt(lang, 'device.more', { count: more }));
  if (names.length === 1) return names[0]!;
  const and = lang === 'fr' ? ' et ' : ' and ';
  return `${names.slice(0, -1).join(', ')}${and}${names[names.length - 1]}`;
}

/** Build the device cards and the box findings from the failing findings. */
function devicesOf(
  report: AuditReport,
  forwardOf: ForwardOf,
  failing: readonly Finding[],
): { devices: DeviceCard[]; boxFindings: Finding[] } {
  const cards = new Map<string, DeviceCard>();
  const reasonIndex = new Map<string, Map<string, DeviceReason>>();
  const byHost = new Map<number, Map<string, PortForward[]>>();
  const forwardsTo = (si: number, host: string | null): PortForward[] => {
    let map = byHost.get(si);
    if (map === undefined) {
      map = new Map();
      const seen = new Set<string>();
      for (const f of report.snapshots[si]?.forwards ?? []) {
        // Forwards sharing an id are one forward (ids hash what identifies it): the first is shown.
        if (seen.has(f.id)) continue;
        seen.add(f.id);
        const key = f.internalHost ?? '';
        const list = map.get(key);
        if (list) list.push(f);
        else map.set(key, [f]);
      }
      byHost.set(si, map);
    }
    return map.get(host ?? '') ?? [];
  };
  const boxFindings: Finding[] = [];
  for (const finding of failing) {
    const forward = forwardOf(finding);
    if (finding.forwardId === null) {
      boxFindings.push(finding);
      continue;
    }
    const host = forward?.internalHost ?? null;
    const key = `${finding.snapshotIndex}|${host ?? `?${forward === undefined ? finding.forwardId : ''}`}`;
    let card = cards.get(key);
    if (card === undefined) {
      const all = forward === undefined ? [] : forwardsTo(finding.snapshotIndex, host);
      const labels = [
        ...new Set(all.map((f) => f.description).filter((d): d is string => d !== null && d.trim() !== '')),
      ];
      card = {
        snapshotIndex: finding.snapshotIndex,
        host,
        labels: labels.slice(0, 5),
        forwards: all.slice(0, MAX_FORWARDS_PER_DEVICE),
        moreForwards: Math.max(0, all.length - MAX_FORWARDS_PER_DEVICE),
        reasons: [],
        moreReasons: 0,
        worst: finding.severity,
      };
      cards.set(key, card);
      reasonIndex.set(key, new Map());
    }
    card.worst = worse(card.worst, finding.severity);
    const reasons = reasonIndex.get(key)!;
    const reason = reasons.get(finding.ruleId);
    if (reason !== undefined) {
      if (forward !== undefined && !reason.forwards.includes(forward) && reason.forwards.length < 20)
        reason.forwards.push(forward);
    } else if (card.reasons.length < MAX_REASONS_PER_DEVICE) {
      const entry = { finding, forwards: forward === undefined ? [] : [forward] };
      reasons.set(finding.ruleId, entry);
      card.reasons.push(entry);
    } else {
      card.moreReasons++;
      reasons.set(finding.ruleId, { finding, forwards: [] });
    }
  }
  // Worst first; among equals, the order of their first finding (box, rule, public port): stable.
  const devices = [...cards.values()].sort(
    (a, b) => SEVERITY_RANK[a.worst] - SEVERITY_RANK[b.worst] || a.snapshotIndex - b.snapshotIndex,
  );
  return { devices, boxFindings };
}

function clicks(
  guide: BoxGuide,
  task: keyof BoxGuide['tasks'],
  lang: Lang,
): Pick<FirstThing, 'where' | 'unconfirmed'> {
  const path = guide.tasks[task];
  return { where: path[lang], unconfirmed: !path.confirmed };
}

const DMZ_RULE = 'BOX-NET-001';
const UPNP_RULE = 'BOX-NET-002';
const ADMIN_RULE = 'BOX-NET-007';

/** The first things to do, worst first: at most three. */
function firstThingsOf(
  report: AuditReport,
  devices: readonly DeviceCard[],
  boxFindings: readonly Finding[],
  lang: Lang,
): FirstThing[] {
  const things: FirstThing[] = [];
  const snapshot = report.snapshots[0];
  const guide = snapshot === undefined ? null : boxGuide(snapshot);
  const how = (task: keyof BoxGuide['tasks']) => (guide === null ? {} : clicks(guide, task, lang));
  const urgent = devices.filter((d) => SEVERITY_RANK[d.worst] <= SEVERITY_RANK.high);
  if (urgent.length > 0) {
    const count = urgent.reduce((n, d) => n + d.forwards.length + d.moreForwards, 0);
    things.push({
      text: pt(lang, 'first.removeForwards', {
        count: Math.max(count, urgent.length),
        devices: namedList(urgent, lang),
      }),
      why: pt(lang, 'first.removeForwardsWhy', { count: urgent.length }),
      ...how('removeForward'),
    });
  }
  const has = (rule: string) => boxFindings.some((f) => f.ruleId === rule);
  if (has(DMZ_RULE)) {
    const host = snapshot?.dmz?.host ?? pt(lang, 'device.unknownHost');
    things.push({ text: pt(lang, 'first.dmzOff', { device: host }), ...how('dmzOff') });
  }
  if (has(ADMIN_RULE)) things.push({ text: pt(lang, 'first.remoteAdminOff'), ...how('remoteAdminOff') });
  const upnpOn = has(UPNP_RULE) || report.snapshots.some((s) => s.upnp?.enabled === true);
  if (upnpOn) things.push({ text: pt(lang, 'first.upnpOff'), ...how('upnpOff') });
  const blind = report.snapshots.find(upnpOnly);
  if (blind !== undefined) {
    const command = vendorCommand(blind);
    const g = boxGuide(blind);
    things.push({
      text: pt(lang, 'first.readRest'),
      ...(command !== null
        ? { command }
        : {
            where: `${g.tasks.removeForward[lang]}; ${g.tasks.dmzOff[lang]}`,
            unconfirmed: !g.tasks.removeForward.confirmed,
          }),
    });
  }
  const others = devices.filter((d) => SEVERITY_RANK[d.worst] > SEVERITY_RANK.high);
  if (others.length > 0) {
    things.push({
      text: pt(lang, 'first.reviewDevices', { count: others.length, devices: namedList(others, lang) }),
      ...how('removeForward'),
    });
  }
  if (things.length === 0) things.push({ text: pt(lang, 'first.keepWatching') });
  return things.slice(0, 3);
}

/** The notice for a box read over UPnP only (null when its manual forwards and DMZ were read). */
export function upnpOnlyNotice(snapshot: Snapshot, snapshotIndex: number, lang: Lang): UpnpOnlyNotice | null {
  if (!upnpOnly(snapshot)) return null;
  const guide = boxGuide(snapshot);
  const command = vendorCommand(snapshot);
  const pages: string[] = [];
  let next: string;
  if (command !== null) {
    const prepare = guide.command.prepare === null ? '' : ` (${guide.command.prepare[lang]})`;
    next = pt(lang, 'upnpOnly.command', { command, prepare });
    if (!guide.adapterReads.dmz) {
      next = `${next} ${pt(lang, 'upnpOnly.commandPartial')}`;
      pages.push(pt(lang, 'upnpOnly.lookDmz', { path: guide.tasks.dmzOff[lang] }));
    }
  } else {
    next = pt(lang, 'upnpOnly.look', { open: guide.open[lang] });
    pages.push(pt(lang, 'upnpOnly.lookForwards', { path: guide.tasks.removeForward[lang] }));
    pages.push(pt(lang, 'upnpOnly.lookDmz', { path: guide.tasks.dmzOff[lang] }));
  }
  return { snapshotIndex, lead: pt(lang, 'upnpOnly.lead'), next, pages };
}

/** The whole view for people. */
export function peopleView(report: AuditReport, forwardOf: ForwardOf, lang: Lang): PeopleView {
  const failing = sortFindings(
    report.findings.filter((f) => f.status === 'fail'),
    forwardOf,
  );
  const { devices, boxFindings } = devicesOf(report, forwardOf, failing);
  const notices = report.snapshots
    .map((s, i) => upnpOnlyNotice(s, i, lang))
    .filter((n): n is UpnpOnlyNotice => n !== null);
  return {
    devices,
    boxFindings,
    firstThings: firstThingsOf(report, devices, boxFindings, lang),
    notices,
    failing: failing.length,
  };
}

/** The verdict in plain words. */
export function verdict(
  report: AuditReport,
  view: PeopleView,
  lang: Lang,
): { text: string; level: Severity | 'none' } {
  const critical = view.devices.filter((d) => d.worst === 'critical').length;
  const high = view.devices.filter((d) => d.worst === 'high').length;
  const say = (key: PeopleKey, count = 0) => pt(lang, key, { count });
  if (critical > 0) return { text: say('verdict.critical', critical), level: 'critical' };
  if (high > 0) return { text: say('verdict.high', high), level: 'high' };
  const severe = view.boxFindings.find((f) => SEVERITY_RANK[f.severity] <= SEVERITY_RANK.high);
  if (severe !== undefined) return { text: say('verdict.routerOnly'), level: severe.severity };
  if (view.devices.length > 0) return { text: say('verdict.some', view.devices.length), level: 'medium' };
  if (view.boxFindings.length > 0)
    return { text: say('verdict.routerOnly'), level: view.boxFindings[0]!.severity };
  const gaps = report.summary.coverageGaps > 0 || view.notices.length > 0;
  return { text: say(gaps ? 'verdict.nothingPartial' : 'verdict.nothing'), level: 'none' };
}

/** The health profile was in force (asked for, or visible in the findings' severity adjustments). */
export function healthProfile(report: AuditReport, asked: boolean | undefined): boolean {
  if (asked === true) return true;
  return report.findings.some((f) =>
    f.adjustments?.some((a) => a.reason === 'profile' && a.detail === 'health'),
  );
}
