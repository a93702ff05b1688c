import type {
  ForwardProbe,
  ForwardReachability,
  ForwardSource,
  PortForward,
  PortRange,
  ProbeService,
  Protocol,
  Snapshot,
} from '../model/types.js';
import type { HostKind } from './host-kind.js';

export type { HostKind } from './host-kind.js';

/** How bad a finding is, from `critical` to `info`. */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
/** The severities, most severe first. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** How sure a rule is that a match is the service it names (a well-known port is `high`; a guess from a description `low`). */
export type Confidence = 'high' | 'medium' | 'low';
/** A finding's confidence: its rule's, lowered for a port inside a wider range, or `confirmed` when a probe saw the service answer. */
export type FindingConfidence = Confidence | 'confirmed';
/** What a rule is about: the kind of service or setting it flags. */
export type Category = 'medical' | 'file-sharing' | 'remote-access' | 'database' | 'iot' | 'router' | 'web';

/** A text in English and French. */
export interface LocalizedText {
  en: string;
  fr: string;
}

/** A source a rule cites: a title and, when it has one, a URL. */
export interface Reference {
  title: string;
  url?: string;
}

/** A port (104) or an inclusive range ("5900-5910"). */
export type PortSpec = number | string;

/** Conditions on one forward; all given conditions must hold. */
export interface ForwardMatch {
  protocols?: Protocol[];
  /** Matches when the internal OR the external side overlaps (WAN 8443 -> LAN 104 is DICOM). */
  ports?: PortSpec[];
  internalPorts?: PortSpec[];
  externalPorts?: PortSpec[];
  sources?: ForwardSource[];
  /** Case-insensitive, bounded pattern on the description (no backreferences, no nested quantifiers). */
  descriptionPattern?: string;
  /**
   * With `descriptionPattern`: what a forward without a description (null) gives. `inconclusive`
   * (default) or `pass`, for rules whose label only adds evidence to what a port rule reports.
   */
  withoutDescription?: 'inconclusive' | 'pass';
  /**
   * Legacy: the internal host is not in the LAN prefixes (RFC 1918 when they are unknown), loopback
   * included; IPv6 hosts are not judged. Prefer `internalHostKind`.
   */
  internalHostOutsideLan?: boolean;
  /** The internal host is one of these kinds of address: `lan`, `private`, `loopback`, `public`. */
  internalHostKind?: HostKind[];
  /**
   * Another forward of `protocol`, not disabled, to the same internal host with the same public and
   * LAN ports exists in the snapshot (`present: true`) or does not (`present: false`).
   */
  companion?: { protocol: Protocol; present: boolean };
  /** The external range spans at least this many ports ("all ports" forwards). */
  minRangeSize?: number;
  /** leaseSeconds === 0. */
  permanent?: boolean;
  /**
   * true: only forwards limited to given sources (remoteHost set); false: only forwards open to any
   * source. Omitted: both (a restricted forward still fails, one severity level lower).
   */
  remoteHostRestricted?: boolean;
  /**
   * The services this rule's ports stand for, as a probe names them (`dicom`, `smb`, `http`, …).
   * With a probe: one of them answering makes the finding's confidence `confirmed`; another known
   * service answering makes the rule pass (the forward is judged as what answers).
   */
  services?: ProbeService[];
  /** With `services`: also match, whatever its ports, a forward whose probe found one of them answering. */
  serviceAnyPort?: boolean;
  /**
   * Only a forward whose probe confirmed one of `services` with these facts (a list: any of its
   * values; a list fact matches when it shares a value). Without a probe the rule passes (the port
   * rules report the forward); a fact the probe could not read makes it inconclusive.
   */
  probeFacts?: Record<string, ProbeFactCondition>;
}

/** A value, or a list of accepted values, that a fact seen by a probe must equal. */
export type ProbeFactCondition = string | number | boolean | Array<string | number | boolean>;

/** Conditions on the box as a whole. */
export interface RouterMatch {
  dmzEnabled?: boolean;
  upnpEnabled?: boolean;
  remoteAdminOnWan?: boolean;
}

/** What a rule matches: conditions on a forward, or on the box as a whole. */
export interface RuleMatch {
  forward?: ForwardMatch;
  router?: RouterMatch;
}

