/**
 * Precompilation of a rule set for fast evaluation: parsed port ranges, compiled patterns,
 * effective severities, and per protocol a port → candidate-rules index, so that a forward is
 * only tested against the rules that could concern it.
 */
import { BoxauditError } from '../errors.js';
import type { ForwardSource, PortRange, Protocol } from '../model/types.js';
import { BUILTIN_RULES } from './builtin.generated.js';
import { HOST_KINDS, KIND_BIT } from './host-kind.js';
import { mergeRanges, parsePortSpec } from './ports.js';
import { checkPatternSafety } from './regex-safety.js';
import { lower, ruleSeverity } from './severity.js';
import type {
  PortSpec,
  ProbeFactCondition,
  Rule,
  RuleSet,
  Severity,
  SeverityAdjustmentCode,
  Waiver,
} from './types.js';

export interface CompiledForwardRule {
  rule: Rule;
  /** Position in the rule set, for the dedup stamp. */
  slot: number;
  tcp: boolean;
  udp: boolean;
  either: PortRange[] | null;
  internal: PortRange[] | null;
  external: PortRange[] | null;
  /** Has any port condition: such rules are skipped on very large ranges. */
  perPort: boolean;
  sources: ReadonlySet<ForwardSource> | null;
  pattern: RegExp | null;
  /** A forward without a description passes (instead of inconclusive). */
  unlabelledPasses: boolean;
  outsideLan: boolean | undefined;
  /** Bits of the accepted host kinds (host-kind.ts KIND_BIT); null = no such condition. */
  hostKinds: number | null;
  companion: { protocol: Protocol; present: boolean } | null;
  minRangeSize: number | undefined;
  permanent: boolean | undefined;
  remoteHostRestricted: boolean | undefined;
  /** The services the rule's ports stand for (probe names); null = the rule names none. */
  services: ReadonlySet<string> | null;
  /** Also match a forward whose probe found one of `services` answering, whatever its ports. */
  serviceAnyPort: boolean;
  /** Facts a confirming probe must show: key and accepted values. */
  probeFacts: Array<[string, Array<string | number | boolean>]> | null;
  severity: Severity;
  adjustments: SeverityAdjustmentCode[];
  /** Severity and reasons when the forward is limited to given sources. */
  restrictedSeverity: Severity;
}

export interface CompiledRouterRule {
  rule: Rule;
  dmzEnabled: boolean | undefined;
  upnpEnabled: boolean | undefined;
  remoteAdminOnWan: boolean | undefined;
  severity: Severity;
  adjustments: SeverityAdjustmentCode[];
  restrictedSeverity: Severity;
}

export interface CompiledRuleSet {
  forwardRules: CompiledForwardRule[];
  routerRules: CompiledRouterRule[];
  /** Per protocol: rules without any port condition (tested on every forward). */
  always: Record<Protocol, CompiledForwardRule[]>;
  /** Per protocol: every rule with a port condition (used when a port is unknown or a range is wide). */
  perPort: Record<Protocol, CompiledForwardRule[]>;
  /** Per protocol: port → rules whose port condition covers it. */
  byPort: Record<Protocol, Array<CompiledForwardRule[] | undefined>>;
  /** Per protocol: answering service → rules with `serviceAnyPort` naming it. */
  byService: Record<Protocol, Map<string, CompiledForwardRule[]>>;
  /**
   * Forwards spanning at least this many ports are reported by the large-range rule(s) only, not
   * by each per-port rule (avoids hundreds of duplicates); null when no such rule is active.
   */
  largeRangeThreshold: number | null;
  waiversByRule: Map<string, Waiver[]>;
  ruleCount: number;
}

const cache = new WeakMap<RuleSet, CompiledRuleSet>();

/** Compile (once per RuleSet object; treat a RuleSet as immutable once evaluated). */
export function compileRuleSet(ruleSet: RuleSet): CompiledRuleSet {
  const hit = cache.get(ruleSet);
  if (hit) return hit;
  const compiled = build(ruleSet);
  cache.set(ruleSet, compiled);
  return compiled;
}

