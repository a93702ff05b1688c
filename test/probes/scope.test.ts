import { describe, expect, it } from 'vitest';
import { probeDicom } from '../../src/probes/dicom.js';
import { checkProbeScope, parsePrefix } from '../../src/probes/scope.js';

const lan = { lanPrefixes: ['192.168.1.0/24', 'fd12:3456::/64'], excludedAddresses: ['192.168.1.254'] };

describe('probe scope gate', () => {
  it('admits a private address inside the LAN prefixes (IPv4, IPv6, IPv4-mapped)', () => {
    expect(checkProbeScope('192.168.1.10', lan)).toEqual({ allowed: true });
    expect(checkProbeScope('fd12:3456::10', lan)).toEqual({ allowed: true });
    expect(checkProbeScope('::ffff:192.168.1.10', lan)).toEqual({ allowed: true });
  });

  it('refuses the WAN address, other private ranges, public addresses and names', () => {
    expect(checkProbeScope('192.168.1.254', lan)).toEqual({ allowed: false, reason: 'WAN_ADDRESS' });
    expect(checkProbeScope('192.168.2.10', lan)).toEqual({ allowed: false, reason: 'OUT_OF_SCOPE' });
    expect(checkProbeScope('8.8.8.8', { lanPrefixes: ['0.0.0.0/0'] })).toEqual({
      allowed: false,
      reason: 'NOT_PRIVATE',
    });
    expect(checkProbeScope('169.254.1.1', { lanPrefixes: ['169.254.0.0/16'] })).toMatchObject({
      allowed: false,
    });
    expect(checkProbeScope('pacs.local', lan)).toEqual({ allowed: false, reason: 'NOT_AN_ADDRESS' });
  });

  it('never admits loopback through the LAN prefixes, even when a box claims 127.0.0.0/8 as its LAN', () => {
    const hostile = { lanPrefixes: ['127.0.0.0/8', '::1/128', '0.0.0.0/0'] };
    expect(checkProbeScope('127.0.0.1', hostile)).toEqual({ allowed: false, reason: 'LOOPBACK' });
    expect(checkProbeScope('::1', hostile)).toEqual({ allowed: false, reason: 'LOOPBACK' });
    expect(checkProbeScope('::ffff:127.0.0.1', hostile)).toEqual({ allowed: false, reason: 'LOOPBACK' });
  });

  it('admits loopback only through the explicit test-only prefixes', () => {
    expect(checkProbeScope('127.0.0.1', { lanPrefixes: [], testOnlyPrefixes: ['127.0.0.0/8'] })).toEqual({
      allowed: true,
    });
  });

  it('admits a private address on a local interface prefix', () => {
    expect(checkProbeScope('10.0.0.5', { lanPrefixes: [], localPrefixes: ['10.0.0.0/24'] })).toEqual({
      allowed: true,
    });
  });

  it('ignores malformed prefixes (they admit nothing)', () => {
    expect(parsePrefix('192.168.1.0/33')).toBeNull();
    expect(parsePrefix('192.168.1.0')).toBeNull();
    expect(parsePrefix('banana/8')).toBeNull();
    expect(checkProbeScope('192.168.1.10', { lanPrefixes: ['192.168.1.0/xx'] })).toMatchObject({
      allowed: false,
    });
  });

  it('a probe out of scope is skipped without any connection', async () => {
    const result = await probeDicom('127.0.0.1', 104, { scope: { lanPrefixes: ['127.0.0.0/8'] } });
    expect(result).toMatchObject({ status: 'skipped', reason: 'LOOPBACK', bytesSent: 0, bytesReceived: 0 });
  });
});
