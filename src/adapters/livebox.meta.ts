import type { AdapterMeta } from './types.js';

/** Orange Livebox (sysbus): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const liveboxMeta: AdapterMeta = {
  id: 'livebox',
  name: 'Orange Livebox (sysbus)',
  transports: ['http'],
  capabilities: ['static-forwards', 'upnp-mappings', 'upnp-state', 'dmz', 'ipv6-pinholes', 'remote-admin'],
  credentials: [{ anyOf: ['password'] }, { anyOf: ['username'], optional: true }],
  hostnames: ['livebox.home'],
  evidence: [
    // Orange: friendlyName "Orange Livebox", model "Residential Livebox …" (Arcadyan/Sagemcom/Sercomm); Funbox = Orange Polska's Livebox.
    {
      fields: ['manufacturer', 'model', 'friendlyName', 'modelDescription', 'banner'],
      pattern: /livebox/i,
      weight: 0.9,
      reason: 'Livebox in the device description or banner',
    },
    {
      fields: ['manufacturer', 'model', 'friendlyName', 'modelDescription'],
      pattern: /funbox/i,
      weight: 0.6,
      reason: 'Orange Funbox (Livebox family; sysbus API UNCONFIRMED on Funbox)',
    },
    {
      fields: ['hostname'],
      pattern: /^livebox(\.home)?$/i,
      weight: 0.85,
      reason: 'livebox.home resolves to the gateway',
    },
  ],
  coverage: {
    LIVEBOX_CALL_FAILED: {
      fr: 'l’appel {call} a échoué (voir les avertissements) : rien n’est connu pour cette partie ; vérifiez-la dans l’interface web de la box',
    },
    'LIVEBOX_CALL_FAILED@static-forwards': {
      fr: 'l’appel {call} a échoué (voir les avertissements) : rien n’est connu pour cette partie ; certains firmwares cassent cet appel (la page NAT de l’interface web échoue aussi) : essayez un audit UPnP IGD pour la partie UPnP, et vérifiez les redirections dans l’interface web de la box',
    },
    'LIVEBOX_CALL_FAILED@upnp-mappings': {
      fr: 'l’appel {call} a échoué (voir les avertissements) : rien n’est connu pour cette partie ; certains firmwares cassent cet appel (la page NAT de l’interface web échoue aussi) : essayez un audit UPnP IGD pour la partie UPnP',
    },
    LIVEBOX_UPNP_ATTRIBUTE_UNKNOWN: {
      fr: 'UPnP-IGD.get a répondu sans l’attribut Enable qu’envoient les vraies Livebox : vérifiez Réseau → NAT/PAT → UPnP dans l’interface web de la box',
    },
    LIVEBOX_REMOTE_ACCESS: {
      fr: 'accès web à distance lu par RemoteAccess.get ; les autres services de la box ouverts côté Internet ne sont pas lus',
    },
    LIVEBOX_REMOTE_ATTRIBUTE_UNKNOWN: {
      fr: 'RemoteAccess.get a répondu sans l’attribut Enable qu’envoient les vraies Livebox : vérifiez Paramètres avancés → Accès à distance dans l’interface web de la box',
    },
    LIVEBOX_DEVICEINFO: {
      fr: 'DeviceInfo.get n’a pas pu être lu : le modèle et l’adresse WAN de la box sont inconnus',
    },
  },
};
