import type { AdapterMeta } from './types.js';

/** Bouygues Telecom Bbox (API v1): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const bboxMeta: AdapterMeta = {
  id: 'bbox',
  name: 'Bouygues Telecom Bbox (API v1)',
  transports: ['https', 'http'],
  capabilities: ['static-forwards', 'upnp-mappings', 'upnp-state', 'dmz', 'remote-admin'],
  credentials: [{ anyOf: ['password'] }],
  hostnames: ['mabbox.bytel.fr'],
  evidence: [
    // Bouygues: manufacturer "Bouygues Telecom", friendlyName "Bbox", model "Sagemcom F@st5688b".
    {
      fields: ['manufacturer', 'manufacturerUrl', 'banner'],
      pattern: /bouygues|bbox\.bouyguestelecom/i,
      weight: 0.9,
      reason: 'Bouygues Telecom in the device description',
    },
    { fields: ['friendlyName', 'banner'], pattern: /^bbox\b|\bbbox\b/i, weight: 0.7, reason: 'Bbox name' },
    {
      fields: ['hostname'],
      pattern: /^(mabbox\.bytel\.fr|bbox\.lan)$/i,
      weight: 0.85,
      reason: 'mabbox.bytel.fr resolves to the gateway',
    },
    {
      fields: ['address'],
      pattern: /^192\.168\.[01]\.254$/,
      weight: 0.1,
      reason: 'Freebox/Bbox default address',
    },
  ],
};
