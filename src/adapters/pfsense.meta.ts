import { FREEBSD_MINIUPNPD, PRODUCT_FIELDS, SSH_CONFIG_ROUTER } from './meta-parts.js';
import type { AdapterMeta } from './types.js';

/** pfSense (config.xml over SSH): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const pfsenseMeta: AdapterMeta = {
  id: 'pfsense',
  name: 'pfSense (config.xml over SSH)',
  ...SSH_CONFIG_ROUTER,
  evidence: [
    { fields: PRODUCT_FIELDS, pattern: /pfsense|\bnetgate\b/i, weight: 0.9, reason: 'pfSense' },
    FREEBSD_MINIUPNPD,
  ],
  coverage: {
    PF_UPNP_RUNTIME_ONLY: {
      fr: 'les redirections UPnP actives n’existent qu’en mémoire (ancre pf miniupnpd), pas dans config.xml : auditez aussi la box par UPnP',
    },
    PF_UPNP_OFF: { fr: 'l’UPnP est désactivé : aucune redirection UPnP' },
    PF_WAN_RULES_UNREADABLE: {
      fr: 'un port de service ou une règle WAN n’a pas pu être lu (voir les avertissements) : on ne sait pas si l’interface web ou SSH est ouverte depuis Internet',
    },
    PF_IPV6_RULES_NOT_AUDITED: {
      fr: 'les règles WAN qui laissent passer l’IPv6 vers des appareils du réseau local ne sont pas auditées : vérifiez-les dans l’interface web',
    },
  },
};
