import type { AdapterMeta } from './types.js';

/** UniFi Network (UniFi OS console or self-hosted controller): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const unifiMeta: AdapterMeta = {
  id: 'unifi',
  name: 'UniFi Network (UniFi OS console or self-hosted controller)',
  transports: ['https', 'http'],
  capabilities: ['static-forwards', 'dmz', 'upnp-state', 'nat-pmp'],
  credentials: [{ anyOf: ['username'] }, { anyOf: ['password'] }],
  evidence: [
    // Ubiquiti: UniFi OS consoles (UDM-Pro, UDR, UCG, UXG).
    {
      fields: ['manufacturer', 'model', 'friendlyName', 'modelDescription', 'banner'],
      pattern: /unifi|\bud[mr](-|\s|\b)|\bucg\b|\buxg\b|dream (machine|router)/i,
      weight: 0.9,
      reason: 'UniFi console in the device description or banner',
    },
    {
      fields: ['manufacturer', 'manufacturerUrl'],
      pattern: /ubiquiti|ui\.com/i,
      weight: 0.5,
      reason: 'Ubiquiti device',
    },
  ],
};
