import type { AdapterMeta } from './types.js';

/** SFR box (UPnP IGD + manual checks): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const sfrMeta: AdapterMeta = {
  id: 'sfr',
  name: 'SFR box (UPnP IGD + manual checks)',
  transports: ['upnp-soap'],
  capabilities: ['upnp-mappings', 'upnp-state'],
  credentials: [],
  hostnames: ['neufbox'],
  evidence: [
    // SFR: manufacturer "neufbox" (efixo); Askey RTF8316VW builds SFR's Box 8 family (UNCONFIRMED: the file names no ISP).
    {
      fields: ['manufacturer', 'model', 'friendlyName', 'modelDescription', 'manufacturerUrl', 'banner'],
      pattern: /neufbox|efixo|\bsfr\b/i,
      weight: 0.9,
      reason: 'neufbox / SFR in the device description',
    },
    {
      fields: ['model', 'modelDescription'],
      pattern: /RTF8316VW|RTF8115VW|RTF8217VW/i,
      weight: 0.55,
      reason: 'Askey RTF83xx is an SFR box model (probable, UNCONFIRMED)',
    },
    {
      fields: ['hostname'],
      pattern: /^neufbox(\.lan)?$/i,
      weight: 0.85,
      reason: 'neufbox resolves to the gateway',
    },
  ],
};
