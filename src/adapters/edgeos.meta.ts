import type { AdapterMeta } from './types.js';

/** Ubiquiti EdgeRouter / EdgeOS (SSH): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const edgeosMeta: AdapterMeta = {
  id: 'edgeos',
  name: 'Ubiquiti EdgeRouter / EdgeOS (SSH)',
  transports: ['ssh', 'file'],
  capabilities: ['static-forwards', 'dmz', 'upnp-state', 'remote-admin'],
  credentials: [{ anyOf: ['username'] }, { anyOf: ['privateKey', 'agent', 'password'] }],
  evidence: [
    // Ubiquiti EdgeRouter.
    {
      fields: ['manufacturer', 'model', 'friendlyName', 'modelDescription', 'banner', 'server'],
      pattern: /edge\s?os|edge\s?router|\bER-X\b/i,
      weight: 0.9,
      reason: 'EdgeOS / EdgeRouter',
    },
    {
      fields: ['manufacturer', 'manufacturerUrl'],
      pattern: /ubiquiti|ui\.com/i,
      weight: 0.3,
      reason: 'Ubiquiti device',
    },
  ],
};
