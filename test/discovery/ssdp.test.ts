/**
 * discover() against a fake SSDP responder on loopback (test/discovery/responder.ts): unicast
 * M-SEARCH to 127.0.0.1 (or ::1) on an ephemeral port, `multicast: false`. No test here sends
 * multicast or talks to a non-loopback address; multicast is covered in test/lab/ (namespaces).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type DiscoverOptions, discover, MAX_DATAGRAM_BYTES } from '../../src/discovery/ssdp.js';
import { IGD_SEARCH_TARGETS } from '../../src/discovery/ssdp-parse.js';
import { isBoxauditError } from '../../src/errors.js';
import { type Handler, openUdpHandles, type Responder, searchAnswer, startResponder } from './responder.js';

const IGD1 = 'urn:schemas-upnp-org:device:InternetGatewayDevice:1';
const WANIP2 = 'urn:schemas-upnp-org:service:WANIPConnection:2';
const DESC = 'http://127.0.0.1:5000/rootDesc.xml';

const responders: Responder[] = [];
afterEach(async () => {
  await Promise.all(responders.splice(0).map((r) => r.close()));
});

async function responder(handler: Handler, address = '127.0.0.1'): Promise<Responder> {
  const r = await startResponder(handler, address);
  responders.push(r);
  return r;
}

/** Loopback-only options: unicast to the responder, never multicast. */
function loopback(r: Responder, extra: Partial<DiscoverOptions> = {}): DiscoverOptions {
  return { gateway: r.address, ssdpPort: r.port, multicast: false, timeoutMs: 2000, graceMs: 200, ...extra };
}

