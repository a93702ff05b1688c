// Matching semantics, profiles, overrides, waivers, extends and determinism of evaluate().
import { describe, expect, it } from 'vitest';
import { describeFinding, describeFindings } from '../../src/audit.js';
import { isBoxauditError } from '../../src/errors.js';
import type { Snapshot } from '../../src/model/types.js';
import {
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

/** A minimal rule flagging forwards to public addresses (for tests of the host-kind condition). */
function publicRule(): RuleSet['rules'][number] {
  const base = structuredClone(recommended.rules.find((r) => r.id === 'BOX-NET-003')!);
  return { ...base, id: 'ACME-PUBLIC', match: { forward: { internalHostKind: ['public'] } } };
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
          fr: 'limitée à la source 198.51.100.7\u00a0: critique → élevée',
        },
      },
    ]);
  });

  it('evaluate returns the adjustment as a code only; describing the finding adds its sentence', () => {
    const s = box([{ externalPort: 3389, remoteHost: '198.51.100.7' }]);
    const evaluated = evaluate([s], recommended, { now: NOW }).findings.find(
      (f) => f.ruleId === 'BOX-RA-001',
    );
    expect(evaluated!.adjustments).toEqual([
      { reason: 'source-restricted', from: 'critical', to: 'high', detail: '198.51.100.7' },
    ]);
    expect(describeFinding(evaluated!, [s], recommended).adjustments![0]!.text.en).toBe(
      'limited to source 198.51.100.7: critical → high',
    );
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

  it('UPnProxy is a public address; a private routed or container subnet is an ordinary forward', () => {
    const ids = (forwards: ExampleForward[], extra: Partial<Snapshot> = {}): string[] =>
      findingsFor(box(forwards, extra))
        .filter((f) => f.ruleId.startsWith('BOX-NET-00') && f.ruleId !== 'BOX-NET-006')
        .map((f) => `${f.ruleId} ${f.status}`);
    // A public address, from any source that translates, with or without known LAN prefixes.
    expect(ids([{ source: 'upnp', internalHost: '8.8.8.8' }])).toEqual(['BOX-NET-003 fail']);
    expect(ids([{ source: 'static', internalHost: '8.8.8.8' }], { lanPrefixes: null })).toEqual([
      'BOX-NET-003 fail',
    ]);
    // Docker's 172.17.0.0/16, a routed 10.8.0.0/24, CGNAT space: not in the LAN, not public.
    for (const internalHost of ['172.17.0.2', '10.8.0.5', '100.64.0.9', '169.254.1.1', 'fd00::5']) {
      expect(ids([{ source: 'static', internalHost }]), internalHost).toEqual([]);
    }
    // The same private address from UPnP: a program mapped another network (BOX-NET-009), when
    // the LAN is known; unknown LAN prefixes leave the private ranges standing for the LAN.
    expect(ids([{ source: 'upnp', internalHost: '10.0.0.5' }])).toEqual(['BOX-NET-009 fail']);
    expect(ids([{ source: 'upnp', internalHost: '10.0.0.5' }], { lanPrefixes: null })).toEqual([]);
    // Loopback: a static redirect is remote administration (parsers report it as such); a UPnP
    // mapping to the box itself is BOX-NET-008.
    expect(ids([{ source: 'static', internalHost: '127.0.0.1' }])).toEqual([]);
    expect(ids([{ source: 'upnp', internalHost: '127.0.0.1' }])).toEqual(['BOX-NET-008 fail']);
    expect(ids([{ source: 'nat-pmp', internalHost: '::1' }])).toEqual(['BOX-NET-008 fail']);
    // A public LAN (routed public prefix) is the LAN.
    expect(
      ids([{ source: 'static', internalHost: '203.0.113.5' }], { lanPrefixes: ['203.0.113.0/28'] }),
    ).toEqual([]);
  });

  it('host-based rules are inconclusive, never pass, when the internal host is unknown or a name', () => {
    for (const internalHost of [null, 'nas.lan', 'NAS_alias']) {
      for (const source of ['static', 'upnp'] as const) {
        const found = findingsFor(box([{ source, internalHost }])).filter((f) =>
          ['BOX-NET-003', 'BOX-NET-008', 'BOX-NET-009'].includes(f.ruleId),
        );
        const expected = source === 'upnp' ? ['BOX-NET-003', 'BOX-NET-008', 'BOX-NET-009'] : ['BOX-NET-003'];
        expect(found.map((f) => f.ruleId).sort(), `${source} ${internalHost}`).toEqual(expected);
        for (const f of found) expect(f).toMatchObject({ status: 'inconclusive', unknown: ['internalHost'] });
      }
    }
  });

  it('a global IPv6 host is judged against IPv6 LAN prefixes, inconclusive without them', () => {
    const rs = { rules: [publicRule()], waivers: [], profiles: [] };
    const judge = (lanPrefixes: string[] | null): Finding[] =>
      findingsFor(box([{ source: 'static', internalHost: '2001:db8:1::10' }], { lanPrefixes }), rs);
    expect(judge(['192.168.1.0/24', '2001:db8:1::/64'])).toEqual([]);
    expect(judge(['192.168.1.0/24', '2001:db8:2::/64'])).toMatchObject([{ status: 'fail' }]);
    expect(judge(['192.168.1.0/24'])).toMatchObject([{ status: 'inconclusive', unknown: ['lanPrefixes'] }]);
    // IPv6 pinholes translate nothing, so they cannot relay: BOX-NET-003 leaves them out.
    const pinhole = box([{ source: 'pinhole6', internalHost: '2001:db8:9::10' }]);
    expect(findingsFor(pinhole, recommended, 'BOX-NET-003')).toEqual([]);
  });

  it('the legacy internalHostOutsideLan key keeps its documented meaning', async () => {
    const legacy = {
      ...publicRule(),
      id: 'ACME-LEGACY',
      match: { forward: { internalHostOutsideLan: true } },
      examples: {
        fail: [{ forward: { internalHost: '10.0.0.5' } }],
        pass: [{ forward: { internalHost: '192.168.1.5' } }],
      },
    };
    const rs = await loadRuleSet({ extends: [], define: [legacy as never] });
    const judge = (
      internalHost: string | null,
      lanPrefixes: string[] | null = ['192.168.1.0/24'],
    ): string[] => findingsFor(box([{ internalHost }], { lanPrefixes }), rs).map((f) => f.status);
    expect(judge('10.0.0.5')).toEqual(['fail']);
    expect(judge('127.0.0.1')).toEqual(['fail']);
    expect(judge('10.0.0.5', null)).toEqual([]);
    expect(judge('2001:db8::1')).toEqual([]);
    expect(judge(null)).toEqual(['inconclusive']);
    // LAN prefixes are read once, as internalHostKind reads them: a non-string entry is skipped
    // (not a TypeError), an IPv6-only list leaves RFC 1918 standing for the IPv4 LAN.
    expect(judge('10.0.0.5', [42 as unknown as string, '192.168.1.0/24'])).toEqual(['fail']);
    expect(judge('10.0.0.5', ['fd00::/64'])).toEqual([]);
  });

  it('UDP 443 beside TCP 443 to the same device is HTTP/3 of a web server, not SMB over QUIC', () => {
    const pair = box([
      { protocol: 'tcp', externalPort: 443, description: 'web' },
      { protocol: 'udp', externalPort: 443, description: 'web' },
    ]);
    const ids = (s: Snapshot): string[] =>
      findingsFor(s)
        .map((f) => `${f.ruleId} ${f.status} ${f.severity}`)
        .sort();
    expect(ids(pair)).toEqual(['BOX-WEB-002 fail info', 'BOX-WEB-003 fail info']);
    // UDP 443 alone (or beside TCP 443 to another device) keeps the SMB-over-QUIC warning.
    expect(ids(box([{ protocol: 'udp', externalPort: 443 }]))).toEqual(['BOX-FS-017 fail medium']);
    const elsewhere = box([
      { protocol: 'tcp', externalPort: 443, internalHost: '192.168.1.11' },
      { protocol: 'udp', externalPort: 443 },
    ]);
    expect(ids(elsewhere)).toEqual(['BOX-FS-017 fail medium', 'BOX-WEB-002 fail info']);
    // Whichever comes first in the list, the pair is recognised.
    const reversed = box([
      { protocol: 'udp', externalPort: 443 },
      { protocol: 'tcp', externalPort: 443 },
    ]);
    expect(ids(reversed)).toEqual(['BOX-WEB-002 fail info', 'BOX-WEB-003 fail info']);
  });

  it('a companion whose range contains 443 (a TCP range, a DMZ of every port) makes UDP 443 HTTP/3', () => {
    const udpFindings = (s: Snapshot): string[] =>
      findingsFor(s)
        .filter((f) => f.forwardId === 'fwd_example_1')
        .map((f) => f.ruleId)
        .sort();
    const range = box([
      { protocol: 'tcp', externalPort: '400-500' },
      { protocol: 'udp', externalPort: 443 },
    ]);
    expect(udpFindings(range)).toEqual(['BOX-WEB-003']);
    const dmz = box([
      { source: 'dmz', protocol: 'tcp', externalPort: null, internalPort: null },
      { protocol: 'udp', externalPort: 443 },
    ]);
    expect(udpFindings(dmz)).toEqual(['BOX-WEB-003']);
    // A TCP range that does not contain 443 is no companion.
    const beside = box([
      { protocol: 'tcp', externalPort: '444-500' },
      { protocol: 'udp', externalPort: 443 },
    ]);
    expect(udpFindings(beside)).toEqual(['BOX-FS-017']);
  });

  it('a companion whose host or port is unknown leaves the UDP 443 rules inconclusive, not excused', () => {
    const unknownHost = box([
      { protocol: 'udp', externalPort: 443 },
      { protocol: 'tcp', externalPort: 443, internalHost: null },
    ]);
    for (const id of ['BOX-FS-017', 'BOX-WEB-003']) {
      expect(findingsFor(unknownHost, recommended, id), id).toMatchObject([
        { status: 'inconclusive', unknown: ['internalHost'], forwardId: 'fwd_example_0' },
      ]);
    }
    // Its own host unknown: a TCP 443 forward exists, to which device is not known.
    const ownHostUnknown = box([
      { protocol: 'udp', externalPort: 443, internalHost: null },
      { protocol: 'tcp', externalPort: 443 },
    ]);
    expect(findingsFor(ownHostUnknown, recommended, 'BOX-FS-017')).toMatchObject([
      { status: 'inconclusive', unknown: ['internalHost'] },
    ]);
    // No TCP forward at all: nothing can excuse it, whatever is unknown about the host.
    expect(
      findingsFor(
        box([{ protocol: 'udp', externalPort: 443, internalHost: null }]),
        recommended,
        'BOX-FS-017',
      ),
    ).toMatchObject([{ status: 'fail' }]);
  });

  it('a camera named in the label, whatever the port', () => {
    const ids = (f: ExampleForward): string[] =>
      findingsFor(box([f]))
        .map((x) => `${x.ruleId} ${x.status}`)
        .sort();
    expect(ids({ externalPort: 9000, description: 'Reolink RLC-810A' })).toEqual(['BOX-IOT-009 fail']);
    expect(ids({ externalPort: 8000, description: 'HIKVISION DS-7608NI' })).toEqual([
      'BOX-IOT-002 fail',
      'BOX-IOT-009 fail',
    ]);
    expect(ids({ externalPort: 443, description: 'Caméra parking' })).toEqual([
      'BOX-IOT-009 fail',
      'BOX-WEB-002 fail',
    ]);
    // Moved to a non-standard port (a common piece of advice): the label still says what it is.
    expect(ids({ externalPort: 8090, description: 'Camera 1', protocol: 'udp' })).toEqual([
      'BOX-IOT-009 fail',
    ]);
    // A NAS model is not a Hikvision model.
    expect(ids({ externalPort: 8090, description: 'Synology DS-918+' })).toEqual([]);
    // No label: the port rules report the port; the label rule makes no claim and no noise.
    expect(ids({ externalPort: 443, description: null })).toEqual(['BOX-WEB-002 fail']);
    expect(ids({ externalPort: 9000, description: null })).toEqual([]);
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

describe('fail closed: unknown ports and hosts', () => {
  const onlyPorts = recommended.rules.filter((r) => {
    const fm = r.match.forward;
    // `services` and `serviceAnyPort` only speak when a probe ran: without one these are port rules.
    const portOnly = ['protocols', 'ports', 'services', 'serviceAnyPort'];
    return fm?.ports !== undefined && Object.keys(fm).every((k) => portOnly.includes(k));
  });
  const firstPort = (spec: number | string): number => Number(String(spec).split('-')[0]);
  const covers = (rule: (typeof onlyPorts)[number], port: number): boolean =>
    rule.match.forward!.ports!.some((spec) => {
      const [a, b] = String(spec).split('-').map(Number);
      return port >= a! && port <= (b ?? a)!;
    });
  const statusOf = (rule: (typeof onlyPorts)[number], f: ExampleForward): Finding[] =>
    findingsFor(box([{ protocol: rule.match.forward!.protocols?.[0] ?? 'tcp', ...f }]), recommended, rule.id);

  it('covers the port rules', () => {
    expect(onlyPorts.length).toBeGreaterThan(50);
  });

  it.each(onlyPorts.map((r) => [r.id, r] as const))(
    '%s: an unknown port never passes and never widens',
    (_, rule) => {
      const port = firstPort(rule.match.forward!.ports![0]!);
      let other = 40000;
      while (covers(rule, other)) other++;
      // Both sides unknown: inconclusive, naming both.
      expect(statusOf(rule, { externalPort: null, internalPort: null })).toMatchObject([
        { status: 'inconclusive', unknown: ['externalPort', 'internalPort'] },
      ]);
      // The public side does not match and the LAN side is unknown: it could be the service.
      expect(statusOf(rule, { externalPort: other, internalPort: null })).toMatchObject([
        { status: 'inconclusive', unknown: ['internalPort'] },
      ]);
      // The known LAN port names the service either way.
      expect(statusOf(rule, { externalPort: null, internalPort: port })).toMatchObject([{ status: 'fail' }]);
      expect(statusOf(rule, { externalPort: null, internalPort: other })).toEqual([]);
      // The public port stands for an unknown LAN port (most forwards keep the port).
      expect(statusOf(rule, { externalPort: port, internalPort: null })).toMatchObject([{ status: 'fail' }]);
    },
  );

  it('a forward with no known port fails no rule: every finding on it is inconclusive', () => {
    for (const protocol of ['tcp', 'udp'] as const) {
      const found = findingsFor(box([{ protocol, externalPort: null, internalPort: null }]));
      expect(found.length).toBeGreaterThan(10);
      for (const f of found) expect(f.status, `${protocol} ${f.ruleId}`).toBe('inconclusive');
    }
  });

  it('an unknown public side keeps the large-range rule inconclusive: it may open every port', () => {
    expect(
      findingsFor(box([{ externalPort: null, internalPort: 80 }]), recommended, 'BOX-NET-006'),
    ).toMatchObject([{ status: 'inconclusive', unknown: ['externalPort'] }]);
    expect(
      findingsFor(box([{ externalPort: '1-65535', internalPort: null }]), recommended, 'BOX-NET-006'),
    ).toMatchObject([{ status: 'fail' }]);
    expect(findingsFor(box([{ externalPort: 80, internalPort: null }]), recommended, 'BOX-NET-006')).toEqual(
      [],
    );
  });

  const hostRules = recommended.rules.filter(
    (r) =>
      r.match.forward?.internalHostKind !== undefined ||
      r.match.forward?.internalHostOutsideLan !== undefined,
  );

  it.each(hostRules.map((r) => [r.id, r] as const))(
    '%s: an unknown internal host is inconclusive',
    (_, rule) => {
      const fm = rule.match.forward!;
      const forward: ExampleForward = {
        source: fm.sources?.[0] ?? 'static',
        protocol: fm.protocols?.[0] ?? 'tcp',
        internalHost: null,
        ...(fm.ports ? { externalPort: firstPort(fm.ports[0]!) } : {}),
      };
      expect(findingsFor(box([forward]), recommended, rule.id)).toMatchObject([
        { status: 'inconclusive', unknown: ['internalHost'] },
      ]);
    },
  );

  it('every built-in host condition is exercised', () => {
    expect(hostRules.map((r) => r.id).sort()).toEqual(['BOX-NET-003', 'BOX-NET-008', 'BOX-NET-009']);
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
        text: { en: 'health profile: high → critical', fr: 'profil health\u00a0: élevée → critique' },
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
          text: {
            en: 'config override: medium → info',
            fr: 'réglage de la configuration\u00a0: moyenne → info',
          },
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

  it('the host-kind, companion and unlabelled-forward conditions are checked like the others', async () => {
    const rule = structuredClone(recommended.rules.find((r) => r.id === 'BOX-IOT-009')!);
    const bad = {
      ...rule,
      id: 'ACME-010',
      match: {
        forward: {
          withoutDescription: 'pass',
          internalHostKind: ['internet'],
          companion: { protocol: 'tcp' },
        },
      },
    };
    const error = await loadRuleSet({ define: [bad as never] }).catch((e: unknown) => e);
    expect((error as Error).message.split('\n')).toEqual([
      '<config>: /define/0/match/forward/internalHostKind/0 must be one of lan, private, loopback, public (got "internet")',
      '<config>: /define/0/match/forward/companion/present is required (missing)',
      '<config>: /define/0/match/forward must have property descriptionPattern when property withoutDescription is present',
    ]);
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

describe('evaluate on hand-made snapshots outside the schema', () => {
  it('a port of 1e20 ends (no endless index walk) and matches no port rule', () => {
    const snap = box([
      { protocol: 'tcp', externalPort: 104, internalPort: 104, internalHost: '192.168.1.20' },
    ]);
    const huge = { start: 1e20, end: 1e20 };
    snap.forwards[0] = { ...snap.forwards[0]!, externalPort: huge, internalPort: huge };
    const result = evaluate([snap], recommended, { now: NOW, failOn: 'high' });
    expect(result.findings.filter((f) => f.ruleId === 'BOX-MED-001')).toEqual([]);
  });
});
