/**
 * The outside-in view's own logic (src/probes/reach.ts, vantage.ts, hairpin.ts, src/reachability.ts)
 * without a network: the guard on the one address it may reach, the choice of ports, the vantage
 * outcomes from a recording fake SSH connection (what it was asked to open is all it opens), and
 * the hairpin check against this machine's own loopback listeners. The real sshd, PACS and box are
 * in test/lab/vantage.lab.test.ts.
 */

import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { BoxauditError } from '../../src/errors.js';
import { emptyGatewayInfo } from '../../src/model/gateway.js';
import type { PortForward, Snapshot } from '../../src/model/types.js';
import { checkHairpin } from '../../src/probes/hairpin.js';
import { lanSideOf, publicAddressOf, reachPlan } from '../../src/probes/reach.js';
import { checkFromVantage, parseVantageUrl } from '../../src/probes/vantage.js';
import { checkReachability } from '../../src/reachability.js';
import type { SshConnection, SshConnector, TcpCheckOutcome } from '../../src/transport/ssh.js';
import { withSshTunnelChecks } from '../../src/transport/ssh.js';

function forward(ext: number, partial: Partial<PortForward> = {}): PortForward {
  return {
    id: `fwd_${ext}_${partial.protocol ?? 'tcp'}`,
    source: 'upnp',
    protocol: 'tcp',
    externalPort: { start: ext, end: ext },
    internalHost: '192.168.1.20',
    internalPort: { start: ext, end: ext },
    remoteHost: null,
    enabled: true,
    description: null,
    leaseSeconds: 0,
    provenance: { adapter: 'upnp-igd', transport: 'upnp-soap' },
    ...partial,
  };
}

function snapshot(
  externalIp: string | null,
  forwards: PortForward[],
  kind: 'upnp' | 'file' = 'upnp',
): Snapshot {
  return {
    target: { kind, address: 'http://192.168.1.1:5000/rootDesc.xml', adapter: 'upnp-igd' },
    collectedAt: '2026-06-01T12:00:00.000Z',
    gateway: {
      ...emptyGatewayInfo('http://192.168.1.1:5000/rootDesc.xml'),
      descriptionUrl: 'http://192.168.1.1:5000/rootDesc.xml',
      externalIp,
    },
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
      scope: [],
      sentOutside: [],
      vantage: null,
      internetDb: null,
    },
  };
}

const NO_LOCAL = { addresses: [], prefixes: [] };
const decide = (s: Snapshot) => publicAddressOf(s, lanSideOf(s, NO_LOCAL));

