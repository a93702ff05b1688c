/**
 * `boxaudit fix` against the real miniupnpd (nftables backend) in the lab, with the built CLI run
 * in the lan namespace: the flagged mappings are removed (upnpc -l and the nft ruleset agree), every
 * other mapping stays, and `audit` alone changes nothing on the box.
 */
import { expect, it } from 'vitest';
import { LAB_ADDRESSES } from './lab.js';
import { describeLab } from './suite.js';

/** `TCP 104` for each mapping `upnpc -l` lists (` 0 TCP   104->10.77.0.10:104  'PACS' …`). */
function listed(upnpcList: string): string[] {
  return [...upnpcList.matchAll(/^\s*\d+\s+(TCP|UDP)\s+(\d+)->/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
}

/**
 * External ports with a DNAT rule in miniupnpd's chain. miniupnpd 2.3 writes the protocol as the IP
 * header byte: `iif "gww0" @nh,72,8 0x6 th dport 104 dnat ip to 10.77.0.10:104` (0x6 TCP, 0x11 UDP).
 */
function dnatPorts(ruleset: string): string[] {
  const chain = ruleset.match(/chain prerouting_miniupnpd \{([^}]*)\}/)?.[1] ?? '';
  const names: Record<string, string> = { '0x6': 'TCP', '0x11': 'UDP' };
  return [...chain.matchAll(/@nh,72,8 (0x[0-9a-f]+) th dport (\d+) dnat/g)]
    .map((m) => `${names[m[1]!] ?? m[1]} ${m[2]}`)
    .sort();
}

describeLab('boxaudit fix against the real miniupnpd', {}, (lab) => {
  const all = ['TCP 104', 'TCP 3389', 'TCP 443', 'UDP 3074'];

  it('audit alone changes nothing; fix without --yes and without a terminal refuses and changes nothing', async () => {
    await lab().addMapping({ ext: 104, int: 104, proto: 'TCP', desc: 'PACS' });
    await lab().addMapping({ ext: 3389, int: 3389, proto: 'TCP', desc: 'RDP', client: '10.77.0.11' });
    await lab().addMapping({ ext: 443, int: 443, proto: 'TCP', desc: 'website', lease: 3600 });
    await lab().addMapping({ ext: 3074, int: 3074, proto: 'UDP', desc: 'Xbox' });
    const rulesBefore = await lab().nftRuleset();
    expect(listed(await lab().upnpcList())).toEqual(all);
    expect(dnatPorts(rulesBefore)).toEqual(all);

    const audit = await lab().runCli(['audit', '--upnp', lab().descUrl, '--json']);
    expect(audit.code, audit.stderr).toBe(1);
    const refused = await lab().runCli(['fix', '--upnp', lab().descUrl]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');

    expect(await lab().nftRuleset()).toBe(rulesBefore);
    expect(listed(await lab().upnpcList())).toEqual(all);
  });

  it('fix --yes removes the DICOM and RDP mappings only; upnpc -l and nft agree; the new report is clean', async () => {
    const fix = await lab().runCli(['fix', '--gateway', LAB_ADDRESSES.gwLanIp, '--yes', '--json']);
    expect(fix.stderr).toContain('removed: TCP 104 → 10.77.0.10:104 "PACS"');
    expect(fix.stderr).toContain('removed: TCP 3389 → 10.77.0.11:3389 "RDP"');
    expect(fix.stderr).toContain('2 of 2 mappings removed.');
    const report = JSON.parse(fix.stdout) as {
      snapshots: Array<{ forwards: Array<{ protocol: string; externalPort: { start: number } }> }>;
      summary: { exitCode: number };
    };
    const left = report.snapshots[0]!.forwards.map(
      (f) => `${f.protocol.toUpperCase()} ${f.externalPort.start}`,
    );
    expect(left.sort()).toEqual(['TCP 443', 'UDP 3074']);
    expect(fix.code, fix.stderr).toBe(report.summary.exitCode);

    expect(listed(await lab().upnpcList())).toEqual(['TCP 443', 'UDP 3074']);
    expect(dnatPorts(await lab().nftRuleset())).toEqual(['TCP 443', 'UDP 3074']);
    expect(await lab().miniupnpdAlive()).toBe(true);
  });

  it('fix --yes --forward ID removes that one mapping', async () => {
    const dump = await lab().runCli(['dump', '--upnp', lab().descUrl, '--json']);
    const forwards = (
      JSON.parse(dump.stdout) as {
        snapshots: Array<{ forwards: Array<{ id: string; externalPort: { start: number } }> }>;
      }
    ).snapshots[0]!.forwards;
    const xbox = forwards.find((f) => f.externalPort.start === 3074)!;
    const fix = await lab().runCli([
      'fix',
      '--upnp',
      lab().descUrl,
      '--yes',
      '--forward',
      xbox.id,
      '--lang',
      'fr',
    ]);
    expect(fix.stderr).toContain('supprimée\u00a0: UDP 3074 → 10.77.0.10:3074 "Xbox"');
    expect(listed(await lab().upnpcList())).toEqual(['TCP 443']);
    expect(dnatPorts(await lab().nftRuleset())).toEqual(['TCP 443']);
  });
});
