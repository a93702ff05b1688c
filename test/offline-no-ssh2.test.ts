/**
 * `--from` never loads ssh2 (issue 12): the export parsers still live in the SSH adapters' files,
 * so the SSH transport loads ssh2 on the first connection only. ssh2 is replaced by a factory that
 * records whether anything imported it; the last test is the control that the spy does see a load.
 */
import { describe, expect, it, vi } from 'vitest';

const seen = vi.hoisted(() => ({ ssh2: 0 }));
vi.mock('ssh2', () => {
  seen.ssh2++;
  return { default: { Client: class {}, utils: { parseKey: () => new Error('not in this test') } } };
});

const CONFIGS = 'test/fixtures/configs';
const EXPORTS = [
  'routeros/export.rsc',
  'openwrt/uci-show.txt',
  'edgeos/show-configuration-commands.txt',
  'vyos/vyos-1.4.txt',
  'linux/iptables-save-nat.txt',
  'linux/nft-lab-capture.json',
  'pfsense/config.xml',
  'opnsense/config.xml',
  'dump/dump.json',
];

describe('the offline import path', () => {
  it('reads every export family without loading ssh2', async () => {
    // The file loader itself (what collect({ file }) calls): no network path at all.
    const { loadSnapshotsFromFile } = await import('../src/import.js');
    for (const file of EXPORTS) {
      const snapshots = await loadSnapshotsFromFile(`${CONFIGS}/${file}`);
      expect(snapshots.length, file).toBeGreaterThan(0);
    }
    // The adapters that hold the parsers are loaded too (and with them the SSH transport).
    await import('../src/adapters/routeros.js');
    await import('../src/transport/ssh.js');
    expect(seen.ssh2).toBe(0);
  });

  it('loads ssh2 when an SSH connection needs it (the spy works)', async () => {
    const { loadSsh2 } = await import('../src/transport/ssh.js');
    await loadSsh2();
    expect(seen.ssh2).toBe(1);
  });
});
