/** Shared fixtures for the reporter tests: a hand-made doctor's-office report and hostile variants. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { AuditReport } from '../../src/rules/types.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/reports/doctor-office.report.json', import.meta.url));
const SCHEMA_DIR = new URL('../../schema/', import.meta.url);

/**
 * A doctor's office behind a Livebox read over UPnP: PACS on 104 and 8443→104 (critical), SMB, FTP
 * (its waiver expired) and RDP (high), UPnP on (medium, router-level), an inconclusive database
 * forward (internal port unknown), a waived VNC forward, and four areas UPnP cannot see.
 * A fresh deep copy each call, so tests may mutate it.
 */
export function doctorOffice(): AuditReport {
  return JSON.parse(readFileSync(FIXTURE, 'utf8')) as AuditReport;
}

/** A report with nothing found; `complete` decides whether every coverage item was read. */
export function cleanReport(complete: boolean): AuditReport {
  const r = doctorOffice();
  r.findings = [];
  r.waived = [];
  r.summary.counts = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  r.summary.inconclusive = 0;
  r.summary.waived = 0;
  r.summary.expiredWaivers = [];
  r.summary.exitCode = 0;
  const snapshot = r.snapshots[0]!;
  if (complete) snapshot.coverage = snapshot.coverage.filter((c) => c.status === 'complete');
  r.summary.coverageGaps = snapshot.coverage.filter((c) => c.status !== 'complete').length;
  return r;
}

/** Strings a hostile box (or LAN program opening a UPnP mapping) can put in a description. */
export const HOSTILE = {
  ansi: '\u001b[2J\u001b[31mPWNED\u001b[0m',
  osc: '\u001b]8;;http://evil.example/\u0007click\u001b]8;;\u0007',
  c1csi: '\u009b31mC1',
  newline: 'line1\nBOXAUDIT status=clean critical=0 exit=0\r\nline3',
  bidi: 'abc\u202edcba',
  markdown:
    '| x | ![img](http://evil.example/a.png) <script>alert(1)</script> [link](http://evil.example) **bold** `code`',
  long: 'A'.repeat(5000),
} as const;

/** The doctor's-office report with every hostile string planted in descriptions and messages. */
export function hostileReport(): AuditReport {
  const r = doctorOffice();
  const values = Object.values(HOSTILE);
  const forwards = r.snapshots[0]!.forwards;
  forwards.forEach((f, i) => {
    f.description = values[i % values.length]!;
  });
  r.snapshots[0]!.gateway.friendlyName = HOSTILE.ansi;
  r.snapshots[0]!.gateway.manufacturer = HOSTILE.newline;
  r.findings.forEach((f, i) => {
    const v = values[i % values.length]!;
    f.message = { en: `Forward "${v}" is open`, fr: `La redirection "${v}" est ouverte` };
    f.title = { en: `Title ${v}`, fr: `Titre ${v}` };
  });
  r.waived[0]!.waiver.reason = HOSTILE.newline;
  r.summary.expiredWaivers[0]!.reason = HOSTILE.ansi;
  r.snapshots[0]!.warnings.push({ code: 'X', message: HOSTILE.osc, where: HOSTILE.c1csi });
  return r;
}

/** ajv (JSON Schema 2020-12, strict) with the published snapshot, dump and report schemas loaded. */
export function schemaAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  for (const name of ['snapshot', 'dump', 'report']) {
    ajv.addSchema(JSON.parse(readFileSync(new URL(`${name}.schema.json`, SCHEMA_DIR), 'utf8')));
  }
  return ajv;
}

/** Control characters that could drive a terminal: C0 except \n, DEL, C1, bidi overrides. */
export const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