describe('the one address an outside-in check may reach', () => {
  it('only a public address the box reported live, never a LAN, shared, reserved or stale one', () => {
    expect(decide(snapshot('11.0.0.2', []))).toEqual({ ok: true, address: '11.0.0.2' });
    expect(decide(snapshot('2a01:e0a::1', []))).toEqual({ ok: true, address: '2a01:e0a::1' });
    const refused: Array<[string | null, string]> = [
      [null, 'NO_PUBLIC_ADDRESS'],
      ['not an address', 'NO_PUBLIC_ADDRESS'],
      ['100.64.3.4', 'BEHIND_ANOTHER_NAT'],
      ['10.1.2.3', 'BEHIND_ANOTHER_NAT'],
      ['192.168.1.1', 'BEHIND_ANOTHER_NAT'],
      ['127.0.0.1', 'NOT_PUBLIC'],
      ['169.254.1.1', 'NOT_PUBLIC'],
      ['224.0.0.251', 'NOT_PUBLIC'],
      ['255.255.255.255', 'NOT_PUBLIC'],
      ['0.0.0.0', 'NOT_PUBLIC'],
      ['203.0.113.9', 'NOT_PUBLIC'],
      ['fe80::1', 'NOT_PUBLIC'],
      ['fd00::1', 'NOT_PUBLIC'],
      ['2001:db8::1', 'NOT_PUBLIC'],
    ];
    for (const [ip, reason] of refused)
      expect(decide(snapshot(ip, [])), String(ip)).toEqual({ ok: false, reason });
    // An export or a saved snapshot: the address may belong to someone else today.
    expect(decide(snapshot('11.0.0.2', [], 'file'))).toEqual({ ok: false, reason: 'ADDRESS_FROM_FILE' });
  });

  it('never an address of the LAN side: a LAN prefix, a forward target, the box, this machine', () => {
    const lanClaim = { ...snapshot('11.0.0.2', []), lanPrefixes: ['11.0.0.0/24'] };
    expect(decide(lanClaim)).toEqual({ ok: false, reason: 'LAN_ADDRESS' });
    expect(decide(snapshot('11.0.0.9', [forward(80, { internalHost: '11.0.0.9' })]))).toEqual({
      ok: false,
      reason: 'LAN_ADDRESS',
    });
    const s = snapshot('11.0.0.2', []);
    expect(publicAddressOf(s, lanSideOf(s, { addresses: ['11.0.0.2'], prefixes: [] }))).toEqual({
      ok: false,
      reason: 'LAN_ADDRESS',
    });
    const doubleNat = snapshot('11.0.0.2', []);
    doubleNat.gateway.doubleNat = true;
    expect(decide(doubleNat)).toEqual({ ok: false, reason: 'BEHIND_ANOTHER_NAT' });
  });

  it('plans TCP single ports once each, within the cap; says why for the others', () => {
    const plan = reachPlan(
      [
        forward(104),
        forward(104, { id: 'dup', internalHost: '192.168.1.21' }),
        forward(51413, { protocol: 'udp' }),
        forward(3389, { enabled: false }),
        forward(5000, { externalPort: { start: 5000, end: 5010 } }),
        forward(8080, { source: 'pinhole6' }),
        forward(443, { externalPort: null }),
        forward(8443),
        forward(9000),
      ],
      2,
    );
    expect(plan.ports).toEqual([104, 8443]);
    expect(plan.perForward).toEqual([
      { port: 104 },
      { port: 104 },
      { reason: 'UDP' },
      { reason: 'DISABLED' },
      { reason: 'PORT_RANGE' },
      { reason: 'IPV6_PINHOLE' },
      { reason: 'NO_EXTERNAL_PORT' },
      { port: 8443 },
      { reason: 'FORWARD_CAP' },
    ]);
  });
});

