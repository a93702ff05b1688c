import { USER_AND_PASSWORD, ubiquitiDevice } from './meta-parts.js';
import type { AdapterMeta } from './types.js';

/** UniFi Network (UniFi OS console or self-hosted controller): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const unifiMeta: AdapterMeta = {
  id: 'unifi',
  name: 'UniFi Network (UniFi OS console or self-hosted controller)',
  transports: ['https', 'http'],
  capabilities: ['static-forwards', 'dmz', 'upnp-state', 'nat-pmp'],
  credentials: USER_AND_PASSWORD,
  evidence: [
    // Ubiquiti: UniFi OS consoles (UDM-Pro, UDR, UCG, UXG).
    {
      fields: ['manufacturer', 'model', 'friendlyName', 'modelDescription', 'banner'],
      pattern: /unifi|\bud[mr](-|\s|\b)|\bucg\b|\buxg\b|dream (machine|router)/i,
      weight: 0.9,
      reason: 'UniFi console in the device description or banner',
    },
    ubiquitiDevice(0.5),
  ],
  coverage: {
    UNIFI_CALL_FAILED: {
      fr: 'la lecture GET {path} a échoué (voir les avertissements) : rien n’est connu pour cette partie ; vérifiez-la dans l’interface UniFi',
    },
    UNIFI_SITES_UNREAD: {
      fr: 'la liste des sites n’a pas pu être lue (voir les avertissements) : aucune redirection de ports n’est connue',
    },
    UNIFI_NO_SITES: {
      fr: 'le compte ne voit aucun site : aucune redirection de ports n’est connue ; donnez-lui accès aux sites',
    },
    UNIFI_UPNP_MAPPINGS_NOT_EXPOSED: {
      fr: 'UniFi Network n’a pas d’accès connu qui liste les redirections UPnP / NAT-PMP (NON CONFIRMÉ) : lisez-les depuis le réseau local par UPnP IGD avec --upnp URL (l’URL de description de la console) ou par la découverte',
    },
    UNIFI_REMOTE_ACCESS_NOT_READ: {
      fr: 'l’accès à distance UniFi (UniFi cloud / Remote Management, un réglage de la console plutôt qu’un port WAN) n’a pas d’accès local confirmé (NON CONFIRMÉ) : vérifiez le réglage d’accès à distance de la console dans l’interface UniFi, et qu’aucune redirection de ports ne vise la console elle-même',
    },
    UNIFI_FIREWALL_NOT_READ: {
      fr: 'les règles du pare-feu ne sont pas lues (rest/firewallrule sur les anciennes versions ; le chemin du pare-feu par zones de la 9.x est NON CONFIRMÉ) : les règles IPv6 qui autorisent des connexions depuis Internet sont inconnues ; vérifiez-les dans l’interface UniFi',
    },
  },
};
