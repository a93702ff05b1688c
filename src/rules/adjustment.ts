import type { Severity, SeverityAdjustmentCode } from './types.js';

/**
 * A severity change as a code (no text: `describeFinding` adds the sentence in both languages).
 * `detail` is the profile's name or the allowed source; a source-restricted router rule (remote
 * admin) has none.
 */
export function severityAdjustment(
  reason: SeverityAdjustmentCode['reason'],
  from: Severity,
  to: Severity,
  detail?: string,
): SeverityAdjustmentCode {
  return detail === undefined ? { reason, from, to } : { reason, from, to, detail };
}

const restrictedMemo = new Map<string, SeverityAdjustmentCode>();

/**
 * The source-restricted adjustment, shared (frozen) between the findings it applies to: a box
 * restricting many forwards to one source gets one object, and so one sentence pair when described.
 */
export function sourceRestricted(
  from: Severity,
  to: Severity,
  source: string | undefined,
): SeverityAdjustmentCode {
  const key = `${from}|${to}|${source === undefined ? '\u0000' : source}`;
  let adjustment = restrictedMemo.get(key);
  if (adjustment === undefined) {
    adjustment = Object.freeze(severityAdjustment('source-restricted', from, to, source));
    if (restrictedMemo.size >= 1024) restrictedMemo.clear(); // bounded: sources come from boxes
    restrictedMemo.set(key, adjustment);
  }
  return adjustment;
}
