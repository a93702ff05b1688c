// FRITZ!Box TR-064 adapter against a LOOPBACK SIMULATOR (test/sim/vendors/fritzbox.ts) built from
// AVM's documented TR-064 formats — not a real box. Digest auth is real RFC 7616 MD5/qop=auth.
import { afterEach, describe, expect, it } from 'vitest';
import {
  FRITZBOX_ALLOWLIST,
  fritzbox,
  fritzConnectionKind,
  fritzEntryToForwards,
  parseTr64Description,
} from '../../src/adapters/fritzbox.js';
import { isBoxauditError } from '../../src/errors.js';
import { digestAuthorization, parseDigestChallenge } from '../../src/transport/digest.js';
import { startFritzboxSimulator, type VendorSimulator } from '../sim/vendors/fritzbox.js';

const USER = 'boxaudit';
const PASSWORD = 'fritz-secret-pw';
let sim: VendorSimulator | null = null;

afterEach(async () => {
  await sim?.close();
  sim = null;
});

function assertNoSecrets(value: unknown): void {
  const text = JSON.stringify(value, (_k, v) =>
    v instanceof Error ? { message: v.message, details: (v as { details?: unknown }).details } : v,
  );
  expect(text).not.toContain(PASSWORD);
  expect(text.toLowerCase()).not.toContain('authorization');
  expect(text).not.toMatch(/response="[0-9a-f]{32}"/);
}

function assertAllowlisted(s: VendorSimulator): void {
  for (const r of s.requests) {
    const key = r.action ?? `${r.method} ${r.path}`;
    expect(FRITZBOX_ALLOWLIST as readonly string[]).toContain(key);
  }
}

describe('fritzbox parse functions', () => {
  it('maps a GetGenericPortMappingEntry answer field by field', () => {
    const [f] = fritzEntryToForwards(
      {
        NewRemoteHost: '',
        NewExternalPort: '104',
        NewProtocol: 'TCP',
        NewInternalPort: '104',
        NewInternalClient: '192.168.178.20',
        NewEnabled: '1',
        NewPortMappingDescription: 'PACS',
        NewLeaseDuration: '0',
      },
      'WANPPPConnection',
    );
    expect(f).toMatchObject({
      source: 'static',
      protocol: 'tcp',
      externalPort: { start: 104, end: 104 },
      internalHost: '192.168.178.20',
      internalPort: { start: 104, end: 104 },
      remoteHost: null,
      enabled: true,
      description: 'PACS',
      leaseSeconds: 0,
    });
    const [u] = fritzEntryToForwards(
      {
        NewExternalPort: '3478',
        NewProtocol: 'UDP',
        NewLeaseDuration: '2173',
        NewEnabled: '0',
        NewRemoteHost: '203.0.113.9',
      },
      'WANIPConnection',
    );
    expect(u).toMatchObject({
      source: 'upnp',
      protocol: 'udp',
      leaseSeconds: 2173,
      enabled: false,
      remoteHost: '203.0.113.9',
      internalHost: null,
    });
  });

  it('reads the default connection service name', () => {
    expect(fritzConnectionKind('1.WANPPPConnection.1')).toBe('WANPPPConnection');
    expect(fritzConnectionKind('1.WANIPConnection.1')).toBe('WANIPConnection');
    expect(fritzConnectionKind('')).toBeNull();
  });

  it('rejects a description that is not one', async () => {
    await expect(parseTr64Description('<html><body>hi</body></html>')).rejects.toMatchObject({
      code: 'BOXAUDIT_PROTOCOL_ERROR',
    });
  });

  it('computes the RFC 2617 reference Digest response', () => {
    // RFC 2617 §3.5 example (Mufasa / "Circle Of Life").
    const challenge = parseDigestChallenge(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    )!;
    const header = digestAuthorization({
      username: 'Mufasa',
      password: 'Circle Of Life',
      method: 'GET',
      uri: '/dir/index.html',
      challenge,
      nc: 1,
      cnonce: '0a4f113b',
    });
    expect(header).toContain('response="6629fae49393a05397450978507c4ef1"');
  });
});

