import { SSH_CONFIG_ROUTER, ubiquitiDevice } from './meta-parts.js';
import type { AdapterMeta } from './types.js';

/** Ubiquiti EdgeRouter / EdgeOS (SSH): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const edgeosMeta: AdapterMeta = {
  id: 'edgeos',
  name: 'Ubiquiti EdgeRouter / EdgeOS (SSH)',
  ...SSH_CONFIG_ROUTER,
  evidence: [
    // Ubiquiti EdgeRouter.
    {
      fields: ['manufacturer', 'model', 'friendlyName', 'modelDescription', 'banner', 'server'],
      pattern: /edge\s?os|edge\s?router|\bER-X\b/i,
      weight: 0.9,
      reason: 'EdgeOS / EdgeRouter',
    },
    ubiquitiDevice(0.3),
  ],
  coverage: {
    VYATTA_SERVICES: {
      fr: 'services vérifiés contre ce qui filtre le WAN (jeu de règles « local », zone locale ou filtre d’entrée) ; une partie n’a pas pu être décidée',
    },
    VYATTA_WAN_UNKNOWN: {
      fr: 'services lus ; la configuration ne dit pas quelle interface est le WAN, on ne sait donc pas s’ils sont joignables depuis Internet',
    },
    VYATTA_WAN_UNFILTERED: {
      fr: 'rien ne filtre les nouvelles connexions du WAN vers le routeur : chaque service qui écoute répond depuis Internet',
    },
    VYATTA_FRAGMENT: {
      fr: 'le fichier n’a pas de section « system » ou « interfaces » : c’est une partie de configuration, les services qu’il omet ne sont pas connus',
    },
    VYATTA_OTHER_FORK: {
      fr: 'cette configuration contient des nœuds de l’autre variante Vyatta (EdgeOS ou VyOS) que ce lecteur ne lit pas : relisez-la avec l’autre --vendor',
    },
    VYATTA_CONFIG_BOOT_DAMAGED: {
      fr: 'le fichier config.boot est abîmé (accolades déséquilibrées ou trop profondes) : seul ce qui a pu être lu l’a été',
    },
    EDGEOS_UPNP_RUNTIME: {
      fr: 'les redirections UPnP vivent dans le service en cours d’exécution, pas dans la configuration : auditez aussi la box par UPnP',
    },
    EDGEOS_UPNP_OFF: { fr: 'l’UPnP est désactivé : aucune redirection UPnP' },
    EDGEOS_IPV6_FILTER_NOT_READ: {
      fr: 'les règles du pare-feu IPv6 ne sont pas auditées : les ouvertures IPv6 n’ont pas été vérifiées',
    },
    VYOS_UPNP_RUNTIME: {
      fr: 'les redirections UPnP vivent dans le service en cours d’exécution, pas dans la configuration : auditez aussi la box par UPnP',
    },
    VYOS_UPNP_OFF: { fr: 'l’UPnP est désactivé : aucune redirection UPnP' },
    VYOS_IPV6_FILTER_NOT_READ: {
      fr: 'les règles de filtrage IPv6 en transit (forward) ne sont pas auditées : les ouvertures IPv6 n’ont pas été vérifiées',
    },
  },
};