describe('discover() over unicast on loopback', () => {
  it('sends well-formed M-SEARCHes for every IGD target and parses the answer', async () => {
    const r = await responder((req, res) => {
      if (req.st === WANIP2) {
        void res.reply(
          req,
          searchAnswer({
            st: WANIP2,
            server: 'Linux/6.1 UPnP/1.1 MiniUPnPd/2.3.7',
            usn: `uuid:abc::${WANIP2}`,
          }),
        );
      }
    });
    const result = await discover(loopback(r));

    expect(result.gateways).toEqual([
      {
        address: '127.0.0.1',
        location: DESC,
        server: 'Linux/6.1 UPnP/1.1 MiniUPnPd/2.3.7',
        st: WANIP2,
        usn: `uuid:abc::${WANIP2}`,
        via: 'unicast',
        interface: null,
        targets: [WANIP2],
      },
    ]);
    expect(result.warnings).toEqual([]);
    expect(result.stats?.endedBy).toBe('grace');

    const first = r.requests[0];
    expect(first?.text.startsWith('M-SEARCH * HTTP/1.1\r\n')).toBe(true);
    expect(first?.text.endsWith('\r\n\r\n')).toBe(true);
    expect(first?.host).toBe(`127.0.0.1:${r.port}`);
    expect(first?.man).toBe('"ssdp:discover"');
    expect(Number(first?.mx)).toBeGreaterThanOrEqual(1);
    expect(new Set(r.requests.map((q) => q.st))).toEqual(new Set(IGD_SEARCH_TARGETS));
  });

  it('retransmits every target and de-duplicates the answers by location', async () => {
    const second = 'http://127.0.0.1:5001/other/desc.xml';
    const r = await responder((req, res) => {
      void res.reply(req, searchAnswer({ st: req.st ?? '', lowerCaseNames: true, eol: '\n' }));
      if (req.st === IGD1) void res.reply(req, searchAnswer({ st: IGD1, location: second }));
    });
    // A grace longer than the whole search: it runs to the end, so every retransmission is sent.
    const result = await discover(loopback(r, { timeoutMs: 1500, graceMs: 10_000 }));

    const perTarget = new Map<string, number>();
    for (const q of r.requests) perTarget.set(q.st ?? '', (perTarget.get(q.st ?? '') ?? 0) + 1);
    expect([...perTarget.keys()].sort()).toEqual([...IGD_SEARCH_TARGETS].sort());
    for (const count of perTarget.values()) expect(count).toBeGreaterThanOrEqual(2);

    expect(result.stats?.endedBy).toBe('timeout');
    expect(result.gateways.map((g) => g.location).sort()).toEqual([DESC, second].sort());
    const main = result.gateways.find((g) => g.location === DESC);
    expect([...(main?.targets ?? [])].sort()).toEqual([...IGD_SEARCH_TARGETS].sort());
    // The device type answer (highest version) represents the location, with its own USN.
    expect(main?.st).toBe('urn:schemas-upnp-org:device:InternetGatewayDevice:2');
    expect(main?.usn).toMatch(/::urn:schemas-upnp-org:device:InternetGatewayDevice:2$/);
    // Every answer was accepted, then folded into two gateways.
    expect(result.stats?.accepted).toBe(r.timeline.filter((e) => e.kind === 'reply').length);
  });

  it('finishes early once a gateway answered and the grace passed, not at the timeout', async () => {
    let answered = false;
    const r = await responder((req, res) => {
      if (answered) return;
      answered = true;
      void res.reply(req, searchAnswer({ st: req.st ?? '' }));
    });
    // A 60 s timeout with a 30 s test timeout: only the grace can end this search in time.
    const result = await discover(loopback(r, { timeoutMs: 60_000, graceMs: 50 }));

    expect(result.stats?.endedBy).toBe('grace');
    expect(result.gateways).toHaveLength(1);
    const replies = r.timeline.filter((e) => e.kind === 'reply');
    expect(replies).toHaveLength(1);
    // The search stopped after the answer: it did not go on through all three transmissions.
    expect(r.requests.length).toBeLessThan(IGD_SEARCH_TARGETS.length * 3);
  });

  it('returns an empty result at the timeout when nobody answers, and closes its sockets', async () => {
    const r = await responder(() => {});
    const before = await openUdpHandles();
    const result = await discover(loopback(r, { timeoutMs: 1200 }));

    expect(result.gateways).toEqual([]);
    expect(result.stats?.endedBy).toBe('timeout');
    expect(result.stats?.sent).toBe(IGD_SEARCH_TARGETS.length * 3);
    expect(r.requests).toHaveLength(IGD_SEARCH_TARGETS.length * 3);
    expect(await openUdpHandles()).toBe(before);

    // And a second run works the same.
    const again = await discover(loopback(r, { timeoutMs: 600 }));
    expect(again.gateways).toEqual([]);
    expect(await openUdpHandles()).toBe(before);
  });

  it('rejects with BOXAUDIT_ABORTED when aborted mid-way, closing its sockets', async () => {
    const controller = new AbortController();
    const r = await responder(() => controller.abort());
    const before = await openUdpHandles();
    const error = await discover(loopback(r, { timeoutMs: 60_000, signal: controller.signal })).catch(
      (e) => e,
    );

    expect(isBoxauditError(error, 'BOXAUDIT_ABORTED')).toBe(true);
    expect(r.requests.length).toBeGreaterThan(0);
    expect(await openUdpHandles()).toBe(before);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const r = await responder(() => {});
    const error = await discover(loopback(r, { signal: AbortSignal.abort() })).catch((e) => e);
    expect(isBoxauditError(error, 'BOXAUDIT_ABORTED')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(r.requests).toHaveLength(0);
  });

  it('ignores an oversize datagram with a warning', async () => {
    const big = 'http://127.0.0.1:5000/big.xml';
    const r = await responder((req, res) => {
      if (req.st !== IGD1) return;
      const padding = `X-PAD: ${'a'.repeat(MAX_DATAGRAM_BYTES)}`;
      void res.reply(req, searchAnswer({ st: IGD1, location: big, extra: [padding] }));
      void res.reply(req, searchAnswer({ st: IGD1 }));
    });
    const result = await discover(loopback(r));

    expect(result.gateways.map((g) => g.location)).toEqual([DESC]);
    const oversize = result.warnings.find((w) => w.code === 'SSDP_OVERSIZE');
    expect(oversize?.where).toBe('127.0.0.1');
    expect(oversize?.message).toMatch(/byte datagram from 127\.0\.0\.1/);
  });

  it('ignores garbage and answers without a usable LOCATION, with warnings, and keeps the good one', async () => {
    const r = await responder((req, res) => {
      if (req.st !== IGD1) return;
      void res.reply(req, Buffer.from([0xff, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0x0a, 0x0a]));
      void res.reply(req, 'HTTP/1.1 200 OK\r\nthis line has no colon\r\n\r\n');
      void res.reply(req, searchAnswer({ st: IGD1, location: null }));
      void res.reply(req, searchAnswer({ st: IGD1, location: 'ftp://127.0.0.1/rootDesc.xml' }));
      void res.reply(req, searchAnswer({ st: IGD1, location: 'http://user:secret@127.0.0.1:5000/x.xml' }));
      void res.reply(req, 'HTTP/1.1 404 Not Found\r\nST: x\r\n\r\n');
      // Not garbage, just not for us: ignored without a warning.
      void res.reply(req, 'NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\n\r\n');
      void res.reply(req, searchAnswer({ st: 'urn:schemas-upnp-org:device:MediaRenderer:1' }));
      // The good one, with a terminal escape in SERVER that must not survive.
      void res.reply(req, searchAnswer({ st: IGD1, server: 'Box\u001b[2J OS/1 UPnP/1.0' }));
    });
    const result = await discover(loopback(r));

    expect(result.gateways).toHaveLength(1);
    expect(result.gateways[0]?.server).toBe('Box[2J OS/1 UPnP/1.0');
    const invalid = result.warnings.filter((w) => w.code === 'SSDP_INVALID_ANSWER');
    // One warning per code and sender, with the repeats counted.
    expect(invalid).toHaveLength(1);
    expect(invalid[0]?.where).toBe('127.0.0.1');
    expect(invalid[0]?.message).toMatch(/\(6 times\)$/);
    expect(JSON.stringify(result)).not.toContain('secret');
    expect(result.warnings.map((w) => w.code)).toEqual(['SSDP_INVALID_ANSWER']);
    expect(result.stats?.ignored).toBe(8);
  });

  it('drops a LOCATION on another host with a warning naming both', async () => {
    const foreign = 'http://192.0.2.7:5000/rootDesc.xml';
    const byName = 'http://router.example/rootDesc.xml';
    const handler: Handler = (req, res) => {
      if (req.st !== IGD1) return;
      void res.reply(req, searchAnswer({ st: IGD1, location: foreign }));
      void res.reply(req, searchAnswer({ st: IGD1, location: byName }));
    };
    const r = await responder(handler);
    const result = await discover(loopback(r, { timeoutMs: 800 }));

    expect(result.gateways).toEqual([]);
    const other = result.warnings.filter((w) => w.code === 'SSDP_LOCATION_OTHER_HOST');
    expect(other).toHaveLength(2);
    expect(other[0]?.message).toContain('127.0.0.1');
    expect(other[0]?.message).toContain(foreign);
    expect(other[1]?.message).toContain(byName);
  });

  it('keeps a LOCATION on another host with allowForeignLocation', async () => {
    const foreign = 'http://192.0.2.7:5000/rootDesc.xml';
    const r = await responder((req, res) => {
      if (req.st === IGD1) void res.reply(req, searchAnswer({ st: IGD1, location: foreign }));
    });
    const result = await discover(loopback(r, { allowForeignLocation: true }));

    expect(result.gateways).toHaveLength(1);
    expect(result.gateways[0]).toMatchObject({ address: '127.0.0.1', location: foreign });
    expect(result.warnings).toEqual([]);
  });

  it('bounds a flood of 1000 answers', async () => {
    let flooded = false;
    const r = await responder(async (req, res) => {
      if (flooded) return;
      flooded = true;
      for (let i = 0; i < 1000; i++) {
        await res.reply(req, searchAnswer({ st: IGD1, location: `http://127.0.0.1:5000/dev/${i}.xml` }));
        // Let the receiving side (same event loop) drain, so the flood really arrives.
        if (i % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
      }
    });
    // Distinct description URLs are capped too (maxGateways, default 8): lifted here to see the answer cap.
    const result = await discover(loopback(r, { timeoutMs: 8000, graceMs: 3000, maxGateways: 1000 }));

    expect(result.gateways.length).toBeLessThanOrEqual(256);
    expect(result.stats?.received).toBeGreaterThan(256);
    expect(result.gateways).toHaveLength(256);
    const limit = result.warnings.find((w) => w.code === 'SSDP_ANSWER_LIMIT');
    expect(limit?.message).toMatch(/more than 256 answers/);
    expect(result.stats?.ignored).toBe((result.stats?.received ?? 0) - 256);
  });

  it('honours a smaller maxAnswers', async () => {
    let flooded = false;
    const r = await responder(async (req, res) => {
      if (flooded) return;
      flooded = true;
      for (let i = 0; i < 40; i++) {
        await res.reply(req, searchAnswer({ st: IGD1, location: `http://127.0.0.1:5000/dev/${i}.xml` }));
      }
    });
    const result = await discover(loopback(r, { maxAnswers: 10, graceMs: 500, maxGateways: 1000 }));
    expect(result.gateways).toHaveLength(10);
    expect(result.warnings.map((w) => w.code)).toContain('SSDP_ANSWER_LIMIT');
  });

  it('works over IPv6 loopback', async () => {
    const location = 'http://[::1]:5000/rootDesc.xml';
    const r = await responder((req, res) => {
      if (req.st === IGD1) void res.reply(req, searchAnswer({ st: IGD1, location }));
    }, '::1');
    const result = await discover(loopback(r));
    expect(r.requests[0]?.host).toBe(`[::1]:${r.port}`);
    expect(result.gateways).toHaveLength(1);
    expect(result.gateways[0]).toMatchObject({ address: '::1', location: 'http://[::1]:5000/rootDesc.xml' });
  });

  it('resolves a gateway given by name (localhost) before searching', async () => {
    const r = await responder((req, res) => {
      if (req.st === IGD1) void res.reply(req, searchAnswer({ st: IGD1 }));
    });
    const result = await discover({ ...loopback(r), gateway: 'localhost' });
    // localhost may resolve to ::1 first; the responder listens on 127.0.0.1 only.
    if (r.requests.length > 0) expect(result.gateways).toHaveLength(1);
    else expect(result.gateways).toEqual([]);
  });

  it('rejects bad options with BOXAUDIT_INPUT_INVALID', async () => {
    for (const options of [
      { gateway: '239.255.255.250', multicast: false },
      { gateway: '255.255.255.255', multicast: false },
      { gateway: 'ff02::c', multicast: false },
      { gateway: '127.0.0.1', multicast: false, timeoutMs: 0 },
      { gateway: '127.0.0.1', multicast: false, ssdpPort: 70000 },
      { gateway: '  ', multicast: false },
      { multicast: false },
    ] satisfies DiscoverOptions[]) {
      const error = await discover(options).catch((e) => e);
      expect(isBoxauditError(error, 'BOXAUDIT_INPUT_INVALID'), JSON.stringify(options)).toBe(true);
    }
  });

  it('says what happened in its log lines', async () => {
    const lines: string[] = [];
    const r = await responder((req, res) => {
      if (req.st === IGD1) void res.reply(req, searchAnswer({ st: IGD1 }));
    });
    await discover(loopback(r, { log: (line) => lines.push(line) }));
    expect(lines.some((l) => /^\[ssdp\] unicast M-SEARCH to 127\.0\.0\.1:\d+/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes('answered') && l.includes(DESC))).toBe(true);
    expect(lines.at(-1)).toMatch(/^\[ssdp\] done \(grace\): 1 gateway/);
  });
});
