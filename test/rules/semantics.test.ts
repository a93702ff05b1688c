// Matching semantics, profiles, overrides, waivers, extends and determinism of evaluate().
import { describe, expect, it } from 'vitest';
import { isBoxauditError } from '../../src/errors.js';
import type { Snapshot } from '../../src/model/types.js';
import {
  describeFinding,
  describeFindings,
  evaluate,
  exampleForward,
  exampleSnapshot,
  loadRuleSet,
  validateRuleFiles,
} from '../../src/rules/index.js';
import { checkPatternSafety } from '../../src/rules/regex-safety.js';
import type { ExampleForward, Finding, RuleSet } from '../../src/rules/types.js';

const NOW = '2026-06-01T12:00:00Z';
const FIXTURES = 'test/fixtures/rules';

function box(forwards: ExampleForward[], extra: Partial<Snapshot> = {}): Snapshot {
  return { ...exampleSnapshot({ snapshot: extra }), forwards: forwards.map((f, i) => exampleForward(f, i)) };
}

const recommended = await loadRuleSet();
const health = await loadRuleSet('health');

function findingsFor(snapshot: Snapshot, ruleSet: RuleSet = recommended, ruleId?: string): Finding[] {
  const { findings } = describeFindings(evaluate([snapshot], ruleSet, { now: NOW }), [snapshot], ruleSet);
  return ruleId ? findings.filter((f) => f.ruleId === ruleId) : findings;
}

