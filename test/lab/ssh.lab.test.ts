/**
 * The `linux` adapter over a real OpenSSH sshd in the lab's gw namespace, run from the lan namespace.
 * The box holds real miniupnpd mappings (added with upnpc) next to static DNAT rules added with nft;
 * the audit must report both kinds, refuse a wrong host key and a wrong user key clearly, and leave the
 * box's ruleset byte-identical.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { CollectTarget } from '../../src/adapters/types.js';
import type { Snapshot } from '../../src/model/types.js';
import type { Lab } from './lab.js';
import { type LabSshd, startLabSshd } from './sshd.js';
import { describeLab } from './suite.js';

const LINUX = 'src/adapters/linux.ts';

const STATIC_RULES = `table ip static_fwd {
  chain prerouting {
    type nat hook prerouting priority -90; policy accept;
    iifname "gww0" tcp dport 104 dnat to 10.77.0.20:104 comment "PACS"
    iifname "gww0" ip saddr 203.0.113.7 tcp dport 8443 dnat to 10.77.0.30:443 comment "NAS admin"
    iifname "gww0" udp dport 5000-5010 dnat to 10.77.0.40
  }
}
`;

describeLab('linux adapter over SSH (real sshd, nft, miniupnpd)', {}, (getLab) => {
  let lab: Lab;
  let sshd: LabSshd;

  const target = (options: Record<string, unknown>, identityFile = sshd.identityFile): CollectTarget => ({
    host: sshd.host,
    port: sshd.port,
    credentials: { username: sshd.user },
    options: { identityFile, ...options },
  });
  const collect = (t: CollectTarget) =>
    lab.runNode(LINUX, 'collectLinux', [t, { timeoutMs: 10_000 }], {
      timeoutMs: 60_000,
    }) as Promise<Snapshot>;

  beforeAll(async () => {
    lab = getLab();
    sshd = await startLabSshd(lab);
    await lab.addMapping({ ext: 11112, int: 11112, proto: 'TCP', desc: 'DICOM SCP' });
    await lab.addMapping({ ext: 3479, int: 3478, proto: 'UDP', client: '10.77.0.11', desc: 'Console' });
    const file = join(lab.dir, 'static.nft');
    writeFileSync(file, STATIC_RULES);
    const r = await lab.exec('gw', ['nft', '-f', file]);
    if (r.code !== 0) throw new Error(`nft -f failed: ${r.stderr}`);
  }, 60_000);

  it('reports the UPnP mappings and the static DNAT rules with the right ports, hosts and sources; box unchanged', async () => {
    const before = await lab.nftRuleset();
    const snap = await collect(target({ hostKey: sshd.hostFingerprint }));
    const after = await lab.nftRuleset();
    expect(after).toBe(before);

    expect(snap.target).toEqual({ kind: 'vendor', address: `${sshd.host}:${sshd.port}`, adapter: 'linux' });
    const view = snap.forwards.map((f) => [
      f.source,
      f.protocol,
      f.externalPort,
      f.internalHost,
      f.internalPort,
      f.remoteHost,
      f.description,
    ]);
    const p = (start: number, end = start) => ({ start, end });
    expect(view).toEqual(
      expect.arrayContaining([
        ['upnp', 'tcp', p(11112), '10.77.0.10', p(11112), null, null],
        ['upnp', 'udp', p(3479), '10.77.0.11', p(3478), null, null],
        ['static', 'tcp', p(104), '10.77.0.20', p(104), null, 'PACS'],
        ['static', 'tcp', p(8443), '10.77.0.30', p(443), '203.0.113.7', 'NAS admin'],
        ['static', 'udp', p(5000, 5010), '10.77.0.40', p(5000, 5010), null, null],
      ]),
    );
    expect(snap.forwards).toHaveLength(5);
    expect(snap.forwards.every((f) => f.provenance.transport === 'ssh')).toBe(true);
    expect(snap.upnp).toEqual({ enabled: true, mappingCount: 2, igdVersion: null });
    // The lab's ruleset has no masquerade rule naming the WAN: the gww0-bound DNAT rules are kept, and said so.
    expect(snap.warnings.map((w) => w.code)).toEqual(['LINUX_WAN_UNKNOWN']);
  });

  it('accepts the host through a hashed known_hosts file too', async () => {
    const file = join(lab.dir, 'known_hosts');
    writeFileSync(file, `${sshd.knownHostsLine}\n`);
    await lab.exec('gw', ['ssh-keygen', '-q', '-H', '-f', file]);
    const snap = await collect(target({ knownHostsFile: file }));
    expect(snap.forwards).toHaveLength(5);
  });

  it('a host known only by its RSA key is asked for that key, not reported as changed', async () => {
    const snap = await collect(target({ knownHosts: `${sshd.rsaKnownHostsLine}\n` }));
    expect(snap.forwards).toHaveLength(5);
  });

  it('refuses a pinned host key that does not match: BOXAUDIT_HOST_KEY naming both fingerprints', async () => {
    const before = await lab.nftRuleset();
    const err = await collect(target({ hostKey: sshd.otherHostFingerprint })).then(
      () => null,
      (e: unknown) => e as { code?: string; message: string },
    );
    expect(err?.code).toBe('BOXAUDIT_HOST_KEY');
    expect(err?.message).toContain('host key');
    expect(err?.message).toContain(sshd.otherHostFingerprint);
    expect(err?.message).toContain(sshd.hostFingerprint);
    expect(await lab.nftRuleset()).toBe(before);
  });

  it('refuses an unknown host without --trust-on-first-use, and accepts it with', async () => {
    const empty = join(lab.dir, 'empty_known_hosts');
    writeFileSync(empty, '');
    const err = await collect(target({ knownHostsFile: empty })).then(
      () => null,
      (e: unknown) => e as { code?: string; message: string },
    );
    expect(err?.code).toBe('BOXAUDIT_HOST_KEY');
    expect(err?.message).toContain(sshd.hostFingerprint);
    const snap = await collect(target({ knownHostsFile: empty, trustOnFirstUse: true }));
    expect(snap.forwards).toHaveLength(5);
  });

  it('a user key the router does not accept gives BOXAUDIT_AUTH_FAILED', async () => {
    const err = await collect(target({ hostKey: sshd.hostFingerprint }, sshd.wrongIdentityFile)).then(
      () => null,
      (e: unknown) => e as { code?: string; message: string },
    );
    expect(err?.code).toBe('BOXAUDIT_AUTH_FAILED');
    expect(err?.message).toMatch(/^\[linux\] ssh 10\.77\.0\.1:2222: authentication failed for user root/);
    expect(err?.message).not.toContain('PRIVATE KEY');
  });

  it('reads with a passphrase-protected key; a wrong passphrase is a clear AUTH_FAILED that does not echo it', async () => {
    const t = target({ hostKey: sshd.hostFingerprint }, sshd.encryptedIdentityFile);
    const snap = await collect({ ...t, credentials: { username: sshd.user, passphrase: sshd.passphrase } });
    expect(snap.forwards).toHaveLength(5);
    const err = await collect({
      ...t,
      credentials: { username: sshd.user, passphrase: 'wrong-passphrase-xyz' },
    }).then(
      () => null,
      (e: unknown) => e as { code?: string; message: string },
    );
    expect(err?.code).toBe('BOXAUDIT_AUTH_FAILED');
    expect(err?.message).toContain('passphrase is missing or wrong');
    expect(err?.message).not.toContain('wrong-passphrase-xyz');
  });

  it('a refused password is AUTH_FAILED and the password appears nowhere in the error', async () => {
    const t: CollectTarget = {
      host: sshd.host,
      port: sshd.port,
      credentials: { username: sshd.user, password: 'hunter2-do-not-print' },
      options: { hostKey: sshd.hostFingerprint },
    };
    const err = await collect(t).then(
      () => null,
      (e: unknown) => e as { code?: string; message: string; details?: unknown },
    );
    expect(err?.code).toBe('BOXAUDIT_AUTH_FAILED');
    expect(JSON.stringify(err)).not.toContain('hunter2');
  });

  it('caps the output size: BOXAUDIT_TOO_LARGE, connection closed, box unchanged', async () => {
    const before = await lab.nftRuleset();
    const err = await collect(target({ hostKey: sshd.hostFingerprint, maxOutputBytes: 200 })).then(
      () => null,
      (e: unknown) => e as { code?: string; message: string },
    );
    expect(err?.code).toBe('BOXAUDIT_TOO_LARGE');
    expect(err?.message).toContain('"nft -j list ruleset": output exceeds 200 bytes');
    expect(await lab.nftRuleset()).toBe(before);
  });

  it('authenticates through an SSH agent (socket path), the key never handed to boxaudit', async () => {
    const sock = join(lab.dir, 'agent.sock');
    const agent = lab.spawnBackground('gw', ['ssh-agent', '-D', '-a', sock]);
    agent.stdout?.resume();
    agent.stderr?.resume();
    lab.onTeardown(() => {
      if (agent.exitCode === null) agent.kill('SIGTERM');
    });
    let added = { code: -1, stderr: '' };
    for (let i = 0; i < 50 && added.code !== 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      added = await lab.exec('gw', ['ssh-add', sshd.identityFile], { env: { SSH_AUTH_SOCK: sock } });
    }
    expect(added.code).toBe(0);
    const snap = await collect({
      host: sshd.host,
      port: sshd.port,
      credentials: { username: sshd.user, agent: sock },
      options: { hostKey: sshd.hostFingerprint },
    });
    expect(snap.forwards).toHaveLength(5);
    agent.kill('SIGTERM');
  });
});
