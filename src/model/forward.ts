import { sha256Hex } from './sha256.js';
import type { PortForward, PortRange, Protocol } from './types.js';

/** A forward as a parser reads it, before `withIds` gives it its stable id. */
export type ForwardInput = Omit<PortForward, 'id'>;

/** Parse "80", "8000-8080", "8000:8080", a number, or null into a range; invalid gives null. */
export function parsePortRange(value: string | number | null | undefined): PortRange | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  const m = /^(\d{1,5})(?:\s*[-:]\s*(\d{1,5}))?$/.exec(text);
  if (!m) return null;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start > 65535 || end > 65535 || end < start) return null;
  return { start, end };
}

/** A service's configured port ("22"): an integer 1-65535, else null (never NaN or 99999). */
export function parseServicePort(text: string): number | null {
  const t = text.trim();
  const port = /^\d{1,5}$/.test(t) ? Number(t) : 0;
  return port >= 1 && port <= 65535 ? port : null;
}

/** "tcp", "TCP", "udp", "tcp udp", "tcpudp", "both", "all" → the protocols it covers; unknown → []. */
export function parseProtocols(value: string | null | undefined): Protocol[] {
  const text = String(value ?? '')
    .toLowerCase()
    .trim();
  if (text === 'tcp' || text === '6') return ['tcp'];
  if (text === 'udp' || text === '17') return ['udp'];
  if (/^(tcp[\s/,+_-]*udp|udp[\s/,+_-]*tcp|both|all|any)$/.test(text)) return ['tcp', 'udp'];
  return [];
}

function rangeKey(r: PortRange | null): string {
  return r === null ? '?' : `${r.start}-${r.end}`;
}

/**
 * Give each forward a stable id: a hash of what identifies it (not of its lease or description,
 * which change), plus an ordinal when a box lists the same forward twice.
 */
export function withIds(forwards: ForwardInput[]): PortForward[] {
  const seen = new Map<string, number>();
  return forwards.map((f) => {
    const key = [
      f.provenance.adapter,
      f.source,
      f.protocol,
      rangeKey(f.externalPort),
      f.internalHost ?? '?',
      rangeKey(f.internalPort),
      f.remoteHost ?? '*',
    ].join('|');
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const hash = sha256Hex(n === 0 ? key : `${key}|${n}`).slice(0, 16);
    const raw = f.provenance.raw;
    const provenance =
      typeof raw === 'object' && raw !== null ? { ...f.provenance, raw: withoutSecrets(raw) } : f.provenance;
    return { id: `fwd_${hash}`, ...f, provenance };
  });
}

/** Field names that hold credentials in routers' records (UCI, RouterOS, Vyatta, vendor JSON). */
const SECRET_KEY =
  /(^|[-_.\s])(pass(word|wd|phrase)?|secret|token|psk|pre-?shared(-?(key|secret))?|private-?key|api-?key|auth-?key|key|community)($|[-_.\s])/i;
const MAX_RAW_DEPTH = 8;

/**
 * The vendor's record as kept in `provenance.raw`, with credential-named fields replaced: a rule
 * section may carry a key or password that must never reach a dump or a report.
 */
export function withoutSecrets(value: object): Record<string, unknown> {
  const clean = (v: unknown, depth: number): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (depth >= MAX_RAW_DEPTH) return '[nested too deep]';
    if (Array.isArray(v)) return v.map((x) => clean(x, depth + 1));
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, SECRET_KEY.test(k) ? '[redacted]' : clean(x, depth + 1)]),
    );
  };
  return clean(value, 0) as Record<string, unknown>;
}
