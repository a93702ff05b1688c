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
  coverage: {
    FRITZ_NO_CONNECTION_SERVICE: {
      fr: 'pas de service WANPPPConnection/WANIPConnection dans tr64desc.xml (mode pont ou client IP ?) : les redirections n’ont pas été lues ; vérifiez-les dans l’interface web de la box',
    },
    FRITZ_UPNP_STATE_UNREAD: {
      fr: 'l’état de l’UPnP (X_AVM-DE_UPnP GetInfo) n’a pas pu être lu : vérifiez-le dans l’interface web de la box',
    },
    FRITZ_REMOTE_NO_MYFRITZ_SHARES: {
      fr: 'l’accès HTTPS à distance, MyFRITZ! et le FTP depuis Internet ont été lus ; les partages MyFRITZ! par appareil (X_AVM-DE_MyFritz GetServiceByIndex) ne sont pas lus (noms de champs NON CONFIRMÉS), ni l’accès VPN/WireGuard : vérifiez-les dans l’interface web de la box',
    },
    FRITZ_REMOTE_PARTIAL: {
      fr: 'certains services d’accès à distance n’ont pas pu être lus (voir les avertissements) ; les partages MyFRITZ! par appareil (X_AVM-DE_MyFritz GetServiceByIndex) ne sont pas lus (noms de champs NON CONFIRMÉS), ni l’accès VPN/WireGuard : vérifiez-les dans l’interface web de la box',
    },
    FRITZ_NO_EXPOSED_HOST_GETTER: {
      fr: 'TR-064 n’a pas de lecture connue de l’« hôte exposé » (NON CONFIRMÉ) : vérifiez Internet → Permit Access dans l’interface web de la box',
    },
    FRITZ_TR064_NO_IPV6: {
      fr: 'les partages de ports IPv6 (ouvertures) et les hôtes exposés en IPv6 ne sont pas accessibles par TR-064 : vérifiez-les dans l’interface web de la box',
    },
    FRITZ_ACTION_FAILED: {
      fr: 'l’appel TR-064 {call} a échoué (voir les avertissements) : rien n’est connu pour cette partie ; vérifiez-la dans l’interface web de la box',
    },
    FRITZ_ACTION_NOT_AUTHORIZED: {
      fr: 'la box a refusé l’appel TR-064 {call} à cet utilisateur (droit « Paramètres de la FRITZ!Box » manquant ?) : rien n’est connu pour cette partie ; vérifiez-la dans l’interface web de la box',
    },
    FRITZ_DEVICEINFO: {
      fr: 'tr64desc.xml lu, mais DeviceInfo GetInfo n’a pas pu être lu (voir les avertissements) : le modèle et la version de FRITZ!OS sont incomplets',
    },
  },
};
