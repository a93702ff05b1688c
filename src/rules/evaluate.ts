/**
 * Pure, deterministic evaluation of snapshots against a rule set.
 * Tri-state per rule and forward: fail, pass, or inconclusive when a needed field is unknown
 * (never "pass" for what could not be seen).
 */
import { BoxauditError, checkOptions } from '../errors.js';
import type { PortForward, PortRange, Snapshot } from '../model/types.js';
import { sourceRestricted } from './adjustment.js';
import { type CompiledForwardRule, type CompiledRouterRule, compileRuleSet } from './compile.js';
import {
  hostKind,
  inAnyV4,
  type LanPrefixes,
  parseIpv4Number,
  parseLanPrefixes,
  V4_RFC1918,
} from './host-kind.js';
import { overlapsAny, rangeSize } from './ports.js';
import type {
  EvaluatedFinding,
  EvaluatedWaivedFinding,
  FindingConfidence,
  RuleSet,
  Severity,
  Summary,
  Waiver,
} from './types.js';
import { SEVERITIES } from './types.js';

/** Options of {@link evaluate}: the time waivers are checked against, and the fail-on threshold. */
export interface EvaluateOptions {
  /** The time waivers are checked against (ISO string or Date). Required: evaluation stays pure. */
  now: Date | string;
  /** Findings (status fail) at or above this severity give exitCode 1. Default `high`. */
  failOn?: Severity;
}

/** Findings as data (no text: `describeFinding` or `buildReport` add it) and the summary. */
export interface EvaluateResult {
  findings: EvaluatedFinding[];
  waived: EvaluatedWaivedFinding[];
  summary: Summary;
}

const FULL_RANGE: PortRange = { start: 1, end: 65535 };
const PASS = 0;
const FAIL = 1;
const UNKNOWN = 2;

/** Per-snapshot facts computed once. */
interface SnapshotContext {
  index: number;
  /** The snapshot's LAN prefixes, parsed once (outsideLan and internalHostKind). */
  lan: LanPrefixes;
  /** The snapshot's forwards and the position of the one being judged (for `companion`). */
  forwards: PortForward[];
  forwardIndex: number;
}

/**
 * Evaluate snapshots against a rule set. Pure: the same input gives deep-equal output.
 * Findings carry no text, so that evaluation stays cheap for fleets; `buildReport` (or
 * `describeFinding`) fills in each rule's title, message and remediation for the forward.
 * Findings are sorted by severity, then snapshot, then forward order (router-level first), then rule id.
 * @throws BoxauditError BOXAUDIT_INPUT_INVALID when the snapshots or `now` are malformed.
 */
