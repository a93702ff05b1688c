/**
 * The hairpin check (`--hairpin`, docs/probes.md): from the auditing machine, a TCP connection to
 * the box's own public address and each checked port, closed as soon as it is made — no byte
 * sent. Weaker evidence than the vantage check: the packets go to the box from the inside, and
 * many boxes do not loop them back to the LAN device (no "NAT loopback"), while some answer on
 * their public address with their own services. So a connection is `true` (weaker evidence, said
 * so in the report), and anything else is `null`, never `false`.
 *
 * The caller decides the address with `publicAddressOf` (the box's own report, public, not a LAN
 * address, never from a file); this module refuses again anything that is not an IP literal.
 */
import { isIP } from 'node:net';
import { isBoxauditError } from '../errors.js';
import type { ForwardReachability } from '../model/types.js';
import { boundedEach, type ReachLimits, type ReachReason, reached, reachLimits } from './reach.js';
import { ProbeSocket } from './socket.js';

export interface HairpinOptions {
  /** Bounds (defaults: 3 s to connect, 4 at a time, 64 ports, 30 s in all). */
  limits?: Partial<ReachLimits>;
}

export const HAIRPIN_DEFAULTS: Partial<ReachLimits> = { connectTimeoutMs: 3000, totalTimeMs: 30_000 };

function failure(error: unknown): ReachReason {
  if (isBoxauditError(error, 'BOXAUDIT_TIMEOUT')) return 'TIMEOUT';
  if (isBoxauditError(error, 'BOXAUDIT_NETWORK')) {
    const errno = error.details.errno;
    if (errno === 'ECONNREFUSED') return 'REFUSED';
    if (errno === 'EHOSTUNREACH' || errno === 'ENETUNREACH') return 'UNREACHABLE';
  }
  return 'CONNECT_FAILED';
}

/** Connect to `address` on each port and close at once; results in the order of `ports`. */
export async function checkHairpin(
  address: string,
  ports: readonly number[],
  options: HairpinOptions = {},
  ctx: { signal?: AbortSignal; log?: (line: string) => void } = {},
): Promise<ForwardReachability[]> {
  const limits = reachLimits({ ...HAIRPIN_DEFAULTS, ...options.limits });
  if (isIP(address) === 0) return ports.map(() => reached('hairpin', null, 'NO_PUBLIC_ADDRESS'));
  const total = AbortSignal.timeout(limits.totalTimeMs);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, total]) : total;
  const stopped = (): ForwardReachability =>
    reached('hairpin', null, ctx.signal?.aborted ? 'ABORTED' : 'BUDGET_TIME');
  return boundedEach(
    ports,
    limits.concurrency,
    signal,
    async (port) => {
      ctx.log?.(`hairpin: TCP connection to ${address}:${port} (no data)`);
      let socket: ProbeSocket | null = null;
      try {
        socket = await ProbeSocket.open(address, port, {
          connectTimeoutMs: limits.connectTimeoutMs,
          readTimeoutMs: limits.connectTimeoutMs,
          maxBytes: 1,
          signal,
        });
        return reached('hairpin', true, 'CONNECTED');
      } catch (error) {
        if (signal.aborted) return stopped();
        return reached('hairpin', null, failure(error));
      } finally {
        socket?.destroy();
      }
    },
    stopped,
  );
}
