/**
 * The vantage check (`--vantage ssh://user@host[:port]`, docs/probes.md): from a host the user
 * controls outside the LAN, through the SSH transport (same host key rules, key or agent, same
 * redaction), the SSH server opens a TCP connection to the box's public address and each checked
 * port (a `direct-tcpip` channel: its own port forwarding). No command is run there and no byte is
 * written on a channel: it is closed as soon as it opens. Only the public address the box reported
 * and the forwards' public ports are allowed destinations (the transport refuses any other).
 *
 * - channel opened → `fromInternet: true` (`CONNECTED`);
 * - the server could not connect (RFC 4254 reason 2: refused, unreachable, timed out) → `false`;
 * - the channel did not open within the deadline → `false` (`TIMEOUT`: nothing answered);
 * - any SSH failure (connection, host key, authentication, forwarding refused by the server) →
 *   `null` for every port and a warning: never `false`.
 */
import { BoxauditError, isBoxauditError } from '../errors.js';
import type { ForwardReachability, Warning } from '../model/types.js';
import {
  type HostKeyPolicy,
  type SshConnectOptions,
  type SshConnector,
  type TcpCheckOutcome,
  withSshTunnelChecks,
} from '../transport/ssh.js';
import { boundedEach, type ReachLimits, type ReachReason, reached, reachLimits } from './reach.js';

/** Where the vantage host is and how to log in (key or agent; no password in the URL). */
export interface VantageOptions extends HostKeyPolicy {
  /** `ssh://user@host[:port]` (port 22 by default). */
  url: string;
  /** Private key content (OpenSSH/PEM). */
  privateKey?: string | Buffer;
  /** Path to a private key file (read by the transport, never logged). */
  identityFile?: string;
  passphrase?: string;
  /** SSH agent socket path. */
  agent?: string;
  /** SSH connect + handshake + authentication deadline (default 15 s). */
  sshConnectTimeoutMs?: number;
  /** Bounds of the channels (defaults: 5 s to open one, 4 at a time, 64 ports, 60 s in all). */
  limits?: Partial<ReachLimits>;
  /** Injected connection (unit tests); defaults to ssh2. @internal */
  connector?: SshConnector;
}

export interface VantageHost {
  username: string;
  host: string;
  port: number;
  /** `user@host:port`, as the report names it. */
  label: string;
}

/** The URL as an error may show it: a password in it is never repeated. */
function shownUrl(url: unknown): string {
  return String(url)
    .slice(0, 200)
    .replace(/^([a-z]+:\/\/[^/@:]*):[^@/]*@/i, '$1:[redacted]@');
}

