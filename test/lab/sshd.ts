/**
 * A real OpenSSH sshd in the lab's gw namespace (the "router shell" for the SSH adapters), per
 * lab-notes.md: own config, own host key, one authorized user key, listening on 10.77.0.1:2222.
 * Also makes a second, unauthorized user key and a second host key (for wrong-key tests).
 * Does not import vitest.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_ADDRESSES, type Lab, type LabNs } from './lab.js';

export interface LabSshd {
  host: string;
  port: number;
  user: string;
  /** The authorized user key (OpenSSH private key file, no passphrase). */
  identityFile: string;
  /** An authorized user key protected by {@link LabSshd.passphrase}. */
  encryptedIdentityFile: string;
  passphrase: string;
  /** A user key that is NOT authorized. */
  wrongIdentityFile: string;
  /** The real host key's public line (`ssh-ed25519 AAAA…`) and `SHA256:` fingerprint. */
  hostKeyLine: string;
  hostFingerprint: string;
  /** Fingerprint of a host key the server does not have (a "pinned" key that no longer matches). */
  otherHostFingerprint: string;
  /** A known_hosts line for `[host]:port` with the real (Ed25519) key. */
  knownHostsLine: string;
  /** A known_hosts line with the server's other host key, RSA (as an older known_hosts would hold). */
  rsaKnownHostsLine: string;
  /** What sshd has logged so far (`-e`: its stderr, at {@link LabSshdOptions.logLevel}). */
  log(): string;
}

const DEFAULT_SSHD_PORT = 2222;

function keygen(file: string, comment: string, passphrase = '', type = 'ed25519'): void {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', comment, '-f', file]);
}

/** A throwaway passphrase for the lab's encrypted test key (not a secret: the key lives only in the lab). */
const LAB_PASSPHRASE = 'lab-passphrase-not-secret';

function fingerprint(pubFile: string): string {
  return execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubFile], { encoding: 'utf8' }).split(
    ' ',
  )[1]!;
}

/** Where the lab's sshd runs (default: the gw namespace, 10.77.0.1:2222, the "router shell"). */
export interface LabSshdOptions {
  ns?: LabNs;
  listenAddress?: string;
  port?: number;
  /** Extra sshd_config lines (e.g. `AllowTcpForwarding yes` for a vantage host). */
  extraConfig?: string[];
  /** sshd's LogLevel (default ERROR); VERBOSE logs each connection and authentication attempt. */
  logLevel?: 'ERROR' | 'INFO' | 'VERBOSE';
}

/** Start sshd in the gw namespace (or where `options` say); it is stopped at lab teardown. */
export async function startLabSshd(lab: Lab, options: LabSshdOptions = {}): Promise<LabSshd> {
  const ns = options.ns ?? 'gw';
  const listen = options.listenAddress ?? LAB_ADDRESSES.gwLanIp;
  const SSHD_PORT = options.port ?? DEFAULT_SSHD_PORT;
  const dir = join(lab.dir, `sshd-${ns}-${SSHD_PORT}`);
  mkdirSync(dir, { recursive: true });
  // Privilege separation directory sshd insists on (as in lab-notes.md).
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  const otherHostKey = join(dir, 'other_host_key');
  const userKey = join(dir, 'id_audit');
  const wrongKey = join(dir, 'id_wrong');
  const encryptedKey = join(dir, 'id_encrypted');
  keygen(hostKey, 'lab-host');
  const rsaHostKey = join(dir, 'ssh_host_rsa_key');
  keygen(rsaHostKey, 'lab-host-rsa', '', 'rsa');
  keygen(otherHostKey, 'other-host');
  keygen(userKey, 'audit');
  keygen(wrongKey, 'wrong');
  keygen(encryptedKey, 'encrypted', LAB_PASSPHRASE);
  writeFileSync(
    join(dir, 'authorized_keys'),
    readFileSync(`${userKey}.pub`, 'utf8') + readFileSync(`${encryptedKey}.pub`, 'utf8'),
    { mode: 0o600 },
  );
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${SSHD_PORT}`,
      `ListenAddress ${listen}`,
      `HostKey ${hostKey}`,
      `HostKey ${rsaHostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'UseDNS no',
      `LogLevel ${options.logLevel ?? 'ERROR'}`,
      ...(options.extraConfig ?? []),
      '',
    ].join('\n'),
  );
  // -D: stay in the foreground so the lab owns (and kills) the process; -e: log to stderr.
  const child = lab.spawnBackground(ns, ['/usr/sbin/sshd', '-D', '-e', '-f', config]);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdout?.resume();
  lab.onTeardown(() => {
    if (child.exitCode === null) child.kill('SIGTERM');
  });
  for (let i = 0; i < 100; i++) {
    const ss = await lab.exec(ns, ['ss', '-Hltn', `sport = :${SSHD_PORT}`]);
    if (ss.stdout.includes(`${listen}:${SSHD_PORT}`)) break;
    if (child.exitCode !== null) throw new Error(`[lab] sshd exited (${child.exitCode}): ${stderr.trim()}`);
    if (i === 99) throw new Error(`[lab] sshd did not listen on ${SSHD_PORT}: ${stderr.trim()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const hostKeyLine = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  return {
    host: listen,
    port: SSHD_PORT,
    user: 'root',
    identityFile: userKey,
    wrongIdentityFile: wrongKey,
    encryptedIdentityFile: encryptedKey,
    passphrase: LAB_PASSPHRASE,
    hostKeyLine,
    hostFingerprint: fingerprint(`${hostKey}.pub`),
    otherHostFingerprint: fingerprint(`${otherHostKey}.pub`),
    knownHostsLine: `${SSHD_PORT === 22 ? listen : `[${listen}]:${SSHD_PORT}`} ${hostKeyLine}`,
    log: () => stderr,
    rsaKnownHostsLine: `${SSHD_PORT === 22 ? listen : `[${listen}]:${SSHD_PORT}`} ${readFileSync(`${rsaHostKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ')}`,
  };
}