describe('forward matching', () => {
  it('matches the internal side: WAN 8443 → LAN 104 is DICOM', () => {
    const [f] = findingsFor(box([{ externalPort: 8443, internalPort: 104 }]), recommended, 'BOX-MED-001');
    expect(f).toMatchObject({ status: 'fail', severity: 'critical', forwardId: 'fwd_example_0' });
    expect(f!.message.en).toContain('Public port 8443/TCP');
    expect(f!.message.en).toContain('192.168.1.10 (port 104');
    expect(f!.message.fr).toContain('Le port public 8443/TCP');
  });

  it('the LAN port names the service: WAN 104 → LAN 8443 is not DICOM', () => {
    expect(
      findingsFor(box([{ externalPort: 104, internalPort: 8443 }]), recommended, 'BOX-MED-001'),
    ).toHaveLength(0);
  });

  it('the public port speaks for the service when the LAN port is unknown', () => {
    expect(
      findingsFor(box([{ externalPort: 104, internalPort: null }]), recommended, 'BOX-MED-001'),
    ).toMatchObject([{ status: 'fail' }]);
  });

  it('checks the protocol: UDP 445 is not SMB', () => {
    expect(findingsFor(box([{ protocol: 'udp', externalPort: 445 }]), recommended, 'BOX-FS-001')).toEqual([]);
  });

  it('a disabled forward is not an exposure', () => {
    expect(findingsFor(box([{ externalPort: 3389, enabled: false }]))).toEqual([]);
  });

  it('a source-restricted forward still fails, one level lower, and says why', () => {
    const [f] = findingsFor(
      box([{ externalPort: 3389, remoteHost: '198.51.100.7' }]),
      recommended,
      'BOX-RA-001',
    );
    expect(f).toMatchObject({ status: 'fail', severity: 'high' });
    expect(f!.adjustments).toEqual([
      {
        reason: 'source-restricted',
        from: 'critical',
        to: 'high',
        detail: '198.51.100.7',
        text: {
          en: 'limited to source 198.51.100.7: critical → high',
          fr: 'limitée à la source 198.51.100.7 : critique → élevée',
        },
      },
    ]);
  });

  it('a source restriction on an info finding changes nothing, so it claims no adjustment', () => {
    const [f] = findingsFor(
      box([{ externalPort: 80, remoteHost: '198.51.100.7' }]),
      recommended,
      'BOX-WEB-001',
    );
    expect(f).toMatchObject({ status: 'fail', severity: 'info' });
    expect(f!.adjustments).toBeUndefined();
  });

  it('a range that merely holds a risky port is low confidence; a range of the rule ports only is not', () => {
    // A game server's 27015-27030 holds MongoDB's 27017: still reported, but as weak evidence.
    const [mongo] = findingsFor(box([{ externalPort: '27015-27030' }]), recommended, 'BOX-DB-004');
    expect(mongo).toMatchObject({ status: 'fail', severity: 'critical', confidence: 'low' });
    const [exact] = findingsFor(box([{ externalPort: 27017 }]), recommended, 'BOX-DB-004');
    expect(exact).toMatchObject({ status: 'fail', confidence: 'high' });
    // VNC's rule covers 5900-5910: a 5900-5901 forward is made of VNC ports only.
    const [vnc] = findingsFor(box([{ externalPort: '5900-5901' }]), recommended, 'BOX-RA-002');
    expect(vnc).toMatchObject({ status: 'fail', confidence: 'high' });
    // The LAN side decides: WAN 40000-40010 → LAN 27017 is MongoDB, nothing weaker.
    const [remapped] = findingsFor(
      box([{ externalPort: '40000-40010', internalPort: 27017 }]),
      recommended,
      'BOX-DB-004',
    );
    expect(remapped).toMatchObject({ status: 'fail', confidence: 'high' });
  });

  it('"" and "*" remote hosts mean any source', () => {
    for (const remoteHost of ['', '*', '0.0.0.0/0']) {
      const [f] = findingsFor(box([{ externalPort: 3389, remoteHost }]), recommended, 'BOX-RA-001');
      expect(f!.severity).toBe('critical');
    }
  });

  it('is inconclusive when the internal port is unknown and the external side did not match', () => {
    const [f] = findingsFor(box([{ externalPort: 8443, internalPort: null }]), recommended, 'BOX-MED-001');
    expect(f).toMatchObject({ status: 'inconclusive', unknown: ['internalPort'] });
  });

  it('fails (not inconclusive) when the known side matches even if the other is unknown', () => {
    const [f] = findingsFor(box([{ externalPort: 104, internalPort: null }]), recommended, 'BOX-MED-001');
    expect(f!.status).toBe('fail');
  });

  it('is inconclusive when enabled is unknown', () => {
    const [f] = findingsFor(box([{ externalPort: 445, enabled: null }]), recommended, 'BOX-FS-001');
    expect(f).toMatchObject({ status: 'inconclusive', unknown: ['enabled'] });
  });

  it('renders ranges and unknown values', () => {
    const [f] = findingsFor(
      box([{ externalPort: '5900-5910', internalPort: '5900-5910', description: null }]),
      recommended,
      'BOX-RA-002',
    );
    expect(f!.message.en).toContain('Public port 5900-5910/TCP');
    expect(f!.message.en).toContain('label "?"');
  });

  it('strips control characters and bounds descriptions from the box', () => {
    const [f] = findingsFor(
      box([{ externalPort: 445, description: `evil\u001b[31m\n${'x'.repeat(200)}` }]),
      recommended,
      'BOX-FS-001',
    );
    expect(f!.message.en).not.toMatch(/[\u0000-\u001f]/);
    expect(f!.message.en.length).toBeLessThan(700);
  });

  it('a huge range is reported once by the large-range rule, not by every per-port rule', () => {
    const findings = findingsFor(box([{ externalPort: '1-65535', internalPort: '1-65535' }]));
    expect(findings.map((f) => f.ruleId)).toEqual(['BOX-NET-006']);
  });

  it('per-port rules come back for huge ranges when the large-range rule is off', async () => {
    const noLarge = await loadRuleSet({ rules: { 'BOX-NET-006': 'off' } });
    const ids = findingsFor(box([{ externalPort: '1-65535' }]), noLarge).map((f) => f.ruleId);
    expect(ids).toContain('BOX-MED-001');
    expect(ids).toContain('BOX-FS-001');
  });

  it('UPnProxy: an internal host outside the LAN prefixes, or outside RFC 1918 when they are unknown', () => {
    expect(
      findingsFor(box([{ source: 'upnp', internalHost: '10.0.0.5' }]), recommended, 'BOX-NET-003'),
    ).toHaveLength(1);
    const unknownLan = box([{ source: 'upnp', internalHost: '10.0.0.5' }], { lanPrefixes: null });
    expect(findingsFor(unknownLan, recommended, 'BOX-NET-003')).toEqual([]);
    const outside = box([{ source: 'upnp', internalHost: '8.8.8.8' }], { lanPrefixes: null });
    expect(findingsFor(outside, recommended, 'BOX-NET-003')[0]!.status).toBe('fail');
    const unknownHost = box([{ source: 'upnp', internalHost: null }]);
    expect(findingsFor(unknownHost, recommended, 'BOX-NET-003')[0]).toMatchObject({
      status: 'inconclusive',
      unknown: ['internalHost'],
    });
  });

  it('the EternalSilence description IOC, case-insensitive', () => {
    const [f] = findingsFor(
      box([{ source: 'upnp', description: 'GALLETA  silenciosa', internalPort: 445, externalPort: 47001 }]),
      recommended,
      'BOX-NET-004',
    );
    expect(f!.status).toBe('fail');
  });
});

