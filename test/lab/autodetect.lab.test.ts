/**
 * Vendor auto-detection end to end in the lab: plain `boxaudit audit --json` (the BUILT CLI, default
 * SSDP discovery, run in the lab's lan namespace: multicast never leaves the namespaces the lab made)
 * finds the real miniupnpd, whose description says it is an AVM FRITZ!Box (miniupnpd's own
 * `manufacturer_name`/`model_name`/`friendly_name` options), fingerprints it, and reads the box
 * through TR-064 on the gateway's address and FRITZ!Box port 49000, where the gw namespace runs
 * boxaudit's FRITZ!Box simulator (test/sim/vendors/fritzbox.ts via ./fritzbox-gateway.ts). That
 * simulator is built from AVM's documented TR-064 formats (shared/vendor-apis.md §5), not a real box.
 *
 * The box holds a manual port share (a PACS on DICOM 104) that UPnP cannot show, next to a UPnP
 * mapping made with the real upnpc. Checked: with credentials the vendor snapshot replaces the UPnP
 * one and the PACS is flagged; without them the UPnP view stays with a hint naming the command; with
 * a wrong password the UPnP view stays with a VENDOR_READ_FAILED warning and coverage error (exit 2:
 * the audit is incomplete). Secrets never show, and the
 * simulator's log proves only allowlisted TR-064 calls were sent.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { FRITZBOX_ALLOWLIST } from '../../src/adapters/fritzbox.js';
import type { Snapshot } from '../../src/model/types.js';
import { danglingForwardIds, parseJson, type ReportJson, schemaValidators } from '../cli/helpers.js';
import type { FritzMapping, SimRequest } from '../sim/vendors/fritzbox.js';
import { LAB_ADDRESSES, type Lab } from './lab.js';
import { describeLab } from './suite.js';

/** What a FRITZ!Box's IGD says about itself (as in the real 7590 / 6660 captures). */
const FRITZ_DESCRIPTION = [
  'friendly_name=FRITZ!Box 7590',
  'manufacturer_name=AVM Berlin',
  'manufacturer_url=http://www.avm.de',
  'model_name=FRITZ!Box 7590',
  'model_description=FRITZ!Box 7590',
  'model_number=avm',
];

const USER = 'boxaudit';
const PASSWORD = 'Lab-Fr1tz-S3cret-7d9Q';
const WRONG_PASSWORD = 'Lab-Wr0ng-Guess-4kP2';
/** Hide the test runner's own BOXAUDIT_* from the CLI: it ignores empty variables. */
const NO_CREDENTIALS = { BOXAUDIT_USER: '', BOXAUDIT_PASSWORD: '', BOXAUDIT_TOKEN: '' };

/** The UPnP mapping made with upnpc on miniupnpd, and the same row in the FRITZ!Box's TR-064 table. */
const TORRENT = { ext: 51413, int: 51413, proto: 'UDP', desc: 'Transmission', lease: 3600 } as const;
/** A manual port share made in the FRITZ!Box UI: in TR-064's table (lease 0), never over UPnP. */
const PACS_HOST = '10.77.0.20';
const BOX_TABLE: FritzMapping[] = [
  {
    remoteHost: '',
    externalPort: 104,
    protocol: 'TCP',
    internalPort: 104,
    internalClient: PACS_HOST,
    enabled: true,
    description: 'PACS Orthanc',
    leaseDuration: 0,
  },
  {
    remoteHost: '',
    externalPort: TORRENT.ext,
    protocol: TORRENT.proto,
    internalPort: TORRENT.int,
    internalClient: LAB_ADDRESSES.lanIp,
    enabled: true,
    description: TORRENT.desc,
    leaseDuration: TORRENT.lease,
  },
];

type Report = Omit<ReportJson, 'snapshots'> & { snapshots: Snapshot[] };

const ALLOWED = new Set<string>(FRITZBOX_ALLOWLIST);
/** `GET /tr64desc.xml` or `Service:1#Action`, as the adapter's allowlist spells them. */
const callOf = (r: SimRequest) => r.action ?? `${r.method} ${r.path}`;

