/**
 * `--internet-db` (src/probes/internet-db.ts) against a loopback server that serves InternetDB's
 * documented JSON (`GET /{ip}` → `{ ip, ports, hostnames, tags, cpes, vulns }`, 404
 * `{ "detail": "No information available" }`), then hostile variants: a 404 that is not the
 * documented one, garbage, a reply about another address, oversized, slow, a redirect to another
 * host. The real service cannot be reached from here (no traffic may leave loopback in the tests),
 * so no test talks to it: the shape comes from its documentation (docs/probes.md cites it).
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/audit.js';
import { collect } from '../../src/collect.js';
import { emptyGatewayInfo } from '../../src/model/gateway.js';
import type { PortForward, Snapshot } from '../../src/model/types.js';
import { checkSnapshot } from '../../src/model/validate.js';
import { probeSnapshot } from '../../src/probe.js';
import {
  applyInternetDb,
  INTERNET_DB_CAPS,
  INTERNET_DB_FAILED,
  INTERNET_DB_PARTIAL,
  internetDbAddress,
  internetDbBaseUrl,
  internetDbSnapshots,
  lookupInternetDb,
  parseInternetDbReply,
} from '../../src/probes/internet-db.js';
import { render } from '../../src/reporters/index.js';
import { loadRuleSet } from '../../src/rules/load.js';
import { SCHEMA_VERSION } from '../../src/version.js';
import { schemaValidators } from '../cli/helpers.js';

/** A public address (nothing is ever sent to it: it only appears in the URL path of the loopback server). */
const PUBLIC = '81.2.69.142';
const DOCUMENTED = {
  cpes: ['cpe:/a:openbsd:openssh:8.4p1', 'cpe:/a:nginx:nginx'],
  hostnames: ['cabinet.example.net'],
  ip: PUBLIC,
  ports: [22, 443, 104],
  tags: ['self-signed'],
  vulns: ['CVE-2023-38408'],
};

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let handler: Handler = (_req, res) => res.end();
const seen: Seen[] = [];
let elsewhereHits = 0;
let server: Server;
let elsewhere: Server;
let base = '';
let elsewhereUrl = '';

