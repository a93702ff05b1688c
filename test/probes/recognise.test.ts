import { describe, expect, it } from 'vitest';
import { recogniseService } from '../../src/probes/recognise.js';

describe('recogniseService (first bytes of an unexpected reply)', () => {
  it('names the common services and nothing else', () => {
    expect(recogniseService(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n'))).toBe('ssh');
    expect(recogniseService(Buffer.from('HTTP/1.1 400 Bad Request\r\n'))).toBe('http');
    expect(recogniseService(Buffer.from('RFB 003.008\n'))).toBe('vnc');
    expect(recogniseService(Buffer.from('220 ready\r\n'))).toBe('ftp-or-smtp');
    expect(recogniseService(Buffer.from([0xff, 0xfd, 0x18]))).toBe('telnet');
    expect(recogniseService(Buffer.from([0x03, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x01, 0x01, 0x07]))).toBe(
      'dicom',
    );
    expect(recogniseService(Buffer.from('\x15\x03\x03\x00\x02\x02\x46', 'latin1'))).toBe('tls');
    expect(recogniseService(Buffer.concat([Buffer.from([0x20, 0, 0, 0, 10]), Buffer.from('8.0.36\0')]))).toBe(
      'mysql',
    );
    expect(recogniseService(Buffer.from('hello'))).toBeNull();
    expect(recogniseService(Buffer.alloc(0))).toBeNull();
  });
});
