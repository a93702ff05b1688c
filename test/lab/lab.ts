/**
 * The real-daemon lab: a home internet box built from network namespaces on this machine.
 *
 *   [wan ns] wan0 11.0.0.1/24 <-veth-> gww0 11.0.0.2/24 [gw ns] gwl0 10.77.0.1/24 <-veth-> lan0 10.77.0.10/24 [lan ns]
 *
 * The gw namespace runs the real miniupnpd (nftables backend) on an nftables skeleton; the lan
 * namespace plays the audited PC. Nothing here touches the host's own network: every address lives
 * inside namespaces this module creates, names them with a per-run prefix and removes them.
 * See docs/lab.md. Needs root, iproute2, nftables, miniupnpd-nftables and miniupnpc.
 *
 * This file does not import vitest, so benchmarks can reuse it; test suites use ./suite.ts.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';

export type LabNs = 'wan' | 'gw' | 'lan';

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code; -1 when killed by a signal (timeout included). */
  code: number;
}

export interface ExecOptions {
  input?: string;
  /** Kill the command after this long (default 30 s); the result then has code -1. */
  timeoutMs?: number;
  env?: Record<string, string>;
}

export interface MappingSpec {
  ext: number;
  int: number;
  proto: 'TCP' | 'UDP';
  /** Internal client; default: the lan address 10.77.0.10. */
  client?: string;
  /** Description; default `lab <proto> <ext>`. */
  desc?: string;
  /** Lease in seconds; 0 or absent = permanent (miniupnpd, as IGDv2, turns 0 into 604800). */
  lease?: number;
}

export interface BulkOptions {
  /** First external port (default 20000); mapping i uses ext = int = startPort + i. */
  startPort?: number;
  proto?: 'TCP' | 'UDP';
  client?: string;
  /** Description prefix; mapping i is described `${descPrefix}${i}` (default `bulk`). */
  descPrefix?: string;
  lease?: number;
  /** Parallel upnpc processes (default 4). */
  concurrency?: number;
}

export interface CreateLabOptions {
  /** Start miniupnpd in the gw namespace (default true). */
  miniupnpd?: boolean;
  /** Extra miniupnpd.conf lines (e.g. `model_name=...`), placed before the allow/deny rules. */
  miniupnpdExtraConfig?: string[];
}

export interface RunNodeOptions {
  /** Namespace to run in (default `lan`). */
  ns?: LabNs;
  timeoutMs?: number;
}

export interface Lab {
  /** Unique per run, e.g. `ba01a2bx7q`; namespaces are `${prefix}-wan|gw|lan`. */
  prefix: string;
  ns: { wan: string; gw: string; lan: string };
  gwLanIp: string;
  lanIp: string;
  /** The gateway's external (WAN side) address: public-looking, so miniupnpd accepts it. */
  wanIp: string;
  /** The far end of the WAN link, in the wan namespace (the "internet"). */
  wanPeerIp: string;
  descUrl: string;
  /** Scratch directory of this lab (configs, pidfiles, bundles); removed at teardown. */
  dir: string;
  exec(ns: LabNs, argv: string[], opts?: ExecOptions): Promise<ExecResult>;
  /**
   * Start a long-running process in a namespace (its stdout/stderr are piped: read them, or they may
   * fill up); it is killed at teardown unless it has ended before.
   */
  spawnBackground(ns: LabNs, argv: string[]): ChildProcess;
  /** Register a clean-up step run first at teardown (e.g. stop a daemon you started). */
  onTeardown(step: () => void | Promise<void>): void;
  /** Real `upnpc -u descUrl -e desc -a client int ext proto [lease]` from the lan namespace. */
  addMapping(m: MappingSpec): Promise<void>;
  /** n real mappings added with upnpc (bounded parallelism); returns what was added. */
  addMappingsBulk(n: number, opts?: BulkOptions): Promise<MappingSpec[]>;
  /** `upnpc -u descUrl -l` output from the lan namespace. */
  upnpcList(): Promise<string>;
  /** `nft list ruleset` in the gw namespace. */
  nftRuleset(): Promise<string>;
  /** Whether the miniupnpd this lab started still runs (a client must never crash the box). */
  miniupnpdAlive(): Promise<boolean>;
  /**
   * Run an exported async function of a TypeScript module inside a namespace (default lan).
   * The module is bundled with esbuild once per lab; args and the result travel as JSON.
   * A thrown error comes back as a LabRemoteError carrying its name, code and message.
   */
  runNode(modulePath: string, exportName: string, args?: unknown[], opts?: RunNodeOptions): Promise<unknown>;
  /**
   * Start an exported async function of a TypeScript module as a background process in a namespace
   * (default lan), bundled like `runNode`; killed at teardown like `spawnBackground`. For servers
   * whose export never returns (a vendor simulator on the gateway).
   */
  spawnNode(
    modulePath: string,
    exportName: string,
    args?: unknown[],
    opts?: { ns?: LabNs },
  ): Promise<ChildProcess>;
  /**
   * Run the built CLI (`dist/cli/main.js`) in a namespace (default lan). `env` is laid over this
   * process's environment (an empty string hides a variable from the CLI, which ignores empty ones).
   */
  runCli(
    args: string[],
    opts?: RunNodeOptions & { input?: string; env?: Record<string, string> },
  ): Promise<ExecResult>;
  /** Kill daemons, delete namespaces and /etc/netns folders, remove the scratch dir. Idempotent. */
  teardown(): Promise<void>;
}