describe('router-level rules', () => {
  it('DMZ on fails and names the DMZ host', () => {
    const [f] = findingsFor(
      box([], { dmz: { enabled: true, host: '192.168.1.20' } }),
      recommended,
      'BOX-NET-001',
    );
    expect(f).toMatchObject({ status: 'fail', severity: 'high', forwardId: null });
    expect(f!.message.fr).toContain('192.168.1.20');
  });

  it('not visible is inconclusive, never pass', () => {
    const s = box([], { dmz: null, upnp: null, remoteAdmin: null });
    const byRule = Object.fromEntries(findingsFor(s).map((f) => [f.ruleId, f]));
    expect(byRule['BOX-NET-001']).toMatchObject({ status: 'inconclusive', unknown: ['dmz.enabled'] });
    expect(byRule['BOX-NET-002']).toMatchObject({ status: 'inconclusive', unknown: ['upnp.enabled'] });
    expect(byRule['BOX-NET-007']).toMatchObject({ status: 'inconclusive', unknown: ['remoteAdmin'] });
    const unknownEnabled = box([], { dmz: { enabled: null, host: null } });
    expect(findingsFor(unknownEnabled, recommended, 'BOX-NET-001')[0]!.status).toBe('inconclusive');
  });

  it('UPnP mappings seen prove UPnP is on when its state is not visible', () => {
    const s = box([{ source: 'upnp', externalPort: 40000 }], { upnp: null });
    expect(findingsFor(s, recommended, 'BOX-NET-002')[0]!.status).toBe('fail');
  });

  it('remote admin restricted to given sources is one level lower', () => {
    const s = box([], {
      remoteAdmin: {
        enabled: true,
        services: [{ service: 'tr069', port: 7547, wan: true, restrictedTo: '203.0.113.0/24' }],
      },
    });
    const [f] = findingsFor(s, recommended, 'BOX-NET-007');
    expect(f).toMatchObject({ status: 'fail', severity: 'medium' });
  });
});

