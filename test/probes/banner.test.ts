/**
 * Banner probes against real daemons on 127.0.0.1 — OpenSSH sshd and vsftpd, started by the test
 * with their own config in a temp dir — and, for Telnet (no telnetd on these machines), a loopback
 * responder written here from RFC 854/855. Missing daemons skip locally and fail under CI.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseTelnet, probeFtp, probeSsh, probeTelnet } from '../../src/probes/banner.js';
import { BOUNDS, freePort, LOOPBACK_SCOPE, type Peer, peerBinary, startPeer } from './peers.js';

const options = { scope: LOOPBACK_SCOPE, ...BOUNDS };

function ciMustHave(check: { available: boolean; reason: string }, what: string): void {
  if (!check.available && process.env.CI) {
    it(`has ${what} (CI must run the real peer)`, () => {
      throw new Error(check.reason);
    });
  }
}

const sshd = peerBinary('/usr/sbin/sshd');
ciMustHave(sshd, 'sshd');

describe.skipIf(!sshd.available)(`SSH banner against a real OpenSSH sshd ${sshd.reason}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'boxaudit-probe-sshd-'));
  let peer: Peer | null = null;
  let port = 0;
  beforeAll(async () => {
    if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const hostKey = join(dir, 'host_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'probe-test', '-f', hostKey]);
    port = await freePort();
    const config = join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'AuthorizedKeysFile none',
        '',
      ].join('\n'),
    );
    peer = await startPeer('/usr/sbin/sshd', ['-D', '-e', '-f', config], port);
  });
  afterAll(async () => {
    await peer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the identification string and sends nothing', async () => {
    const result = await probeSsh('127.0.0.1', port, options);
    expect(result).toMatchObject({ status: 'confirmed', service: 'ssh', bytesSent: 0 });
    expect(result.facts.sshProtocolVersion).toBe('2.0');
    expect(String(result.facts.sshSoftware)).toMatch(/^OpenSSH_\d/);
  });

  it('a DICOM probe against sshd says a different service (ssh) answers', async () => {
    const { probeDicom } = await import('../../src/probes/dicom.js');
    const result = await probeDicom('127.0.0.1', port, options);
    expect(result).toMatchObject({ status: 'different', service: 'ssh' });
  });
});

const vsftpd = peerBinary('/usr/sbin/vsftpd');
ciMustHave(vsftpd, 'vsftpd');

describe.skipIf(!vsftpd.available)(`FTP banner against a real vsftpd ${vsftpd.reason}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'boxaudit-probe-vsftpd-'));
  let peer: Peer | null = null;
  let port = 0;
  beforeAll(async () => {
    port = await freePort();
    const empty = join(dir, 'empty');
    mkdirSync(empty, { mode: 0o755 });
    const config = join(dir, 'vsftpd.conf');
    writeFileSync(
      config,
      [
        'listen=YES',
        'listen_ipv6=NO',
        'listen_address=127.0.0.1',
        `listen_port=${port}`,
        'background=NO',
        // vsftpd refuses to start with every kind of login off; anonymous into an empty read-only root
        // satisfies it (the probe never logs in).
        'anonymous_enable=YES',
        `anon_root=${empty}`,
        'local_enable=NO',
        'write_enable=NO',
        `secure_chroot_dir=${empty}`,
        'ftpd_banner=Welcome to the probe test FTP',
        'seccomp_sandbox=NO',
        '',
      ].join('\n'),
    );
    peer = await startPeer('/usr/sbin/vsftpd', [config], port);
  });
  afterAll(async () => {
    await peer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the 220 greeting and sends nothing', async () => {
    const result = await probeFtp('127.0.0.1', port, options);
    expect(result).toMatchObject({ status: 'confirmed', service: 'ftp', bytesSent: 0 });
    expect(result.facts).toMatchObject({ ftpReplyCode: 220, banner: 'Welcome to the probe test FTP' });
    expect(result.facts.anonymousLogin).toBeUndefined();
  });

  it('deep mode (--probe deep): tries the anonymous login, then QUIT; vsftpd lets anonymous in', async () => {
    const result = await probeFtp('127.0.0.1', port, { ...options, deep: true });
    expect(result).toMatchObject({ status: 'confirmed', service: 'ftp' });
    expect(result.facts).toMatchObject({ anonymousLogin: true, anonymousReplyCode: 230 });
    // USER, PASS and QUIT: nothing else (no listing, no file).
    expect(result.bytesSent).toBe(
      'USER anonymous\r\n'.length + 'PASS boxaudit-probe@invalid\r\n'.length + 'QUIT\r\n'.length,
    );
  });
});

describe('Telnet (a loopback responder written from RFC 854/855; no telnetd here)', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });
  const serve = (greeting: Buffer): Promise<number> =>
    new Promise((resolve) => {
      const server = createServer((socket) => {
        socket.on('error', () => {});
        socket.write(greeting);
      });
      servers.push(server);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });

  it('parses negotiations and the login text', async () => {
    // IAC DO TERMINAL-TYPE, IAC WILL ECHO, IAC SB ... IAC SE, then the banner and prompt.
    const greeting = Buffer.concat([
      Buffer.from([255, 253, 24, 255, 251, 1, 255, 250, 24, 1, 255, 240]),
      Buffer.from('\r\nHomeBox v2\r\nlogin: '),
    ]);
    const result = await probeTelnet('127.0.0.1', await serve(greeting), options);
    expect(result).toMatchObject({ status: 'confirmed', service: 'telnet', bytesSent: 0 });
    expect(result.facts).toMatchObject({
      telnetNegotiations: ['DO 24', 'WILL 1'],
      banner: 'HomeBox v2 login:',
    });
  });

  it('only negotiations (a server waiting for answers) is still Telnet, after the read timeout', async () => {
    const result = await probeTelnet('127.0.0.1', await serve(Buffer.from([255, 253, 24, 255, 253, 31])), {
      ...options,
      readTimeoutMs: 300,
    });
    expect(result).toMatchObject({ status: 'confirmed', service: 'telnet' });
    expect(result.facts.telnetNegotiations).toEqual(['DO 24', 'DO 31']);
  });

  it('plain text that is not a login prompt is not called Telnet', async () => {
    const result = await probeTelnet('127.0.0.1', await serve(Buffer.from('hello there\n')), options);
    expect(result).toMatchObject({ status: 'different', service: null });
  });

  it('keeps an escaped 0xff as text and stops on a truncated sequence', () => {
    expect(parseTelnet(Buffer.from([0x41, 255, 255, 0x42])).text).toEqual(Buffer.from([0x41, 255, 0x42]));
    expect(parseTelnet(Buffer.from([255, 253])).complete).toBe(false);
  });
});
