/** The sentence of a severity adjustment in both languages (evaluation returns only its code). */
import type { LocalizedText, SeverityAdjustmentCode } from '../rules/types.js';
import { type Lang, severityWord, t } from './index.js';

const LANGS: readonly Lang[] = ['en', 'fr'];

/** `limited to source 198.51.100.7: critical → high`, `profil health : élevée → critique`… */
export function adjustmentText(adjustment: SeverityAdjustmentCode): LocalizedText {
  const { reason, from, to, detail } = adjustment;
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
  return text;
}
