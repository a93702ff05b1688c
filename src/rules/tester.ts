/**
 * The rule tester (ESLint's idea): each rule's examples are run through the real evaluator.
 * A fail example must fail for that rule; a pass example must give no finding for it.
 */
import { emptyGatewayInfo } from '../model/gateway.js';
import type { PortForward, PortRange, Snapshot } from '../model/types.js';
import { evaluate } from './evaluate.js';
import { parsePortSpec } from './ports.js';
import type { ExampleForward, Rule, RuleExample } from './types.js';

const EXAMPLE_NOW = '2026-01-01T00:00:00Z';

function toRange(value: ExampleForward['externalPort']): PortRange | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value === 'object') return value;
  return parsePortSpec(value);
}

/** A whole forward from an example: harmless defaults for what it does not say. */
export function exampleForward(partial: ExampleForward = {}, index = 0): PortForward {
  const ext = toRange(partial.externalPort);
  const int = toRange(partial.internalPort);
  return {
    id: partial.id ?? `fwd_example_${index}`,
    source: partial.source ?? 'static',
    protocol: partial.protocol ?? 'tcp',
    externalPort: ext === undefined ? (int ?? { start: 40000, end: 40000 }) : ext,
    internalHost: partial.internalHost === undefined ? '192.168.1.10' : partial.internalHost,
    internalPort: int === undefined ? (ext ?? { start: 40000, end: 40000 }) : int,
    remoteHost: partial.remoteHost ?? null,
    enabled: partial.enabled === undefined ? true : partial.enabled,
    description: partial.description === undefined ? 'example' : partial.description,
    leaseSeconds: partial.leaseSeconds === undefined ? 3600 : partial.leaseSeconds,
    provenance: { adapter: 'example', transport: 'file' },
    ...(partial.probe
      ? {
          probe: {
            status: partial.probe.status,
            family: partial.probe.service ?? null,
            service: partial.probe.service ?? null,
            reason: partial.probe.status === 'confirmed' ? null : partial.probe.status.toUpperCase(),
            facts: partial.probe.facts ?? {},
            target: null,
            bytesSent: 0,
            bytesReceived: 0,
          },
        }
      : {}),
  };
}

/** A whole snapshot from an example: a quiet box (DMZ off, UPnP off, no remote admin). */
export function exampleSnapshot(example: RuleExample): Snapshot {
  const s = example.snapshot ?? {};
  const forwards = example.forward
    ? [exampleForward(example.forward)]
    : (s.forwards ?? []).map((f, i) => exampleForward(f as ExampleForward, i));
  return {
    target: { kind: 'file', address: 'example', adapter: 'example' },
    collectedAt: EXAMPLE_NOW,
    gateway: emptyGatewayInfo(null),
    dmz: { enabled: false, host: null },
    upnp: { enabled: false, mappingCount: 0, igdVersion: null },
    remoteAdmin: { enabled: false, services: [] },
    lanPrefixes: ['192.168.1.0/24'],
    coverage: [],
    warnings: [],
    ...s,
    forwards,
  };
}

/**
 * Run a rule's examples; returns problems as `/examples/fail/0 …` lines (empty when all behave).
 * Evaluation errors are reported, not thrown.
 */
export function runRuleExamples(rule: Rule): string[] {
  const problems: string[] = [];
  const run = (kind: 'fail' | 'pass', example: RuleExample, i: number): void => {
    const where = `/examples/${kind}/${i}`;
    try {
      const ruleSet = { rules: [rule], waivers: [], profiles: example.profiles ?? [] };
      const { findings } = evaluate([exampleSnapshot(example)], ruleSet, { now: EXAMPLE_NOW });
      const mine = findings.filter((f) => f.ruleId === rule.id);
      if (kind === 'fail' && !mine.some((f) => f.status === 'fail')) {
        const got =
          mine.length > 0 ? `was ${mine[0]!.status} (unknown: ${mine[0]!.unknown?.join(', ')})` : 'passed';
        problems.push(`${where} should fail but ${got}`);
      }
      if (kind === 'pass' && mine.length > 0) {
        problems.push(`${where} should pass but was ${mine[0]!.status}`);
      }
    } catch (error) {
      problems.push(`${where} could not be evaluated: ${(error as Error).message}`);
    }
  };
  for (const [i, e] of (rule.examples?.fail ?? []).entries()) run('fail', e, i);
  for (const [i, e] of (rule.examples?.pass ?? []).entries()) run('pass', e, i);
  return problems;
}
