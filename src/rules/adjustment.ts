import { type Lang, severityWord, t } from '../i18n/index.js';
import type { LocalizedText, Severity, SeverityAdjustment } from './types.js';

const LANGS: readonly Lang[] = ['en', 'fr'];

/**
 * A severity change with its sentence in both languages. `detail` is the profile's name or the
 * allowed source; a source-restricted router rule (remote admin) has none.
 */
export function severityAdjustment(
  reason: SeverityAdjustment['reason'],
  from: Severity,
  to: Severity,
  detail?: string,
): SeverityAdjustment {
  const key =
    reason === 'source-restricted' && detail === undefined
      ? 'adjustment.source-restricted-admin'
      : (`adjustment.${reason}` as const);
  const text = {} as LocalizedText;
  for (const lang of LANGS) {
    text[lang] = t(lang, key, {
      from: severityWord(lang, from),
      to: severityWord(lang, to),
      detail: detail ?? '',
    });
  }
  return detail === undefined ? { reason, from, to, text } : { reason, from, to, detail, text };
}

const restrictedMemo = new Map<string, SeverityAdjustment>();

/**
 * The source-restricted adjustment, shared (frozen) between the findings it applies to: a box
 * restricting many forwards to one source would otherwise build the same two sentences each time.
 */
export function sourceRestricted(
  from: Severity,
  to: Severity,
  source: string | undefined,
): SeverityAdjustment {
  const key = `${from}|${to}|${source === undefined ? '\u0000' : source}`;
  let adjustment = restrictedMemo.get(key);
  if (adjustment === undefined) {
    adjustment = severityAdjustment('source-restricted', from, to, source);
    Object.freeze(adjustment.text);
    Object.freeze(adjustment);
    if (restrictedMemo.size >= 1024) restrictedMemo.clear(); // bounded: sources come from boxes
    restrictedMemo.set(key, adjustment);
  }
  return adjustment;
}
