import { MIKROTIK_EVIDENCE, USER_AND_PASSWORD } from './meta-parts.js';
import type { AdapterMeta } from './types.js';

/** MikroTik RouterOS 7 (REST API): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const routerosRestMeta: AdapterMeta = {
  id: 'routeros-rest',
  name: 'MikroTik RouterOS 7 (REST API)',
  transports: ['http', 'https'],
  capabilities: ['static-forwards', 'dmz', 'upnp-state', 'upnp-mappings', 'remote-admin'],
  credentials: USER_AND_PASSWORD,
  evidence: MIKROTIK_EVIDENCE,
  coverage: {
    ROUTEROS_REST_READ_FAILED: {
      fr: 'la lecture {call} a échoué (voir les avertissements) : rien n’est connu pour cette partie ; vérifiez-la dans WebFig ou Winbox',
    },
  },
};
