/** Port-range arithmetic on the model's ranges (no rule knowledge: rule port specs are in rules/ports.ts). */
import type { PortRange } from './types.js';

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
