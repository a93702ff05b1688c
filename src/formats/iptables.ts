/**
 * Decode `iptables-save -t nat` DNAT rules into the same shape as the nft decoder.
 * Options not understood on a DNAT rule become a warning naming the line; the rule is kept.
 */
import { parsePortRange } from '../model/forward.js';
import type { PortRange, Protocol, Warning } from '../model/types.js';
import { splitWords } from './config-parts.js';
import { blankInputRule, type InputFilter, type InputRule } from './input-filter.js';
import { blankRule, type NftDnatRule } from './nft.js';

/** Options that take one value and do not change what is forwarded. */
const NEUTRAL_WITH_VALUE = new Set(['-m', '--match', '-o', '--out-interface']);

function ports(text: string): PortRange[] | null {
  const out: PortRange[] = [];
  for (const p of text.split(',')) {
    const r = parsePortRange(p);
    if (!r) return null;
    out.push(r);
  }
  return out;
}

/** `--to-destination`, or one of the abbreviations iptables accepts and iptables-save users keep (`--to`). */
function isToDestination(option: string): boolean {
  return option.length >= 4 && '--to-destination'.startsWith(option);
}

/** Parse the nat table's DNAT rules of an iptables-save dump. */
export function decodeIptablesDnat(text: string): { rules: NftDnatRule[]; warnings: Warning[] } {
  const rules: NftDnatRule[] = [];
  const warnings: Warning[] = [];
  let table = 'nat';
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const t = line.trim();
    if (t.startsWith('*')) table = t.slice(1);
    if (!t.startsWith('-A ')) return;
    const words = splitWords(t);
    const jump = words.indexOf('-j');
    if (jump === -1 || words[jump + 1] !== 'DNAT') return;
    const rule: NftDnatRule = {
      ...blankRule('ip', table, words[1] ?? '?', index + 1, null),
      where: `iptables-save line ${index + 1}`,
    };
    let negate = false;
    for (let i = 2; i < words.length; i++) {
      const w = words[i]!;
      const next = words[i + 1];
      if (w === '!') {
        negate = true;
        continue;
      }
      const neg = negate;
      negate = false;
      if (w === '-j') {
        i++;
      } else if (w === '-p' || w === '--protocol') {
        const p = (next ?? '').toLowerCase();
        if (neg || (p !== 'tcp' && p !== 'udp' && p !== '6' && p !== '17')) rule.unknown.push(`${w} ${next}`);
        else rule.protocols = [p === 'tcp' || p === '6' ? 'tcp' : 'udp'] as Protocol[];
        i++;
      } else if (w === '--dport' || w === '--destination-port' || w === '--dports') {
        const r = ports(next ?? '');
        if (neg || !r) rule.unknown.push(`${w} ${next}`);
        else rule.ports = r;
        i++;
      } else if (w === '-s' || w === '--source') {
        rule.sources = (next ?? '').split(',').map((s) => s.replace(/\/32$/, ''));
        rule.sourceNegated = neg;
        i++;
      } else if (w === '-d' || w === '--destination') {
        if (neg) rule.unknown.push(`! ${w} ${next}`);
        else rule.destinations = (next ?? '').split(',').map((s) => s.replace(/\/32$/, ''));
        i++;
      } else if (w === '-i' || w === '--in-interface') {
        if (!neg) rule.inInterface = next ?? null;
        i++;
      } else if (w === '--comment') {
        rule.comment = next ?? null;
        i++;
      } else if (isToDestination(w)) {
        const m = /^(\[[^\]]+\]|[^:]+)?(?::(\d+(?:-\d+)?))?$/.exec(next ?? '');
        if (!m) rule.unknown.push(`${w} ${next}`);
        else {
          rule.toAddress = m[1] ? m[1].replace(/^\[|\]$/g, '') : null;
          rule.toPort = m[2] ? parsePortRange(m[2]) : null;
        }
        i++;
      } else if (NEUTRAL_WITH_VALUE.has(w)) {
        i++;
      } else {
        rule.unknown.push(w);
      }
    }
    if (rule.unknown.length > 0) {
      warnings.push({
        code: 'IPTABLES_RULE_NOT_UNDERSTOOD',
        message: `DNAT rule kept, but parts of it were not understood: ${rule.unknown.join(' ')}`,
        where: `iptables-save line ${index + 1}`,
      });
    }
    rules.push(rule);
  });
  return { rules, warnings };
}

/** The tables of an iptables-save dump (`*nat`, `*filter`…). */
export function iptablesTables(text: string): Set<string> {
  return new Set([...text.matchAll(/^\*(\S+)/gm)].map((m) => m[1]!));
}