export function evaluate(snapshots: Snapshot[], ruleSet: RuleSet, options: EvaluateOptions): EvaluateResult {
  checkOptions('evaluate', options, true);
  const nowMs = typeof options.now === 'string' ? Date.parse(options.now) : options.now?.getTime?.();
  if (nowMs === undefined || Number.isNaN(nowMs)) {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      `evaluate: options.now is not a valid date (${String(options.now)})`,
    );
  }
  if (!Array.isArray(snapshots)) {
    throw new BoxauditError('BOXAUDIT_INPUT_INVALID', 'evaluate: snapshots must be an array');
  }
  const failOn = options.failOn ?? 'high';
  if (!SEVERITIES.includes(failOn)) {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      `evaluate: failOn must be one of ${SEVERITIES.join(', ')}`,
    );
  }
  const compiled = compileRuleSet(ruleSet);

  const expired: Waiver[] = [];
  const activeWaivers = new Map<string, Waiver[]>();
  for (const [ruleId, list] of compiled.waiversByRule) {
    const active = list.filter((w) => {
      const ok = waiverExpiry(w) >= nowMs;
      if (!ok) expired.push(w);
      return ok;
    });
    if (active.length > 0) activeWaivers.set(ruleId, active);
  }
  // Expired waivers in config order, so the report lists them as written.
  expired.sort((a, b) => ruleSet.waivers.indexOf(a) - ruleSet.waivers.indexOf(b));

  // Findings go straight into one bucket per severity; snapshots and forwards are visited in
  // order, so only the findings of one forward need sorting (by rule id): no global sort.
  const buckets: EvaluatedFinding[][] = [[], [], [], [], []];
  const waivedBuckets: EvaluatedWaivedFinding[][] = [[], [], [], [], []];
  const counts = { critical: 0, high: 0, medium: 0, low: 0, info: 0 } as Record<Severity, number>;
  const threshold = SEVERITY_RANK[failOn];
  let inconclusive = 0;
  let exitCode: 0 | 1 | 2 = 0;
  const exposures = { confirmed: 0, inferred: 0, stale: 0 };
  let probed = false;
  // The outside-in view (issue 13): the same failing forward findings by whether the Internet reaches them.
  const reach = { reachable: 0, reachableConfirmed: 0, notReachable: 0, unknown: 0 };
  let reachMethod: 'vantage' | 'hairpin' | null = null;
  const pending: EvaluatedFinding[] = [];
  const flush = (forward: PortForward | null): void => {
    if (pending.length > 1) pending.sort(byRuleId);
    for (const finding of pending) {
      const rank = SEVERITY_RANK[finding.severity];
      const waiver =
        activeWaivers.size === 0
          ? undefined
          : activeWaivers.get(finding.ruleId)?.find((w) => waiverMatches(w, forward));
      if (waiver) {
        waivedBuckets[rank]!.push({ ...finding, waiver });
        continue;
      }
      buckets[rank]!.push(finding);
      if (finding.status === 'inconclusive') inconclusive++;
      else {
        counts[finding.severity]++;
        if (rank <= threshold) exitCode = 1;
        if (forward !== null) {
          if (finding.confidence === 'confirmed') exposures.confirmed++;
          else if (forward.probe?.status === 'silent') exposures.stale++;
          else exposures.inferred++;
          const r = forward.reachable;
          // InternetDB marks only the ports it lists: it has its own lines, not this tally.
          if (r !== undefined && r.method !== 'internet-db') {
            reachMethod ??= r.method;
            if (r.fromInternet === true) {
              reach.reachable++;
              if (finding.confidence === 'confirmed') reach.reachableConfirmed++;
            } else if (r.fromInternet === false) reach.notReachable++;
            else reach.unknown++;
          }
        }
      }
    }
    pending.length = 0;
  };

  const stamp = new Int32Array(compiled.ruleCount);
  let generation = 0;
  let forwardsChecked = 0;
  let coverageGaps = 0;
  const unknown: string[] = [];

  // State of the forward being visited (shared by `check`, which is created once).
  let ctx: SnapshotContext;
  let f: PortForward;
  let fi = 0;
  let ext: PortRange | null = null;
  let int: PortRange | null = null;
  let size = 0;
  const check = (c: CompiledForwardRule): void => {
    if (stamp[c.slot] === generation) return;
    stamp[c.slot] = generation;
    if (unknown.length > 0) unknown.length = 0;
    ctx.forwardIndex = fi;
    const status = evaluateForward(c, f, ext, int, size, ctx, unknown);
    if (status === PASS) return;
    pending.push(makeFinding(c, status, isRestricted(f.remoteHost), ctx, f, fi, unknown));
  };

  for (let snapshotIndex = 0; snapshotIndex < snapshots.length; snapshotIndex++) {
    const snapshot = snapshots[snapshotIndex]!;
    if (snapshot === null || typeof snapshot !== 'object' || !Array.isArray(snapshot.forwards)) {
      throw new BoxauditError(
        'BOXAUDIT_INPUT_INVALID',
        `evaluate: snapshots[${snapshotIndex}] is not a snapshot (no forwards array)`,
      );
    }
    for (const c of snapshot.coverage ?? []) if (c.status !== 'complete') coverageGaps++;
    ctx = {
      index: snapshotIndex,
      lan: parseLanPrefixes(snapshot.lanPrefixes),
      forwards: snapshot.forwards,
      forwardIndex: 0,
    };

    for (const r of compiled.routerRules) {
      const outcome = evaluateRouter(r, snapshot, unknown);
      if (outcome.status !== PASS)
        pending.push(makeFinding(r, outcome.status, outcome.restricted, ctx, null, null, unknown));
    }
    flush(null);

    const forwards = snapshot.forwards;
    for (fi = 0; fi < forwards.length; fi++) {
      f = forwards[fi]!;
      forwardsChecked++;
      if (f.probe !== undefined) probed = true;
      if (f.enabled === false) continue; // a disabled forward exposes nothing
      const proto = f.protocol === 'udp' ? 'udp' : 'tcp';
      ext = f.externalPort ?? (f.source === 'dmz' ? FULL_RANGE : null);
      int = f.internalPort ?? (f.source === 'dmz' ? FULL_RANGE : null);
      size = Math.max(ext ? rangeSize(ext) : 0, int ? rangeSize(int) : 0);
      const large = compiled.largeRangeThreshold !== null && size >= compiled.largeRangeThreshold;
      generation++;

      for (const c of compiled.always[proto]) check(c);
      if (!large) {
        // Index walk only over small, well-formed ranges: a hand-made snapshot's 1e20 would never end.
        if (ext === null || int === null || size > 1024 || !inPortSpace(ext) || !inPortSpace(int)) {
          for (const c of compiled.perPort[proto]) check(c);
        } else {
          const index = compiled.byPort[proto];
          for (let p = ext.start; p <= ext.end; p++) {
            const bucket = index[p];
            if (bucket) for (const c of bucket) check(c);
          }
          for (let p = int.start; p <= int.end; p++) {
            const bucket = index[p];
            if (bucket) for (const c of bucket) check(c);
          }
        }
      }
      // What a probe saw answer is judged too, whatever the port (a web server behind LAN 445).
      const answered = f.probe?.status === 'different' ? answeringService(f) : null;
      if (answered !== null) {
        const bucket = compiled.byService[proto].get(answered);
        if (bucket) for (const c of bucket) check(c);
      }
      if (pending.length > 0) flush(f);
    }
  }

  const waived = waivedBuckets.flat();
  // Nothing at or above the threshold, but an area boxaudit tried to read failed: not a pass.
  const readFailed = snapshots.some((snap) => snap.coverage.some((c) => c.status === 'error'));
  if (exitCode === 0 && readFailed) exitCode = 2;
  return {
    findings: buckets.flat(),
    waived,
    summary: {
      failOn,
      exitCode,
      counts,
      inconclusive,
      waived: waived.length,
      expiredWaivers: expired,
      forwardsChecked,
      coverageGaps,
      ...(probed ? { exposures } : {}),
      ...(reachMethod ? { reachability: { method: reachMethod, ...reach } } : {}),
    },
  };
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

