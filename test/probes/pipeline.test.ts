/**
 * The probe step of the pipeline (src/probe.ts) on loopback peers, then the rules and reporters on
 * what it found: a VNC responder with no password (written from RFC 6143: confirmed), a web server
 * on the LAN port of an SMB forward (different), a closed port (silent), forwards that are never
 * contacted (UDP, disabled, public, outside the LAN). Each test binds its own random 127.x.y.z
 * address on the well-known ports (loopback only; the scope's test-only door admits it).
 */

import { randomInt } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/audit.js';
import { behindAnotherNat } from '../../src/model/addresses.js';
import { emptyGatewayInfo } from '../../src/model/gateway.js';
import type { PortForward, Snapshot } from '../../src/model/types.js';
import { checkSnapshot } from '../../src/model/validate.js';
import { DOUBLE_NAT_WARNING, probeSnapshot } from '../../src/probe.js';
import { render } from '../../src/reporters/index.js';
import { loadRuleSet } from '../../src/rules/load.js';
import { AuditBudget } from '../../src/util/budget.js';
import { SCHEMA_VERSION } from '../../src/version.js';
import { schemaValidators } from '../cli/helpers.js';

const HOST = `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(2, 255)}`;
const TEST_ONLY = { testOnlyPrefixes: [`${HOST}/32`], localPrefixes: [] as string[] };
const BOUNDS = { connectTimeoutMs: 2000, readTimeoutMs: 3000 };

let vncConnections = 0;
const servers: Server[] = [];

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve());
  });
}

function forward(
  partial: Partial<PortForward> & { ext: number; int: number; host?: string | null },
): PortForward {
  const { ext, int, host, ...rest } = partial;
  return {
    id: `fwd_${ext}_${rest.protocol ?? 'tcp'}_${rest.enabled === false ? 'off' : 'on'}_${host ?? HOST}`,
    source: 'upnp',
    protocol: 'tcp',
    externalPort: { start: ext, end: ext },
    internalHost: host === undefined ? HOST : host,
    internalPort: { start: int, end: int },
    remoteHost: null,
    enabled: true,
    description: `lab ${ext}`,
    leaseSeconds: 3600,
    provenance: { adapter: 'upnp-igd', transport: 'upnp-soap' },
    ...rest,
  };
}

function snapshotOf(forwards: PortForward[], externalIp = '11.0.0.2'): Snapshot {
  return {
    target: { kind: 'upnp', address: 'http://10.77.0.1:5000/rootDesc.xml', adapter: 'upnp-igd' },
    collectedAt: '2026-06-01T12:00:00.000Z',
    gateway: { ...emptyGatewayInfo('10.77.0.1'), externalIp },
    forwards,
    dmz: null,
    upnp: null,
    remoteAdmin: null,
    lanPrefixes: null,
    coverage: [],
    warnings: [],
  };
}

const OFFICE = [
  forward({ ext: 5900, int: 5900, description: 'VNC' }),
  forward({ ext: 15900, int: 5900, description: 'VNC again' }),
  forward({ ext: 445, int: 445, description: 'NAS' }),
  forward({ ext: 3389, int: 3389, description: 'RDP' }),
  forward({ ext: 5900, int: 5900, protocol: 'udp', description: 'udp' }),
  forward({ ext: 3390, int: 3389, enabled: false, description: 'off' }),
  forward({ ext: 104, int: 104, host: '203.0.113.9', description: 'public' }),
  forward({ ext: 11112, int: 104, host: '10.99.99.99', description: 'elsewhere' }),
];

beforeAll(async () => {
  // VNC (RFC 6143 7.1.1-7.1.2): version, then one security type, 1 = None.
  const vnc = createServer((socket: Socket) => {
    vncConnections++;
    socket.on('error', () => {});
    socket.write('RFB 003.008\n');
    socket.once('data', () => socket.end(Buffer.from([1, 1])));
  });
  // A web server where an SMB server is expected: it answers the SMB NEGOTIATE with HTTP 400.
  const web = createHttpServer((_req, res) => res.end('hello')) as unknown as Server;
  await listen(vnc, 5900);
  await listen(web, 445);
  servers.push(vnc, web);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
});

