/**
 * VNC and RDP probes against loopback responders written here from the specifications (RFC 6143
 * 7.1 for RFB; MS-RDPBCGR 2.2.1.1-2.2.1.2 for the X.224 negotiation): no VNC or RDP server runs
 * unprivileged here without a display stack. Each responder checks what the probe sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connectionRequest, probeRdp } from '../../src/probes/rdp.js';
import { probeVnc } from '../../src/probes/vnc.js';
import { BOUNDS, closeResponders, LOOPBACK_SCOPE, serve } from './peers.js';

const options = { scope: LOOPBACK_SCOPE, ...BOUNDS };
const received: Buffer[] = [];
afterEach(async () => {
  received.length = 0;
  await closeResponders();
});

/** An RFB server: sends `version`, waits for the client's 12-byte version, then sends `security`. */
function rfbServer(version: string, security: (clientVersion: string) => Buffer): Promise<number> {
  return serve((socket) => {
    socket.write(version);
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      received.push(chunk);
      if (buffer.length === 12) socket.write(security(buffer.toString('latin1')));
    });
  });
}

describe('VNC probe (RFB responder from RFC 6143)', () => {
  it('a 3.8 server offering None and VNC Authentication: None is offered', async () => {
    const port = await rfbServer('RFB 003.008\n', () => Buffer.from([2, 1, 2]));
    const result = await probeVnc('127.0.0.1', port, options);
    expect(result).toMatchObject({ status: 'confirmed', service: 'vnc', bytesSent: 12 });
    expect(result.facts).toMatchObject({
      rfbVersion: '003.008',
      rfbVersionSent: '003.008',
      securityTypes: [1, 2],
      securityTypeNames: ['None', 'VNC Authentication'],
      noneOffered: true,
    });
    expect(Buffer.concat(received).toString('latin1')).toBe('RFB 003.008\n'); // it never picks a type
  });

  it('a 3.3 server imposing VNC Authentication: answered in 3.3, None not offered', async () => {
    const port = await rfbServer('RFB 003.003\n', (v) => {
      expect(v).toBe('RFB 003.003\n');
      return Buffer.from([0, 0, 0, 2]);
    });
    const result = await probeVnc('127.0.0.1', port, options);
    expect(result.facts).toMatchObject({ rfbVersionSent: '003.003', securityTypes: [2], noneOffered: false });
  });

  it('a refusal with a reason keeps the reason, printable and capped', async () => {
    const reason = Buffer.from('Too many security failures\x1b[2J');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(reason.length, 0);
    const port = await rfbServer('RFB 003.008\n', () => Buffer.concat([Buffer.from([0]), length, reason]));
    const result = await probeVnc('127.0.0.1', port, options);
    expect(result.facts).toMatchObject({
      securityTypes: [],
      failureReason: 'Too many security failures [2J',
    });
  });

  it('something that is not RFB is not confirmed', async () => {
    const port = await serve((socket) => socket.write('SSH-2.0-dropbear\r\n'));
    const result = await probeVnc('127.0.0.1', port, options);
    expect(result).toMatchObject({ status: 'different', service: 'ssh' });
  });
});

/** An RDP server answering each Connection Request through `answer(requestedProtocols)`. */
function rdpServer(answer: (requested: number) => Buffer): Promise<number> {
  return serve((socket) => {
    socket.once('data', (request) => {
      received.push(request);
      expect(request[5]).toBe(0xe0);
      socket.write(answer(request.readUInt32LE(15)));
    });
  });
}

function confirm(type: 2 | 3, value: number): Buffer {
  const b = connectionRequest(0);
  b[5] = 0xd0; // CC TPDU
  b[11] = type;
  b.writeUInt32LE(value, 15);
  return b;
}

describe('RDP probe (X.224 responder from MS-RDPBCGR)', () => {
  it('writes the 19-byte Connection Request with RDP_NEG_REQ for TLS|CredSSP', () => {
    expect(connectionRequest(3).toString('hex')).toBe('030000130ee000000000000100080003000000');
  });

  it('CredSSP selected and TLS alone refused: NLA required', async () => {
    const port = await rdpServer((requested) => (requested === 1 ? confirm(3, 5) : confirm(2, 2)));
    const result = await probeRdp('127.0.0.1', port, options);
    expect(result).toMatchObject({ status: 'confirmed', service: 'rdp' });
    expect(result.facts).toMatchObject({
      selectedProtocol: 'credssp',
      nlaRequired: true,
      tlsOnlyAnswer: 'hybrid-required-by-server',
    });
    expect(received.map((r) => r.readUInt32LE(15))).toEqual([3, 1]);
  });

  it('CredSSP selected but TLS alone accepted: NLA not required', async () => {
    const port = await rdpServer((requested) => confirm(2, requested === 1 ? 1 : 2));
    const result = await probeRdp('127.0.0.1', port, options);
    expect(result.facts).toMatchObject({
      selectedProtocol: 'credssp',
      nlaRequired: false,
      tlsOnlyAnswer: 'tls',
    });
  });

  it('an old server without negotiation: standard RDP security, no NLA', async () => {
    const port = await rdpServer(() => {
      const b = Buffer.from('0300000b06d00000123400', 'hex');
      return b;
    });
    const result = await probeRdp('127.0.0.1', port, options);
    expect(result.facts).toMatchObject({ selectedProtocol: 'rdp-standard', nlaRequired: false });
  });

  it('a negotiation failure is recorded by name', async () => {
    const port = await rdpServer(() => confirm(3, 2));
    const result = await probeRdp('127.0.0.1', port, options);
    expect(result.facts).toMatchObject({
      negotiationFailure: 'ssl-not-allowed-by-server',
      nlaRequired: null,
    });
  });
});
