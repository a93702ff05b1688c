import type { AdapterMeta } from './types.js';

/** Orange Livebox (sysbus): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const liveboxMeta: AdapterMeta = {
  id: 'livebox',
  name: 'Orange Livebox (sysbus)',
  transports: ['http'],
  capabilities: ['static-forwards', 'upnp-mappings', 'upnp-state', 'dmz', 'ipv6-pinholes', 'remote-admin'],
  credentials: [{ anyOf: ['password'] }, { anyOf: ['username'], optional: true }],
  hostnames: ['livebox.home'],
  evidence: [
    // Orange: friendlyName "Orange Livebox", model "Residential Livebox …" (Arcadyan/Sagemcom/Sercomm); Funbox = Orange Polska's Livebox.
    {
      fields: ['manufacturer', 'model', 'friendlyName', 'modelDescription', 'banner'],
      pattern: /livebox/i,
      weight: 0.9,
      reason: 'Livebox in the device description or banner',
    },
    {
      fields: ['manufacturer', 'model', 'friendlyName', 'modelDescription'],
      pattern: /funbox/i,
      weight: 0.6,
      reason: 'Orange Funbox (Livebox family; sysbus API UNCONFIRMED on Funbox)',
    },
    {
      fields: ['hostname'],
      pattern: /^livebox(\.home)?$/i,
      weight: 0.85,
      reason: 'livebox.home resolves to the gateway',
    },
  ],
};
