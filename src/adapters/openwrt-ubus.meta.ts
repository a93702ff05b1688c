import type { AdapterMeta } from './types.js';

/** OpenWrt (ubus JSON-RPC): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const openwrtUbusMeta: AdapterMeta = {
  id: 'openwrt-ubus',
  name: 'OpenWrt (ubus JSON-RPC)',
  transports: ['http', 'https'],
  capabilities: ['static-forwards', 'dmz', 'ipv6-pinholes', 'upnp-state', 'upnp-mappings', 'remote-admin'],
  credentials: [{ anyOf: ['username'] }, { anyOf: ['password'] }],
  hostnames: ['openwrt.lan'],
  evidence: [
    // OpenWrt: manufacturer "OpenWrt", LuCI web UI.
    {
      fields: ['manufacturer', 'model', 'friendlyName', 'modelDescription', 'server', 'manufacturerUrl'],
      pattern: /openwrt/i,
      weight: 0.85,
      reason: 'OpenWrt in the device description',
    },
    {
      fields: ['banner'],
      pattern: /luci|openwrt/i,
      weight: 0.8,
      reason: 'LuCI web interface (ubus JSON-RPC likely)',
    },
    {
      fields: ['hostname'],
      pattern: /^openwrt(\.lan)?$/i,
      weight: 0.7,
      reason: 'openwrt.lan resolves to the gateway',
    },
  ],
};
