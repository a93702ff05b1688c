/**
 * Issue 13's outside-in view with real peers: Debian's Orthanc 1.10 (a real PACS: DICOM on 104,
 * its Explorer on 8042 without a password) on the LAN host behind miniupnpd's WAN 104 and 8042, a
 * forward to a closed LAN port (3389), and a real OpenSSH sshd in the wan namespace as the vantage
 * host (AllowTcpForwarding yes). The box forwards established traffic back and masquerades the LAN,
 * as real boxes do (lab-notes.md). The BUILT CLI runs, in the lan namespace,
 * `boxaudit audit --upnp … --probe --vantage ssh://root@11.0.0.1 --identity … --known-hosts …`.
 *
 * nftables counters prove what went where: in the lan namespace, nothing but the SSH connection to
 * the vantage host (and the LAN services' replies to the connections it opened through the box)
 * leaves for an address outside the LAN; in the wan namespace, the vantage host
 * sends nothing but one SYN per forwarded TCP port to the box's public address, and not one byte of
 * data on those connections.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { parseJson, type ReportJson, schemaValidators } from '../cli/helpers.js';
import { LAB_ADDRESSES, type Lab } from './lab.js';
import { type LabSshd, startLabSshd } from './sshd.js';
import { describeLab } from './suite.js';

const NOW = '2026-06-01T12:00:00.000Z';
/** Each test runs the built CLI once or twice in the namespaces (about 5 s each, more on a busy machine). */
const TEST_TIMEOUT_MS = 240_000;
const { lanPrefix, lanIp, wanIp, wanPeerIp } = LAB_ADDRESSES;
const PORTS = [104, 8042, 3389] as const;

/** The box as a real one: replies to forwarded connections come back, the LAN is masqueraded. */
const BOX_RULES = `insert rule inet filter forward ct state established,related accept
insert rule inet filter forward iifname "gwl0" accept
add rule inet filter postrouting oifname "gww0" masquerade
`;

/** NAT loopback for WAN 8042 only, as some boxes do: from the LAN, the public address leads to the device too. */
const NAT_LOOPBACK = `add rule inet filter prerouting iifname "gwl0" ip daddr ${wanIp} tcp dport 8042 dnat ip to ${lanIp}:8042
add rule inet filter postrouting oifname "gwl0" ip saddr ${lanPrefix} ip daddr ${lanIp} tcp dport 8042 masquerade
`;

/**
 * lan namespace, output: the SSH connection to the vantage host apart, and the LAN services'
 * replies to the connections the vantage host opened through the box (`replies`), anything that
 * leaves the LAN.
 */
const LAN_COUNTERS = `table inet boxaudit_vantage_lan {
  counter vantage { }
  counter hairpin { }
  counter replies { }
  counter outside { }
  set seen4 { type ipv4_addr . inet_proto . inet_service; flags dynamic; size 64; }
  set seen6 { type ipv6_addr . inet_proto; flags dynamic; size 64; }
  chain out {
    type filter hook output priority 0; policy accept;
    ip daddr ${wanPeerIp} tcp dport 22 counter name vantage accept
    ip daddr ${wanPeerIp} tcp sport { ${PORTS.join(', ')} } counter name replies accept
    ip daddr ${wanIp} counter name hairpin accept
    ip daddr != { ${lanPrefix}, 127.0.0.0/8 } add @seen4 { ip daddr . meta l4proto . th dport } counter name outside
    ip6 daddr != { ::1 } meta l4proto { tcp, udp } add @seen6 { ip6 daddr . meta l4proto } counter name outside
  }
}
`;

/** wan namespace (the vantage host), output: SYNs and data to the box's public ports, and anything else. */
const WAN_COUNTERS = `table inet boxaudit_vantage_wan {
  counter syn { }
  counter data { }
  counter elsewhere { }
  chain out {
    type filter hook output priority 0; policy accept;
    oifname "lo" accept
    ip daddr ${wanIp} tcp dport { ${PORTS.join(', ')} } tcp flags & (syn | ack) == syn counter name syn
    ip daddr ${wanIp} tcp dport { ${PORTS.join(', ')} } ip length > 64 counter name data
    ip daddr != ${wanIp} counter name elsewhere
    ip6 daddr != { ::1 } meta l4proto { tcp, udp } counter name elsewhere
  }
}
`;