describe('probeSnapshot', () => {
  let probed: Snapshot;
  beforeAll(async () => {
    probed = await probeSnapshot(snapshotOf(OFFICE), { ...TEST_ONLY, ...BOUNDS });
  }, 30_000);

  const probeOf = (i: number) => probed.forwards[i]!.probe!;

  it('confirmed: the VNC responder, probed once for the two forwards that lead to it', () => {
    expect(probeOf(0)).toMatchObject({
      status: 'confirmed',
      family: 'vnc',
      service: 'vnc',
      reason: null,
      target: { host: HOST, port: 5900 },
      facts: { noneOffered: true, rfbVersion: '003.008' },
    });
    expect(probeOf(1)).toEqual(probeOf(0));
    expect(vncConnections).toBe(1);
  });

  it('different: a web server behind the SMB forward', () => {
    expect(probeOf(2)).toMatchObject({ status: 'different', family: 'smb', service: 'http' });
  });

  it('silent: nothing listens behind the RDP forward', () => {
    expect(probeOf(3)).toMatchObject({ status: 'silent', family: 'rdp', reason: 'CONNECTION_REFUSED' });
  });

  it('skipped, never contacted: UDP, disabled, a public host, a host outside the LAN', () => {
    expect(probeOf(4)).toMatchObject({ status: 'skipped', reason: 'UDP', bytesSent: 0 });
    expect(probeOf(5)).toMatchObject({ status: 'skipped', reason: 'DISABLED', bytesSent: 0 });
    expect(probeOf(6)).toMatchObject({ status: 'skipped', reason: 'NOT_PRIVATE', bytesSent: 0 });
    expect(probeOf(7)).toMatchObject({ status: 'skipped', reason: 'OUT_OF_SCOPE', bytesSent: 0 });
  });

  it('says what it did on the snapshot, and the snapshot stays inside the schema', () => {
    expect(probed.probes).toMatchObject({
      mode: 'standard',
      probed: 4,
      skipped: 4,
      sentOutside: [],
      vantage: null,
      internetDb: null,
    });
    expect(checkSnapshot(probed)).toBe(probed);
    expect(schemaValidators().dump({ schemaVersion: SCHEMA_VERSION, snapshots: [probed] })).toBe('');
  });

  it('rules: confirmed confidence and probe facts, a different service judged as what answers, a stale forward kept', async () => {
    const report = buildReport([probed], await loadRuleSet(), { now: '2026-06-01T12:00:00Z' });
    expect(schemaValidators().report(report)).toBe('');
    const of = (i: number) =>
      report.findings
        // BOX-NET-008 (a UPnP mapping to the box itself) is the loopback test host's doing.
        .filter(
          (f) => f.forwardId === probed.forwards[i]!.id && f.status === 'fail' && f.ruleId !== 'BOX-NET-008',
        )
        .map((f) => `${f.ruleId}:${f.confidence}`)
        .sort();
    expect(of(0)).toEqual(['BOX-RA-002:confirmed', 'BOX-RA-017:confirmed']);
    // SMB's rule passes: HTTP answers there, and the web rule judges it.
    expect(of(2)).toEqual(['BOX-WEB-001:confirmed']);
    // Nothing answers: still reported (a forward to remove), counted apart.
    expect(of(3)).toEqual(['BOX-RA-001:high']);
    expect(report.findings.find((f) => f.ruleId === 'BOX-RA-001')?.evidence?.probe?.status).toBe('silent');
    // Confirmed: VNC twice (RA-002, RA-017) and the web server; stale: the RDP forward (RA-001 and
    // NET-008); inferred: NET-008 on the others, and the public and outside-the-LAN hosts' rules.
    expect(report.summary.exposures).toEqual({ confirmed: 5, inferred: 7, stale: 2 });

    const text = render(report, { format: 'text', lang: 'en' });
    expect(text).toContain(`Evidence: boxaudit connected to ${HOST}:5900: VNC answered: no password`);
    expect(text).toContain('Certainty: confirmed');
    expect(text).toContain('nothing answered (connection refused)');
    expect(text).toContain('5 confirmed by a probe, 7 inferred from the port number or the label, 2 where');
    const fr = render(report, { format: 'text', lang: 'fr' });
    expect(fr).toContain(`Preuve : boxaudit s’est connecté à ${HOST}:5900 : VNC a répondu`);
    expect(fr).toContain('ce n’est pas le programme attendu mais HTTP qui a répondu');
    const md = render(report, { format: 'markdown', lang: 'fr' });
    expect(md).toContain('Preuve');
    // The HTML page shows the same sentence in the device's "what answers there" slot, escaped.
    const html = render(report, { format: 'html', lang: 'en' });
    expect(html).toContain(`boxaudit connected to ${HOST}:5900: VNC answered: no password`);
    expect(html).not.toContain('not checked (run boxaudit with --probe');
    const sarif = JSON.parse(render(report, { format: 'sarif', lang: 'en' }));
    const vnc = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'BOX-RA-017');
    expect(vnc.message.text).toContain('Evidence: boxaudit connected to');
    expect(vnc.properties.evidence.probe.facts.noneOffered).toBe(true);
  });
});

