/**
 * The one table of special-purpose IPv4 blocks (src/model/addresses.ts) that the reachability check
 * and the InternetDB lookup decide with: each block's first and last address are in it, the
 * addresses just outside are public, and what is not a dotted IPv4 address is nothing.
 */
import { describe, expect, it } from 'vitest';
import { behindAnotherNat, isRfc1918, specialIpv4 } from '../../src/model/addresses.js';

describe('specialIpv4', () => {
  it('names each block at its edges, and the neighbours outside it are public', () => {
    const blocks: Array<[string, string, string, string | null, string | null]> = [
      // first, last, kind, the address before, the address after (null: no neighbour to check)
      ['10.0.0.0', '10.255.255.255', 'private', '9.255.255.255', '11.0.0.0'],
      ['172.16.0.0', '172.31.255.255', 'private', '172.15.255.255', '172.32.0.0'],
      ['192.168.0.0', '192.168.255.255', 'private', '192.167.255.255', '192.169.0.0'],
      ['100.64.0.0', '100.127.255.255', 'shared', '100.63.255.255', '100.128.0.0'],
      ['127.0.0.0', '127.255.255.255', 'loopback', '126.255.255.255', '128.0.0.0'],
      ['0.0.0.0', '0.255.255.255', 'not-public', null, '1.0.0.0'],
      ['169.254.0.0', '169.254.255.255', 'not-public', '169.253.255.255', '169.255.0.0'],
      ['192.0.0.0', '192.0.0.255', 'not-public', '191.255.255.255', '192.0.1.0'],
      ['192.0.2.0', '192.0.2.255', 'not-public', '192.0.1.255', '192.0.3.0'],
      ['198.18.0.0', '198.19.255.255', 'not-public', '198.17.255.255', '198.20.0.0'],
      ['198.51.100.0', '198.51.100.255', 'not-public', '198.51.99.255', '198.51.101.0'],
      ['203.0.113.0', '203.0.113.255', 'not-public', '203.0.112.255', '203.0.114.0'],
      ['224.0.0.0', '255.255.255.255', 'not-public', '223.255.255.255', null],
    ];
    for (const [first, last, kind, before, after] of blocks) {
      expect(specialIpv4(first), first).toBe(kind);
      expect(specialIpv4(last), last).toBe(kind);
      if (before !== null) expect(specialIpv4(before), before).toBeNull();
      if (after !== null) expect(specialIpv4(after), after).toBeNull();
    }
  });

  it('is null for what is not a dotted IPv4 address', () => {
    for (const text of ['', 'box.lan', '2001:db8::1', '::ffff:10.0.0.1', '10.0.0', '256.1.1.1']) {
      expect(specialIpv4(text), text).toBeNull();
    }
  });

  it('gives the private and shared answers the NAT checks use', () => {
    expect(isRfc1918('172.20.1.1')).toBe(true);
    expect(isRfc1918('100.64.0.1')).toBe(false);
    expect(behindAnotherNat('100.64.0.1')).toBe(true);
    expect(behindAnotherNat('192.168.1.1')).toBe(true);
    expect(behindAnotherNat('169.254.1.1')).toBe(false);
    expect(behindAnotherNat('8.8.8.8')).toBe(false);
    expect(behindAnotherNat('box.lan')).toBeNull();
  });
});