describe('fritzbox collect (loopback simulator)', () => {
  it('reads forwards, UPnP state and remote access, field by field', async () => {
    sim = await startFritzboxSimulator({
      username: USER,
      password: PASSWORD,
      ftpWan: { enabled: true, port: 2121 },
    });
    const snap = await fritzbox.collect(
      { url: sim.url, credentials: { username: USER, password: PASSWORD } },
      { timeoutMs: 3000 },
    );
    expect(snap.target).toEqual({ kind: 'vendor', address: sim.url, adapter: 'fritzbox' });
    expect(snap.gateway).toMatchObject({
      manufacturer: 'AVM',
      model: 'FRITZ!Box 7590',
      externalIp: '198.51.100.7',
      doubleNat: false,
      connectionType: 'WANPPPConnection',
    });
    expect(snap.forwards).toHaveLength(3);
    const pacs = snap.forwards.find((f) => f.externalPort?.start === 104)!;
    expect(pacs).toMatchObject({
      source: 'static',
      protocol: 'tcp',
      internalHost: '192.168.178.20',
      internalPort: { start: 104, end: 104 },
      enabled: true,
      description: 'PACS Orthanc',
      remoteHost: null,
      leaseSeconds: 0,
    });
    expect(pacs.id).toMatch(/^fwd_[0-9a-f]{16}$/);
    expect(pacs.provenance).toMatchObject({ adapter: 'fritzbox', transport: 'tr064' });
    const smb = snap.forwards.find((f) => f.externalPort?.start === 445)!;
    expect(smb).toMatchObject({ internalHost: '192.168.178.30', protocol: 'tcp' });
    const upnp = snap.forwards.find((f) => f.source === 'upnp')!;
    expect(upnp).toMatchObject({
      protocol: 'udp',
      externalPort: { start: 51413, end: 51413 },
      leaseSeconds: 3600,
    });
    expect(snap.upnp).toEqual({ enabled: true, mappingCount: 1, igdVersion: null });
    expect(snap.remoteAdmin?.enabled).toBe(true);
    expect(snap.remoteAdmin?.services).toEqual([
      { service: 'https', port: 44321, wan: true, restrictedTo: null },
      { service: 'myfritz', port: 44321, wan: true, restrictedTo: null },
      { service: 'ftp', port: 2121, wan: true, restrictedTo: null },
    ]);
    expect(snap.dmz).toEqual({ enabled: null, host: null });
    const cov = Object.fromEntries(snap.coverage.map((c) => [c.area, c]));
    expect(cov.dmz).toMatchObject({ status: 'not-visible', code: 'FRITZ_NO_EXPOSED_HOST_GETTER' });
    expect(cov['ipv6-pinholes']).toMatchObject({ status: 'not-visible', code: 'FRITZ_TR064_NO_IPV6' });
    expect(cov['static-forwards']).toMatchObject({ status: 'partial', code: 'FRITZ_END_COUNT' });
    expect(cov['upnp-state']).toMatchObject({ status: 'complete' });
    expect(snap.warnings).toEqual([]);
    assertAllowlisted(sim);
    assertNoSecrets(snap);
    // NewUsername from RemoteAccess GetInfo must not leak into raw provenance either.
    expect(JSON.stringify(snap)).not.toContain('NewUsername');
  });

  it('walks to fault 713 when the box gives no count (WANIPConnection)', async () => {
    sim = await startFritzboxSimulator({ connection: 'ip', noCount: true });
    const snap = await fritzbox.collect(
      { url: sim.url, credentials: { username: USER, password: PASSWORD } },
      {},
    );
    expect(snap.gateway.connectionType).toBe('WANIPConnection');
    expect(snap.forwards).toHaveLength(3);
    const cov = snap.coverage.find((c) => c.area === 'static-forwards')!;
    expect(cov).toMatchObject({ code: 'FRITZ_END_713', details: { entries: 3, endedWith: 713 } });
    expect(snap.warnings.map((w) => w.code)).toContain('FRITZ_ACTION_FAILED');
  });

  it('wrong password → BOXAUDIT_AUTH_FAILED after a single attempt, no secret in the error', async () => {
    sim = await startFritzboxSimulator({ username: USER, password: PASSWORD });
    const error = await fritzbox
      .collect({ url: sim.url, credentials: { username: USER, password: 'wrong-pw-123' } }, {})
      .catch((e: unknown) => e);
    expect(isBoxauditError(error, 'BOXAUDIT_AUTH_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(
      /^\[fritzbox\] POST http:\/\/127\.0\.0\.1:\d+\/upnp\/control\/deviceinfo DeviceInfo:1#GetInfo: login refused/,
    );
    // One unauthenticated probe + one authenticated try on the first action, then stop.
    expect(sim.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    const text = JSON.stringify({ m: (error as Error).message, d: (error as { details: unknown }).details });
    expect(text).not.toContain('wrong-pw-123');
  });

  it('answers a stale nonce (expired) once and carries on', async () => {
    sim = await startFritzboxSimulator({ nonceUses: 2 });
    const snap = await fritzbox.collect(
      { url: sim.url, credentials: { username: USER, password: PASSWORD } },
      {},
    );
    expect(snap.forwards).toHaveLength(3);
    expect(snap.warnings).toEqual([]);
  });

  it('malformed replies → clear warnings, partial results kept', async () => {
    sim = await startFritzboxSimulator({
      malformed: ['X_AVM-DE_UPnP:1#GetInfo', 'WANPPPConnection:1#GetGenericPortMappingEntry'],
    });
    const snap = await fritzbox.collect(
      { url: sim.url, credentials: { username: USER, password: PASSWORD } },
      {},
    );
    expect(snap.forwards).toEqual([]);
    const cov = snap.coverage.find((c) => c.area === 'static-forwards')!;
    expect(cov).toMatchObject({ status: 'error', code: 'FRITZ_LIST_INTERRUPTED' });
    expect(snap.upnp?.enabled).toBeNull();
    expect(snap.coverage.find((c) => c.area === 'upnp-state')?.status).toBe('error');
    const w = snap.warnings.find((x) => x.where === 'X_AVM-DE_UPnP:1#GetInfo')!;
    expect(w.message).toMatch(/^\[fritzbox\] POST .*x_upnp X_AVM-DE_UPnP:1#GetInfo: malformed XML/);
    expect(snap.remoteAdmin?.services.length).toBe(3);
    assertNoSecrets(snap);
  });

  const collectSim = (s: VendorSimulator, timeoutMs = 3000) =>
    fritzbox.collect({ url: s.url, credentials: { username: USER, password: PASSWORD } }, { timeoutMs });

  it('a listing the account may not call (HTTP 401 after the login, or fault 606) is a refusal: warning + gap, the rest read', async () => {
    for (const status of [401, 606] as const) {
      sim = await startFritzboxSimulator({
        refused: { 'X_AVM-DE_RemoteAccess:1#GetInfo': status, 'X_AVM-DE_UPnP:1#GetInfo': status },
      });
      const snap = await collectSim(sim);
      const refused = snap.warnings.filter((w) => w.code === 'FRITZ_ACTION_NOT_AUTHORIZED');
      expect(refused.map((w) => w.where)).toEqual([
        'X_AVM-DE_UPnP:1#GetInfo',
        'X_AVM-DE_RemoteAccess:1#GetInfo',
      ]);
      expect(refused[0]!.message).toMatch(
        status === 401
          ? /: HTTP 401 although the box accepted these credentials/
          : /606[\s\S]*"FRITZ!Box settings" right/,
      );
      expect(snap.coverage.find((c) => c.area === 'upnp-state')).toMatchObject({
        status: 'error',
        code: 'FRITZ_UPNP_STATE_UNREAD',
      });
      expect(snap.coverage.find((c) => c.area === 'remote-admin')).toMatchObject({
        status: 'partial',
        code: 'FRITZ_REMOTE_PARTIAL',
      });
      expect(snap.forwards).toHaveLength(3);
      expect(snap.remoteAdmin?.services.map((s) => s.service)).toEqual(['myfritz', 'ftp']);
      // One try of the credentials: no re-login for a refusal.
      expect(sim.requests.filter((r) => r.action === 'DeviceInfo:1#GetInfo' && r.digest)).toHaveLength(1);
      assertNoSecrets(snap);
      await sim.close();
      sim = null;
    }
  });

  it('a refused entry of the port-mapping walk ends the list with what was read before it', async () => {
    sim = await startFritzboxSimulator({ refused: { 'WANPPPConnection:1#GetGenericPortMappingEntry': 606 } });
    const snap = await collectSim(sim);
    expect(snap.forwards).toEqual([]);
    expect(snap.coverage.find((c) => c.area === 'static-forwards')).toMatchObject({
      status: 'error',
      code: 'FRITZ_LIST_INTERRUPTED',
      details: { entries: 0, index: 0 },
    });
    expect(snap.upnp?.enabled).toBe(true);
  });

  it('a listing that times out is a warning, not the end of the run (one policy for every HTTP adapter)', async () => {
    sim = await startFritzboxSimulator({ silent: ['X_AVM-DE_MyFritz:1#GetInfo'] });
    const snap = await collectSim(sim, 500);
    expect(snap.warnings.find((w) => w.where === 'X_AVM-DE_MyFritz:1#GetInfo')).toMatchObject({
      code: 'FRITZ_ACTION_FAILED',
      message: expect.stringMatching(/timed out/),
    });
    expect(snap.coverage.find((c) => c.area === 'remote-admin')?.code).toBe('FRITZ_REMOTE_PARTIAL');
    expect(snap.forwards).toHaveLength(3);
  });

  it('a nonce the box calls stale twice in a row is a new Digest handshake (the re-login), once per run', async () => {
    sim = await startFritzboxSimulator({ expireCalls: 1 });
    const snap = await collectSim(sim);
    expect(snap.forwards).toHaveLength(3);
    expect(snap.warnings).toEqual([]);
    const proofs = sim.requests.filter((r) => r.action === 'DeviceInfo:1#GetInfo' && r.digest);
    expect(proofs).toHaveLength(2);
    // tr64desc.xml is read once: the re-login keeps the service list.
    expect(sim.requests.filter((r) => r.path === '/tr64desc.xml')).toHaveLength(1);
  });

  it('TR-064 off (404 on tr64desc.xml) → BOXAUDIT_NOT_FOUND naming the setting', async () => {
    sim = await startFritzboxSimulator({ tr064Disabled: true });
    await expect(
      fritzbox.collect({ url: sim.url, credentials: { username: USER, password: PASSWORD } }, {}),
    ).rejects.toMatchObject({
      code: 'BOXAUDIT_NOT_FOUND',
      message: expect.stringContaining('Allow access for applications'),
    });
  });

  it('no password → BOXAUDIT_CONFIG_INVALID before any request', async () => {
    sim = await startFritzboxSimulator();
    await expect(
      fritzbox.collect({ url: sim.url, credentials: { username: USER } }, {}),
    ).rejects.toMatchObject({ code: 'BOXAUDIT_CONFIG_INVALID' });
    expect(sim.requests).toEqual([]);
  });
});
