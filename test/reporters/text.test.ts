import { describe, expect, it } from 'vitest';
import { frenchSpaces } from '../../src/i18n/typography.js';
import { render } from '../../src/reporters/index.js';
import { cleanReport, doctorOffice, HOSTILE, hostileReport, TERMINAL_CONTROL } from './helpers.js';

const STATUS_LINE =
  /^BOXAUDIT status=(findings|incomplete|clean) critical=\d+ high=\d+ medium=\d+ low=\d+ info=\d+ inconclusive=\d+ waived=\d+ expired=\d+ gaps=\d+ failon=(critical|high|medium|low|info) exit=[01]$/;

function lines(text: string): string[] {
  return text.split('\n');
}

/** The block of a section: from its heading to the next heading underline's predecessor. */
function section(text: string, heading: string): string {
  const all = lines(text);
  const start = all.findIndex((l) => l.startsWith(heading));
  expect(start, `section "${heading}"`).toBeGreaterThanOrEqual(0);
  let end = all.length;
  for (let i = start + 2; i < all.length; i++) {
    if (/^-{3,}$/.test(all[i] ?? '')) {
      end = i - 1;
      break;
    }
  }
  return all.slice(start, end).join('\n');
}

describe('text report (English)', () => {
  const text = render(doctorOffice(), { format: 'text', lang: 'en' });

  it('starts with the box: make/model, external IP, how it was read', () => {
    expect(text).toContain('Box: Sagemcom Livebox 5 (Livebox)');
    expect(text).toContain('Public (external) IP: 203.0.113.45');
    expect(text).toContain(
      'Read via: UPnP (description URL), upnp-igd at http://192.168.1.1:49152/rootDesc.xml',
    );
    expect(text).toContain('Port forwards read: 7');
  });

  it('shows each device once, worst first, with every forward to it and its reasons under it', () => {
    const findings = section(text, 'Exposures found');
    const pacs = findings.indexOf('CRITICAL: 192.168.1.20 ("Orthanc PACS")');
    const nas = findings.indexOf('HIGH: 192.168.1.30 ("NAS SMB")');
    const rdp = findings.indexOf('HIGH: 192.168.1.40 ("Cabinet RDP")');
    expect(pacs).toBeGreaterThan(0);
    expect(nas).toBeGreaterThan(pacs);
    expect(rdp).toBeGreaterThan(nas);
    // Each device once.
    expect(findings.split('192.168.1.20 ("Orthanc PACS")').length).toBe(2);
    // PACS exposed directly and behind another public port: both forwards under the one device.
    expect(findings).toContain('      - 192.168.1.20:104 <- internet TCP 104 (UPnP, "Orthanc PACS")');
    expect(findings).toContain('      - 192.168.1.20:104 <- internet TCP 8443 (UPnP, "PACS radiologue")');
    expect(findings).toContain('      - 192.168.1.30:445 <- internet TCP 445 (UPnP, "NAS SMB")');
    expect(findings).toContain('      - 192.168.1.40:3389 <- internet TCP 3389 (UPnP, "Cabinet RDP")');
    // One reason per rule: BOX-MED-001 once for the two PACS forwards.
    expect(findings.split('[BOX-MED-001]').length).toBe(2);
    expect(findings).toContain('Medical imaging (DICOM/PACS) open to the internet [BOX-MED-001]');
    expect(findings).toContain('Why it matters: TCP port 104 is forwarded to 192.168.1.20:104');
    expect(findings).toContain('What to do: Remove this port forward on the box.');
    // A device with two forwards names the forward of each reason.
    expect(findings).toContain('    Device: 192.168.1.30:21 <- internet TCP 21 (UPnP, "NAS FTP scanner")');
    expect(findings).toContain('Where to click: Advanced settings → Network → NAT/PAT');
    expect(findings).toContain("The box's own settings");
    // The box's own settings are headed "MEDIUM: the box itself…": no "Device:" line repeating it.
    expect(findings).toMatch(/\nMEDIUM: the box itself \(router setting\)\n {2}\* /);
    expect(findings).not.toContain('Device: the box itself');
    // Inconclusive and waived findings are not mixed in.
    expect(findings).not.toContain('BOX-DB-001');
    expect(findings).not.toContain('BOX-RA-002');
  });

  it('starts with what a box read over UPnP only did not show, and the next step for its model', () => {
    const top = lines(text).slice(0, 8).join('\n');
    expect(top).toContain('!! Important: the most important part of this box was not read');
    expect(top).toContain('Port forwards set by hand in the box and the DMZ were NOT read');
    expect(top).toContain('Next step: run boxaudit --vendor livebox --host 192.168.1.1');
  });

  it('says the first things to do, with where to click on this box model', () => {
    const first = section(text, 'First things to do');
    expect(first).toContain(
      '1. Remove the port forwards to 192.168.1.20 ("Orthanc PACS"), 192.168.1.30 ("NAS SMB") and 192.168.1.40 ("Cabinet RDP").',
    );
    expect(first).toContain('2. Turn off UPnP');
    expect(first).toContain('Where to click: Advanced settings → Network → UPnP: turn UPnP off');
    expect(first).toContain('3. Have the manual port forwards and the DMZ of the box read');
    expect(first).toContain('Command: boxaudit --vendor livebox --host 192.168.1.1');
  });

  it('puts inconclusive findings in their own section, saying what was unknown', () => {
    const block = section(text, 'Could not decide (something was unknown) (1)');
    expect(block).toContain('? 192.168.1.50:unknown <- internet TCP 15432');
    expect(block).toContain('Possible exposures: Database server open to the internet [BOX-DB-001]');
    expect(block).toContain('Unknown: internal port');
    // The fail message would assert what is not known: it is not printed for an undecided check.
    expect(block).not.toContain('Why it matters');
  });

  it('shows waived findings with reason and end date, and expired waivers loudly', () => {
    const waived = section(text, 'Waived (accepted on purpose) (1)');
    expect(waived).toContain('Screen sharing (VNC) open to the internet [BOX-RA-002] (high)');
    expect(waived).toContain('only from 198.51.100.7');
    expect(waived).toContain(
      'Reason: Reception PC support by the software vendor, source IP restricted; until 2027-06-30',
    );
    const expired = section(text, '!! EXPIRED WAIVERS');
    expect(expired).toContain(
      '!! rule BOX-FS-002: "Old scanner uploads by FTP until replaced", expired on 2026-10-01',
    );
    expect(text).toContain('1 waiver EXPIRED.');
  });

  it('says what could not be checked, with the reason', () => {
    const coverage = section(text, 'Coverage: what could and could not be checked');
    expect(coverage).toContain(
      "- manual port forwards (not visible): Manual port forwards are not visible over UPnP: check the box's web interface.",
    );
    expect(coverage).toContain('- IPv6 pinholes (not visible)');
    expect(coverage).toContain('Read completely: UPnP port mappings, UPnP on/off');
  });

  it('ends with a summary and the status line as the very last line', () => {
    expect(text).toContain('6 exposures found: critical: 2, high: 3, medium: 1.');
    expect(text).toContain('4 areas could not be checked: see Coverage.');
    expect(text).toContain('Fails at: high and above. Forwards checked: 7.');
    expect(text.endsWith('\n')).toBe(true);
    const last = lines(text.trimEnd()).at(-1)!;
    expect(last).toBe(
      'BOXAUDIT status=findings critical=2 high=3 medium=1 low=0 info=0 inconclusive=1 waived=1 expired=1 gaps=4 failon=high exit=1',
    );
    expect(last).toMatch(STATUS_LINE);
  });

  it('has no ANSI escapes without color, and some with color', () => {
    expect(text).not.toMatch(TERMINAL_CONTROL);
    const colored = render(doctorOffice(), { format: 'text', lang: 'en', color: true });
    expect(colored).toContain('\u001b[1m\u001b[31mCRITICAL: 192.168.1.20 ("Orthanc PACS")\u001b[0m');
    // The status line stays plain for RMM parsers.
    expect(lines(colored.trimEnd()).at(-1)).toMatch(STATUS_LINE);
  });
});

