/**
 * Reports with tens of thousands of findings: every format must still name the right forward for
 * each finding and keep the public-port order. The forward lookup used to be a scan per finding
 * (quadratic); speed itself is measured in bench/report.bench.ts, not asserted here.
 */
import { describe, expect, it } from 'vitest';
import { render } from '../../src/reporters/index.js';
import type { AuditReport } from '../../src/rules/types.js';
import { bigReport as makeBigReport } from './big-report.js';
import { doctorOffice } from './helpers.js';

const N = 20_000;

/** Forward i: public port 20000 + a permutation of i (so sorting has work to do), unique description. */
function publicPort(i: number): number {
  return 20_000 + ((i * 7_919) % N);
}

/** N RDP forwards and one critical finding each, findings listed in an order unrelated to the ports. */
function bigReport(): AuditReport {
  return makeBigReport(doctorOffice(), N, { publicPort });
}

/** The forward index from a `host-<i>` description in a line. */
function hostOf(line: string): number {
  const m = /host-(\d+)/.exec(line);
  expect(m, line).not.toBeNull();
  return Number(m![1]);
}

/** Each finding names its own forward, and the findings come in ascending public port. */
function expectEveryForwardInPortOrder(lines: readonly string[]): void {
  expect(lines).toHaveLength(N);
  const hosts = lines.map(hostOf);
  lines.forEach((line, k) => {
    expect(line).toContain(`TCP ${publicPort(hosts[k]!)} `);
  });
  const ports = hosts.map(publicPort);
  expect(ports).toEqual([...ports].sort((a, b) => a - b));
  expect(new Set(hosts).size).toBe(N);
}

describe(`reports with ${N} findings over ${N} forwards`, () => {
  const report = bigReport();

  it('text: one block per device, each with its own forward, in public-port order', () => {
    const text = render(report, { format: 'text', lang: 'en' });
    expect(text.split('\n').filter((l) => l.startsWith('  * '))).toHaveLength(N);
    expect(text.split('\n').filter((l) => l.startsWith('CRITICAL: '))).toHaveLength(N);
    expectEveryForwardInPortOrder(text.split('\n').filter((l) => l.startsWith('      - ')));
    expect(text.trimEnd().split('\n').at(-1)).toContain(`critical=${N} `);
  });

  it('markdown: one table row per finding, each with its own forward, in public-port order', () => {
    const markdown = render(report, { format: 'markdown', lang: 'en' });
    expectEveryForwardInPortOrder(markdown.split('\n').filter((l) => l.startsWith('| `BOX-RA-001` |')));
  });

  it('sarif: one result per finding, each located at its own forward, in public-port order', () => {
    const log = JSON.parse(render(report, { format: 'sarif', lang: 'en' }));
    const results = log.runs[0].results as Array<{
      ruleIndex: number;
      properties: { forwardId: string };
      locations: Array<{ logicalLocations: Array<{ name: string }> }>;
    }>;
    expect(log.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['BOX-RA-001']);
    expect(results.every((r) => r.ruleIndex === 0)).toBe(true);
    const names = results.map((r) => r.locations[0]!.logicalLocations[0]!.name);
    expectEveryForwardInPortOrder(names);
    results.forEach((r, k) => {
      expect(r.properties.forwardId).toBe(`fwd-${hostOf(names[k]!)}`);
    });
  });

  it('json: the report as is', () => {
    const parsed = JSON.parse(render(report, { format: 'json' })) as AuditReport;
    expect(parsed.findings).toHaveLength(N);
    expect(parsed.snapshots[0]!.forwards).toHaveLength(N);
    expect(parsed.findings[1]!.forwardId).toBe(report.findings[1]!.forwardId);
  });
});

describe('forward ids repeated in a hand-made snapshot', () => {
  /** Two forwards share the id of the PACS finding: the first one in the snapshot is the one shown. */
  function duplicated(): AuditReport {
    const r = doctorOffice();
    const forwards = r.snapshots[0]!.forwards;
    const pacs = forwards.findIndex((f) => f.id === 'fwd-pacs-104');
    forwards.splice(pacs + 1, 0, {
      ...forwards[pacs]!,
      externalPort: { start: 60_001, end: 60_001 },
      description: 'second with the same id',
    });
    return r;
  }

  it('every format names the first forward with that id', () => {
    const r = duplicated();
    for (const format of ['text', 'markdown', 'sarif'] as const) {
      const out = render(r, { format, lang: 'en' });
      expect(out, format).toContain('Orthanc PACS');
      expect(out, format).not.toContain('second with the same id');
      expect(out, format).not.toContain('60001');
    }
  });
});
