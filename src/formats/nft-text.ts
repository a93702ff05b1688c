/**
 * Read nftables TEXT: `/etc/nftables.conf` as written by hand (with `define`s, named sets and maps) or
 * the output of `nft list ruleset`. A small bounded tokenizer and a parser for the subset that decides
 * exposure: tables; chains with their `type … hook … ; policy …`; rules with iifname/iif, oifname,
 * ip saddr/daddr, tcp/udp/th dport (single, ranges, anonymous and named sets, `$variables`), meta l4proto,
 * ct state, `dnat [ip] [to] addr[:port]` and its maps (`dnat to tcp dport map { 80 : 10.0.0.2 }`,
 * `dnat ip addr . port to tcp dport map { 80 : 10.0.0.2 . 8080 }`, keys `ip daddr` and `ip daddr . tcp dport`),
 * `redirect`, `masquerade`/`snat` (with oifname: the WAN), verdicts, `jump`/`goto` and verdict maps.
 * Anything else becomes a warning naming the line: the forward stays listed, the coverage partial.
 */
import { parsePortRange } from '../model/forward.js';
import type { PortRange, Protocol, Warning } from '../model/types.js';
import { blankInputRule, type InputFilter, type InputRule, type Verdict } from './input-filter.js';
import type { NftDnatRule } from './nft.js';

/** Bounds on what a hostile file can make the reader do. */
const MAX_TOKENS = 2_000_000;
const MAX_WARNINGS = 200;
const MAX_EXPANDED = 65_536;
/** Warnings that mean part of the ruleset was not read (coverage partial). */
const PARTIAL_CODES = new Set([
  'NFT_STATEMENT_NOT_UNDERSTOOD',
  'NFT_TEXT_TOO_LARGE',
  'NFT_RULE_NOT_UNDERSTOOD',
]);
/** Words all `$variable` expansions of one file may produce together (defines of defines double up). */
const EXPANSION_BUDGET = 1_000_000;

interface Tok {
  t: string;
  line: number;
  quoted: boolean;
}

const NL = '\n';
/** Characters that end a word: white space, `{ } ; , " #`. */
const WORD_END = new Set([...' \t\r\n\f\v{};,"#'].map((c) => c.charCodeAt(0)));
const FAMILIES = new Set(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);

