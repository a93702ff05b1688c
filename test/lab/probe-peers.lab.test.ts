/**
 * Issue 13's lab, more real peers on the LAN host behind the real miniupnpd (test/lab/probe.lab.test.ts
 * has the PACS, the web server on the SMB port and the closed port): a real Samba smbd (minimal
 * configuration: SMB facts), a real vsftpd with anonymous login enabled (its banner with `--probe`;
 * `anonymousLogin: true` only with `--probe deep`), and a web server with and without a password
 * (`authRequired`), and a real OpenSSH sshd (its banner only: the probe sends not one byte, and sshd's
 * own log shows no authentication attempt), also behind a forward that expects VNC (`different`,
 * ssh). The BUILT CLI runs `audit --upnp … --probe[ deep] --json` in the lan namespace;
 * an nftables counter there must read 0 packets to any address outside the LAN afterwards.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { parseJson, type ReportJson, schemaValidators } from '../cli/helpers.js';
import { LAB_ADDRESSES } from './lab.js';
import { type LabSshd, startLabSshd } from './sshd.js';
import { describeLab } from './suite.js';

const NOW = '2026-06-01T12:00:00.000Z';
const LAN = LAB_ADDRESSES.lanIp;
const LAN_RE = LAN.replaceAll('.', '\\.');

/** Counts what the lan namespace sends to any address outside the LAN (loopback aside). */
const COUNTER = `table inet boxaudit_peer_count {
  counter outside { }
  counter to_idb { }
  chain out {
    type filter hook output priority 0; policy accept;
    ip daddr != { ${LAB_ADDRESSES.lanPrefix}, 127.0.0.0/8 } counter name outside
    ip6 daddr != { ::1 } meta l4proto { tcp, udp } counter name outside
    ip daddr ${LAB_ADDRESSES.wanPeerIp} tcp dport 8000 counter name to_idb
  }
}
`;
/** An InternetDB-compatible service on the "Internet" side (the wan namespace), serving the documented JSON. */
const IDB_URL = `http://${LAB_ADDRESSES.wanPeerIp}:8000/`;

interface ProbedForward {
  externalPort: { start: number } | null;
  id: string;
  probe?: {
    status: string;
    service: string | null;
    reason: string | null;
    facts: Record<string, unknown>;
    bytesSent: number;
    bytesReceived: number;
  };
}

const SMBD = '/usr/sbin/smbd';
const VSFTPD = '/usr/sbin/vsftpd';

