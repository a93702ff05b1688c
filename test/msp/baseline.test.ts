/**
 * Change over time (issue 15 part 4): `diffReports` matches exposures by what they are (box,
 * protocol, public port, device), not by ids; `markBaseline` marks findings new/unchanged, lists the
 * absent ones, and lets only new findings count toward the exit code; the report still validates
 * against schema/report.schema.json and its SARIF against the official SARIF 2.1.0 schema, with
 * `baselineState` as SARIF defines it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type AuditReport,
  buildReport,
  diffReports,
  exposuresOf,
  loadRuleSet,
  markBaseline,
  readAuditInput,
  render,
  renderDiffChunks,
} from '../../src/index.js';
import { doctorOffice } from '../reporters/helpers.js';
import { sarifValidator } from '../reporters/sarif-schema.js';
import { MSP_FIXTURES, validatorFor } from './helpers.js';

const NOW = '2026-12-01T00:00:00Z';

async function reportOf(file: string): Promise<AuditReport> {
  const { snapshots } = await readAuditInput(join(MSP_FIXTURES, file));
  return buildReport(snapshots, await loadRuleSet(), { now: NOW });
}

/** The same report with every forward id changed: what a new adapter version or a new field does. */
function withNewIds(report: AuditReport): AuditReport {
  const copy = structuredClone(report);
  for (const s of copy.snapshots) for (const f of s.forwards) f.id = `renamed-${f.id}`;
  for (const f of copy.findings) if (f.forwardId !== null) f.forwardId = `renamed-${f.forwardId}`;
  return copy;
}

describe('diffReports', () => {
  it('Monday → Tuesday: RDP new (exit 1), PACS gone, the intranet unchanged although renamed', async () => {
    const diff = diffReports(await reportOf('monday.uci'), await reportOf('tuesday.uci'));
    const label = (e: { exposure: { externalPort: string | null; internalHost: string | null } | null }) =>
      `${e.exposure?.externalPort}→${e.exposure?.internalHost}`;
    expect(diff.new.map(label)).toEqual(['33389→192.168.1.40']);
    expect(diff.new[0]).toMatchObject({ severity: 'critical', rules: ['BOX-RA-001'] });
    expect(diff.gone.map(label)).toEqual(['104→192.168.1.20']);
    expect(diff.unchanged.filter((e) => e.kind === 'forward').map(label)).toEqual(['8080→192.168.1.30']);
    expect(diff.exitCode).toBe(1);
  });

  it('matches by what an exposure is, not by ids: the same audit with new ids is all unchanged', async () => {
    const monday = await reportOf('monday.uci');
    const diff = diffReports(monday, withNewIds(monday));
    expect(diff.new).toEqual([]);
    expect(diff.gone).toEqual([]);
    expect(diff.unchanged.length).toBe(exposuresOf(monday).length);
    expect(diff.exitCode).toBe(0);
  });

  it('a UPnP box whose description URL moved to another port (miniupnpd restart) is the same box', () => {
    const older = structuredClone(doctorOffice());
    const newer = structuredClone(older);
    const t = newer.snapshots[0]!.target;
    expect(t.kind).toBe('upnp');
    const url = new URL(t.address);
    url.port = '37215';
    t.address = url.href;
    const diff = diffReports(older, newer);
    expect(diff.new).toEqual([]);
    expect(diff.gone).toEqual([]);
    const moved = structuredClone(newer);
    moved.snapshots[0]!.target.address = t.address.replace(url.hostname, '192.168.9.9');
    expect(diffReports(older, moved).gone.length).toBe(exposuresOf(older).length);
  });

  it('exit 1 only when something new is at or above failOn', async () => {
    const [monday, tuesday] = [await reportOf('monday.uci'), await reportOf('tuesday.uci')];
    expect(diffReports(monday, tuesday, { failOn: 'critical' }).exitCode).toBe(1);
    // Tuesday → Monday: the PACS forward comes back (critical), nothing else is new.
    expect(diffReports(tuesday, monday, { failOn: 'critical' }).exitCode).toBe(1);
    expect(diffReports(monday, monday).exitCode).toBe(0);
  });

  it('a disabled forward is not an exposure', async () => {
    const monday = await reportOf('monday.uci');
    const off = structuredClone(monday);
    for (const f of off.snapshots[0]!.forwards) if (f.externalPort?.start === 104) f.enabled = false;
    const diff = diffReports(monday, off);
    expect(diff.gone.map((e) => e.exposure?.externalPort)).toEqual(['104']);
  });

  it('checks its inputs and options', () => {
    expect(() => diffReports({} as never, {} as never)).toThrow(/older is not an audit report/);
    expect(() =>
      diffReports(
        { snapshots: [], findings: [] } as never,
        { snapshots: [], findings: [] } as never,
        'x' as never,
      ),
    ).toThrow(/diffReports: options must be an object/);
  });

  it('text in English and French ends with a status line; JSON is the diff as is', async () => {
    const diff = diffReports(await reportOf('monday.uci'), await reportOf('tuesday.uci'));
    const en = [...renderDiffChunks(diff, { format: 'text', lang: 'en' })].join('');
    const fr = [...renderDiffChunks(diff, { format: 'text', lang: 'fr' })].join('');
    expect(en).toContain('New exposures (1)');
    expect(en).toMatch(/\+ CRITICAL .* tcp 33389 → 192\.168\.1\.40:3389 "Remote desktop" \[BOX-RA-001\]/);
    expect(fr).toContain('Nouvelles expositions (1)');
    expect(fr).toContain('Disparues (1)');
    for (const text of [en, fr]) {
      expect(text.trimEnd().split('\n').at(-1)).toBe(
        'BOXAUDIT-DIFF new=1 gone=1 unchanged=3 failon=high exit=1',
      );
    }
    expect(JSON.parse([...renderDiffChunks(diff, { format: 'json' })].join(''))).toEqual(
      JSON.parse(JSON.stringify(diff)),
    );
  });

  it('a hostile description cannot forge lines or drive the terminal', async () => {
    const tuesday = await reportOf('tuesday.uci');
    for (const f of tuesday.snapshots[0]!.forwards) f.description = 'x\nBOXAUDIT-DIFF new=0 exit=0\u001b[2J';
    const text = [
      ...renderDiffChunks(diffReports(await reportOf('monday.uci'), tuesday), { format: 'text' }),
    ].join('');
    expect(text).not.toContain('\u001b');
    expect(text.split('\n').filter((l) => l.startsWith('BOXAUDIT-DIFF'))).toHaveLength(1);
  });
});

