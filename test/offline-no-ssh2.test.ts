/**
 * `--from` and the RouterOS REST adapter never load ssh2 (issue 12): the export parsers live in
 * formats/, and neither the offline import nor routeros-rest reaches the SSH transport (checked on the
 * module graph: every static import that Node runs, `import type` excluded). The SSH transport loads
 * ssh2 on the first connection only. ssh2 is replaced by a factory that records whether anything
 * imported it; the last test is the control that the spy does see a load.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
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
    // The REST adapter shares RouterOS's item code (formats/routeros.ts); loading it loads no ssh2.
    await import('../src/adapters/routeros-rest.js');
    // Nor does loading an SSH adapter and the transport: ssh2 waits for the first connection.
    await import('../src/adapters/routeros.js');
    await import('../src/transport/ssh.js');
    expect(seen.ssh2).toBe(0);
  });

  it.each(['import.ts', 'adapters/routeros-rest.ts'])(
    'src/%s does not reach the SSH transport nor an SSH adapter (static module graph)',
    (entry) => {
      const reached = moduleGraph(entry);
      expect(reached.length).toBeGreaterThan(5); // the walk works
      expect(reached).toContain('formats/config-parts.ts');
      const ssh = reached.filter((f) =>
        /^(transport\/ssh|adapters\/(ssh-skeleton|linux|openwrt|routeros|edgeos|vyos|pfsense|opnsense))\.ts$/.test(
          f,
        ),
      );
      expect(ssh).toEqual([]);
    },
  );

  it('loads ssh2 when an SSH connection needs it (the spy works)', async () => {
    const { loadSsh2 } = await import('../src/transport/ssh.js');
    await loadSsh2();
    expect(seen.ssh2).toBe(1);
  });
});

const SRC = new URL('../src/', import.meta.url).pathname;

/**
 * The src/ files (relative paths) that loading `entry` loads: static `import … from`, `export … from`
 * and `import '…'` of local modules, followed transitively. `import type`/`export type` are erased by
 * TypeScript (verbatimModuleSyntax) and dynamic `import()` waits until called, so neither counts.
 */
function moduleGraph(entry: string): string[] {
  const seenFiles = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    const text = readFileSync(join(SRC, file), 'utf8');
    for (const m of text.matchAll(/^(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'(\.[^']+)'/gm)) {
      if (m[2] !== undefined) continue;
      const target = normalize(join(dirname(file), m[3]!))
        .split('\\')
        .join('/')
        .replace(/\.js$/, '.ts');
      if (target.startsWith('..') || !target.endsWith('.ts') || seenFiles.has(target)) continue;
      seenFiles.add(target);
      queue.push(target);
    }
  }
  return [...seenFiles].sort();
}
