import { createHash } from 'node:crypto';
import type { PortForward, PortRange, Protocol } from './types.js';

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
    const hash = createHash('sha256')
      .update(n === 0 ? key : `${key}|${n}`)
      .digest('hex')
      .slice(0, 16);
    return { id: `fwd_${hash}`, ...f };
  });
}
