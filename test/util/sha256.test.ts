import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/util/sha256.js';

describe('sha256Hex (pure JS, for the browser-safe reporters)', () => {
  it('gives the digest node:crypto gives, at every padding boundary and for non-ASCII text', () => {
    const inputs = [
      '',
      'abc',
      'BOX-MED-001\u0000http://192.168.1.1:49152/rootDesc.xml\u0000fwd_1',
      'é€😀\u202e',
    ];
    // Lengths around the 55/56/64-byte padding edges, and several blocks.
    for (const n of [54, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 70_000]) inputs.push('x'.repeat(n));
    for (const text of inputs) {
      expect(sha256Hex(text), `${text.length} chars`).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });

  it('matches the FIPS 180-4 example ("abc")', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
