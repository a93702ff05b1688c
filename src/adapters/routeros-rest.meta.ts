import type { AdapterMeta } from './types.js';

/** MikroTik RouterOS 7 (REST API): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const routerosRestMeta: AdapterMeta = {
  id: 'routeros-rest',
  name: 'MikroTik RouterOS 7 (REST API)',
  transports: ['http', 'https'],
  capabilities: ['static-forwards', 'dmz', 'upnp-state', 'upnp-mappings', 'remote-admin'],
  credentials: [{ anyOf: ['username'] }, { anyOf: ['password'] }],
  evidence: [
    // MikroTik: manufacturer "MikroTik", model "Router OS"; WebFig title "RouterOS router configuration page".
    {
      fields: [
        'manufacturer',
        'model',
        'friendlyName',
        'modelDescription',
        'server',
        'manufacturerUrl',
        'banner',
      ],
      pattern: /mikrotik|router\s?os\b/i,
      weight: 0.9,
      reason: 'MikroTik RouterOS in the device description or banner',
    },
    { fields: ['address'], pattern: /^192\.168\.88\.1$/, weight: 0.1, reason: 'MikroTik default address' },
  ],
  coverage: {
    ROUTEROS_REST_READ_FAILED: {
      fr: 'la lecture {call} a échoué (voir les avertissements) : rien n’est connu pour cette partie ; vérifiez-la dans WebFig ou Winbox',
    },
  },
};