/** Split nft text into words, quoted strings, `{ } ; ,` and line ends; `#` comments and `\` continuations dropped. */
function tokenize(text: string, warnings: Warning[]): Tok[] {
  const out: Tok[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  const push = (t: string, quoted = false) => out.push({ t, line, quoted });
  while (i < n) {
    if (out.length > MAX_TOKENS) {
      warnings.push({
        code: 'NFT_TEXT_TOO_LARGE',
        message: `more than ${MAX_TOKENS} words; the rest of the file was not read`,
        where: `line ${line}`,
      });
      break;
    }
    const c = text[i]!;
    if (c === '\\' && text[i + 1] === '\n') {
      i += 2;
      line++;
      continue;
    }
    if (c === '\n') {
      push(NL);
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"' && text[j] !== '\n') j++;
      push(text.slice(i + 1, j), true);
      i = j + 1;
      continue;
    }
    if (c === '{' || c === '}' || c === ';' || c === ',') {
      push(c);
      i++;
      continue;
    }
    // A raw payload expression (`@nh,72,8`, as miniupnpd writes them) keeps its commas.
    const raw = c === '@' ? /^@[a-z]+,\d{1,5},\d{1,5}/.exec(text.slice(i, i + 24)) : null;
    if (raw) {
      push(raw[0]);
      i += raw[0].length;
      continue;
    }
    let j = i;
    while (j < n && !WORD_END.has(text.charCodeAt(j))) j++;
    const word = text.slice(i, j);
    // `0x1:` / `80:` in a map: the key and its colon (not an IPv6 address such as fe80::).
    if (/^[A-Za-z0-9_$@./-]+:$/.test(word) && word.length > 1) {
      push(word.slice(0, -1));
      push(':');
    } else push(word);
    i = j;
  }
  push(NL);
  return out;
}

/** A chain as read: its hook, policy and statements (each a token list). */
interface TextChain {
  family: string;
  table: string;
  name: string;
  type: string | null;
  hook: string | null;
  policy: 'accept' | 'drop' | null;
  rules: Tok[][];
}

interface Model {
  chains: TextChain[];
  /** Named sets and maps: `family/table/name` → elements (each a token list; maps as key ':' value). */
  sets: Map<string, Tok[][]>;
  /** `flush ruleset` seen: the file is the whole ruleset. */
  whole: boolean;
  /** `include` seen: part of the ruleset is in other files. */
  includes: string[];
}

class Parser {
  private i = 0;
  private readonly defines = new Map<string, Tok[]>();
  private budget = EXPANSION_BUDGET;
  readonly model: Model = { chains: [], sets: new Map(), whole: false, includes: [] };

  constructor(
    private readonly toks: Tok[],
    private readonly warnings: Warning[],
  ) {}

  /** Part of the ruleset was not read: set even when the warning itself is past the cap. */
  partial = false;

  warn(code: string, message: string, line: number): void {
    if (PARTIAL_CODES.has(code)) this.partial = true;
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push({ code, message, where: `line ${line}` });
  }

  private peek(k = 0): Tok | undefined {
    return this.toks[this.i + k];
  }

  /** The tokens of one statement (to the line end or `;` outside braces); the cursor moves past it. */
  private statement(): Tok[] {
    const out: Tok[] = [];
    let depth = 0;
    while (this.i < this.toks.length) {
      const tok = this.toks[this.i]!;
      if (depth === 0 && (tok.t === NL || tok.t === ';') && !tok.quoted) {
        this.i++;
        break;
      }
      if (depth === 0 && tok.t === '}' && !tok.quoted) break; // the enclosing block ends
      if (!tok.quoted && tok.t === '{') depth++;
      if (!tok.quoted && tok.t === '}') depth--;
      out.push(tok);
      this.i++;
    }
    return out;
  }

  private skipSeparators(): void {
    while (this.i < this.toks.length) {
      const t = this.toks[this.i]!;
      if (t.quoted || (t.t !== NL && t.t !== ';')) break;
      this.i++;
    }
  }

  /** The next token of a block's body, past separators; undefined at the block's `}` (consumed) or the end. */
  private nextInBlock(): Tok | undefined {
    this.skipSeparators();
    const tok = this.peek();
    if (tok?.t === '}' && !tok.quoted) {
      this.i++;
      return undefined;
    }
    return tok;
  }

  /** Expand `$name` (values were expanded when defined); a name never defined is kept and warned. */
  substitute(tokens: Tok[]): Tok[] {
    const out: Tok[] = [];
    for (const tok of tokens) {
      if (!tok.quoted && tok.t.startsWith('$')) {
        const value = this.defines.get(tok.t.slice(1));
        if (value === undefined) {
          this.warn('NFT_VARIABLE_UNDEFINED', `variable ${tok.t} is not defined in the file`, tok.line);
          out.push(tok);
        } else if (this.budget < value.length) {
          if (this.budget >= 0)
            this.warn(
              'NFT_TEXT_TOO_LARGE',
              `variables expand to more than ${EXPANSION_BUDGET} words; ${tok.t} and later ones were not expanded`,
              tok.line,
            );
          this.budget = -1;
          out.push(tok);
        } else {
          // A define's value was expanded when it was defined: copy it, with the line of its use.
          this.budget -= value.length;
          for (const v of value) out.push({ t: v.t, line: tok.line, quoted: v.quoted });
        }
      } else out.push(tok);
      if (out.length > MAX_EXPANDED) {
        this.warn(
          'NFT_TEXT_TOO_LARGE',
          `a statement longer than ${MAX_EXPANDED} words; the rest of it was not read`,
          tok.line,
        );
        break;
      }
    }
    return out;
  }

  private define(stmt: Tok[]): void {
    // define NAME = VALUE
    const name = stmt[1]?.t;
    const eq = stmt[2]?.t === '=' ? 3 : 2;
    if (!name) return;
    this.defines.set(name, this.substitute(stmt.slice(eq)));
  }

  parse(): Model {
    while (this.i < this.toks.length) {
      this.skipSeparators();
      const tok = this.peek();
      if (!tok) break;
      const word = tok.t;
      if (word === 'table') this.table(this.statementHead());
      else if ((word === '}' || word === '{') && !tok.quoted) {
        // A brace with nothing to close or open at the top level: skip it (every pass moves on).
        this.warn('NFT_STATEMENT_NOT_UNDERSTOOD', `stray "${word}" was skipped`, tok.line);
        this.i++;
      } else {
        const stmt = this.statement();
        this.topStatement(stmt);
      }
    }
    return this.model;
  }

  /** Tokens up to an opening `{` (consumed), for `table …` and `chain …`. */
  private statementHead(): Tok[] {
    const head: Tok[] = [];
    while (this.i < this.toks.length) {
      const tok = this.toks[this.i++]!;
      if (tok.t === '{' && !tok.quoted) return head;
      if ((tok.t === NL || tok.t === ';') && !tok.quoted) return head; // `add table ip nat` has no block
      head.push(tok);
    }
    return head;
  }

  private topStatement(stmt: Tok[]): void {
    const first = stmt[0];
    if (!first) return;
    const w = first.t;
    if (w === 'flush' && stmt[1]?.t === 'ruleset') this.model.whole = true;
    else if (w === 'define' || w === 'redefine') this.define(stmt);
    else if (w === 'include') this.include(stmt);
    else if (w === 'flush' || w === 'delete' || w === 'destroy' || w === 'undefine') return;
    else if ((w === 'add' || w === 'insert' || w === 'create') && stmt[1]?.t === 'rule') this.addRule(stmt);
    else if ((w === 'add' || w === 'create') && (stmt[1]?.t === 'table' || stmt[1]?.t === 'chain'))
      this.addObject(stmt);
    else if (w === '}') this.i++;
    else
      this.warn(
        'NFT_STATEMENT_NOT_UNDERSTOOD',
        `"${stmt
          .map((t) => t.t)
          .join(' ')
          .slice(0, 80)}" was not read`,
        first.line,
      );
  }

  private include(stmt: Tok[]): void {
    const file = stmt[1]?.t ?? '?';
    this.model.includes.push(file);
    this.warn(
      'NFT_INCLUDE_NOT_READ',
      `include "${file}" was not read: what it holds is not audited`,
      stmt[0]!.line,
    );
  }

  private familyAndName(words: Tok[]): { family: string; name: string } {
    if (words.length >= 2 && FAMILIES.has(words[0]!.t)) return { family: words[0]!.t, name: words[1]!.t };
    return { family: 'ip', name: words[0]?.t ?? '?' };
  }

  private table(head: Tok[]): void {
    const { family, name } = this.familyAndName(head.slice(1));
    while (this.i < this.toks.length) {
      const tok = this.nextInBlock();
      if (!tok) return;
      const w = tok.t;
      if (w === 'chain') {
        const chainHead = this.statementHead();
        this.chain(family, name, chainHead[1]?.t ?? '?', true);
      } else if (w === 'set' || w === 'map') {
        const setHead = this.statementHead();
        this.setBody(`${family}/${name}/${setHead[1]?.t ?? '?'}`);
      } else {
        const stmt = this.statement();
        const first = stmt[0];
        if (!first) continue;
        if (first.t === 'define' || first.t === 'redefine') this.define(stmt);
        else if (first.t === 'include') this.include(stmt);
        else if (first.t === 'flags' || first.t === 'comment') continue;
        else if (stmt.some((t) => t.t === '{'))
          continue; // flowtable, counter, ct helper…: no exposure
        else
          this.warn('NFT_STATEMENT_NOT_UNDERSTOOD', `"${first.t}" in table ${name} was not read`, first.line);
      }
    }
  }

  private chain(family: string, table: string, name: string, block: boolean): TextChain {
    let chain = this.model.chains.find((c) => c.family === family && c.table === table && c.name === name);
    if (!chain) {
      chain = { family, table, name, type: null, hook: null, policy: null, rules: [] };
      this.model.chains.push(chain);
    }
    if (!block) return chain;
    while (this.i < this.toks.length) {
      if (!this.nextInBlock()) break;
      this.chainStatement(chain, this.statement());
    }
    return chain;
  }

  private chainStatement(chain: TextChain, stmt: Tok[]): void {
    const first = stmt[0];
    if (!first) return;
    if (first.t === 'type') {
      chain.type = stmt[1]?.t ?? null;
      const h = stmt.findIndex((t) => t.t === 'hook');
      chain.hook = h >= 0 ? (stmt[h + 1]?.t ?? null) : null;
      const p = stmt.findIndex((t) => t.t === 'policy');
      if (p >= 0) chain.policy = stmt[p + 1]?.t === 'drop' ? 'drop' : 'accept';
      return;
    }
    if (first.t === 'policy') {
      chain.policy = stmt[1]?.t === 'drop' ? 'drop' : 'accept';
      return;
    }
    if (first.t === 'comment' || first.t === 'devices' || first.t === 'device') return;
    chain.rules.push(this.substitute(stmt));
  }

  private setBody(key: string): void {
    const elements: Tok[][] = [];
    while (this.i < this.toks.length) {
      if (!this.nextInBlock()) break;
      const stmt = this.substitute(this.statement());
      if (stmt[0]?.t === 'elements') {
        const open = stmt.findIndex((t) => t.t === '{');
        for (const e of splitItems(stmt.slice(open + 1, stmt.length - 1), (line) =>
          this.warn(
            'NFT_TEXT_TOO_LARGE',
            `a set of more than ${MAX_EXPANDED} elements; the rest was not read`,
            line,
          ),
        ))
          elements.push(e);
      }
    }
    this.model.sets.set(key, elements);
  }

  /** `add rule [family] table chain <rule>` (the nft command form some scripts keep in the file). */
  private addRule(stmt: Tok[]): void {
    const { chain, words } = this.namedChain(stmt.slice(2));
    chain.rules.push(this.substitute(stmt.slice(2 + words)));
  }

  /** The chain that `[family] table chain` names (in an `add …` command), and how many words that took. */
  private namedChain(rest: Tok[]): { chain: TextChain; words: number } {
    const hasFamily = FAMILIES.has(rest[0]?.t ?? '');
    const family = hasFamily ? rest[0]!.t : 'ip';
    const table = rest[hasFamily ? 1 : 0]?.t ?? '?';
    const name = rest[hasFamily ? 2 : 1]?.t ?? '?';
    return { chain: this.chain(family, table, name, false), words: hasFamily ? 3 : 2 };
  }

  /** `add chain [family] table chain { type … }` (and `add table`, which needs nothing). */
  private addObject(stmt: Tok[]): void {
    if (stmt[1]?.t !== 'chain') return;
    const { chain } = this.namedChain(stmt.slice(2));
    const open = stmt.findIndex((t) => t.t === '{');
    if (open >= 0) {
      const body = stmt.slice(open + 1, stmt.length - 1);
      let part: Tok[] = [];
      for (const t of [...body, { t: ';', line: 0, quoted: false }]) {
        if (t.t === ';' && !t.quoted) {
          this.chainStatement(chain, part);
          part = [];
        } else part.push(t);
      }
    }
  }
}

/** Split the inside of `{ … }` at top-level commas and line ends; nested braces are flattened. */
function splitItems(tokens: Tok[], truncated: (line: number) => void): Tok[][] {
  const out: Tok[][] = [];
  let cur: Tok[] = [];
  for (const t of tokens) {
    if (!t.quoted && (t.t === ',' || t.t === NL || t.t === '{' || t.t === '}' || t.t === ';')) {
      if (cur.length > 0) out.push(cur);
      cur = [];
      if (out.length > MAX_EXPANDED) {
        truncated(t.line);
        return out;
      }
    } else cur.push(t);
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Rules

/** Words that start a new expression or statement inside a rule. */
const STARTERS = new Set([
  'iifname',
  'iif',
  'oifname',
  'oif',
  'iifgroup',
  'meta',
  'ip',
  'ip6',
  'tcp',
  'udp',
  'th',
  'sctp',
  'udplite',
  'ct',
  'icmp',
  'icmpv6',
  'fib',
  'ether',
  'counter',
  'log',
  'limit',
  'comment',
  'accept',
  'drop',
  'reject',
  'return',
  'continue',
  'jump',
  'goto',
  'queue',
  'dnat',
  'snat',
  'masquerade',
  'redirect',
  'notrack',
  'mark',
  'add',
  'update',
  'quota',
  'flow',
]);

/** Raw payload matches miniupnpd writes, by their meaning (IPv4 header offsets, transport port). */
const RAW_PAYLOAD: Record<string, string> = {
  '@nh,72,8': 'ip protocol',
  '@nh,96,32': 'ip saddr',
  '@nh,128,32': 'ip daddr',
  '@th,16,16': 'th dport',
};

/** `0xa4d000c` → `10.77.0.12`; other values unchanged. */
function rawValue(sel: string, value: string): string {
  const hex = /^0x([0-9a-f]{1,8})$/i.exec(value);
  if (!hex) return value;
  const v = Number.parseInt(hex[1]!, 16);
  if (sel === 'ip saddr' || sel === 'ip daddr')
    return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  return String(v);
}

/** A rule as read: its conditions, NAT statement and verdict. */
export interface TextRule {
  family: string;
  table: string;
  chain: string;
  line: number;
  iif: { names: string[]; negated: boolean } | null;
  oif: { names: string[]; negated: boolean } | null;
  protocols: Protocol[] | null;
  ports: { ranges: PortRange[]; negated: boolean } | null;
  saddr: { items: string[]; negated: boolean } | null;
  daddr: { items: string[]; negated: boolean } | null;
  states: string[] | null;
  ip6Only: boolean;
  never: boolean;
  vmap: { selectors: string[]; entries: Array<{ key: string[]; verdict: Verdict }> } | null;
  nat: NatStatement | null;
  verdict: Verdict | null;
  comment: string | null;
  unknown: string[];
}

type NatStatement =
  | { kind: 'masquerade' | 'snat' }
  | { kind: 'redirect'; text: string }
  | { kind: 'dnat'; address: string | null; port: PortRange | null }
  | {
      kind: 'dnat-map';
      /** What the map is keyed on: `tcp dport`, `ip daddr`, `ip daddr . tcp dport`… */
      key: string[];
      /** Key → value pairs (each a token list). */
      entries: Array<{ key: Tok[]; value: Tok[] }> | null;
      mapName: string | null;
      /** The value is `address . port` (dnat ip addr . port to …). */
      addrPort: boolean;
    }
  | { kind: 'unknown'; text: string };

function words(toks: Tok[]): string {
  return toks.map((t) => (t.quoted ? `"${t.t}"` : t.t)).join(' ');
}

class RuleReader {
  private i = 0;
  readonly rule: TextRule;

  constructor(
    private readonly toks: Tok[],
    chain: TextChain,
    private readonly sets: Map<string, Tok[][]>,
  ) {
    this.rule = {
      family: chain.family,
      table: chain.table,
      chain: chain.name,
      line: toks[0]?.line ?? 0,
      iif: null,
      oif: null,
      protocols: null,
      ports: null,
      saddr: null,
      daddr: null,
      states: null,
      ip6Only: chain.family === 'ip6',
      never: false,
      vmap: null,
      nat: null,
      verdict: null,
      comment: null,
      unknown: [],
    };
  }

  private peek(k = 0): string | undefined {
    return this.toks[this.i + k]?.t;
  }

  private next(): Tok | undefined {
    return this.toks[this.i++];
  }

  /** A value: `{ … }` (items), `@set` (its elements), or words joined by `,` (`established,related`). */
  private value(): Tok[][] {
    const tok = this.next();
    if (!tok) return [];
    if (tok.t === '{' && !tok.quoted) {
      const inner: Tok[] = [];
      let depth = 1;
      while (this.i < this.toks.length) {
        const t = this.next()!;
        if (!t.quoted && t.t === '{') depth++;
        if (!t.quoted && t.t === '}') depth--;
        if (depth === 0) break;
        inner.push(t);
      }
      return splitItems(inner, () => this.rule.unknown.push(`a list of more than ${MAX_EXPANDED} items`));
    }
    if (!tok.quoted && tok.t.startsWith('@')) {
      const found = this.namedSet(tok.t.slice(1));
      if (found) return found;
      this.rule.unknown.push(`${tok.t} (a set not in the file)`);
      return [];
    }
    const items: Tok[][] = [[tok]];
    while (this.peek() === ',' && this.toks[this.i + 1] && !STARTERS.has(this.toks[this.i + 1]!.t)) {
      this.i++;
      items.push([this.next()!]);
    }
    // a concatenated value: `tcp . 22`
    while (this.peek() === '.' && this.toks[this.i + 1]) {
      const last = items[items.length - 1]!;
      last.push(this.next()!, this.next()!);
    }
    return items;
  }

  private namedSet(name: string): Tok[][] | null {
    return this.sets.get(`${this.rule.family}/${this.rule.table}/${name}`) ?? null;
  }

  /** Selector words: `tcp dport`, `ip saddr`, `meta l4proto`, `iifname`… joined by ` . `. */
  private selectors(): string[] | null {
    const out: string[] = [];
    for (;;) {
      const w = this.peek();
      if (w === undefined) return out.length > 0 ? out : null;
      let sel: string | null = null;
      if (['iifname', 'iif', 'oifname', 'oif', 'iifgroup', 'oifgroup'].includes(w)) sel = w;
      else if (RAW_PAYLOAD[w] !== undefined) sel = w;
      else if (w === 'meta' && this.peek(1) !== undefined) sel = `meta ${this.peek(1)}`;
      else if (
        ['ip', 'ip6', 'tcp', 'udp', 'th', 'sctp', 'udplite', 'ct', 'icmp', 'icmpv6', 'ether'].includes(w)
      ) {
        const f = this.peek(1);
        if (f !== undefined && !STARTERS.has(f)) sel = `${w} ${f}`;
      }
      if (sel === null) return out.length > 0 ? out : null;
      this.i += sel.split(' ').length;
      out.push(sel === 'meta iifname' ? 'iifname' : sel === 'meta oifname' ? 'oifname' : sel);
      if (this.peek() === '.') this.i++;
      else return out;
    }
  }

  read(): TextRule {
    const r = this.rule;
    while (this.i < this.toks.length) {
      const start = this.i;
      const w = this.peek()!;
      if (this.verdictOrStatement(w)) continue;
      const sels = this.selectors();
      if (sels === null) {
        r.unknown.push(this.toks[this.i]!.t);
        this.i++;
        continue;
      }
      if (sels[0] === 'tcp flags' || sels[0] === 'tcp option') {
        // `tcp flags & (fin | syn | rst | ack) == syn`: about the SYN that opens a connection; tcp only.
        while (this.i < this.toks.length && !STARTERS.has(this.peek()!)) this.i++;
        r.protocols = intersect(r.protocols, ['tcp']);
        continue;
      }
      let negated = false;
      const op = this.peek();
      if (op === '!=' || op === 'ne') {
        negated = true;
        this.i++;
      } else if (op === '==' || op === 'eq') this.i++;
      if (this.peek() === 'vmap') {
        this.i++;
        this.readVmap(sels);
        continue;
      }
      if (this.peek() === 'set') {
        // `meta mark set 1`, `ct mark set …`: a statement, not a match.
        this.i++;
        this.value();
        continue;
      }
      const items = this.value();
      if (!this.apply(sels, items, negated)) r.unknown.push(words(this.toks.slice(start, this.i)));
    }
    return r;
  }

  private verdictOrStatement(w: string): boolean {
    const r = this.rule;
    switch (w) {
      case 'accept':
      case 'drop':
      case 'return':
        this.i++;
        r.verdict = { kind: w };
        return true;
      case 'continue':
        this.i++;
        return true;
      case 'reject':
        this.i++;
        // `reject with tcp reset`, `reject with icmp type port-unreachable`, `reject with icmpx admin-prohibited`
        if (this.peek() === 'with') {
          this.i += 2;
          if (this.peek() === 'type') this.i++;
          this.i++;
        }
        r.verdict = { kind: 'drop' };
        return true;
      case 'jump':
      case 'goto':
        this.i++;
        r.verdict = { kind: w, chain: this.next()?.t ?? '?' };
        return true;
      case 'queue':
        this.skipUntilStarter(1);
        r.verdict = { kind: 'unknown', text: 'queue' };
        return true;
      case 'counter':
        this.i++;
        if (this.peek() === 'packets' || this.peek() === 'name') this.skipUntilStarter(0);
        return true;
      case 'log':
      case 'limit':
      case 'quota':
      case 'notrack':
        this.skipUntilStarter(1);
        return true;
      case 'comment':
        this.i++;
        r.comment = this.next()?.t ?? null;
        return true;
      case 'add':
      case 'update':
        // `add @meter { ip saddr limit rate 3/minute }`: dynamic set bookkeeping.
        this.i++;
        if (this.peek()?.startsWith('@')) this.i++;
        if (this.peek() === '{') this.value();
        return true;
      case 'masquerade':
      case 'snat':
        this.skipUntilStarter(1);
        r.nat = { kind: w };
        return true;
      case 'redirect': {
        const start = this.i;
        this.skipUntilStarter(1);
        r.nat = { kind: 'redirect', text: words(this.toks.slice(start, this.i)) };
        return true;
      }
      case 'dnat':
        this.readDnat();
        return true;
      case 'fib': {
        const start = this.i;
        this.skipUntilStarter(1);
        r.unknown.push(words(this.toks.slice(start, this.i)));
        return true;
      }
      default:
        return false;
    }
  }

  private skipUntilStarter(first: number): void {
    this.i += first;
    while (this.i < this.toks.length && !STARTERS.has(this.peek()!)) this.i++;
  }

  private readDnat(): void {
    const r = this.rule;
    const start = this.i;
    this.i++; // dnat
    if (this.peek() === 'ip' || this.peek() === 'ip6') this.i++;
    let addrPort = false;
    if (this.peek() === 'addr' && this.peek(1) === '.' && this.peek(2) === 'port') {
      this.i += 3;
      addrPort = true;
    }
    if (this.peek() === 'to') this.i++;
    // `dnat to tcp dport map { … }` / `dnat to ip daddr map @m`
    const save = this.i;
    const key = this.selectors();
    if (key !== null && this.peek() === 'map') {
      this.i++;
      const mapTok = this.peek();
      let entries: Array<{ key: Tok[]; value: Tok[] }> | null = null;
      let mapName: string | null = null;
      if (mapTok?.startsWith('@')) {
        mapName = mapTok.slice(1);
        this.i++;
        const els = this.namedSet(mapName);
        if (els) entries = this.pairs(els);
      } else {
        entries = this.pairs(this.value());
      }
      r.nat = { kind: 'dnat-map', key, entries, mapName, addrPort };
      if (this.peek() !== undefined && !STARTERS.has(this.peek()!)) {
        this.skipUntilStarter(0);
        r.nat = { kind: 'unknown', text: words(this.toks.slice(start, this.i)) };
      }
      return;
    }
    this.i = save;
    const target = this.next();
    const parsed = target ? parseTarget(target.t) : null;
    if (!parsed) {
      this.skipUntilStarter(0);
      r.nat = { kind: 'unknown', text: words(this.toks.slice(start, this.i)) };
      return;
    }
    // `persistent`, `random`: options with no effect on what is forwarded
    while (['persistent', 'random', 'fully-random'].includes(this.peek() ?? '')) this.i++;
    r.nat = { kind: 'dnat', address: parsed.address, port: parsed.port };
  }

  /** Map items as key/value pairs; an item without a readable colon makes the rule not understood. */
  private pairs(items: Tok[][]): Array<{ key: Tok[]; value: Tok[] }> {
    const out: Array<{ key: Tok[]; value: Tok[] }> = [];
    for (const item of items) {
      const pair = splitPair(item);
      if (pair) out.push(pair);
      else this.rule.unknown.push(`map entry "${words(item)}" (no key : value)`);
    }
    return out;
  }

  private readVmap(selectors: string[]): void {
    const entries: Array<{ key: string[]; verdict: Verdict }> = [];
    for (const pair of this.pairs(this.value())) {
      const v = pair.value.map((t) => t.t);
      const verdict: Verdict =
        v[0] === 'accept' || v[0] === 'drop' || v[0] === 'return'
          ? { kind: v[0] }
          : v[0] === 'reject'
            ? { kind: 'drop' }
            : (v[0] === 'jump' || v[0] === 'goto') && v[1]
              ? { kind: v[0], chain: v[1] }
              : { kind: 'unknown', text: v.join(' ') };
      entries.push({ key: pair.key.filter((t) => t.t !== '.').map((t) => t.t), verdict });
    }
    this.rule.vmap = { selectors, entries };
  }

  /** Apply a match; false when not understood. */
  private apply(sels: string[], items: Tok[][], negated: boolean): boolean {
    const r = this.rule;
    if (sels.length !== 1) return false;
    const rawSel = RAW_PAYLOAD[sels[0]!];
    const sel = rawSel ?? sels[0]!;
    const flat = items
      .map((it) => it.map((t) => t.t).join(' '))
      .map((v) => (rawSel ? rawValue(rawSel, v) : v));
    switch (sel) {
      case 'iifname':
      case 'iif':
        r.iif = { names: flat, negated };
        return true;
      case 'oifname':
      case 'oif':
        r.oif = { names: flat, negated };
        return true;
      case 'meta l4proto':
      case 'ip protocol':
      case 'ip6 nexthdr': {
        if (sel === 'ip6 nexthdr') r.ip6Only = true;
        const protos = protocolsIn(flat);
        if (negated) {
          // `!= tcp`: no tcp; otherwise not narrowed.
          if (protos.includes('tcp')) r.protocols = intersect(r.protocols, ['udp']);
          return true;
        }
        r.protocols = intersect(r.protocols, protos);
        return true;
      }
      case 'meta nfproto':
        if (flat.includes('ipv6') && !flat.includes('ipv4') && !negated) r.ip6Only = true;
        return true;
      case 'tcp dport':
      case 'udp dport':
      case 'th dport':
      case 'sctp dport': {
        const proto = sel.split(' ')[0]!;
        if (proto === 'tcp' || proto === 'udp') r.protocols = intersect(r.protocols, [proto]);
        if (proto === 'sctp') r.protocols = [];
        const ranges = portRanges(flat);
        if (ranges === null) return false;
        r.ports = { ranges, negated };
        return true;
      }
      case 'tcp sport':
      case 'udp sport':
      case 'th sport': {
        const proto = sel.split(' ')[0]!;
        if (proto === 'tcp' || proto === 'udp') r.protocols = intersect(r.protocols, [proto]);
        return false; // a source-port condition: not modelled
      }
      case 'ip saddr':
      case 'ip6 saddr':
        if (sel === 'ip6 saddr') r.ip6Only = true;
        r.saddr = { items: flat, negated };
        return true;
      case 'ip daddr':
      case 'ip6 daddr':
        if (sel === 'ip6 daddr') r.ip6Only = true;
        r.daddr = { items: flat, negated };
        return true;
      case 'ct state':
        if (negated) {
          r.states = ['new', 'established', 'related', 'invalid', 'untracked'].filter(
            (s) => !flat.includes(s),
          );
        } else r.states = flat;
        return true;
      case 'ct status':
        if (!negated && flat.every((s) => s === 'dnat' || s === 'snat')) r.never = true;
        return !negated;
      case 'icmp type':
      case 'icmp code':
        r.protocols = [];
        return true;
      case 'icmpv6 type':
      case 'icmpv6 code':
        r.protocols = [];
        r.ip6Only = true;
        return true;
      default:
        return false;
    }
  }
}

/** `key : value` in a map item; null without a colon. */
function splitPair(item: Tok[]): { key: Tok[]; value: Tok[] } | null {
  const colon = item.findIndex((t) => t.t === ':' && !t.quoted);
  if (colon < 0) {
    // `80:10.0.0.2` (no spaces): a port key glued to its value; not `fe80::1` (the value never starts with `:`).
    const first = item[0];
    const glued = first && !first.quoted ? /^(\d{1,5}(?:-\d{1,5})?):([^:].*)$/.exec(first.t) : null;
    if (!glued) return null;
    return {
      key: [{ ...first!, t: glued[1]! }],
      value: [{ ...first!, t: glued[2]! }, ...item.slice(1)],
    };
  }
  return { key: item.slice(0, colon), value: item.slice(colon + 1) };
}

function intersect(current: Protocol[] | null, next: Protocol[]): Protocol[] {
  if (current === null) return [...next];
  return current.filter((p) => next.includes(p));
}

const SERVICE_PORTS: Record<string, number> = {
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  http: 80,
  https: 443,
  submission: 587,
  imaps: 993,
  'microsoft-ds': 445,
  'ms-wbt-server': 3389,
};

function portRanges(items: string[]): PortRange[] | null {
  // An empty list (`{}`, a set not in the file) says nothing about the port: not understood.
  if (items.length === 0) return null;
  const out: PortRange[] = [];
  for (const item of items) {
    const named = SERVICE_PORTS[item];
    const r = named !== undefined ? { start: named, end: named } : parsePortRange(item);
    if (!r) return null;
    out.push(r);
  }
  return out;
}

function protocolsIn(items: string[]): Protocol[] {
  const out: Protocol[] = [];
  if (items.some((p) => p === 'tcp' || p === '6' || p === '0x6' || p === '0x06')) out.push('tcp');
  if (items.some((p) => p === 'udp' || p === '17' || p === '0x11')) out.push('udp');
  return out;
}

/** `10.0.0.2`, `10.0.0.2:8080`, `10.0.0.2:8000-8010`, `[2001:db8::1]:80`, `:8080` → address and port. */
function parseTarget(text: string): { address: string | null; port: PortRange | null } | null {
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d+(?:-\d+)?))?$/.exec(text);
  if (v6) {
    const port = v6[2] ? parsePortRange(v6[2]) : null;
    return v6[2] && !port ? null : { address: v6[1]!, port };
  }
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}(?:-\d{1,3}(?:\.\d{1,3}){3})?)?(?::(\d+(?:-\d+)?))?$/.exec(text);
  if (m && (m[1] || m[2])) {
    const port = m[2] ? parsePortRange(m[2]) : null;
    return m[2] && !port ? null : { address: m[1] ?? null, port };
  }
  if (/^[0-9a-fA-F:]+$/.test(text) && text.includes(':')) return { address: text, port: null };
  return null;
}

