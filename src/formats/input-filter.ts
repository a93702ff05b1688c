/**
 * The router's own input filter (nftables `hook input` chains, iptables `INPUT`), reduced to what decides
 * whether a new TCP connection from the Internet reaches a port of the router itself: interface, protocol,
 * destination port, source, connection state, verdict. Shared by the nft text and iptables-save readers.
 * A condition the readers do not understand makes the rule "maybe matching": a verdict that then depends
 * on it is unknown (null), never a guess.
 */
import type { PortRange, Protocol } from '../model/types.js';

export type Verdict =
  | { kind: 'accept' | 'drop' | 'return' }
  | { kind: 'jump' | 'goto'; chain: string }
  | { kind: 'unknown'; text: string };

/** One input-filter rule. Every field null = "no condition of that kind". */
export interface InputRule {
  where: string;
  /** Incoming interfaces; `negated` = every interface but these. */
  iif: { names: string[]; negated: boolean } | null;
  /** Transport protocols matched; [] = none of tcp/udp (icmp, igmp…). */
  protocols: Protocol[] | null;
  ports: { ranges: PortRange[]; negated: boolean } | null;
  /** Source restriction (an accept from these sources only). */
  sources: { items: string[]; negated: boolean } | null;
  /** Connection-tracking states matched (`new`, `established`…). */
  states: string[] | null;
  /** A condition that can never match a new IPv4 TCP connection (ip6 only, `ct status dnat`, icmp type…). */
  never: boolean;
  /** Conditions not understood (the rule may or may not match). */
  unknown: string[];
  verdict: Verdict | null;
}

export interface InputChain {
  name: string;
  /** Default verdict at the end of a base chain. */
  policy: 'accept' | 'drop';
  rules: InputRule[];
}

export interface InputFilter {
  /** Base chains on the input hook (every one must accept for a packet to reach the router). */
  base: InputChain[];
  /** Chains reachable by `jump`/`goto`, by name (within the same table). */
  chains: Map<string, InputRule[]>;
}

export function blankInputRule(where: string): InputRule {
  return {
    where,
    iif: null,
    protocols: null,
    ports: null,
    sources: null,
    states: null,
    never: false,
    unknown: [],
    verdict: null,
  };
}

/** Rules that might have matched (conditions not understood), by the verdict they would have given. */
interface Doubt {
  accept: string | null;
  drop: string | null;
}

type Outcome =
  | { kind: 'accept'; from: string | null }
  | { kind: 'drop' }
  | { kind: 'unknown'; why: string }
  | { kind: 'fallthrough'; doubt: Doubt; restricted: string | null };

interface Packet {
  /** The WAN interface the packet arrives on; null when the WAN is not known. */
  iif: string | null;
  port: number;
}

const MAX_JUMP_DEPTH = 16;
/** Rules visited for one packet: jumps that fan out at every level cannot make the walk explode. */
const MAX_STEPS = 200_000;

interface Budget {
  steps: number;
}
const ANY_SOURCE = /^(0\.0\.0\.0\/0|::\/0)$/;

function matches(rule: InputRule, p: Packet): 'yes' | 'no' | 'maybe' {
  if (rule.never) return 'no';
  if (rule.protocols !== null && !rule.protocols.includes('tcp')) return 'no';
  if (rule.ports !== null) {
    const inside = rule.ports.ranges.some((r) => p.port >= r.start && p.port <= r.end);
    if (inside === rule.ports.negated) return 'no';
  }
  if (rule.states !== null && !rule.states.includes('new')) return 'no';
  if (rule.iif !== null) {
    const names = rule.iif.names;
    if (p.iif === null) {
      // The WAN is not known: only the loopback is certainly not it.
      if (!rule.iif.negated && names.every((n) => n === 'lo')) return 'no';
      return 'maybe';
    }
    const hit = names.some((n) => n === p.iif || (n.endsWith('*') && p.iif!.startsWith(n.slice(0, -1))));
    if (hit === rule.iif.negated) return 'no';
  }
  return rule.unknown.length > 0 ? 'maybe' : 'yes';
}

/** Sources of a rule, or null when it applies to every source. */
function restriction(rule: InputRule): string | null {
  if (rule.sources === null || rule.sources.negated) return null;
  if (rule.sources.items.some((s) => ANY_SOURCE.test(s))) return null;
  return rule.sources.items.join(',');
}

/** A definite verdict, weighed against the rules before it that might have decided otherwise. */
function settle(o: Outcome, doubt: Doubt, restricted: string | null): Outcome {
  if (o.kind === 'accept' && o.from === null && doubt.drop) return { kind: 'unknown', why: doubt.drop };
  if (o.kind === 'drop') {
    if (restricted) return { kind: 'accept', from: restricted };
    if (doubt.accept) return { kind: 'unknown', why: doubt.accept };
  }
  return o;
}

