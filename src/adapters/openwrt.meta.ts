import type { AdapterMeta } from './types.js';

/** OpenWrt (UCI over SSH): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const openwrtMeta: AdapterMeta = {
  id: 'openwrt',
  name: 'OpenWrt (UCI over SSH)',
  transports: ['ssh', 'file'],
  capabilities: ['static-forwards', 'dmz', 'upnp-state', 'upnp-mappings', 'remote-admin', 'ipv6-pinholes'],
  credentials: [{ anyOf: ['username'] }, { anyOf: ['privateKey', 'agent', 'password'] }],
  hostnames: ['openwrt.lan'],
  evidence: [
    // OpenWrt: manufacturer "OpenWrt", LuCI web UI.
    {
      fields: ['manufacturer', 'model', 'friendlyName', 'modelDescription', 'server', 'manufacturerUrl'],
      pattern: /openwrt/i,
      weight: 0.85,
      reason: 'OpenWrt in the device description',
    },
    { fields: ['banner'], pattern: /openwrt/i, weight: 0.6, reason: 'OpenWrt web interface' },
    {
      fields: ['hostname'],
      pattern: /^openwrt(\.lan)?$/i,
      weight: 0.7,
      reason: 'openwrt.lan resolves to the gateway',
    },
  ],
};
