import { describe, expect, it } from 'vitest';
import type { DumpDocument } from '../../src/model/types.js';
import { render, renderDump } from '../../src/reporters/index.js';
import { doctorOffice, hostileReport, schemaAjv } from './helpers.js';

const ajv = schemaAjv();
const validateReport = ajv.getSchema('https://boxaudit.dev/schema/report.schema.json')!;
const validateDump = ajv.getSchema('https://boxaudit.dev/schema/dump.schema.json')!;
const validateSnapshot = ajv.getSchema('https://boxaudit.dev/schema/snapshot.schema.json')!;

function errors(validate: typeof validateReport): string {
  return ajv.errorsText(validate.errors);
}

describe('JSON report', () => {
  it('is exactly the AuditReport, 2-space indented, with a trailing newline', () => {
    const report = doctorOffice();
    const out = render(report, { format: 'json', lang: 'fr' });
    expect(out).toBe(`${JSON.stringify(report, null, 2)}\n`);
    expect(JSON.parse(out)).toEqual(report);
    expect(Object.keys(JSON.parse(out))).toEqual([
      'schemaVersion',
      'tool',
      'snapshots',
      'findings',
      'waived',
      'summary',
    ]);
  });

  it('validates against schema/report.schema.json (which $refs the snapshot schema)', () => {
    const parsed: unknown = JSON.parse(render(doctorOffice(), { format: 'json' }));
    expect(validateReport(parsed), errors(validateReport)).toBe(true);
    const hostile: unknown = JSON.parse(render(hostileReport(), { format: 'json' }));
    expect(validateReport(hostile), errors(validateReport)).toBe(true);
  });

  it('rejects what breaks the contract', () => {
    const extra = doctorOffice() as unknown as { findings: Record<string, unknown>[] };
    extra.findings[0]!.surprise = true;
    expect(validateReport(extra)).toBe(false);
    expect(errors(validateReport)).toContain('must NOT have additional properties');

    const badSeverity = doctorOffice() as unknown as { findings: Record<string, unknown>[] };
    badSeverity.findings[0]!.severity = 'urgent';
    expect(validateReport(badSeverity)).toBe(false);

    const noFr = doctorOffice() as unknown as { findings: { message: Record<string, unknown> }[] };
    delete noFr.findings[0]!.message.fr;
    expect(validateReport(noFr)).toBe(false);

    const guessedPort = doctorOffice() as unknown as { snapshots: { forwards: Record<string, unknown>[] }[] };
    delete guessedPort.snapshots[0]!.forwards[0]!.internalPort; // missing, not null: unknown must be explicit
    expect(validateReport(guessedPort)).toBe(false);
    expect(errors(validateReport)).toContain("must have required property 'internalPort'");
  });

  it('leaves provenance.raw and coverage details free-form', () => {
    const report = doctorOffice();
    const forward = report.snapshots[0]!.forwards[0]!;
    forward.provenance.raw = { anything: [1, { nested: null }], 'odd key': 'x' };
    report.snapshots[0]!.coverage[0]!.details = { entries: 7, endedWith: 713, extra: { a: 1 } };
    expect(validateReport(report), errors(validateReport)).toBe(true);
  });
});

describe('JSON dump', () => {
  it('is the dump document as is and validates against schema/dump.schema.json', () => {
    const doc: DumpDocument = { schemaVersion: '1.0', snapshots: doctorOffice().snapshots };
    const out = renderDump(doc, { format: 'json' });
    expect(out).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    expect(validateDump(JSON.parse(out)), errors(validateDump)).toBe(true);
    expect(validateSnapshot(doc.snapshots[0]), errors(validateSnapshot)).toBe(true);
  });

  it('accepts unknowns as null and rejects a bad protocol or port', () => {
    const snapshot = doctorOffice().snapshots[0]!;
    snapshot.dmz = { enabled: null, host: null };
    snapshot.upnp = null;
    snapshot.lanPrefixes = null;
    snapshot.remoteAdmin = {
      enabled: true,
      services: [{ service: 'https', port: 8443, wan: true, restrictedTo: null }],
    };
    snapshot.forwards[0]!.externalPort = null;
    snapshot.forwards[0]!.enabled = null;
    snapshot.forwards[0]!.leaseSeconds = null;
    expect(validateSnapshot(snapshot), errors(validateSnapshot)).toBe(true);
    const bad = structuredClone(snapshot) as unknown as { forwards: Record<string, unknown>[] };
    bad.forwards[0]!.protocol = 'both';
    expect(validateSnapshot(bad)).toBe(false);
    const badPort = structuredClone(snapshot);
    badPort.forwards[1]!.internalPort = { start: 70000, end: 70000 };
    expect(validateSnapshot(badPort)).toBe(false);
  });
});
