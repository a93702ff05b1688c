// Forward ids and the vendor record kept in provenance.raw (secrets must never reach a dump).
import { describe, expect, it } from 'vitest';
import { parseExportSnapshots } from '../../src/import.js';
import { type ForwardInput, withIds } from '../../src/model/forward.js';
import { fixture } from '../adapters/helpers.js';

const base: ForwardInput = {
  source: 'static',
  protocol: 'tcp',
  externalPort: { start: 104, end: 104 },
  internalHost: '192.168.1.20',
  internalPort: { start: 104, end: 104 },
  remoteHost: null,
  enabled: true,
  description: 'PACS',
  leaseSeconds: 0,
  provenance: { adapter: 'test', transport: 'file' },
};

describe('withIds', () => {
  it('gives the same forward listed twice two ids, stable across runs', () => {
    const [a, b] = withIds([base, base]);
    expect(a!.id).not.toBe(b!.id);
    expect(withIds([base, base]).map((f) => f.id)).toEqual([a!.id, b!.id]);
  });

  it('replaces credential-named fields of provenance.raw at any depth, keeps the rest', () => {
    const raw = {
      name: 'PACS',
      password: 'S3cret',
      'pre-shared-key': 'psk1',
      nested: { api_key: 'k1', list: [{ token: 't1', port: '104' }] },
      keepalive: '25',
    };
    const [f] = withIds([{ ...base, provenance: { adapter: 'test', transport: 'file', raw } }]);
    expect(f!.provenance.raw).toEqual({
      name: 'PACS',
      password: '[redacted]',
      'pre-shared-key': '[redacted]',
      nested: { api_key: '[redacted]', list: [{ token: '[redacted]', port: '104' }] },
      keepalive: '25',
    });
    expect(JSON.stringify(f)).not.toMatch(/S3cret|psk1|k1|t1/);
    expect(raw.password).toBe('S3cret'); // the caller's object is not changed
  });

  it('an OpenWrt redirect carrying a password never shows it in the snapshot', () => {
    const text = fixture('openwrt/uci-show.txt').replace(
      /^(firewall\.@redirect\[0\])=redirect$/m,
      "$1=redirect\n$1.password='S3cretPassw0rd'",
    );
    expect(text).toContain('S3cretPassw0rd');
    const [snapshot] = parseExportSnapshots(text, { fileName: 'uci' });
    expect(snapshot!.forwards.length).toBeGreaterThan(0);
    expect(JSON.stringify(snapshot)).not.toContain('S3cretPassw0rd');
  });
});
