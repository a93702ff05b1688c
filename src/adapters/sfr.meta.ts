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
  coverage: {
    // What to check by hand (src/adapters/sfr-checks.ts gives each its area).
    SFR_NO_API_STATIC_FORWARDS: {
      en: 'Manual port forwards cannot be read from an SFR box: open the web interface (http://192.168.1.1) → Network → NAT (page /network/nat) and check the "NAT translation" rules.',
      fr: 'Les redirections de ports manuelles ne sont pas lisibles sur une box SFR : ouvrez l’interface (http://192.168.1.1) → Réseau → NAT (page /network/nat) et vérifiez les règles de « Translation de ports ».',
    },
    SFR_NO_API_DMZ: {
      en: 'The DMZ cannot be read from an SFR box: check web interface → Network → DMZ (UNCONFIRMED menu name on Box 8/10) and make sure it is off.',
      fr: 'La DMZ n’est pas lisible sur une box SFR : vérifiez interface → Réseau → DMZ (nom de menu NON CONFIRMÉ sur Box 8/10) et assurez-vous qu’elle est désactivée.',
    },
    SFR_NO_API_REMOTE_ADMIN: {
      en: 'Remote administration cannot be read from an SFR box: check web interface → Maintenance → Administration / remote access (UNCONFIRMED menu name) and make sure access from the Internet is off.',
      fr: 'L’administration à distance n’est pas lisible sur une box SFR : vérifiez interface → Maintenance → Administration / accès à distance (nom de menu NON CONFIRMÉ) et assurez-vous que l’accès depuis Internet est désactivé.',
    },
    SFR_UPNP_UNREADABLE: {
      fr: 'l’UPnP IGD de la box n’a pas pu être lu (l’UPnP est peut-être désactivé, ce qui est bien, ou injoignable) : vérifiez Réseau → UPnP dans l’interface web de la box',
    },
    'SFR_UPNP_UNREADABLE@upnp-state': {
      fr: 'impossible de savoir si l’UPnP est activé : vérifiez Réseau → UPnP dans l’interface web de la box',
    },
    SFR_NO_API_IPV6: {
      fr: 'les ouvertures du pare-feu IPv6 ne sont pas lisibles sur une box SFR : vérifiez-les dans l’interface web de la box',
    },
  },
};
