import type { AdapterMeta } from './types.js';

/** AVM FRITZ!Box (TR-064): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const fritzboxMeta: AdapterMeta = {
  id: 'fritzbox',
  name: 'AVM FRITZ!Box (TR-064)',
  transports: ['http', 'https'],
  capabilities: ['static-forwards', 'upnp-mappings', 'upnp-state', 'remote-admin'],
  credentials: [{ anyOf: ['username'] }, { anyOf: ['password'] }],
  hostnames: ['fritz.box'],
  evidence: [
    // AVM: manufacturer "AVM Berlin" or "FRITZ! GmbH", model "FRITZ!Box 7590"; fritz.box.
    {
      fields: ['manufacturer', 'model', 'friendlyName', 'modelDescription', 'server', 'banner'],
      pattern: /fritz!?\s?box|fritz! gmbh|\bavm\b/i,
      weight: 0.9,
      reason: 'FRITZ!Box / AVM in the device description or banner',
    },
    {
      fields: ['hostname'],
      pattern: /^fritz\.box$/i,
      weight: 0.85,
      reason: 'fritz.box resolves to the gateway',
    },
    { fields: ['address'], pattern: /^192\.168\.178\.1$/, weight: 0.1, reason: 'FRITZ!Box default address' },
  ],
};
