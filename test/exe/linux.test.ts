/**
 * exe/boxaudit-linux-x64 run with no Node.js at all: an empty environment whose PATH leads nowhere
 * (`env -i PATH=/nonexistent`), as on a machine where Node was never installed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startNftSshBox } from '../sim/nft-ssh-box.js';
import { EXE_DIR, lastLine, missing, REPO_ROOT, run, STATUS_LINE, sha256, VERSION } from './helpers.js';

const EXE = join(EXE_DIR, 'boxaudit-linux-x64');
const NO_NODE = { PATH: '/nonexistent' };
const skip = process.platform !== 'linux' ? 'not Linux' : missing(EXE);

describe.skipIf(skip !== null)(`the Linux program without Node${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('its SHA-256 is the one written beside it and in SHA256SUMS', () => {
    const sum = sha256(EXE);
    expect(readFileSync(`${EXE}.sha256`, 'utf8')).toBe(`${sum}  boxaudit-linux-x64\n`);
    expect(readFileSync(join(EXE_DIR, 'SHA256SUMS'), 'utf8')).toContain(`${sum}  boxaudit-linux-x64\n`);
  });

  it('--version prints the package version', async () => {
    const r = await run([EXE, '--version'], NO_NODE);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${VERSION}\n`);
    expect(r.stderr).toBe('');
  });

  it('demo runs the whole audit on its loopback box and ends with the status line', async () => {
    const r = await run([EXE, 'demo'], NO_NODE);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('[BOX-MED-001]');
    expect(lastLine(r.stdout)).toMatch(STATUS_LINE);
    // No warning from Node about experimental features or a missing add-on.
    expect(r.stderr).not.toMatch(/ExperimentalWarning|single executable|\.node/i);
  });

  it('demo --lang fr is French', async () => {
    const r = await run([EXE, 'demo', '--lang', 'fr'], NO_NODE);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('critique');
  });

  it('--from a saved dump audits the file', async () => {
    const file = join(REPO_ROOT, 'test/fixtures/configs/dump/dump.json');
    const r = await run([EXE, 'audit', '--from', file, '--json'], NO_NODE);
    expect([0, 1], r.stderr).toContain(r.code);
    const report = JSON.parse(r.stdout) as { tool: { version: string }; summary: { exitCode: number } };
    expect(report.tool.version).toBe(VERSION);
    expect(report.summary.exitCode).toBe(r.code);
  });

  it('reads a Linux router over SSH with ssh2’s pure-JavaScript path (ChaCha20-Poly1305, no add-on)', async () => {
    // chacha20-poly1305: ssh2's WebAssembly Poly1305, the path with no native add-on.
    const box = await startNftSshBox({ cipher: 'chacha20-poly1305@openssh.com', password: 'exe-test' });
    try {
      const r = await run(
        [
          EXE,
          'dump',
          '--vendor',
          'linux',
          '--host',
          '127.0.0.1',
          '--port',
          String(box.port),
          '--user',
          'audit',
          '--host-key',
          box.fingerprint,
          '--json',
        ],
        { ...NO_NODE, BOXAUDIT_PASSWORD: 'exe-test' },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(box.sent).toEqual(['nft -j list ruleset']);
      const dump = JSON.parse(r.stdout) as { snapshots: Array<{ forwards: unknown[] }> };
      expect(dump.snapshots[0]!.forwards.length).toBeGreaterThan(0);
      expect(r.stdout).not.toContain('exe-test');
    } finally {
      await box.close();
    }
  });
});
