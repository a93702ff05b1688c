import { describe, expect, it } from 'vitest';
import { frenchSpaces } from '../../src/i18n/typography.js';
import { render } from '../../src/reporters/index.js';
import { markdownText } from '../../src/reporters/sanitize.js';
import { doctorOffice, HOSTILE, hostileReport, TERMINAL_CONTROL } from './helpers.js';

/** Cells of a GFM table row, splitting on `|` that are not backslash-escaped. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

describe('Markdown report', () => {
  const md = render(doctorOffice(), { format: 'markdown', lang: 'en' });

  it('has a title, a box table, one findings table per severity, coverage and the status', () => {
    expect(md.startsWith('# boxaudit 0.1.0: internet box audit\n')).toBe(true);
    expect(md).toContain('| 1 | Sagemcom Livebox 5 (Livebox) | 203.0.113.45 |');
    const headings = md.split('\n').filter((l) => l.startsWith('#'));
    expect(headings).toEqual([
      '# boxaudit 0.1.0: internet box audit',
      '## First things to do',
      '## Box',
      '## Exposures found',
      '### Critical (2)',
      '### High (3)',
      '### Medium (1)',
      '## Could not decide (something was unknown) (1)',
      '## :warning: EXPIRED WAIVERS: these exceptions no longer apply (1)',
      '## Waived (accepted on purpose) (1)',
      '## Coverage: what could and could not be checked',
      '## Summary',
      '## Status',
    ]);
    expect(md).toContain(
      '| `BOX-MED-001` | 192.168.1.20:104 | TCP 8443 (UPnP, "PACS radiologue") | Medical imaging (DICOM/PACS) open to the internet |',
    );
    expect(md).toContain(
      "- [ ] **manual port forwards** (not visible): Manual port forwards are not visible over UPnP: check the box's web interface.",
    );
    expect(md).toContain('- [x] **UPnP port mappings** (complete)');
    // A box read over UPnP only: the first lines say what was not read and the next step.
    expect(md.split('\n')[2]).toBe('> **Important: the most important part of this box was not read**');
    expect(md).toContain('> **Next step: run boxaudit --vendor livebox --host 192.168.1.1');
    expect(md).toContain('1. **Remove the port forwards to 192.168.1.20 ("Orthanc PACS")');
    expect(md).toContain('- **1 waiver EXPIRED.**');
    expect(
      md
        .trimEnd()
        .endsWith(
          '```text\nBOXAUDIT status=findings critical=2 high=3 medium=1 low=0 info=0 inconclusive=1 waived=1 expired=1 gaps=4 failon=high exit=1\n```',
        ),
    ).toBe(true);
  });

  it('keeps every table row at its column count', () => {
    const tables = md.split('\n\n').filter((b) => b.startsWith('| '));
    expect(tables.length).toBeGreaterThanOrEqual(6);
    for (const table of tables) {
      const rows = table.split('\n');
      const width = cells(rows[0]!).length;
      for (const row of rows) expect(cells(row), row).toHaveLength(width);
    }
  });

  it('is in French with lang fr', () => {
    const fr = render(doctorOffice(), { format: 'markdown', lang: 'fr' });
    expect(fr).toContain('### Critique (2)');
    expect(fr).toContain('### Élevée (3)');
    expect(fr).toContain('| Règle | Appareil | Port public | Quoi | Pourquoi c’est important | Que faire |');
    expect(fr).toContain(frenchSpaces('## Couverture : ce qui a pu, ou n’a pas pu, être vérifié'));
    expect(fr).not.toContain('Exposures found');
  });

  it('neutralises hostile descriptions: one row stays one row, no HTML, links or images', () => {
    const out = render(hostileReport(), { format: 'markdown', lang: 'en' });
    expect(out).not.toMatch(TERMINAL_CONTROL);
    expect(out).not.toContain('<script>');
    // Brackets are escaped, so `[link](url)` and `![img](url)` are plain text.
    expect(out).not.toMatch(/(?<!\\)\]\(http:\/\/evil/);
    expect(out).not.toMatch(/(?<!\\)!\[img/);
    expect(out).toContain('\\[link\\](http\\[:\\]//evil.example)'); // and defanged: no autolink
    expect(out).toContain('&lt;script&gt;');
    expect(out).toContain('\\| x \\|');
    expect(out).not.toContain(HOSTILE.long.slice(0, 1100));
    // Still exactly one status line; the forged one in a description stays inside its cell.
    expect(out.split('\n').filter((l) => l.startsWith('BOXAUDIT '))).toHaveLength(1);
    const tables = out.split('\n\n').filter((b) => b.startsWith('| '));
    for (const table of tables) {
      const rows = table.split('\n');
      const width = cells(rows[0]!).length;
      for (const row of rows) expect(cells(row), row).toHaveLength(width);
    }
  });

  it('is deterministic', () => {
    expect(render(doctorOffice(), { format: 'markdown', lang: 'fr' })).toBe(
      render(doctorOffice(), { format: 'markdown', lang: 'fr' }),
    );
  });
});

describe('markdownText', () => {
  it('escapes what Markdown would interpret, and leaves plain text readable', () => {
    expect(markdownText('192.168.1.20:104 "NAS"')).toBe('192.168.1.20:104 "NAS"');
    expect(markdownText('a|b')).toBe('a\\|b');
    expect(markdownText('[x](http://e) *b* _i_ `c` ~s~ !')).toBe(
      '\\[x\\](http\\[:\\]//e) \\*b\\* \\_i\\_ \\`c\\` \\~s\\~ \\!',
    );
    expect(markdownText('<b>&amp;</b>')).toBe('&lt;b&gt;&amp;amp;&lt;/b&gt;');
    expect(markdownText('a\\|b')).toBe('a\\\\\\|b');
    expect(markdownText('# title', 300, true)).toBe('\\# title');
    expect(markdownText('1. item', 300, true)).toBe('1\\. item');
    expect(markdownText('1. item')).toBe('1. item');
  });
});
