/**
 * Freebox adapter against the loopback Freebox OS simulator (test/sim/vendors/freebox.ts), which is
 * built from Free's documented API formats (shared/vendor-apis.md §1) and shaped like real replies
 * (escaped slashes, empty lists without `result`) — not a real box. The last part serves real
 * captured replies (../shared/vendor-captures/freebox) through it.
 */
import { createHmac, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  collectFreebox,
  FREEBOX_ALLOWLIST,
  FREEBOX_ROOT_CAS,
  freebox,
  freeboxCanonicalPath,
  loadToken,
  parseFreeboxDmz,
  parseFreeboxRedirs,
  parseFreeboxUpnpRedirs,
  requestFreeboxAppToken,
  saveToken,
} from '../../src/adapters/freebox.js';
import type { BoxauditError } from '../../src/errors.js';
import type { Snapshot, Warning } from '../../src/model/types.js';
import { describeShared, goRawStrings, readShared, readSharedJson } from '../shared-corpus.js';
import {
  FREEBOX_SIM_APP_TOKEN,
  type FreeboxSimOptions,
  type FreeboxSimulator,
  startFreeboxSimulator,
} from '../sim/vendors/freebox.js';
import { certificateFromTestRoot } from '../tls-certificates.js';
import { failure, row } from './helpers.js';

let sim: FreeboxSimulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

async function start(options: FreeboxSimOptions = {}): Promise<FreeboxSimulator> {
  sim = await startFreeboxSimulator(options);
  return sim;
}

async function collect(s: FreeboxSimulator, token = FREEBOX_SIM_APP_TOKEN): Promise<Snapshot> {
  return collectFreebox({ url: s.url, credentials: { token } }, { timeoutMs: 3000 });
}

function expectOnlyAllowlisted(s: FreeboxSimulator): void {
  const allowed = FREEBOX_ALLOWLIST as readonly string[];
  for (const r of s.requests) {
    expect(allowed, `${r.method} ${r.path}`).toContain(`${r.method} ${freeboxCanonicalPath(r.path)}`);
    if (r.method === 'POST') expect(r.path).toMatch(/\/login\/(session|logout|authorize)\/$/);
  }
}

