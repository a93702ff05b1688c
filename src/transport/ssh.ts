/**
 * Read-only SSH transport for the router adapters (linux, openwrt, routeros, edgeos, vyos, pfsense, opnsense).
 *
 * - Host keys are always verified: a known_hosts file (plain or hashed entries, `[host]:port` form) or a
 *   pinned `SHA256:…` fingerprint; trust-on-first-use only when the caller asks for it.
 * - Every command is checked against the adapter's allowlist (exact strings) BEFORE anything is sent.
 * - Per-command deadline, output size cap, connection always closed.
 * - Secrets (password, key, passphrase) never appear in errors or logs.
 */
import { createHash, createHmac } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ConnectConfig, Client as SshClient } from 'ssh2';
import { abortError, BoxauditError } from '../errors.js';
import { MAX_KEY_FILE_BYTES, readBoundedFile, readFailure } from '../util/read-file.js';

type Ssh2 = typeof import('ssh2');
let ssh2Module: Promise<Ssh2> | undefined;

/**
 * ssh2 is loaded on the first SSH connection only, so nothing that merely imports an SSH adapter
 * (the registry, the CLI) loads it. ssh2 is CommonJS: Node's ESM loader cannot see
 * its named exports, so take them from the default export.
 */
export function loadSsh2(): Promise<Ssh2> {
  ssh2Module ??= import('ssh2').then((module) => (module as unknown as { default: Ssh2 }).default);
  return ssh2Module;
}
/** Default per-command deadline. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 15_000;
/** Default cap on one command's output (stdout + stderr): a router's NAT config is far smaller. */
export const DEFAULT_MAX_OUTPUT_BYTES = 8 * 1024 * 1024;
/** Default connect + handshake + auth deadline. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/** What one remote command returned. */
export interface CommandResult {
  command: string;
  stdout: string;
  stderr: string;
  /** Exit status; null when the server sent none (killed by a signal, or closed early). */
  exitCode: number | null;
}

/** The raw exec layer under the allowlist guard: the real ssh2 connection, or a fake in unit tests. */
export interface SshConnection {
  exec(command: string, options: { signal: AbortSignal; maxBytes: number }): Promise<CommandResult>;
  close(): void;
  /**
   * Ask the server to open a TCP connection to `host:port` (a `direct-tcpip` channel, RFC 4254
   * 7.2) and close the channel as soon as it opens, without sending a byte on it. Optional: a fake
   * connection in unit tests may leave it out. Used by the outside-in check (`--vantage`) only,
   * through {@link withSshTunnelChecks}, which allowlists the destinations.
   */
  tcpCheck?(host: string, port: number, options: { signal: AbortSignal }): Promise<TcpCheckOutcome>;
}

/**
 * What the server said about a `direct-tcpip` channel: `open` (it connected, the channel was closed
 * at once), `failed` with the RFC 4254 reason code (1 administratively prohibited, 2 connect
 * failed, 3 unknown channel type, 4 resource shortage; null when the server closed the channel
 * without one) and its description (peer text: printable, capped at 120 characters).
 */
export type TcpCheckOutcome =
  | { opened: true }
  | { opened: false; reasonCode: number | null; description: string };

/** Opens a raw connection (after host key verification and authentication). */
export type SshConnector = (
  options: SshConnectOptions,
  ctx: { signal: AbortSignal },
) => Promise<SshConnection>;

/** Host key policy. At least one way of verifying must be given, or `trustOnFirstUse`. */
export interface HostKeyPolicy {
  /** Path to a known_hosts file (plain or hashed entries). Default: `~/.ssh/known_hosts` when nothing else is given. */
  knownHostsFile?: string;
  /** known_hosts content given directly (tests, embedding). */
  knownHosts?: string;
  /** A pinned fingerprint, `SHA256:base64` as printed by `ssh-keygen -lf`. */
  hostKey?: string;
  /** Accept a host that is unknown to known_hosts (a changed key is still refused). Explicit opt-in only. */
  trustOnFirstUse?: boolean;
  /** Called with the presented key's fingerprint once it is accepted (for display or pinning). */
  onHostKey?: (info: { fingerprint: string; keyType: string; trustedOnFirstUse: boolean }) => void;
}