describe('--vantage ssh://user@host[:port]', () => {
  it('parses the URL; refuses a password (never repeated), a path or no user', () => {
    expect(parseVantageUrl('ssh://msp@vantage.example.net')).toEqual({
      username: 'msp',
      host: 'vantage.example.net',
      port: 22,
      label: 'msp@vantage.example.net:22',
    });
    expect(parseVantageUrl('ssh://root@[2001:db8::5]:2200').label).toBe('root@[2001:db8::5]:2200');
    const error = (url: string) => {
      try {
        parseVantageUrl(url);
        return null;
      } catch (e) {
        return e as BoxauditError;
      }
    };
    const withPassword = error('ssh://root:hunter2@203.0.113.5');
    expect(withPassword?.code).toBe('BOXAUDIT_USAGE');
    expect(withPassword?.message).toContain('no password in the URL');
    expect(withPassword?.message).not.toContain('hunter2');
    expect(error('ssh://203.0.113.5')?.message).toContain('a user name is needed');
    expect(error('ssh://u@203.0.113.5/tmp')?.message).toContain('no path');
    expect(error('https://u@203.0.113.5')?.message).toContain('ssh://');
  });

  /** A fake SSH connection that records every channel asked and answers from a table. */
  function fakeConnector(answers: Record<number, TcpCheckOutcome | 'hang'>): {
    connector: SshConnector;
    asked: string[];
    closed: () => boolean;
  } {
    const asked: string[] = [];
    let closed = false;
    const connection: SshConnection = {
      exec: () => Promise.reject(new Error('no command may run on a vantage host')),
      close: () => {
        closed = true;
      },
      tcpCheck: (host, port, { signal }) => {
        asked.push(`${host}:${port}`);
        const answer = answers[port];
        if (answer === 'hang' || answer === undefined) {
          return new Promise((_, reject) =>
            signal.addEventListener('abort', () => reject(new BoxauditError('BOXAUDIT_ABORTED', 'aborted'))),
          );
        }
        return Promise.resolve(answer);
      },
    };
    return { connector: async () => connection, asked, closed: () => closed };
  }

  it('opened → true, connect failed → false (refused, unreachable), no answer in time → false, prohibited → null', async () => {
    const fake = fakeConnector({
      104: { opened: true },
      3389: { opened: false, reasonCode: 2, description: 'Connection refused' },
      5900: { opened: false, reasonCode: 2, description: 'No route to host' },
      8080: 'hang',
      445: { opened: false, reasonCode: 1, description: 'administratively prohibited: open failed' },
    });
    const r = await checkFromVantage('11.0.0.2', [104, 3389, 5900, 8080, 445], {
      url: 'ssh://msp@198.51.100.7',
      knownHosts: '',
      connector: fake.connector,
      limits: { connectTimeoutMs: 50 },
    });
    expect(r.results.map((x) => [x.fromInternet, x.reason])).toEqual([
      [true, 'CONNECTED'],
      [false, 'REFUSED'],
      [false, 'UNREACHABLE'],
      [false, 'TIMEOUT'],
      [null, 'VANTAGE_PROHIBITED'],
    ]);
    expect(r.results.every((x) => x.method === 'vantage')).toBe(true);
    expect(r.warning).toBeNull();
    expect(fake.asked.sort()).toEqual([
      '11.0.0.2:104',
      '11.0.0.2:3389',
      '11.0.0.2:445',
      '11.0.0.2:5900',
      '11.0.0.2:8080',
    ]);
    expect(fake.closed()).toBe(true);
  });

  it('an SSH failure is a warning and null for every port, never false', async () => {
    const connector: SshConnector = async () => {
      throw new BoxauditError(
        'BOXAUDIT_HOST_KEY',
        '[vantage] ssh 198.51.100.7:22: host key mismatch for 198.51.100.7: expected SHA256:aaa (pinned), presented ssh-ed25519 SHA256:bbb',
      );
    };
    const r = await checkFromVantage('11.0.0.2', [104, 3389], { url: 'ssh://msp@198.51.100.7', connector });
    expect(r.results).toEqual([
      { fromInternet: null, method: 'vantage', reason: 'VANTAGE_HOST_KEY' },
      { fromInternet: null, method: 'vantage', reason: 'VANTAGE_HOST_KEY' },
    ]);
    expect(r.warning?.code).toBe('VANTAGE_FAILED');
    expect(r.warning?.message).toContain('host key mismatch');
  });

  it('the SSH connection dying while channels open is an SSH failure: null for all, never false', async () => {
    const connection: SshConnection = {
      exec: () => Promise.reject(new Error('no')),
      close: () => {},
      tcpCheck: async (_h, port) => {
        if (port === 104) return { opened: true };
        throw new BoxauditError(
          'BOXAUDIT_NETWORK',
          '[vantage] ssh 198.51.100.7:22: the SSH connection closed',
        );
      },
    };
    const r = await checkFromVantage('11.0.0.2', [104, 3389], {
      url: 'ssh://msp@198.51.100.7',
      connector: async () => connection,
      limits: { concurrency: 1 },
    });
    expect(r.results.map((x) => x.fromInternet)).toEqual([null, null]);
    expect(r.results[0]?.reason).toBe('VANTAGE_SSH_FAILED');
    expect(r.warning?.code).toBe('VANTAGE_FAILED');
  });

  it('the caller’s AbortSignal ends it: what was not checked is null / ABORTED', async () => {
    const fake = fakeConnector({ 104: 'hang', 3389: 'hang' });
    const controller = new AbortController();
    const pending = checkFromVantage(
      '11.0.0.2',
      [104, 3389],
      { url: 'ssh://msp@198.51.100.7', connector: fake.connector, limits: { connectTimeoutMs: 60_000 } },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 20);
    const r = await pending;
    expect(r.results.map((x) => [x.fromInternet, x.reason])).toEqual([
      [null, 'ABORTED'],
      [null, 'ABORTED'],
    ]);
  });

  it('the transport opens channels only to the allowed address and ports: anything else is refused unsent', async () => {
    const fake = fakeConnector({ 104: { opened: true } });
    const outcome = await withSshTunnelChecks(
      { adapter: 'vantage', host: '198.51.100.7', port: 22, username: 'msp', hostKeys: { knownHosts: '' } },
      { host: '11.0.0.2', ports: [104] },
      { signal: new AbortController().signal, connector: fake.connector },
      async (session) => {
        const signal = new AbortController().signal;
        const other = await session.check('8.8.8.8', 104, { signal }).catch((e: BoxauditError) => e.code);
        const port = await session.check('11.0.0.2', 22, { signal }).catch((e: BoxauditError) => e.code);
        return [other, port, await session.check('11.0.0.2', 104, { signal })];
      },
    );
    expect(outcome).toEqual(['BOXAUDIT_NOT_ALLOWED', 'BOXAUDIT_NOT_ALLOWED', { opened: true }]);
    expect(fake.asked).toEqual(['11.0.0.2:104']);
  });
});