function byRuleId(a: EvaluatedFinding, b: EvaluatedFinding): number {
  return a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0;
}

/** Milliseconds after which a waiver no longer applies; a date-only expiry lasts through that UTC day. */
export function waiverExpiry(w: Waiver): number {
  const text = String(w.expires);
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T23:59:59.999Z`) : Date.parse(text);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

function waiverMatches(w: Waiver, forward: PortForward | null): boolean {
  const m = w.match;
  if (!m) return true;
  const wantsForward =
    m.forwardId !== undefined ||
    m.internalHost !== undefined ||
    m.externalPort !== undefined ||
    m.description !== undefined;
  if (!wantsForward) return true;
  if (forward === null) return false;
  if (m.forwardId !== undefined && forward.id !== m.forwardId) return false;
  if (m.internalHost !== undefined && forward.internalHost !== m.internalHost) return false;
  if (m.externalPort !== undefined) {
    const r = forward.externalPort;
    if (r === null || m.externalPort < r.start || m.externalPort > r.end) return false;
  }
  if (m.description !== undefined && (forward.description ?? '').trim() !== m.description.trim())
    return false;
  return true;
}

/** A remote host of "", "*", 0.0.0.0 or ::/0 means any source, whatever the box wrote. */
function isRestricted(remoteHost: string | null): boolean {
  if (remoteHost === null) return false;
  const t = remoteHost.trim();
  return !(
    t === '' ||
    t === '*' ||
    t === '0.0.0.0' ||
    t === '0.0.0.0/0' ||
    t === '::' ||
    t === '::/0' ||
    t.toLowerCase() === 'any'
  );
}

/**
 * Is the internal host outside the box's LAN (UPnProxy) — including the box's loopback?
 * IPv6 hosts (pinholes) are not judged: false. A host name cannot be judged: null.
 */
function outsideLan(host: string | null, ctx: SnapshotContext): boolean | null {
  if (host === null) return null;
  if (host.includes(':')) return false;
  const a = parseIpv4Number(host.trim());
  if (a === null) return null;
  // No IPv4 LAN prefix known: RFC 1918 stands for the LAN.
  return !inAnyV4(a, ctx.lan.v4.length > 0 ? ctx.lan.v4 : V4_RFC1918);
}

function evaluateForward(
  c: CompiledForwardRule,
  f: PortForward,
  ext: PortRange | null,
  int: PortRange | null,
  size: number,
  ctx: SnapshotContext,
  unknown: string[],
): number {
  if (!(f.protocol === 'udp' ? c.udp : c.tcp)) return PASS;
  if (c.sources !== null && !c.sources.has(f.source)) return PASS;
  if (c.remoteHostRestricted !== undefined && isRestricted(f.remoteHost) !== c.remoteHostRestricted)
    return PASS;
  const answered = answeringService(f);
  if (
    c.services !== null &&
    answered !== null &&
    !c.services.has(answered) &&
    f.probe?.status === 'different'
  )
    return PASS; // another service answers there: the forward is judged as what it is
  if (c.probeFacts !== null) {
    if (answered === null || c.services === null || !c.services.has(answered)) return PASS;
    const facts = f.probe!.facts;
    for (const [key, want] of c.probeFacts) {
      const have = Object.hasOwn(facts, key) ? facts[key] : null;
      if (have === null || have === undefined) unknown.push(`probe.facts.${key}`);
      else if (!factMatches(have, want)) return PASS;
    }
  }
  // The service a probe saw answer decides over the port number for the rules that name it.
  const byService = c.serviceAnyPort && answered !== null && c.services?.has(answered) === true;
  if (!byService && c.either !== null) {
    const intHit = int !== null && overlapsAny(int, c.either);
    const hit = intHit || (ext !== null && overlapsAny(ext, c.either));
    // The LAN port names the service: WAN 8443 -> LAN 104 is DICOM, not a web console. The public
    // port speaks for the service only when the LAN port is unknown (most forwards keep the port).
    if (int !== null && !intHit) return PASS;
    if (!hit) {
      if (ext !== null && int !== null) return PASS;
      if (ext === null) unknown.push('externalPort');
      if (int === null) unknown.push('internalPort');
    }
  }
  if (c.internal !== null && !byService) {
    if (int === null) unknown.push('internalPort');
    else if (!overlapsAny(int, c.internal)) return PASS;
  }
  if (c.external !== null && !byService) {
    if (ext === null) unknown.push('externalPort');
    else if (!overlapsAny(ext, c.external)) return PASS;
  }
  if (c.minRangeSize !== undefined && size < c.minRangeSize) {
    // The public side counts the ports opened: unknown, it could be a wide range to one LAN port.
    if (ext === null) unknown.push('externalPort');
    else return PASS;
  }
  if (c.permanent !== undefined) {
    if (f.leaseSeconds === null || f.leaseSeconds === undefined) unknown.push('leaseSeconds');
    else if ((f.leaseSeconds === 0) !== c.permanent) return PASS;
  }
  if (c.pattern !== null) {
    if (f.description === null || f.description === undefined) {
      if (c.unlabelledPasses) return PASS;
      unknown.push('description');
    } else if (!c.pattern.test(f.description.slice(0, 512))) return PASS;
  }
  if (c.outsideLan !== undefined) {
    const out = outsideLan(f.internalHost, ctx);
    if (out === null) unknown.push('internalHost');
    else if (out !== c.outsideLan) return PASS;
  }
  if (c.hostKinds !== null) {
    const kind = hostKind(f.internalHost, ctx.lan);
    if ((kind.mask & c.hostKinds) === 0) return PASS;
    // Some of the kinds the host may be are not accepted: not knowing which is inconclusive.
    if ((kind.mask & ~c.hostKinds) !== 0) unknown.push(kind.unknown ?? 'internalHost');
  }
  // Last: the only condition that looks at the other forwards.
  if (c.companion !== null) {
    const present = companionPresent(c.companion.protocol, f, ext, int, ctx, unknown);
    if (present !== null && present !== c.companion.present) return PASS;
  }
  if (f.enabled === null || f.enabled === undefined) unknown.push('enabled');
  return unknown.length > 0 ? UNKNOWN : FAIL;
}

/**
 * Is there another forward of `protocol`, not disabled, to the same internal host whose LAN ports
 * contain this one's (HTTP/3 on UDP 443 beside HTTPS on TCP 443, a TCP range or a DMZ)? The public ports are compared instead when a LAN
 * port is unknown (most forwards keep the port). true, false, or null when a candidate's host or
 * ports are unknown (their fields are added to `unknown`). A DMZ forward without ports spans every port.
 */
function companionPresent(
  protocol: 'tcp' | 'udp',
  f: PortForward,
  ext: PortRange | null,
  int: PortRange | null,
  ctx: SnapshotContext,
  unknown: string[],
): boolean | null {
  const host = f.internalHost?.trim().toLowerCase() ?? null;
  const open: string[] = [];
  for (let i = 0; i < ctx.forwards.length; i++) {
    if (i === ctx.forwardIndex) continue;
    const g = ctx.forwards[i]!;
    if (g.protocol !== protocol || g.enabled === false) continue;
    const gHost = g.internalHost?.trim().toLowerCase() ?? null;
    if (host !== null && gHost !== null && host !== gHost) continue;
    const gInt = g.internalPort ?? (g.source === 'dmz' ? FULL_RANGE : null);
    const gExt = g.externalPort ?? (g.source === 'dmz' ? FULL_RANGE : null);
    const byLan = int !== null && gInt !== null;
    const a = byLan ? int : ext;
    const b = byLan ? gInt : gExt;
    if (a !== null && b !== null && !contains(b, a)) continue;
    const before = open.length;
    if (host === null || gHost === null) open.push('internalHost');
    if (a === null || b === null) open.push('internalPort');
    if (open.length === before) return true;
  }
  if (open.length === 0) return false;
  unknown.push(...open);
  return null;
}

/** Whether range `outer` spans every port of `inner`. */
function contains(outer: PortRange, inner: PortRange): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

function evaluateRouter(
  r: CompiledRouterRule,
  s: Snapshot,
  unknown: string[],
): { status: number; restricted: boolean } {
  if (unknown.length > 0) unknown.length = 0;
  let restricted = false;
  const conds: Array<[boolean | undefined, boolean | null, string]> = [];
  if (r.dmzEnabled !== undefined) conds.push([r.dmzEnabled, dmzState(s), 'dmz.enabled']);
  if (r.upnpEnabled !== undefined) conds.push([r.upnpEnabled, upnpState(s), 'upnp.enabled']);
  if (r.remoteAdminOnWan !== undefined) {
    const state = remoteAdminState(s);
    restricted = state.restricted;
    conds.push([r.remoteAdminOnWan, state.onWan, 'remoteAdmin']);
  }
  for (const [want, have, field] of conds) {
    if (have === null) unknown.push(field);
    else if (have !== want) return { status: PASS, restricted };
  }
  return { status: unknown.length > 0 ? UNKNOWN : FAIL, restricted };
}

/** DMZ on: the box says so, or (state not visible) an enabled DMZ forward was listed. */
function dmzState(s: Snapshot): boolean | null {
  const v = s.dmz?.enabled;
  if (v === true || v === false) return v;
  return s.forwards.some((f) => f.source === 'dmz' && f.enabled !== false) ? true : null;
}

/** UPnP on: the box says so, or (state not visible) UPnP mappings were listed. */
function upnpState(s: Snapshot): boolean | null {
  const v = s.upnp?.enabled;
  if (v === true || v === false) return v;
  return s.forwards.some((f) => f.source === 'upnp') ? true : null;
}

/** Remote admin reachable from the WAN; `restricted` when every WAN service is limited to given sources. */
function remoteAdminState(s: Snapshot): { onWan: boolean | null; restricted: boolean } {
  const ra = s.remoteAdmin;
  if (!ra) return { onWan: null, restricted: false };
  const services = Array.isArray(ra.services) ? ra.services : [];
  const wan = services.filter((x) => x.wan === true);
  if (wan.length > 0)
    return { onWan: true, restricted: wan.every((x) => isRestricted(x.restrictedTo ?? null)) };
  if (ra.enabled === false) return { onWan: false, restricted: false };
  if (services.some((x) => x.wan === null || x.wan === undefined)) return { onWan: null, restricted: false };
  if (ra.enabled === null || ra.enabled === undefined)
    return services.length > 0 ? { onWan: false, restricted: false } : { onWan: null, restricted: false };
  return { onWan: false, restricted: false };
}

/**
 * The forward is a range that holds the rule's ports among others (a game server's 27015-27030 holds
 * MongoDB's 27017): the port match alone is weak evidence, so the finding says low confidence.
 * The deciding side is the LAN port, or the public one when the LAN port is unknown.
 */
function partOfWiderRange(c: CompiledForwardRule, f: PortForward): boolean {
  return (
    wider(f.internalPort ?? f.externalPort, c.either) ||
    wider(f.internalPort, c.internal) ||
    wider(f.externalPort, c.external)
  );
}

/** A range of several ports not inside one of the rule's ranges. */
function wider(r: PortRange | null, ranges: readonly PortRange[] | null): boolean {
  return (
    r !== null &&
    ranges !== null &&
    r.start !== r.end &&
    !ranges.some((x) => x.start <= r.start && r.end <= x.end)
  );
}

function makeFinding(
  c: CompiledForwardRule | CompiledRouterRule,
  status: number,
  restricted: boolean,
  ctx: SnapshotContext,
  forward: PortForward | null,
  forwardIndex: number | null,
  unknown: string[],
): EvaluatedFinding {
  const rule = c.rule;
  let severity = c.severity;
  let adjustments = c.adjustments;
  // Limited to given sources: one level lower (said only when that changes something: info stays info).
  if (
    restricted &&
    c.restrictedSeverity !== c.severity &&
    !('remoteHostRestricted' in c && c.remoteHostRestricted === true)
  ) {
    severity = c.restrictedSeverity;
    adjustments = [...adjustments, sourceRestricted(c.severity, severity, forward?.remoteHost ?? undefined)];
  }
  let confidence: FindingConfidence =
    forward !== null && 'either' in c && partOfWiderRange(c, forward) ? 'low' : rule.confidence;
  if (forward !== null && 'either' in c) confidence = probedConfidence(c, forward, confidence);
  const finding: EvaluatedFinding = {
    ruleId: rule.id,
    status: status === FAIL ? 'fail' : 'inconclusive',
    severity,
    confidence,
    category: rule.category,
    snapshotIndex: ctx.index,
    forwardId: forward ? forward.id : null,
    forwardIndex,
  };
  if (adjustments.length > 0) finding.adjustments = [...adjustments];
  if (status === UNKNOWN)
    finding.unknown = unknown.length === 1 ? [unknown[0]!] : [...new Set(unknown)].sort();
  if (forward !== null && (forward.probe !== undefined || forward.reachable !== undefined)) {
    finding.evidence = {
      ...(forward.probe !== undefined ? { probe: forward.probe } : {}),
      ...(forward.reachable !== undefined ? { reachable: forward.reachable } : {}),
    };
  }
  return finding;
}

/** The service a probe saw answer on this forward (confirmed or different), else null. */
function answeringService(f: PortForward): string | null {
  const p = f.probe;
  if (p === undefined || p === null || typeof p !== 'object') return null;
  if (p.status !== 'confirmed' && p.status !== 'different') return null;
  return typeof p.service === 'string' ? p.service : null;
}

/** A fact against a rule's accepted values: equal to one, or (a list fact) sharing one. */
function factMatches(have: unknown, want: ReadonlyArray<string | number | boolean>): boolean {
  if (Array.isArray(have)) return have.some((x) => want.includes(x));
  return want.includes(have as string | number | boolean);
}

/** The finding's confidence once the probe has spoken: confirmed, or low when an unknown program answers. */
function probedConfidence(
  c: CompiledForwardRule,
  f: PortForward,
  base: FindingConfidence,
): FindingConfidence {
  if (c.services === null || f.probe === undefined) return base;
  const answered = answeringService(f);
  if (answered !== null && c.services.has(answered)) return 'confirmed';
  if (f.probe.status === 'different' && answered === null) return 'low';
  return base;
}

function inPortSpace(r: PortRange): boolean {
  return Number.isSafeInteger(r.start) && Number.isSafeInteger(r.end) && r.start >= 0 && r.end <= 65535;
}
