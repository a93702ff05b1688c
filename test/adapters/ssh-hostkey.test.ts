/** Host key verification against real ssh-keygen output (fingerprints, plain and hashed known_hosts). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sshTargetOptions } from '../../src/adapters/ssh-skeleton.js';
import {
  fingerprintOf,
  keyTypeOf,
  preferredHostKeyAlgorithms,
  verifyHostKey,
} from '../../src/transport/ssh.js';

const dir = mkdtempSync(join(tmpdir(), 'boxaudit-hostkey-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makeKey(name: string): { line: string; blob: Buffer; fingerprint: string } {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
  const line = readFileSync(`${file}.pub`, 'utf8').trim();
  const blob = Buffer.from(line.split(' ')[1]!, 'base64');
  // ssh-keygen's own fingerprint: "256 SHA256:… comment (ED25519)"
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`], {
    encoding: 'utf8',
  }).split(' ')[1]!;
  return { line, blob, fingerprint };
}

const a = makeKey('router-a');
const b = makeKey('router-b');
const keyPart = (line: string) => line.split(' ').slice(0, 2).join(' ');

describe('SSH host key verification', () => {
  it('computes fingerprints exactly as ssh-keygen prints them', () => {
    expect(fingerprintOf(a.blob)).toBe(a.fingerprint);
    expect(keyTypeOf(a.blob)).toBe('ssh-ed25519');
  });

  it('accepts a plain [host]:port entry, and only for that port', () => {
    const knownHostsText = `# comment\n[10.77.0.1]:2222 ${keyPart(a.line)}\n`;
    expect(verifyHostKey(a.blob, { knownHostsText }, '10.77.0.1', 2222)).toMatchObject({ ok: true });
    const other = verifyHostKey(a.blob, { knownHostsText }, '10.77.0.1', 22);
    expect(other.ok).toBe(false);
  });

  it('accepts hashed entries written by ssh-keygen -H', () => {
    const file = join(dir, 'known_hosts');
    writeFileSync(file, `[10.77.0.1]:2222 ${keyPart(a.line)}\nrouter.example,192.0.2.1 ${keyPart(b.line)}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file]);
    const knownHostsText = readFileSync(file, 'utf8');
    expect(knownHostsText).toMatch(/^\|1\|/m);
    expect(knownHostsText).not.toContain('10.77.0.1');
    expect(verifyHostKey(a.blob, { knownHostsText }, '10.77.0.1', 2222)).toMatchObject({ ok: true });
    expect(verifyHostKey(b.blob, { knownHostsText }, '192.0.2.1', 22)).toMatchObject({ ok: true });
    expect(verifyHostKey(b.blob, { knownHostsText }, 'router.example', 22)).toMatchObject({ ok: true });
  });

  it('refuses a changed key, naming both fingerprints', () => {
    const v = verifyHostKey(
      b.blob,
      { knownHostsText: `[10.77.0.1]:2222 ${keyPart(a.line)}\n` },
      '10.77.0.1',
      2222,
    );
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.message).toContain('host key');
    expect(v.message).toContain(a.fingerprint);
    expect(v.message).toContain(b.fingerprint);
    expect(v.expected).toEqual([`ssh-ed25519 ${a.fingerprint}`]);
    expect(v.presented).toBe(b.fingerprint);
  });

  it('refuses a changed key even with trust-on-first-use', () => {
    const v = verifyHostKey(
      b.blob,
      { knownHostsText: `[10.77.0.1]:2222 ${keyPart(a.line)}\n`, trustOnFirstUse: true },
      '10.77.0.1',
      2222,
    );
    expect(v.ok).toBe(false);
  });

  it('refuses an unknown host unless trust-on-first-use is asked for', () => {
    const refused = verifyHostKey(a.blob, { knownHostsText: '' }, '10.77.0.1', 2222);
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.message).toContain('unknown host key');
      expect(refused.message).toContain(a.fingerprint);
    }
    expect(verifyHostKey(a.blob, { knownHostsText: null, trustOnFirstUse: true }, '10.77.0.1', 2222)).toEqual(
      {
        ok: true,
        fingerprint: a.fingerprint,
        keyType: 'ssh-ed25519',
        trustedOnFirstUse: true,
      },
    );
  });

  it('checks a pinned SHA256 fingerprint (with or without the prefix, padding ignored)', () => {
    expect(verifyHostKey(a.blob, { hostKey: a.fingerprint }, 'h', 22)).toMatchObject({ ok: true });
    expect(verifyHostKey(a.blob, { hostKey: `${a.fingerprint.slice(7)}=` }, 'h', 22)).toMatchObject({
      ok: true,
    });
    const v = verifyHostKey(b.blob, { hostKey: a.fingerprint }, 'h', 22);
    expect(v.ok).toBe(false);
    if (!v.ok)
      expect(v.message).toBe(
        `host key mismatch for h: expected ${a.fingerprint} (pinned), presented ssh-ed25519 ${b.fingerprint}`,
      );
  });

  it('refuses a key marked @revoked', () => {
    const knownHostsText = `@revoked * ${keyPart(a.line)}\n10.0.0.1 ${keyPart(a.line)}\n`;
    expect(verifyHostKey(a.blob, { knownHostsText }, '10.0.0.1', 22).ok).toBe(false);
  });

  it('validates a pinned fingerprint option', () => {
    expect(() => sshTargetOptions({ options: { hostKey: 'MD5:aa:bb' } })).toThrow(/SHA256/);
    expect(sshTargetOptions({ options: { hostKey: a.fingerprint, trustOnFirstUse: true } })).toMatchObject({
      hostKey: a.fingerprint,
      trustOnFirstUse: true,
    });
  });
});

describe('host key algorithm preference', () => {
  it('asks first for the key types known_hosts holds for this host', () => {
    const rsaOnly = `[10.77.0.1]:2222 ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ==\nother ssh-ed25519 ${a.line.split(' ')[1]}\n`;
    const list = preferredHostKeyAlgorithms(rsaOnly, '10.77.0.1', 2222);
    expect(list.slice(0, 3)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(list).toContain('ssh-ed25519');
    expect(preferredHostKeyAlgorithms(null, 'h', 22)[0]).toBe('ssh-ed25519');
  });
});

describe('SSH target options', () => {
  it('accepts knownHostsPath as an alias of knownHostsFile', () => {
    expect(sshTargetOptions({ options: { knownHostsPath: '/x/known_hosts' } })).toEqual({
      knownHostsFile: '/x/known_hosts',
    });
  });
});