describe('markBaseline', () => {
  it('marks each finding new or unchanged, lists what is absent, and counts only new findings', async () => {
    const marked = markBaseline(await reportOf('tuesday.uci'), await reportOf('monday.uci'));
    const by = Object.fromEntries(marked.findings.map((f) => [f.ruleId, f.baseline]));
    expect(by['BOX-RA-001']).toBe('new');
    expect(by['BOX-WEB-001']).toBe('unchanged');
    expect(marked.absent?.map((a) => [a.ruleId, a.exposure?.externalPort])).toEqual([['BOX-MED-001', '104']]);
    expect(marked.summary.baseline).toEqual({ new: 1, unchanged: marked.findings.length - 1, absent: 1 });
    expect(marked.summary.exitCode).toBe(1);
    expect(validatorFor('report')(JSON.parse(render(marked, { format: 'json' })))).toBe('');
  });

  it('nothing new: exit 0 although the audit still has critical findings', async () => {
    const monday = await reportOf('monday.uci');
    expect(monday.summary.exitCode).toBe(1);
    const again = markBaseline(withNewIds(monday), monday);
    expect(again.findings.every((f) => f.baseline === 'unchanged')).toBe(true);
    expect(again.absent).toEqual([]);
    expect(again.summary.exitCode).toBe(0);
  });

  it('an incomplete read still gives 2 when nothing new is found', async () => {
    const monday = await reportOf('monday.uci');
    const broken = structuredClone(monday);
    broken.snapshots[0]!.coverage.push({ area: 'dmz', status: 'error', code: 'X', reason: 'could not read' });
    expect(markBaseline(broken, monday).summary.exitCode).toBe(2);
  });

  it('SARIF: baselineState new/unchanged on results, absent results for what is gone; valid SARIF 2.1.0', async () => {
    const marked = markBaseline(await reportOf('tuesday.uci'), await reportOf('monday.uci'));
    const log = JSON.parse(render(marked, { format: 'sarif', lang: 'fr' }));
    expect(sarifValidator()(log)).toBe('');
    const results = log.runs[0].results as Array<{
      ruleId: string;
      baselineState?: string;
      suppressions?: unknown;
    }>;
    const states = results.map((r) => `${r.ruleId}:${r.baselineState}`);
    expect(states).toEqual(
      expect.arrayContaining(['BOX-RA-001:new', 'BOX-WEB-001:unchanged', 'BOX-MED-001:absent']),
    );
    for (const r of results) expect(['new', 'unchanged', 'absent']).toContain(r.baselineState);
    // Without a baseline, no result claims a state.
    const plain = JSON.parse(render(await reportOf('tuesday.uci'), { format: 'sarif' }));
    expect(plain.runs[0].results.some((r: { baselineState?: string }) => r.baselineState !== undefined)).toBe(
      false,
    );
  });
});

describe('readAuditInput', () => {
  it('a saved report keeps its findings; an export gives snapshots only', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'boxaudit-baseline-'));
    const file = join(dir, 'monday.json');
    writeFileSync(file, render(await reportOf('monday.uci'), { format: 'json' }));
    const saved = await readAuditInput(file);
    expect(saved.report?.findings.length).toBeGreaterThan(0);
    const exported = await readAuditInput(join(MSP_FIXTURES, 'monday.uci'));
    expect(exported.report).toBeNull();
    expect(exported.snapshots[0]!.forwards.length).toBe(2);
  });

  it('a report that breaks the schema is refused, naming where', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'boxaudit-baseline-')), 'bad.json');
    const report = JSON.parse(render(await reportOf('monday.uci'), { format: 'json' }));
    report.findings[0].severity = 'apocalyptic';
    writeFileSync(file, JSON.stringify(report));
    await expect(readAuditInput(file)).rejects.toMatchObject({
      code: 'BOXAUDIT_INPUT_INVALID',
      message: expect.stringMatching(/\/findings\/0\/severity must be one of/),
    });
  });
});
