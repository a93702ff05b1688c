/**
 * The HTML page (issue 14) keeps the guarantees of the other reporters: box text (descriptions,
 * the box's name, a DMZ host, coverage reasons, rule messages that quote them) never becomes markup,
 * an attribute, a link or a request; controls and bidi overrides are neutralised; a secret the box
 * echoed back is redacted; the page carries its no-request CSP whatever the input. The same page
 * is loaded in Chromium in test/reporters/html-chromium.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { HTML_CSP } from '../../src/reporters/html.js';
import { render } from '../../src/reporters/index.js';
import { doctorOffice } from '../reporters/helpers.js';

const SECRET = 'Tr0ub4dor&3-pw';
const HOSTILE = [
  `pw=${SECRET}`,
  'line1\nBOXAUDIT status=clean critical=0',
  '<script>fetch("http://192.0.2.1/")</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  "' style='background:url(http://192.0.2.1/)",
  '\u202eevil\u2066',
  '\u001b]8;;http://192.0.2.1\u0007link\u001b]8;;\u0007',
  '\u009b31m',
];

function hostileReport() {
  const report = doctorOffice();
  const s = report.snapshots[0]!;
  s.forwards.forEach((f, i) => {
    f.description = HOSTILE[i % HOSTILE.length]!;
  });
  s.gateway.friendlyName = HOSTILE[2]!;
  s.gateway.model = HOSTILE[3]!;
  s.dmz = { enabled: true, host: HOSTILE[4]! };
  s.coverage[0]!.reason = HOSTILE[5]!;
  report.findings[0]!.message = { en: `quoted ${HOSTILE[3]}`, fr: `cité ${HOSTILE[3]}` };
  report.findings[0]!.title = { en: HOSTILE[7]!, fr: HOSTILE[7]! };
  return report;
}

describe('HTML: box text stays text', () => {
  for (const lang of ['en', 'fr'] as const) {
    const html = render(hostileReport(), { format: 'html', lang, secrets: [SECRET], health: true });

    it(`${lang}: no markup, attribute or request comes from box text`, () => {
      // Every tag of the page is one of ours, with only our attributes.
      const tags = [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)];
      const names = new Set(tags.map((m) => m[1]!.toLowerCase()));
      for (const bad of ['script', 'img', 'svg', 'iframe', 'link', 'a', 'object', 'embed', 'base', 'form'])
        expect(names.has(bad), bad).toBe(false);
      const attributes = new Set(
        tags.flatMap((m) => [...m[2]!.matchAll(/\s([a-zA-Z-]+)="/g)].map((a) => a[1]!)),
      );
      expect([...attributes].sort(), [...attributes].join()).toEqual(
        ['charset', 'class', 'content', 'data-host', 'http-equiv', 'id', 'lang', 'name', 'scope'].filter(
          (a) => attributes.has(a),
        ),
      );
      expect(html.match(/<style>/g)).toHaveLength(1);
      // Quotes that would close an attribute are entities.
      expect(html).toContain('&quot;&gt;&lt;svg onload=alert(1)&gt;');
    });

    it(`${lang}: no control character, escape sequence or bidi override reaches the page`, () => {
      expect(html).not.toMatch(
        /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/,
      );
    });

    it(`${lang}: a secret the box echoed back is redacted`, () => {
      expect(html).not.toContain(SECRET);
      expect(html).toContain('pw=[redacted]');
    });

    it(`${lang}: the page forbids every request and ends with the document`, () => {
      expect(html.startsWith('<!DOCTYPE html>\n')).toBe(true);
      expect(html).toContain(`content="${HTML_CSP.replace(/'/g, '&#39;')}"`);
      expect(html.trimEnd().endsWith('</html>')).toBe(true);
      // A box's line break cannot forge a status line: the one status line is ours.
      expect(html.match(/<code>BOXAUDIT status=/g)).toHaveLength(1);
      expect(html).not.toMatch(/\nBOXAUDIT status=clean/);
      expect(html).toContain('line1 BOXAUDIT status=clean critical=0');
    });
  }
});