describe('text report when nothing is found', () => {
  it('never claims safety when areas could not be checked', () => {
    const text = render(cleanReport(false), { format: 'text', lang: 'en' });
    expect(text).toContain('No exposure found in what could be read; 4 areas could not be checked.');
    expect(text).not.toMatch(/\bsafe\b|no problem/i);
    expect(lines(text.trimEnd()).at(-1)).toBe(
      'BOXAUDIT status=incomplete critical=0 high=0 medium=0 low=0 info=0 inconclusive=0 waived=0 expired=0 gaps=4 failon=high exit=0',
    );
    const fr = render(cleanReport(false), { format: 'text', lang: 'fr' });
    expect(fr).toContain(
      frenchSpaces(
        'Aucune exposition trouvée dans ce qui a pu être lu ; 4 zones n’ont pas pu être vérifiées.',
      ),
    );
  });

  it('says "clean" only when every area was read, and still not "safe"', () => {
    const text = render(cleanReport(true), { format: 'text', lang: 'en' });
    expect(text).toContain('No exposure found; everything boxaudit looks for could be read.');
    expect(text).toContain('Everything boxaudit looks for could be read.');
    expect(text).not.toMatch(/\bsafe\b/i);
    expect(lines(text.trimEnd()).at(-1)).toMatch(/^BOXAUDIT status=clean .* gaps=0 failon=high exit=0$/);
  });
});

