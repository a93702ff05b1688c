import {
  OPENWRT_HOSTNAME,
  OPENWRT_HOSTNAMES,
  OPENWRT_IN_DESCRIPTION,
  USER_AND_PASSWORD,
} from './meta-parts.js';
import type { AdapterMeta } from './types.js';

/** OpenWrt (ubus JSON-RPC): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const openwrtUbusMeta: AdapterMeta = {
  id: 'openwrt-ubus',
  name: 'OpenWrt (ubus JSON-RPC)',
  transports: ['http', 'https'],
  capabilities: ['static-forwards', 'dmz', 'ipv6-pinholes', 'upnp-state', 'upnp-mappings', 'remote-admin'],
  credentials: USER_AND_PASSWORD,
  hostnames: OPENWRT_HOSTNAMES,
  evidence: [
    OPENWRT_IN_DESCRIPTION,
    {
      fields: ['banner'],
      pattern: /luci|openwrt/i,
      weight: 0.8,
      reason: 'LuCI web interface (ubus JSON-RPC likely)',
    },
    OPENWRT_HOSTNAME,
  ],
  coverage: {
    OPENWRT_UCI_UPNPD: {
      fr: 'ni l’option enabled ni enable_upnp n’a été trouvée dans upnpd (les noms varient selon la version, NON CONFIRMÉ) : l’état de l’UPnP est inconnu ; vérifiez-le dans LuCI',
    },
    OPENWRT_UPNP_LEASES_UNREAD: {
      fr: 'ni luci.upnp get_status ni le fichier des baux de miniupnpd n’ont pu être lus : les redirections UPnP sont inconnues ; l’adaptateur upnp-igd peut les lister',
    },
    OPENWRT_UPNP_OFF: { fr: 'l’UPnP est désactivé : aucune redirection UPnP' },
    OPENWRT_UHTTPD_DROPBEAR: {
      fr: 'écoutes de uhttpd et dropbear comparées à la politique d’entrée de la zone wan et aux règles ACCEPT du wan ; les autres services (VPN, luci-app-*) ne sont pas vérifiés',
    },
    OPENWRT_NO_BOARD_INFO: {
      fr: 'le modèle du routeur et l’adresse WAN ne sont pas lus par ubus par cet adaptateur',
    },
    UBUS_CALL_FAILED: {
      fr: 'l’appel {call} a échoué (voir les avertissements) : rien n’est connu pour cette partie ; vérifiez-la dans LuCI',
    },
  },
};