/** An example forward: ports may be written as a PortSpec (`104`, `"5900-5910"`) for brevity. */
export type ExampleForward = Partial<Omit<PortForward, 'externalPort' | 'internalPort' | 'probe'>> & {
  externalPort?: PortRange | PortSpec | null;
  internalPort?: PortRange | PortSpec | null;
  /** What a probe saw (the tester fills the rest of the outcome). */
  probe?: Pick<ForwardProbe, 'status'> & Partial<Pick<ForwardProbe, 'service' | 'facts'>>;
};

/** An example a rule must (or must not) match, checked by `boxaudit rules test`. */
export interface RuleExample {
  /** A partial forward; the tester fills the rest with harmless defaults. */
  forward?: ExampleForward;
  /** A partial snapshot for router-level rules. */
  snapshot?: Partial<Snapshot>;
  /** Profiles to evaluate this example under, e.g. `["health"]`. */
  profiles?: Profile[];
  note?: string;
}

/** One rule (schema/rule.schema.json): what it matches, its severity, its texts in English and French, its references. */
export interface Rule {
  /** `BOX-MED-001` style, stable forever; the file name in rules/. */
  id: string;
  title: LocalizedText;
  description: LocalizedText;
  severity: Severity;
  confidence: Confidence;
  category: Category;
  tags?: string[];
  match: RuleMatch;
  /** Templates: {protocol} {externalPort} {internalHost} {internalPort} {description} {dmzHost}. */
  message: LocalizedText;
  remediation: LocalizedText;
  references: Reference[];
  examples: { fail: RuleExample[]; pass: RuleExample[] };
  /**
   * Severity under a named profile (e.g. `{ "health": "critical" }`); takes precedence over the
   * profile's default raise for the rule's category.
   */
  profileSeverity?: Partial<Record<Profile, Severity>>;
}

/** Profiles change severities: `health` = the network holds patient data. */
export type Profile = 'health';

/** An accepted exception (a rule set's `waivers`): which findings, why, and until when. */
export interface Waiver {
  rule: string;
  /** Which findings it covers: any subset of these forward fields. */
  match?: { forwardId?: string; internalHost?: string; externalPort?: number; description?: string };
  reason: string;
  /** ISO date; past it the waiver no longer applies and the report says so. */
  expires: string;
}

/** A rule set's change to one rule: `off`, or a new severity. */
export type RuleOverride = 'off' | { severity?: Severity; off?: boolean };

/** A rule set / config file (schema/ruleset.schema.json). */
export interface RuleSetConfig {
  $schema?: string;
  /** Built-in sets: `recommended`, `health`; or paths to other config files. */
  extends?: string[];
  rules?: Record<string, RuleOverride>;
  /** Extra rules defined inline. */
  define?: Rule[];
  waivers?: Waiver[];
}

/** A resolved rule set, ready to evaluate. */
export interface RuleSet {
  rules: Rule[];
  waivers: Waiver[];
  /** Profiles in force, e.g. `health`. */
  profiles: string[];
  /** Per-rule severity overrides from the config (rule id → severity); applied at evaluation. */
  severityOverrides?: Record<string, Severity>;
}

/** `fail`: the rule matched; `inconclusive`: it could not decide because a field it needs was unknown. */
export type FindingStatus = 'fail' | 'inconclusive';

/** Why a finding's severity differs from its rule's, as evaluation returns it: a stable code, no text. */
export interface SeverityAdjustmentCode {
  reason: 'config-override' | 'profile' | 'source-restricted';
  from: Severity;
  to: Severity;
  /** The profile's name (`profile`) or the allowed source (`source-restricted`). */
  detail?: string;
}

/** A severity adjustment in a report: the stable code for programs, and a sentence for people. */
export interface SeverityAdjustment extends SeverityAdjustmentCode {
  text: LocalizedText;
}

/** What evaluation and reports share about a finding: which rule, how bad, where. */
interface FindingFacts {
  ruleId: string;
  status: FindingStatus;
  severity: Severity;
  confidence: FindingConfidence;
  category: Category;
  /** Index into the evaluated (report's) snapshots. */
  snapshotIndex: number;
  /** null for router-level findings. */
  forwardId: string | null;
  /** For inconclusive findings: the unknown fields. */
  unknown?: string[];
  /**
   * Set only when the audit was compared with a baseline report (`audit --baseline`,
   * `markBaseline`): `new` (not in the baseline) or `unchanged` (the same rule on the same exposure
   * was there). Only `new` findings count toward the exit code then.
   */
  baseline?: 'new' | 'unchanged';
  /** What the probes saw for this forward (present only when the audit probed or checked reachability). */
  evidence?: FindingEvidence;
}

