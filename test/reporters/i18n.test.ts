import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import { fr } from '../../src/i18n/fr.js';
import { COVERAGE_REASONS_FR, colon, severityWord, t } from '../../src/i18n/index.js';
import { SEVERITIES } from '../../src/rules/types.js';

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1]!).sort();
}

describe('i18n', () => {
  it('has the same keys and the same placeholders in English and French', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
    for (const [key, english] of Object.entries(en)) {
      const french = fr[key as keyof typeof en];
      expect(french.trim(), key).not.toBe('');
      expect(placeholders(french), key).toEqual(placeholders(english));
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(t('en', 'summary.gaps', { gaps: 3 })).toBe('3 areas could not be checked: see Coverage.');
    expect(t('en', 'summary.gaps', { gaps: 1 })).toBe('1 area could not be checked: see Coverage.');
    // French: 0 and 1 are singular, with the verb and the participle agreeing.
    expect(t('fr', 'summary.inconclusive', { count: 1 })).toBe('1 vérification n’a pas pu conclure.');
    expect(t('fr', 'summary.inconclusive', { count: 0 })).toBe('0 vérification n’a pas pu conclure.');
    expect(t('fr', 'summary.inconclusive', { count: 2 })).toBe('2 vérifications n’ont pas pu conclure.');
    // A plural choice without its number is left as written, like any placeholder.
    expect(t('fr', 'summary.inconclusive')).toContain('{count:');
    expect(t('fr', 'waiver.until', { date: '2027-01-01' })).toBe('jusqu’au 2027-01-01');
    expect(t('en', 'waiver.until')).toBe('until {date}');
  });

  it('has severity words in both languages', () => {
    expect(SEVERITIES.map((s) => severityWord('fr', s))).toEqual([
      'critique',
      'élevée',
      'moyenne',
      'faible',
      'info',
    ]);
    expect(SEVERITIES.map((s) => severityWord('en', s))).toEqual([
      'critical',
      'high',
      'medium',
      'low',
      'info',
    ]);
  });

  it('uses French typography for labels', () => {
    expect(colon('fr')).toBe('\u00a0: ');
    expect(colon('en')).toBe(': ');
  });

  it('translates coverage reasons for the codes adapters use', () => {
    expect(Object.keys(COVERAGE_REASONS_FR)).toContain('UPNP_CANNOT_SEE_STATIC');
    for (const text of Object.values(COVERAGE_REASONS_FR))
      expect(text).not.toMatch(/\b(the|not|visible over)\b/);
  });
});