/** Parse `ssh://user@host[:port]`; anything else (a password, a path, no user) is a usage error. */
export function parseVantageUrl(url: string): VantageHost {
  const bad = (why: string) =>
    new BoxauditError(
      'BOXAUDIT_USAGE',
      `--vantage must be ssh://user@host[:port] (${why}; got "${shownUrl(url)}")`,
    );
  if (typeof url !== 'string' || !/^ssh:\/\//i.test(url)) throw bad('the scheme must be ssh://');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad('not a URL');
  }
  if (parsed.password !== '') throw bad('no password in the URL: use a key or the SSH agent');
  if (parsed.username === '') throw bad('a user name is needed');
  if ((parsed.pathname !== '' && parsed.pathname !== '/') || parsed.search !== '' || parsed.hash !== '') {
    throw bad('no path, query or fragment');
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (host === '') throw bad('a host is needed');
  const port = parsed.port === '' ? 22 : Number(parsed.port);
  const username = decodeURIComponent(parsed.username);
  if (/[\s@:/]/.test(username)) throw bad('the user name has a character SSH user names do not have');
  const shown = host.includes(':') ? `[${host}]` : host;
  return { username, host, port, label: `${username}@${shown}:${port}` };
}

/** The outcome of a vantage check over a list of ports. */
export interface VantageResult {
  /** One result per port, in the order given. */
  results: ForwardReachability[];
  /** Set when the SSH side failed (every result is then null). */
  warning: Warning | null;
  /** Whether an SSH connection to the vantage host was attempted (it is then said in `sentOutside`). */
  contacted: boolean;
}

/** RFC 4254 reason 2 (connect failed) with the server's words: which false it is. */
function connectFailure(description: string): ReachReason {
  if (/refused/i.test(description)) return 'REFUSED';
  if (/unreachable|no route/i.test(description)) return 'UNREACHABLE';
  if (/timed? ?out/i.test(description)) return 'TIMEOUT';
  return 'CONNECT_FAILED';
}

function fromOutcome(o: TcpCheckOutcome): ForwardReachability {
  if (o.opened) return reached('vantage', true, 'CONNECTED');
  if (o.reasonCode === 2) return reached('vantage', false, connectFailure(o.description));
  // 1 administratively prohibited (AllowTcpForwarding no, PermitOpen), 3, 4, or none: the vantage
  // side did not try: nothing is known about the box.
  return reached('vantage', null, o.reasonCode === 1 ? 'VANTAGE_PROHIBITED' : 'VANTAGE_ERROR');
}

function sshFailureReason(error: unknown): ReachReason {
  if (!isBoxauditError(error)) return 'VANTAGE_SSH_FAILED';
  if (error.code === 'BOXAUDIT_HOST_KEY') return 'VANTAGE_HOST_KEY';
  if (error.code === 'BOXAUDIT_AUTH_FAILED') return 'VANTAGE_AUTH_FAILED';
  if (error.code === 'BOXAUDIT_ABORTED') return 'ABORTED';
  return 'VANTAGE_SSH_FAILED';
}

/**
 * From the vantage host, try `address` on each of `ports` (the caller has checked the address
 * with `publicAddressOf`). Never throws for a network or SSH outcome; a malformed URL is a
 * usage error.
 */
export async function checkFromVantage(
  address: string,
  ports: readonly number[],
  options: VantageOptions,
  ctx: { signal?: AbortSignal; log?: (line: string) => void } = {},
): Promise<VantageResult> {
  const vantage = parseVantageUrl(options.url);
  const limits = reachLimits(options.limits);
  if (ports.length === 0) return { results: [], warning: null, contacted: false };
  const total = AbortSignal.timeout(limits.totalTimeMs);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, total]) : total;
  const connect: SshConnectOptions = {
    adapter: 'vantage',
    host: vantage.host,
    port: vantage.port,
    username: vantage.username,
    hostKeys: {
      ...(options.knownHostsFile !== undefined ? { knownHostsFile: options.knownHostsFile } : {}),
      ...(options.knownHosts !== undefined ? { knownHosts: options.knownHosts } : {}),
      ...(options.hostKey !== undefined ? { hostKey: options.hostKey } : {}),
      ...(options.trustOnFirstUse !== undefined ? { trustOnFirstUse: options.trustOnFirstUse } : {}),
      ...(options.onHostKey !== undefined ? { onHostKey: options.onHostKey } : {}),
    },
    connectTimeoutMs: options.sshConnectTimeoutMs ?? 15_000,
    ...(options.privateKey !== undefined ? { privateKey: options.privateKey } : {}),
    ...(options.identityFile !== undefined ? { identityFile: options.identityFile } : {}),
    ...(options.passphrase !== undefined ? { passphrase: options.passphrase } : {}),
    ...(options.agent !== undefined ? { agent: options.agent } : {}),
  };
  const stopped = (): ForwardReachability =>
    reached('vantage', null, ctx.signal?.aborted ? 'ABORTED' : 'BUDGET_TIME');
  try {
    const results = await withSshTunnelChecks(
      connect,
      { host: address, ports },
      {
        signal,
        ...(options.connector ? { connector: options.connector } : {}),
        ...(ctx.log ? { log: ctx.log } : {}),
      },
      (session) =>
        boundedEach(
          ports,
          limits.concurrency,
          signal,
          async (port) => {
            const deadline = AbortSignal.timeout(limits.connectTimeoutMs);
            try {
              return fromOutcome(
                await session.check(address, port, { signal: AbortSignal.any([signal, deadline]) }),
              );
            } catch (error) {
              if (signal.aborted) return stopped();
              if (deadline.aborted) return reached('vantage', false, 'TIMEOUT');
              throw error;
            }
          },
          stopped,
        ),
    );
    return { results, warning: null, contacted: true };
  } catch (error) {
    const reason: ReachReason = ctx.signal?.aborted
      ? 'ABORTED'
      : total.aborted &&
          (isBoxauditError(error, 'BOXAUDIT_ABORTED') || isBoxauditError(error, 'BOXAUDIT_TIMEOUT'))
        ? 'BUDGET_TIME'
        : sshFailureReason(error);
    const message = error instanceof Error ? error.message : String(error);
    return {
      results: ports.map(() => reached('vantage', null, reason)),
      warning: {
        code: 'VANTAGE_FAILED',
        message: `the outside-in check through the vantage host ${vantage.label} failed, so whether the Internet reaches each forward is unknown (not a pass): ${message.slice(0, 400)}`,
        where: vantage.label,
      },
      contacted: true,
    };
  }
}