/** An error thrown by code run with `lab.runNode`, rebuilt on the test side. */
export class LabRemoteError extends Error {
  readonly code: string | undefined;
  readonly remoteName: string;
  readonly details: unknown;
  constructor(remote: { name?: string; code?: string; message?: string; details?: unknown }) {
    super(remote.message ?? 'remote error');
    this.name = 'LabRemoteError';
    this.remoteName = remote.name ?? 'Error';
    this.code = remote.code;
    this.details = remote.details;
  }
}

export const LAB_ADDRESSES = {
  wanPeerIp: '11.0.0.1',
  wanIp: '11.0.0.2',
  gwLanIp: '10.77.0.1',
  lanIp: '10.77.0.10',
  lanPrefix: '10.77.0.0/24',
  httpPort: 5000,
  /** The miniupnpd UUID, so tests can expect the device UDN `uuid:<this>`. */
  uuid: '3d3cec3a-8cf0-11e0-98ee-001a6bd2d07d',
} as const;

/** The repo root: the nearest folder up with boxaudit's package.json (this file may be bundled elsewhere, e.g. bench). */
function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === 'boxaudit') return dir;
    } catch {
      // no package.json here
    }
    if (dirname(dir) === dir) return process.cwd();
  }
}

const REPO_ROOT = findRepoRoot(import.meta.dirname);
const NS_NAME = /^ba([0-9a-z]{5})[0-9a-z]{3}-(wan|gw|lan)$/;
const REQUIRED_TOOLS = ['ip', 'nft', 'miniupnpd', 'upnpc'] as const;

const NFT_SKELETON = `table inet filter {
  chain forward { type filter hook forward priority 0; policy drop; jump miniupnpd; }
  chain miniupnpd { }
  chain prerouting { type nat hook prerouting priority -100; policy accept; jump prerouting_miniupnpd; }
  chain postrouting { type nat hook postrouting priority 100; policy accept; jump postrouting_miniupnpd; }
  chain prerouting_miniupnpd { }
  chain postrouting_miniupnpd { }
}
`;