export interface SshConnectOptions {
  /** Adapter id, used as the error context. */
  adapter: string;
  host: string;
  port: number;
  username: string;
  /** Private key content (OpenSSH/PEM). */
  privateKey?: string | Buffer;
  /** Path to a private key file (read here, never logged). */
  identityFile?: string;
  passphrase?: string;
  password?: string;
  /** SSH agent socket path. */
  agent?: string;
  hostKeys: HostKeyPolicy;
  connectTimeoutMs?: number;
}

/** A session bound to one adapter's allowlist. */
export interface SshSession {
  /** Run one allowlisted command; anything else throws BOXAUDIT_NOT_ALLOWED without being sent. */
  run(command: string): Promise<CommandResult>;
}

function context(adapter: string, host: string, port: number): string {
  return `[${adapter}] ssh ${host}:${port}`;
}

/** `SHA256:…` fingerprint of an SSH public key blob, as OpenSSH prints it (base64 without padding). */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type name at the start of an SSH public key blob (`ssh-ed25519`, `rsa-sha2-…`, …). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const len = keyBlob.readUInt32BE(0);
  if (len <= 0 || len > 64 || 4 + len > keyBlob.length) return 'unknown';
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}

function normalizeFingerprint(fp: string): string {
  const text = fp.trim();
  const body = text.startsWith('SHA256:') ? text.slice(7) : text;
  return `SHA256:${body.replace(/=+$/, '')}`;
}

/** One usable known_hosts line. */
interface KnownHostEntry {
  patterns: string;
  keyType: string;
  keyBlob: Buffer;
  marker: string | null;
}

function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: string | null = null;
    if (fields[0]?.startsWith('@')) marker = fields.shift() ?? null;
    const [patterns, keyType, keyData] = fields;
    if (!patterns || !keyType || !keyData) continue;
    const keyBlob = Buffer.from(keyData, 'base64');
    if (keyBlob.length === 0) continue;
    out.push({ patterns, keyType, keyBlob, marker });
  }
  return out;
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
    'i',
  );
  return re.test(name);
}

/** Whether a known_hosts host field matches host:port (hashed `|1|salt|hash`, plain, globs, `!` negation). */
function hostMatches(patterns: string, host: string, port: number): boolean {
  const name = port === 22 ? host : `[${host}]:${port}`;
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  let matched = false;
  for (const p of patterns.split(',')) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) {
      matched = true;
    }
  }
  return matched;
}

/** Outcome of checking a presented host key; `ok` false carries a message naming both fingerprints. */
export type HostKeyVerdict =
  | { ok: true; fingerprint: string; keyType: string; trustedOnFirstUse: boolean }
  | { ok: false; message: string; presented: string; expected: string[] };

/**
 * Check a presented host key blob against the policy (pure; the known_hosts text is passed in).
 * A pinned fingerprint wins over known_hosts; an unknown host is accepted only with trustOnFirstUse;
 * a host listed with other keys (or a `@revoked` key) is always refused.
 */
