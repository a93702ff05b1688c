/**
 * The lab itself, with no boxaudit code: a real miniupnpd in the gw namespace takes a mapping from
 * the real upnpc in the lan namespace, lists it, holds it as an nftables DNAT rule, and teardown
 * removes every namespace it made.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeLab } from './suite.js';

function namespaces(): string[] {
  return execFileSync('ip', ['netns', 'list'])
    .toString()
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter(Boolean);
}

describeLab('lab smoke: miniupnpd + upnpc + nftables in namespaces', {}, (lab) => {
  it('adds a mapping with upnpc, lists it and holds it as a DNAT rule', async () => {
    await lab().addMapping({ ext: 10104, int: 104, proto: 'TCP', desc: 'smoke PACS', lease: 3600 });

    const list = await lab().upnpcList();
    expect(list).toContain('ExternalIPAddress = 11.0.0.2');
    expect(list).toMatch(/TCP\s+10104->10\.77\.0\.10:104\s+'smoke PACS' '' \d+/);

    const chain = await lab().exec('gw', ['nft', 'list', 'chain', 'inet', 'filter', 'prerouting_miniupnpd']);
    expect(chain.code).toBe(0);
    expect(chain.stdout).toMatch(/iif "gww0" .*th dport 10104 dnat ip to 10\.77\.0\.10:104/);
  });

  it('keeps traffic inside its namespaces: the lan reaches the gateway, the host has no lab address', async () => {
    const fromLan = await lab().exec('lan', ['ip', 'route', 'get', '10.77.0.1']);
    expect(fromLan.stdout).toContain('dev lan0');
    const hostAddresses = execFileSync('ip', ['-brief', 'addr']).toString();
    expect(hostAddresses).not.toContain('10.77.0.');
    expect(hostAddresses).not.toContain('11.0.0.');
  });

  it('tears down everything it made, and a second teardown is harmless', async () => {
    const { ns, dir } = lab();
    expect(namespaces()).toEqual(expect.arrayContaining(Object.values(ns)));
    await lab().teardown();
    await lab().teardown();
    const left = namespaces();
    for (const name of Object.values(ns)) {
      expect(left).not.toContain(name);
      expect(existsSync(`/etc/netns/${name}`)).toBe(false);
    }
    expect(existsSync(dir)).toBe(false);
  });
});