describe('freebox collect', () => {
  it('reads forwards, UPnP, DMZ and remote access field by field', async () => {
    const s = await start();
    const snap = await collect(s);

    expect(snap.target).toEqual({ kind: 'vendor', address: s.url, adapter: 'freebox' });
    expect(snap.gateway).toMatchObject({
      manufacturer: 'Free',
      model: 'Freebox v7 (r1)',
      modelNumber: 'fbxgw7-r1/full',
      externalIp: '198.51.100.23',
      doubleNat: false,
      natEnabled: true,
      connectionStatus: 'up',
    });

    const pacs = snap.forwards.find((f) => f.externalPort?.start === 104);
    expect(pacs).toMatchObject({
      source: 'static',
      protocol: 'tcp',
      externalPort: { start: 104, end: 104 },
      internalHost: '192.168.1.20',
      internalPort: { start: 104, end: 104 },
      remoteHost: null,
      enabled: true,
      description: 'PACS cabinet',
      leaseSeconds: 0,
      provenance: { adapter: 'freebox', transport: 'http' },
    });
    expect(pacs?.id).toMatch(/^fwd_[0-9a-f]{16}$/);
    // The LAN host object is not kept in raw (MAC addresses are not needed for the audit).
    expect(JSON.stringify(pacs?.provenance.raw)).not.toContain('l2ident');

    const smb = snap.forwards.find((f) => f.externalPort?.start === 445);
    expect(smb).toMatchObject({ source: 'static', internalHost: '192.168.1.30', enabled: true });

    // A range with string ports and a shifted LAN port; a source restriction.
    const vnc = snap.forwards.find((f) => f.externalPort?.start === 5900);
    expect(vnc).toMatchObject({
      externalPort: { start: 5900, end: 5902 },
      internalPort: { start: 15900, end: 15902 },
      remoteHost: '203.0.113.7',
      enabled: false,
    });

    const upnp = snap.forwards.filter((f) => f.source === 'upnp');
    expect(upnp).toHaveLength(2);
    expect(upnp.find((f) => f.externalPort?.start === 51413)).toMatchObject({
      protocol: 'tcp',
      internalHost: '192.168.1.42',
      leaseSeconds: 3521,
      description: 'Transmission at port 51413',
    });
    expect(snap.forwards).toHaveLength(5);

    expect(snap.dmz).toEqual({ enabled: true, host: '192.168.1.50' });
    expect(snap.upnp).toEqual({ enabled: true, mappingCount: 2, igdVersion: 2 });
    expect(snap.remoteAdmin?.enabled).toBe(true);
    expect(snap.remoteAdmin?.services).toEqual(
      expect.arrayContaining([
        { service: 'https', port: 8443, wan: true, restrictedTo: null },
        { service: 'freebox-api', port: null, wan: false, restrictedTo: null },
        { service: 'ftp', port: 21, wan: true, restrictedTo: null },
        { service: 'ftp_pasv', port: 40000, wan: true, restrictedTo: null },
        { service: 'bittorrent-main', port: 44999, wan: false, restrictedTo: null },
      ]),
    );

    const cov = Object.fromEntries(snap.coverage.map((c) => [c.area, c.status]));
    expect(cov).toMatchObject({
      'static-forwards': 'complete',
      'upnp-mappings': 'complete',
      'upnp-state': 'complete',
      dmz: 'complete',
      'remote-admin': 'complete',
      'ipv6-pinholes': 'partial',
    });
    expect(snap.warnings).toEqual([]);
  });

  it('sends only allowlisted calls, GETs for data, all authenticated, and logs out', async () => {
    const s = await start();
    await collect(s);
    expectOnlyAllowlisted(s);
    const reads = s.requests.filter((r) => r.method === 'GET' && !/login|api_version/.test(r.path));
    expect(reads.length).toBe(9);
    expect(reads.every((r) => r.authenticated)).toBe(true);
    expect(s.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/v8/login/logout/' });
    // The adapter's own transport refuses anything off the list before sending.
    expect(freeboxCanonicalPath('/api/v12/fw/redir/')).toBe('/api/vN/fw/redir/');
  });

  it('reports a wrong app token as BOXAUDIT_AUTH_FAILED and reads nothing', async () => {
    const s = await start();
    const err = await failure(collect(s, 'not-the-right-token-123456'));
    expect(err.code).toBe('BOXAUDIT_AUTH_FAILED');
    expect(err.message).toMatch(/invalid_token.*register/);
    expect(s.requests.some((r) => r.path.includes('/fw/'))).toBe(false);
  });

  it('logs in again once when the session expires, then carries on', async () => {
    const s = await start({ expireReads: 1 });
    const snap = await collect(s);
    expect(snap.forwards).toHaveLength(5);
    expect(s.requests.filter((r) => r.path.endsWith('/login/session/'))).toHaveLength(2);
    expect(snap.warnings).toEqual([]);
  });

  it('fails clearly when the session expires again right after a re-login', async () => {
    const s = await start({ alwaysExpire: true });
    const err = await failure(collect(s));
    expect(err.code).toBe('BOXAUDIT_AUTH_FAILED');
    expect(err.message).toMatch(/expired again/);
    expect(s.requests.filter((r) => r.path.endsWith('/login/session/'))).toHaveLength(2);
  });

  it('maps a rate-limited login to BOXAUDIT_RATE_LIMITED without retrying', async () => {
    const s = await start({ rateLimitLogin: true });
    const err = await failure(collect(s));
    expect(err.code).toBe('BOXAUDIT_RATE_LIMITED');
    expect(s.requests.filter((r) => r.path.endsWith('/login/session/'))).toHaveLength(1);
  });

  it('keeps the rest when one reply is malformed: a warning naming the call, coverage error', async () => {
    const s = await start({ malformed: ['fw/dmz/'], failing: ['upnpigd/redir/'] });
    const snap = await collect(s);
    expect(snap.forwards.filter((f) => f.source === 'static')).toHaveLength(3);
    expect(snap.dmz).toEqual({ enabled: null, host: null });
    const dmzCov = snap.coverage.find((c) => c.area === 'dmz');
    expect(dmzCov).toMatchObject({ status: 'error', code: 'FREEBOX_CALL_FAILED' });
    const w = snap.warnings.find((x) => x.where === 'GET /api/vN/fw/dmz/');
    expect(w?.message).toMatch(/GET \/api\/vN\/fw\/dmz\/.*not valid JSON/);
    expect(snap.coverage.find((c) => c.area === 'upnp-mappings')?.status).toBe('error');
    expect(snap.upnp?.mappingCount).toBeNull();
  });

  it('treats a missing result as an empty list (documented quirk) and flags bridge mode / IPv6 firewall off', async () => {
    const s = await start({
      upnpRedirs: null,
      lanConfig: { mode: 'bridge' },
      ipv6Config: { ipv6_enabled: true, ipv6_firewall: false },
      connection: { state: 'up', ipv4: '100.64.3.4' },
    });
    const snap = await collect(s);
    expect(snap.upnp?.mappingCount).toBe(0);
    expect(snap.gateway.natEnabled).toBe(false);
    expect(snap.gateway.doubleNat).toBe(true);
    expect(snap.warnings.map((w) => w.code).sort()).toEqual([
      'FREEBOX_BRIDGE_MODE',
      'FREEBOX_IPV6_FIREWALL_OFF',
    ]);
  });

  it('reports a malformed login reply as BOXAUDIT_PROTOCOL_ERROR naming the call', async () => {
    const s = await start({ malformed: ['login/session/'] });
    const err = await failure(collect(s));
    expect(err.code).toBe('BOXAUDIT_PROTOCOL_ERROR');
    expect(err.message).toMatch(/POST \/api\/vN\/login\/session\/.*not valid JSON/);
  });

  it('needs a token and says how to get one', async () => {
    const err = await failure(collectFreebox({ url: 'http://127.0.0.1:9' }, {}));
    expect(err.code).toBe('BOXAUDIT_CONFIG_INVALID');
    expect(err.message).toMatch(/register/);
  });

  it('never lets the app token, session token or HMAC password into outputs or errors', async () => {
    const s = await start({ malformed: ['fw/redir/'] });
    const snap = await collect(s);
    const errors: string[] = [];
    for (const opts of [{ alwaysExpire: true }, { rateLimitLogin: true }] as FreeboxSimOptions[]) {
      const t = await startFreeboxSimulator(opts);
      try {
        await collect(t).catch((e: Error) =>
          errors.push(`${e.message} ${JSON.stringify((e as BoxauditError).details)}`),
        );
      } finally {
        await t.close();
      }
    }
    const bad = await failure(collect(s, `${FREEBOX_SIM_APP_TOKEN}-wrong`));
    errors.push(bad.message, JSON.stringify(bad.details));
    const text = `${JSON.stringify(snap)}\n${errors.join('\n')}`;
    expect(text).not.toContain(FREEBOX_SIM_APP_TOKEN);
    for (const t of s.sessionTokens) expect(text).not.toContain(t);
    expect(text).not.toMatch(/sim-session-/);
    expect(text).not.toMatch(/\b[0-9a-f]{40}\b/); // no HMAC-SHA1 password
  });
});

describe('freebox app registration', () => {
  it('polls while pending and returns the token once granted on the box', async () => {
    const s = await start({ authorizeStatuses: ['pending', 'pending', 'granted'] });
    const seen: string[] = [];
    const token = await requestFreeboxAppToken({
      baseUrl: s.url,
      pollIntervalMs: 100,
      onStatus: (x) => seen.push(x),
    });
    expect(token).toEqual({ appId: 'fr.boxaudit.audit', appToken: FREEBOX_SIM_APP_TOKEN, trackId: 42 });
    expect(seen).toEqual(['pending', 'pending', 'granted']);
    expectOnlyAllowlisted(s);
  });

  it('says so when the user refuses on the box', async () => {
    const s = await start({ authorizeStatuses: ['pending', 'denied'] });
    const err = await failure(requestFreeboxAppToken({ baseUrl: s.url, pollIntervalMs: 100 }));
    expect(err.code).toBe('BOXAUDIT_AUTH_FAILED');
    expect(err.message).not.toContain(FREEBOX_SIM_APP_TOKEN);
  });

  it('stops polling after maxWaitMs (bounded loop)', async () => {
    const s = await start({ authorizeStatuses: ['pending'] });
    const err = await failure(
      requestFreeboxAppToken({ baseUrl: s.url, pollIntervalMs: 100, maxWaitMs: 300 }),
    );
    expect(err.code).toBe('BOXAUDIT_TIMEOUT');
    expect(s.requests.filter((r) => r.path.endsWith('/login/authorize/42'))).toHaveLength(3);
  });
});

describe('freebox token file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('writes the token with mode 0600, also over an existing world-readable file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boxaudit-fbx-'));
    dirs.push(dir);
    const path = join(dir, 'sub', 'freebox-token.json');
    await saveToken(path, { appId: 'fr.boxaudit.audit', appToken: 'secret-app-token-abcdef' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'sub')).mode & 0o077).toBe(0);
    expect(await loadToken(path)).toEqual({
      appId: 'fr.boxaudit.audit',
      appToken: 'secret-app-token-abcdef',
      looseMode: false,
    });

    const old = join(dir, 'old.json');
    writeFileSync(old, '{}', { mode: 0o644 });
    await saveToken(old, { appId: 'a', appToken: 'secret-two-xyz' });
    expect(statSync(old).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(old, 'utf8'))).toEqual({ app_id: 'a', app_token: 'secret-two-xyz' });
  });

  it('reports a loose mode, a missing file and a malformed file without echoing its content', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boxaudit-fbx-'));
    dirs.push(dir);
    const loose = join(dir, 'loose.json');
    writeFileSync(loose, JSON.stringify({ app_id: 'x', app_token: 'y-token' }), { mode: 0o644 });
    expect((await loadToken(loose)).looseMode).toBe(true);
    expect((await failure(loadToken(join(dir, 'none.json')))).code).toBe('BOXAUDIT_NOT_FOUND');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, 'app_token=hunter2-secret', { mode: 0o600 });
    const err = await failure(loadToken(bad));
    expect(err.code).toBe('BOXAUDIT_CONFIG_INVALID');
    expect(err.message).not.toContain('hunter2');
  });

  it('collects with a token file given as options.appTokenPath', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boxaudit-fbx-'));
    dirs.push(dir);
    const path = join(dir, 'token.json');
    await saveToken(path, { appId: 'fr.boxaudit.audit', appToken: FREEBOX_SIM_APP_TOKEN });
    const s = await start();
    const snap = await collectFreebox({ url: s.url, options: { appTokenPath: path } }, {});
    expect(snap.forwards.length).toBe(5);
  });
});

