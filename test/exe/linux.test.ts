/**
 * exe/boxaudit-linux-x64 run with no Node.js at all: an empty environment whose PATH leads nowhere
 * (`env -i PATH=/nonexistent`), as on a machine where Node was never installed.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
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
    const box = await sshBox();
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

/** A loopback SSH server offering only chacha20-poly1305 (ssh2's WebAssembly Poly1305) that answers `nft -j list ruleset`. */
async function sshBox() {
  const nft = readFileSync(join(REPO_ROOT, 'test/fixtures/configs/linux/nft-lab-capture.json'));
  // ssh2's ed25519 generator writes about 1 key in 200 that its own parser rejects: retry.
  let key = ssh2.utils.generateKeyPairSync('ed25519');
  for (let i = 0; i < 20 && ssh2.utils.parseKey(key.private) instanceof Error; i++) {
    key = ssh2.utils.generateKeyPairSync('ed25519');
  }
  const blob = Buffer.from(key.public.split(' ')[1]!, 'base64');
  const { createHash } = await import('node:crypto');
  const fingerprint = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
  const sent: string[] = [];
  const server = new ssh2.Server(
    { hostKeys: [key.private], algorithms: { cipher: ['chacha20-poly1305@openssh.com'] } },
    (client) => {
      client.on('authentication', (ctx) => {
        if (ctx.method === 'password' && ctx.username === 'audit' && ctx.password === 'exe-test')
          ctx.accept();
        else ctx.reject(['password']);
      });
      client.on('ready', () => {
        client.on('session', (accept) => {
          accept().on('exec', (acceptExec, _reject, info) => {
            const stream = acceptExec();
            sent.push(info.command);
            if (info.command === 'nft -j list ruleset') {
              stream.write(nft);
              stream.exit(0);
            } else {
              stream.stderr.write(`${info.command.split(' ')[0]}: not found\n`);
              stream.exit(127);
            }
            stream.end();
          });
        });
      });
      client.on('error', () => undefined);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { port, fingerprint, sent, close };
}
