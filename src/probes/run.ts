/**
 * The frame every probe runs in: the scope gate first, bounded sockets that are all destroyed at
 * the end, and errors turned into a result (`silent`, `different`, `error`, `skipped`), never thrown.
 */
import { BoxauditError, isBoxauditError } from '../errors.js';
import { recogniseService } from './recognise.js';
import { checkProbeScope } from './scope.js';
import { type Framer, ProbeSocket } from './socket.js';
import { hexPrefix, printable } from './text.js';
import {
  PROBE_DEFAULTS,
  type ProbeFacts,
  type ProbeOptions,
  type ProbeReason,
  type ProbeResult,
  type ProbeStatus,
  type ServiceFamily,
} from './types.js';

export interface ProbeOutcome {
  status: ProbeStatus;
  service: string | null;
  reason?: ProbeReason | null;
  facts: ProbeFacts;
}

export interface ProbeSession {
  /** Open a bounded connection to the probed `host:port` (at most {@link MAX_CONNECTIONS} per probe). */
  connect(options?: { tls?: boolean }): Promise<ProbeSocket>;
  /** Facts gathered so far are kept in the result even when the probe then fails. */
  facts: ProbeFacts;
}

/** A probe opens at most this many connections (SMB and RDP use two). */
export const MAX_CONNECTIONS = 2;

/** A framer for one CRLF-ended line of at most `max` bytes (`context` names the protocol in errors). */
export function crlfLine(context: string, max: number): Framer {
  return (buffer) => {
    const end = buffer.indexOf('\r\n');
    if (end >= 0) return end + 2;
    if (buffer.length > max) throw protocolError(context, `answer line longer than ${max} bytes`);
    return undefined;
  };
}

/** Connect, send one text command, and read the one CRLF-ended line it answers (latin1, trimmed). */
export async function askLine(session: ProbeSession, command: string, framer: Framer): Promise<string> {
  const socket = await session.connect();
  await socket.write(Buffer.from(`${command}\r\n`, 'latin1'));
  return (await socket.read(framer)).toString('latin1').trimEnd();
}

/** A malformed reply: the message names what and where. */
export function protocolError(context: string, what: string): BoxauditError {
  return new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `${context}: ${what}`);
}

export async function runProbe(
  family: ServiceFamily,
  host: string,
  port: number,
  options: ProbeOptions,
  body: (session: ProbeSession) => Promise<ProbeOutcome>,
): Promise<ProbeResult> {
  const sockets: ProbeSocket[] = [];
  const facts: ProbeFacts = {};
  const result = (outcome: ProbeOutcome): ProbeResult => ({
    family,
    host,
    port,
    status: outcome.status,
    service: outcome.service,
    reason: outcome.reason ?? null,
    facts: outcome.facts,
    bytesSent: sockets.reduce((sum, s) => sum + s.bytesSent, 0),
    bytesReceived: sockets.reduce((sum, s) => sum + s.bytesReceived, 0),
  });
  const decision = checkProbeScope(host, options.scope);
  if (!decision.allowed) return result({ status: 'skipped', service: null, reason: decision.reason, facts });
  if (options.signal?.aborted) return result({ status: 'skipped', service: null, reason: 'ABORTED', facts });
  const limits = {
    connectTimeoutMs: options.connectTimeoutMs ?? PROBE_DEFAULTS.connectTimeoutMs,
    readTimeoutMs: options.readTimeoutMs ?? PROBE_DEFAULTS.readTimeoutMs,
    maxBytes: options.maxBytes ?? PROBE_DEFAULTS.maxBytes,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const session: ProbeSession = {
    facts,
    async connect(connectOptions = {}) {
      if (sockets.length >= MAX_CONNECTIONS) throw new Error('probe opened too many connections');
      const socket = await ProbeSocket.open(host, port, { ...limits, tls: connectOptions.tls === true });
      sockets.push(socket);
      return socket;
    },
  };
  try {
    return result(await body(session));
  } catch (error) {
    return result(classify(error, sockets.at(-1) ?? null, facts, family === 'https' ? 'http' : family));
  } finally {
    for (const socket of sockets) socket.destroy();
  }
}

function classify(
  error: unknown,
  socket: ProbeSocket | null,
  facts: ProbeFacts,
  expected: string,
): ProbeOutcome {
  const first = socket?.firstBytes ?? Buffer.alloc(0);
  const other = recogniseService(first);
  const withReply = () => {
    if (first.length > 0) {
      facts.replyHex = hexPrefix(first);
      facts.replyText = printable(first, 80);
    }
  };
  if (!isBoxauditError(error)) {
    withReply();
    return { status: 'error', service: other, reason: 'PROTOCOL_ERROR', facts };
  }
  const phase = error.details.phase;
  switch (error.code) {
    case 'BOXAUDIT_ABORTED':
      return { status: 'skipped', service: null, reason: 'ABORTED', facts };
    case 'BOXAUDIT_NOT_ALLOWED':
    case 'BOXAUDIT_INPUT_INVALID':
      return { status: 'skipped', service: null, reason: 'NOT_AN_ADDRESS', facts };
    case 'BOXAUDIT_TIMEOUT':
      if (phase === 'connect') return { status: 'silent', service: null, reason: 'CONNECT_TIMEOUT', facts };
      if (first.length === 0) return { status: 'silent', service: null, reason: 'NO_REPLY', facts };
      break;
    case 'BOXAUDIT_TOO_LARGE':
      withReply();
      return { status: 'error', service: other, reason: 'TOO_LARGE', facts };
    case 'BOXAUDIT_NETWORK':
      if (phase === 'connect' && error.details.errno === 'ECONNREFUSED') {
        return { status: 'silent', service: null, reason: 'CONNECTION_REFUSED', facts };
      }
      if (error.details.tls === true) {
        withReply();
        return { status: 'different', service: other, reason: 'TLS_ERROR', facts };
      }
      if (first.length === 0) {
        return {
          status: 'silent',
          service: null,
          reason: phase === 'connect' ? 'NETWORK_ERROR' : 'CLOSED',
          facts,
        };
      }
      break;
    default:
      break;
  }
  withReply();
  if (other !== null && other !== expected)
    return { status: 'different', service: other, reason: null, facts };
  return {
    status: 'error',
    service: other,
    reason: error.code === 'BOXAUDIT_NETWORK' ? 'CLOSED' : 'PROTOCOL_ERROR',
    facts,
  };
}
