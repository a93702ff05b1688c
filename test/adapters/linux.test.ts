/** The `linux` SSH adapter: which commands it sends and how it falls back (its parser: test/formats/linux-ruleset.test.ts). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../fixtures/configs/linux/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');

describe('linux: collect() falls back to iptables-save when nft is missing', () => {
  it('reads iptables-save and says why', async () => {
    const { linuxAdapter } = await import('../../src/adapters/linux.js');
    const sent: string[] = [];
    const connector = async () => ({
      async exec(command: string) {
        sent.push(command);
        return command === 'iptables-save -t nat'
          ? { command, stdout: read('iptables-save-nat.txt'), stderr: '', exitCode: 0 }
          : { command, stdout: '', stderr: 'bash: nft: command not found', exitCode: 127 };
      },
      close() {},
    });
    const snap = await linuxAdapter.collect(
      { host: '192.0.2.1', credentials: { username: 'root' }, options: { connector } },
      {},
    );
    expect(sent).toEqual(['nft -j list ruleset', 'iptables-save -t nat']);
    expect(snap.forwards).toHaveLength(6);
    expect(snap.warnings.map((w) => w.code)).toContain('LINUX_NFT_UNAVAILABLE');
    expect(snap.warnings.find((w) => w.code === 'LINUX_NFT_UNAVAILABLE')?.message).toContain(
      'nft: command not found',
    );
  });

  it('fails clearly when neither works (no privileges)', async () => {
    const { linuxAdapter } = await import('../../src/adapters/linux.js');
    const connector = async () => ({
      async exec(command: string) {
        return { command, stdout: '', stderr: 'Operation not permitted', exitCode: 1 };
      },
      close() {},
    });
    await expect(
      linuxAdapter.collect({ host: '192.0.2.1', credentials: { username: 'u' }, options: { connector } }, {}),
    ).rejects.toMatchObject({
      code: 'BOXAUDIT_PROTOCOL_ERROR',
      message: expect.stringContaining('CAP_NET_ADMIN'),
    });
  });
});
