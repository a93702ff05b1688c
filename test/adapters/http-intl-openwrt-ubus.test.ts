/**
 * The OpenWrt ubus adapter against a loopback simulator of OpenWrt's JSON-RPC `/ubus` endpoint, built
 * from the documented ubus/rpcd/UCI formats (src/sim/vendors/openwrt-ubus.ts): a PACS forward, an SMB
 * forward for "tcp udp", a disabled RDP forward restricted to one source, a DMZ redirect, an IPv6
 * pinhole, UPnP leases and HTTPS admin open on the WAN zone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { collectOpenwrtUbus, OPENWRT_UBUS_ALLOWLIST } from '../../src/adapters/openwrt-ubus.js';
import { isBoxauditError } from '../../src/errors.js';
import { startOpenwrtUbusSimulator } from '../../src/sim/vendors/openwrt-ubus.js';

const PASSWORD = 'owrt-secret-pw';
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function sim(options: Parameters<typeof startOpenwrtUbusSimulator>[0] = {}) {
  const s = await startOpenwrtUbusSimulator(options);
  close = () => s.close();
  return s;
}

describe('openwrt-ubus', () => {
  it('reads redirects, DMZ, pinholes, UPnP and remote admin, field by field', async () => {
    const box = await sim();
    const snap = await collectOpenwrtUbus({ url: box.url, credentials: { password: PASSWORD } });
    const f = (desc: string) => snap.forwards.filter((x) => x.description === desc);
    expect(f('PACS')).toEqual([
      expect.objectContaining({
        source: 'static',
        protocol: 'tcp',
        externalPort: { start: 104, end: 104 },
        internalHost: '192.168.1.20',
        internalPort: { start: 104, end: 104 },
        remoteHost: null,
        enabled: true,
      }),
    ]);
    // `proto tcp udp` becomes two forwards; dest_port defaults to src_dport.
    expect(f('NAS').map((x) => [x.protocol, x.internalPort])).toEqual([
      ['tcp', { start: 445, end: 445 }],
      ['udp', { start: 445, end: 445 }],
    ]);
    expect(f('RDP')[0]).toMatchObject({
      enabled: false,
      remoteHost: '203.0.113.5',
      internalPort: { start: 3389, end: 3389 },
    });
    expect(snap.dmz).toEqual({ enabled: true, host: '192.168.1.50' });
    expect(snap.forwards.some((x) => x.source === 'pinhole6' && x.internalHost === 'fd00::10')).toBe(true);
    expect(snap.upnp).toMatchObject({ enabled: true, mappingCount: 2 });
    expect(snap.forwards.filter((x) => x.source === 'upnp')).toHaveLength(2);
    expect(snap.remoteAdmin?.services).toContainEqual(
      expect.objectContaining({ service: 'https', port: 443, wan: true }),
    );
    expect(snap.coverage.find((c) => c.area === 'static-forwards')?.status).toBe('complete');
    // Only allowlisted, read-only calls reached the router.
    for (const r of box.requests) if (r.action) expect(OPENWRT_UBUS_ALLOWLIST).toContain(r.action);
    expect(JSON.stringify(snap)).not.toContain(PASSWORD);
  });

  it('a wrong password: BOXAUDIT_AUTH_FAILED, the password not echoed', async () => {
    const box = await sim();
    const error = await collectOpenwrtUbus({
      url: box.url,
      credentials: { password: 'nope-wrong-pw' },
    }).catch((e: unknown) => e);
    expect(isBoxauditError(error, 'BOXAUDIT_AUTH_FAILED'), String(error)).toBe(true);
    expect((error as Error).message).not.toContain('nope-wrong-pw');
  });

  it('a config the user may not read: the rest is kept, that area is an error in coverage', async () => {
    const box = await sim({ deniedConfigs: ['firewall'] });
    const snap = await collectOpenwrtUbus({ url: box.url, credentials: { password: PASSWORD } });
    expect(snap.coverage.find((c) => c.area === 'static-forwards')?.status).toBe('error');
    expect(snap.upnp?.enabled).toBe(true);
    expect(snap.warnings.map((w) => w.message).join('\n')).toMatch(/permission denied|firewall/i);
  });
});