function ranges(rule: Rule, key: string, specs: PortSpec[] | undefined): PortRange[] | null {
  if (specs === undefined) return null;
  const out: PortRange[] = [];
  specs.forEach((spec, i) => {
    const r = parsePortSpec(spec);
    if (r === null) {
      throw new BoxauditError(
        'BOXAUDIT_RULE_INVALID',
        `${rule.id}: /match/forward/${key}/${i} is not a valid port or range (got ${JSON.stringify(spec)})`,
      );
    }
    out.push(r);
  });
  return mergeRanges(out);
}

function hostKindMask(rule: Rule, kinds: string[] | undefined): number | null {
  if (kinds === undefined) return null;
  let mask = 0;
  kinds.forEach((kind, i) => {
    if (!(HOST_KINDS as readonly string[]).includes(kind)) {
      throw new BoxauditError(
        'BOXAUDIT_RULE_INVALID',
        `${rule.id}: /match/forward/internalHostKind/${i} must be one of ${HOST_KINDS.join(', ')} (got ${JSON.stringify(kind)})`,
      );
    }
    mask |= KIND_BIT[kind as keyof typeof KIND_BIT];
  });
  return mask;
}

function companionOf(
  rule: Rule,
  c: { protocol: Protocol; present: boolean } | undefined,
): { protocol: Protocol; present: boolean } | null {
  if (c === undefined) return null;
  if ((c.protocol !== 'tcp' && c.protocol !== 'udp') || typeof c.present !== 'boolean') {
    throw new BoxauditError(
      'BOXAUDIT_RULE_INVALID',
      `${rule.id}: /match/forward/companion must be { "protocol": "tcp" or "udp", "present": true or false }`,
    );
  }
  return { protocol: c.protocol, present: c.present };
}

function probeFactsOf(
  rule: Rule,
  facts: Record<string, ProbeFactCondition> | undefined,
): Array<[string, Array<string | number | boolean>]> | null {
  if (facts === undefined) return null;
  if (rule.match.forward?.services === undefined) {
    throw new BoxauditError('BOXAUDIT_RULE_INVALID', `${rule.id}: /match/forward/probeFacts needs services`);
  }
  return Object.entries(facts).map(([key, want]) => [key, Array.isArray(want) ? [...want] : [want]]);
}

/**
 * The built-in rules' description patterns, checked safe by the tests (test/rules): the static check
 * (several ms, cold) is for patterns from elsewhere. Compared by value, so an edited copy of a
 * built-in rule is checked again.
 */
let builtinPatterns: Set<string> | undefined;
function checkedBuiltinPattern(pattern: string): boolean {
  builtinPatterns ??= new Set(
    BUILTIN_RULES.flatMap((r) =>
      r.match.forward?.descriptionPattern === undefined ? [] : [r.match.forward.descriptionPattern],
    ),
  );
  return builtinPatterns.has(pattern);
}

