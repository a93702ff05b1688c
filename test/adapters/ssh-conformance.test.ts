/**
 * Conformance of the SSH adapters: complete meta, non-empty allowlists, every command sent is on the
 * allowlist (a fake exec layer records what would really be sent), the guard refuses anything else
 * before sending, and the connection is always closed.
 */
import { describe, expect, it } from 'vitest';
import { edgeosAdapter } from '../../src/adapters/edgeos.js';
import { linuxAdapter } from '../../src/adapters/linux.js';
import { openwrtAdapter } from '../../src/adapters/openwrt.js';
import { opnsenseAdapter } from '../../src/adapters/opnsense.js';
import { pfsenseAdapter } from '../../src/adapters/pfsense.js';
import { routerosAdapter } from '../../src/adapters/routeros.js';
import { withSshSession } from '../../src/adapters/ssh-skeleton.js';
import type { Adapter } from '../../src/adapters/types.js';
import { vyosAdapter } from '../../src/adapters/vyos.js';
import { isBoxauditError } from '../../src/errors.js';
import type { CommandResult, SshConnection, SshConnector } from '../../src/transport/ssh.js';
import { guardedSession } from '../../src/transport/ssh.js';
import { fixture } from './helpers.js';

/** Canned router answers, per adapter and command (unknown commands fail like a missing binary would). */
const ANSWERS: Record<string, Record<string, string>> = {
  linux: { 'nft -j list ruleset': fixture('linux/nft-lab-capture.json') },
  openwrt: { 'uci show firewall': fixture('openwrt/uci-show.txt') },
  routeros: {
    '/ip firewall nat export terse': fixture('routeros/export.rsc'),
    '/ip firewall nat print detail without-paging': fixture('routeros/nat-print-detail.txt'),
    '/ip upnp print': fixture('routeros/upnp-print.txt'),
    '/ip service print detail without-paging': fixture('routeros/service-print-detail.txt'),
  },
  edgeos: { 'show configuration commands': fixture('edgeos/show-configuration-commands.txt') },
  vyos: { '/opt/vyatta/bin/vyatta-op-cmd-wrapper show configuration commands': fixture('vyos/vyos-1.4.txt') },
  pfsense: { 'cat /cf/conf/config.xml': fixture('pfsense/config.xml') },
  opnsense: { 'cat /conf/config.xml': fixture('opnsense/config.xml') },
};

function fakeConnector(answers: Record<string, string>) {
  const sent: string[] = [];
  const state = { opened: 0, closed: 0 };
  const connector: SshConnector = async () => {
    state.opened++;
    const connection: SshConnection = {
      async exec(command): Promise<CommandResult> {
        sent.push(command);
        const out = answers[command];
        return out === undefined
          ? { command, stdout: '', stderr: `${command.split(' ')[0]}: not found`, exitCode: 127 }
          : { command, stdout: out, stderr: '', exitCode: 0 };
      },
      close() {
        state.closed++;
      },
    };
    return connection;
  };
  return { connector, sent, state };
}

const adapters: Adapter[] = [
  linuxAdapter,
  openwrtAdapter,
  routerosAdapter,
  edgeosAdapter,
  vyosAdapter,
  pfsenseAdapter,
  opnsenseAdapter,
];

describe.each(adapters.map((a) => [a.meta.id, a] as const))('SSH adapter %s', (id, adapter) => {
  it('has complete meta and a non-empty allowlist of exact, read-only command strings', () => {
    const m = adapter.meta;
    expect(m.id).toBe(id);
    expect(m.name.length).toBeGreaterThan(3);
    expect(m.transports).toContain('ssh');
    expect(m.capabilities.length).toBeGreaterThan(0);
    expect(m.credentials).toContainEqual({ anyOf: ['username'] });
    expect(m.allowlist.length).toBeGreaterThan(0);
    for (const command of m.allowlist) {
      expect(command).toBe(command.trim());
      // No shell plumbing that could chain a second command, and no verb that changes anything.
      expect(command).not.toMatch(/[;&|`$<>\n]/);
      expect(command).not.toMatch(
        /\b(set|add|remove|delete|commit|reboot|rm|mv|tee|uci (set|commit|delete))\b/,
      );
    }
  });

  it('sends only allowlisted commands in collect(), returns a vendor snapshot, and closes', async () => {
    const fake = fakeConnector(ANSWERS[id]!);
    const snap = await adapter.collect(
      {
        host: '192.0.2.1',
        port: 2222,
        credentials: { username: 'audit' },
        options: { connector: fake.connector },
      },
      {},
    );
    expect(fake.sent.length).toBeGreaterThan(0);
    for (const command of fake.sent) expect(adapter.meta.allowlist).toContain(command);
    expect(snap.target).toEqual({ kind: 'vendor', address: '192.0.2.1:2222', adapter: id });
    expect(snap.forwards.length).toBeGreaterThan(0);
    expect(snap.forwards.every((f) => f.provenance.transport === 'ssh' && f.provenance.adapter === id)).toBe(
      true,
    );
    expect(fake.state).toEqual({ opened: 1, closed: 1 });
  });
});

describe('SSH allowlist guard', () => {
  it('refuses a command not on the list with BOXAUDIT_NOT_ALLOWED, before sending anything', async () => {
    const fake = fakeConnector({});
    const connection = await fake.connector(
      { adapter: 'linux', host: 'h', port: 22, username: 'u', hostKeys: {} },
      { signal: new AbortController().signal },
    );
    const session = guardedSession('linux', linuxAdapter.meta.allowlist, connection, {});
    for (const command of ['nft flush ruleset', 'nft -j list ruleset; reboot', ' nft -j list ruleset']) {
      try {
        await session.run(command);
        expect.unreachable();
      } catch (err) {
        expect(isBoxauditError(err, 'BOXAUDIT_NOT_ALLOWED')).toBe(true);
        expect((err as Error).message).toContain('not on the linux read-only allowlist');
      }
    }
    expect(fake.sent).toEqual([]);
  });

  it('closes the connection when the work fails', async () => {
    const fake = fakeConnector({});
    await expect(
      withSshSession(
        'linux',
        ['nft -j list ruleset'],
        { host: 'h', credentials: { username: 'u' }, options: { connector: fake.connector } },
        {},
        async () => {
          throw new Error('boom');
        },
      ),
    ).rejects.toThrow('boom');
    expect(fake.state).toEqual({ opened: 1, closed: 1 });
  });

  it('turns a slow command into BOXAUDIT_TIMEOUT naming the command', async () => {
    const connection: SshConnection = {
      exec: (_command, { signal }) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      close() {},
    };
    const session = guardedSession('linux', ['nft -j list ruleset'], connection, { timeoutMs: 50 });
    await expect(session.run('nft -j list ruleset')).rejects.toMatchObject({
      code: 'BOXAUDIT_TIMEOUT',
      message: expect.stringContaining('"nft -j list ruleset" timed out after 50 ms'),
    });
  });

  it('needs a host and a user name', async () => {
    await expect(linuxAdapter.collect({ credentials: { username: 'u' } }, {})).rejects.toMatchObject({
      code: 'BOXAUDIT_USAGE',
    });
    await expect(linuxAdapter.collect({ host: 'h' }, {})).rejects.toMatchObject({ code: 'BOXAUDIT_USAGE' });
  });
});