describe('profiles and overrides', () => {
  it('health raises file-sharing, database and remote-access one level; medical rules become critical', () => {
    const s = box([
      { externalPort: 3306 },
      { externalPort: 22 },
      { externalPort: 2762 },
      { externalPort: 445 },
    ]);
    const sev = Object.fromEntries(findingsFor(s, health).map((f) => [f.ruleId, f.severity]));
    expect(sev).toMatchObject({
      'BOX-DB-001': 'critical',
      'BOX-RA-004': 'high',
      'BOX-MED-002': 'critical',
      'BOX-FS-001': 'critical',
    });
    const [db] = findingsFor(s, health, 'BOX-DB-001');
    expect(db!.adjustments).toEqual([
      {
        reason: 'profile',
        from: 'high',
        to: 'critical',
        detail: 'health',
        text: { en: 'health profile: high → critical', fr: 'profil health : élevée → critique' },
      },
    ]);
    const plain = Object.fromEntries(findingsFor(s).map((f) => [f.ruleId, f.severity]));
    expect(plain).toMatchObject({ 'BOX-DB-001': 'high', 'BOX-RA-004': 'medium', 'BOX-MED-002': 'high' });
  });

  it('a rule can name its own health severity (DMZ: critical)', () => {
    const s = box([], { dmz: { enabled: true, host: '192.168.1.20' } });
    expect(findingsFor(s, health, 'BOX-NET-001')[0]!.severity).toBe('critical');
  });

  it('off and severity overrides', async () => {
    const rs = await loadRuleSet({ rules: { 'BOX-RA-004': { severity: 'info' }, 'BOX-FS-001': 'off' } });
    const s = box([{ externalPort: 22 }, { externalPort: 445 }]);
    const findings = findingsFor(s, rs);
    expect(findings.map((f) => f.ruleId)).toEqual(['BOX-RA-004']);
    expect(findings[0]).toMatchObject({
      severity: 'info',
      adjustments: [
        {
          reason: 'config-override',
          from: 'medium',
          to: 'info',
          text: { en: 'config override: medium → info', fr: 'réglage de la configuration : moyenne → info' },
        },
      ],
    });
  });

  it('unknown rule ids in overrides and waivers are config errors naming the pointer', async () => {
    const error = await loadRuleSet({
      rules: { 'BOX-NOPE-001': 'off' },
      waivers: [{ rule: 'BOX-NOPE-002', reason: 'test', expires: '2030-01-01' }],
    }).catch((e: unknown) => e);
    expect(isBoxauditError(error, 'BOXAUDIT_CONFIG_INVALID')).toBe(true);
    expect((error as Error).message.split('\n')).toEqual([
      '<config>: /rules/BOX-NOPE-001 is not a known rule id',
      '<config>: /waivers/0/rule is not a known rule id (got "BOX-NOPE-002")',
    ]);
  });

  it('schema errors in a config file are all listed, one per line', async () => {
    const error = await loadRuleSet(`${FIXTURES}/config-bad.json`).catch((e: unknown) => e);
    expect(isBoxauditError(error, 'BOXAUDIT_CONFIG_INVALID')).toBe(true);
    expect((error as Error).message.split('\n')).toEqual([
      `${FIXTURES}/config-bad.json: /colour is not a known field`,
      `${FIXTURES}/config-bad.json: /rules/BOX-RA-004/severity must be one of critical, high, medium, low, info (got "severe")`,
      `${FIXTURES}/config-bad.json: /waivers/0/reason must NOT have fewer than 3 characters (got "x")`,
      `${FIXTURES}/config-bad.json: /waivers/0/expires must be an ISO date (YYYY-MM-DD) or date-time (got "tomorrow")`,
    ]);
  });

  it('inline rules are validated with their pointer inside the config', async () => {
    const rule = structuredClone(recommended.rules.find((r) => r.id === 'BOX-RA-004')!);
    const bad = { ...rule, id: 'ACME-009', severity: 'urgent' };
    const error = await loadRuleSet({ define: [bad as never] }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      '<config>: /define/0/severity must be one of critical, high, medium, low, info (got "urgent")',
    );
  });

  it('rules validate also checks config files', async () => {
    const results = await validateRuleFiles([
      `${FIXTURES}/config-child.json`,
      `${FIXTURES}/config-cycle-a.json`,
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false]);
    expect(results[1]!.errors[0]).toMatch(/makes a cycle/);
  });

  it('a duplicate rule id in define is an error', async () => {
    const builtin = recommended.rules.find((r) => r.id === 'BOX-RA-004')!;
    const error = await loadRuleSet({ define: [builtin] }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      '<config>: /define/0/id duplicates rule id BOX-RA-004 (already defined by a built-in rule)',
    );
  });
});

