/**
 * The SMB probe against a real Samba smbd on 127.0.0.1 (own config and state in a temp dir, no
 * NetBIOS, no shares): with its defaults (SMB1 off, signing not required) and hardened-or-old the
 * other way (SMB1 on via `server min protocol = NT1`, signing mandatory).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectName, probeSmb, smb2NegotiateRequest } from '../../src/probes/smb.js';
import { BOUNDS, freePort, LOOPBACK_SCOPE, type Peer, peerBinary, startPeer } from './peers.js';

const options = { scope: LOOPBACK_SCOPE, ...BOUNDS };

describe('SMB2 NEGOTIATE request (MS-SMB2 2.2.3)', () => {
  it('is framed, offers five dialects and puts its context 8-byte aligned', () => {
    const request = smb2NegotiateRequest(Buffer.alloc(16, 1), Buffer.alloc(32, 2));
    expect(request.readUInt32BE(0)).toBe(request.length - 4);
    const smb = request.subarray(4);
    expect(smb.subarray(0, 4).toString('latin1')).toBe('\xfeSMB');
    expect(smb.readUInt16LE(64 + 2)).toBe(5);
    const contextOffset = smb.readUInt32LE(64 + 28);
    expect(contextOffset % 8).toBe(0);
    expect(smb.readUInt16LE(contextOffset)).toBe(1);
    expect(dialectName(0x0311)).toBe('3.1.1');
    expect(dialectName(0x0202)).toBe('2.0.2');
  });
});

const smbd = peerBinary('/usr/sbin/smbd');
if (!smbd.available && process.env.CI) {
  it('has Samba smbd (CI must run the real SMB peer)', () => {
    throw new Error(smbd.reason);
  });
}

/** Every place Samba would otherwise write under /var or /run, moved into the test's temp dir. */
const SAMBA_DIRS: Record<string, string> = {
  'private dir': 'private',
  'lock directory': 'lock',
  'state directory': 'state',
  'cache directory': 'cache',
  'pid directory': 'pid',
  'ncalrpc dir': 'ncalrpc',
  'binddns dir': 'binddns',
};

async function startSmbd(extra: string[]): Promise<{ peer: Peer; port: number; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'boxaudit-smbd-'));
  for (const sub of ['private', 'lock', 'state', 'cache', 'pid', 'ncalrpc', 'binddns'])
    mkdirSync(join(dir, sub));
  const port = await freePort();
  const config = join(dir, 'smb.conf');
  writeFileSync(
    config,
    [
      '[global]',
      `smb ports = ${port}`,
      'interfaces = 127.0.0.1',
      'bind interfaces only = yes',
      ...Object.entries(SAMBA_DIRS).map(([option, sub]) => `${option} = ${join(dir, sub)}`),
      `log file = ${join(dir, 'log')}`,
      'disable netbios = yes',
      'server role = standalone server',
      'load printers = no',
      'printcap name = /dev/null',
      'disable spoolss = yes',
      `passdb backend = tdbsam:${join(dir, 'private', 'passdb.tdb')}`,
      ...extra,
      '',
    ].join('\n'),
  );
  // smbd in the foreground exits when its stdin ends, takes a socket on stdin for an inetd client
  // (Node's 'pipe' is a socketpair), and SIGTERMs its whole process group when it stops. So: stdin
  // is a FIFO held open read-write here, and smbd makes its own session (no --no-process-group; not
  // spawned detached either, or its own setsid() fails).
  const fifo = join(dir, 'stdin');
  execFileSync('mkfifo', [fifo]);
  const stdin = openSync(fifo, 'r+');
  try {
    const peer = await startPeer('/usr/sbin/smbd', ['-F', '--debug-stdout', '-s', config], port, 20_000, {
      stdin,
    });
    const stop = peer.stop;
    return { peer: { ...peer, stop: () => stop().finally(() => closeSync(stdin)) }, port, dir };
  } catch (error) {
    closeSync(stdin);
    throw error;
  }
}

describe.skipIf(!smbd.available)(`SMB probe against Samba smbd ${smbd.reason}`, () => {
  const started: Array<{ peer: Peer; port: number; dir: string }> = [];
  beforeAll(async () => {
    started.push(await startSmbd([]));
    started.push(await startSmbd(['server min protocol = NT1', 'server signing = mandatory']));
    // A NAS-like Samba that maps unknown users to its guest account.
    started.push(await startSmbd(['map to guest = Bad User']));
  });
  afterAll(async () => {
    for (const { peer, dir } of started) {
      await peer.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a default Samba: SMB 3.1.1, signing not required, SMB1 refused', async () => {
    const result = await probeSmb('127.0.0.1', started[0]!.port, options);
    expect(result).toMatchObject({ status: 'confirmed', service: 'smb' });
    expect(result.facts).toMatchObject({
      smb2Status: 0,
      dialect: '3.1.1',
      signingEnabled: true,
      signingRequired: false,
      smb1Accepted: false,
    });
  });

  it('deep mode: a default Samba refuses the made-up user (logon failure), no session; standard mode never tries', async () => {
    const standard = await probeSmb('127.0.0.1', started[0]!.port, options);
    expect(standard.facts.guestSession).toBeUndefined();
    const deep = await probeSmb('127.0.0.1', started[0]!.port, { ...options, deep: true });
    expect(deep).toMatchObject({ status: 'confirmed', service: 'smb' });
    expect(deep.facts).toMatchObject({ guestSession: false, guestSessionStatus: 0xc000006d });
    expect(deep.facts.guestLoggedOff).toBeUndefined();
  });

  it('deep mode: a Samba with "map to guest = Bad User" lets the made-up user in as guest; then LOGOFF', async () => {
    const deep = await probeSmb('127.0.0.1', started[2]!.port, { ...options, deep: true });
    expect(deep.facts).toMatchObject({
      dialect: '3.1.1',
      guestSession: true,
      guestSessionStatus: 0,
      guestLoggedOff: true,
    });
    expect((deep.facts.guestSessionFlags as number) & 1).toBe(1);
  });

  it('a Samba with SMB1 on and signing mandatory says both', async () => {
    const result = await probeSmb('127.0.0.1', started[1]!.port, options);
    expect(result.facts).toMatchObject({ dialect: '3.1.1', signingRequired: true, smb1Accepted: true });
  });
});
