/**
 * French typography (issue 14): one apostrophe (’) in every French source text, and a no-break
 * space before « : ; ! ? » and inside « » in everything a French reader sees (the reports, the
 * help, the errors). Box text is never changed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/audit.js';
import { collect } from '../../src/collect.js';
import { DEMO_OFFICE } from '../../src/demo/demo-office.js';
import { startIgdSimulator } from '../../src/demo/igd-simulator.js';
import { cliText } from '../../src/i18n/cli.js';
import { fr } from '../../src/i18n/fr.js';
import { COVERAGE_REASONS_FR, colon, t } from '../../src/i18n/index.js';
import { frenchSpaces, frenchSpacesHtml, NBSP } from '../../src/i18n/typography.js';
import { BOX_GUIDES } from '../../src/reporters/box-guide.js';
import { render } from '../../src/reporters/index.js';
import { BUILTIN_RULES } from '../../src/rules/builtin.generated.js';
import { loadRuleSet } from '../../src/rules/load.js';
import { doctorOffice } from '../reporters/helpers.js';

/** An ASCII apostrophe between two letters: `l'appareil`, `n'a`. */
const ASCII_APOSTROPHE = /\p{L}'\p{L}/u;
/** An ordinary space where French wants a no-break one. */
const BREAKING_SPACE = / [:;!?»]|« /;

describe('frenchSpaces', () => {
  it('puts a no-break space before : ; ! ? » and after «, and nothing else', () => {
    expect(frenchSpaces('Box : « NAS » ; oui ! non ?')).toBe(
      `Box${NBSP}: «${NBSP}NAS${NBSP}»${NBSP}; oui${NBSP}! non${NBSP}?`,
    );
    expect(frenchSpaces('http://192.168.1.1:80 a:b [x]')).toBe('http://192.168.1.1:80 a:b [x]');
  });

  it('leaves tags, attributes and CSS alone in HTML', () => {
    const html = `<style>a { color: red !important; }</style><p title="a : b">Lue le : hier</p>`;
    expect(frenchSpacesHtml(html)).toBe(
      `<style>a { color: red !important; }</style><p title="a : b">Lue le${NBSP}: hier</p>`,
    );
  });

  it('is what colon() and the catalogues give in French, not in English', () => {
    expect(colon('fr')).toBe(`${NBSP}: `);
    expect(colon('en')).toBe(': ');
    expect(t('fr', 'report.title', { version: '1' })).toBe(`boxaudit 1${NBSP}: audit de la box internet`);
    // Values filled in (box text) keep their spaces.
    expect(t('fr', 'waiver.reason')).toBe('Motif');
    expect(cliText('fr', 'guided.written', { file: 'a : b' })).toBe(
      `Le rapport est enregistré ici${NBSP}: a : b`,
    );
  });
});

describe('one apostrophe in French: ’', () => {
  it('in the main catalogue, the coverage reasons and the click paths', () => {
    const texts = [
      ...Object.values(fr),
      ...Object.values(COVERAGE_REASONS_FR),
      ...Object.values(BOX_GUIDES).flatMap((g) => [g.open.fr, ...Object.values(g.tasks).map((p) => p.fr)]),
    ];
    expect(texts.filter((x) => ASCII_APOSTROPHE.test(x))).toEqual([]);
  });

  it('in every built-in rule', () => {
    const bad = BUILTIN_RULES.flatMap((r) =>
      [r.title.fr, r.description.fr, r.message.fr, r.remediation.fr]
        .filter((x) => ASCII_APOSTROPHE.test(x))
        .map(() => r.id),
    );
    expect(bad).toEqual([]);
  });

  it('in the French parts of the people and command-line catalogues and the help', () => {
    const frenchPart = (file: string, start: RegExp): string[] => {
      const lines = readFileSync(file, 'utf8').split('\n');
      const from = lines.findIndex((l) => start.test(l));
      expect(from).toBeGreaterThan(0);
      return lines.slice(from).filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l) && ASCII_APOSTROPHE.test(l));
    };
    // The French catalogues end where their file's code begins.
    const people = frenchPart('src/i18n/people.ts', /^const fr: /);
    const cli = frenchPart('src/i18n/cli.ts', /^const FR: /).filter((l) => !/^\s*\/\^/.test(l));
    const help = frenchPart('src/cli/help-fr.ts', /GENERAL_FR/);
    expect([...people, ...cli, ...help].filter((l) => !/CATALOGUES|function|return|=>/.test(l))).toEqual([]);
  });
});

describe('the French reports', () => {
  it('text, Markdown and HTML of the demo: no ASCII apostrophe, no breaking space before : ; ! ? »', async () => {
    const ruleSet = await loadRuleSet({ extends: ['recommended', 'health'] });
    const sim = await startIgdSimulator(DEMO_OFFICE);
    let report: Awaited<ReturnType<typeof buildReport>>;
    try {
      const { snapshots } = await collect({ upnp: sim.descriptionUrl }, {});
      report = buildReport(snapshots, ruleSet, { now: new Date('2026-12-02T07:26:25Z'), failOn: 'high' });
    } finally {
      await sim.close();
    }
    // doctorOffice() carries the test's own rule texts (not the project's): spacing only.
    for (const [r, ours] of [
      [report, true],
      [doctorOffice(), false],
    ] as const) {
      for (const format of ['text', 'markdown'] as const) {
        const out = render(r, { format, lang: 'fr', timeZone: 'Europe/Paris' });
        expect(out, format).toContain(NBSP);
        expect(
          out.split('\n').filter((l) => BREAKING_SPACE.test(l)),
          format,
        ).toEqual([]);
        const apostrophes = out.split('\n').filter((l) => ASCII_APOSTROPHE.test(l));
        if (ours) expect(apostrophes, format).toEqual([]);
      }
      const html = render(r, { format: 'html', lang: 'fr', health: true, timeZone: 'Europe/Paris' });
      const text = html.replace(/<style[\s\S]*?<\/style>|<[^>]*>/g, '\n').replace(/&#39;/g, "'");
      expect(text.split('\n').filter((l) => BREAKING_SPACE.test(l))).toEqual([]);
      if (ours) expect(text.split('\n').filter((l) => ASCII_APOSTROPHE.test(l))).toEqual([]);
    }
  });

  it('English reports keep ordinary spaces', () => {
    const out = render(doctorOffice(), { format: 'text', lang: 'en' });
    expect(out).not.toContain(NBSP);
  });
});