describe('probeSnapshot bounds', () => {
  it('an aborted signal: nothing is contacted, every forward is skipped ABORTED', async () => {
    const before = vncConnections;
    const probed = await probeSnapshot(snapshotOf(OFFICE.slice(0, 1)), {
      ...TEST_ONLY,
      signal: AbortSignal.abort(),
    });
    expect(probed.forwards[0]!.probe).toMatchObject({ status: 'skipped', reason: 'ABORTED' });
    expect(vncConnections).toBe(before);
  });

  it("the audit's byte budget spent: skipped BUDGET_BYTES, nothing contacted", async () => {
    const before = vncConnections;
    const budget = AuditBudget.create({ maxBytes: 10 });
    budget.addBytes(10);
    const probed = await probeSnapshot(snapshotOf(OFFICE.slice(0, 1)), { ...TEST_ONLY, budget });
    expect(probed.forwards[0]!.probe).toMatchObject({ status: 'skipped', reason: 'BUDGET_BYTES' });
    expect(vncConnections).toBe(before);
  });

  it('the bytes a probe read count against the budget', async () => {
    const budget = AuditBudget.create();
    await probeSnapshot(snapshotOf(OFFICE.slice(0, 1)), { ...TEST_ONLY, budget });
    expect(budget.bytesRead).toBe(14); // "RFB 003.008\n" and the two security-type bytes
  });

  it('never probes the WAN address, even inside an admitted prefix', async () => {
    const probed = await probeSnapshot(snapshotOf(OFFICE.slice(0, 1), HOST), TEST_ONLY);
    expect(probed.forwards[0]!.probe).toMatchObject({ status: 'skipped', reason: 'WAN_ADDRESS' });
  });
});

describe('double NAT / CGNAT', () => {
  it('recognises private and shared (100.64/10) external addresses', () => {
    expect(behindAnotherNat('100.64.0.1')).toBe(true);
    expect(behindAnotherNat('100.127.255.254')).toBe(true);
    expect(behindAnotherNat('100.128.0.1')).toBe(false);
    expect(behindAnotherNat('192.168.0.2')).toBe(true);
    expect(behindAnotherNat('11.0.0.2')).toBe(false);
    expect(behindAnotherNat(null)).toBeNull();
  });

  it('warns that IPv4 forwards are probably unreachable, and still reports them (never a pass)', async () => {
    const probed = await probeSnapshot(snapshotOf([forward({ ext: 3389, int: 3389 })], '100.70.1.2'), {
      ...TEST_ONLY,
      ...BOUNDS,
    });
    expect(probed.warnings.map((w) => w.code)).toContain(DOUBLE_NAT_WARNING);
    const report = buildReport([probed], await loadRuleSet(), { now: '2026-06-01T12:00:00Z' });
    expect(report.findings.map((f) => f.ruleId)).toContain('BOX-RA-001');
    expect(report.summary.exitCode).toBe(1);
    expect(render(report, { format: 'text', lang: 'en' })).toContain(
      'IPv4 forwards are probably not reachable from the Internet',
    );
    expect(render(report, { format: 'text', lang: 'fr' })).toContain(
      'Les redirections IPv4 ne sont probablement pas joignables depuis Internet',
    );
  });
});
