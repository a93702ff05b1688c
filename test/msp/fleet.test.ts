/**
 * `auditFleet` and fleet files (issue 15 part 4), as a library: offline fixtures and the loopback
 * vendor simulators audited together, a few at a time; credentials from the environment variables
 * each site names; one site's failure never stops the others; aborting reports every site; a site
 * without an explicit target (discovery) is refused before anything is sent.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  auditFleet,
  type FleetResult,
  fleetExitCode,
  fleetResultLine,
  isBoxauditError,
  readFleetFile,
} from '../../src/index.js';
import { listenOnLoopback } from '../sim/vendors/_listen.js';
import { LIVEBOX_SIM_PASSWORD, startLiveboxSimulator } from '../sim/vendors/livebox.js';
import {
  ROUTEROS_REST_SIM_PASSWORD,
  ROUTEROS_REST_SIM_USER,
  startRouterosRestSimulator,
} from '../sim/vendors/routeros-rest.js';
import { assertLoopbackSites, CONFIGS, MSP_FIXTURES, validatorFor } from './helpers.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

function writeFleet(sites: Array<Record<string, unknown>>): string {
  assertLoopbackSites(sites as Array<{ target: Record<string, unknown> }>);
  const dir = mkdtempSync(join(tmpdir(), 'boxaudit-fleet-'));
  const file = join(dir, 'sites.json');
  writeFileSync(file, JSON.stringify({ $schema: '../schema/fleet.schema.json', sites }));
  return file;
}

async function all(results: AsyncIterable<FleetResult>): Promise<FleetResult[]> {
  const out: FleetResult[] = [];
  for await (const r of results) out.push(r);
  return out;
}

describe('a fleet of offline exports and loopback vendor simulators', () => {
  it('audits every site, with each site its own credentials; failures are results with their code', async () => {
    const livebox = await startLiveboxSimulator();
    closers.push(() => livebox.close());
    const routeros = await startRouterosRestSimulator();
    closers.push(() => routeros.close());
    const wrong = await startLiveboxSimulator();
    closers.push(() => wrong.close());
    const file = writeFleet([
      {
        name: 'cabinet-martin',
        target: { vendor: 'livebox', host: livebox.url },
        credentials: { passwordEnv: 'MARTIN_PW' },
      },
      {
        name: 'clinique-nord',
        target: { vendor: 'routeros-rest', host: routeros.url },
        credentials: { userEnv: 'NORD_USER', passwordEnv: 'NORD_PW' },
      },
      { name: 'cabinet-durand', target: { file: join(CONFIGS, 'openwrt/uci-show.txt') } },
      { name: 'radiologie-sud', target: { file: '../fixtures-that-do-not-exist/export.conf' } },
      {
        name: 'wrong-password',
        target: { vendor: 'livebox', host: wrong.url },
        credentials: { passwordEnv: 'WRONG_PW' },
      },
      {
        name: 'unset-variable',
        target: { vendor: 'livebox', host: livebox.url },
        credentials: { passwordEnv: 'NOT_SET_PW' },
      },
    ]);
    const env = {
      MARTIN_PW: LIVEBOX_SIM_PASSWORD,
      NORD_USER: ROUTEROS_REST_SIM_USER,
      NORD_PW: ROUTEROS_REST_SIM_PASSWORD,
      WRONG_PW: 'not-the-livebox-pw-0451',
    };
    const fleet = await readFleetFile(file, { env });
    expect(fleet.secrets).toEqual(
      expect.arrayContaining([LIVEBOX_SIM_PASSWORD, ROUTEROS_REST_SIM_PASSWORD, 'not-the-livebox-pw-0451']),
    );
    const unset = fleet.sites.find((s) => s.name === 'unset-variable')!;
    expect('error' in unset && unset.error.message).toMatch(/NOT_SET_PW is not set/);
    const ready = fleet.sites.filter((s) => !('error' in s)) as Parameters<typeof auditFleet>[0] & unknown[];
    const results = await all(auditFleet(ready, { concurrency: 2, now: '2026-12-01T00:00:00Z' }));

    expect(results.map((r) => r.name).sort()).toEqual(
      ['cabinet-durand', 'cabinet-martin', 'clinique-nord', 'radiologie-sud', 'wrong-password'].sort(),
    );
    const by = new Map(results.map((r) => [r.name, r]));
    for (const name of ['cabinet-martin', 'clinique-nord', 'cabinet-durand']) {
      const r = by.get(name)!;
      expect(r.ok, JSON.stringify(r)).toBe(true);
      if (r.ok)
        expect(r.report.findings.some((f) => f.ruleId === 'BOX-MED-001' && f.status === 'fail')).toBe(true);
    }
    expect(by.get('wrong-password')).toMatchObject({ ok: false, error: { code: 'BOXAUDIT_AUTH_FAILED' } });
    expect(by.get('radiologie-sud')).toMatchObject({ ok: false, error: { code: 'BOXAUDIT_NOT_FOUND' } });
    // Relative paths are read from the fleet file's folder, not the process's.
    const missing = by.get('radiologie-sud')!;
    expect(!missing.ok && missing.error.message).toContain(
      join(file, '..', '..', 'fixtures-that-do-not-exist'),
    );
    expect(fleetExitCode(results)).toBe(2);

    // Each site's password went to its own box only.
    const wrongLogins = wrong.requests.filter((r) => r.operation !== null);
    expect(wrongLogins.length).toBeGreaterThan(0);

    const valid = validatorFor('fleet-result');
    for (const r of results) {
      const line = fleetResultLine(r, fleet.secrets);
      expect(line.endsWith('\n') && !line.slice(0, -1).includes('\n')).toBe(true);
      expect(valid(JSON.parse(line))).toBe('');
      for (const secret of fleet.secrets) expect(line).not.toContain(secret);
    }
  });

  it('the exit code is the worst site: all clean → 0, findings → 1, one failure → 2', () => {
    const ok = (exitCode: 0 | 1 | 2) =>
      ({ name: `s${exitCode}`, ok: true, report: { summary: { exitCode } } }) as unknown as FleetResult;
    const failed: FleetResult = { name: 'x', ok: false, error: { code: 'BOXAUDIT_TIMEOUT', message: 't' } };
    expect(fleetExitCode([ok(0), ok(0)])).toBe(0);
    expect(fleetExitCode([ok(0), ok(1)])).toBe(1);
    expect(fleetExitCode([ok(1), failed, ok(0)])).toBe(2);
    expect(fleetExitCode([])).toBe(0);
  });
});

describe('concurrency', () => {
  it('never has more than `concurrency` sites in flight, and still audits them all', async () => {
    let inFlight = 0;
    let most = 0;
    const server = http.createServer((_req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(404).end();
      }, 30);
    });
    const listening = await listenOnLoopback(server);
    closers.push(listening.close);
    const sites = Array.from({ length: 7 }, (_, i) => ({
      name: `site-${i}`,
      target: { upnp: `${listening.url}/rootDesc-${i}.xml` },
    }));
    const results = await all(auditFleet(sites, { concurrency: 2, timeoutMs: 5000 }));
    expect(results).toHaveLength(7);
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(2);
  });

  for (const concurrency of [0, 65, 1.5, Number.NaN, '4']) {
    it(`concurrency ${String(concurrency)} → BOXAUDIT_INPUT_INVALID`, async () => {
      await expect(all(auditFleet([], { concurrency: concurrency as number }))).rejects.toMatchObject({
        code: 'BOXAUDIT_INPUT_INVALID',
      });
    });
  }
});

describe('abort', () => {
  it('after an abort no new site starts, and every site not audited is reported as BOXAUDIT_ABORTED', async () => {
    const sim = await startLiveboxSimulator();
    closers.push(() => sim.close());
    const controller = new AbortController();
    const sites = ['a', 'b', 'c'].map((name) => ({
      name,
      target: { vendor: 'livebox', host: sim.url, credentials: { password: LIVEBOX_SIM_PASSWORD } },
    }));
    const results: FleetResult[] = [];
    let requestsAtAbort = -1;
    for await (const r of auditFleet(sites, { signal: controller.signal, concurrency: 1 })) {
      results.push(r);
      if (results.length === 1) {
        controller.abort();
        requestsAtAbort = sim.requests.length;
      }
    }
    expect(results.map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(results[0]!.ok).toBe(true);
    for (const r of results.slice(1))
      expect(r).toMatchObject({ ok: false, error: { code: 'BOXAUDIT_ABORTED' } });
    expect(sim.requests.length).toBe(requestsAtAbort);
  });

  it('a signal aborted before the start: BOXAUDIT_ABORTED before any site is contacted', async () => {
    const sim = await startLiveboxSimulator();
    closers.push(() => sim.close());
    const controller = new AbortController();
    controller.abort();
    const sites = [{ name: 'a', target: { vendor: 'livebox', host: sim.url } }];
    await expect(all(auditFleet(sites, { signal: controller.signal }))).rejects.toMatchObject({
      code: 'BOXAUDIT_ABORTED',
    });
    expect(sim.requests).toEqual([]);
  });
});

describe('explicit targets only', () => {
  it('auditFleet refuses a discovery site before any traffic', async () => {
    const discover = vi.spyOn(await import('../../src/discovery/ssdp.js'), 'discover');
    const sites = [
      { name: 'ok', target: { file: join(MSP_FIXTURES, 'monday.uci') } },
      { name: 'lan', target: { discover: {} } },
    ];
    await expect(all(auditFleet(sites as never))).rejects.toMatchObject({ code: 'BOXAUDIT_INPUT_INVALID' });
    await expect(all(auditFleet([{ name: 'none' } as never]))).rejects.toThrow(/has no target/);
    await expect(
      all(
        auditFleet([
          { name: 'twice', target: { file: 'a' } },
          { name: 'twice', target: { file: 'b' } },
        ]),
      ),
    ).rejects.toThrow(/two sites are named "twice"/);
    expect(discover).not.toHaveBeenCalled();
    discover.mockRestore();
  });

  const bad: Array<[string, unknown, RegExp]> = [
    [
      'a discovery target',
      { sites: [{ name: 'a', target: { discover: {} } }] },
      /discovery is not a fleet target/,
    ],
    ['no target', { sites: [{ name: 'a' }] }, /\/sites\/0\/target is required/],
    [
      'a literal password',
      { sites: [{ name: 'a', target: { file: 'x' }, credentials: { password: 'hunter2' } }] },
      /\/sites\/0\/credentials\/password is not a known field/,
    ],
    [
      'a value where a variable name belongs',
      {
        sites: [
          {
            name: 'a',
            target: { vendor: 'livebox', host: '127.0.0.1' },
            credentials: { passwordEnv: 'my secret!' },
          },
        ],
      },
      /passwordEnv must match the pattern/,
    ],
    [
      'two sites with one name',
      {
        sites: [
          { name: 'a', target: { file: 'x' } },
          { name: 'a', target: { file: 'y' } },
        ],
      },
      /"a" is also the name of \/sites\/0/,
    ],
    ['no site', { sites: [] }, /\/sites/],
  ];
  for (const [what, doc, message] of bad) {
    it(`a fleet file with ${what} → BOXAUDIT_CONFIG_INVALID naming where`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'boxaudit-fleet-'));
      const file = join(dir, 'sites.json');
      writeFileSync(file, JSON.stringify(doc));
      const error = await readFleetFile(file, { env: {} }).catch((e: unknown) => e);
      expect(isBoxauditError(error, 'BOXAUDIT_CONFIG_INVALID'), String(error)).toBe(true);
      expect(String((error as Error).message)).toMatch(message);
      expect(String((error as Error).message)).not.toContain('hunter2');
    });
  }

  it('the example fleet file of docs/msp.md validates against schema/fleet.schema.json', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = JSON.parse(readFileSync(join(MSP_FIXTURES, 'sites.example.json'), 'utf8'));
    expect(validatorFor('fleet')(doc)).toBe('');
  });
});
