import { describe, expect, it } from 'vitest';
import { frenchSpaces } from '../../src/i18n/typography.js';
import type { DumpDocument } from '../../src/model/types.js';
import { render, renderDump } from '../../src/reporters/index.js';
import { doctorOffice, hostileReport, TERMINAL_CONTROL } from './helpers.js';

function doc(): DumpDocument {
  return { schemaVersion: '1.0', snapshots: doctorOffice().snapshots };
}

describe('dump (text)', () => {
  const text = renderDump(doc(), { format: 'text', lang: 'en' });
  const lines = text.split('\n');

  it('lists the gateway facts', () => {
    expect(text).toContain('Box: Sagemcom Livebox 5 (Livebox)');
    expect(text).toContain('Public (external) IP: 203.0.113.45');
    expect(text).toContain('Server: Linux/4.9 UPnP/1.1 MiniUPnPd/2.1');
    expect(text).toContain('Connection: Connected (IP_Routed)');
    expect(text).toContain('Up for: 2d 03h');
    expect(text).toContain('UPnP: enabled: yes; mappings: 7; IGD version: 2');
    expect(text).toContain('DMZ: unknown');
    expect(text).toContain('LAN prefixes: 192.168.1.0/24');
  });

  it('prints one aligned table line per forward, sorted by public port', () => {
    const header = lines.findIndex((l) => l.trimStart().startsWith('source'));
    expect(lines[header]).toMatch(
      /^ {2}source +proto +public port +internal host:port +from +lease +enabled +description$/,
    );
    const rows = lines.slice(header + 1, header + 8);
    expect(rows.map((r) => r.split(/\s+/)[3])).toEqual(['21', '104', '445', '3389', '5900', '8443', '15432']);
    expect(rows[5]).toMatch(
      /^ {2}UPnP +TCP +8443 +-> 192\.168\.1\.20:104 +\* +permanent +yes +PACS radiologue$/,
    );
    expect(rows[3]).toContain('1d 00h');
    expect(rows[4]).toContain('198.51.100.7');
    // Aligned: the internal column starts at the same place on every row.
    const col = lines[header]!.indexOf('internal host:port');
    for (const r of rows) expect(r.indexOf('-> ')).toBe(col);
  });

  it('ends with coverage and warnings', () => {
    expect(text).toContain(
      "    - manual port forwards (not visible): Manual port forwards are not visible over UPnP: check the box's web interface.",
    );
    expect(text).toContain('[SOAP_ACTION_FAILED]');
  });

  it('is French with lang fr', () => {
    const fr = renderDump(doc(), { format: 'text', lang: 'fr' });
    expect(fr).toContain(frenchSpaces('boxaudit : ce que montre la box internet'));
    expect(fr).toMatch(
      / {2}origine +proto +port public +hôte interne:port +depuis +durée +active +description/,
    );
    expect(fr).toContain(frenchSpaces('UPnP : activé : oui ; redirections : 7 ; version IGD : 2'));
    expect(fr).toContain('permanente');
  });

  it('says so when no forward was read, and keeps hostile descriptions inert', () => {
    const empty = doc();
    empty.snapshots[0]!.forwards = [];
    expect(renderDump(empty, { format: 'text' })).toContain('No port forward read.');
    const hostile = renderDump(
      { schemaVersion: '1.0', snapshots: hostileReport().snapshots },
      { format: 'text' },
    );
    expect(hostile).not.toMatch(TERMINAL_CONTROL);
    expect(hostile.split('\n').filter((l) => l.trimStart().startsWith('BOXAUDIT'))).toEqual([]);
  });

  it('is deterministic and independent of forward order', () => {
    const reversed = doc();
    reversed.snapshots[0]!.forwards.reverse();
    expect(renderDump(reversed, { format: 'text' })).toBe(text);
  });
});

describe('format dispatch', () => {
  it('rejects an unknown format with a coded error', () => {
    expect(() => render(doctorOffice(), { format: 'xml' as 'text' })).toThrow(
      /\[render\] unknown format "xml"/,
    );
    try {
      renderDump(doc(), { format: 'xml' as 'text' });
      expect.unreachable();
    } catch (error) {
      expect((error as { code?: string }).code).toBe('BOXAUDIT_USAGE');
    }
  });

  it('defaults to English and no color', () => {
    expect(render(doctorOffice(), { format: 'text' })).toBe(
      render(doctorOffice(), { format: 'text', lang: 'en', color: false }),
    );
  });
});