/** Outgoing interfaces (`-o`) of MASQUERADE/SNAT rules in the nat table: the WAN. */
export function iptablesNatOutIfaces(text: string): { ifaces: string[]; withoutIface: number } {
  const ifaces = new Set<string>();
  let withoutIface = 0;
  let table = 'nat';
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t.startsWith('*')) table = t.slice(1);
    if (table !== 'nat' || !t.startsWith('-A ')) continue;
    const words = splitWords(t);
    const target = words[words.indexOf('-j') + 1];
    if (target !== 'MASQUERADE' && target !== 'SNAT') continue;
    const o = words.findIndex((w) => w === '-o' || w === '--out-interface');
    if (o >= 0 && words[o - 1] !== '!' && words[o + 1]) ifaces.add(words[o + 1]!.replace(/\+$/, '*'));
    else withoutIface++;
  }
  return { ifaces: [...ifaces], withoutIface };
}

/** Options of an INPUT rule that change nothing about a new TCP connection to the router. */
const INPUT_NEUTRAL = new Set([
  '-m',
  '--match',
  '-o',
  '--out-interface',
  '--log-prefix',
  '--log-level',
  '--reject-with',
]);

/**
 * The filter table's INPUT chain (and the chains it jumps to) as an input filter; null when the dump
 * has no filter table.
 */
export function decodeIptablesInput(text: string): InputFilter | null {
  const policies = new Map<string, string>();
  const chains = new Map<string, InputRule[]>();
  let table = '';
  let seen = false;
  text.split(/\r?\n/).forEach((line, index) => {
    const t = line.trim();
    if (t.startsWith('*')) {
      table = t.slice(1);
      if (table === 'filter') seen = true;
      return;
    }
    if (table !== 'filter') return;
    const chainDecl = /^:(\S+)\s+(\S+)/.exec(t);
    if (chainDecl) {
      policies.set(chainDecl[1]!, chainDecl[2]!);
      if (!chains.has(chainDecl[1]!)) chains.set(chainDecl[1]!, []);
      return;
    }
    if (!t.startsWith('-A ')) return;
    const words = splitWords(t);
    const chain = words[1] ?? '?';
    const rule = blankInputRule(`iptables-save line ${index + 1}`);
    let negate = false;
    for (let i = 2; i < words.length; i++) {
      const w = words[i]!;
      const next = words[i + 1];
      if (w === '!') {
        negate = true;
        continue;
      }
      const neg = negate;
      negate = false;
      if (w === '-j' || w === '--jump' || w === '-g' || w === '--goto') {
        const target = next ?? '';
        i++;
        if (target === 'ACCEPT') rule.verdict = { kind: 'accept' };
        else if (target === 'DROP' || target === 'REJECT') rule.verdict = { kind: 'drop' };
        else if (target === 'RETURN') rule.verdict = { kind: 'return' };
        else if (target === 'LOG' || target === 'NFLOG') rule.verdict = null;
        else if (/^[A-Z]+$/.test(target) && !policies.has(target))
          rule.verdict = { kind: 'unknown', text: target };
        else rule.verdict = { kind: w === '-g' || w === '--goto' ? 'goto' : 'jump', chain: target };
      } else if (w === '-i' || w === '--in-interface') {
        rule.iif = { names: [(next ?? '').replace(/\+$/, '*')], negated: neg };
        i++;
      } else if (w === '-p' || w === '--protocol') {
        const p = (next ?? '').toLowerCase();
        const protos: Protocol[] =
          p === 'tcp' || p === '6'
            ? ['tcp']
            : p === 'udp' || p === '17'
              ? ['udp']
              : p === 'all'
                ? ['tcp', 'udp']
                : [];
        rule.protocols = neg ? (['tcp', 'udp'] as Protocol[]).filter((x) => !protos.includes(x)) : protos;
        i++;
      } else if (
        w === '--dport' ||
        w === '--destination-port' ||
        w === '--dports' ||
        w === '--destination-ports'
      ) {
        const r = ports(next ?? '');
        if (!r) rule.unknown.push(`${w} ${next}`);
        else rule.ports = { ranges: r, negated: neg };
        i++;
      } else if (w === '-s' || w === '--source' || w === '--src') {
        rule.sources = { items: (next ?? '').split(','), negated: neg };
        i++;
      } else if (w === '--state' || w === '--ctstate') {
        const states = (next ?? '').toLowerCase().split(',');
        rule.states = neg
          ? ['new', 'established', 'related', 'invalid'].filter((x) => !states.includes(x))
          : states;
        i++;
      } else if (w === '--icmp-type' || w === '--icmpv6-type') {
        rule.protocols = [];
        i++;
      } else if (w === '--comment') {
        i++;
      } else if (INPUT_NEUTRAL.has(w)) {
        i++;
      } else {
        rule.unknown.push(neg ? `! ${w}` : w);
      }
    }
    const list = chains.get(chain) ?? [];
    list.push(rule);
    chains.set(chain, list);
  });
  if (!seen) return null;
  const policy = policies.get('INPUT');
  return {
    base: [
      { name: 'INPUT', policy: policy === 'DROP' ? 'drop' : 'accept', rules: chains.get('INPUT') ?? [] },
    ],
    chains,
  };
}