/** Find a program on PATH or in the sbin folders (root's PATH may lack them under some runners). */
function findTool(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

function tool(name: (typeof REQUIRED_TOOLS)[number]): string {
  const path = findTool(name);
  if (!path) throw new Error(`[lab] ${name} not found on PATH`);
  return path;
}

let cachedAvailability: { ok: true } | { ok: false; reason: string } | undefined;

/**
 * Can the lab run here? `BOXAUDIT_LAB=off` says no (to skip lab suites on purpose); else root, the tools, and the right to create a network namespace (checked by
 * creating and deleting a probe namespace, so an unprivileged container is reported, not crashed on).
 */
export function labAvailability(): { ok: true } | { ok: false; reason: string } {
  if (cachedAvailability) return cachedAvailability;
  cachedAvailability = checkAvailability();
  return cachedAvailability;
}

function checkAvailability(): { ok: true } | { ok: false; reason: string } {
  if (process.env.BOXAUDIT_LAB === 'off') return { ok: false, reason: 'turned off by BOXAUDIT_LAB=off' };
  if (process.platform !== 'linux')
    return { ok: false, reason: `the lab needs Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0)
    return { ok: false, reason: 'the lab needs root (network namespaces, nftables)' };
  const missing = REQUIRED_TOOLS.filter((name) => !findTool(name));
  if (missing.length > 0) {
    return {
      ok: false,
      reason: `missing ${missing.join(', ')} (apt-get install iproute2 nftables miniupnpd-nftables miniupnpc)`,
    };
  }
  const probe = `${newPrefix()}-gw`;
  try {
    execFileSync(tool('ip'), ['netns', 'add', probe], { stdio: 'pipe', timeout: 10_000 });
    execFileSync(tool('ip'), ['netns', 'exec', probe, tool('nft'), 'list', 'tables'], {
      stdio: 'pipe',
      timeout: 10_000,
    });
  } catch (error) {
    return { ok: false, reason: `cannot create a network namespace with nftables: ${errorText(error)}` };
  } finally {
    try {
      execFileSync(tool('ip'), ['netns', 'del', probe], { stdio: 'pipe', timeout: 10_000 });
    } catch {
      // it was never created
    }
  }
  return { ok: true };
}

function errorText(error: unknown): string {
  if (error && typeof error === 'object' && 'stderr' in error) {
    const stderr = String((error as { stderr: unknown }).stderr ?? '').trim();
    if (stderr) return stderr.split('\n')[0] ?? stderr;
  }
  return error instanceof Error ? error.message : String(error);
}

/** `ba` + the pid in base 36 (5 chars) + 3 random chars: short enough for 15-char link names. */
function newPrefix(): string {
  const pid = process.pid.toString(36).padStart(5, '0').slice(-5);
  const rand = Array.from(randomBytes(3), (b) => (b % 36).toString(36)).join('');
  return `ba${pid}${rand}`;
}

function run(file: string, argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, argv, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const cap = 64 * 1024 * 1024;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) child.kill('SIGKILL');
      else into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`[lab] cannot run ${file}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code: code ?? -1,
      });
    });
    child.stdin.on('error', () => {
      // the command may exit without reading its input
    });
    child.stdin.end(opts.input ?? '');
  });
}

async function mustRun(file: string, argv: string[], opts?: ExecOptions): Promise<ExecResult> {
  const result = await run(file, argv, opts);
  if (result.code !== 0) {
    throw new Error(
      `[lab] ${[file, ...argv].join(' ')} exited with ${result.code}: ${(result.stderr || result.stdout).trim()}`,
    );
  }
  return result;
}

/** Labs alive in this process, torn down synchronously at exit if a test forgot to. */
const liveLabs = new Map<string, () => void>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const cleanup of liveLabs.values()) {
      try {
        cleanup();
      } catch {
        // best effort at exit
      }
    }
  });
}