function build(ruleSet: RuleSet): CompiledRuleSet {
  const forwardRules: CompiledForwardRule[] = [];
  const routerRules: CompiledRouterRule[] = [];
  for (const rule of ruleSet.rules) {
    const { severity, adjustments } = ruleSeverity(rule, ruleSet);
    const restrictedSeverity = lower(severity);
    const fm = rule.match.forward;
    if (fm) {
      let pattern: RegExp | null = null;
      if (fm.descriptionPattern !== undefined) {
        const problems = checkedBuiltinPattern(fm.descriptionPattern)
          ? []
          : checkPatternSafety(fm.descriptionPattern);
        if (problems.length > 0) {
          throw new BoxauditError(
            'BOXAUDIT_RULE_INVALID',
            `${rule.id}: /match/forward/descriptionPattern ${problems.join('; ')}`,
          );
        }
        pattern = new RegExp(fm.descriptionPattern, 'i');
      }
      const protocols = fm.protocols ?? ['tcp', 'udp'];
      const either = ranges(rule, 'ports', fm.ports);
      const internal = ranges(rule, 'internalPorts', fm.internalPorts);
      const external = ranges(rule, 'externalPorts', fm.externalPorts);
      forwardRules.push({
        rule,
        slot: forwardRules.length,
        tcp: protocols.includes('tcp'),
        udp: protocols.includes('udp'),
        either,
        internal,
        external,
        perPort: either !== null || internal !== null || external !== null,
        sources: fm.sources ? new Set(fm.sources) : null,
        pattern,
        unlabelledPasses: fm.withoutDescription === 'pass',
        outsideLan: fm.internalHostOutsideLan,
        hostKinds: hostKindMask(rule, fm.internalHostKind),
        companion: companionOf(rule, fm.companion),
        minRangeSize: fm.minRangeSize,
        permanent: fm.permanent,
        remoteHostRestricted: fm.remoteHostRestricted,
        services: fm.services ? new Set(fm.services) : null,
        serviceAnyPort: fm.serviceAnyPort === true && fm.services !== undefined,
        probeFacts: probeFactsOf(rule, fm.probeFacts),
        severity,
        adjustments,
        restrictedSeverity,
      });
    } else if (rule.match.router) {
      const rm = rule.match.router;
      routerRules.push({
        rule,
        dmzEnabled: rm.dmzEnabled,
        upnpEnabled: rm.upnpEnabled,
        remoteAdminOnWan: rm.remoteAdminOnWan,
        severity,
        adjustments,
        restrictedSeverity,
      });
    }
  }

  const always: Record<Protocol, CompiledForwardRule[]> = { tcp: [], udp: [] };
  const perPort: Record<Protocol, CompiledForwardRule[]> = { tcp: [], udp: [] };
  const byPort: Record<Protocol, Array<CompiledForwardRule[] | undefined>> = {
    tcp: new Array(65536),
    udp: new Array(65536),
  };
  const byService: Record<Protocol, Map<string, CompiledForwardRule[]>> = { tcp: new Map(), udp: new Map() };
  for (const c of forwardRules) {
    for (const proto of ['tcp', 'udp'] as const) {
      if (!(proto === 'tcp' ? c.tcp : c.udp)) continue;
      if (c.serviceAnyPort) {
        for (const service of c.services ?? []) {
          const list = byService[proto].get(service);
          if (list) list.push(c);
          else byService[proto].set(service, [c]);
        }
      }
      if (!c.perPort) {
        always[proto].push(c);
        continue;
      }
      perPort[proto].push(c);
      // Index on every port any of its conditions names (the evaluator re-checks exactly).
      const seen = new Set<number>();
      for (const list of [c.either, c.internal, c.external]) {
        for (const r of list ?? []) {
          for (let p = r.start; p <= r.end; p++) {
            if (seen.has(p)) continue;
            seen.add(p);
            const bucket = byPort[proto][p];
            if (bucket) bucket.push(c);
            else byPort[proto][p] = [c];
          }
        }
      }
    }
  }

  // The large-range threshold comes from active rules that report large ranges themselves.
  let largeRangeThreshold: number | null = null;
  for (const c of forwardRules) {
    if (c.minRangeSize !== undefined && !c.perPort) {
      largeRangeThreshold = Math.min(largeRangeThreshold ?? Number.POSITIVE_INFINITY, c.minRangeSize);
    }
  }

  const waiversByRule = new Map<string, Waiver[]>();
  for (const w of ruleSet.waivers) {
    const list = waiversByRule.get(w.rule);
    if (list) list.push(w);
    else waiversByRule.set(w.rule, [w]);
  }

  return {
    forwardRules,
    routerRules,
    always,
    perPort,
    byPort,
    byService,
    largeRangeThreshold,
    waiversByRule,
    ruleCount: forwardRules.length,
  };
}
