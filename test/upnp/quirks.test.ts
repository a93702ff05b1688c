/**
 * The UPnP IGD adapter against the loopback IGD simulator (src/demo/igd-simulator.ts, built from the
 * UPnP IGD:1/IGD:2 formats; no real box here — the real miniupnpd is in test/lab/). Every quirk must
 * end with a clear result or a clear error: partial results kept, no hang, no crash.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { collectUpnp, upnpIgd } from '../../src/adapters/upnp-igd.js';
import {
  type IgdSimulator,
  type IgdSimulatorOptions,
  type SimMapping,
  startIgdSimulator,
} from '../../src/demo/igd-simulator.js';
import type { Snapshot } from '../../src/model/types.js';
import { redactUrl } from '../../src/transport/http.js';
import { soapCall, UPNP_READ_ONLY_ACTIONS } from '../../src/transport/soap.js';
import { failure } from '../adapters/helpers.js';

const MAPPINGS: SimMapping[] = [
  {
    protocol: 'TCP',
    externalPort: 104,
    internalClient: '192.168.1.20',
    internalPort: 104,
    description: 'PACS',
  },
  {
    protocol: 'UDP',
    externalPort: 5060,
    internalClient: '192.168.1.21',
    internalPort: 5062,
    leaseDuration: 3600,
  },
  {
    protocol: 'TCP',
    externalPort: 8443,
    internalClient: '192.168.1.30',
    internalPort: 443,
    remoteHost: '198.51.100.9',
    enabled: false,
    description: 'NAS web',
  },
];

let sims: IgdSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function sim(options: IgdSimulatorOptions): Promise<IgdSimulator> {
  const s = await startIgdSimulator({ mappings: MAPPINGS, igdVersion: 1, ...options });
  sims.push(s);
  return s;
}

async function collect(
  options: IgdSimulatorOptions,
  collectOptions: Parameters<typeof collectUpnp>[1] = {},
): Promise<{ snapshot: Snapshot; sim: IgdSimulator }> {
  const s = await sim(options);
  const snapshot = await collectUpnp(s.descriptionUrl, { timeoutMs: 2000, ...collectOptions });
  return { snapshot, sim: s };
}

const mappingCoverage = (s: Snapshot) => s.coverage.find((c) => c.area === 'upnp-mappings')!;
const ports = (s: Snapshot) => s.forwards.map((f) => `${f.protocol}/${f.externalPort?.start}`).sort();
const ALL = ['tcp/104', 'tcp/8443', 'udp/5060'];
const genericCalls = (s: IgdSimulator) => s.requests.filter((r) => r.action === 'GetGenericPortMappingEntry');

describe('a normal box', () => {
  it('reads every mapping with every field, the gateway facts, and what UPnP cannot see', async () => {
    const { snapshot } = await collect({ externalIp: '100.64.3.4' });
    expect(ports(snapshot)).toEqual(ALL);
    const nas = snapshot.forwards.find((f) => f.externalPort?.start === 8443)!;
    expect(nas).toMatchObject({
      source: 'upnp',
      protocol: 'tcp',
      internalHost: '192.168.1.30',
      internalPort: { start: 443, end: 443 },
      remoteHost: '198.51.100.9',
      enabled: false,
      description: 'NAS web',
      leaseSeconds: 0,
      provenance: { adapter: 'upnp-igd', transport: 'upnp-soap' },
    });
    expect(nas.id).toMatch(/^fwd_[0-9a-f]{16}$/);
    const sip = snapshot.forwards.find((f) => f.protocol === 'udp')!;
    expect(sip).toMatchObject({ remoteHost: null, description: null, leaseSeconds: 3600 });
    expect(snapshot.gateway).toMatchObject({
      externalIp: '100.64.3.4',
      doubleNat: true, // CGNAT address: another NAT sits in front
      connectionStatus: 'Connected',
      connectionType: 'IP_Routed',
      uptimeSeconds: 86400,
      natEnabled: true,
      manufacturer: 'boxaudit',
      address: '127.0.0.1',
    });
    expect(snapshot.upnp).toEqual({ enabled: true, mappingCount: 3, igdVersion: 1 });
    expect(snapshot.dmz).toBeNull();
    expect(snapshot.remoteAdmin).toBeNull();
    expect(mappingCoverage(snapshot)).toMatchObject({ status: 'complete', code: 'UPNP_END_713' });
    const byArea = Object.fromEntries(snapshot.coverage.map((c) => [c.area, c]));
    for (const area of ['static-forwards', 'dmz', 'ipv6-pinholes', 'remote-admin'] as const) {
      expect(byArea[area]?.status, area).toBe('not-visible');
    }
  });

  it('sends only allowlisted actions, one request at a time', async () => {
    const { sim: s } = await collect({ igdVersion: 2 });
    const posted = s.requests.filter((r) => r.method === 'POST').map((r) => r.action);
    expect(posted.length).toBeGreaterThan(4);
    for (const action of posted) expect(upnpIgd.meta.allowlist).toContain(action);
  });
});

describe('how the list ends', () => {
  it.each([
    [713, 'complete'],
    [714, 'complete'],
    [402, 'complete'],
    [501, 'partial'],
    [606, 'partial'],
  ] as const)('UPnP error %s after 3 entries → %s, entries kept', async (ending, status) => {
    const { snapshot, sim: s } = await collect({ quirks: { listEnding: ending } });
    expect(ports(snapshot)).toEqual(ALL);
    expect(mappingCoverage(snapshot)).toMatchObject({ status, code: `UPNP_END_${ending}` });
    expect(mappingCoverage(snapshot).details).toMatchObject({ index: 3, endedWith: ending });
    expect(genericCalls(s)).toHaveLength(4);
  });

  it('606 at index 0 (Livebox refusing to list) is an error, not an empty table', async () => {
    const { snapshot } = await collect({ mappings: [], quirks: { listEnding: 606 } });
    expect(snapshot.forwards).toEqual([]);
    expect(mappingCoverage(snapshot)).toMatchObject({ status: 'error', code: 'UPNP_END_606' });
  });

  it('402 at index 0 is not taken as proof of an empty table', async () => {
    const { snapshot } = await collect({ mappings: [], quirks: { listEnding: 402 } });
    expect(mappingCoverage(snapshot)).toMatchObject({ status: 'partial', code: 'UPNP_END_402' });
  });

  it('a fault in the middle keeps what came before', async () => {
    const { snapshot } = await collect({ quirks: { faultAt: { index: 2, code: 501 } } });
    expect(snapshot.forwards).toHaveLength(2);
    expect(mappingCoverage(snapshot)).toMatchObject({ status: 'partial', code: 'UPNP_END_501' });
  });

  it('a broken reply at the end → partial, entries kept', async () => {
    const { snapshot } = await collect({ quirks: { listEnding: 'broken' } });
    expect(ports(snapshot)).toEqual(ALL);
    expect(mappingCoverage(snapshot)).toMatchObject({ status: 'partial', code: 'UPNP_END_BROKEN_REPLY' });
  });

  it('an endless list stops at maxEntries', async () => {
    const { snapshot, sim: s } = await collect({ quirks: { listEnding: 'none' } }, { maxEntries: 40 });
    expect(snapshot.forwards).toHaveLength(40);
    expect(genericCalls(s)).toHaveLength(40);
    expect(mappingCoverage(snapshot)).toMatchObject({ status: 'partial', code: 'UPNP_MAX_ENTRIES' });
  });

  it.each(['repeat', 'unrelated'] as const)('a %s list is detected and stopped', async (ending) => {
    const { snapshot, sim: s } = await collect({ quirks: { listEnding: ending } });
    expect(ports(snapshot)).toEqual(ALL);
    expect(genericCalls(s)).toHaveLength(4);
    expect(mappingCoverage(snapshot)).toMatchObject({ status: 'partial', code: 'UPNP_LIST_REPEATS' });
  });
});

describe('slow, silent and broken boxes', () => {
  it('a box that never answers → a timeout error naming the request', async () => {
    const s = await sim({ quirks: { hang: true } });
    const error = await failure(collectUpnp(s.descriptionUrl, { timeoutMs: 300 }));
    expect(error.code).toBe('BOXAUDIT_TIMEOUT');
    expect(error.message).toBe(`[upnp-igd] GET ${s.descriptionUrl} timed out after 300 ms`);
  });

  it('SOAP that never answers → warnings and an error coverage, not a hang', async () => {
    const { snapshot, sim: s } = await collect({ quirks: { hang: 'soap' } }, { timeoutMs: 300 });
    // After the first silent status call the rest are skipped: the time goes to the mappings.
    expect(s.requests.filter((r) => r.method === 'POST').map((r) => r.action)).toEqual([
      'GetExternalIPAddress',
      'GetGenericPortMappingEntry',
    ]);
    expect(snapshot.forwards).toEqual([]);
    expect(snapshot.upnp?.mappingCount).toBe(0);
    expect(mappingCoverage(snapshot)).toMatchObject({ status: 'error', code: 'UPNP_END_TIMEOUT' });
    expect(snapshot.warnings.map((w) => w.message)).toContainEqual(
      expect.stringMatching(
        /^\[upnp-igd\] POST http:\/\/127\.0\.0\.1:\d+\/ctl\/IPConn GetExternalIPAddress timed out after 300 ms$/,
      ),
    );
  });

  it('a box that stops answering mid-list → partial, entries kept', async () => {
    const { snapshot } = await collect({ quirks: { hang: { atIndex: 2 } } }, { timeoutMs: 300 });
    expect(snapshot.forwards).toHaveLength(2);
    expect(mappingCoverage(snapshot)).toMatchObject({ status: 'partial', code: 'UPNP_END_TIMEOUT' });
    expect(mappingCoverage(snapshot).reason).toMatch(/GetGenericPortMappingEntry timed out after 300 ms/);
  });

  it('a slow drip within the deadline is read whole', async () => {
    const { snapshot } = await collect({ quirks: { slowDripMs: 1 } });
    expect(ports(snapshot)).toEqual(ALL);
  });

  it('a slow drip past the deadline is cut by it (the deadline covers the body)', async () => {
    const s = await sim({ quirks: { slowDripMs: 100 } });
    const error = await failure(collectUpnp(s.descriptionUrl, { timeoutMs: 400 }));
    expect(error.code).toBe('BOXAUDIT_TIMEOUT');
  });

  it('broken XML → protocol-error warnings and an error coverage', async () => {
    const { snapshot } = await collect({ quirks: { brokenXml: true } });
    expect(mappingCoverage(snapshot)).toMatchObject({ status: 'error', code: 'UPNP_END_BROKEN_REPLY' });
    expect(snapshot.warnings.some((w) => /malformed XML/.test(w.message))).toBe(true);
    expect(snapshot.gateway.externalIp).toBeNull();
  });

  it('an HTML error page → HTTP 500 named, not a crash', async () => {
    const { snapshot } = await collect({ quirks: { htmlError: true } });
    expect(mappingCoverage(snapshot)).toMatchObject({ status: 'error', code: 'UPNP_END_HTTP_500' });
    expect(snapshot.warnings[0]?.message).toMatch(/GetExternalIPAddress answered HTTP 500$/);
  });

  it('a description over 1 MiB → BOXAUDIT_TOO_LARGE', async () => {
    const s = await sim({ quirks: { hugeBody: true, chunked: true } });
    const error = await failure(collectUpnp(s.descriptionUrl));
    expect(error.code).toBe('BOXAUDIT_TOO_LARGE');
    expect(error.message).toMatch(/exceeds the 1048576-byte cap/);
  });

  it('SOAP replies over 1 MiB → error coverage, nothing kept from them', async () => {
    const { snapshot } = await collect({ quirks: { hugeBody: 'soap' } });
    expect(mappingCoverage(snapshot)).toMatchObject({ status: 'error', code: 'UPNP_END_TOO_LARGE' });
  });

  it('an XML entity bomb → a clear protocol error, no expansion', async () => {
    const s = await sim({ quirks: { entityBomb: true } });
    const error = await failure(collectUpnp(s.descriptionUrl));
    expect(error.code).toBe('BOXAUDIT_PROTOCOL_ERROR');
    expect(error.message).toMatch(/DOCTYPE or ENTITY declaration; refused/);
  });

  it('the collection budget ends the listing as partial, keeping what was read', async () => {
    const { snapshot } = await collect(
      { quirks: { hang: { atIndex: 2 } } },
      { timeoutMs: 10_000, deadlineMs: 500 },
    );
    expect(snapshot.forwards).toHaveLength(2);
    expect(mappingCoverage(snapshot)).toMatchObject({ status: 'partial', code: 'UPNP_END_DEADLINE' });
    expect(mappingCoverage(snapshot).reason).toMatch(/collection budget of 500 ms used up/);
  });

  it('the caller’s abort stops everything with BOXAUDIT_ABORTED', async () => {
    const s = await sim({ quirks: { hang: { atIndex: 1 } } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const error = await failure(
      collectUpnp(s.descriptionUrl, { signal: controller.signal, timeoutMs: 10_000 }),
    );
    expect(error.code).toBe('BOXAUDIT_ABORTED');
  });
});

describe('HTTP framing and envelope styles', () => {
  it.each([
    ['chunked', { chunked: true }],
    ['HTTP/1.0 close-delimited', { http10: true }],
    ['bare-LF header lines', { bareLf: true }],
    ['u: prefix', { prefix: 'u' }],
    ['m: prefix', { prefix: 'm' }],
    ['no prefix', { prefix: 'none' }],
    ['SOAP-ENV: envelope', { envelopePrefix: 'SOAP-ENV', prefix: 'm' }],
  ] as const)('%s', async (_name, quirks) => {
    const { snapshot } = await collect({ quirks });
    expect(ports(snapshot)).toEqual(ALL);
    expect(mappingCoverage(snapshot).status).toBe('complete');
    expect(snapshot.gateway.externalIp).toBe('203.0.113.7');
  });
});

describe('URLBase and control URLs', () => {
  it.each(['missing', 'empty', 'after-device'] as const)('URLBase %s', async (urlBase) => {
    const { snapshot } = await collect({ quirks: { urlBase } });
    expect(ports(snapshot)).toEqual(ALL);
    expect(snapshot.warnings).toEqual([]);
  });

  it('a URLBase on a closed port falls back to the description URL, with a warning', async () => {
    const { snapshot } = await collect({ quirks: { urlBase: 'wrong' } });
    expect(ports(snapshot)).toEqual(ALL);
    expect(snapshot.warnings.map((w) => w.code)).toContain('UPNP_URLBASE_IGNORED');
  });

  it('a URLBase on another host is not contacted; the description URL is used', async () => {
    const { snapshot, sim: s } = await collect({ quirks: { urlBase: 'other-host' } });
    expect(ports(snapshot)).toEqual(ALL);
    expect(s.requests.filter((r) => r.host !== '127.0.0.1')).toEqual([]);
    expect(snapshot.warnings.map((w) => w.code)).toContain('UPNP_CONTROL_URL_OTHER_HOST');
  });

  it('a spoofed location (control URLs on another host) is refused: no request goes there', async () => {
    const { snapshot, sim: s } = await collect({ quirks: { spoofedLocation: true } });
    expect(s.requests.filter((r) => r.host !== '127.0.0.1')).toEqual([]);
    expect(s.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(snapshot.forwards).toEqual([]);
    expect(snapshot.upnp?.mappingCount).toBeNull();
    expect(mappingCoverage(snapshot)).toMatchObject({ status: 'error', code: 'UPNP_NO_REACHABLE_SERVICE' });
    expect(snapshot.warnings.map((w) => w.code)).toContain('UPNP_CONTROL_URL_OTHER_HOST');
  });

  it('two WAN services on two control URLs are both read', async () => {
    const ppp: SimMapping = {
      protocol: 'TCP',
      externalPort: 3389,
      internalClient: '192.168.1.40',
      internalPort: 3389,
    };
    const { snapshot } = await collect({ pppMappings: [ppp], quirks: { twoWanServices: true } });
    expect(ports(snapshot)).toEqual([...ALL, 'tcp/3389'].sort());
    const services = mappingCoverage(snapshot).details?.services as Array<{ serviceType: string }>;
    expect(services.map((x) => x.serviceType)).toEqual([
      'urn:schemas-upnp-org:service:WANIPConnection:1',
      'urn:schemas-upnp-org:service:WANPPPConnection:1',
    ]);
  });

  it('an unused PPP service (Disconnected, cannot list) does not spoil the IP service’s coverage', async () => {
    const { snapshot } = await collect({ quirks: { twoWanServices: true, idlePpp: true } });
    expect(ports(snapshot)).toEqual(ALL);
    expect(mappingCoverage(snapshot)).toMatchObject({ status: 'complete', code: 'UPNP_END_713' });
    const services = mappingCoverage(snapshot).details?.services as Array<Record<string, unknown>>;
    expect(services[1]).toMatchObject({ code: 'UPNP_END_501', status: 'error', idle: true });
    expect(snapshot.gateway.connectionStatus).toBe('Connected');
  });

  it('three services sharing one control URL are read once', async () => {
    const { snapshot, sim: s } = await collect({ igdVersion: 2, quirks: { sharedControlUrl: true } });
    expect(ports(snapshot)).toEqual(ALL);
    expect(s.requests.filter((r) => r.action === 'GetExternalIPAddress')).toHaveLength(1);
    expect(snapshot.forwards).toHaveLength(3);
  });
});

describe('IGD:2 boxes', () => {
  it('are walked with GetGenericPortMappingEntry by default: GetListOfPortMappings crashes some miniupnpd', async () => {
    const { snapshot, sim: s } = await collect({ igdVersion: 2 });
    expect(ports(snapshot)).toEqual(ALL);
    expect(s.requests.filter((r) => r.action === 'GetListOfPortMappings')).toEqual([]);
    expect(genericCalls(s)).toHaveLength(4);
    expect(mappingCoverage(snapshot)).toMatchObject({ status: 'complete', code: 'UPNP_END_713' });
    expect(snapshot.upnp?.igdVersion).toBe(2);
  });
});

describe('IGD:2 GetListOfPortMappings (opt-in: useListAction)', () => {
  const list = { useListAction: true };

  it('lists TCP and UDP in two requests, cross-checked by one GetGeneric past the end', async () => {
    const { snapshot, sim: s } = await collect({ igdVersion: 2 }, list);
    expect(ports(snapshot)).toEqual(ALL);
    expect(s.requests.filter((r) => r.action === 'GetListOfPortMappings')).toHaveLength(2);
    expect(genericCalls(s).map((r) => r.args.NewPortMappingIndex)).toEqual(['3']);
    expect(mappingCoverage(snapshot)).toMatchObject({ status: 'complete', code: 'UPNP_LIST_COMPLETE' });
  });

  it('CDATA and entity-escaped lists give the same forwards', async () => {
    const a = await collect({ igdVersion: 2 }, list);
    const b = await collect({ igdVersion: 2, quirks: { listEscaped: true } }, list);
    const strip = (s: Snapshot) => s.forwards.map(({ provenance: _p, ...f }) => f);
    expect(strip(b.snapshot)).toEqual(strip(a.snapshot));
    expect(b.snapshot.forwards).toHaveLength(3);
  });

  it('falls back to GetGeneric when the list action is refused', async () => {
    const { snapshot } = await collect({ igdVersion: 2, quirks: { listUnsupported: true } }, list);
    expect(ports(snapshot)).toEqual(ALL);
    expect(snapshot.warnings.map((w) => w.code)).toContain('UPNP_LIST_FALLBACK');
    expect(mappingCoverage(snapshot)).toMatchObject({ status: 'complete', code: 'UPNP_END_713' });
  });

  it('a list that leaves a mapping out is caught by the cross-check and re-read entry by entry', async () => {
    const { snapshot } = await collect({ igdVersion: 2, quirks: { listDropsLast: true } }, list);
    expect(ports(snapshot)).toEqual(ALL);
    expect(snapshot.warnings.map((w) => w.code)).toContain('UPNP_LIST_INCOMPLETE');
    expect(mappingCoverage(snapshot).code).toBe('UPNP_END_713');
  });

  it('500 mappings: the walk and the list agree', async () => {
    const many: SimMapping[] = Array.from({ length: 500 }, (_, i) => ({
      protocol: i % 2 ? 'UDP' : 'TCP',
      externalPort: 20_000 + i,
      internalClient: '192.168.1.50',
      internalPort: 20_000 + i,
    }));
    const walked = await collect({ mappings: many, igdVersion: 2 });
    const listed = await collect({ mappings: many, igdVersion: 2 }, list);
    expect(walked.snapshot.forwards).toHaveLength(500);
    expect(genericCalls(walked.sim)).toHaveLength(501);
    expect(mappingCoverage(walked.snapshot).status).toBe('complete');
    expect(ports(listed.snapshot)).toEqual(ports(walked.snapshot));
    expect(listed.sim.requests.filter((r) => r.method === 'POST').length).toBeLessThan(10);
  });
});

describe('read-only allowlist', () => {
  it.each([
    'AddPortMapping',
    'DeletePortMapping',
    'AddAnyPortMapping',
    'ForceTermination',
    'SetConnectionType',
  ])('%s is refused before any byte is sent', async (action) => {
    const s = await sim({});
    const controlUrl = s.descriptionUrl.replace('/rootDesc.xml', '/ctl/IPConn');
    const error = await failure(
      soapCall(controlUrl, 'urn:schemas-upnp-org:service:WANIPConnection:1', action, {
        NewExternalPort: 104,
      }),
    );
    expect(error.code).toBe('BOXAUDIT_NOT_ALLOWED');
    expect(error.message).toContain(`${action} is not on the read-only allowlist`);
    expect(s.requests).toEqual([]);
  });

  it('the adapter’s meta.allowlist is exactly the read-only SOAP actions', () => {
    expect([...upnpIgd.meta.allowlist]).toEqual([...UPNP_READ_ONLY_ACTIONS]);
    expect(upnpIgd.meta.allowlist.some((a) => /^(Add|Delete|Set|Force|Request)/.test(a))).toBe(false);
  });
});

describe('errors', () => {
  it('a description URL that answers 404 → BOXAUDIT_HTTP_STATUS naming the status', async () => {
    const s = await sim({});
    const error = await failure(collectUpnp(s.descriptionUrl.replace('/rootDesc.xml', '/nothing')));
    expect(error.code).toBe('BOXAUDIT_HTTP_STATUS');
    expect(error.message).toMatch(/answered HTTP 404$/);
  });

  it('credentials in a URL never appear in messages', () => {
    expect(redactUrl('http://admin:secret@192.168.1.1:5000/rootDesc.xml')).toBe(
      'http://192.168.1.1:5000/rootDesc.xml',
    );
  });

  it('credentials in the description URL reach no part of the snapshot (control URLs included)', async () => {
    // No URLBase: the control URL is resolved against the description URL, user:password included.
    const s = await sim({ quirks: { urlBase: 'missing' } });
    const url = s.descriptionUrl.replace('http://', 'http://admin:s3cret-pw@');
    const snapshot = await collectUpnp(url, { timeoutMs: 2000 });
    expect(snapshot.forwards.length + snapshot.coverage.length).toBeGreaterThan(0);
    expect(JSON.stringify(snapshot)).not.toContain('s3cret-pw');
  });

  it('nothing listens → BOXAUDIT_NETWORK', async () => {
    const s = await sim({});
    const url = s.descriptionUrl;
    await s.close();
    sims = [];
    const error = await failure(collectUpnp(url, { timeoutMs: 1000 }));
    expect(error.code).toBe('BOXAUDIT_NETWORK');
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});