/** Kill the processes still inside a namespace (ours: every process there was started by a lab). */
function killNamespacePids(ip: string, ns: string): void {
  let pids: string[] = [];
  try {
    pids = execFileSync(ip, ['netns', 'pids', ns], { stdio: 'pipe', timeout: 5_000 })
      .toString()
      .split(/\s+/)
      .filter(Boolean);
  } catch {
    return;
  }
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function removeNamespaceSync(ip: string, ns: string): void {
  killNamespacePids(ip, ns);
  try {
    execFileSync(ip, ['netns', 'del', ns], { stdio: 'pipe', timeout: 10_000 });
  } catch {
    // not there
  }
  rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove lab namespaces left by runs that died without cleaning up (their pid, encoded in the
 * name, is gone). Only names matching this harness's own pattern are touched.
 */
export function sweepStaleLabs(): string[] {
  const ip = tool('ip');
  let names: string[] = [];
  try {
    names = execFileSync(ip, ['netns', 'list'], { stdio: 'pipe', timeout: 5_000 })
      .toString()
      .split('\n')
      .map((line) => line.split(' ')[0] ?? '')
      .filter(Boolean);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = NS_NAME.exec(name);
    if (!match?.[1]) continue;
    const pid = Number.parseInt(match[1], 36);
    if (pid === process.pid || pidAlive(pid)) continue;
    removeNamespaceSync(ip, name);
    removed.push(name);
  }
  // Their scratch dirs (`<tmp>/<prefix>-XXXXXX`) go too.
  const prefixes = new Set(removed.map((name) => name.slice(0, name.indexOf('-'))));
  for (const entry of prefixes.size > 0 ? readdirSync(tmpdir()) : []) {
    if (prefixes.has(entry.slice(0, entry.indexOf('-')))) {
      rmSync(join(tmpdir(), entry), { recursive: true, force: true });
    }
  }
  return removed;
}

function miniupnpdConfig(dir: string, extra: string[]): string {
  return `${[
    'ext_ifname=gww0',
    'listening_ip=gwl0',
    `http_port=${LAB_ADDRESSES.httpPort}`,
    'enable_natpmp=yes',
    'enable_upnp=yes',
    'secure_mode=no',
    'system_uptime=yes',
    `uuid=${LAB_ADDRESSES.uuid}`,
    `lease_file=${join(dir, 'miniupnpd.leases')}`,
    ...extra,
    `allow 1-65535 ${LAB_ADDRESSES.lanPrefix} 1-65535`,
    'deny 0-65535 0.0.0.0/0 0-65535',
  ].join('\n')}\n`;
}

/** Small program run in the lan namespace: poll an URL until it answers, within a deadline. */
const WAIT_FOR_HTTP = `
const [url, ms] = process.argv.slice(1);
const deadline = Date.now() + Number(ms);
for (;;) {
  try { const r = await fetch(url, { signal: AbortSignal.timeout(1000) }); if (r.ok) { await r.text(); process.exit(0); } } catch {}
  if (Date.now() > deadline) { console.error('no answer from ' + url); process.exit(1); }
  await new Promise((r) => setTimeout(r, 50));
}`;

/** Wrapper bundled around a module for runNode: call one export with JSON args, print JSON. */
function runnerSource(modulePath: string): string {
  return `import * as mod from ${JSON.stringify(modulePath)};
const [name, json] = process.argv.slice(2);
const out = (v) => new Promise((r) => process.stdout.write(JSON.stringify(v) + '\\n', r));
try {
  const fn = mod[name];
  if (typeof fn !== 'function') throw new Error('no exported function ' + name);
  const result = await fn(...JSON.parse(json));
  await out({ ok: true, result: result === undefined ? null : result });
} catch (e) {
  await out({ ok: false, error: { name: e?.name, code: e?.code, message: e?.message ?? String(e), details: e?.details } });
}
process.exit(0);
`;
}

/**
 * Build the lab: three namespaces, two veth pairs, routes, resolver files, the nftables skeleton,
 * and (unless `miniupnpd: false`) miniupnpd answering at `descUrl`. Throws on any failure after
 * removing what it made.
 */
export async function createLab(options: CreateLabOptions = {}): Promise<Lab> {
  const availability = labAvailability();
  if (!availability.ok) throw new Error(`[lab] unavailable: ${availability.reason}`);
  installExitHook();
  try {
    sweepStaleLabs();
  } catch {
    // a failed sweep must not stop this run
  }

  const ip = tool('ip');
  const nft = tool('nft');
  const upnpc = tool('upnpc');
  const prefix = newPrefix();
  const ns = { wan: `${prefix}-wan`, gw: `${prefix}-gw`, lan: `${prefix}-lan` };
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const pidFile = join(dir, 'miniupnpd.pid');
  const descUrl = `http://${LAB_ADDRESSES.gwLanIp}:${LAB_ADDRESSES.httpPort}/rootDesc.xml`;
  const teardownSteps: Array<() => void | Promise<void>> = [];
  const background = new Set<ChildProcess>();
  const bundles = new Map<string, Promise<string>>();
  let tornDown = false;

  const nsName = (which: LabNs): string => ns[which];
  const exec = (which: LabNs, argv: string[], opts?: ExecOptions) =>
    run(ip, ['netns', 'exec', nsName(which), ...argv], opts);
  const mustExec = (which: LabNs, argv: string[], opts?: ExecOptions) =>
    mustRun(ip, ['netns', 'exec', nsName(which), ...argv], opts);

  const cleanupSync = (): void => {
    for (const child of background) {
      if (child.exitCode === null && child.pid) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    // Deleting a namespace does not end its processes: kill what runs in ours (miniupnpd included),
    // by pid, found by namespace rather than by pidfile so that a stale pid can never hit another process.
    for (const name of Object.values(ns)) removeNamespaceSync(ip, name);
    rmSync(dir, { recursive: true, force: true });
  };
  liveLabs.set(prefix, cleanupSync);

  const teardown = async (): Promise<void> => {
    if (tornDown) return;
    tornDown = true;
    for (const step of teardownSteps.reverse()) {
      try {
        await step();
      } catch {
        // keep tearing down
      }
    }
    cleanupSync();
    liveLabs.delete(prefix);
  };

  try {
    for (const name of Object.values(ns)) {
      await mustRun(ip, ['netns', 'add', name]);
      // Own resolver: the host's nameserver is unreachable from here, and lookups would hang.
      const etc = `/etc/netns/${name}`;
      rmSync(etc, { recursive: true, force: true });
      mkdirSync(etc, { recursive: true });
      writeFileSync(join(etc, 'resolv.conf'), 'nameserver 127.0.0.1\n');
      writeFileSync(
        join(etc, 'hosts'),
        [
          '127.0.0.1 localhost',
          '::1 localhost ip6-localhost ip6-loopback',
          `${LAB_ADDRESSES.gwLanIp} gateway.lab`,
          `${LAB_ADDRESSES.lanIp} pc.lab`,
          `${LAB_ADDRESSES.wanPeerIp} internet.lab`,
          '',
        ].join('\n'),
      );
    }
    // Host-side veth names are unique per run; inside, each end gets its fixed name.
    await mustRun(ip, ['link', 'add', `${prefix}wa`, 'type', 'veth', 'peer', 'name', `${prefix}wb`]);
    await mustRun(ip, ['link', 'set', `${prefix}wa`, 'netns', ns.wan]);
    await mustRun(ip, ['link', 'set', `${prefix}wb`, 'netns', ns.gw]);
    await mustRun(ip, ['link', 'add', `${prefix}la`, 'type', 'veth', 'peer', 'name', `${prefix}lb`]);
    await mustRun(ip, ['link', 'set', `${prefix}la`, 'netns', ns.gw]);
    await mustRun(ip, ['link', 'set', `${prefix}lb`, 'netns', ns.lan]);
    const links: Array<[string, string, string, string]> = [
      [ns.wan, `${prefix}wa`, 'wan0', `${LAB_ADDRESSES.wanPeerIp}/24`],
      [ns.gw, `${prefix}wb`, 'gww0', `${LAB_ADDRESSES.wanIp}/24`],
      [ns.gw, `${prefix}la`, 'gwl0', `${LAB_ADDRESSES.gwLanIp}/24`],
      [ns.lan, `${prefix}lb`, 'lan0', `${LAB_ADDRESSES.lanIp}/24`],
    ];
    for (const [name, from, to, cidr] of links) {
      await mustRun(ip, ['-n', name, 'link', 'set', from, 'name', to]);
      await mustRun(ip, ['-n', name, 'addr', 'add', cidr, 'dev', to]);
      await mustRun(ip, ['-n', name, 'link', 'set', to, 'up']);
    }
    for (const name of Object.values(ns)) await mustRun(ip, ['-n', name, 'link', 'set', 'lo', 'up']);
    await mustRun(ip, ['netns', 'exec', ns.gw, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    await mustRun(ip, ['-n', ns.gw, 'route', 'add', 'default', 'via', LAB_ADDRESSES.wanPeerIp]);
    await mustRun(ip, ['-n', ns.lan, 'route', 'add', 'default', 'via', LAB_ADDRESSES.gwLanIp]);

    // Debian's nft_init.sh is broken: build the chains miniupnpd expects ourselves.
    const skeleton = join(dir, 'skeleton.nft');
    writeFileSync(skeleton, NFT_SKELETON);
    await mustExec('gw', [nft, '-f', skeleton]);

    if (options.miniupnpd !== false) {
      const config = join(dir, 'miniupnpd.conf');
      writeFileSync(config, miniupnpdConfig(dir, options.miniupnpdExtraConfig ?? []));
      // Without -d it daemonizes and writes its pid; -d would make every listing slow.
      await mustExec('gw', [tool('miniupnpd'), '-f', config, '-P', pidFile], { timeoutMs: 10_000 });
      await mustExec(
        'lan',
        [process.execPath, '--input-type=module', '-e', WAIT_FOR_HTTP, descUrl, '10000'],
        {
          timeoutMs: 15_000,
        },
      );
    }
  } catch (error) {
    await teardown();
    throw error;
  }

  const addMapping = async (m: MappingSpec): Promise<void> => {
    const client = m.client ?? LAB_ADDRESSES.lanIp;
    const desc = m.desc ?? `lab ${m.proto} ${m.ext}`;
    const argv = [upnpc, '-u', descUrl, '-e', desc, '-a', client, String(m.int), String(m.ext), m.proto];
    if (m.lease !== undefined) argv.push(String(m.lease));
    const result = await exec('lan', argv);
    if (result.code !== 0 || !/is redirected to internal/.test(result.stdout)) {
      throw new Error(
        `[lab] upnpc could not add ${m.proto} ${m.ext}->${client}:${m.int}: ${(result.stdout + result.stderr).trim()}`,
      );
    }
  };

  const addMappingsBulk = async (n: number, opts: BulkOptions = {}): Promise<MappingSpec[]> => {
    const start = opts.startPort ?? 20_000;
    if (start + n - 1 > 65_535) throw new Error(`[lab] ${n} mappings from port ${start} exceed 65535`);
    const specs: MappingSpec[] = Array.from({ length: n }, (_, i) => ({
      ext: start + i,
      int: start + i,
      proto: opts.proto ?? 'TCP',
      client: opts.client ?? LAB_ADDRESSES.lanIp,
      desc: `${opts.descPrefix ?? 'bulk'}${i}`,
      ...(opts.lease === undefined ? {} : { lease: opts.lease }),
    }));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < specs.length) {
        const spec = specs[next++];
        if (spec) await addMapping(spec);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
    return specs;
  };

  const bundle = (modulePath: string): Promise<string> => {
    const absolute = resolve(REPO_ROOT, modulePath);
    let built = bundles.get(absolute);
    if (!built) {
      built = (async () => {
        if (!existsSync(absolute)) throw new Error(`[lab] ${modulePath} does not exist (${absolute})`);
        const { build } = await import('esbuild');
        const bundleDir = join(dir, 'node');
        const nodeModules = join(bundleDir, 'node_modules');
        if (!existsSync(nodeModules)) {
          mkdirSync(bundleDir, { recursive: true });
          // npm packages stay external and resolve through this link to the repo's node_modules.
          symlinkSync(join(REPO_ROOT, 'node_modules'), nodeModules);
        }
        const outfile = join(bundleDir, `run-${bundles.size}-${Date.now().toString(36)}.mjs`);
        await build({
          stdin: {
            contents: runnerSource(absolute),
            resolveDir: REPO_ROOT,
            loader: 'js',
            sourcefile: 'runner.mjs',
          },
          bundle: true,
          platform: 'node',
          format: 'esm',
          target: 'node20',
          packages: 'external',
          outfile,
          logLevel: 'silent',
          define: { __BOXAUDIT_VERSION__: JSON.stringify('0.0.0-lab') },
        }).catch((error: unknown) => {
          const text = error instanceof Error ? error.message : String(error);
          throw new Error(`[lab] cannot bundle ${modulePath} to run in a namespace: ${text}`);
        });
        return outfile;
      })();
      bundles.set(absolute, built);
    }
    return built;
  };

  const runNode = async (
    modulePath: string,
    exportName: string,
    args: unknown[] = [],
    opts: RunNodeOptions = {},
  ): Promise<unknown> => {
    const file = await bundle(modulePath);
    const result = await exec(opts.ns ?? 'lan', [process.execPath, file, exportName, JSON.stringify(args)], {
      timeoutMs: opts.timeoutMs ?? 60_000,
    });
    const line = result.stdout.trim().split('\n').pop() ?? '';
    let parsed: { ok: boolean; result?: unknown; error?: Record<string, string> };
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(
        `[lab] ${exportName} from ${modulePath} printed no JSON (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`,
      );
    }
    if (!parsed.ok) throw new LabRemoteError(parsed.error ?? {});
    return parsed.result;
  };

  const runCli = async (
    args: string[],
    opts: RunNodeOptions & { input?: string; env?: Record<string, string> } = {},
  ): Promise<ExecResult> => {
    const cli = join(REPO_ROOT, 'dist', 'cli', 'main.js');
    if (!existsSync(cli)) throw new Error(`[lab] ${cli} is missing: run \`npm run build\` first`);
    return exec(opts.ns ?? 'lan', [process.execPath, cli, ...args], {
      timeoutMs: opts.timeoutMs ?? 60_000,
      ...(opts.input === undefined ? {} : { input: opts.input }),
      ...(opts.env === undefined ? {} : { env: opts.env }),
    });
  };

  const spawnBackground = (which: LabNs, argv: string[]): ChildProcess => {
    const child = spawn(ip, ['netns', 'exec', nsName(which), ...argv], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    background.add(child);
    child.on('exit', () => background.delete(child));
    return child;
  };

  const spawnNode = async (
    modulePath: string,
    exportName: string,
    args: unknown[] = [],
    opts: { ns?: LabNs } = {},
  ): Promise<ChildProcess> => {
    const file = await bundle(modulePath);
    return spawnBackground(opts.ns ?? 'lan', [process.execPath, file, exportName, JSON.stringify(args)]);
  };

  return {
    prefix,
    ns,
    gwLanIp: LAB_ADDRESSES.gwLanIp,
    lanIp: LAB_ADDRESSES.lanIp,
    wanIp: LAB_ADDRESSES.wanIp,
    wanPeerIp: LAB_ADDRESSES.wanPeerIp,
    descUrl,
    dir,
    exec,
    spawnBackground,
    spawnNode,
    onTeardown(step) {
      teardownSteps.push(step);
    },
    addMapping,
    addMappingsBulk,
    upnpcList: async () =>
      (await mustExec('lan', [upnpc, '-u', descUrl, '-l'], { timeoutMs: 120_000 })).stdout,
    nftRuleset: async () => (await mustExec('gw', [nft, 'list', 'ruleset'])).stdout,
    miniupnpdAlive: async () => {
      if (!existsSync(pidFile)) return false;
      const pid = readFileSync(pidFile, 'utf8').trim();
      const inGw = await run(ip, ['netns', 'pids', ns.gw]);
      return inGw.stdout.split(/\s+/).includes(pid);
    },
    runNode,
    runCli,
    teardown,
  };
}