/** A finding's evidence: the forward's probe outcome and whether the Internet reaches it. */
export interface FindingEvidence {
  probe?: ForwardProbe;
  reachable?: ForwardReachability;
}

/** A finding as `evaluate` returns it: data only, no text. */
export interface EvaluatedFinding extends FindingFacts {
  /** Index into the snapshot's `forwards` (unambiguous even if ids repeat); null for router-level findings. */
  forwardIndex: number | null;
  /** Why the severity differs from the rule's (source restriction, health profile, override), in order. */
  adjustments?: SeverityAdjustmentCode[];
}

/** An evaluated finding covered by a waiver in force. */
export interface EvaluatedWaivedFinding extends EvaluatedFinding {
  waiver: Waiver;
}

/** A finding of a report: its rule's text filled in for the forward (`describeFinding`). */
export interface Finding extends FindingFacts {
  /** Why the severity differs from the rule's (source restriction, health profile, override), in order. */
  adjustments?: SeverityAdjustment[];
  title: LocalizedText;
  message: LocalizedText;
  remediation: LocalizedText;
  references: Reference[];
}

/** A finding covered by a waiver in force: reported apart, never counted toward the exit code. */
export interface WaivedFinding extends Finding {
  waiver: Waiver;
}

/** A report's summary: counts per severity, inconclusive, waived, gaps, the fail-on threshold and the exit code. */
export interface Summary {
  failOn: Severity;
  /**
   * 1 when a failing finding is at or above failOn; else 2 when an area the adapter tried to read
   * failed (coverage status `error`: the audit is incomplete, not a pass); else 0.
   */
  exitCode: 0 | 1 | 2;
  counts: Record<Severity, number>;
  inconclusive: number;
  waived: number;
  expiredWaivers: Waiver[];
  forwardsChecked: number;
  /** Coverage gaps across all snapshots (count of coverage items not `complete`). */
  coverageGaps: number;
  /** Set only when compared with a baseline report: findings new, unchanged, and absent (fixed) since. */
  baseline?: { new: number; unchanged: number; absent: number };
  /**
   * Present when forwards were probed: failing forward findings split by evidence. `confirmed`: a
   * probe saw the service answer; `stale`: nothing answered (the forward is still to be removed);
   * `inferred`: the port number (or the label) alone.
   */
  exposures?: { confirmed: number; inferred: number; stale: number };
  /**
   * Present when the audit checked whether the Internet reaches the forwards (`vantage` or
   * `hairpin`): the same failing forward findings by `forward.reachable.fromInternet` — reachable,
   * notReachable, unknown — and how many of the reachable ones a probe confirmed.
   */
  reachability?: {
    method: 'vantage' | 'hairpin';
    reachable: number;
    reachableConfirmed: number;
    notReachable: number;
    unknown: number;
  };
}

/** What an exposure is, independent of ids: the forward's protocol, public port and device. */
export interface ExposureFacts {
  protocol: Protocol;
  /** `"8443"` or `"5900-5910"`; null when unknown. */
  externalPort: string | null;
  internalHost: string | null;
  internalPort: string | null;
}

/** A finding of the baseline report that this audit no longer shows (SARIF `baselineState: absent`). */
export interface AbsentFinding {
  ruleId: string;
  status: FindingStatus;
  severity: Severity;
  category: Category;
  /** The box's address in the baseline report. */
  box: string;
  /** null for findings about the box itself (DMZ, UPnP, remote administration). */
  exposure: ExposureFacts | null;
  title: LocalizedText;
  message: LocalizedText;
}

/** `audit --json` output (schema/report.schema.json). */
export interface AuditReport {
  schemaVersion: string;
  tool: { name: 'boxaudit'; version: string };
  snapshots: Snapshot[];
  findings: Finding[];
  waived: WaivedFinding[];
  summary: Summary;
  /** Set only when compared with a baseline report: its findings that are gone. */
  absent?: AbsentFinding[];
}
