import type { AdapterMeta } from './types.js';

/** Freebox (Freebox OS API): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const freeboxMeta: AdapterMeta = {
  id: 'freebox',
  name: 'Freebox (Freebox OS API)',
  transports: ['https', 'http'],
  capabilities: ['static-forwards', 'upnp-mappings', 'upnp-state', 'dmz', 'remote-admin'],
  credentials: [{ anyOf: ['token'] }],
  hostnames: ['mafreebox.freebox.fr'],
  evidence: [
    // Free: manufacturer "Freebox", model "Freebox Server"; mafreebox.freebox.fr.
    {
      fields: ['manufacturer', 'model', 'friendlyName', 'modelDescription', 'server', 'banner'],
      pattern: /freebox|iliadbox/i,
      weight: 0.9,
      reason: 'Freebox in the device description or banner',
    },
    {
      fields: ['hostname'],
      pattern: /(^|\.)mafreebox\.freebox\.fr$|myiliadbox\.iliad\.it$/i,
      weight: 0.85,
      reason: 'mafreebox.freebox.fr resolves to the gateway',
    },
    {
      fields: ['address'],
      pattern: /^192\.168\.[01]\.254$/,
      weight: 0.1,
      reason: 'Freebox/Bbox default address',
    },
  ],
  coverage: {
    FREEBOX_CALL_FAILED: {
      fr: 'la lecture GET /api/vN/{path} a échoué (voir les avertissements) : rien n’est connu pour cette partie ; vérifiez-la dans Freebox OS',
    },
    FREEBOX_REMOTE_PARTIAL: {
      fr: '{path} n’a pas pu être lu (voir les avertissements) : l’accès à distance n’est vérifié qu’en partie ; vérifiez-le dans Freebox OS',
    },
    FREEBOX_API_VERSION: {
      fr: 'version de l’API lue, mais l’état de la connexion (adresse WAN) n’a pas pu être lu (voir les avertissements)',
    },
  },
};