interface CheckedForward {
  externalPort: { start: number } | null;
  id: string;
  probe?: { status: string; service: string | null; reason: string | null; facts: Record<string, unknown> };
  reachable?: { fromInternet: boolean | null; method: string; reason: string | null };
}

describeLab('--probe --vantage: a real PACS reached from a real vantage host (issue 13)', {}, (getLab) => {
  let lab: Lab;
  let vantage: LabSshd;
  let knownHosts: string;

  const counters = async (ns: 'lan' | 'wan', table: string): Promise<Record<string, number>> => {
    const r = await lab.exec(ns, ['nft', '-j', 'list', 'counters', 'table', 'inet', table]);
    const out: Record<string, number> = {};
    for (const x of JSON.parse(r.stdout).nftables as Array<{ counter?: { name: string; packets: number } }>) {
      if (x.counter) out[x.counter.name] = x.counter.packets;
    }
    return out;
  };
  const delta = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(Object.keys(b).map((k) => [k, b[k]! - (a[k] ?? 0)]));
  const loadRules = async (ns: 'lan' | 'wan' | 'gw', name: string, rules: string) => {
    const file = join(lab.dir, name);
    writeFileSync(file, rules);
    const r = await lab.exec(ns, ['nft', '-f', file]);
    if (r.code !== 0) throw new Error(`[lab] nft ${name}: ${r.stderr}`);
  };
  const vantageArgs = () => [
    '--vantage',
    `ssh://${vantage.user}@${wanPeerIp}`,
    '--identity',
    vantage.identityFile,
    '--known-hosts',
    knownHosts,
  ];
  // The host's agent (if any) is hidden from the CLI: the key file is what logs in.
  const env = { SSH_AUTH_SOCK: '', BOXAUDIT_LAB_NOTE: 'vantage' };

  beforeAll(async () => {
    lab = getLab();
    vantage = await startLabSshd(lab, {
      ns: 'wan',
      listenAddress: wanPeerIp,
      port: 22,
      extraConfig: ['AllowTcpForwarding yes', 'PermitTTY no', 'X11Forwarding no'],
    });
    knownHosts = join(lab.dir, 'vantage_known_hosts');
    writeFileSync(knownHosts, `${vantage.knownHostsLine}\n`);

    // Orthanc as a practice would leave it: open to the network, no password (the CNIL cases).
    const orthancDir = join(lab.dir, 'orthanc');
    await lab.exec('lan', ['mkdir', '-p', join(orthancDir, 'db')]);
    writeFileSync(
      join(orthancDir, 'config.json'),
      JSON.stringify({
        Name: 'lab-pacs',
        StorageDirectory: join(orthancDir, 'db'),
        IndexDirectory: join(orthancDir, 'db'),
        Plugins: [],
        HttpPort: 8042,
        DicomPort: 104,
        DicomAet: 'ORTHANC',
        RemoteAccessAllowed: true,
        AuthenticationEnabled: false,
      }),
    );
    const orthanc = lab.spawnBackground('lan', ['/usr/sbin/Orthanc', join(orthancDir, 'config.json')]);
    orthanc.stdout?.resume();
    orthanc.stderr?.resume();
    for (let i = 0; ; i++) {
      const echo = await lab.exec('lan', ['echoscu', '-aec', 'ORTHANC', lanIp, '104'], { timeoutMs: 5000 });
      const web = await lab.exec('lan', [
        process.execPath,
        '-e',
        `fetch('http://${lanIp}:8042/app/explorer.html').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
      ]);
      if (echo.code === 0 && web.code === 0) break;
      if (i > 80) throw new Error(`[lab] Orthanc did not start: ${echo.stderr} ${web.stderr}`);
      await new Promise((r) => setTimeout(r, 250));
    }

    await lab.addMapping({ ext: 104, int: 104, proto: 'TCP', desc: 'PACS', lease: 3600 });
    await lab.addMapping({ ext: 8042, int: 8042, proto: 'TCP', desc: 'Orthanc web', lease: 3600 });
    await lab.addMapping({ ext: 3389, int: 3389, proto: 'TCP', desc: 'RDP', lease: 3600 });
    await loadRules('gw', 'box.nft', BOX_RULES);
    await loadRules('lan', 'lan-count.nft', LAN_COUNTERS);
    await loadRules('wan', 'wan-count.nft', WAN_COUNTERS);
  }, 90_000);

  it(
    'confirmed and reachable from the vantage host; a closed port silent and not reachable; counters prove what went where',
    async () => {
      const lanBefore = await counters('lan', 'boxaudit_vantage_lan');
      const wanBefore = await counters('wan', 'boxaudit_vantage_wan');
      const r = await lab.runCli(
        ['audit', '--upnp', lab.descUrl, '--probe', ...vantageArgs(), '--json', '--now', NOW],
        { timeoutMs: 120_000, env },
      );
      const lanAfter = delta(lanBefore, await counters('lan', 'boxaudit_vantage_lan'));
      const wanAfter = delta(wanBefore, await counters('wan', 'boxaudit_vantage_wan'));
      expect(r.code, r.stderr).toBe(1);
      const report = parseJson<ReportJson>(r.stdout, 'audit --probe --vantage --json');
      expect(schemaValidators().report(report)).toBe('');
      const snapshot = report.snapshots[0]! as unknown as {
        forwards: CheckedForward[];
        probes: { vantage: string | null; sentOutside: Array<Record<string, unknown>> };
        warnings: Array<{ code: string }>;
      };
      const at = (ext: number) => snapshot.forwards.find((f) => f.externalPort?.start === ext)!;

      expect(at(104).probe).toMatchObject({
        status: 'confirmed',
        service: 'dicom',
        facts: { associationAccepted: true, echoStatus: 0 },
      });
      expect(at(104).reachable).toEqual({ fromInternet: true, method: 'vantage', reason: 'CONNECTED' });
      expect(at(8042).probe).toMatchObject({ status: 'confirmed', facts: { authRequired: false } });
      expect(at(8042).probe?.facts.products).toContain('orthanc');
      expect(at(8042).reachable).toEqual({ fromInternet: true, method: 'vantage', reason: 'CONNECTED' });
      expect(at(3389).probe).toMatchObject({ status: 'silent', reason: 'CONNECTION_REFUSED' });
      expect(at(3389).reachable).toEqual({ fromInternet: false, method: 'vantage', reason: 'REFUSED' });

      expect(snapshot.probes.vantage).toBe(`root@${wanPeerIp}:22`);
      expect(snapshot.probes.sentOutside).toHaveLength(1);
      expect(snapshot.probes.sentOutside[0]).toMatchObject({
        kind: 'vantage',
        address: wanIp,
        to: `root@${wanPeerIp}:22`,
      });
      expect([...(snapshot.probes.sentOutside[0]!.ports as number[])].sort((a, b) => a - b)).toEqual([
        104, 3389, 8042,
      ]);
      expect(snapshot.warnings.map((w) => w.code)).not.toContain('VANTAGE_FAILED');

      const failing = (ext: number) =>
        report.findings
          .filter((f) => f.forwardId === at(ext).id && f.status === 'fail')
          .map((f) => f.ruleId)
          .sort();
      expect(failing(104)).toEqual(['BOX-MED-001', 'BOX-MED-014']);
      expect(failing(3389)).toEqual(['BOX-RA-001']);
      const summary = report.summary as {
        exposures?: { confirmed: number; inferred: number; stale: number };
        reachability?: Record<string, unknown>;
      };
      const onWeb = failing(8042).length;
      expect(onWeb).toBeGreaterThan(0);
      expect(summary.reachability).toEqual({
        method: 'vantage',
        reachable: 2 + onWeb,
        reachableConfirmed: 2 + onWeb,
        notReachable: 1,
        unknown: 0,
      });
      expect(summary.exposures).toEqual({ confirmed: 2 + onWeb, inferred: 0, stale: 1 });

      // What went where, counted by the kernel.
      const seen = await lab.exec('lan', ['nft', 'list', 'table', 'inet', 'boxaudit_vantage_lan']);
      expect(lanAfter.outside, seen.stdout).toBe(0);
      expect(lanAfter.hairpin).toBe(0);
      expect(lanAfter.vantage).toBeGreaterThan(0);
      // Orthanc's SYN-ACKs and the closed port's RST: the vantage host's connections did reach the LAN host.
      expect(lanAfter.replies).toBeGreaterThanOrEqual(PORTS.length);
      expect(wanAfter.syn).toBe(PORTS.length);
      expect(wanAfter.data).toBe(0);
      expect(wanAfter.elsewhere).toBe(0);
      expect(await lab.miniupnpdAlive()).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'the French text report says what the Internet reaches, and what was sent where',
    async () => {
      const r = await lab.runCli(
        ['audit', '--upnp', lab.descUrl, '--probe', ...vantageArgs(), '--lang', 'fr'],
        {
          timeoutMs: 120_000,
          env,
        },
      );
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toContain(
        `Preuve\u00a0: boxaudit s’est connecté à ${lanIp}:104\u00a0: DICOM a répondu\u00a0: il a accepté une connexion DICOM venant d’un nom d’appelant (titre AE) inventé et répondu à un test de connexion DICOM (C-ECHO)`,
      );
      expect(r.stdout).toContain(`joignable depuis Internet`);
      expect(r.stdout).toMatch(
        /Depuis Internet \(test fait depuis la machine extérieure root@11\.0\.0\.1:22\)\s: \d+ de ces expositions sont joignables/,
      );
      expect(r.stdout).toContain(
        `Envoyé hors du réseau local\u00a0: une connexion SSH vers la machine extérieure root@${wanPeerIp}:22`,
      );
      expect(r.stdout).not.toContain('Rien n’a été envoyé hors du réseau local.');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a vantage host that refuses the key: a warning, every forward unknown, never false',
    async () => {
      const r = await lab.runCli(
        [
          'audit',
          '--upnp',
          lab.descUrl,
          '--probe',
          '--vantage',
          `ssh://${vantage.user}@${wanPeerIp}`,
          '--identity',
          vantage.wrongIdentityFile,
          '--known-hosts',
          knownHosts,
          '--json',
          '--now',
          NOW,
        ],
        { timeoutMs: 120_000, env },
      );
      expect(r.code, r.stderr).toBe(1);
      const report = parseJson<ReportJson>(r.stdout, 'audit --vantage (refused key) --json');
      const snapshot = report.snapshots[0]! as unknown as {
        forwards: CheckedForward[];
        warnings: Array<{ code: string; message: string }>;
      };
      for (const f of snapshot.forwards) {
        expect(f.reachable).toEqual({ fromInternet: null, method: 'vantage', reason: 'VANTAGE_AUTH_FAILED' });
      }
      expect(snapshot.warnings.find((w) => w.code === 'VANTAGE_FAILED')?.message).toContain(
        'authentication failed',
      );
      expect(JSON.stringify(report)).not.toContain('PRIVATE KEY');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '--hairpin: from inside to the public address only; this box does not loop back, so unknown, never false',
    async () => {
      const lanBefore = await counters('lan', 'boxaudit_vantage_lan');
      const wanBefore = await counters('wan', 'boxaudit_vantage_wan');
      const r = await lab.runCli(
        ['audit', '--upnp', lab.descUrl, '--probe', '--hairpin', '--json', '--now', NOW],
        {
          timeoutMs: 120_000,
          env,
        },
      );
      const lanAfter = delta(lanBefore, await counters('lan', 'boxaudit_vantage_lan'));
      const wanAfter = delta(wanBefore, await counters('wan', 'boxaudit_vantage_wan'));
      expect(r.code, r.stderr).toBe(1);
      const report = parseJson<ReportJson>(r.stdout, 'audit --hairpin --json');
      expect(schemaValidators().report(report)).toBe('');
      const snapshot = report.snapshots[0]! as unknown as {
        forwards: CheckedForward[];
        probes: { vantage: string | null; sentOutside: Array<Record<string, unknown>> };
      };
      for (const ext of PORTS) {
        const reachable = snapshot.forwards.find((f) => f.externalPort?.start === ext)?.reachable;
        expect(reachable?.method).toBe('hairpin');
        expect(reachable?.fromInternet).not.toBe(false);
      }
      // miniupnpd's DNAT applies to the WAN interface only: from the LAN, the box itself refuses.
      expect(snapshot.forwards.find((f) => f.externalPort?.start === 104)?.reachable).toEqual({
        fromInternet: null,
        method: 'hairpin',
        reason: 'REFUSED',
      });
      expect(snapshot.probes.vantage).toBeNull();
      expect(snapshot.probes.sentOutside).toEqual([
        expect.objectContaining({ kind: 'hairpin', address: wanIp }),
      ]);
      expect((report.summary as { reachability?: unknown }).reachability).toMatchObject({
        method: 'hairpin',
        reachable: 0,
        notReachable: 0,
      });
      expect(lanAfter.outside).toBe(0);
      expect(lanAfter.vantage).toBe(0);
      expect(lanAfter.hairpin).toBeGreaterThanOrEqual(PORTS.length);
      // Nothing reached the "Internet" side at all.
      expect(wanAfter.syn).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '--hairpin on a box that loops 8042 back (NAT loopback): true for it, weaker evidence, the rest unknown',
    async () => {
      await loadRules('gw', 'loopback.nft', NAT_LOOPBACK);
      const wanBefore = await counters('wan', 'boxaudit_vantage_wan');
      const r = await lab.runCli(
        ['audit', '--upnp', lab.descUrl, '--probe', '--hairpin', '--json', '--now', NOW],
        {
          timeoutMs: 120_000,
          env,
        },
      );
      const wanAfter = delta(wanBefore, await counters('wan', 'boxaudit_vantage_wan'));
      expect(r.code, r.stderr).toBe(1);
      const report = parseJson<ReportJson>(r.stdout, 'audit --hairpin (NAT loopback) --json');
      const forwards = (report.snapshots[0]! as unknown as { forwards: CheckedForward[] }).forwards;
      const at = (ext: number) => forwards.find((f) => f.externalPort?.start === ext)?.reachable;
      expect(at(8042)).toEqual({ fromInternet: true, method: 'hairpin', reason: 'CONNECTED' });
      expect(at(104)).toEqual({ fromInternet: null, method: 'hairpin', reason: 'REFUSED' });
      expect(at(3389)).toEqual({ fromInternet: null, method: 'hairpin', reason: 'REFUSED' });
      expect(wanAfter.syn).toBe(0);
      const text = await lab.runCli(['audit', '--upnp', lab.descUrl, '--probe', '--hairpin'], {
        timeoutMs: 120_000,
        env,
      });
      expect(text.stdout).toContain(
        'the public address answers from inside the network (hairpin test: weaker evidence',
      );
      expect(text.stdout).toContain(
        'Hairpin test from inside the network (weaker evidence than a test from outside)',
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'usage: --vantage needs --probe, and a password in the URL is refused before anything is sent',
    async () => {
      const before = await counters('lan', 'boxaudit_vantage_lan');
      const noProbe = await lab.runCli(['audit', '--upnp', lab.descUrl, ...vantageArgs()], { env });
      expect(noProbe.code).toBe(2);
      expect(noProbe.stderr).toContain('--vantage is part of the probe step: add --probe');
      const password = await lab.runCli(
        ['audit', '--upnp', lab.descUrl, '--probe', '--vantage', `ssh://root:hunter2@${wanPeerIp}`],
        { env },
      );
      expect(password.code).toBe(2);
      expect(password.stderr).toContain('no password in the URL');
      expect(password.stderr).not.toContain('hunter2');
      const after = delta(before, await counters('lan', 'boxaudit_vantage_lan'));
      expect(after.vantage).toBe(0);
      expect(after.outside).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );
});
