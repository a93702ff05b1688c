/**
 * `--tls-fingerprint` / `--tls-ca` through the CLI (in-process, test/cli/helpers.ts), on loopback only: the OpenWrt ubus and
 * RouterOS REST vendor simulators (built from the vendors' documented formats, see
 * test/sim/vendors/) served over https with a self-signed certificate made by openssl at test time
 * (test/tls-certificates.ts). The ubus simulator is plain http, so a TLS front on 127.0.0.1 relays
 * to it. Bad flags are usage errors (exit 2) naming the flag and the file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startOpenwrtUbusSimulator } from '../sim/vendors/openwrt-ubus.js';
import {
  ROUTEROS_REST_SIM_PASSWORD,
  ROUTEROS_REST_SIM_USER,
  startRouterosRestSimulator,
} from '../sim/vendors/routeros-rest.js';
import { selfSignedCertificate } from '../tls-certificates.js';
import { loadCli, runCli } from './helpers.js';

// Load the CLI before the first test: compiling it must not count against a test's time.
beforeAll(loadCli);

const UBUS_PASSWORD = 'owrt-secret-pw'; // the simulator's default
let key: string;
let cert: string;
let fingerprint: string;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'boxaudit-cli-tls-'));
  ({ key, cert, fingerprint256: fingerprint } = selfSignedCertificate('127.0.0.1'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

/** The ubus simulator behind a TLS front on 127.0.0.1; returns the https base URL. */
async function ubusOverHttps(): Promise<{ url: string; requests: () => number }> {
  const sim = await startOpenwrtUbusSimulator();
  const front = tls.createServer({ key, cert }, (socket) => {
    const upstream = net.connect(sim.port, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  closers.push(async () => {
    await new Promise((r) => front.close(r));
    await sim.close();
  });
  return {
    url: `https://127.0.0.1:${(front.address() as AddressInfo).port}`,
    requests: () => sim.requests.length,
  };
}

const ubusEnv = { BOXAUDIT_PASSWORD: UBUS_PASSWORD };

describe('--tls-fingerprint against an https vendor simulator', () => {
  it('without it: exit 2, the presented fingerprint and the flag to pin it; nothing sent', async () => {
    const box = await ubusOverHttps();
    const r = await runCli(['dump', '--vendor', 'openwrt-ubus', '--host', box.url, '--json'], {
      env: ubusEnv,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--tls-fingerprint ${fingerprint}`);
    expect(r.stderr).toContain('BOXAUDIT_NETWORK');
    expect(box.requests()).toBe(0);
  });

  it('with the right one (as openssl prints it, or plain lower-case hex): the box is read', async () => {
    const box = await ubusOverHttps();
    for (const pin of [`sha256 Fingerprint=${fingerprint}`, fingerprint.replace(/:/g, '').toLowerCase()]) {
      const r = await runCli(
        ['dump', '--vendor', 'openwrt-ubus', '--host', box.url, '--tls-fingerprint', pin, '--json'],
        { env: ubusEnv },
      );
      expect(r.code, r.stderr).toBe(0);
      const dump = JSON.parse(r.stdout) as {
        snapshots: Array<{ target: { adapter: string }; forwards: unknown[] }>;
      };
      expect(dump.snapshots[0]!.target.adapter).toBe('openwrt-ubus');
      expect(dump.snapshots[0]!.forwards.length).toBeGreaterThan(0);
      expect(r.stdout + r.stderr).not.toContain(UBUS_PASSWORD);
    }
  });

  it('with a wrong one: exit 2 naming both fingerprints', async () => {
    const box = await ubusOverHttps();
    const wrong = `${'AB:'.repeat(31)}AB`;
    const r = await runCli(
      ['audit', '--vendor', 'openwrt-ubus', '--host', box.url, '--tls-fingerprint', wrong],
      { env: ubusEnv },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`fingerprint ${fingerprint} does not match the pinned (expected) ${wrong}`);
    expect(box.requests()).toBe(0);
  });
});

describe('--tls-ca against an https vendor simulator', () => {
  it('trusts the given PEM certificate (RouterOS REST, self-signed)', async () => {
    const sim = await startRouterosRestSimulator({ tls: { key, cert } });
    closers.push(() => sim.close());
    const caFile = join(dir, 'router-ca.pem');
    writeFileSync(caFile, cert);
    const env = { BOXAUDIT_USER: ROUTEROS_REST_SIM_USER, BOXAUDIT_PASSWORD: ROUTEROS_REST_SIM_PASSWORD };
    const r = await runCli(
      ['audit', '--vendor', 'routeros-rest', '--host', sim.url, '--tls-ca', caFile, '--json'],
      {
        env,
      },
    );
    expect(r.code, r.stderr).toBe(1); // the PACS forward is flagged
    const report = JSON.parse(r.stdout) as { snapshots: Array<{ target: { adapter: string } }> };
    expect(report.snapshots[0]!.target.adapter).toBe('routeros-rest');
  });
});

describe('bad TLS flags are usage errors (exit 2), before any connection', () => {
  const host = 'https://127.0.0.1:9';
  it('a fingerprint that is not 64 hex digits', async () => {
    for (const bad of ['AB:CD', 'sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=']) {
      const r = await runCli(['audit', '--vendor', 'openwrt-ubus', '--host', host, '--tls-fingerprint', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `--tls-fingerprint "${bad}": expected the certificate's SHA-256 fingerprint`,
      );
      expect(r.stderr).toContain('[BOXAUDIT_USAGE]');
    }
  });

  it('a missing or non-PEM --tls-ca file, named', async () => {
    const missing = join(dir, 'no-such-ca.pem');
    const r = await runCli(['audit', '--vendor', 'openwrt-ubus', '--host', host, '--tls-ca', missing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--tls-ca ${missing}: cannot read the CA file (ENOENT)`);
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello\n');
    const r2 = await runCli(['dump', '--vendor', 'openwrt-ubus', '--host', host, '--tls-ca', notPem]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`--tls-ca ${notPem}: not a PEM certificate file`);
    // A device is refused unread (reading /dev/zero never ends).
    const r3 = await runCli(['audit', '--vendor', 'openwrt-ubus', '--host', host, '--tls-ca', '/dev/zero']);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain(
      '--tls-ca /dev/zero: cannot read the CA file (not a regular file (a device, pipe or socket))',
    );
  });

  it('with a target that is not an https vendor', async () => {
    const fp = fingerprint;
    const upnp = await runCli(['audit', '--upnp', 'http://127.0.0.1:9/desc.xml', '--tls-fingerprint', fp]);
    expect(upnp.code).toBe(2);
    expect(upnp.stderr).toContain(
      '--tls-fingerprint applies to a --vendor box read over https, not to --upnp',
    );
    const ssh = await runCli(['audit', '--vendor', 'routeros', '--host', host, '--tls-fingerprint', fp]);
    expect(ssh.code).toBe(2);
    expect(ssh.stderr).toContain('--tls-fingerprint: --vendor routeros is not read over https (ssh, file)');
    const rules = await runCli(['rules', 'list', '--tls-ca', 'x.pem']);
    expect(rules.code).toBe(2);
    expect(rules.stderr).toContain('option --tls-ca does not apply to this command');
  });
});