export function verifyHostKey(
  keyBlob: Buffer,
  policy: { hostKey?: string; knownHostsText?: string | null; trustOnFirstUse?: boolean },
  host: string,
  port: number,
): HostKeyVerdict {
  const presented = fingerprintOf(keyBlob);
  const keyType = keyTypeOf(keyBlob);
  const where = port === 22 ? host : `[${host}]:${port}`;
  if (policy.hostKey !== undefined && policy.hostKey !== '') {
    const expected = normalizeFingerprint(policy.hostKey);
    if (expected === presented)
      return { ok: true, fingerprint: presented, keyType, trustedOnFirstUse: false };
    return {
      ok: false,
      presented,
      expected: [expected],
      message: `host key mismatch for ${where}: expected ${expected} (pinned), presented ${keyType} ${presented}`,
    };
  }
  const entries = parseKnownHosts(policy.knownHostsText ?? '').filter((e) =>
    hostMatches(e.patterns, host, port),
  );
  const revoked = entries.find((e) => e.marker === '@revoked' && e.keyBlob.equals(keyBlob));
  if (revoked) {
    return {
      ok: false,
      presented,
      expected: [],
      message: `host key for ${where} is marked @revoked in known_hosts: presented ${keyType} ${presented}`,
    };
  }
  const plain = entries.filter((e) => e.marker === null);
  if (plain.some((e) => e.keyBlob.equals(keyBlob))) {
    return { ok: true, fingerprint: presented, keyType, trustedOnFirstUse: false };
  }
  if (plain.length > 0) {
    const expected = plain.map((e) => `${e.keyType} ${fingerprintOf(e.keyBlob)}`);
    return {
      ok: false,
      presented,
      expected,
      message: `host key mismatch for ${where}: known_hosts expects ${expected.join(', ')}, presented ${keyType} ${presented} (possible man-in-the-middle, or the router was reinstalled)`,
    };
  }
  if (policy.trustOnFirstUse === true) {
    return { ok: true, fingerprint: presented, keyType, trustedOnFirstUse: true };
  }
  return {
    ok: false,
    presented,
    expected: [],
    message: `unknown host key for ${where}: expected (none: the host is not in known_hosts and no fingerprint is pinned), presented ${keyType} ${presented}; pin it with --host-key ${presented} after checking it on the router, or pass --trust-on-first-use`,
  };
}

/** Host key algorithms ssh2 negotiates, in its default order. */
const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
] as const;

/**
 * Host key algorithms with those known for this host first (as OpenSSH does), so that a host known by
 * its RSA key is not asked for its Ed25519 key and then wrongly reported as changed.
 */
export function preferredHostKeyAlgorithms(
  knownHostsText: string | null,
  host: string,
  port: number,
): string[] {
  const known = parseKnownHosts(knownHostsText ?? '')
    .filter((e) => e.marker === null && hostMatches(e.patterns, host, port))
    .flatMap((e) => (e.keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [e.keyType]))
    .filter((t) => (HOST_KEY_ALGORITHMS as readonly string[]).includes(t));
  return [...new Set([...known, ...HOST_KEY_ALGORITHMS])];
}

async function loadKnownHosts(policy: HostKeyPolicy, ctx: string): Promise<string | null> {
  if (policy.knownHosts !== undefined) return policy.knownHosts;
  const explicit = policy.knownHostsFile;
  const path = explicit ?? join(homedir(), '.ssh', 'known_hosts');
  try {
    return (await readBoundedFile(path, MAX_KEY_FILE_BYTES)).toString('utf8');
  } catch (cause) {
    if (explicit !== undefined) {
      throw new BoxauditError(
        'BOXAUDIT_HOST_KEY',
        `${ctx}: cannot read known_hosts file ${explicit} (${readFailure(cause)})`,
        { cause },
      );
    }
    return null;
  }
}

async function loadPrivateKey(options: SshConnectOptions, ctx: string): Promise<Buffer | string | undefined> {
  let key = options.privateKey;
  if (key === undefined && options.identityFile !== undefined) {
    try {
      key = await readBoundedFile(options.identityFile, MAX_KEY_FILE_BYTES);
    } catch (cause) {
      throw new BoxauditError(
        'BOXAUDIT_AUTH_FAILED',
        `${ctx}: cannot read identity file ${options.identityFile} (${readFailure(cause)})`,
        {
          cause,
        },
      );
    }
  }
  if (key === undefined) return undefined;
  const parsed = (await loadSsh2()).utils.parseKey(key, options.passphrase);
  if (parsed instanceof Error) {
    // ssh2's message says "encrypted"/"bad passphrase"/"unsupported"; it never contains the key or passphrase.
    const encrypted = /encrypt|passphrase/i.test(parsed.message);
    throw new BoxauditError(
      'BOXAUDIT_AUTH_FAILED',
      encrypted
        ? `${ctx}: the private key is encrypted and the passphrase is missing or wrong`
        : `${ctx}: the private key could not be read (${parsed.message})`,
    );
  }
  return key;
}

