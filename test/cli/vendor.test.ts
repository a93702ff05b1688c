/**
 * `--vendor` end to end through the CLI (in-process, test/cli/helpers.ts), against the loopback vendor simulators (built from the
 * vendors' documented formats, see test/sim/vendors/): the Freebox one-time registration, then audits
 * of a Freebox and a Livebox that flag the PACS forward and the DMZ as critical, and of a RouterOS 7
 * router and a UniFi console that flag the PACS forward. Secrets come from
 * the environment or the saved token file, and never appear in any output.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FREEBOX_SIM_APP_TOKEN, startFreeboxSimulator } from '../sim/vendors/freebox.js';
import { LIVEBOX_SIM_PASSWORD, startLiveboxSimulator } from '../sim/vendors/livebox.js';
import {
  ROUTEROS_REST_SIM_PASSWORD,
  ROUTEROS_REST_SIM_USER,
  startRouterosRestSimulator,
} from '../sim/vendors/routeros-rest.js';
import { startUnifiSimulator, UNIFI_SIM_PASSWORD, UNIFI_SIM_USERNAME } from '../sim/vendors/unifi.js';
import { loadCli, runCli } from './helpers.js';

// Load the CLI before the first test: compiling it must not count against a test's time.
beforeAll(loadCli);

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

interface ReportJson {
  findings: Array<{ ruleId: string; severity: string; status: string }>;
  snapshots: Array<{ target: { adapter: string }; dmz: { enabled: boolean | null } | null }>;
}

describe('boxaudit login freebox, then --vendor freebox', () => {
  it('registers once (token file 0600, token never printed), then audits with the saved token (health profile: PACS and DMZ critical)', async () => {
    const sim = await startFreeboxSimulator({ authorizeStatuses: ['pending', 'granted'] });
    closers.push(() => sim.close());
    const config = mkdtempSync(join(tmpdir(), 'boxaudit-login-'));
    const env = { BOXAUDIT_CONFIG_DIR: config };

    const login = await runCli(['login', 'freebox', '--host', sim.url], { env, timeoutMs: 20_000 });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toContain('accept the request on its front screen');
    const file = join(config, 'freebox-token.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).app_token).toBe(FREEBOX_SIM_APP_TOKEN);
    expect(login.stdout + login.stderr).not.toContain(FREEBOX_SIM_APP_TOKEN);

    const r = await runCli(
      ['audit', '--vendor', 'freebox', '--host', sim.url, '--profile', 'health', '--json'],
      { env },
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout + r.stderr).not.toContain(FREEBOX_SIM_APP_TOKEN);
    const report = JSON.parse(r.stdout) as ReportJson;
    expect(report.snapshots[0]!.target.adapter).toBe('freebox');
    const critical = report.findings.filter((f) => f.status === 'fail' && f.severity === 'critical');
    expect(critical.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['BOX-MED-001', 'BOX-NET-001']));
  });

  it('without a token or a saved registration: exit 2 naming what is missing', async () => {
    const sim = await startFreeboxSimulator();
    closers.push(() => sim.close());
    const env = { BOXAUDIT_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'boxaudit-login-')) };
    const r = await runCli(['audit', '--vendor', 'freebox', '--host', sim.url], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/app token is needed/);
    expect(r.stdout).toBe('');
  });
});

describe('--vendor livebox', () => {
  it('reads the password from BOXAUDIT_PASSWORD and flags the PACS forward and the DMZ as critical (health profile)', async () => {
    const sim = await startLiveboxSimulator();
    closers.push(() => sim.close());
    const env = { BOXAUDIT_PASSWORD: LIVEBOX_SIM_PASSWORD };
    const r = await runCli(
      ['audit', '--vendor', 'livebox', '--host', sim.url, '--profile', 'health', '--json'],
      { env },
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout + r.stderr).not.toContain(LIVEBOX_SIM_PASSWORD);
    const report = JSON.parse(r.stdout) as ReportJson;
    expect(report.snapshots[0]!.dmz?.enabled).toBe(true);
    const critical = report.findings.filter((f) => f.status === 'fail' && f.severity === 'critical');
    expect(critical.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['BOX-MED-001', 'BOX-NET-001']));
  });

  it('a wrong password: exit 2, an authentication message, the password not echoed', async () => {
    const sim = await startLiveboxSimulator();
    closers.push(() => sim.close());
    const r = await runCli(['audit', '--vendor', 'livebox', '--host', sim.url], {
      env: { BOXAUDIT_PASSWORD: 'not-the-password-xyz' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/BOXAUDIT_AUTH_FAILED/);
    expect(r.stderr).not.toContain('not-the-password-xyz');
  });
});

describe.each([
  {
    vendor: 'routeros-rest',
    start: () => startRouterosRestSimulator(),
    env: { BOXAUDIT_USER: ROUTEROS_REST_SIM_USER, BOXAUDIT_PASSWORD: ROUTEROS_REST_SIM_PASSWORD },
  },
  {
    vendor: 'unifi',
    start: () => startUnifiSimulator(),
    env: { BOXAUDIT_USER: UNIFI_SIM_USERNAME, BOXAUDIT_PASSWORD: UNIFI_SIM_PASSWORD },
  },
])('--vendor $vendor', ({ vendor, start, env }) => {
  it('reads the box with credentials from the environment and flags the PACS forward', async () => {
    const sim = await start();
    closers.push(() => sim.close());
    const r = await runCli(['audit', '--vendor', vendor, '--host', sim.url, '--json'], { env });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout + r.stderr).not.toContain(env.BOXAUDIT_PASSWORD);
    const report = JSON.parse(r.stdout) as ReportJson;
    expect(report.snapshots[0]!.target.adapter).toBe(vendor);
    const pacs = report.findings.filter((f) => f.ruleId === 'BOX-MED-001' && f.status === 'fail');
    expect(pacs.map((f) => f.severity)).toContain('critical');
  });

  it('a wrong password: exit 2, an authentication message, the password not echoed', async () => {
    const sim = await start();
    closers.push(() => sim.close());
    const r = await runCli(['audit', '--vendor', vendor, '--host', sim.url], {
      env: { ...env, BOXAUDIT_PASSWORD: 'not-the-password-xyz' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/BOXAUDIT_AUTH_FAILED/);
    expect(r.stderr).not.toContain('not-the-password-xyz');
  });
});
