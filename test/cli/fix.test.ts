/**
 * `boxaudit fix` end to end with the CLI (in-process, test/cli/helpers.ts) against the loopback IGD simulator holding the demo
 * office's mappings, here answering DeletePortMapping (`deletable`). The real miniupnpd is in
 * test/lab/fix.lab.test.ts. Stdin is closed (no terminal): only --yes confirms.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OFFICE } from '../../src/demo/demo-office.js';
import { type IgdSimulator, startIgdSimulator } from '../../src/demo/igd-simulator.js';
import { UPNP_READ_ONLY_ACTIONS } from '../../src/transport/soap.js';
import { loadCli, parseJson, type ReportJson, runCli } from './helpers.js';

// Load the CLI before the first test: compiling it must not count against a test's time.
beforeAll(loadCli);

let sims: IgdSimulator[] = [];

async function office(deletable = true): Promise<IgdSimulator> {
  const sim = await startIgdSimulator({ ...DEMO_OFFICE, deletable });
  sims.push(sim);
  return sim;
}

const actions = (sim: IgdSimulator) => sim.requests.filter((r) => r.method === 'POST').map((r) => r.action);
const deleted = (sim: IgdSimulator) =>
  sim.requests
    .filter((r) => r.action === 'DeletePortMapping')
    .map((r) => `${r.args.NewProtocol} ${r.args.NewExternalPort}`);

async function ports(url: string): Promise<string[]> {
  const r = await runCli(['dump', '--upnp', url, '--json']);
  expect(r.code, r.stderr).toBe(0);
  const doc = parseJson<{
    snapshots: Array<{ forwards: Array<{ protocol: string; externalPort: { start: number } }> }>;
  }>(r.stdout, 'dump --json');
  return doc.snapshots[0]!.forwards.map((f) => `${f.protocol.toUpperCase()} ${f.externalPort.start}`).sort();
}

afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

describe('boxaudit fix', () => {
  it('refuses without a terminal and without --yes, before sending anything (exit 2)', async () => {
    const sim = await office();
    const r = await runCli(['fix', '--upnp', sim.descriptionUrl]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('add --yes to confirm in advance');
    expect(r.stderr).toContain('[BOXAUDIT_USAGE]');
    expect(sim.requests).toEqual([]);
  });

  it('says so in French under --lang fr', async () => {
    const sim = await office();
    const r = await runCli(['fix', '--upnp', sim.descriptionUrl, '--lang', 'fr']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ajoutez --yes pour confirmer d’avance');
    expect(sim.requests).toEqual([]);
  });

  it('refuses a file or a vendor target: it can only remove mappings over UPnP', async () => {
    const r = await runCli(['fix', '--yes', '--from', 'test/fixtures/cli/nothing.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not --from');
  });

  it('--yes removes exactly the mappings with findings at or above high, then prints the new report', async () => {
    const sim = await office();
    const before = await ports(sim.descriptionUrl);
    expect(before).toEqual(['TCP 104', 'TCP 443', 'TCP 4450', 'TCP 8443', 'UDP 3074']);
    const r = await runCli(['fix', '--upnp', sim.descriptionUrl, '--yes', '--json']);
    expect(r.stderr).toContain('UPnP mappings to remove (findings at or above high):');
    expect(deleted(sim).sort()).toEqual(['TCP 104', 'TCP 4450', 'TCP 8443']);
    // Each removal is preceded by a check that the box still maps the port to the same device.
    const specific = sim.requests.filter((r) => r.action === 'GetSpecificPortMappingEntry');
    expect(specific).toHaveLength(3);
    expect(r.stderr).toContain('removed: TCP 104 → 192.168.1.20:104 "PACS Orthanc"');
    expect(r.stderr).toContain('3 of 3 mappings removed.');
    const report = parseJson<ReportJson>(r.stdout, 'fix --json');
    expect(report.snapshots[0]!.forwards).toHaveLength(2);
    expect(r.code, r.stderr).toBe(report.summary.exitCode);
    expect(report.summary.exitCode).toBe(0);
    expect(await ports(sim.descriptionUrl)).toEqual(['TCP 443', 'UDP 3074']);
  });

  it('--forward ID removes that mapping only, whatever its severity', async () => {
    const sim = await office();
    const dump = parseJson<{
      snapshots: Array<{ forwards: Array<{ id: string; externalPort: { start: number } }> }>;
    }>((await runCli(['dump', '--upnp', sim.descriptionUrl, '--json'])).stdout, 'dump');
    const https = dump.snapshots[0]!.forwards.find((f) => f.externalPort.start === 443)!;
    const r = await runCli(['fix', '--upnp', sim.descriptionUrl, '--yes', '--forward', https.id]);
    expect(r.stderr).toContain('(chosen with --forward)');
    expect(deleted(sim)).toEqual(['TCP 443']);
    expect(await ports(sim.descriptionUrl)).toEqual(['TCP 104', 'TCP 4450', 'TCP 8443', 'UDP 3074']);
    expect(r.code).toBe(1); // the DICOM mappings are still there
  });

  it('an unknown --forward id is a usage error and removes nothing', async () => {
    const sim = await office();
    const r = await runCli(['fix', '--upnp', sim.descriptionUrl, '--yes', '--forward', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--forward nope: no forward with this id');
    expect(deleted(sim)).toEqual([]);
  });

  it('a box that refuses DeletePortMapping: each refusal is said, nothing is claimed, exit 2', async () => {
    const sim = await office(false);
    const r = await runCli(['fix', '--upnp', sim.descriptionUrl, '--yes', '--lang', 'fr']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('suppression impossible\u00a0: TCP 104 → 192.168.1.20:104');
    expect(r.stderr).toContain('UPnP error 401');
    expect(r.stderr).toContain('0 redirection supprimée sur 3.');
    expect(r.stderr).not.toContain('encore présente');
    expect(await ports(sim.descriptionUrl)).toHaveLength(5);
  });
});

describe('audit never sends DeletePortMapping (the read-only allowlist, end to end)', () => {
  it('audit on a box that would accept deletions sends read-only actions only', async () => {
    const sim = await office();
    const r = await runCli(['audit', '--upnp', sim.descriptionUrl, '--json']);
    expect(r.code).toBe(1);
    expect(actions(sim).length).toBeGreaterThan(0);
    expect(actions(sim).filter((a) => !(UPNP_READ_ONLY_ACTIONS as readonly string[]).includes(a))).toEqual(
      [],
    );
    expect(await ports(sim.descriptionUrl)).toHaveLength(5);
  });
});