describe('text report (French)', () => {
  const text = render(doctorOffice(), { format: 'text', lang: 'fr' });

  it('shows when the box was read as a date in the language and time zone asked, never a UTC ISO time', () => {
    const paris = render(doctorOffice(), { format: 'text', lang: 'fr', timeZone: 'Europe/Paris' });
    expect(paris).toContain(frenchSpaces('Lue le : 28 novembre 2026 à 09:30'));
    expect(paris).not.toContain('2026-11-28T08:30');
    const london = render(doctorOffice(), { format: 'markdown', lang: 'en', timeZone: 'Europe/London' });
    expect(london).toContain('28 November 2026 at 08:30');
    // A time a hand-edited dump cannot parse, or an unknown zone, shows the stored text instead.
    expect(render(doctorOffice(), { format: 'text', lang: 'fr', timeZone: 'Mars/Olympus' })).toContain(
      frenchSpaces('Lue le : 2026-11-28T08:30:00.000Z'),
    );
  });

  it('translates headings, labels and severity words', () => {
    expect(text).toContain(frenchSpaces('boxaudit 0.1.0 : audit de la box internet'));
    expect(text).toContain(frenchSpaces('Adresse IP publique (externe) : 203.0.113.45'));
    expect(text).toContain('Expositions trouvées');
    expect(text).toContain(frenchSpaces('CRITIQUE : 192.168.1.20 (« Orthanc PACS »)'));
    expect(text).toContain(frenchSpaces('ÉLEVÉE : 192.168.1.30 (« NAS SMB »)'));
    expect(text).toContain(
      frenchSpaces('Appareil : 192.168.1.30:21 <- Internet TCP 21 (UPnP, « NAS FTP scanner »)'),
    );
    expect(text).toContain('À faire en premier');
    expect(text).toContain(
      frenchSpaces('Supprimez les redirections de ports vers 192.168.1.20 (« Orthanc PACS »)'),
    );
    expect(text).toContain(
      frenchSpaces('Étape suivante : lancez boxaudit --vendor livebox --host 192.168.1.1'),
    );
    expect(text).toContain(frenchSpaces('Pourquoi c’est important : Le port TCP 104 est redirigé'));
    expect(text).toContain(frenchSpaces('Que faire : Supprimez cette redirection sur la box.'));
    expect(text).toContain('Impossible de conclure, faute d’information (1)');
    expect(text).toContain(frenchSpaces('Inconnu : port interne'));
    expect(text).toContain('? 192.168.1.50:inconnu');
    expect(text).toContain(frenchSpaces('Expositions possibles : '));
    expect(text).toContain(frenchSpaces('!! EXCEPTIONS EXPIRÉES : elles ne s’appliquent plus (1)'));
    expect(text).toContain('Exceptions accordées (acceptées volontairement) (1)');
    expect(text).toContain(
      frenchSpaces(
        'Motif : Reception PC support by the software vendor, source IP restricted; jusqu’au 2027-06-30',
      ),
    );
    expect(text).toContain('6 expositions trouvées (2 critiques, 3 élevées, 1 moyenne).');
    expect(text).toContain(frenchSpaces('Seuil d’alerte : gravité élevée ou plus.'));
  });

  it('translates coverage reasons by code', () => {
    expect(text).toContain(
      frenchSpaces(
        '- redirections de ports manuelles (lecture impossible par ce moyen) : les redirections de ports réglées à la main dans l’interface de la box ne sont pas visibles par UPnP : vérifiez-les dans l’interface web de la box',
      ),
    );
    expect(text).not.toContain('Manual port forwards are not visible over UPnP');
  });

  it('fills translated reasons from the coverage details, or keeps the English when a detail is missing', () => {
    const r = doctorOffice();
    const coverage = r.snapshots[0]!.coverage;
    coverage[0] = {
      area: 'upnp-mappings',
      status: 'partial',
      code: 'UPNP_END_606',
      reason: 'GetGenericPortMappingEntry failed at index 3 with UPnP error 606 Action not authorized',
      details: { index: 3, entries: 3, endedWith: 606 },
    };
    coverage.push({
      area: 'nat-pmp',
      status: 'partial',
      code: 'UPNP_MAX_ENTRIES',
      reason: 'stopped after N entries',
    });
    const fr = render(r, { format: 'text', lang: 'fr' });
    expect(fr).toContain(
      frenchSpaces(
        '- redirections UPnP (lecture partielle) : la box a renvoyé l’erreur UPnP 606 à l’entrée 3 ; les redirections suivantes, s’il y en a, n’ont pas été lues',
      ),
    );
    expect(fr).toContain(frenchSpaces('- NAT-PMP/PCP (lecture partielle) : stopped after N entries'));
  });

  it('falls back to the English reason for an unknown code, with French around it', () => {
    const r = doctorOffice();
    r.snapshots[0]!.coverage.push({
      area: 'nat-pmp',
      status: 'error',
      code: 'SOME_FUTURE_CODE',
      reason: 'NAT-PMP answered garbage.',
    });
    const fr = render(r, { format: 'text', lang: 'fr' });
    expect(fr).toContain(frenchSpaces('- NAT-PMP/PCP (échec de lecture) : NAT-PMP answered garbage.'));
  });

  it('leaves no English in headings, labels or severity words', () => {
    // Box-provided strings (descriptions, waiver reasons, warnings, URLs) are not ours to translate.
    const english =
      /\b(Exposures found|Could not decide|Waived|EXPIRED|Coverage|Warnings|Summary|Device|Why it matters|What to do|Reason|until|Unknown|unknown|CRITICAL|HIGH|MEDIUM|LOW|critical|high|medium|low|Read via|Read at|Public|Fails at|Forwards|the box itself|only from|manual|not visible|Read completely|could not)\b/;
    const ours = lines(text)
      .filter((l) => !l.startsWith('BOXAUDIT '))
      .map((l) =>
        l
          .replace(/"[^"]*"/g, '""')
          .replace(/Reception PC support by the software vendor, source IP restricted/, '')
          .replace(/\[SOAP_ACTION_FAILED\].*/, ''),
      );
    const leftovers = ours.filter((l) => english.test(l));
    expect(leftovers).toEqual([]);
  });
});