describeLab(
  '--probe against Samba, vsftpd and web servers with and without a password (issue 13)',
  {},
  (lab) => {
    const outsidePackets = async (name = 'outside'): Promise<number> => {
      const r = await lab().exec('lan', [
        'nft',
        '-j',
        'list',
        'counter',
        'inet',
        'boxaudit_peer_count',
        name,
      ]);
      const counter = JSON.parse(r.stdout).nftables.find((x: { counter?: unknown }) => x.counter)?.counter;
      return counter.packets as number;
    };

    /** smbd: a FIFO held open as its stdin (it exits at EOF in the foreground), its own session. */
    const startSmbd = (dir: string): ChildProcess => {
      for (const sub of ['private', 'lock', 'state', 'cache', 'pid', 'ncalrpc', 'binddns'])
        mkdirSync(join(dir, sub));
      const config = join(dir, 'smb.conf');
      writeFileSync(
        config,
        [
          '[global]',
          'smb ports = 445',
          `interfaces = ${LAN}`,
          'bind interfaces only = yes',
          `private dir = ${join(dir, 'private')}`,
          `lock directory = ${join(dir, 'lock')}`,
          `state directory = ${join(dir, 'state')}`,
          `cache directory = ${join(dir, 'cache')}`,
          `pid directory = ${join(dir, 'pid')}`,
          `ncalrpc dir = ${join(dir, 'ncalrpc')}`,
          `binddns dir = ${join(dir, 'binddns')}`,
          `log file = ${join(dir, 'log')}`,
          'disable netbios = yes',
          'server role = standalone server',
          'load printers = no',
          'printcap name = /dev/null',
          'disable spoolss = yes',
          `passdb backend = tdbsam:${join(dir, 'private', 'passdb.tdb')}`,
          // A NAS-like Samba: unknown user names become its guest (what --probe deep must find).
          'map to guest = Bad User',
          '',
        ].join('\n'),
      );
      const fifo = join(dir, 'stdin');
      execFileSync('mkfifo', [fifo]);
      const stdin = openSync(fifo, 'r+');
      const child = spawn('ip', ['netns', 'exec', lab().ns.lan, SMBD, '-F', '--debug-stdout', '-s', config], {
        stdio: [stdin, 'ignore', 'ignore'],
      });
      lab().onTeardown(async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await gone;
          clearTimeout(timer);
        }
        closeSync(stdin);
      });
      return child;
    };

    let sshd: LabSshd;

    beforeAll(async () => {
      const l = lab();
      // A real OpenSSH on the LAN host, on 22 and on the VNC port (a forward that expects VNC finds SSH).
      sshd = await startLabSshd(l, {
        ns: 'lan',
        listenAddress: LAN,
        port: 22,
        extraConfig: ['Port 5900'],
        logLevel: 'VERBOSE',
      });
      const smbDir = join(l.dir, 'smbd');
      mkdirSync(smbDir);
      startSmbd(smbDir);

      const ftpRoot = join(l.dir, 'ftp-empty');
      mkdirSync(ftpRoot, { mode: 0o755 });
      const ftpConfig = join(l.dir, 'vsftpd.conf');
      writeFileSync(
        ftpConfig,
        [
          'listen=YES',
          'listen_ipv6=NO',
          `listen_address=${LAN}`,
          'listen_port=21',
          'background=NO',
          // Anonymous login on, into an empty read-only root: what --probe deep must see (and only it).
          'anonymous_enable=YES',
          `anon_root=${ftpRoot}`,
          'local_enable=NO',
          'write_enable=NO',
          `secure_chroot_dir=${ftpRoot}`,
          'ftpd_banner=Cabinet FTP ready',
          'seccomp_sandbox=NO',
          '',
        ].join('\n'),
      );
      l.spawnBackground('lan', [VSFTPD, ftpConfig]);

      // A NAS page open to anyone on 80; the same behind HTTP Basic on 8080 (no password is ever sent).
      l.spawnBackground('lan', [
        process.execPath,
        '-e',
        `require('node:http').createServer((q, r) => r.end('<html><title>Cabinet NAS</title></html>')).listen(80, '${LAN}')`,
      ]);
      l.spawnBackground('lan', [
        process.execPath,
        '-e',
        `require('node:http').createServer((q, r) => { if (!q.headers.authorization) { r.writeHead(401, { 'www-authenticate': 'Basic realm="cabinet"' }); return r.end('login'); } r.end('in'); }).listen(8080, '${LAN}')`,
      ]);

      // The lookup service (no real one can be reached from a test): it logs each request's path.
      const idbLog = join(l.dir, 'idb.log');
      l.spawnBackground('wan', [
        process.execPath,
        '-e',
        `require('node:http').createServer((q, r) => { require('node:fs').appendFileSync(${JSON.stringify(idbLog)}, q.method + ' ' + q.url + ' ' + (q.headers.authorization ? 'AUTH' : '-') + '\\n'); r.setHeader('content-type', 'application/json'); if (q.url !== '/${LAB_ADDRESSES.wanIp}') { r.statusCode = 404; return r.end('{"detail":"No information available"}'); } r.end(JSON.stringify({ ip: '${LAB_ADDRESSES.wanIp}', ports: [445, 2121], hostnames: [], tags: ['self-signed'], cpes: [], vulns: ['CVE-2017-0144'] })); }).listen(8000, '${LAB_ADDRESSES.wanPeerIp}')`,
      ]);

      // The lab's box drops forwarded traffic; let the LAN host reach the lookup service (and its
      // replies back), and give the "Internet" a route back to the LAN (a real box would masquerade).
      for (const rule of [
        ['insert', 'rule', 'inet', 'filter', 'forward', 'ct', 'state', 'established,related', 'accept'],
        [
          'insert',
          'rule',
          'inet',
          'filter',
          'forward',
          'ip',
          'saddr',
          LAN,
          'ip',
          'daddr',
          LAB_ADDRESSES.wanPeerIp,
          'tcp',
          'dport',
          '8000',
          'accept',
        ],
      ]) {
        const added = await l.exec('gw', ['nft', ...rule]);
        if (added.code !== 0) throw new Error(`[lab] nft ${rule.join(' ')}: ${added.stderr}`);
      }
      const route = await l.exec('wan', [
        'ip',
        'route',
        'add',
        LAB_ADDRESSES.lanPrefix,
        'via',
        LAB_ADDRESSES.wanIp,
      ]);
      if (route.code !== 0) throw new Error(`[lab] route: ${route.stderr}`);

      // Every peer up (bounded): a TCP connect to each from the lan namespace.
      const probeAll = `Promise.all([[445, '${LAN}'], [21, '${LAN}'], [80, '${LAN}'], [8080, '${LAN}'], [5900, '${LAN}'], [8000, '${LAB_ADDRESSES.wanPeerIp}']].map(([p, h]) => new Promise((ok, ko) => { const s = require('node:net').connect(p, h, () => { s.destroy(); ok(); }); s.on('error', ko); }))).then(() => process.exit(0), () => process.exit(1))`;
      for (let i = 0; ; i++) {
        const up = await l.exec('lan', [process.execPath, '-e', probeAll], { timeoutMs: 1500 });
        if (up.code === 0) break;
        if (i > 40) throw new Error(`[lab] peers did not start: ${up.stderr}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      await l.addMapping({ ext: 445, int: 445, proto: 'TCP', desc: 'NAS SMB', lease: 3600 });
      await l.addMapping({ ext: 2121, int: 21, proto: 'TCP', desc: 'FTP', lease: 3600 });
      await l.addMapping({ ext: 8081, int: 80, proto: 'TCP', desc: 'NAS web', lease: 3600 });
      await l.addMapping({ ext: 8082, int: 8080, proto: 'TCP', desc: 'NAS admin', lease: 3600 });
      await l.addMapping({ ext: 2222, int: 22, proto: 'TCP', desc: 'SSH', lease: 3600 });
      await l.addMapping({ ext: 5900, int: 5900, proto: 'TCP', desc: 'VNC', lease: 3600 });
      const file = join(l.dir, 'peer-count.nft');
      writeFileSync(file, COUNTER);
      const loaded = await l.exec('lan', ['nft', '-f', file]);
      if (loaded.code !== 0) throw new Error(`[lab] nft counter: ${loaded.stderr}`);
    }, 90_000);

    const audit = async (mode: string[]) => {
      const before = await outsidePackets();
      const r = await lab().runCli(['audit', '--upnp', lab().descUrl, ...mode, '--json', '--now', NOW], {
        timeoutMs: 90_000,
      });
      const after = await outsidePackets();
      expect(r.code, r.stderr).toBe(1);
      const report = parseJson<ReportJson>(r.stdout, `audit ${mode.join(' ')} --json`);
      expect(schemaValidators().report(report)).toBe('');
      const forwards = report.snapshots[0]!.forwards as unknown as ProbedForward[];
      return {
        report,
        outside: after - before,
        at: (ext: number) => forwards.find((f) => f.externalPort?.start === ext)!,
      };
    };

    it('--probe: SMB facts from Samba, the FTP banner without a login, the password asked or not', async () => {
      const { report, outside, at } = await audit(['--probe']);
      expect(at(445).probe).toMatchObject({
        status: 'confirmed',
        service: 'smb',
        facts: { dialect: '3.1.1', smb1Accepted: false, signingRequired: false },
      });
      expect(at(2121).probe).toMatchObject({
        status: 'confirmed',
        service: 'ftp',
        facts: { ftpReplyCode: 220, banner: 'Cabinet FTP ready' },
      });
      // Standard mode never logs in: no anonymous-login fact at all.
      expect(at(2121).probe!.facts.anonymousLogin).toBeUndefined();
      expect(at(8081).probe).toMatchObject({
        status: 'confirmed',
        service: 'http',
        facts: { statusCode: 200, authRequired: false, title: 'Cabinet NAS' },
      });
      expect(at(8082).probe).toMatchObject({
        status: 'confirmed',
        service: 'http',
        facts: { statusCode: 401, authRequired: true, realm: 'cabinet' },
      });
      const failing = (ext: number) =>
        report.findings.filter((f) => f.forwardId === at(ext).id && f.status === 'fail').map((f) => f.ruleId);
      expect(failing(445)).toContain('BOX-FS-001');
      expect(failing(445)).not.toContain('BOX-FS-018'); // SMB1 refused
      // Standard mode opens no session: the guest fact is unread.
      expect(at(445).probe!.facts.guestSession).toBeUndefined();
      expect(outside).toBe(0);
      expect(await lab().miniupnpdAlive()).toBe(true);
    });

    it('--probe: OpenSSH confirmed from its banner alone, different (ssh) behind the VNC forward; no login attempted', async () => {
      const logFrom = sshd.log().length;
      const { report, outside, at } = await audit(['--probe']);
      expect(at(2222).probe).toMatchObject({
        status: 'confirmed',
        service: 'ssh',
        reason: null,
        facts: { sshProtocolVersion: '2.0', sshSoftware: expect.stringMatching(/^OpenSSH_\d/) },
        bytesSent: 0,
      });
      expect(at(5900).probe).toMatchObject({ status: 'different', service: 'ssh', bytesSent: 0 });
      // Both probes read the identification string and closed: not one byte sent (no version string,
      // no key exchange, so no user name and no authentication could follow).
      for (const ext of [2222, 5900]) expect(at(ext).probe!.bytesReceived).toBeGreaterThan(0);
      const failing = (ext: number) =>
        report.findings
          .filter((f) => f.forwardId === at(ext).id && f.status === 'fail')
          .map((f) => `${f.ruleId}:${(f as { confidence?: string }).confidence}`);
      expect(failing(2222)).toContain('BOX-RA-004:confirmed');
      expect(failing(5900)).toContain('BOX-RA-004:confirmed');
      // sshd's own log (VERBOSE) has both connections from the LAN host, each closed before the
      // client's identification string, and no authentication at all (a real `ssh` with an
      // unauthorized key logs "Failed publickey for root …" and "authenticating user").
      const connection = (port: number) =>
        new RegExp(`Connection from ${LAN_RE} port \\d+ on ${LAN_RE} port ${port}\\b`);
      const noIdentification = /kex_exchange_identification: Connection closed by remote host/g;
      let log = '';
      for (let i = 0; i < 40; i++) {
        log = sshd.log().slice(logFrom);
        if ((log.match(noIdentification) ?? []).length >= 2) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(log).toMatch(connection(22));
      expect(log).toMatch(connection(5900));
      expect(log.match(noIdentification)).toHaveLength(2);
      expect(log).not.toMatch(
        /Accepted|Failed|Invalid user|Postponed|authenticating user|userauth|Disconnected from user/i,
      );
      expect(outside).toBe(0);
    });

    it('--probe --internet-db: the only packets leaving the LAN go to the configured service, once; listed ports marked', async () => {
      const l = lab();
      const before = await outsidePackets();
      const beforeIdb = await outsidePackets('to_idb');
      const r = await l.runCli(
        [
          'audit',
          '--upnp',
          l.descUrl,
          '--probe',
          '--internet-db',
          '--internet-db-url',
          IDB_URL,
          '--json',
          '--now',
          NOW,
        ],
        { timeoutMs: 90_000 },
      );
      const outside = (await outsidePackets()) - before;
      const toIdb = (await outsidePackets('to_idb')) - beforeIdb;
      expect(r.code, r.stderr).toBe(1);
      const report = parseJson<ReportJson>(r.stdout, 'audit --probe --internet-db --json');
      expect(schemaValidators().report(report)).toBe('');
      const snapshot = report.snapshots[0] as unknown as {
        forwards: Array<ProbedForward & { reachable?: unknown }>;
        probes: { sentOutside: unknown[]; internetDb: Record<string, unknown> };
      };
      expect(snapshot.probes.internetDb).toMatchObject({
        url: `${IDB_URL}${LAB_ADDRESSES.wanIp}`,
        status: 'found',
        ports: [445, 2121],
        vulns: ['CVE-2017-0144'],
        sentAddress: LAB_ADDRESSES.wanIp,
        httpStatus: 200,
      });
      expect(snapshot.probes.sentOutside).toEqual([
        { what: LAB_ADDRESSES.wanIp, to: `${IDB_URL}${LAB_ADDRESSES.wanIp}` },
      ]);
      const at = (ext: number) => snapshot.forwards.find((f) => f.externalPort?.start === ext)!;
      expect(at(445).reachable).toEqual({ fromInternet: true, method: 'internet-db', reason: 'LISTED' });
      expect(at(8081).reachable).toBeUndefined(); // not listed: proves nothing
      // Every packet that left the LAN went to the lookup service, which saw one GET, without credentials.
      expect(toIdb).toBeGreaterThan(0);
      expect(outside).toBe(toIdb);
      expect(readFileSync(join(l.dir, 'idb.log'), 'utf8')).toBe(`GET /${LAB_ADDRESSES.wanIp} -\n`);

      const fr = await l.runCli(
        [
          'audit',
          '--upnp',
          l.descUrl,
          '--probe',
          '--internet-db',
          '--internet-db-url',
          IDB_URL,
          '--lang',
          'fr',
        ],
        { timeoutMs: 90_000 },
      );
      expect(fr.stdout).toContain(
        `Envoyé hors du réseau local\u00a0: ${LAB_ADDRESSES.wanIp} à ${IDB_URL}${LAB_ADDRESSES.wanIp}.`,
      );
      expect(fr.stdout).toContain('InternetDB de Shodan');
    });

    it('--probe deep: vsftpd lets anonymous in, Samba lets a made-up user in as guest (then QUIT / LOGOFF; nothing listed)', async () => {
      const { report, at, outside } = await audit(['--probe', 'deep']);
      expect(at(2121).probe).toMatchObject({
        status: 'confirmed',
        facts: { anonymousLogin: true, anonymousReplyCode: 230 },
      });
      expect(at(445).probe).toMatchObject({
        status: 'confirmed',
        facts: { guestSession: true, guestSessionStatus: 0, guestLoggedOff: true },
      });
      const failing = (ext: number) =>
        report.findings.filter((f) => f.forwardId === at(ext).id && f.status === 'fail').map((f) => f.ruleId);
      expect(failing(2121)).toContain('BOX-FS-019');
      expect(failing(445)).toContain('BOX-FS-020');
      expect(outside).toBe(0);
    });
  },
);
