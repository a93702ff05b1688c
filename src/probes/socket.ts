/**
 * A bounded TCP (or TLS) exchange with one peer: connect deadline, per-read deadline, a byte cap,
 * the caller's AbortSignal, and a socket that is always destroyed. The host must be an IP literal
 * (no name lookup: a name could resolve anywhere). Internal to src/probes/.
 */
import { isIP, Socket } from 'node:net';
import { type PeerCertificate, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { BoxauditError } from '../errors.js';

export interface SocketLimits {
  connectTimeoutMs: number;
  readTimeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
  /** Wrap the connection in TLS without verifying the peer (a probe reads the certificate, it does not trust it). */
  tls?: boolean;
}

/** Where an I/O failure happened; carried in `BoxauditError.details.phase`. */
export type SocketPhase = 'connect' | 'read' | 'write';

/**
 * Says whether `buffer` holds a complete message: its length in bytes, or undefined to keep reading.
 * May throw to reject malformed input.
 */
export type Framer = (buffer: Buffer) => number | undefined;

interface Waiter {
  framer: Framer;
  resolve: (message: Buffer) => void;
  reject: (error: unknown) => void;
}

export class ProbeSocket {
  bytesSent = 0;
  bytesReceived = 0;
  /** The first bytes the peer sent (up to 256), kept for recognising an unexpected service. */
  firstBytes: Buffer = Buffer.alloc(0);
  private buffer: Buffer = Buffer.alloc(0);
  private ended = false;
  private failure: unknown = null;
  private waiter: Waiter | null = null;
  private readonly onAbort = () => this.fail(aborted(this.context, this.limits.signal!));

  private constructor(
    private readonly socket: Socket | TLSSocket,
    private readonly limits: SocketLimits,
    private readonly context: string,
  ) {
    // Removed in destroy(): one long-lived caller signal serves many probes without piling up listeners.
    limits.signal?.addEventListener('abort', this.onAbort, { once: true });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => {
      this.ended = true;
      this.settle();
    });
    socket.on('error', (error) => this.fail(networkError(this.context, 'read', error)));
    socket.on('close', () => {
      this.ended = true;
      this.settle();
    });
  }

  /** Connect to `host:port` (IP literal) within the limits. */
  static open(host: string, port: number, limits: SocketLimits): Promise<ProbeSocket> {
    const context = `[probe] ${host.includes(':') ? `[${host}]` : host}:${port}`;
    if (isIP(host) === 0) {
      return Promise.reject(
        new BoxauditError(
          'BOXAUDIT_NOT_ALLOWED',
          `${context} is not an IP address (probes never resolve names)`,
        ),
      );
    }
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      return Promise.reject(new BoxauditError('BOXAUDIT_INPUT_INVALID', `${context} has no valid port`));
    }
    if (limits.signal?.aborted) return Promise.reject(aborted(context, limits.signal));
    return new Promise((resolve, reject) => {
      const socket = limits.tls
        ? tlsConnect({ host, port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] })
        : new Socket().connect({ host, port });
      const readyEvent = limits.tls ? 'secureConnect' : 'connect';
      let done = false;
      const finish = (error: unknown) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        limits.signal?.removeEventListener('abort', onAbort);
        socket.removeListener('error', onError);
        socket.removeListener(readyEvent, onReady);
        if (error) {
          socket.destroy();
          reject(error);
        } else {
          resolve(new ProbeSocket(socket, limits, context));
        }
      };
      const onReady = () => finish(null);
      const onError = (error: Error) => finish(networkError(context, 'connect', error));
      const onAbort = () => finish(aborted(context, limits.signal!));
      const timer = setTimeout(
        () =>
          finish(
            new BoxauditError(
              'BOXAUDIT_TIMEOUT',
              `${context} connect timed out after ${limits.connectTimeoutMs} ms`,
              { details: { phase: 'connect' } },
            ),
          ),
        limits.connectTimeoutMs,
      );
      socket.once(readyEvent, onReady);
      socket.once('error', onError);
      limits.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The peer's certificate when this is a TLS connection (never verified), else null. */
  peerCertificate(): PeerCertificate | null {
    const socket = this.socket as TLSSocket;
    if (typeof socket.getPeerCertificate !== 'function') return null;
    const cert = socket.getPeerCertificate(false);
    return cert && Object.keys(cert).length > 0 ? cert : null;
  }

  /** TLS protocol in use (`TLSv1.3`…) or null. */
  tlsProtocol(): string | null {
    const socket = this.socket as TLSSocket;
    return typeof socket.getProtocol === 'function' ? socket.getProtocol() : null;
  }

  write(data: Uint8Array): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.bytesSent += data.length;
    return new Promise((resolve, reject) => {
      this.socket.write(data, (error) =>
        error ? reject(networkError(this.context, 'write', error)) : resolve(),
      );
    });
  }

  /**
   * Wait for one complete message (as `framer` measures it) within the read deadline; it is
   * removed from the buffer and returned. Rejects on timeout, close before completion, cap, abort.
   */
  read(framer: Framer): Promise<Buffer> {
    if (this.waiter) return Promise.reject(new Error('ProbeSocket: one read at a time'));
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(
          new BoxauditError(
            'BOXAUDIT_TIMEOUT',
            `${this.context} no reply within ${this.limits.readTimeoutMs} ms`,
            { details: { phase: 'read', received: this.bytesReceived } },
          ),
        );
      }, this.limits.readTimeoutMs);
      this.waiter = {
        framer,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.settle();
    });
  }

  /**
   * Read one message as `framer` measures it, or else whatever came before the peer closed, the
   * cap was reached or the read deadline passed (`complete` false then). Only an abort rejects.
   */
  async readAtMost(
    framer: Framer = () => undefined,
  ): Promise<{ bytes: Buffer; complete: boolean; error: BoxauditError | null }> {
    try {
      return { bytes: await this.read(framer), complete: true, error: null };
    } catch (error) {
      if (!(error instanceof BoxauditError) || error.code === 'BOXAUDIT_ABORTED') throw error;
      const bytes = this.buffer;
      this.buffer = Buffer.alloc(0);
      return { bytes, complete: false, error };
    }
  }

  /** Close and destroy the socket (idempotent). */
  destroy(): void {
    this.ended = true;
    this.limits.signal?.removeEventListener('abort', this.onAbort);
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.failure) return;
    this.bytesReceived += chunk.length;
    if (this.firstBytes.length < 256) {
      this.firstBytes = Buffer.concat([this.firstBytes, chunk]).subarray(0, 256);
    }
    const room = this.limits.maxBytes - (this.bytesReceived - chunk.length);
    this.buffer = Buffer.concat([
      this.buffer,
      room < chunk.length ? chunk.subarray(0, Math.max(0, room)) : chunk,
    ]);
    if (this.bytesReceived > this.limits.maxBytes) {
      this.socket.destroy();
      this.fail(
        new BoxauditError(
          'BOXAUDIT_TOO_LARGE',
          `${this.context} sent more than ${this.limits.maxBytes} bytes`,
          {
            details: { phase: 'read' },
          },
        ),
      );
      return;
    }
    this.settle();
  }

  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = error;
    this.socket.destroy();
    this.settle();
  }

  private settle(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    if (this.buffer.length > 0) {
      let length: number | undefined;
      try {
        length = waiter.framer(this.buffer);
      } catch (error) {
        this.waiter = null;
        waiter.reject(error);
        return;
      }
      if (length !== undefined) {
        this.waiter = null;
        const message = this.buffer.subarray(0, length);
        this.buffer = this.buffer.subarray(length);
        waiter.resolve(message);
        return;
      }
    }
    if (this.failure) {
      this.waiter = null;
      waiter.reject(this.failure);
    } else if (this.ended) {
      this.waiter = null;
      waiter.reject(
        new BoxauditError(
          'BOXAUDIT_NETWORK',
          `${this.context} closed the connection before a complete reply`,
          {
            details: { phase: 'read', closed: true, received: this.bytesReceived },
          },
        ),
      );
    }
  }
}

function networkError(context: string, phase: SocketPhase, error: Error): BoxauditError {
  const code = (error as NodeJS.ErrnoException).code ?? null;
  return new BoxauditError('BOXAUDIT_NETWORK', `${context} ${phase} failed: ${code ?? error.message}`, {
    cause: error,
    details: { phase, errno: code, tls: code !== null && /^ERR_(SSL|TLS)/.test(code) },
  });
}

function aborted(context: string, signal: AbortSignal): BoxauditError {
  return new BoxauditError('BOXAUDIT_ABORTED', `${context} was aborted`, { cause: signal.reason });
}

/** Open, run `exchange`, and always destroy the socket. */
export async function withProbeSocket<T>(
  host: string,
  port: number,
  limits: SocketLimits,
  exchange: (socket: ProbeSocket) => Promise<T>,
): Promise<T> {
  const socket = await ProbeSocket.open(host, port, limits);
  try {
    return await exchange(socket);
  } finally {
    socket.destroy();
  }
}