// ---------------------------------------------------------------------------------------------------
// The whole file

export interface NftTextResult {
  dnat: NftDnatRule[];
  /** Interfaces named by masquerade/snat rules (oifname/oif): the WAN. */
  wanIfaces: string[];
  /** Masquerade/snat rules without an outgoing interface (the WAN cannot be read from them). */
  natWithoutIface: number;
  filter: InputFilter;
  /** miniupnpd's filter chain: (protocol|internal address|internal port) → the mapping's remote host. */
  upnpSources: Map<string, string>;
  /** Input base chains were found (else remote administration cannot be judged from the file). */
  hasInputChain: boolean;
  whole: boolean;
  includes: string[];
  warnings: Warning[];
  /** Part of the ruleset was not read or not understood (even when its warning is past the cap). */
  partial: boolean;
}

/** Whether a text looks like nftables text (a `table` block or `add rule`). */
export function looksLikeNftText(text: string): boolean {
  return (
    /^[ \t]*table\s+((ip|ip6|inet|arp|bridge|netdev)\s+)?[\w-]+\s*\{/m.test(text) ||
    /^[ \t]*(add|insert) rule\s/m.test(text)
  );
}

/** Parse nftables text. Pure; never throws on content (what it cannot read becomes a warning). */
export function parseNftText(text: string): NftTextResult {
  const warnings: Warning[] = [];
  const parser = new Parser(tokenize(text, warnings), warnings);
  // The tokenizer's own NFT_TEXT_TOO_LARGE (the file cut short).
  if (warnings.some((w) => w.code === 'NFT_TEXT_TOO_LARGE')) parser.partial = true;
  const model = parser.parse();
  const dnat: NftDnatRule[] = [];
  const wan = new Set<string>();
  let natWithoutIface = 0;
  const filter: InputFilter = { base: [], chains: new Map() };
  let hasInputChain = false;
  const warn = (code: string, message: string, line: number) => parser.warn(code, message, line);

  const inputRulesByChain = new Map<TextChain, InputRule[]>();
  const upnpSources = new Map<string, string>();
  for (const chain of model.chains) {
    const read = chain.rules.map((toks) => new RuleReader(toks, chain, model.sets).read());
    if (/^miniupnpd$/i.test(chain.name)) {
      // miniupnpd enforces a mapping's remote host in its filter chain, not in the DNAT rule.
      for (const r of read) {
        if (
          r.verdict?.kind !== 'accept' ||
          !r.saddr ||
          r.saddr.negated ||
          !r.daddr ||
          !r.ports ||
          !r.protocols
        )
          continue;
        for (const p of r.protocols)
          upnpSources.set(`${p}|${r.daddr.items[0]}|${r.ports.ranges[0]?.start}`, r.saddr.items.join(','));
      }
    }
    const inputRules: InputRule[] = [];
    for (const r of read) {
      const where = `line ${r.line}`;
      if (r.nat?.kind === 'masquerade' || r.nat?.kind === 'snat') {
        // An undefined `$variable` names no interface: the WAN is then not known from this rule.
        const names = r.oif && !r.oif.negated ? r.oif.names.filter((n) => !n.startsWith('$')) : [];
        if (names.length > 0) for (const n of names) wan.add(n);
        else natWithoutIface++;
      } else if (r.nat?.kind === 'redirect') {
        warn(
          'NFT_REDIRECT_TO_ROUTER',
          `redirect to the router itself (${r.nat.text}); not listed as a forward`,
          r.line,
        );
      } else if (r.nat?.kind === 'unknown') {
        warn(
          'NFT_RULE_NOT_UNDERSTOOD',
          `DNAT "${r.nat.text}" was not understood; no forward listed for it`,
          r.line,
        );
        dnat.push(dnatRule(r, null, null, null, null, where));
      } else if (r.nat?.kind === 'dnat') {
        dnat.push(dnatRule(r, r.nat.address, r.nat.port, null, null, where));
      } else if (r.nat?.kind === 'dnat-map') {
        for (const d of mapRules(r, r.nat, where, warn)) dnat.push(d);
      }
      if (r.nat?.kind === 'dnat' || r.nat?.kind === 'dnat-map') {
        if (r.ports?.negated) r.unknown.push('negated destination port (counted as every port)');
        if (r.unknown.length > 0)
          warn(
            'NFT_RULE_NOT_UNDERSTOOD',
            `DNAT rule kept, but parts of it were not understood (the forward may be narrower than shown): ${r.unknown.join('; ')}`,
            r.line,
          );
      }
      for (const ir of toInputRules(r, where)) inputRules.push(ir);
    }
    inputRulesByChain.set(chain, inputRules);
  }
  for (const chain of model.chains) {
    if (
      chain.family === 'ip6' ||
      chain.family === 'arp' ||
      chain.family === 'bridge' ||
      chain.family === 'netdev'
    )
      continue;
    const rules = inputRulesByChain.get(chain) ?? [];
    const scoped = `${chain.family} ${chain.table} ${chain.name}`;
    filter.chains.set(scoped, rules);
    if (chain.type === 'filter' && chain.hook === 'input') {
      hasInputChain = true;
      filter.base.push({ name: scoped, policy: chain.policy ?? 'accept', rules });
    }
  }
  // Jumps name chains of the same table: resolve them to the scoped names.
  for (const chain of model.chains) {
    for (const ir of inputRulesByChain.get(chain) ?? []) {
      const v = ir.verdict;
      if (v && (v.kind === 'jump' || v.kind === 'goto'))
        v.chain = `${chain.family} ${chain.table} ${v.chain}`;
    }
  }
  return {
    dnat,
    wanIfaces: [...wan],
    natWithoutIface,
    filter,
    upnpSources,
    hasInputChain,
    whole: model.whole,
    includes: model.includes,
    warnings,
    partial: parser.partial,
  };
}

function dnatRule(
  r: TextRule,
  toAddress: string | null,
  toPort: PortRange | null,
  ports: PortRange[] | null,
  destinations: string[] | null,
  where: string,
): NftDnatRule {
  return {
    family: r.family,
    table: r.table,
    chain: r.chain,
    handle: null,
    where: `nft ${r.family} ${r.table} ${r.chain} ${where}`,
    comment: r.comment,
    protocols: r.protocols,
    // `dport != 22`: every port but 22, listed as all ports (as the JSON reader does), with a warning.
    ports: ports ?? (r.ports && !r.ports.negated ? r.ports.ranges : null),
    sources: r.saddr ? r.saddr.items : null,
    sourceNegated: r.saddr?.negated ?? false,
    destinations: destinations ?? (r.daddr && !r.daddr.negated ? r.daddr.items : null),
    inInterface: r.iif && !r.iif.negated ? r.iif.names.join(',') : null,
    // An interface whose variable could not be resolved is unknown: the rule may well be on the WAN.
    inInterfaces: r.iif && !r.iif.negated && !r.iif.names.some((n) => n.startsWith('$')) ? r.iif.names : null,
    toAddress,
    toPort,
    unknown: [],
  };
}

/** One DNAT rule per map entry: the key gives the matched port or address, the value the target. */
function mapRules(
  r: TextRule,
  nat: Extract<NatStatement, { kind: 'dnat-map' }>,
  where: string,
  warn: (code: string, message: string, line: number) => void,
): NftDnatRule[] {
  if (nat.entries === null) {
    warn(
      'NFT_RULE_NOT_UNDERSTOOD',
      `DNAT map @${nat.mapName ?? '?'} is not in the file: its forwards are not listed`,
      r.line,
    );
    return [dnatRule(r, null, null, null, null, where)];
  }
  const out: NftDnatRule[] = [];
  const keyParts = nat.key;
  for (const entry of nat.entries) {
    const keyItems = splitConcat(entry.key);
    const valueItems = splitConcat(entry.value);
    let ports: PortRange[] | null = null;
    let destinations: string[] | null = null;
    let protocols = r.protocols;
    let ok = keyItems.length === keyParts.length;
    keyParts.forEach((k, idx) => {
      const item = keyItems[idx];
      if (!item) return;
      if (/^(tcp|udp|th) dport$/.test(k)) {
        const range = portRanges([item]);
        if (!range) ok = false;
        else ports = range;
        const proto = k.split(' ')[0]!;
        if (proto === 'tcp' || proto === 'udp') protocols = intersect(protocols, [proto]);
      } else if (k === 'ip daddr' || k === 'ip6 daddr') destinations = [item];
      else ok = false;
    });
    const target = nat.addrPort
      ? parseTarget(valueItems.length === 2 ? `${valueItems[0]}:${valueItems[1]}` : (valueItems[0] ?? ''))
      : valueItems.length === 1
        ? parseTarget(valueItems[0]!)
        : null;
    if (!ok || !target) {
      warn(
        'NFT_RULE_NOT_UNDERSTOOD',
        `DNAT map entry "${words(entry.key)} : ${words(entry.value)}" was not understood; its forward is listed with what could be read`,
        entry.key[0]?.line ?? r.line,
      );
    }
    const d = dnatRule(
      { ...r, protocols },
      target?.address ?? null,
      target?.port ?? null,
      ports,
      destinations,
      where,
    );
    out.push(d);
  }
  return out;
}

/** `10.0.0.2 . 80` → ['10.0.0.2', '80']. */
function splitConcat(toks: Tok[]): string[] {
  return toks.filter((t) => t.t !== '.').map((t) => t.t);
}

/** The input-filter view of a rule (a verdict map becomes one rule per entry). */
function toInputRules(r: TextRule, where: string): InputRule[] {
  const base = blankInputRule(where);
  base.iif = r.iif;
  base.protocols = r.protocols;
  base.ports = r.ports;
  base.sources = r.saddr;
  base.states = r.states;
  base.never = r.never || r.ip6Only;
  base.unknown = [...r.unknown];
  if (r.daddr) base.unknown.push(`ip daddr ${r.daddr.negated ? '!= ' : ''}${r.daddr.items.join(',')}`);
  if (r.nat) return [];
  if (!r.vmap) {
    base.verdict = r.verdict;
    return [base];
  }
  const out: InputRule[] = [];
  const sels = r.vmap.selectors;
  for (const e of r.vmap.entries) {
    const rule: InputRule = { ...base, unknown: [...base.unknown], verdict: e.verdict };
    sels.forEach((sel, idx) => {
      const key = e.key[idx];
      if (key === undefined) {
        rule.unknown.push(sel);
        return;
      }
      if (sel === 'iifname' || sel === 'iif') rule.iif = { names: [key], negated: false };
      else if (sel === 'ct state') rule.states = [key];
      else if (sel === 'meta l4proto' || sel === 'ip protocol') rule.protocols = protocolsIn([key]);
      else if (/^(tcp|udp|th) dport$/.test(sel)) {
        const ranges = portRanges([key]);
        if (ranges) rule.ports = { ranges, negated: false };
        else rule.unknown.push(`${sel} ${key}`);
        const proto = sel.split(' ')[0]!;
        if (proto === 'tcp' || proto === 'udp') rule.protocols = intersect(rule.protocols, [proto]);
      } else rule.unknown.push(`${sel} ${key}`);
    });
    out.push(rule);
  }
  return out;
}
