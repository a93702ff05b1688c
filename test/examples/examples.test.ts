/**
 * examples/ (issue 15 part 3): every example is run as a user would run it — `node examples/…`
 * importing the BUILT package through its self-reference `boxaudit` (package.json "exports") — and
 * its real output is checked; the examples are also type-checked (tsconfig.examples.json, checkJs)
 * against the built type declarations. Needs `npm run build` (vitest project `cli`).
 *
 * Network safety: every target is a file under test/fixtures/configs/ or the demo's IGD simulator on
 * 127.0.0.1 (checked by assertLoopbackSites before any example runs); the dashboard service listens
 * on 127.0.0.1 and is called there.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OFFICE } from '../../src/demo/demo-office.js';
import { startIgdSimulator } from '../../src/demo/igd-simulator.js';
import { REPO_ROOT, requireBuiltCli } from '../cli/helpers.js';
import { assertLoopbackSites, CONFIGS, validatorFor } from '../msp/helpers.js';
import { sarifValidator } from '../reporters/sarif-schema.js';
import {
  LIVEBOX_SIM_PASSWORD,
  type LiveboxSimulator,
  startLiveboxSimulator,
} from '../sim/vendors/livebox.js';

const OPENWRT = join(CONFIGS, 'openwrt', 'etc-config-firewall');
const PFSENSE = join(CONFIGS, 'pfsense', 'config.xml');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const children: ChildProcess[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGTERM');
  while (closers.length > 0) await closers.pop()!();
});
beforeAll(() => requireBuiltCli());

/** `node ARGS` from the repository root, killed after 20 s (the test then fails on code null). */
function run(command: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function sitesFile(sites: Array<{ name: string; target: Record<string, unknown>; credentials?: object }>): {
  dir: string;
  file: string;
} {
  assertLoopbackSites(sites);
  const dir = mkdtempSync(join(tmpdir(), 'boxaudit-examples-'));
  const file = join(dir, 'sites.json');
  writeFileSync(file, JSON.stringify({ sites }));
  return { dir, file };
}

async function demoBox(): Promise<string> {
  const sim = await startIgdSimulator(DEMO_OFFICE);
  closers.push(() => sim.close());
  return sim.descriptionUrl;
}

async function livebox(): Promise<LiveboxSimulator> {
  const sim = await startLiveboxSimulator();
  closers.push(() => sim.close());
  return sim;
}

describe('the package resolves from inside the repository', () => {
  it('import and require of "boxaudit" load the built dist through package.json exports', async () => {
    const require = createRequire(join(REPO_ROOT, 'examples', 'audit-cjs.cjs'));
    expect(require.resolve('boxaudit')).toBe(join(REPO_ROOT, 'dist', 'index.cjs'));
    const esm = await run('node', [
      '--input-type=module',
      '-e',
      'console.log(import.meta.resolve("boxaudit"))',
    ]);
    expect(esm.stdout.trim()).toMatch(/\/dist\/index\.js$/);
  });
});

describe('type-check', () => {
  it('tsc -p tsconfig.examples.json (checkJs against the built declarations) reports nothing', async () => {
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run('node', [tsc, '-p', 'tsconfig.examples.json']);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('render-report.mjs (boxaudit/report)', () => {
  const REPORT = join(REPO_ROOT, 'test/fixtures/reports/doctor-office.report.json');

  it('writes the French page and Markdown of a saved report and prints its status line', async () => {
    const out = mkdtempSync(join(tmpdir(), 'boxaudit-examples-render-'));
    const result = await run('node', ['examples/render-report.mjs', REPORT, out, 'fr']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^BOXAUDIT status=findings critical=2 /);
    const page = readFileSync(join(out, 'report.fr.html'), 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain('lang="fr"');
    expect(page).not.toMatch(/<script|https?:\/\/[^"\s]*\.(css|js)/i);
    expect(readFileSync(join(out, 'report.fr.md'), 'utf8')).toContain('### Critique (2)');
  });

  it('a JSON file that is not a report: exit 2 with BOXAUDIT_INPUT_INVALID, nothing written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'boxaudit-examples-render-'));
    const bad = join(out, 'not-a-report.json');
    writeFileSync(bad, '{"findings": 3}');
    const result = await run('node', ['examples/render-report.mjs', bad, join(out, 'pages'), 'en']);
    expect(result.stderr).toMatch(/^BOXAUDIT_INPUT_INVALID: render: report is not an audit report/);
    expect(result.code).toBe(2);
    expect(() => statSync(join(out, 'pages', 'report.en.html'))).toThrow();
  });
});

describe('audit-esm.mjs and audit-cjs.cjs', () => {
  for (const script of ['examples/audit-esm.mjs', 'examples/audit-cjs.cjs']) {
    it(`${script}: the summary of a saved OpenWrt config, exit code of the report`, async () => {
      const result = await run('node', [script, OPENWRT]);
      expect(result.stderr).toBe('');
      const [summary, ...findings] = result.stdout.trim().split('\n');
      expect(summary).toBe(
        'exit=1 forwards=4 critical=1 high=2 medium=0 low=0 info=0 inconclusive=1 coverageGaps=3',
      );
      expect(findings).toContain('fail\tcritical\tBOX-MED-004\tOrthanc DICOM port open to the Internet');
      expect(result.code).toBe(1);
    });

    it(`${script}: an unreadable file is exit 2 with the error's stable code`, async () => {
      const result = await run('node', [script, join(tmpdir(), 'boxaudit-examples-no-such-file')]);
      expect(result.stderr).toMatch(/^BOXAUDIT_NOT_FOUND: /);
      expect(result.stdout).toBe('');
      expect(result.code).toBe(2);
    });
  }

  it('ESM and CJS print the same thing', async () => {
    const esm = await run('node', ['examples/audit-esm.mjs', PFSENSE]);
    const cjs = await run('node', ['examples/audit-cjs.cjs', PFSENSE]);
    expect(esm.stdout).not.toBe('');
    expect(cjs).toEqual(esm);
  });
});

describe('fleet-worker.mjs', () => {
  it('appends one valid JSON line per site (files, a loopback IGD, a loopback Livebox, a site missing its variable); worst exit code; no secret', async () => {
    const upnp = await demoBox();
    const box = await livebox();
    const { dir, file } = sitesFile([
      {
        name: 'cabinet-petit',
        target: { vendor: 'livebox', host: box.url },
        credentials: { passwordEnv: 'BOXAUDIT_EXAMPLES_PETIT_PW' },
      },
      { name: 'cabinet-martin', target: { file: OPENWRT } },
      { name: 'radiologie-sud', target: { upnp } },
      { name: 'clinique-nord', target: { file: PFSENSE } },
      {
        name: 'cabinet-durand',
        target: { vendor: 'livebox', host: '127.0.0.1' },
        credentials: { passwordEnv: 'BOXAUDIT_EXAMPLES_UNSET_PASSWORD' },
      },
    ]);
    const out = join(dir, 'fleet.jsonl');
    writeFileSync(out, '{"previous":"night"}\n');
    const result = await run('node', ['examples/fleet-worker.mjs', file, out, '--concurrency', '2'], {
      BOXAUDIT_EXAMPLES_PETIT_PW: LIVEBOX_SIM_PASSWORD,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('sites=5 failed=1 exit=2\n');
    expect(result.code).toBe(2);

    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.shift()).toBe('{"previous":"night"}'); // appended, never truncated
    const validate = validatorFor('fleet-result');
    const parsed = lines.map((line) => JSON.parse(line));
    for (const entry of parsed) expect(validate(entry)).toBe('');
    expect(parsed.map((e) => e.name).sort()).toEqual([
      'cabinet-durand',
      'cabinet-martin',
      'cabinet-petit',
      'clinique-nord',
      'radiologie-sud',
    ]);
    const byName = new Map(parsed.map((e) => [e.name, e]));
    expect(byName.get('cabinet-durand')).toMatchObject({ ok: false, error: { code: 'BOXAUDIT_USAGE' } });
    expect(byName.get('cabinet-martin').report.summary.exitCode).toBe(1);
    const sud = byName.get('radiologie-sud');
    expect(sud.ok).toBe(true);
    expect(sud.report.snapshots[0].target.kind).toBe('upnp');
    expect(sud.report.snapshots[0].forwards.length).toBeGreaterThan(0);
    const petit = byName.get('cabinet-petit');
    expect(petit.ok).toBe(true);
    expect(petit.report.findings.some((f: { ruleId: string }) => f.ruleId === 'BOX-MED-001')).toBe(true);
    expect(box.issuedSecrets.length).toBeGreaterThan(0);
    for (const secret of [LIVEBOX_SIM_PASSWORD, ...box.issuedSecrets]) {
      expect(readFileSync(out, 'utf8') + result.stdout).not.toContain(secret);
    }
  });

  it('a fleet file that breaks the schema is refused as a whole: exit 2, nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boxaudit-examples-'));
    const file = join(dir, 'sites.json');
    writeFileSync(file, JSON.stringify({ sites: [{ name: 'x', target: { discover: {} } }] }));
    const out = join(dir, 'fleet.jsonl');
    const result = await run('node', ['examples/fleet-worker.mjs', file, out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^BOXAUDIT_/);
    expect(() => statSync(out)).toThrow();
  });
});

describe('dashboard-service.mjs', () => {
  async function startService(file: string, env: Record<string, string> = {}): Promise<string> {
    const child = spawn('node', ['examples/dashboard-service.mjs', file], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
    });
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    return new Promise((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error(`service did not start: ${stderr}`)), 15_000);
      child.stdout.on('data', (d) => {
        stdout += d;
        const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)\/audit$/m.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.on('close', (code) => reject(new Error(`service exited ${code}: ${stderr}`)));
    });
  }

  it('answers the report as JSON and as HTML on loopback; unknown sites, formats and methods refused', async () => {
    const upnp = await demoBox();
    const box = await livebox();
    const { file } = sitesFile([
      { name: 'cabinet-martin', target: { file: OPENWRT } },
      { name: 'radiologie-sud', target: { upnp } },
      {
        name: 'cabinet-petit',
        target: { vendor: 'livebox', host: box.url },
        credentials: { passwordEnv: 'BOXAUDIT_EXAMPLES_PETIT_PW' },
      },
    ]);
    const base = await startService(file, { BOXAUDIT_EXAMPLES_PETIT_PW: LIVEBOX_SIM_PASSWORD });

    const json = await fetch(`${base}/audit?site=cabinet-martin`);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const report = (await json.json()) as {
      summary: { exitCode: number };
      findings: Array<{ ruleId: string }>;
    };
    expect(validatorFor('report')(report)).toBe('');
    expect(report.summary.exitCode).toBe(1);
    expect(report.findings.map((f) => f.ruleId)).toContain('BOX-MED-004');

    const html = await fetch(`${base}/audit?site=radiologie-sud&format=html`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await html.text();
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).not.toMatch(/<script/i);

    // A box read with a password: neither it nor the session the box issued is in either answer.
    const petitJson = await (await fetch(`${base}/audit?site=cabinet-petit`)).text();
    const petitHtml = await (await fetch(`${base}/audit?site=cabinet-petit&format=html`)).text();
    expect(JSON.parse(petitJson).findings.length).toBeGreaterThan(0);
    expect(box.issuedSecrets.length).toBeGreaterThan(0);
    for (const secret of [LIVEBOX_SIM_PASSWORD, ...box.issuedSecrets]) {
      expect(petitJson + petitHtml).not.toContain(secret);
    }

    const unknown = await fetch(`${base}/audit?site=${encodeURIComponent('<b>nope</b>')}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).not.toContain('nope'); // the caller's text is not echoed
    expect((await fetch(`${base}/audit?site=cabinet-martin&format=pdf`)).status).toBe(400);
    expect((await fetch(`${base}/audit?site=cabinet-martin`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
  });
  it('one audit per site at a time: a second call while the first waits on its box is 503, not a second audit', async () => {
    // A "box" on loopback that accepts the connection and never answers: the first audit waits on it.
    const held: Socket[] = [];
    let connected!: () => void;
    const reached = new Promise<void>((resolve) => {
      connected = resolve;
    });
    const silent = createServer((socket) => {
      held.push(socket);
      connected();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(async () => {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const address = silent.address();
    const port = address && typeof address === 'object' ? address.port : 0;
    const { file } = sitesFile([{ name: 'slow', target: { upnp: `http://127.0.0.1:${port}/rootDesc.xml` } }]);
    const base = await startService(file);

    const first = fetch(`${base}/audit?site=slow`);
    await reached;
    const second = await fetch(`${base}/audit?site=slow`);
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('10');
    expect(await second.json()).toEqual({ error: 'busy' });
    expect(held).toHaveLength(1);
    for (const socket of held) socket.destroy(); // the box hangs up: the first call ends with an error code
    const answer = await first;
    expect(answer.status).toBe(502);
    expect(((await answer.json()) as { error: string }).error).toMatch(/^BOXAUDIT_/);
  });
});

describe('custom-rules/', () => {
  it('the pack validates with `boxaudit rules validate`', async () => {
    const result = await run('node', [
      join(REPO_ROOT, 'dist', 'cli', 'main.js'),
      'rules',
      'validate',
      'examples/custom-rules/clinic.rules.json',
    ]);
    expect(result.stdout).toBe('examples/custom-rules/clinic.rules.json: ok\n');
    expect(result.code).toBe(0);
  });

  it('the override raises UPnP to high; the waiver holds through its last day, then expires', async () => {
    const script = 'examples/custom-rules/audit-with-rules.mjs';
    const before = await run('node', [script, OPENWRT, '--now', '2027-03-31T23:00:00Z']);
    expect(before.stderr).toBe('');
    expect(before.stdout).toMatch(/^inconclusive\thigh\tBOX-NET-002 \(config-override\)$/m);
    expect(before.stdout).toMatch(/^waived\tcritical\tBOX-MED-004\tuntil 2027-03-31: /m);
    expect(before.stdout).not.toMatch(/^fail\t\w+\tBOX-MED-004/m);
    expect(before.stdout).toMatch(/^exit=1 waived=1 expiredWaivers=0$/m);

    const after = await run('node', [script, OPENWRT, '--now', '2027-04-01T00:00:01Z']);
    expect(after.stderr).toBe('');
    expect(after.stdout).toMatch(/^fail\tcritical\tBOX-MED-004$/m);
    expect(after.stdout).toMatch(/^EXPIRED WAIVER\tBOX-MED-004\texpired 2027-03-31: /m);
    expect(after.stdout).toMatch(/^exit=1 waived=0 expiredWaivers=1$/m);
    expect(after.code).toBe(1);
  });
});

describe('sarif-upload.md: SARIF that GitHub code scanning accepts as written', () => {
  interface Result {
    ruleId: string;
    suppressions?: Array<{ status: string }>;
    partialFingerprints: Record<string, string>;
    properties: { forwardId: string | null };
    locations: Array<{
      physicalLocation?: {
        artifactLocation: { uri: string; uriBaseId?: string };
        region?: { startLine: number };
      };
      logicalLocations?: Array<{ fullyQualifiedName: string }>;
    }>;
  }
  const validateSarif = sarifValidator();

  it('audit --from CONFIG: every result points at CONFIG (the rule line when known) and keeps its logical location', async () => {
    const config = 'test/fixtures/configs/openwrt/etc-config-firewall';
    const audit = await run('node', [
      join(REPO_ROOT, 'dist', 'cli', 'main.js'),
      'audit',
      '--from',
      config,
      '--rules',
      'examples/custom-rules/clinic.rules.json',
      '--now',
      '2027-01-15',
      '--format',
      'sarif',
    ]);
    expect(audit.code).toBe(1);
    const log = JSON.parse(audit.stdout);
    expect(validateSarif(log)).toBe('');
    const results = log.runs[0].results as Result[];
    expect(results.length).toBe(4);
    const text = readFileSync(join(REPO_ROOT, config), 'utf8').split('\n');
    for (const result of results) {
      const physical = result.locations[0]!.physicalLocation!;
      expect(physical.artifactLocation.uri).toBe(config);
      expect(physical.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(result.locations[0]!.logicalLocations![0]!.fullyQualifiedName).toMatch(/^test\/fixtures.*#/);
      expect(result.partialFingerprints['boxauditFinding/v1']).toMatch(/^[0-9a-f]{64}$/);
      if (result.properties.forwardId !== null) {
        expect(text[physical.region!.startLine - 1]).toMatch(/^config redirect/);
      } else expect(physical.region).toBeUndefined();
    }
    const med = results.find((r) => r.ruleId === 'BOX-MED-004')!;
    expect(med.suppressions?.[0]?.status).toBe('accepted');
    expect(med.locations[0]!.physicalLocation!.region).toEqual({ startLine: 31 });
  });

  it('a live box with --sarif-artifact: the results point at the committed report, which --output wrote', async () => {
    const upnp = await demoBox();
    const dir = mkdtempSync(join(tmpdir(), 'boxaudit-examples-'));
    const saved = join(dir, 'cabinet-martin.json');
    const cli = join(REPO_ROOT, 'dist', 'cli', 'main.js');
    const audit = await run('node', [
      ...[cli, 'audit', '--upnp', upnp, '--format', 'sarif', '--output', saved],
      ...['--sarif-artifact', 'boxaudit/cabinet-martin.json'],
    ]);
    expect(audit.code).toBe(1);
    const log = JSON.parse(audit.stdout);
    expect(validateSarif(log)).toBe('');
    const results = log.runs[0].results as Result[];
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(r.locations[0]!.physicalLocation).toEqual({
        artifactLocation: { uri: 'boxaudit/cabinet-martin.json', uriBaseId: '%SRCROOT%', index: 0 },
      });
    }
    expect(JSON.parse(readFileSync(saved, 'utf8')).findings.length).toBe(results.length);
    // Without the option: boxaudit/<box id>.json, the box's address made a file name.
    const plain = await run('node', [cli, 'audit', '--upnp', upnp, '--format', 'sarif']);
    const port = new URL(upnp).port;
    const uri = JSON.parse(plain.stdout).runs[0].results[0].locations[0].physicalLocation.artifactLocation
      .uri;
    expect(uri).toBe(
      `boxaudit/127.0.0.1_${port}_${new URL(upnp).pathname.slice(1).replace(/[^A-Za-z0-9._-]+/g, '_')}.json`,
    );
  });

  it('--sarif-artifact outside the repository is refused before the box is contacted', async () => {
    for (const bad of ['../elsewhere.json', '/etc/box.json']) {
      const result = await run('node', [
        join(REPO_ROOT, 'dist', 'cli', 'main.js'),
        'audit',
        '--upnp',
        'http://127.0.0.1:9/rootDesc.xml',
        '--format',
        'sarif',
        '--sarif-artifact',
        bad,
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--sarif-artifact must be a path relative to the repository root');
      expect(result.stdout).toBe('');
    }
  });
});
