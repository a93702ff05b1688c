/**
 * Big reports for the scale tests and the rendering benchmark (bench/report.bench.ts): the doctor's
 * office fixture scaled to N RDP forwards with one critical finding each. Public ports, forwards and
 * findings come in three unrelated orders, so sorting and the forward lookup have work to do.
 */
import type { PortForward } from '../../src/model/types.js';
import type { AuditReport, Finding } from '../../src/rules/types.js';

export interface BigReportOptions {
  /** Public port of forward i (default: 20000 + a permutation of i modulo min(n, 45000)). */
  publicPort?: (i: number) => number;
}

/** `base` (a doctor's-office report, changed in place and returned) with `n` forwards and `n` findings. */
export function bigReport(base: AuditReport, n: number, options: BigReportOptions = {}): AuditReport {
  const span = Math.min(n, 45_000);
  const publicPort = options.publicPort ?? ((i: number) => 20_000 + ((i * 7_919) % span));
  const snapshot = base.snapshots[0]!;
  const forwardTemplate = snapshot.forwards[0]!;
  const findingTemplate =
    base.findings.find((f) => f.status === 'fail' && f.severity === 'critical') ?? base.findings[0]!;
  const forwards: PortForward[] = [];
  const findings: Finding[] = [];
  for (let i = 0; i < n; i++) {
    const port = publicPort(i);
    forwards.push({
      ...forwardTemplate,
      id: `fwd-${i}`,
      externalPort: { start: port, end: port },
      internalHost: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      internalPort: { start: 3389, end: 3389 },
      description: `host-${i}`,
    });
  }
  for (let k = 0; k < n; k++) {
    const i = (k * 3_001) % n; // another permutation (3001 is prime): finding order ≠ forward order
    findings.push({ ...findingTemplate, ruleId: 'BOX-RA-001', forwardId: `fwd-${i}` });
  }
  snapshot.forwards = forwards;
  base.findings = findings;
  base.waived = [];
  base.summary.counts = { critical: n, high: 0, medium: 0, low: 0, info: 0 };
  base.summary.inconclusive = 0;
  base.summary.waived = 0;
  base.summary.forwardsChecked = n;
  return base;
}