function walk(filter: InputFilter, rules: InputRule[], p: Packet, depth: number, budget: Budget): Outcome {
  const doubt: Doubt = { accept: null, drop: null };
  if (depth > MAX_JUMP_DEPTH) return { kind: 'unknown', why: `jumps nested deeper than ${MAX_JUMP_DEPTH}` };
  let restricted: string | null = null;
  for (const rule of rules) {
    if (--budget.steps < 0)
      return { kind: 'unknown', why: `more than ${MAX_STEPS} rule visits (jumps fan out)` };
    if (rule.verdict === null) continue;
    let m = matches(rule, p);
    if (m === 'no') continue;
    // "drop everyone but X": X may still be let in by a later rule or the policy.
    const dropAllBut = rule.verdict.kind === 'drop' && rule.sources?.negated === true;
    if (dropAllBut) m = 'maybe';
    const from = restriction(rule);
    let outcome: Outcome | null = null;
    const v = rule.verdict;
    if (v.kind === 'accept') outcome = { kind: 'accept', from };
    else if (v.kind === 'drop') outcome = from === null ? { kind: 'drop' } : null;
    else if (v.kind === 'return')
      outcome =
        from === null ? { kind: 'fallthrough', doubt: { accept: null, drop: null }, restricted: null } : null;
    else if (v.kind === 'unknown') outcome = { kind: 'unknown', why: `${rule.where}: verdict "${v.text}"` };
    else if (v.kind === 'jump' || v.kind === 'goto') {
      const target = filter.chains.get(v.chain);
      if (!target) outcome = { kind: 'unknown', why: `${rule.where}: chain "${v.chain}" is not in the file` };
      else {
        const sub = walk(filter, target, p, depth + 1, budget);
        if (sub.kind === 'fallthrough') {
          doubt.accept ??= sub.doubt.accept;
          doubt.drop ??= sub.doubt.drop;
          restricted ??= sub.restricted;
          if (v.kind === 'goto')
            outcome = { kind: 'fallthrough', doubt: { accept: null, drop: null }, restricted: null };
        } else outcome = sub;
      }
    }
    if (outcome === null) continue;
    const why = dropAllBut
      ? `${rule.where} (drop for every source but ${rule.sources!.items.join(',')})`
      : `${rule.where} (${rule.unknown.join(' ') || 'interface'})`;
    if (m === 'maybe') {
      if (outcome.kind === 'accept') doubt.accept ??= why;
      else if (outcome.kind === 'drop') doubt.drop ??= why;
      else if (outcome.kind === 'unknown') {
        doubt.accept ??= outcome.why;
        doubt.drop ??= outcome.why;
      }
      continue;
    }
    if (outcome.kind === 'accept' && outcome.from !== null) {
      // Reachable from those sources; go on for the rest of the Internet.
      restricted ??= outcome.from;
      continue;
    }
    if (outcome.kind === 'fallthrough') return { kind: 'fallthrough', doubt, restricted };
    return settle(outcome, doubt, restricted);
  }
  return { kind: 'fallthrough', doubt, restricted };
}

function throughBase(filter: InputFilter, chain: InputChain, p: Packet): Outcome {
  const o = walk(filter, chain.rules, p, 0, { steps: MAX_STEPS });
  if (o.kind !== 'fallthrough') return o;
  const end: Outcome = chain.policy === 'accept' ? { kind: 'accept', from: null } : { kind: 'drop' };
  return settle(end, o.doubt, o.restricted);
}

/**
 * Whether a new TCP connection to `port` of the router, arriving on a WAN interface, is accepted.
 * @param wanIfaces the WAN interfaces; null when not known (then only rules that do not depend on the
 *   interface can decide).
 * @returns open true/false, or null (with the reason) when it depends on what was not understood.
 */
export function wanReaches(
  filter: InputFilter,
  wanIfaces: readonly string[] | null,
  port: number,
): { open: boolean | null; from: string | null; why: string | null } {
  const ifaces: Array<string | null> = wanIfaces && wanIfaces.length > 0 ? [...wanIfaces] : [null];
  let unknown: string | null = null;
  let openFrom: { from: string | null } | null = null;
  for (const iif of ifaces) {
    const p: Packet = { iif, port };
    let verdict: Outcome = { kind: 'accept', from: null };
    for (const chain of filter.base) {
      const o = throughBase(filter, chain, p);
      if (o.kind === 'drop') {
        verdict = o;
        break;
      }
      if (o.kind === 'unknown') verdict = o;
      else if (o.kind === 'accept' && verdict.kind === 'accept' && o.from !== null) verdict = o;
    }
    if (verdict.kind === 'accept') {
      if (openFrom === null || verdict.from === null) openFrom = { from: verdict.from };
    } else if (verdict.kind === 'unknown') unknown ??= verdict.why;
  }
  if (openFrom !== null) return { open: true, from: openFrom.from, why: null };
  if (unknown !== null) return { open: null, from: null, why: unknown };
  return { open: false, from: null, why: null };
}