/** The real connector: ssh2 with host key verification, key/agent/password auth and a connect deadline. */
export const ssh2Connector: SshConnector = async (options, { signal }) => {
  const ctx = context(options.adapter, options.host, options.port);
  if (signal.aborted) throw abortError(signal, ctx);
  const policy = options.hostKeys;
  const knownHostsText =
    policy.hostKey !== undefined && policy.hostKey !== '' ? null : await loadKnownHosts(policy, ctx);
  const privateKey = await loadPrivateKey(options, ctx);
  if (privateKey === undefined && options.password === undefined && options.agent === undefined) {
    throw new BoxauditError(
      'BOXAUDIT_AUTH_FAILED',
      `${ctx}: no credentials given (an identity file, an agent socket or a password is needed)`,
    );
  }

  const { Client } = await loadSsh2();
  return new Promise<SshConnection>((resolve, reject) => {
    const client = new Client();
    let verdict: HostKeyVerdict | null = null;
    let settled = false;
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const timer = setTimeout(() => {
      fail(new BoxauditError('BOXAUDIT_TIMEOUT', `${ctx} connect timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const onAbort = () => fail(abortError(signal, `${ctx} connect`));
    signal.addEventListener('abort', onAbort, { once: true });

    function cleanup() {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
    function fail(err: BoxauditError) {
      if (settled) return;
      settled = true;
      cleanup();
      client.end();
      client.destroy();
      reject(err);
    }

    client.on('ready', () => {
      if (settled) {
        client.end();
        return;
      }
      settled = true;
      cleanup();
      if (verdict?.ok) {
        policy.onHostKey?.({
          fingerprint: verdict.fingerprint,
          keyType: verdict.keyType,
          trustedOnFirstUse: verdict.trustedOnFirstUse,
        });
      }
      resolve(wrapClient(client, ctx));
    });
    client.on('error', (err: Error & { level?: string }) => {
      if (verdict !== null && !verdict.ok) {
        fail(
          new BoxauditError('BOXAUDIT_HOST_KEY', `${ctx}: ${verdict.message}`, {
            details: { presented: verdict.presented, expected: verdict.expected },
          }),
        );
      } else if (err.level === 'client-authentication') {
        fail(
          new BoxauditError(
            'BOXAUDIT_AUTH_FAILED',
            `${ctx}: authentication failed for user ${options.username} (key, agent or password refused)`,
          ),
        );
      } else if (err.level === 'agent') {
        fail(new BoxauditError('BOXAUDIT_AUTH_FAILED', `${ctx}: the SSH agent failed (${err.message})`));
      } else if (err.level === 'client-timeout') {
        fail(new BoxauditError('BOXAUDIT_TIMEOUT', `${ctx} handshake timed out`));
      } else {
        fail(new BoxauditError('BOXAUDIT_NETWORK', `${ctx}: ${err.message}`, { cause: err }));
      }
    });

    const config: ConnectConfig = {
      host: options.host,
      port: options.port,
      username: options.username,
      readyTimeout: timeoutMs,
      // Only the methods the caller gave credentials for; no keyboard-interactive prompts.
      tryKeyboard: false,
      algorithms: {
        serverHostKey: preferredHostKeyAlgorithms(knownHostsText, options.host, options.port) as NonNullable<
          ConnectConfig['algorithms']
        >['serverHostKey'],
      },
      hostVerifier: (key: Buffer) => {
        verdict = verifyHostKey(
          key,
          {
            ...(policy.hostKey !== undefined ? { hostKey: policy.hostKey } : {}),
            knownHostsText,
            ...(policy.trustOnFirstUse !== undefined ? { trustOnFirstUse: policy.trustOnFirstUse } : {}),
          },
          options.host,
          options.port,
        );
        return verdict.ok;
      },
    };
    if (privateKey !== undefined) config.privateKey = privateKey;
    if (options.passphrase !== undefined) config.passphrase = options.passphrase;
    if (options.password !== undefined) config.password = options.password;
    if (options.agent !== undefined) config.agent = options.agent;
    try {
      client.connect(config);
    } catch (cause) {
      fail(new BoxauditError('BOXAUDIT_NETWORK', `${ctx}: cannot start the connection`, { cause }));
    }
  });
};

function wrapClient(client: SshClient, ctx: string): SshConnection {
  return {
    exec(command, { signal, maxBytes }) {
      return new Promise<CommandResult>((resolve, reject) => {
        if (signal.aborted) {
          reject(abortError(signal, `${ctx} ${JSON.stringify(command)}`));
          return;
        }
        let done = false;
        const chunks: { out: Buffer[]; err: Buffer[] } = { out: [], err: [] };
        let size = 0;
        let exitCode: number | null = null;
        const finish = (err: BoxauditError | null) => {
          if (done) return;
          done = true;
          signal.removeEventListener('abort', onAbort);
          if (err) reject(err);
          else
            resolve({
              command,
              stdout: Buffer.concat(chunks.out).toString('utf8'),
              stderr: Buffer.concat(chunks.err).toString('utf8'),
              exitCode,
            });
        };
        let streamRef: { close(): void } | null = null;
        const onAbort = () => {
          streamRef?.close();
          finish(abortError(signal, `${ctx} ${JSON.stringify(command)}`));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        client.exec(command, (err, stream) => {
          if (err) {
            finish(new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `${ctx}: exec refused: ${err.message}`));
            return;
          }
          streamRef = stream;
          if (done) {
            stream.close();
            return;
          }
          const take = (target: Buffer[]) => (data: Buffer) => {
            size += data.length;
            if (size > maxBytes) {
              stream.close();
              finish(
                new BoxauditError(
                  'BOXAUDIT_TOO_LARGE',
                  `${ctx} ${JSON.stringify(command)}: output exceeds ${maxBytes} bytes`,
                ),
              );
              return;
            }
            target.push(data);
          };
          stream.on('data', take(chunks.out));
          stream.stderr.on('data', take(chunks.err));
          stream.on('exit', (code: number | null) => {
            exitCode = typeof code === 'number' ? code : null;
          });
          stream.on('close', () => finish(null));
          stream.on('error', (e: Error) =>
            finish(new BoxauditError('BOXAUDIT_NETWORK', `${ctx}: ${e.message}`, { cause: e })),
          );
        });
      });
    },
    close() {
      client.end();
    },
    tcpCheck(host, port, { signal }) {
      return new Promise<TcpCheckOutcome>((resolve, reject) => {
        if (signal.aborted) {
          reject(abortError(signal, `${ctx} channel to ${host}:${port}`));
          return;
        }
        let done = false;
        const onAbort = () => {
          if (done) return;
          done = true;
          client.removeListener('close', onClose);
          reject(abortError(signal, `${ctx} channel to ${host}:${port}`));
        };
        // The connection dying is an SSH failure, never a port that did not answer.
        const onClose = () => {
          if (done) return;
          done = true;
          signal.removeEventListener('abort', onAbort);
          reject(
            new BoxauditError(
              'BOXAUDIT_NETWORK',
              `${ctx}: the SSH connection closed while opening a channel to ${host}:${port}`,
            ),
          );
        };
        signal.addEventListener('abort', onAbort, { once: true });
        client.once('close', onClose);
        // The origin fields are informative only (RFC 4254 7.2); nothing is written on the channel.
        client.forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
          signal.removeEventListener('abort', onAbort);
          client.removeListener('close', onClose);
          if (!err) {
            // Opened: close at once (also when the caller gave up meanwhile), without writing.
            stream.on('error', () => {});
            stream.close();
          }
          if (done) return;
          done = true;
          if (!err) {
            resolve({ opened: true });
            return;
          }
          const code = (err as Error & { reason?: unknown }).reason;
          const text = err.message.replace(/^\(SSH\) Channel open failure: /, '');
          resolve({
            opened: false,
            reasonCode: typeof code === 'number' ? code : null,
            description: text
              .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
              .slice(0, 120),
          });
        });
      });
    },
  };
}

/** How a session runs its commands (the SSH skeleton fills it from the target and the context). */
export interface SshSessionLimits {
  signal: AbortSignal;
  /** Injected exec layer (unit tests); defaults to ssh2. */
  connector?: SshConnector;
  commandTimeoutMs: number;
  maxOutputBytes: number;
  log?: (message: string) => void;
}

/**
 * Connect, run `fn` with an allowlist-guarded session, and always close.
 * @param allowlist exact command strings; anything else is refused with BOXAUDIT_NOT_ALLOWED before sending.
 */
export async function withSshConnection<T>(
  options: SshConnectOptions,
  allowlist: readonly string[],
  limits: SshSessionLimits,
  fn: (session: SshSession) => Promise<T>,
): Promise<T> {
  const where = context(options.adapter, options.host, options.port);
  limits.log?.(`${where}: connecting as ${options.username}`);
  const connection = await (limits.connector ?? ssh2Connector)(options, { signal: limits.signal });
  try {
    const session = guardedSession(options.adapter, allowlist, connection, {
      signal: limits.signal,
      timeoutMs: limits.commandTimeoutMs,
      maxBytes: limits.maxOutputBytes,
      where,
      ...(limits.log ? { log: limits.log } : {}),
    });
    return await fn(session);
  } finally {
    connection.close();
  }
}

/**
 * Wrap a raw connection so that only allowlisted commands are sent, each under its own deadline.
 * Exported for the conformance suite (a fake connection underneath records what was really sent).
 */
export function guardedSession(
  adapter: string,
  allowlist: readonly string[],
  connection: SshConnection,
  opts: {
    signal?: AbortSignal;
    timeoutMs?: number;
    maxBytes?: number;
    where?: string;
    log?: (m: string) => void;
  },
): SshSession {
  const allowed = new Set(allowlist);
  const where = opts.where ?? `[${adapter}] ssh`;
  return {
    async run(command) {
      if (!allowed.has(command)) {
        throw new BoxauditError(
          'BOXAUDIT_NOT_ALLOWED',
          `${where}: command ${JSON.stringify(command)} is not on the ${adapter} read-only allowlist; not sent`,
        );
      }
      const timeoutMs = opts.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
      opts.log?.(`${where}: ${command}`);
      try {
        return await connection.exec(command, {
          signal,
          maxBytes: opts.maxBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
        });
      } catch (err) {
        if (signal.aborted && !(err instanceof BoxauditError && err.code === 'BOXAUDIT_TOO_LARGE')) {
          if (opts.signal?.aborted) throw abortError(opts.signal, `${where} ${JSON.stringify(command)}`);
          throw new BoxauditError(
            'BOXAUDIT_TIMEOUT',
            `${where} ${JSON.stringify(command)} timed out after ${timeoutMs} ms`,
            { cause: err },
          );
        }
        throw err;
      }
    },
  };
}

/** A session that may only open `direct-tcpip` channels to the destinations it was given. */
export interface SshTunnelSession {
  /** Open and at once close a channel to `host:port`; a destination not allowed throws BOXAUDIT_NOT_ALLOWED unsent. */
  check(host: string, port: number, options: { signal: AbortSignal }): Promise<TcpCheckOutcome>;
}

/**
 * Connect (same host key rules, credentials and deadline as {@link withSshConnection}), run `fn`
 * with a session that can only open TCP channels to `allowed.host` on `allowed.ports` — no command
 * is ever run, no byte written on a channel — and always close.
 */
export async function withSshTunnelChecks<T>(
  options: SshConnectOptions,
  allowed: { host: string; ports: readonly number[] },
  limits: { signal: AbortSignal; connector?: SshConnector; log?: (message: string) => void },
  fn: (session: SshTunnelSession) => Promise<T>,
): Promise<T> {
  const where = context(options.adapter, options.host, options.port);
  limits.log?.(`${where}: connecting as ${options.username}`);
  const connection = await (limits.connector ?? ssh2Connector)(options, { signal: limits.signal });
  const ports = new Set(allowed.ports);
  try {
    return await fn({
      async check(host, port, { signal }) {
        if (host !== allowed.host || !ports.has(port)) {
          throw new BoxauditError(
            'BOXAUDIT_NOT_ALLOWED',
            `${where}: a channel to ${host}:${port} is not among the destinations allowed for this check; not sent`,
          );
        }
        if (!connection.tcpCheck) {
          throw new BoxauditError(
            'BOXAUDIT_PROTOCOL_ERROR',
            `${where}: this connection cannot open TCP channels`,
          );
        }
        limits.log?.(`${where}: TCP channel to ${host}:${port}`);
        return connection.tcpCheck(host, port, { signal });
      },
    });
  } finally {
    connection.close();
  }
}
