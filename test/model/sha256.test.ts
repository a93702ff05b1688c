import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/model/sha256.js';

const reference = (text: string) => createHash('sha256').update(text).digest('hex');

describe('sha256Hex (the forward ids, without loading node:crypto)', () => {
  it('gives the known digests', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('agrees with node:crypto on every length around the block boundaries and on non-ASCII text', () => {
    for (let n = 0; n <= 200; n++) {
      const ascii = 'x'.repeat(n);
      expect(sha256Hex(ascii)).toBe(reference(ascii));
    }
    for (const text of [
      'upnp-igd|upnp|tcp|8080|192.168.1.10|80|*',
      'freebox|nat|udp|1000-2000|?|1000-2000|203.0.113.7|1',
      'é'.repeat(31),
      'é'.repeat(32),
      'ポート転送|🙂|\u0000|\uffff',
      'a'.repeat(1000),
    ]) {
      expect(sha256Hex(text)).toBe(reference(text));
    }
  });

  it('agrees with node:crypto on random strings', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 300; i++) {
      const length = next() % 150;
      let text = '';
      for (let j = 0; j < length; j++) {
        const r = next() % 10;
        text += String.fromCharCode(
          r < 7 ? 32 + (next() % 95) : r < 9 ? 0xa0 + (next() % 0x700) : 0x3000 + (next() % 0x2000),
        );
      }
      expect(sha256Hex(text)).toBe(reference(text));
    }
  });
});
