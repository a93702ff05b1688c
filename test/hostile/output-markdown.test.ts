/**
 * Issue 11, item 7 (Markdown): docs/output.md says a description cannot inject a link, yet GFM (and
 * most ticket and chat renderers) turn a bare `http://…`, `www.…` or `name@host.tld` into a link by
 * themselves. Box text is defanged (`http[:]//`, `www[.]`, `[@]`) so no renderer links it, and
 * raw HTML stays entities.
 */
import { describe, expect, it } from 'vitest';
import { render } from '../../src/reporters/index.js';
import { defangLinks, markdownText } from '../../src/reporters/sanitize.js';
import { doctorOffice } from '../reporters/helpers.js';

/** What GFM's autolink extension links: www., http(s)://, ftp:// … and e-mail addresses. */
const AUTOLINK = /(?:\b(?:https?|ftp|file|javascript|mailto|xmpp|data):|\bwww\.|[\w.+-]@[\w-]+\.[\w.-]+)/i;

describe('Markdown: box text never becomes a link', () => {
  const report = doctorOffice();
  const forwards = report.snapshots[0]!.forwards;
  forwards[0]!.description = 'see http://evil.example/login now';
  forwards[1]!.description = 'or www.evil.example/pay';
  forwards[2]!.description = 'mail admin@evil.example';
  forwards[3]!.description = 'HTTPS://EVIL.EXAMPLE and mailto:x@evil.example and javascript:alert(1)';
  report.snapshots[0]!.gateway.friendlyName = 'Box <a href="http://evil.example">x</a>';
  report.findings[0]!.message = {
    en: 'Forward "http://evil.example/a" is open',
    fr: 'Redirection "http://evil.example/a" ouverte',
  };

  it('no bare URL, www. or e-mail address survives in the report, in either language', () => {
    for (const lang of ['en', 'fr'] as const) {
      const md = render(report, { format: 'markdown', lang });
      const offending = md.split('\n').filter((l) => AUTOLINK.test(l));
      expect(offending, lang).toEqual([]);
      expect(md).toContain('http\\[:\\]//evil.example');
      expect(md).not.toMatch(/<a\b/i);
    }
  });

  it('the defanged text stays readable', () => {
    expect(defangLinks('http://a.example/x www.b.example c@d.example mailto:e')).toBe(
      'http[:]//a.example/x www[.]b.example c[@]d.example mailto[:]e',
    );
    expect(markdownText('www.evil.example')).toBe('www\\[.\\]evil.example');
    expect(markdownText('Orthanc PACS v1.2 (port 104)')).toBe('Orthanc PACS v1.2 (port 104)');
  });
});
