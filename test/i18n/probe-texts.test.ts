/**
 * Issue 13, "both languages cover every field and outcome": every probe status, every reason code
 * a probe, the probe step, a reachability check or the InternetDB lookup can record, and every fact
 * the reports put in words has an English and a French text, and the evidence sentences built from
 * them are whole (no raw code, no unfilled placeholder) and typographically French (’, no-break
 * spaces). The lists come from the source of truth (the `as const` arrays that type the unions) and
 * are checked against the JSON schema's enums and its documented reason list.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import { fr } from '../../src/i18n/fr.js';
import { hasMessage, type Lang, type MessageKey, t } from '../../src/i18n/index.js';
import type { ForwardProbe, ForwardReachability, ProbeFactValue, Snapshot } from '../../src/model/types.js';
import { PROBE_STEP_REASONS } from '../../src/probe.js';
import { INTERNET_DB_REASONS } from '../../src/probes/internet-db.js';
import { REACH_REASONS } from '../../src/probes/reach.js';
import { PROBE_REASONS, PROBE_STATUSES } from '../../src/probes/types.js';
import {
  internetDbLines,
  probeReasonWord,
  probeSentence,
  reachableSentence,
} from '../../src/reporters/evidence.js';

const ASCII_APOSTROPHE = /\p{L}'\p{L}/u;
const BREAKING_SPACE = / [:;!?»]|« /;
const PLACEHOLDER = /\{[a-zA-Z]+(:[^}]*)?\}/;

interface SchemaDefs {
  $defs: Record<string, { properties: Record<string, { enum?: string[]; description?: string }> }>;
}
const schema = JSON.parse(
  readFileSync(new URL('../../schema/snapshot.schema.json', import.meta.url), 'utf8'),
) as SchemaDefs;
const defs = schema.$defs;
const internetDbStatuses = (
  defs.probeRun!.properties.internetDb as unknown as {
    anyOf: Array<{ properties?: Record<string, { enum?: string[] }> }>;
  }
).anyOf.find((x) => x.properties)!.properties!.status!.enum!;

const PROBE_REASON_CODES = [...PROBE_REASONS, ...PROBE_STEP_REASONS];
const ALL_REASONS = [...new Set<string>([...PROBE_REASON_CODES, ...REACH_REASONS, ...INTERNET_DB_REASONS])];
const LANGS: Lang[] = ['en', 'fr'];

/** A French text as a French reader must see it; an English text with no French left in it. */
function expectWhole(en: string, fr: string, what: string): void {
  expect(en, what).not.toBe('');
  expect(fr, what).not.toBe('');
  expect(fr, `${what}: the French is not the English`).not.toBe(en);
  for (const text of [en, fr]) expect(text, what).not.toMatch(PLACEHOLDER);
  expect(fr, `${what}: ’ in French`).not.toMatch(ASCII_APOSTROPHE);
  expect(fr, `${what}: no-break spaces in French`).not.toMatch(BREAKING_SPACE);
}

function probe(status: ForwardProbe['status'], over: Partial<ForwardProbe> = {}): ForwardProbe {
  return {
    status,
    family: 'smb',
    service: status === 'confirmed' ? 'smb' : null,
    reason: null,
    facts: {},
    target: { host: '192.168.1.20', port: 445 },
    bytesSent: 0,
    bytesReceived: 0,
    ...over,
  };
}

describe('the lists are the schema’s', () => {
  it('probe statuses: the schema enum is PROBE_STATUSES', () => {
    expect([...defs.forwardProbe!.properties.status!.enum!].sort()).toEqual([...PROBE_STATUSES].sort());
  });

  it('probe reasons: the codes the schema documents are PROBE_REASONS and PROBE_STEP_REASONS', () => {
    const description = defs.forwardProbe!.properties.reason!.description!;
    const listed = /Stable code: ([A-Z_, ]+); null when confirmed/.exec(description)?.[1]?.split(', ');
    expect(listed?.sort()).toEqual([...PROBE_REASON_CODES].sort());
  });

  it('reachability methods and InternetDB statuses: the enums the reporters cover below', () => {
    expect(defs.forwardReachability!.properties.method!.enum).toEqual(['vantage', 'hairpin', 'internet-db']);
    expect([...internetDbStatuses].sort()).toEqual(['error', 'found', 'not-found', 'skipped']);
  });
});

describe('every reason code has words in English and in French', () => {
  it.each(ALL_REASONS)('%s', (code) => {
    const key = `probeReason.${code}`;
    expect(hasMessage(key), `${key} in src/i18n/en.ts`).toBe(true);
    const [english, french] = LANGS.map((lang) => probeReasonWord(code, lang));
    expect(english).toBe(en[key as MessageKey]);
    expect(french).toBe(t('fr', key as MessageKey));
    expect(english, 'words, not the code').not.toBe(code);
    expectWhole(english!, french!, code);
  });
});

describe('every probe outcome reads as a sentence in both languages', () => {
  const cases: Array<[string, ForwardProbe]> = [
    ['confirmed', probe('confirmed')],
    [
      'different, service known',
      probe('different', { service: 'ssh', facts: { sshSoftware: 'OpenSSH_9.2p1' } }),
    ],
    ['different, service unknown', probe('different', { reason: 'TLS_ERROR' })],
    ...PROBE_REASON_CODES.flatMap((reason) =>
      (['silent', 'error', 'skipped'] as const).map((status): [string, ForwardProbe] => [
        `${status} ${reason}`,
        probe(status, { reason, service: null }),
      ]),
    ),
  ];

  it('covers every status', () => {
    expect(new Set(cases.map(([, p]) => p.status))).toEqual(new Set(PROBE_STATUSES));
  });

  it.each(cases)('%s', (_, p) => {
    const [english, french] = LANGS.map((lang) => probeSentence(p, lang));
    // The reason in words, never the bare code in parentheses.
    if (p.reason) for (const s of [english, french]) expect(s).not.toContain(`(${p.reason})`);
    if (p.status !== 'skipped') for (const s of [english, french]) expect(s).toContain('192.168.1.20:445');
    expectWhole(english!, french!, `${p.status} ${p.reason}`);
  });
});

