// Address kinds for the internalHostKind condition: loopback, LAN, private (non-global), public.
import { describe, expect, it } from 'vitest';
import { hostKind, KIND_BIT, parseIpv6Words, parseLanPrefixes } from '../../src/rules/host-kind.js';

const { lan, private: priv, loopback, public: pub } = KIND_BIT;

describe('IPv6 parsing', () => {
  it.each([
    ['::1', [0, 0, 0, 0, 0, 0, 0, 1]],
    ['::', [0, 0, 0, 0, 0, 0, 0, 0]],
    ['2001:db8::1', [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]],
    ['1:2:3:4:5:6:7:8', [1, 2, 3, 4, 5, 6, 7, 8]],
    ['fe80::', [0xfe80, 0, 0, 0, 0, 0, 0, 0]],
    ['::ffff:192.0.2.1', [0, 0, 0, 0, 0, 0xffff, 0xc000, 0x201]],
    ['64:ff9b::198.51.100.1', [0x64, 0xff9b, 0, 0, 0, 0, 0xc633, 0x6401]],
  ])('%s', (text, words) => {
    expect(parseIpv6Words(text)).toEqual(words);
  });

  it.each([
    '1:2:3:4:5:6:7',
    '1::2::3',
    '1:2:3:4:5:6:7::8',
    '12345::',
    'g::1',
    '::ffff:300.1.1.1',
    ':1',
    '1.2.3.4',
  ])('refuses %s', (text) => {
    expect(parseIpv6Words(text)).toBeNull();
  });
});

describe('host kinds', () => {
  const known = parseLanPrefixes(['192.168.1.0/24', '2001:db8:1::/64', 'not a prefix']);
  const unknown = parseLanPrefixes(null);

  it.each([
    ['192.168.1.20', lan],
    ['8.8.8.8', pub],
    ['203.0.113.7', pub],
    ['10.8.0.5', priv],
    ['172.17.0.2', priv],
    ['100.64.0.1', priv],
    ['169.254.10.1', priv],
    ['224.0.0.251', priv],
    ['127.0.0.1', loopback],
    ['127.8.8.8', loopback],
    ['0.0.0.0', loopback],
    [' 192.168.1.20 ', lan],
    ['2001:db8:1::10', lan],
    ['2001:db8:2::10', pub],
    ['fd12:3456::1', priv],
    ['fe80::1%eth0', priv],
    ['[::1]', loopback],
    ['::ffff:192.168.1.20', lan],
    ['::ffff:8.8.8.8', pub],
  ])('with known LAN prefixes, %s', (host, mask) => {
    expect(hostKind(host, known)).toEqual({ mask, unknown: null });
  });

  it('without LAN prefixes, private ranges stand for the LAN; a global IPv6 address is open', () => {
    expect(hostKind('10.8.0.5', unknown)).toEqual({ mask: lan, unknown: null });
    expect(hostKind('8.8.8.8', unknown)).toEqual({ mask: pub, unknown: null });
    expect(hostKind('127.0.0.1', unknown)).toEqual({ mask: loopback, unknown: null });
    expect(hostKind('fd00::1', unknown)).toEqual({ mask: lan, unknown: null });
    expect(hostKind('2a01:e0a::1', unknown)).toEqual({ mask: lan | pub, unknown: 'lanPrefixes' });
    // IPv4 prefixes known, IPv6 not: the IPv6 family is judged on its own.
    const v4only = parseLanPrefixes(['192.168.1.0/24']);
    expect(hostKind('2a01:e0a::1', v4only)).toEqual({ mask: lan | pub, unknown: 'lanPrefixes' });
    expect(hostKind('10.8.0.5', v4only)).toEqual({ mask: priv, unknown: null });
  });

  it.each([null, undefined, '', 'nas.lan', 'NAS_alias', '192.168.1.300', '192.168.1.0/24'])(
    'an unknown or unreadable host %j may be anything',
    (host) => {
      expect(hostKind(host as string | null, known)).toEqual({
        mask: lan | priv | loopback | pub,
        unknown: 'internalHost',
      });
    },
  );
});