describeLab(
  'auto-detection of a FRITZ!Box by default discovery',
  { miniupnpdExtraConfig: FRITZ_DESCRIPTION },
  (lab) => {
    let logFile: string;
    const simLog = (): SimRequest[] =>
      readFileSync(logFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as SimRequest);

    /** Run the CLI and return it with the simulator requests it caused. */
    const audit = async (env: Record<string, string>) => {
      const before = simLog().length;
      const run = await lab().runCli(['audit', '--json'], { env, timeoutMs: 90_000 });
      return { ...run, requests: simLog().slice(before) };
    };

    beforeAll(async () => {
      logFile = join(lab().dir, 'fritzbox-requests.jsonl');
      writeFileSync(logFile, '');
      await lab().addMapping(TORRENT);
      const child = await lab().spawnNode(
        'test/lab/fritzbox-gateway.ts',
        'serveFritzboxOnGateway',
        [
          {
            listenHost: LAB_ADDRESSES.gwLanIp,
            logFile,
            sim: { username: USER, password: PASSWORD, connection: 'ip', mappings: BOX_TABLE },
          },
        ],
        { ns: 'gw' },
      );
      await waitForReady(child);
    }, 60_000);

    it('the box UPnP shows lacks the manual PACS share', async () => {
      const dump = await lab().runCli(['dump', '--upnp', lab().descUrl, '--json']);
      expect(dump.code, dump.stderr).toBe(0);
      const doc = parseJson<{ snapshots: Snapshot[] }>(dump.stdout, 'dump --json');
      expect(doc.snapshots[0]?.gateway).toMatchObject({
        manufacturer: 'AVM Berlin',
        model: 'FRITZ!Box 7590',
      });
      expect(doc.snapshots[0]?.forwards.map((f) => `${f.protocol}/${f.externalPort?.start}`)).toEqual([
        `udp/${TORRENT.ext}`,
      ]);
    });

    it('with BOXAUDIT_USER/BOXAUDIT_PASSWORD: read through TR-064, the manual PACS share is flagged, no secret shown', async () => {
      const rulesBefore = await lab().nftRuleset();
      const r = await audit({ BOXAUDIT_USER: USER, BOXAUDIT_PASSWORD: PASSWORD, BOXAUDIT_TOKEN: '' });
      expect(r.code, r.stderr).toBe(1);
      const report = parseJson<Report>(r.stdout, 'audit --json');
      expect(schemaValidators().report(report)).toBe('');
      expect(danglingForwardIds(report)).toEqual([]);
      expect(report.snapshots).toHaveLength(1);
      const snapshot = report.snapshots[0]!;
      expect(snapshot.target).toMatchObject({
        kind: 'vendor',
        adapter: 'fritzbox',
        address: `http://${LAB_ADDRESSES.gwLanIp}:49000`,
      });
      expect(snapshot.warnings.map((w) => w.code)).not.toContain('VENDOR_READ_FAILED');
      expect(snapshot.coverage.map((c) => c.code)).not.toContain('VENDOR_API_AVAILABLE');

      const pacs = snapshot.forwards.find((f) => f.externalPort?.start === 104);
      expect(pacs).toMatchObject({
        source: 'static',
        protocol: 'tcp',
        internalHost: PACS_HOST,
        internalPort: { start: 104, end: 104 },
        description: 'PACS Orthanc',
        provenance: { adapter: 'fritzbox', transport: 'tr064' },
      });
      expect(snapshot.forwards.find((f) => f.externalPort?.start === TORRENT.ext)).toMatchObject({
        source: 'upnp',
        protocol: 'udp',
        provenance: { adapter: 'fritzbox' },
      });
      const dicom = report.findings.filter((f) => f.ruleId === 'BOX-MED-001' && f.status === 'fail');
      expect(dicom.map((f) => `${f.forwardId}:${f.severity}`)).toContain(`${pacs?.id}:critical`);

      for (const text of [r.stdout, r.stderr]) expect(text).not.toContain(PASSWORD);
      // Logged in with digest auth: authenticated reads happened, every one allowlisted, no write.
      expect(r.requests.filter((q) => q.authenticated).length).toBeGreaterThan(3);
      expect(r.requests.map(callOf).filter((c) => !ALLOWED.has(c))).toEqual([]);
      expect(r.requests.map(callOf)).toContain('WANIPConnection:1#GetGenericPortMappingEntry');
      // Reading the box through its API changed nothing on the gateway.
      expect(await lab().nftRuleset()).toBe(rulesBefore);
      expect(await lab().miniupnpdAlive()).toBe(true);
    });

    it('without credentials (no TTY): the UPnP view, a hint naming the FRITZ!Box and the command, exit 0, no login tried', async () => {
      const r = await audit(NO_CREDENTIALS);
      // Documented: 0 = no failing finding at or above --fail-on; what could not be seen is coverage, not an error.
      expect(r.code, r.stderr).toBe(0);
      const report = parseJson<Report>(r.stdout, 'audit --json');
      expect(schemaValidators().report(report)).toBe('');
      expect(report.summary.exitCode).toBe(0);
      const snapshot = report.snapshots[0]!;
      expect(snapshot.target.kind).toBe('discovered');
      expect(snapshot.gateway.descriptionUrl).toBe(lab().descUrl);
      expect(
        snapshot.forwards.map((f) => `${f.provenance.adapter} ${f.protocol}/${f.externalPort?.start}`),
      ).toEqual([`upnp-igd udp/${TORRENT.ext}`]);
      const hint = snapshot.coverage.find((c) => c.code === 'VENDOR_API_AVAILABLE');
      expect(hint).toMatchObject({
        area: 'static-forwards',
        status: 'not-visible',
        details: { adapter: 'fritzbox', host: LAB_ADDRESSES.gwLanIp },
      });
      expect(hint?.reason).toContain('FRITZ!Box');
      expect(hint?.reason).toContain(`boxaudit --vendor fritzbox --host ${LAB_ADDRESSES.gwLanIp}`);
      expect(hint?.reason).toMatch(/BOXAUDIT_USER.*BOXAUDIT_PASSWORD/);
      // TR-064 shows the manual port shares, not the exposed host: the hint must not promise the DMZ.
      expect(hint?.reason).toContain('shows the manual port forwards that UPnP cannot');
      expect(hint?.reason).not.toContain('DMZ');
      expect(report.findings.filter((f) => f.ruleId === 'BOX-MED-001')).toEqual([]);
      expect(r.stderr).not.toContain('VENDOR_READ_FAILED');
      // Without credentials the CLI must not even knock on TR-064.
      expect(r.requests).toEqual([]);
    });

    it('with a wrong password: the UPnP view stays, VENDOR_READ_FAILED says why on stderr and in the report, one login only', async () => {
      const r = await audit({ BOXAUDIT_USER: USER, BOXAUDIT_PASSWORD: WRONG_PASSWORD, BOXAUDIT_TOKEN: '' });
      // Incomplete: the manual forwards the credentials were meant to show were not seen (exit 2).
      expect(r.code, r.stderr).toBe(2);
      const report = parseJson<Report>(r.stdout, 'audit --json');
      expect(schemaValidators().report(report)).toBe('');
      const snapshot = report.snapshots[0]!;
      expect(snapshot.target.kind).toBe('discovered');
      expect(snapshot.forwards.map((f) => f.provenance.adapter)).toEqual(['upnp-igd']);
      const failed = snapshot.warnings.find((w) => w.code === 'VENDOR_READ_FAILED');
      expect(failed?.where).toBe(LAB_ADDRESSES.gwLanIp);
      expect(failed?.message).toMatch(/login refused \(HTTP 401\)/);
      expect(failed?.message).toContain('falls back to what UPnP shows');
      expect(r.stderr).toMatch(
        /^boxaudit: warning: .*login refused \(HTTP 401\).*falls back to what UPnP shows$/m,
      );
      const error = snapshot.coverage.find((c) => c.code === 'VENDOR_READ_FAILED');
      expect(error?.status).toBe('error');
      expect(error?.reason).toMatch(
        /login refused \(HTTP 401\).*boxaudit --vendor fritzbox --host 10\.77\.0\.1/,
      );
      for (const text of [r.stdout, r.stderr]) {
        expect(text).not.toContain(WRONG_PASSWORD);
        expect(text).not.toMatch(/TypeError|ReferenceError|\n\s+at /);
      }
      // One digest challenge, one refused answer, no retry (FRITZ!OS delays logins after wrong passwords).
      expect(r.requests.map(callOf).filter((c) => !ALLOWED.has(c))).toEqual([]);
      expect(r.requests.filter((q) => q.method === 'POST')).toHaveLength(2);
      expect(r.requests.some((q) => q.authenticated)).toBe(false);
    });
  },
);

/** Wait for the `{"ready":…}` line of ./fritzbox-gateway.ts (or fail with what it printed). */
function waitForReady(child: ReturnType<Lab['spawnBackground']>): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail('no ready line within 15 s'), 15_000);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`[lab] FRITZ!Box simulator on the gateway: ${why}: ${err.trim() || out.trim()}`));
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/"ready"/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => fail(`exited with ${code}`));
  });
}