describe('the pipeline step (src/reachability.ts)', () => {
  it('behind CGNAT: nothing is tried, every forward unknown with the reason, nothing said as sent', async () => {
    const fake = fakeConnectorCount();
    const s = await checkReachability(
      snapshot('100.64.7.8', [forward(104), forward(53, { protocol: 'udp' })]),
      {
        vantage: { url: 'ssh://msp@198.51.100.7', connector: fake.connector },
        local: NO_LOCAL,
      },
    );
    expect(fake.calls()).toBe(0);
    expect(s.forwards.map((f) => f.reachable)).toEqual([
      { fromInternet: null, method: 'vantage', reason: 'BEHIND_ANOTHER_NAT' },
      { fromInternet: null, method: 'vantage', reason: 'UDP' },
    ]);
    expect(s.probes?.sentOutside).toEqual([]);
    expect(s.probes?.vantage).toBe('msp@198.51.100.7:22');
  });

  it('a refused connection to a forward limited to given sources proves nothing: null / SOURCE_RESTRICTED', async () => {
    const answers: Record<number, TcpCheckOutcome> = {
      104: { opened: false, reasonCode: 2, description: 'Connection refused' },
      8443: { opened: false, reasonCode: 2, description: 'Connection refused' },
    };
    const connection: SshConnection = {
      exec: () => Promise.reject(new Error('no')),
      close: () => {},
      tcpCheck: async (_h, port) => answers[port]!,
    };
    const s = await checkReachability(
      snapshot('11.0.0.2', [forward(104), forward(8443, { remoteHost: '203.0.113.7' })]),
      { vantage: { url: 'ssh://msp@198.51.100.7', connector: async () => connection }, local: NO_LOCAL },
    );
    expect(s.forwards.map((f) => f.reachable?.reason)).toEqual(['REFUSED', 'SOURCE_RESTRICTED']);
    expect(s.forwards.map((f) => f.reachable?.fromInternet)).toEqual([false, null]);
    expect(s.probes?.sentOutside).toEqual([
      expect.objectContaining({
        kind: 'vantage',
        address: '11.0.0.2',
        ports: [104, 8443],
        to: 'msp@198.51.100.7:22',
      }),
    ]);
  });
});

function fakeConnectorCount(): { connector: SshConnector; calls: () => number } {
  let calls = 0;
  return {
    connector: async () => {
      calls++;
      throw new Error('must not connect');
    },
    calls: () => calls,
  };
}

describe('--hairpin (loopback listeners of this machine stand for the box)', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('a connection → true (weaker evidence), without a byte sent; refused → null, never false', async () => {
    let received = 0;
    const server = createServer((socket) => {
      socket.on('data', (d) => {
        received += d.length;
      });
      socket.on('error', () => {});
    });
    servers.push(server);
    const open = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
    const closedServer = createServer();
    const closed = await new Promise<number>((resolve) =>
      closedServer.listen(0, '127.0.0.1', () => resolve((closedServer.address() as { port: number }).port)),
    );
    await new Promise((r) => closedServer.close(r));
    const results = await checkHairpin('127.0.0.1', [open, closed], { limits: { connectTimeoutMs: 2000 } });
    expect(results).toEqual([
      { fromInternet: true, method: 'hairpin', reason: 'CONNECTED' },
      { fromInternet: null, method: 'hairpin', reason: 'REFUSED' },
    ]);
    await new Promise((r) => setTimeout(r, 50));
    expect(received).toBe(0);
  });

  it('refuses a name (never resolved)', async () => {
    expect(await checkHairpin('box.example', [80])).toEqual([
      { fromInternet: null, method: 'hairpin', reason: 'NO_PUBLIC_ADDRESS' },
    ]);
  });
});