describe('text report hygiene', () => {
  it('is deterministic: the same report renders byte-identical output', () => {
    for (const lang of ['en', 'fr'] as const) {
      expect(render(doctorOffice(), { format: 'text', lang })).toBe(
        render(doctorOffice(), { format: 'text', lang }),
      );
    }
  });

  it('does not depend on the order of findings in the input', () => {
    const a = doctorOffice();
    const b = doctorOffice();
    b.findings.reverse();
    expect(render(b, { format: 'text' })).toBe(render(a, { format: 'text' }));
  });

  it('neutralises hostile descriptions: no terminal control, no forged lines, bounded length', () => {
    for (const lang of ['en', 'fr'] as const) {
      for (const color of [false, true]) {
        const text = render(hostileReport(), { format: 'text', lang, color });
        const plain = color ? text.replace(/\u001b\[[0-9;]*m/g, '') : text;
        expect(plain).not.toMatch(TERMINAL_CONTROL);
        // A description cannot forge the status line: exactly one, and last.
        const statusLines = lines(text).filter((l) => l.startsWith('BOXAUDIT '));
        expect(statusLines).toHaveLength(1);
        expect(lines(text.trimEnd()).at(-1)).toMatch(STATUS_LINE);
        expect(text).not.toContain('\nBOXAUDIT status=clean');
        for (const line of lines(plain)) expect(line.length).toBeLessThan(1300);
        expect(plain).toContain('?[2J?[31mPWNED?[0m');
        // Very long box strings are cut, not printed in full.
        expect(plain).not.toContain(HOSTILE.long.slice(0, 1100));
        expect(plain).toContain('A…');
      }
    }
  });
});
