/**
 * Decode `iptables-save -t nat` DNAT rules into the same shape as the nft decoder.
 * Options not understood on a DNAT rule become a warning naming the line; the rule is kept.
 */
import { parsePortRange } from '../model/forward.js';
import type { PortRange, Protocol, Warning } from '../model/types.js';
import { splitWords } from './_config-parts.js';
import type { NftDnatRule } from './_nft.js';

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
      family: 'ip',
      table,
      chain: words[1] ?? '?',
      handle: index + 1,
      comment: null,
      protocols: null,
      ports: null,
      sources: null,
      sourceNegated: false,
      destinations: null,
      inInterface: null,
      toAddress: null,
      toPort: null,
      unknown: [],
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
      } else if (w === '--to-destination') {
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
