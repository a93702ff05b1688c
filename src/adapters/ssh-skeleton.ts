/**
 * The SSH skeleton shared by the SSH adapters (linux, openwrt, routeros, edgeos, vyos, pfsense,
 * opnsense): the target's SSH options, one allowlist-guarded session closed on every path, and the
 * parts → snapshot step. The connection itself (host keys, ssh2, the allowlist guard) is
 * transport/ssh.ts; the parsers are in formats/.
 */
import { BoxauditError } from '../errors.js';
import { type ConfigParts, partsToSnapshot } from '../formats/config-parts.js';
import type { Snapshot } from '../model/types.js';
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_OUTPUT_BYTES,
  type HostKeyPolicy,
  type SshConnectOptions,
  type SshConnector,
  type SshSession,
  withSshConnection,
} from '../transport/ssh.js';
import type { CollectContext, CollectTarget } from './types.js';

export type { SshSession } from '../transport/ssh.js';

/** Options an SSH adapter reads from `CollectTarget.options` (all optional). */
export interface SshTargetOptions extends HostKeyPolicy {
  identityFile?: string;
  commandTimeoutMs?: number;
  maxOutputBytes?: number;
  /** Injected exec layer (unit tests); defaults to ssh2. */
  connector?: SshConnector;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Read the SSH options out of a CollectTarget, with type checks (bad types → BOXAUDIT_USAGE). */
export function sshTargetOptions(target: CollectTarget): SshTargetOptions {
  const o = target.options ?? {};
  const out: SshTargetOptions = {};
  // `knownHostsPath` is accepted as an alias (the CLI's name for it).
  const known = str(o.knownHostsFile) ?? str(o.knownHostsPath);
  if (known) out.knownHostsFile = known;
  if (typeof o.knownHosts === 'string') out.knownHosts = o.knownHosts;
  const hostKey = str(o.hostKey);
  if (hostKey) {
    if (!/^(SHA256:)?[A-Za-z0-9+/]{43}=?$/.test(hostKey.trim())) {
      throw new BoxauditError(
        'BOXAUDIT_USAGE',
        `host key fingerprint must look like SHA256:<43 base64 chars>`,
      );
    }
    out.hostKey = hostKey;
  }
  if (o.trustOnFirstUse === true) out.trustOnFirstUse = true;
  if (typeof o.onHostKey === 'function') out.onHostKey = o.onHostKey as HostKeyPolicy['onHostKey'];
  const id = str(o.identityFile);
  if (id) out.identityFile = id;
  if (typeof o.commandTimeoutMs === 'number' && o.commandTimeoutMs > 0)
    out.commandTimeoutMs = o.commandTimeoutMs;
  if (typeof o.maxOutputBytes === 'number' && o.maxOutputBytes > 0) out.maxOutputBytes = o.maxOutputBytes;
  if (typeof o.connector === 'function') out.connector = o.connector as SshConnector;
  return out;
}

/**
 * Open an SSH session for one adapter, run `fn` with an allowlist-guarded `run`, and always close.
 * @param allowlist exact command strings; anything else is refused with BOXAUDIT_NOT_ALLOWED before sending.
 */
export async function withSshSession<T>(
  adapter: string,
  allowlist: readonly string[],
  target: CollectTarget,
  ctx: CollectContext,
  fn: (session: SshSession) => Promise<T>,
): Promise<T> {
  const host = target.host;
  if (!host) throw new BoxauditError('BOXAUDIT_USAGE', `[${adapter}] a host is needed for SSH`);
  const port = target.port ?? 22;
  const creds = target.credentials ?? {};
  const username = creds.username;
  if (!username) throw new BoxauditError('BOXAUDIT_USAGE', `[${adapter}] a user name is needed for SSH`);
  const opts = sshTargetOptions(target);
  const hostKeys: HostKeyPolicy = {};
  for (const k of ['knownHostsFile', 'knownHosts', 'hostKey', 'trustOnFirstUse', 'onHostKey'] as const) {
    if (opts[k] !== undefined) (hostKeys as Record<string, unknown>)[k] = opts[k];
  }
  const connectOptions: SshConnectOptions = {
    adapter,
    host,
    port,
    username,
    hostKeys,
    connectTimeoutMs: ctx.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  };
  if (creds.privateKey !== undefined) connectOptions.privateKey = creds.privateKey;
  if (opts.identityFile !== undefined) connectOptions.identityFile = opts.identityFile;
  if (creds.passphrase !== undefined) connectOptions.passphrase = creds.passphrase;
  if (creds.password !== undefined) connectOptions.password = creds.password;
  if (creds.agent !== undefined) connectOptions.agent = creds.agent;
  return withSshConnection(
    connectOptions,
    allowlist,
    {
      signal: ctx.signal ?? new AbortController().signal,
      ...(opts.connector ? { connector: opts.connector } : {}),
      commandTimeoutMs: opts.commandTimeoutMs ?? ctx.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      maxOutputBytes: opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
      ...(ctx.log ? { log: ctx.log } : {}),
    },
    fn,
  );
}

/**
 * An SSH adapter's whole collect: read its configuration in one session (closed on every path), then
 * build the snapshot. `read` runs allowlisted commands and parses their output.
 */
export async function collectOverSsh(
  adapter: string,
  allowlist: readonly string[],
  target: CollectTarget,
  ctx: CollectContext,
  read: (session: SshSession) => Promise<ConfigParts>,
): Promise<Snapshot> {
  const collectedAt = new Date().toISOString();
  const parts = await withSshSession(adapter, allowlist, target, ctx, read);
  return partsToSnapshot(
    parts,
    { kind: 'vendor', address: `${target.host}:${target.port ?? 22}`, adapter },
    collectedAt,
  );
}