describe('freebox TLS', () => {
  it('ships the two Free root CAs from the SDK documentation', () => {
    const fps = FREEBOX_ROOT_CAS.map((pem) =>
      new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase(),
    );
    expect(fps).toEqual([
      '23cfb72636be665dbbf2fe3e0527904771a8dff1bace461d8bd69f34812c2444',
      '2bd8b5be1a990e42ad1bd79c306eb519b637ee2475c0d931f257535610e9c3e7',
    ]);
    expect(FREEBOX_ROOT_CAS.map((pem) => new X509Certificate(pem).subject)).toEqual([
      expect.stringContaining('CN=Freebox ECC Root CA'),
      expect.stringContaining('CN=Freebox Root CA'),
    ]);
  });

  it('verifies the certificate against the given roots and the mafreebox name, even by IP, or a pinned fingerprint', async () => {
    // A throwaway root and a server certificate for mafreebox.freebox.fr, made with openssl.
    const made = certificateFromTestRoot('mafreebox.freebox.fr');
    const ca = made.root;
    const inner = await startFreeboxSimulator();
    // A TLS front that relays to the plain simulator.
    const front = https.createServer({ key: made.key, cert: made.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const r = await fetch(`${inner.url}${req.url}`, {
          method: req.method,
          headers: req.headers as Record<string, string>,
          body: chunks.length ? Buffer.concat(chunks) : undefined,
        });
        res.writeHead(r.status, { 'content-type': 'application/json' });
        res.end(Buffer.from(await r.arrayBuffer()));
      });
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(front.address() as AddressInfo).port}`;
    try {
      // Free's real roots do not vouch for this certificate: refused, never accepted blindly.
      const refused = await failure(
        collectFreebox({ url, credentials: { token: FREEBOX_SIM_APP_TOKEN } }, { timeoutMs: 3000 }),
      );
      expect(refused.code).toBe('BOXAUDIT_NETWORK');
      expect(refused.message).toMatch(/certificate/);
      // With the right root, the name is checked as mafreebox.freebox.fr although the URL holds an IP.
      const snap = await collectFreebox(
        { url, credentials: { token: FREEBOX_SIM_APP_TOKEN }, options: { tlsCa: ca } },
        { timeoutMs: 3000 },
      );
      expect(snap.forwards).toHaveLength(5);
      // Or the box's own certificate pinned by its SHA-256 (what --tls-fingerprint passes).
      const pinned = await collectFreebox(
        {
          url,
          credentials: { token: FREEBOX_SIM_APP_TOKEN },
          options: { tlsFingerprint: made.fingerprint256 },
        },
        { timeoutMs: 3000 },
      );
      expect(pinned.forwards).toHaveLength(5);
    } finally {
      front.closeAllConnections();
      await new Promise((r) => front.close(r));
      await inner.close();
    }
  });
});

describe('freebox parse functions', () => {
  it('splits tcp_udp into two forwards and ignores garbage entries', () => {
    const f = parseFreeboxRedirs([
      {
        id: 1,
        enabled: 1,
        ip_proto: 'tcp_udp',
        wan_port_start: 3389,
        wan_port_end: 3389,
        lan_ip: '192.168.1.9',
        lan_port: 3389,
        src_ip: '',
        comment: 'RDP',
      },
      'garbage',
    ]);
    expect(f.map((x) => x.protocol)).toEqual(['tcp', 'udp']);
    expect(f[0]).toMatchObject({ enabled: true, remoteHost: null, description: 'RDP' });
  });

  it('rejects a result that is not a list', () => {
    expect(() => parseFreeboxRedirs({ id: 1 })).toThrow(/not a list/);
  });

  it('the HMAC login password is hex HMAC-SHA1(app_token, challenge)', () => {
    // Cross-check of the documented formula, independent of the adapter.
    expect(createHmac('sha1', 'token').update('challenge').digest('hex')).toMatch(/^[0-9a-f]{40}$/);
  });

  it('meta lists only GETs plus the login calls', () => {
    for (const call of freebox.meta.allowlist) {
      if (call.startsWith('POST ')) expect(call).toMatch(/\/login\/(authorize|session|logout)\/$/);
      else expect(call).toMatch(/^GET \//);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Real replies (../shared/vendor-captures/freebox, read in place): the fw/redir replies embedded in
// free-go's Go tests (a list with `valid` and a whole `host` object, the empty list without
// `result`, the French "noent" error), its 403 login reply, and Home Assistant's fixtures (the
// `result` parts only: fw/redir list, connection status). Values below were read off the files.
// ---------------------------------------------------------------------------------------------

const FBX = (file: string) => readShared('vendor-captures', 'freebox', file);

/** The JSON bodies a Go test file hands to its fake server, as raw text. */
function goBodies(file: string): string[] {
  return goRawStrings(FBX(file)).filter((t) => {
    try {
      return typeof JSON.parse(t) === 'object';
    } catch {
      return false;
    }
  });
}

const pick = (bodies: string[], test: (b: Record<string, unknown>) => boolean): string => {
  const found = bodies.find((b) => test(JSON.parse(b) as Record<string, unknown>));
  if (!found) throw new Error('reply not found in the capture');
  return found;
};

describeShared('vendor-captures/freebox', 'freebox on real replies (vendor-captures/freebox)', () => {
  const redirTest = 'NikolaLohinski__free-go__client__port_forwarding_test.go';

  it('reads the free-go fw/redir list: valid + host object, tcp 12345 → 192.168.1.254:80', () => {
    const body = pick(goBodies(redirTest), (b) => Array.isArray(b.result));
    const warnings: Warning[] = [];
    const forwards = parseFreeboxRedirs((JSON.parse(body) as { result: unknown }).result, warnings);
    expect(forwards.map(row)).toEqual([
      ['static', 'tcp', '12345-12345', '192.168.1.254', '80-80', null, true, 'test', 0],
    ]);
    expect(warnings).toEqual([]);
  });

  it('reads the Home Assistant fw/redir result: a source-restricted tftp forward', () => {
    const result = readSharedJson(
      'vendor-captures',
      'freebox',
      'home-assistant__core__tests__components__freebox__fixtures__lan_get_port_forwarding_config_list.json',
    );
    expect(parseFreeboxRedirs(result).map(row)).toEqual([
      ['static', 'tcp', '69-69', '192.168.1.22', '69-69', '8.8.8.8', true, 'port comment', 0],
    ]);
  });

  it('serves the real fw/redir reply: a forward to the box’s own LAN address is remote administration', async () => {
    // lan/config has no capture: the simulator's box sits at 192.168.1.254, the Freebox default.
    const body = pick(goBodies(redirTest), (b) => Array.isArray(b.result));
    const s = await start({ replies: { 'fw/redir/': { body } } });
    const snap = await collect(s);
    const statics = snap.forwards.filter((f) => f.source === 'static');
    expect(statics.map(row)).toEqual([
      ['static', 'tcp', '12345-12345', '192.168.1.254', '80-80', null, true, 'test', 0],
    ]);
    expect(snap.remoteAdmin?.enabled).toBe(true);
    expect(snap.remoteAdmin?.services).toContainEqual({
      service: 'port-forward',
      port: 80,
      wan: true,
      restrictedTo: null,
    });
  });

  it('reads the real empty reply {"success": true} (no result) as no forward, completely read', async () => {
    const body = pick(goBodies(redirTest), (b) => b.success === true && !('result' in b));
    const s = await start({ replies: { 'fw/redir/': { body } } });
    const snap = await collect(s);
    expect(snap.forwards.filter((f) => f.source === 'static')).toEqual([]);
    expect(snap.coverage.find((c) => c.area === 'static-forwards')?.status).toBe('complete');
  });

  it('reports the real French "noent" error as a failed read, keeping its text, never as "nothing"', async () => {
    const body = pick(goBodies(redirTest), (b) => b.error_code === 'noent');
    const s = await start({ replies: { 'fw/dmz/': { body } } });
    const snap = await collect(s);
    expect(snap.dmz).toEqual({ enabled: null, host: null });
    expect(snap.coverage.find((c) => c.area === 'dmz')?.status).toBe('error');
    const w = snap.warnings.find((x) => x.where === 'GET /api/vN/fw/dmz/');
    expect(w?.code).toBe('FREEBOX_CALL_FAILED');
    expect(w?.message).toMatch(/\(noent\): Impossible de récupérer la redirection : Entrée non trouvée/);
  });

  it('rejects the real "result is an object" reply for a list', () => {
    const body = pick(goBodies(redirTest), (b) => asRecordLike(b.result) && 'foo' in (b.result as object));
    expect(() => parseFreeboxRedirs((JSON.parse(body) as { result: unknown }).result)).toThrow(/not a list/);
  });

  it('maps the real 403 invalid_token login reply (French msg, uid, challenge) to BOXAUDIT_AUTH_FAILED', async () => {
    const body = pick(
      goBodies('NikolaLohinski__free-go__client__authentication_test.go'),
      (b) => b.error_code === 'invalid_token',
    );
    const s = await start({ replies: { 'login/session/': { status: 403, body } } });
    const err = await failure(collect(s));
    expect(err.code).toBe('BOXAUDIT_AUTH_FAILED');
    expect(err.message).toMatch(/invalid_token.*register boxaudit again/);
    expect(s.requests.some((r) => r.path.endsWith('/fw/redir/'))).toBe(false);
  });

  it('serves the Home Assistant connection status (sanitised WAN address is not an address)', async () => {
    const status = FBX(
      'home-assistant__core__tests__components__freebox__fixtures__connection_get_status.json',
    );
    const s = await start({ replies: { 'connection/': { body: `{"success":true,"result":${status}}` } } });
    const snap = await collect(s);
    // "82.67.00.00" is a redaction with leading zeros, not a dotted quad: unknown, not a guess.
    expect(snap.gateway).toMatchObject({
      externalIp: null,
      connectionStatus: 'up',
      connectionType: 'ethernet',
    });
  });
});

describe('freebox protocol values it does not know', () => {
  const redir = (ip_proto: unknown) => ({
    id: 9,
    enabled: true,
    ...(ip_proto === undefined ? {} : { ip_proto }),
    wan_port_start: 8080,
    wan_port_end: 8080,
    lan_ip: '192.168.1.10',
    lan_port: 80,
    src_ip: '0.0.0.0',
    comment: 'X',
  });

  it.each([[''], ['all'], ['TCP+UDP'], [undefined]])('keeps ip_proto %j as tcp and udp', (p) => {
    const warnings: Warning[] = [];
    const forwards = parseFreeboxRedirs([redir(p)], warnings);
    expect(forwards.map((f) => f.protocol)).toEqual(['tcp', 'udp']);
    const unknown = p === '' || p === undefined;
    expect(warnings.map((w) => [w.code, w.where])).toEqual(
      unknown ? [['PROTOCOL_UNKNOWN', 'GET /api/vN/fw/redir/ id 9']] : [],
    );
  });

  it('reads a DMZ ip that is not an address as unknown, with a warning; an empty one silently', () => {
    const warnings: Warning[] = [];
    expect(parseFreeboxDmz({ enabled: true, ip: 'poste-accueil' }, warnings)).toEqual({
      enabled: true,
      host: null,
    });
    expect(parseFreeboxDmz({ enabled: false, ip: '' }, warnings)).toEqual({ enabled: false, host: null });
    expect(warnings.map((w) => w.code)).toEqual(['FREEBOX_ADDRESS_INVALID']);
  });

  it('keeps an unknown UPnP proto too', () => {
    const warnings: Warning[] = [];
    const forwards = parseFreeboxUpnpRedirs(
      [{ id: 'a', enabled: true, ext_port: 5000, int_ip: '192.168.1.5', int_port: 5000, proto: 'sctp' }],
      warnings,
    );
    expect(forwards.map((f) => f.protocol)).toEqual(['tcp', 'udp']);
    expect(warnings[0]?.code).toBe('PROTOCOL_UNKNOWN');
  });
});

function asRecordLike(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
