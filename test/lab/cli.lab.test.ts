/**
 * The built CLI (`dist/cli/main.js`, made by `npm run build`, which `npm test` runs first), run in
 * the lab's lan namespace like a doctor's PC would, against the real miniupnpd holding a real
 * mapping of the DICOM port made with upnpc.
 */
import { expect, it } from 'vitest';
import type { DumpDocument } from '../../src/model/types.js';
import { LAB_ADDRESSES } from './lab.js';
import { describeLab } from './suite.js';

interface AuditJson extends DumpDocument {
  findings: Array<{ ruleId: string; severity: string; forwardId: string | null }>;
  summary: unknown;
}

function parseJson<T>(stdout: string, what: string): T {
  try {
    return JSON.parse(stdout) as T;
  } catch {
    throw new Error(`${what} did not print JSON on stdout: ${stdout.slice(0, 500)}`);
  }
}

describeLab('CLI in the lan namespace against the real miniupnpd', {}, (lab) => {
  it('discover --json finds the box by default discovery (SSDP stays inside the namespace)', async () => {
    const { stdout, stderr, code } = await lab().runCli(['discover', '--json']);
    expect(code, stderr).toBe(0);
    const result = parseJson<{
      schemaVersion: string;
      gateways: Array<{ location: string; address: string }>;
    }>(stdout, 'discover --json');
    expect(result.schemaVersion).toMatch(/^\d+\.\d+$/);
    expect(result.gateways.map((g) => g.location)).toContain(lab().descUrl);
  });

  it('discover --gateway 10.77.0.1 --json finds the box by unicast SSDP', async () => {
    const { stdout, stderr, code } = await lab().runCli([
      'discover',
      '--gateway',
      LAB_ADDRESSES.gwLanIp,
      '--json',
    ]);
    expect(code, stderr).toBe(0);
    const result = parseJson<{ gateways: Array<{ location: string; address: string; via: string }> }>(
      stdout,
      'discover --gateway --json',
    );
    expect(result.gateways.length).toBeGreaterThan(0);
    expect(result.gateways.map((g) => g.location)).toContain(lab().descUrl);
    expect(result.gateways.every((g) => g.address === LAB_ADDRESSES.gwLanIp)).toBe(true);
  });

  it('discover (text) names the box and its description URL; exit 0', async () => {
    const { stdout, stderr, code } = await lab().runCli(['discover']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`${LAB_ADDRESSES.gwLanIp}  ${lab().descUrl}`);
  });

  it('dump --upnp URL --json lists the mapping made with upnpc', async () => {
    await lab().addMapping({ ext: 104, int: 104, proto: 'TCP', desc: 'PACS', lease: 3600 });
    const { stdout, stderr, code } = await lab().runCli(['dump', '--upnp', lab().descUrl, '--json']);
    expect(code, stderr).toBe(0);
    const doc = parseJson<DumpDocument>(stdout, 'dump --json');
    expect(doc.snapshots).toHaveLength(1);
    const forwards = doc.snapshots[0]?.forwards ?? [];
    expect(forwards).toHaveLength(1);
    expect(forwards[0]).toMatchObject({
      source: 'upnp',
      protocol: 'tcp',
      externalPort: { start: 104, end: 104 },
      internalHost: LAB_ADDRESSES.lanIp,
      description: 'PACS',
    });
  });

  it('dump --json with no target (SSDP discovery in the namespace) lists the same mappings', async () => {
    await lab().addMapping({ ext: 3389, int: 3389, proto: 'TCP', desc: 'RDP', lease: 3600 });
    const viaUrl = await lab().runCli(['dump', '--upnp', lab().descUrl, '--json']);
    const discovered = await lab().runCli(['dump', '--json']);
    expect(discovered.code, discovered.stderr).toBe(0);
    const doc = parseJson<DumpDocument>(discovered.stdout, 'dump --json (discovery)');
    expect(doc.snapshots).toHaveLength(1);
    expect(doc.snapshots[0]?.target.kind).toBe('discovered');
    expect(doc.snapshots[0]?.gateway.descriptionUrl).toBe(lab().descUrl);
    const keys = (d: DumpDocument) =>
      (d.snapshots[0]?.forwards ?? [])
        .map(
          (f) =>
            `${f.protocol} ${f.externalPort?.start} ${f.internalHost}:${f.internalPort?.start} ${f.description}`,
        )
        .sort();
    expect(keys(doc)).toEqual(keys(parseJson<DumpDocument>(viaUrl.stdout, 'dump --upnp --json')));
    expect(keys(doc)).toEqual([
      `tcp 104 ${LAB_ADDRESSES.lanIp}:104 PACS`,
      `tcp 3389 ${LAB_ADDRESSES.lanIp}:3389 RDP`,
    ]);
  });

  it('audit --gateway flags the exposed DICOM port and exits 1; the box is unchanged', async () => {
    const rulesBefore = await lab().nftRuleset();
    const { stdout, stderr, code } = await lab().runCli([
      'audit',
      '--gateway',
      LAB_ADDRESSES.gwLanIp,
      '--json',
    ]);
    expect(code, stderr).toBe(1);
    const report = parseJson<AuditJson>(stdout, 'audit --json');
    const forward = report.snapshots[0]?.forwards.find((f) => f.externalPort?.start === 104);
    expect(forward).toBeDefined();
    const dicom = report.findings.find((f) => f.ruleId === 'BOX-MED-001');
    expect(dicom, JSON.stringify(report.findings.map((f) => f.ruleId))).toBeDefined();
    expect(dicom?.severity).toBe('critical');
    expect(dicom?.forwardId).toBe(forward?.id);
    expect(await lab().nftRuleset()).toBe(rulesBefore);
    expect(await lab().miniupnpdAlive()).toBe(true);
  });
});
