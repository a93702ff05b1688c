/**
 * `boxaudit dump` and offline audits (`audit --from FILE`) end to end, against the IGD simulator on
 * 127.0.0.1 (a loopback stand-in for the box, holding the demo office's mappings).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OFFICE } from '../../src/demo/demo-office.js';
import { type IgdSimulator, startIgdSimulator } from '../../src/demo/igd-simulator.js';
import {
  danglingForwardIds,
  findingKeys,
  loadCli,
  parseJson,
  type ReportJson,
  runCli,
  schemaValidators,
} from './helpers.js';

// Load the CLI before the first test: compiling it must not count against a test's time.
beforeAll(loadCli);

const NOW = '2026-06-01T12:00:00.000Z';

let sim: IgdSimulator;
let scratch: string;

beforeAll(async () => {
  sim = await startIgdSimulator(DEMO_OFFICE);
  scratch = mkdtempSync(join(tmpdir(), 'boxaudit-cli-dump-'));
});

afterAll(async () => {
  await sim?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('dump --upnp URL', () => {
  it('--json validates against schema/dump.schema.json and lists every simulator mapping field by field', async () => {
    const r = await runCli(['dump', '--upnp', sim.descriptionUrl, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const doc = parseJson<{ schemaVersion: string; snapshots: ReportJson['snapshots'] }>(
      r.stdout,
      'dump --json',
    );
    expect(schemaValidators().dump(doc)).toBe('');
    expect(doc.schemaVersion).toMatch(/^1\.\d+$/);
    expect(doc.snapshots).toHaveLength(1);
    const forwards = doc.snapshots[0]!.forwards;
    const mappings = DEMO_OFFICE.mappings ?? [];
    expect(forwards).toHaveLength(mappings.length);
    for (const m of mappings) {
      const f = forwards.find(
        (x) => x.externalPort?.start === m.externalPort && x.protocol === m.protocol.toLowerCase(),
      );
      expect(f, `${m.protocol} ${m.externalPort}`).toBeDefined();
      expect(f).toMatchObject({
        source: 'upnp',
        protocol: m.protocol.toLowerCase(),
        externalPort: { start: m.externalPort, end: m.externalPort },
        internalHost: m.internalClient,
        internalPort: { start: m.internalPort, end: m.internalPort },
        remoteHost: null,
        enabled: true,
        description: m.description,
      });
      if (m.leaseDuration) {
        // A lease counts down on a real box: anything from 1 s up to what was granted.
        expect(f!.leaseSeconds).toBeGreaterThan(0);
        expect(f!.leaseSeconds).toBeLessThanOrEqual(m.leaseDuration);
      } else {
        expect(f!.leaseSeconds).toBe(0);
      }
    }
    expect(new Set(forwards.map((f) => f.id)).size).toBe(forwards.length);
  });

  it('text lists every mapping in a table and the coverage; nothing on stderr', async () => {
    const r = await runCli(['dump', '--upnp', sim.descriptionUrl]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Port forwards (5)');
    for (const m of DEMO_OFFICE.mappings ?? []) {
      const row = new RegExp(
        `${m.protocol}\\s+${m.externalPort}\\s+-> ${m.internalClient.replace(/\./g, '\\.')}:${m.internalPort}\\s.*${m.description}$`,
        'm',
      );
      expect(r.stdout).toMatch(row);
    }
    expect(r.stdout).toContain('manual port forwards (not visible)');
    expect(r.stdout).not.toContain('BOXAUDIT status='); // dump does not judge
  });

  it('--output FILE writes the JSON dump while stdout keeps the text', async () => {
    const file = join(scratch, 'out-dump.json');
    const r = await runCli(['dump', '--upnp', sim.descriptionUrl, '--output', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Port forwards (5)');
    expect(schemaValidators().dump(parseJson(readFileSync(file, 'utf8'), file))).toBe('');
  });
});

describe('offline: audit --from a saved dump', () => {
  it('gives the online findings, and byte-identical JSON twice with --now fixed', async () => {
    const dumped = await runCli(['dump', '--upnp', sim.descriptionUrl, '--json']);
    expect(dumped.code, dumped.stderr).toBe(0);
    const file = join(scratch, 'office.dump.json');
    writeFileSync(file, dumped.stdout);

    const online = await runCli(['audit', '--upnp', sim.descriptionUrl, '--json', '--now', NOW]);
    expect(online.code, online.stderr).toBe(1);

    const requestsBefore = sim.requests.length;
    const first = await runCli(['audit', '--from', file, '--json', '--now', NOW]);
    const second = await runCli(['audit', '--from', file, '--json', '--now', NOW]);
    expect(sim.requests.length).toBe(requestsBefore); // offline means offline
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toBe('');
    expect(second.stdout).toBe(first.stdout);

    const offlineReport = parseJson<ReportJson>(first.stdout, 'audit --from --json');
    const onlineReport = parseJson<ReportJson>(online.stdout, 'audit --upnp --json');
    expect(schemaValidators().report(offlineReport)).toBe('');
    expect(findingKeys(offlineReport)).toEqual(findingKeys(onlineReport));
    // Same forwards (same ids), and the saved snapshot is kept as it was read.
    expect(offlineReport.snapshots[0]!.forwards.map((f) => f.id).sort()).toEqual(
      onlineReport.snapshots[0]!.forwards.map((f) => f.id).sort(),
    );
    const saved = parseJson<{ snapshots: ReportJson['snapshots'] }>(dumped.stdout, 'dump');
    expect(offlineReport.snapshots[0]!.collectedAt).toBe(saved.snapshots[0]!.collectedAt);
    expect(offlineReport.summary).toEqual(onlineReport.summary);
  });

  it('text audit of the saved dump ends with the same status line as online', async () => {
    const file = join(scratch, 'office2.dump.json');
    const dumped = await runCli(['dump', '--upnp', sim.descriptionUrl, '--json', '--output', file]);
    expect(dumped.code, dumped.stderr).toBe(0);
    const offline = await runCli(['audit', '--from', file]);
    const online = await runCli(['audit', '--upnp', sim.descriptionUrl]);
    const last = (t: string) => t.trimEnd().split('\n').at(-1);
    expect(last(offline.stdout)).toBe(last(online.stdout));
    expect(offline.code).toBe(online.code);
  });

  it('a dump of two boxes: findings point at the right snapshot and forward', async () => {
    const second = await startIgdSimulator({
      mappings: [
        {
          protocol: 'TCP',
          externalPort: 3389,
          internalClient: '10.0.0.5',
          internalPort: 3389,
          description: 'RDP',
        },
      ],
    });
    try {
      const a = await runCli(['dump', '--upnp', sim.descriptionUrl, '--json']);
      const b = await runCli(['dump', '--upnp', second.descriptionUrl, '--json']);
      type Doc = { schemaVersion: string; snapshots: ReportJson['snapshots'] };
      const docA = parseJson<Doc>(a.stdout, 'dump a');
      const merged = {
        ...docA,
        snapshots: [...docA.snapshots, ...parseJson<Doc>(b.stdout, 'dump b').snapshots],
      };
      expect(schemaValidators().dump(merged)).toBe('');
      const file = join(scratch, 'two-boxes.dump.json');
      writeFileSync(file, JSON.stringify(merged));

      const r = await runCli(['audit', '--from', file, '--json', '--now', NOW]);
      expect(r.code, r.stderr).toBe(1);
      const report = parseJson<ReportJson>(r.stdout, 'audit two boxes');
      expect(schemaValidators().report(report)).toBe('');
      expect(danglingForwardIds(report)).toEqual([]);
      const rdp = report.findings.filter((f) => f.ruleId === 'BOX-RA-001');
      expect(rdp.map((f) => f.snapshotIndex)).toEqual([1]);
      expect(report.findings.filter((f) => f.ruleId === 'BOX-MED-001').map((f) => f.snapshotIndex)).toEqual([
        0, 0,
      ]);
      // Each box's router-level finding (UPnP on) is reported once per box.
      expect(
        report.findings
          .filter((f) => f.ruleId === 'BOX-NET-002')
          .map((f) => f.snapshotIndex)
          .sort(),
      ).toEqual([0, 1]);
    } finally {
      await second.close();
    }
  });

  it('a missing or garbled --from file is exit 2 naming the file', async () => {
    const missing = await runCli(['audit', '--from', join(scratch, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('nope.json');

    const garbled = join(scratch, 'garbled.json');
    writeFileSync(garbled, '{"schemaVersion": "1.0", "snapshots": [ {');
    const bad = await runCli(['audit', '--from', garbled]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('garbled.json');
  });
});
