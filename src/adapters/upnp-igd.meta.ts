import type { AdapterMeta } from './types.js';

/** UPnP Internet Gateway Device: metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const upnpIgdMeta: AdapterMeta = {
  id: 'upnp-igd',
  name: 'UPnP Internet Gateway Device',
  transports: ['upnp-soap'],
  capabilities: ['upnp-mappings', 'upnp-state', 'gateway-info'],
  credentials: [],
  evidence: [],
  fallback: true,
  coverage: {
    UPNP_CANNOT_SEE_STATIC: {
      fr: 'les redirections de ports réglées à la main dans l’interface de la box ne sont pas visibles par UPnP : vérifiez-les dans l’interface web de la box',
    },
    UPNP_CANNOT_SEE_DMZ: {
      fr: 'la DMZ (hôte exposé) n’est pas visible par UPnP : vérifiez-la dans l’interface web de la box',
    },
    UPNP_CANNOT_SEE_IPV6: {
      fr: 'les ouvertures IPv6 du pare-feu ne sont pas visibles par UPnP sur cette box : vérifiez-les dans l’interface web de la box',
    },
    UPNP_IPV6_PINHOLES_NOT_READ: {
      fr: 'la box propose le contrôle des ouvertures IPv6 (WANIPv6FirewallControl) mais boxaudit ne le lit pas : les ouvertures IPv6 ne sont pas vérifiées',
    },
    UPNP_CANNOT_SEE_REMOTE_ADMIN: {
      fr: 'l’administration à distance depuis Internet n’est pas visible par UPnP : vérifiez-la dans l’interface web de la box',
    },
    UPNP_LIST_COMPLETE: {
      fr: 'toutes les redirections UPnP ont été lues (GetListOfPortMappings, ports 0 à 65535, TCP et UDP)',
    },
    UPNP_END_713: {
      fr: 'la box a signalé la fin de la liste à l’entrée {index} (erreur UPnP 713) : toutes les redirections UPnP ont été lues',
    },
    UPNP_END_714: {
      fr: 'la box a signalé la fin de la liste à l’entrée {index} (erreur UPnP 714) : toutes les redirections UPnP ont été lues',
    },
    UPNP_END_402: {
      fr: 'la box a répondu 402 (Invalid Args) dès la première entrée : soit la liste est vide, soit la box a refusé la demande ; impossible de savoir',
    },
    UPNP_MAX_ENTRIES: {
      fr: 'lecture arrêtée après {entries} entrées (limite maxEntries) : la box n’avait pas terminé la liste',
    },
    UPNP_LIST_REPEATS: {
      fr: 'la box a renvoyé à l’entrée {index} une redirection déjà lue au lieu de terminer la liste ; lecture arrêtée là',
    },
    UPNP_END_TIMEOUT: {
      fr: 'la box n’a pas répondu à temps à l’entrée {index} ({error}) ; les redirections suivantes n’ont pas été lues',
    },
    UPNP_END_DEADLINE: {
      fr: 'le temps total accordé à la lecture UPnP était écoulé à l’entrée {index} ({error}) ; les redirections suivantes n’ont pas été lues',
    },
    UPNP_END_NETWORK: {
      fr: 'la box n’a pas pu être jointe à l’entrée {index} ({error}) ; les redirections suivantes n’ont pas été lues',
    },
    UPNP_END_BROKEN_REPLY: {
      fr: 'la box a envoyé une réponse invalide à l’entrée {index} ({error}) ; les redirections suivantes n’ont pas été lues',
    },
    UPNP_END_TOO_LARGE: {
      fr: 'la box a envoyé une réponse trop grande à l’entrée {index} ({error}) ; les redirections suivantes n’ont pas été lues',
    },
    UPNP_END_ERROR: {
      fr: 'la lecture des redirections UPnP a échoué à l’entrée {index} ({error}) ; les suivantes n’ont pas été lues',
    },
    UPNP_END_FAULT: {
      fr: 'la box a renvoyé une erreur UPnP à l’entrée {index} ; les redirections suivantes n’ont pas été lues',
    },
    UPNP_NO_REACHABLE_SERVICE: {
      fr: 'aucun service UPnP de connexion internet n’a pu être contacté : les redirections UPnP n’ont pas été lues',
    },
    UPNP_GATEWAY_INFO: { fr: 'description de l’appareil et état de la connexion WAN lus' },
    UPNP_GATEWAY_INFO_DESCRIPTION_ONLY: {
      fr: 'seule la description de l’appareil a pu être lue ; les demandes d’état de la connexion WAN ont échoué (voir les avertissements)',
    },
  },
};
