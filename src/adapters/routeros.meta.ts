import { MIKROTIK_EVIDENCE, SSH_LOGIN, SSH_OR_FILE } from './meta-parts.js';
import type { AdapterMeta } from './types.js';

/** MikroTik RouterOS (SSH): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const routerosMeta: AdapterMeta = {
  id: 'routeros',
  name: 'MikroTik RouterOS (SSH)',
  transports: SSH_OR_FILE,
  capabilities: ['static-forwards', 'dmz', 'upnp-state', 'upnp-mappings', 'remote-admin'],
  credentials: SSH_LOGIN,
  evidence: MIKROTIK_EVIDENCE,
  coverage: {
    ROUTEROS_NO_NAT: {
      fr: 'pas de section /ip firewall nat dans les données fournies : les redirections de ports n’ont pas été vérifiées',
    },
    ROUTEROS_EXPORT_OMITS_DYNAMIC: {
      fr: 'un export omet les règles dynamiques (UPnP) : les redirections UPnP sont inconnues',
    },
    ROUTEROS_UPNP_OFF: { fr: 'l’UPnP est désactivé : aucune redirection UPnP' },
    ROUTEROS_NO_UPNP_STATE: { fr: 'l’état de l’UPnP est absent des données fournies' },
    ROUTEROS_NO_SERVICES: {
      fr: '/ip service est absent des données fournies : l’administration à distance n’a pas été vérifiée',
    },
    ROUTEROS_IP_SERVICE: {
      fr: '/ip service lu ; c’est le pare-feu d’entrée (chaîne input) qui décide de l’accès depuis Internet, et il n’a pas été lu',
    },
    ROUTEROS_EXPORT_SERVICE_DEFAULTS: {
      fr: 'services lus dans l’export, avec les valeurs par défaut de RouterOS là où l’export les omet ; le pare-feu d’entrée (chaîne input) n’a pas été lu, donc l’accès depuis Internet n’est pas tranché',
    },
    ROUTEROS_NAT_JUMP_UNFOLLOWED: {
      fr: 'un saut (jump) depuis la chaîne dstnat n’a pas pu être suivi (boucle ou trop de niveaux) : les règles derrière lui n’ont pas été lues',
    },
    ROUTEROS_SERVICES_PARTIAL: {
      fr: '/ip service d’un script ou d’un export partiel : seuls les services qu’il règle sont connus, l’état des autres est inconnu',
    },
    ROUTEROS_IPV6_FILTER_NOT_READ: {
      fr: 'le pare-feu IPv6 (/ipv6 firewall filter) n’est pas lu : les ouvertures IPv6 n’ont pas été vérifiées',
    },
    ROUTEROS_REST_UPNP_UNREAD: {
      fr: '/rest/ip/upnp n’a pas pu être lu (voir les avertissements) : l’état de l’UPnP est inconnu',
    },
    ROUTEROS_REST_SERVICES_UNREAD: {
      fr: '/rest/ip/service n’a pas pu être lu (voir les avertissements) : l’administration à distance n’a pas été vérifiée',
    },
    ROUTEROS_REST_RESOURCE: {
      fr: 'modèle et version lus dans /system/resource, adresse WAN dans /ip/address : l’une de ces lectures a échoué (voir les avertissements)',
    },
  },
};
