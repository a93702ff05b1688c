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
  coverage: {
    BBOX_CALL_FAILED: {
      fr: 'la lecture GET {path} a échoué (voir les avertissements) : rien n’est connu pour cette partie ; vérifiez-la dans l’interface web de la box',
    },
    BBOX_IPV6_NOT_READ: {
      fr: 'les règles du pare-feu IPv6 ne sont pas lues (leur chemin d’API est NON CONFIRMÉ) : vérifiez Services → Firewall → IPv6 dans l’interface web de la box',
    },
    BBOX_DEVICE: {
      fr: '/api/v1/device et /api/v1/wan/ip : l’une de ces lectures a échoué (voir les avertissements), le modèle ou l’adresse WAN sont inconnus',
    },
  },
};