describe('every reachability outcome reads as a sentence in both languages', () => {
  const cases: ForwardReachability[] = [
    ...(['vantage', 'hairpin'] as const).flatMap((method) =>
      REACH_REASONS.flatMap((reason) =>
        [true, false, null].map((fromInternet) => ({ fromInternet, method, reason })),
      ),
    ),
    { fromInternet: true, method: 'internet-db', reason: 'LISTED' },
  ];

  it.each(cases.map((r) => [`${r.method} ${r.fromInternet} ${r.reason}`, r] as const))('%s', (_, r) => {
    const [english, french] = LANGS.map((lang) => reachableSentence(r, lang, 'audit@vantage.example'));
    for (const s of [english, french]) expect(s).not.toContain(`(${r.reason})`);
    expectWhole(english!, french!, `${r.method} ${r.fromInternet} ${r.reason}`);
  });

  it.each(
    internetDbStatuses.flatMap((status) =>
      (status === 'error' || status === 'skipped' ? INTERNET_DB_REASONS : [null]).map(
        (reason) => [`${status} ${reason}`, status, reason] as const,
      ),
    ),
  )('InternetDB %s', (_, status, reason) => {
    const snapshot = {
      probes: {
        internetDb: {
          url: 'https://internetdb.example/203.0.113.7',
          status,
          ports: status === 'found' ? [445] : [],
          hostnames: [],
          tags: status === 'found' ? ['self-signed'] : [],
          cpes: [],
          vulns: status === 'found' ? ['CVE-2017-0144'] : [],
          reason,
        },
      },
    } as unknown as Snapshot;
    const [english, french] = LANGS.map((lang) => internetDbLines(snapshot, lang).join('\n'));
    if (reason) for (const s of [english, french]) expect(s).not.toContain(`(${reason})`);
    expectWhole(english!, french!, `InternetDB ${status} ${reason}`);
  });
});

describe('every fact the reports put in words, in both languages', () => {
  /** One probe per `fact.*` text: the service, the facts that make the reporter say it, and its parameters. */
  const FACTS: Record<
    string,
    { service: string; facts: Record<string, ProbeFactValue>; params?: Record<string, string> }
  > = {
    'fact.dicomAccepted': { service: 'dicom', facts: { associationAccepted: true } },
    'fact.echoOk': { service: 'dicom', facts: { associationAccepted: true, echoStatus: 0 } },
    'fact.dicomRejected': {
      service: 'dicom',
      facts: { associationAccepted: false, rejectReason: 'calling-ae-title-not-recognized' },
      params: { reason: 'calling-ae-title-not-recognized' },
    },
    'fact.noPassword': { service: 'http', facts: { authRequired: false } },
    'fact.password': { service: 'https', facts: { authRequired: true } },
    'fact.products': {
      service: 'http',
      facts: { products: ['Orthanc Explorer'] },
      params: { products: 'Orthanc Explorer' },
    },
    'fact.title': { service: 'http', facts: { title: 'Cabinet NAS' }, params: { title: 'Cabinet NAS' } },
    'fact.noNla': { service: 'rdp', facts: { nlaRequired: false } },
    'fact.nla': { service: 'rdp', facts: { nlaRequired: true } },
    'fact.vncNone': { service: 'vnc', facts: { noneOffered: true } },
    'fact.vncAuth': { service: 'vnc', facts: { noneOffered: false } },
    'fact.smb1': { service: 'smb', facts: { smb1Accepted: true } },
    'fact.smbDialect': { service: 'smb', facts: { dialect: '3.1.1' }, params: { dialect: '3.1.1' } },
    'fact.smbGuest': { service: 'smb', facts: { guestSession: true } },
    'fact.software': {
      service: 'ssh',
      facts: { sshProtocolVersion: '2.0', sshSoftware: 'OpenSSH_9.2p1', sshComments: null },
      params: { software: 'OpenSSH_9.2p1' },
    },
    'fact.banner': {
      service: 'ftp',
      facts: { ftpReplyCode: 220, banner: 'Cabinet FTP ready' },
      params: { banner: 'Cabinet FTP ready' },
    },
    'fact.ftpAnonymous': { service: 'ftp', facts: { anonymousLogin: true } },
  };

  it('the table covers every fact.* text of the catalogue', () => {
    expect(Object.keys(FACTS).sort()).toEqual(
      Object.keys(en)
        .filter((k) => k.startsWith('fact.'))
        .sort(),
    );
  });

  it.each(Object.entries(FACTS))('%s', (key, { service, facts, params = {} }) => {
    const p = probe('confirmed', { family: service, service, facts });
    const [english, french] = LANGS.map((lang) => probeSentence(p, lang));
    expect(english).toContain(t('en', key as MessageKey, params));
    expect(french).toContain(t('fr', key as MessageKey, params));
    expect(fr[key as MessageKey]).not.toBe(en[key as keyof typeof en]);
    expectWhole(english!, french!, key);
  });
});
