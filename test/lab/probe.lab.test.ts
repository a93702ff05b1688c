/**
 * Issue 13's probes on a real box with real peers: miniupnpd in the gw namespace forwards WAN 104
 * to dcmtk's storescp (a real DICOM SCP) on the LAN host, WAN 4450 to LAN 445 where a web server
 * answers instead of SMB, and WAN 3389 to a LAN port where nothing listens. The BUILT CLI runs
 * `boxaudit audit --upnp <descUrl> --probe --json` in the lan namespace like the practice's PC
 * would. An nftables counter in the lan namespace counts every packet that leaves for an address
 * outside the LAN during the audit: it must stay at zero.
 */
import { beforeAll, expect, it } from 'vitest';
import { parseJson, type ReportJson, schemaValidators } from '../cli/helpers.js';
import { LAB_ADDRESSES } from './lab.js';
import { describeLab } from './suite.js';

const NOW = '2026-06-01T12:00:00.000Z';

/** Counts what the lan namespace sends to any address outside the LAN (loopback aside). */
const COUNTER = `table inet boxaudit_probe_count {
  counter outside { }
  chain out {
    type filter hook output priority 0; policy accept;
    ip daddr != { ${LAB_ADDRESSES.lanPrefix}, 127.0.0.0/8 } counter name outside
    ip6 daddr != { ::1 } meta l4proto { tcp, udp } counter name outside
  }
}
`;

interface ProbedForward {
  externalPort: { start: number } | null;
  id: string;
  probe?: { status: string; service: string | null; reason: string | null; facts: Record<string, unknown> };
}

describeLab('--probe against real peers behind the real miniupnpd (issue 13)', {}, (lab) => {
  const outsidePackets = async (): Promise<number> => {
    const r = await lab().exec('lan', [
      'nft',
      '-j',
      'list',
      'counter',
      'inet',
      'boxaudit_probe_count',
      'outside',
    ]);
    const counter = JSON.parse(r.stdout).nftables.find((x: { counter?: unknown }) => x.counter)?.counter;
    return counter.packets as number;
  };

  beforeAll(async () => {
    const l = lab();
    l.spawnBackground('lan', ['storescp', '-aet', 'PACS', '104']);
    l.spawnBackground('lan', [
      process.execPath,
      '-e',
      `require('node:http').createServer((q, r) => r.end('hello')).listen(445, '${LAB_ADDRESSES.lanIp}')`,
    ]);
    // Both peers up (bounded): a real C-ECHO and a TCP connect from the lan namespace.
    for (let i = 0; ; i++) {
      const echo = await l.exec('lan', ['echoscu', '-aec', 'PACS', LAB_ADDRESSES.lanIp, '104'], {
        timeoutMs: 5000,
      });
      const web = await l.exec('lan', [
        process.execPath,
        '-e',
        `fetch('http://${LAB_ADDRESSES.lanIp}:445/').then(() => process.exit(0), () => process.exit(1))`,
      ]);
      if (echo.code === 0 && web.code === 0) break;
      if (i > 40) throw new Error(`[lab] peers did not start: ${echo.stderr} ${web.stderr}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await l.addMapping({ ext: 104, int: 104, proto: 'TCP', desc: 'PACS', lease: 3600 });
    await l.addMapping({ ext: 4450, int: 445, proto: 'TCP', desc: 'NAS', lease: 3600 });
    await l.addMapping({ ext: 3389, int: 3389, proto: 'TCP', desc: 'RDP', lease: 3600 });
    const file = `${l.dir}/count.nft`;
    await l.exec('lan', ['sh', '-c', `cat > ${file}`], { input: COUNTER });
    const loaded = await l.exec('lan', ['nft', '-f', file]);
    if (loaded.code !== 0) throw new Error(`[lab] nft counter: ${loaded.stderr}`);
  }, 60_000);

  it('confirmed, different, silent; the evidence in the findings; not one packet outside the LAN', async () => {
    const before = await outsidePackets();
    const r = await lab().runCli(['audit', '--upnp', lab().descUrl, '--probe', '--json', '--now', NOW], {
      timeoutMs: 90_000,
    });
    const after = await outsidePackets();
    expect(r.code, r.stderr).toBe(1);
    const report = parseJson<ReportJson>(r.stdout, 'audit --probe --json');
    expect(schemaValidators().report(report)).toBe('');
    const forwards = report.snapshots[0]!.forwards as unknown as ProbedForward[];
    const at = (ext: number) => forwards.find((f) => f.externalPort?.start === ext)!;

    expect(at(104).probe).toMatchObject({
      status: 'confirmed',
      service: 'dicom',
      facts: { associationAccepted: true, echoStatus: 0 },
    });
    expect(at(4450).probe).toMatchObject({ status: 'different', service: 'http' });
    expect(at(3389).probe).toMatchObject({ status: 'silent', reason: 'CONNECTION_REFUSED' });

    const failing = (ext: number) =>
      report.findings
        .filter((f) => f.forwardId === at(ext).id && f.status === 'fail')
        .map((f) => `${f.ruleId}:${(f as { confidence?: string }).confidence}`)
        .sort();
    expect(failing(104)).toEqual(['BOX-MED-001:confirmed', 'BOX-MED-014:confirmed']);
    expect(failing(4450)).toEqual(['BOX-WEB-001:confirmed']);
    expect(failing(3389)).toEqual(['BOX-RA-001:high']);
    expect((report.summary as { exposures?: unknown }).exposures).toEqual({
      confirmed: 3,
      inferred: 0,
      stale: 1,
    });

    expect(after - before).toBe(0);
    expect(await lab().miniupnpdAlive()).toBe(true);
  });

  it('the French text report shows the evidence and the split summary', async () => {
    const r = await lab().runCli(['audit', '--upnp', lab().descUrl, '--probe', '--lang', 'fr'], {
      timeoutMs: 90_000,
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(
      `Preuve\u00a0: boxaudit s’est connecté à ${LAB_ADDRESSES.lanIp}:104\u00a0: DICOM a répondu\u00a0: il a accepté une connexion DICOM venant d’un nom d’appelant (titre AE) inventé et répondu à un test de connexion DICOM (C-ECHO)`,
    );
    expect(r.stdout).toContain(
      '3 confirmées par une sonde, 0 déduite du numéro de port ou du libellé, 1 où rien ne répond',
    );
    expect(r.stdout).toContain('Rien n’a été envoyé hors du réseau local.');
  });
});
