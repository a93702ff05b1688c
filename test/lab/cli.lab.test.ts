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
