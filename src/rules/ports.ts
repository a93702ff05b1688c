import type { PortRange } from '../model/types.js';
import type { PortSpec } from './types.js';

/** Parse a rule's port spec (`104`, `"5900-5910"`); null when invalid (0, > 65535, reversed). */
export function parsePortSpec(spec: PortSpec): PortRange | null {
  if (typeof spec === 'number') {
    return Number.isInteger(spec) && spec >= 1 && spec <= 65535 ? { start: spec, end: spec } : null;
  }
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(spec);
  if (!m) return null;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start < 1 || end > 65535 || end < start) return null;
  return { start, end };
}

/** Number of ports in a range. */
export function rangeSize(r: PortRange): number {
  return r.end - r.start + 1;
}

/** `104` or `5900-5910`; `?` for unknown. */
export function formatRange(r: PortRange | null | undefined): string {
  if (!r) return '?';
  return r.start === r.end ? String(r.start) : `${r.start}-${r.end}`;
}

/** Does the forward's range overlap any of the rule's (sorted, merged) ranges? */
export function overlapsAny(r: PortRange, ranges: readonly PortRange[]): boolean {
  for (const x of ranges) {
    if (x.start > r.end) return false;
    if (x.end >= r.start) return true;
  }
  return false;
}

/** Sort and merge ranges so overlap checks can stop early. */
export function mergeRanges(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: PortRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}
