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

// Range arithmetic is the model's (formats and adapters use it too); re-exported for the rules.
export { formatRange, mergeRanges, overlapsAny, rangeSize } from '../model/ports.js';