describe('extends', () => {
  it('resolves relative paths, inline rules, profiles, overrides and waivers', async () => {
    const rs = await loadRuleSet(`${FIXTURES}/config-child.json`);
    expect(rs.profiles).toEqual(['health']);
    expect(rs.rules.some((r) => r.id === 'ACME-001')).toBe(true);
    expect(rs.rules.some((r) => r.id === 'BOX-WEB-001')).toBe(false);
    expect(rs.severityOverrides).toEqual({ 'ACME-001': 'low', 'BOX-RA-004': 'high' });
    const findings = findingsFor(box([{ externalPort: 4711 }]), rs, 'ACME-001');
    expect(findings[0]).toMatchObject({ severity: 'low' });
  });

  it('a single rule file given as the config adds that rule to recommended', async () => {
    const rs = await loadRuleSet(`${FIXTURES}/valid-rule.json`);
    expect(rs.rules.some((r) => r.id === 'ACME-001')).toBe(true);
    expect(rs.rules.some((r) => r.id === 'BOX-MED-001')).toBe(true);
    expect(findingsFor(box([{ externalPort: 4711 }]), rs, 'ACME-001')).toHaveLength(1);
  });

  it('a cycle is an error, not a hang', async () => {
    const error = await loadRuleSet(`${FIXTURES}/config-cycle-a.json`).catch((e: unknown) => e);
    expect(isBoxauditError(error, 'BOXAUDIT_CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toBe(
      `${FIXTURES}/config-cycle-b.json: /extends/0 makes a cycle: config-cycle-a.json → config-cycle-b.json → config-cycle-a.json`,
    );
  });

  it('extends: [] starts from no rule; no extends means recommended', async () => {
    expect((await loadRuleSet({ extends: [] })).rules).toEqual([]);
    expect((await loadRuleSet({})).rules.length).toBe(recommended.rules.length);
  });

  it('an aborted signal stops loading', async () => {
    const error = await loadRuleSet(`${FIXTURES}/config-child.json`, { signal: AbortSignal.abort() }).catch(
      (e: unknown) => e,
    );
    expect(isBoxauditError(error, 'BOXAUDIT_ABORTED')).toBe(true);
  });
});

describe('waivers', () => {
  const s = box([
    { externalPort: 22, internalHost: '192.168.1.5' },
    { externalPort: 22, internalHost: '192.168.1.6', id: 'fwd_other' },
  ]);

  it('a matching waiver moves the finding to waived', async () => {
    const rs = await loadRuleSet(`${FIXTURES}/config-child.json`);
    const { findings, waived, summary } = evaluate([s], rs, { now: NOW });
    expect(waived.map((w) => [w.ruleId, w.forwardId])).toEqual([['BOX-RA-004', 'fwd_example_0']]);
    expect(waived[0]!.waiver.reason).toBe('Bastion host, key-only SSH');
    expect(findings.filter((f) => f.ruleId === 'BOX-RA-004').map((f) => f.forwardId)).toEqual(['fwd_other']);
    expect(summary.waived).toBe(1);
  });

  it('matches by forward id, external port and description', async () => {
    const rs = await loadRuleSet({
      waivers: [
        {
          rule: 'BOX-RA-004',
          match: { forwardId: 'fwd_other', externalPort: 22 },
          reason: 'known',
          expires: '2030-01-01',
        },
      ],
    });
    expect(evaluate([s], rs, { now: NOW }).waived.map((w) => w.forwardId)).toEqual(['fwd_other']);
    const byDescription = await loadRuleSet({
      waivers: [
        { rule: 'BOX-RA-004', match: { description: 'example' }, reason: 'known', expires: '2030-01-01' },
      ],
    });
    expect(evaluate([s], byDescription, { now: NOW }).waived).toHaveLength(2);
  });

  it('an expired waiver no longer applies and is listed', async () => {
    const waiver = { rule: 'BOX-RA-004', reason: 'temporary', expires: '2026-05-31' };
    const rs = await loadRuleSet({ waivers: [waiver] });
    const before = evaluate([s], rs, { now: '2026-05-31T23:00:00Z' });
    expect(before.waived).toHaveLength(2);
    expect(before.summary.expiredWaivers).toEqual([]);
    const after = evaluate([s], rs, { now: NOW });
    expect(after.waived).toEqual([]);
    expect(after.summary.expiredWaivers).toEqual([waiver]);
    expect(after.findings.filter((f) => f.ruleId === 'BOX-RA-004')).toHaveLength(2);
  });
});

describe('evaluate', () => {
  const snapshots = [
    box([{ externalPort: 22 }, { externalPort: 8443, internalPort: 104 }, { externalPort: 5432 }], {
      dmz: { enabled: true, host: '192.168.1.9' },
      coverage: [
        { area: 'static-forwards', status: 'not-visible', code: 'UPNP_CANNOT_SEE_STATIC', reason: 'x' },
      ],
    }),
    box([{ externalPort: 445 }, { externalPort: 23, internalPort: null }]),
  ];

  it('exit code: 1 on a finding at or above failOn; else 2 when an area failed to be read; else 0', async () => {
    const rs = await loadRuleSet();
    const failed = {
      area: 'upnp-mappings' as const,
      status: 'error' as const,
      code: 'UPNP_END_TIMEOUT',
      reason: 'x',
    };
    const quiet = box([{ externalPort: 443 }], { upnp: { enabled: false, mappingCount: 0, igdVersion: 2 } });
    expect(evaluate([quiet], rs, { now: NOW }).summary.exitCode).toBe(0);
    expect(evaluate([{ ...quiet, coverage: [failed] }], rs, { now: NOW }).summary.exitCode).toBe(2);
    const exposed = box([{ externalPort: 104 }], { coverage: [failed] });
    expect(evaluate([exposed], rs, { now: NOW }).summary.exitCode).toBe(1);
  });

  it('is deterministic and sorted: severity, snapshot, forward order, rule id', () => {
    const a = evaluate(snapshots, recommended, { now: NOW });
    const b = evaluate(structuredClone(snapshots), recommended, { now: new Date(NOW) });
    expect(b).toEqual(a);
    const keys = a.findings
      .filter((f) => f.status === 'fail')
      .map((f) => [f.severity, f.snapshotIndex, f.forwardId, f.ruleId].join(' '));
    expect(keys).toEqual([
      'critical 0 fwd_example_1 BOX-MED-001',
      'critical 1 fwd_example_0 BOX-FS-001',
      'critical 1 fwd_example_1 BOX-RA-003',
      'high 0  BOX-NET-001',
      'high 0 fwd_example_2 BOX-DB-002',
      'medium 0 fwd_example_0 BOX-RA-004',
    ]);
    // WAN 23 → LAN unknown: Telnet fails on the known side; other rules cannot be ruled out.
    const telnetForward = a.findings.filter((f) => f.snapshotIndex === 1 && f.forwardId === 'fwd_example_1');
    expect(
      telnetForward
        .filter((f) => f.status === 'inconclusive')
        .every((f) => f.unknown?.includes('internalPort')),
    ).toBe(true);
  });

  it('summarises: counts of failures, inconclusive, exit code by failOn, coverage gaps', () => {
    const { summary } = evaluate(snapshots, recommended, { now: NOW, failOn: 'critical' });
    expect(summary).toMatchObject({ failOn: 'critical', exitCode: 1, forwardsChecked: 5, coverageGaps: 1 });
    expect(summary.counts).toEqual({ critical: 3, high: 2, medium: 1, low: 0, info: 0 });
    expect(summary.inconclusive).toBeGreaterThan(0);
    const quiet = evaluate([box([{ externalPort: 22 }])], recommended, { now: NOW, failOn: 'high' });
    expect(quiet.summary.exitCode).toBe(0);
  });

  it('rejects malformed input with a typed error', () => {
    expect(() => evaluate([{} as Snapshot], recommended, { now: NOW })).toThrow(
      /snapshots\[0\] is not a snapshot/,
    );
    expect(() => evaluate([], recommended, { now: 'yesterday' })).toThrow(/not a valid date/);
  });
});

describe('findings as data, text added by describe', () => {
  const s = box([
    { externalPort: 8443, internalPort: 104 },
    { externalPort: 3389, internalHost: '192.168.1.7' },
  ]);

  it('evaluate returns data only; describeFinding adds the text of that forward', () => {
    const result = evaluate([s], recommended, { now: NOW });
    const rdp = result.findings.find((f) => f.ruleId === 'BOX-RA-001')!;
    expect(rdp).toMatchObject({ forwardId: 'fwd_example_1', forwardIndex: 1, status: 'fail' });
    expect(rdp).not.toHaveProperty('message');
    const described = describeFinding(rdp, [s], recommended);
    expect(described.message.en).toContain('192.168.1.7');
    expect(described.message.fr).toContain('192.168.1.7');
    expect(described).not.toHaveProperty('forwardIndex');
    expect(described.references).toBe(recommended.rules.find((r) => r.id === 'BOX-RA-001')!.references);
    expect(describeFindings(result, [s], recommended).findings).toContainEqual(described);
  });

  it('two forwards with the same id each get their own text', () => {
    const twins = box([
      { externalPort: 3389, internalHost: '192.168.1.7', id: 'fwd_same' },
      { externalPort: 3389, internalHost: '192.168.1.8', id: 'fwd_same' },
    ]);
    const { findings } = describeFindings(evaluate([twins], recommended, { now: NOW }), [twins], recommended);
    const hosts = findings
      .filter((f) => f.ruleId === 'BOX-RA-001')
      .map((f) => /192\.168\.1\.[78]/.exec(f.message.en)?.[0]);
    expect(hosts).toEqual(['192.168.1.7', '192.168.1.8']);
  });

  it('a finding from other snapshots or another rule set is refused by name', async () => {
    const [finding] = evaluate([s], recommended, { now: NOW }).findings;
    const other = box([{ externalPort: 22, id: 'fwd_other' }]);
    expect(() => describeFinding(finding!, [other], recommended)).toThrow(
      /describeFinding: snapshot 0, forward \d \(fwd_example_\d\) is not in the snapshots/,
    );
    const empty = await loadRuleSet({ rules: { [finding!.ruleId]: 'off' } });
    expect(() => describeFinding(finding!, [s], empty)).toThrow(
      `describeFinding: rule ${finding!.ruleId} is not in the rule set`,
    );
  });
});

describe('description pattern safety', () => {
  it('rejects nested quantifiers, backreferences, overlong and broken patterns', () => {
    expect(checkPatternSafety('galleta\\s*silenciosa')).toEqual([]);
    expect(checkPatternSafety('(a+)+$')).toHaveLength(1);
    expect(checkPatternSafety('(x|y*)*')).toHaveLength(1);
    expect(checkPatternSafety('((ab)*c)+')).toHaveLength(1);
    expect(checkPatternSafety('(a?a)+')).toEqual([
      'has a nested quantifier such as (a+)+ (catastrophic backtracking)',
    ]);
    expect(checkPatternSafety('(a)\\1')).toEqual(['uses a backreference (not allowed)']);
    expect(checkPatternSafety('a'.repeat(201))[0]).toMatch(/at most 200/);
    expect(checkPatternSafety('(unclosed')[0]).toMatch(/does not compile/);
    expect(checkPatternSafety('[(a+)+]')).toEqual([]);
  });

  // These would hang on a hostile 512-character UPnP description: they are checked, never run.
  it.each(['^(a|a)*$', '(a|ab)+', '(\\w|\\d)*x', '(?:a|b){2,}', '(a|a){30}', '((a|b)c)+'])(
    'rejects a repeated group with alternatives: %s',
    (pattern) => {
      expect(checkPatternSafety(pattern)).toEqual([
        expect.stringMatching(
          /^repeats a group that contains \| such as \(a\|ab\)\+ \(overlapping alternatives backtrack exponentially; use a character class such as \[ab\]\+, or one rule per alternative\)$/,
        ),
      ]);
    },
  );

  it.each([
    '^a*a*a*a*a*a*a*a*a*a*b',
    '\\w*\\s*\\w*x',
    '.*.*.*x',
    '.*.*x',
    'a*a*a*x',
    '^a*a*$',
    'a{0,100}a{0,100}x',
    'a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?aaaaaaaaaaaaaaaa$',
    '(a|b)?(a|b)?(a|b)?(a|b)?(a|b)?(a|b)?(a|b)?(a|b)?x',
    '(\\d{0,9}){9}x',
  ])('rejects chained quantifiers whose characters overlap: %s', (pattern) => {
    const [problem, ...rest] = checkPatternSafety(pattern);
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      /^can backtrack through about [\d,^]+ ways from each position \(at most 4,104\): quantifiers whose characters overlap/,
    );
    expect(problem).toContain('keep one such *, + or {n,m}');
  });

  it('names the size of the problem', () => {
    expect(checkPatternSafety('.*.*x')[0]).toMatch(/about 263,682 ways/);
    expect(checkPatternSafety('^a*a*a*a*a*a*a*a*a*a*b')[0]).toMatch(/about 10\^27 ways/);
  });

  // Patterns a rule author would write; some are run below on adversarial descriptions.
  const typical = [
    'galleta\\s*silenciosa',
    '^(plex|emby)',
    'torrent|utorrent',
    'nas\\b',
    '(https?|ftp)://.*',
    '(plex|emby).*server',
    '.*foo.*',
    '\\d+\\.\\d+\\.\\d+',
    '^\\d{1,3}(\\.\\d{1,3}){3}$',
    'foo\\s*bar\\s*baz\\s*qux',
    '[^,]*,[^,]*,',
    '\\w*x',
    'a*a',
    '(ab)+c',
    'x{',
    // Near the limit: one overlapping quantifier and a few small choices.
    'a?a?\\w*x',
    'a+a{2}a{0,5}\\d{2}a*?',
  ];

  it.each(typical)('accepts %s', (pattern) => {
    expect(checkPatternSafety(pattern)).toEqual([]);
  });

  it('every built-in pattern passes', () => {
    const patterns = recommended.rules.flatMap((r) =>
      r.match.forward?.descriptionPattern ? [r.match.forward.descriptionPattern] : [],
    );
    expect(patterns).toContain('galleta\\s*silenciosa');
    for (const p of patterns) expect(checkPatternSafety(p), p).toEqual([]);
  });

  it('accepted patterns return on adversarial 512-character descriptions', () => {
    const hostile = [
      `${'a'.repeat(511)}!`,
      `${'ab'.repeat(255)}!`,
      `${'a '.repeat(255)}!`,
      `${'1.'.repeat(255)}!`,
      `${' '.repeat(511)}!`,
      'plexserver'.repeat(51),
    ];
    for (const pattern of typical) {
      expect(checkPatternSafety(pattern)).toEqual([]);
      const re = new RegExp(pattern, 'i');
      for (const text of hostile) expect(typeof re.test(text)).toBe('boolean');
    }
  });
});