function listen(s: Server): Promise<string> {
  return new Promise((resolve) =>
    s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}/`)),
  );
}

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  elsewhere = createServer((_req, res) => {
    elsewhereHits++;
    res.end(JSON.stringify(DOCUMENTED));
  });
  base = await listen(server);
  elsewhereUrl = await listen(elsewhere);
});

afterAll(async () => {
  server.closeAllConnections();
  await Promise.all([server, elsewhere].map((s) => new Promise<void>((r) => s.close(() => r()))));
});

beforeEach(() => {
  seen.length = 0;
  elsewhereHits = 0;
});

const json =
  (status: number, body: unknown): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

function fwd(ext: number, extra: Partial<PortForward> = {}): PortForward {
  return {
    id: `fwd_${ext}_${extra.enabled === false ? 'off' : 'on'}_${extra.reachable ? 'r' : ''}`,
    source: 'static',
    protocol: 'tcp',
    externalPort: { start: ext, end: ext },
    internalHost: '192.168.1.20',
    internalPort: { start: ext, end: ext },
    remoteHost: null,
    enabled: true,
    description: `port ${ext}`,
    leaseSeconds: 0,
    provenance: { adapter: 'test', transport: 'file' },
    ...extra,
  };
}

function snapshotOf(forwards: PortForward[], externalIp: string | null = PUBLIC): Snapshot {
  return {
    target: { kind: 'file', address: 'test', adapter: 'test' },
    collectedAt: '2026-06-01T12:00:00.000Z',
    gateway: { ...emptyGatewayInfo('192.168.1.1'), externalIp },
    forwards,
    dmz: null,
    upnp: null,
    remoteAdmin: null,
    lanPrefixes: ['192.168.1.0/24'],
    coverage: [],
    warnings: [],
    probes: {
      mode: 'standard',
      probed: 0,
      skipped: forwards.length,
      scope: ['192.168.1.0/24'],
      sentOutside: [],
      vantage: null,
      internetDb: null,
    },
  };
}

describe('which address may leave the LAN', () => {
  it('only a public IPv4 address, written canonically', () => {
    expect(internetDbAddress(PUBLIC)).toEqual({ address: PUBLIC });
    expect(internetDbAddress(` ${PUBLIC} `)).toEqual({ address: PUBLIC });
    for (const [address, reason] of [
      [null, 'NO_PUBLIC_ADDRESS'],
      ['', 'NO_PUBLIC_ADDRESS'],
      ['box.example', 'NO_PUBLIC_ADDRESS'],
      ['081.2.69.142', 'NO_PUBLIC_ADDRESS'],
      ['2001:db8::1', 'NOT_IPV4'],
      ['192.168.1.1', 'PRIVATE_ADDRESS'],
      ['10.0.0.1', 'PRIVATE_ADDRESS'],
      ['172.20.0.1', 'PRIVATE_ADDRESS'],
      ['100.64.12.1', 'SHARED_ADDRESS'],
      ['100.127.255.254', 'SHARED_ADDRESS'],
      ['127.0.0.1', 'LOOPBACK'],
      ['169.254.1.1', 'NOT_PUBLIC'],
      ['203.0.113.7', 'NOT_PUBLIC'],
      ['224.0.0.251', 'NOT_PUBLIC'],
      ['0.0.0.0', 'NOT_PUBLIC'],
      ['255.255.255.255', 'NOT_PUBLIC'],
    ] as const) {
      expect(internetDbAddress(address), String(address)).toEqual({ reason });
    }
    // Just outside CGNAT and the private blocks: public.
    expect(internetDbAddress('100.128.0.1')).toEqual({ address: '100.128.0.1' });
    expect(internetDbAddress('172.32.0.1')).toEqual({ address: '172.32.0.1' });
  });

  it('a private, CGNAT, loopback or unknown address is never sent: skipped, the server sees nothing', async () => {
    for (const address of ['192.168.1.1', '100.64.0.9', '127.0.0.1', null, '2001:db8::1']) {
      const { result } = await lookupInternetDb(address, { url: base });
      expect(result).toMatchObject({ status: 'skipped', sentAddress: null, httpStatus: null, ports: [] });
    }
    expect(seen).toEqual([]);
  });

  it('the URL option: http(s) only, never a user or password, no query or fragment', () => {
    expect(internetDbBaseUrl()).toBe('https://internetdb.shodan.io/');
    expect(internetDbBaseUrl('http://127.0.0.1:8080/idb')).toBe('http://127.0.0.1:8080/idb/');
    for (const bad of ['ftp://x/', 'https://u:p@x/', 'https://x/?key=1', 'https://x/#a', 'not a url']) {
      expect(() => internetDbBaseUrl(bad), bad).toThrow(expect.objectContaining({ code: 'BOXAUDIT_USAGE' }));
    }
  });
});

describe('lookupInternetDb against a loopback server serving the documented JSON', () => {
  it('found: one GET of /{ip}, no credential or cookie, the lists kept', async () => {
    handler = json(200, DOCUMENTED);
    const { result, dropped } = await lookupInternetDb(PUBLIC, {
      url: base,
      now: () => new Date('2026-06-01T12:00:01Z'),
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', url: `/${PUBLIC}` });
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(seen[0]!.headers.cookie).toBeUndefined();
    expect(result).toEqual({
      url: `${base}${PUBLIC}`,
      status: 'found',
      ports: [22, 104, 443],
      hostnames: ['cabinet.example.net'],
      tags: ['self-signed'],
      cpes: ['cpe:/a:openbsd:openssh:8.4p1', 'cpe:/a:nginx:nginx'],
      vulns: ['CVE-2023-38408'],
      reason: null,
      sentAddress: PUBLIC,
      httpStatus: 200,
      fetchedAt: '2026-06-01T12:00:01.000Z',
      truncated: false,
    });
    expect(dropped).toEqual({});
  });

  it('404 with the documented detail: not-found (never seen, not a pass); another 404 page: error', async () => {
    handler = json(404, { detail: 'No information available' });
    expect((await lookupInternetDb(PUBLIC, { url: base })).result).toMatchObject({
      status: 'not-found',
      reason: 'NOT_FOUND',
      httpStatus: 404,
      sentAddress: PUBLIC,
    });
    handler = (_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<h1>Not Found</h1>');
    };
    expect((await lookupInternetDb(PUBLIC, { url: base })).result).toMatchObject({
      status: 'error',
      reason: 'HTTP_STATUS',
      httpStatus: 404,
    });
  });

  it('garbage: not JSON, not an object, no ports list, a reply about another address', async () => {
    const cases: Array<[unknown, string]> = [
      ['<html>hello', 'NOT_JSON'],
      [[1, 2, 3], 'INVALID_REPLY'],
      [{ ...DOCUMENTED, ports: '22,443' }, 'INVALID_REPLY'],
      [{ ...DOCUMENTED, hostnames: 'a.example' }, 'INVALID_REPLY'],
      [{ ip: PUBLIC }, 'INVALID_REPLY'],
      [{ ...DOCUMENTED, ip: '81.2.69.143' }, 'ADDRESS_MISMATCH'],
      [{ ...DOCUMENTED, ip: undefined }, 'ADDRESS_MISMATCH'],
    ];
    for (const [body, reason] of cases) {
      handler = json(200, typeof body === 'string' ? body : JSON.stringify(body));
      const { result } = await lookupInternetDb(PUBLIC, { url: base });
      expect(result, reason).toMatchObject({ status: 'error', reason, ports: [], vulns: [] });
    }
    handler = json(429, { detail: 'slow down' });
    expect((await lookupInternetDb(PUBLIC, { url: base })).result.reason).toBe('RATE_LIMITED');
  });

  it('hostile entries: invalid ones dropped and counted, strings made printable and short, lists capped', async () => {
    handler = json(200, {
      ip: PUBLIC,
      ports: [443, 443, -1, 70000, 1.5, '80', null, ...Array.from({ length: 2000 }, (_, i) => i + 1)],
      hostnames: ['evil\u001b[31m.example\u202e', 'x'.repeat(5000), 'ok.example', 42],
      tags: ['\u0000\u0007'],
      cpes: [],
      vulns: Array.from({ length: 500 }, (_, i) => `CVE-2024-${1000 + i}`),
    });
    const { result, dropped } = await lookupInternetDb(PUBLIC, { url: base });
    expect(result.status).toBe('found');
    expect(result.truncated).toBe(true);
    expect(result.ports).toHaveLength(INTERNET_DB_CAPS.ports);
    expect(result.ports.slice(0, 3)).toEqual([1, 2, 3]);
    expect(result.hostnames).toEqual(['evil [31m.example', 'ok.example']);
    expect(result.tags).toEqual([]);
    expect(result.vulns).toHaveLength(INTERNET_DB_CAPS.vulns);
    // Ports: 5 invalid entries, and 2000 distinct valid ones over a cap of 1024.
    expect(dropped).toEqual({ ports: 5 + 2000 - 1024, hostnames: 2, tags: 1, vulns: 500 - 256 });
    const applied = applyInternetDb(snapshotOf([fwd(443)]), { result, dropped });
    expect(applied.warnings.map((w) => w.code)).toEqual([INTERNET_DB_PARTIAL]);
    expect(checkSnapshot(applied)).toBe(applied);
  });

  it('a huge list costs no more than four times its cap to read; duplicates are not counted as dropped', () => {
    const body = JSON.stringify({
      ip: PUBLIC,
      ports: [80, 80],
      tags: Array.from({ length: 100_000 }, () => 'x'),
    });
    expect(parseInternetDbReply(body, PUBLIC)).toEqual({
      ok: true,
      lists: { ports: [80], hostnames: [], tags: ['x'], cpes: [], vulns: [] },
      dropped: { tags: 100_000 - 4 * INTERNET_DB_CAPS.tags },
    });
  });

  it('oversized: the reply is cut at the cap, an error, nothing kept', async () => {
    handler = json(200, {
      ...DOCUMENTED,
      hostnames: Array.from({ length: 30_000 }, (_, i) => `h${i}.example`),
    });
    const { result } = await lookupInternetDb(PUBLIC, { url: base });
    expect(result).toMatchObject({ status: 'error', reason: 'TOO_LARGE', ports: [], hostnames: [] });
  });

  it('slow: the deadline ends it (TIMEOUT); the caller’s signal too (ABORTED)', async () => {
    handler = () => {}; // never answers
    const slow = await lookupInternetDb(PUBLIC, { url: base, timeoutMs: 300 });
    expect(slow.result).toMatchObject({ status: 'error', reason: 'TIMEOUT', sentAddress: PUBLIC });
    const controller = new AbortController();
    const pending = lookupInternetDb(PUBLIC, { url: base, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    expect((await pending).result).toMatchObject({ status: 'error', reason: 'ABORTED' });
    // Already aborted: nothing is sent at all.
    const before = seen.length;
    const none = await lookupInternetDb(PUBLIC, { url: base, signal: AbortSignal.abort() });
    expect(none.result).toMatchObject({ status: 'error', reason: 'ABORTED', sentAddress: null });
    expect(seen.length).toBe(before);
  });

  it('a redirect (to another host) is not followed: error REDIRECT, the other host sees nothing', async () => {
    handler = (_req, res) => {
      res.writeHead(302, { location: `${elsewhereUrl}${PUBLIC}` });
      res.end();
    };
    const { result } = await lookupInternetDb(PUBLIC, { url: base });
    expect(result).toMatchObject({ status: 'error', reason: 'REDIRECT', httpStatus: 302 });
    expect(elsewhereHits).toBe(0);
  });
});

describe('applied to the snapshot', () => {
  it('a listed external port marks the forward reachable (internet-db); an unlisted one stays unknown', async () => {
    handler = json(200, DOCUMENTED);
    const hairpin = { fromInternet: false, method: 'hairpin', reason: 'REFUSED' } as const;
    const snapshot = snapshotOf([
      fwd(443),
      fwd(8080),
      fwd(22, { enabled: false }),
      fwd(104, { reachable: hairpin }),
      fwd(100, { externalPort: { start: 100, end: 110 } }),
    ]);
    const [out] = await internetDbSnapshots([snapshot], { url: base });
    const reachable = out!.forwards.map((f) => f.reachable ?? null);
    expect(reachable).toEqual([
      { fromInternet: true, method: 'internet-db', reason: 'LISTED' },
      null, // not listed: proves nothing
      null, // disabled
      hairpin, // something was already said: kept
      { fromInternet: true, method: 'internet-db', reason: 'LISTED' }, // 104 is in 100-110
    ]);
    expect(out!.probes!.sentOutside).toEqual([{ what: PUBLIC, to: `${base}${PUBLIC}` }]);
    expect(out!.probes!.internetDb?.status).toBe('found');
    expect(checkSnapshot(out!)).toBe(out);
    expect(schemaValidators().dump({ schemaVersion: SCHEMA_VERSION, snapshots: [out] })).toBe('');
    // The input was not changed.
    expect(snapshot.forwards[0]!.reachable).toBeUndefined();
  });

  it('the snapshot boundary refuses an InternetDB record outside the schema (a hostile saved dump)', () => {
    const base = snapshotOf([fwd(443)]);
    const record = {
      url: 'https://internetdb.shodan.io/81.2.69.142',
      status: 'found' as const,
      ports: [443],
      hostnames: Array.from({ length: 5000 }, (_, i) => `h${i}.example`),
      tags: [],
      cpes: [],
      vulns: [],
      reason: null,
    };
    const hostile = { ...base, probes: { ...base.probes!, internetDb: record } };
    const checked = checkSnapshot(hostile);
    expect(checked.probes).toBeUndefined();
    expect(checked.warnings.map((w) => w.code)).toContain('VALUE_OUT_OF_RANGE');
    const fine = {
      ...base,
      probes: { ...base.probes!, internetDb: { ...record, hostnames: ['a.example'] } },
    };
    expect(checkSnapshot(fine)).toBe(fine);
  });

  it('one request per distinct address; a snapshot without a probe run is left alone', async () => {
    handler = json(200, DOCUMENTED);
    const unprobed = { ...snapshotOf([fwd(443)]), probes: undefined };
    const out = await internetDbSnapshots([snapshotOf([fwd(443)]), snapshotOf([fwd(22)]), unprobed], {
      url: base,
    });
    expect(seen).toHaveLength(1);
    expect(out[1]!.forwards[0]!.reachable?.method).toBe('internet-db');
    expect(out[2]).toBe(unprobed);
  });

  it('an unusable answer: a warning, no reachability; a private address: skipped, nothing sent outside', async () => {
    handler = json(500, { detail: 'oops' });
    const [failed] = await internetDbSnapshots([snapshotOf([fwd(443)])], { url: base });
    expect(failed!.warnings.map((w) => w.code)).toEqual([INTERNET_DB_FAILED]);
    expect(failed!.forwards[0]!.reachable).toBeUndefined();
    expect(failed!.probes!.sentOutside).toHaveLength(1); // it was sent, even if the answer was useless
    seen.length = 0;
    const [cgnat] = await internetDbSnapshots([snapshotOf([fwd(443)], '100.70.1.2')], { url: base });
    expect(seen).toEqual([]);
    expect(cgnat!.probes!.sentOutside).toEqual([]);
    expect(cgnat!.probes!.internetDb).toMatchObject({ status: 'skipped', reason: 'SHARED_ADDRESS' });
  });

  it('the reports say what was sent where, in English and French; a hostile host name is escaped', async () => {
    handler = json(200, { ...DOCUMENTED, hostnames: ['<script>alert(1)</script>.example'] });
    const [out] = await internetDbSnapshots([snapshotOf([fwd(443)])], { url: base });
    const report = buildReport([out!], await loadRuleSet(), { now: '2026-06-01T12:00:00Z' });
    expect(schemaValidators().report(report)).toBe('');
    const text = render(report, { format: 'text', lang: 'en' });
    expect(text).toContain(`Sent outside the local network: ${PUBLIC} to ${base}${PUBLIC}.`);
    expect(text).toContain(`Shodan InternetDB (${base}${PUBLIC}) lists 3 open ports on the public address`);
    expect(text).toContain('Shodan associates 1 known vulnerability with this address');
    expect(text).toContain("Shodan's InternetDB lists this port open on the public address");
    const fr = render(report, { format: 'text', lang: 'fr' });
    expect(fr).toContain(`Envoyé hors du réseau local : ${PUBLIC} à ${base}${PUBLIC}.`);
    expect(fr).toContain('InternetDB de Shodan');
    expect(fr).toContain('3 ports ouverts');
    const md = render(report, { format: 'markdown', lang: 'en' });
    expect(md).toContain('Shodan InternetDB');
    expect(md).not.toContain('<script>');
    const html = render(report, { format: 'html', lang: 'fr' });
    expect(html).toContain('InternetDB de Shodan');
    expect(html).not.toContain('<script>alert');
    const doc = JSON.parse(render(report, { format: 'json', lang: 'en' }));
    expect(doc.snapshots[0].probes.internetDb.hostnames).toEqual(['<script>alert(1)</script>.example']);
  });
});

describe('in the pipeline', () => {
  it('collect refuses internetDb without probe, and a bad URL, before reading anything', async () => {
    await expect(collect({ file: '/nonexistent' }, { internetDb: true })).rejects.toMatchObject({
      code: 'BOXAUDIT_USAGE',
    });
    await expect(
      collect({ file: '/nonexistent' }, { probe: true, internetDb: { url: 'https://u:p@x/' } }),
    ).rejects.toMatchObject({ code: 'BOXAUDIT_USAGE' });
  });

  it('after the probe step: nothing probed on the LAN here, the lookup applied', async () => {
    handler = json(200, DOCUMENTED);
    // UDP and disabled forwards: the probe step contacts nobody.
    const snapshot = {
      ...snapshotOf([fwd(443, { protocol: 'udp' }), fwd(22, { enabled: false })]),
      probes: undefined,
    };
    const probed = await probeSnapshot(snapshot, { localPrefixes: [] });
    const [out] = await internetDbSnapshots([probed], { url: base });
    expect(out!.probes).toMatchObject({ probed: 0, skipped: 2, sentOutside: [{ what: PUBLIC }] });
    expect(out!.forwards[0]!.reachable).toMatchObject({ method: 'internet-db' });
  });
});
