/**
 * The truth table: minimal fixtures derived from real router configurations that their owners
 * published (test/fixtures/configs/real/, sources in test/fixtures/configs/SOURCES.md), each with the
 * truth a careful network engineer reads in the original file, written beside it as
 * `<fixture>.truth.json`. One test per fixture checks boxaudit's snapshot and judgement against it.
 *
 * Truth file fields (all optional but `source` and `pattern`):
 * - `source`   repository, path and commit of the original file (also in SOURCES.md)
 * - `pattern`  the real-world pattern this fixture pins down
 * - `vendor`   force the format (as `--vendor`); default: detected
 * - `detect`   the format detection must give this vendor
 * - `refused`  the file must be refused with a message matching this regular expression
 * - `forwards` the exact list of forwards, as `source proto external host:internal [from X] [disabled]`
 *              (ranges `a-b`, unknown `?`), order free
 * - `dmz`      the DMZ host, `false` when off, `null` when unknown
 * - `upnp`     UPnP enabled (true/false/null)
 * - `remoteAdminWan` remote administration reachable from the WAN (true/false/null)
 * - `coverage` area → status that must hold (subset)
 * - `warnings` warning codes that must be present (subset)
 * - `fail`     rule ids that must fail; `notFail` rule ids that must neither fail nor be inconclusive
 * - `maxSeverity` no failing finding above it (`none`: no failing finding at all)
 * - `profile`  `health` to audit with the health profile
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/audit.js';
import { parseExport } from '../../src/import.js';
import type { PortForward, PortRange, Snapshot } from '../../src/model/types.js';
import { loadRuleSet } from '../../src/rules/load.js';
import { SEVERITIES, type Severity } from '../../src/rules/types.js';

const ROOT = fileURLToPath(new URL('../fixtures/configs/real/', import.meta.url));

interface Truth {
  source: string;
  pattern: string;
  vendor?: string;
  detect?: string;
  refused?: string;
  forwards?: string[];
  dmz?: string | false | null;
  upnp?: boolean | null;
  remoteAdminWan?: boolean | null;
  coverage?: Record<string, string>;
  warnings?: string[];
  fail?: string[];
  notFail?: string[];
  maxSeverity?: Severity | 'none';
  profile?: 'health';
}

function truthFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return truthFiles(path);
    return name.endsWith('.truth.json') ? [path] : [];
  });
}

const range = (r: PortRange | null) =>
  r === null ? '?' : r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`;

/** One forward in the truth files' compact words. */
function describeForward(f: PortForward): string {
  const parts = [
    f.source,
    f.protocol,
    range(f.externalPort),
    `${f.internalHost ?? '?'}:${range(f.internalPort)}`,
  ];
  if (f.remoteHost !== null) parts.push(`from ${f.remoteHost}`);
  if (f.enabled === false) parts.push('disabled');
  if (f.enabled === null) parts.push('enabled?');
  return parts.join(' ');
}

function remoteAdminWan(snap: Snapshot): boolean | null {
  const services = snap.remoteAdmin?.services ?? [];
  if (services.some((s) => s.wan === true)) return true;
  if (snap.remoteAdmin === null || services.some((s) => s.wan === null)) return null;
  return false;
}

const files = truthFiles(ROOT).sort();

describe('truth table over real-derived configurations', () => {
  it('holds at least 60 fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(60);
  });

  it.each(files.map((f) => [relative(ROOT, f).replace(/\.truth\.json$/, ''), f]))(
    '%s',
    async (name, truthPath) => {
      const truth = JSON.parse(readFileSync(truthPath, 'utf8')) as Truth;
      expect(truth.source, 'source is cited').toMatch(/\S/);
      expect(truth.pattern, 'pattern is said').toMatch(/\S/);
      const text = readFileSync(truthPath.replace(/\.truth\.json$/, ''), 'utf8');
      const options = { fileName: name, ...(truth.vendor !== undefined ? { vendor: truth.vendor } : {}) };
      if (truth.refused !== undefined) {
        expect(() => parseExport(text, options)).toThrow(new RegExp(truth.refused));
        return;
      }
      const snap = parseExport(text, options);
      if (truth.detect !== undefined) expect(snap.target.adapter).toBe(truth.detect);
      if (truth.forwards !== undefined) {
        expect(snap.forwards.map(describeForward).sort()).toEqual([...truth.forwards].sort());
      }
      if (truth.dmz !== undefined) {
        const dmz =
          snap.dmz === null || snap.dmz.enabled === null ? null : snap.dmz.enabled ? snap.dmz.host : false;
        expect(dmz, 'dmz').toEqual(truth.dmz);
      }
      if (truth.upnp !== undefined) expect(snap.upnp?.enabled ?? null, 'upnp').toBe(truth.upnp);
      if (truth.remoteAdminWan !== undefined)
        expect(remoteAdminWan(snap), 'remote admin on WAN').toBe(truth.remoteAdminWan);
      for (const [area, status] of Object.entries(truth.coverage ?? {})) {
        const items = snap.coverage.filter((c) => c.area === area);
        expect(items.length, `coverage of ${area}`).toBeGreaterThan(0);
        expect(
          items.map((c) => c.status),
          `coverage of ${area}`,
        ).toContain(status);
        // "complete" means every item of that area is complete.
        if (status === 'complete')
          expect(
            items.every((c) => c.status === 'complete'),
            `${area} all complete`,
          ).toBe(true);
      }
      const codes = snap.warnings.map((w) => w.code);
      for (const code of truth.warnings ?? []) expect(codes, 'warnings').toContain(code);

      const ruleSet = await loadRuleSet({
        extends: truth.profile === 'health' ? ['recommended', 'health'] : ['recommended'],
      });
      const report = buildReport([snap], ruleSet, { now: '2026-12-01T00:00:00Z' });
      const failing = report.findings.filter((f) => f.status === 'fail');
      const failed = new Set(failing.map((f) => f.ruleId));
      for (const id of truth.fail ?? []) expect([...failed], `${id} fails`).toContain(id);
      for (const id of truth.notFail ?? []) {
        expect(
          report.findings.filter((f) => f.ruleId === id).map((f) => `${f.ruleId} ${f.status}`),
          `${id} silent`,
        ).toEqual([]);
      }
      if (truth.maxSeverity !== undefined) {
        const limit =
          truth.maxSeverity === 'none' ? -1 : SEVERITIES.length - 1 - SEVERITIES.indexOf(truth.maxSeverity);
        const over = failing.filter((f) => SEVERITIES.length - 1 - SEVERITIES.indexOf(f.severity) > limit);
        expect(
          over.map((f) => `${f.ruleId} ${f.severity} ${f.forwardId ?? ''}`),
          `nothing above ${truth.maxSeverity}`,
        ).toEqual([]);
      }
    },
  );
});
