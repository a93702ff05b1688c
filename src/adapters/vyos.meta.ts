import type { AdapterMeta } from './types.js';

/** VyOS 1.3+ (SSH): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const vyosMeta: AdapterMeta = {
  id: 'vyos',
  name: 'VyOS 1.3+ (SSH)',
  transports: ['ssh', 'file'],
  capabilities: ['static-forwards', 'dmz', 'upnp-state', 'remote-admin'],
  credentials: [{ anyOf: ['username'] }, { anyOf: ['privateKey', 'agent', 'password'] }],
  evidence: [
    {
      fields: [
        'server',
        'manufacturer',
        'model',
        'friendlyName',
        'modelDescription',
        'manufacturerUrl',
        'banner',
      ],
      pattern: /vyos/i,
      weight: 0.9,
      reason: 'VyOS',
    },
  ],
};
