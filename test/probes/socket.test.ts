/** The bounded exchange against hostile loopback servers written for the test. */
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { probeDicom } from '../../src/probes/dicom.js';
import { ProbeSocket } from '../../src/probes/socket.js';
import { BOUNDS, closeResponders, LOOPBACK_SCOPE, serve } from './peers.js';

afterEach(closeResponders);

const options = { scope: LOOPBACK_SCOPE, ...BOUNDS };

describe('bounded probe socket', () => {
  it('stops at the byte cap (an endless stream becomes TOO_LARGE, not a hang)', async () => {
    // An A-ASSOCIATE-AC header announcing 16000 bytes (within the PDU cap), then zeros without end.
    const port = await serve((socket) => {
      socket.write(Buffer.from([0x02, 0x00, 0x00, 0x00, 0x3e, 0x80]));
      const chunk = Buffer.alloc(4096);
      const pump = () => {
        while (!socket.destroyed && socket.write(chunk));
        if (!socket.destroyed) socket.once('drain', pump);
      };
      pump();
    });
    const result = await probeDicom('127.0.0.1', port, { ...options, maxBytes: 10_000 });
    expect(result).toMatchObject({ status: 'error', reason: 'TOO_LARGE' });
  });

  it('a peer that accepts and says nothing is silent (NO_REPLY) after the read timeout', async () => {
    const port = await serve(() => {});
    const result = await probeDicom('127.0.0.1', port, { ...options, readTimeoutMs: 300 });
    expect(result).toMatchObject({ status: 'silent', reason: 'NO_REPLY' });
  });

  it('a peer that closes at once is silent (CLOSED)', async () => {
    const port = await serve((socket) => socket.end());
    const result = await probeDicom('127.0.0.1', port, options);
    expect(result).toMatchObject({ status: 'silent', reason: 'CLOSED' });
  });

  it('a different service behind the port is named, its words printable and capped', async () => {
    const port = await serve((socket) => socket.end('SSH-2.0-Fake\x1b[31m\u202e\r\n'));
    const result = await probeDicom('127.0.0.1', port, options);
    expect(result).toMatchObject({ status: 'different', service: 'ssh' });
    expect(result.facts.replyText).toBe('SSH-2.0-Fake [31m');
  });

  it("the caller's AbortSignal ends a waiting probe as skipped/ABORTED", async () => {
    const port = await serve(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await probeDicom('127.0.0.1', port, { ...options, signal: controller.signal });
    expect(result).toMatchObject({ status: 'skipped', reason: 'ABORTED' });
  });

  it('leaves no abort listener behind on a long-lived signal', async () => {
    const port = await serve((socket) => socket.end('SSH-2.0-x\r\n'));
    const controller = new AbortController();
    for (let i = 0; i < 3; i++)
      await probeDicom('127.0.0.1', port, { ...options, signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('never resolves a name', async () => {
    await expect(
      ProbeSocket.open('localhost', 80, { connectTimeoutMs: 100, readTimeoutMs: 100, maxBytes: 10 }),
    ).rejects.toMatchObject({
      code: 'BOXAUDIT_NOT_ALLOWED',
    });
  });
});
