import { OPENWRT_HOSTNAME, OPENWRT_HOSTNAMES, OPENWRT_IN_DESCRIPTION } from './meta-parts.js';
import type { AdapterMeta } from './types.js';

/** OpenWrt (UCI over SSH): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const openwrtMeta: AdapterMeta = {
  id: 'openwrt',
  name: 'OpenWrt (UCI over SSH)',
  transports: ['ssh', 'file'],
  capabilities: ['static-forwards', 'dmz', 'upnp-state', 'upnp-mappings', 'remote-admin', 'ipv6-pinholes'],
  credentials: [{ anyOf: ['username'] }, { anyOf: ['privateKey', 'agent', 'password'] }],
  hostnames: OPENWRT_HOSTNAMES,
  evidence: [
    OPENWRT_IN_DESCRIPTION,
    { fields: ['banner'], pattern: /openwrt/i, weight: 0.6, reason: 'OpenWrt web interface' },
    OPENWRT_HOSTNAME,
  ],
  coverage: {
    OPENWRT_UCI_RULES: {
      fr: 'règles wan→lan ACCEPT lues comme ouvertures IPv6 ; les ipsets et les fichiers inclus ne sont pas développés',
    },
    OPENWRT_REMOTE_ADMIN: {
      fr: 'écoutes uhttpd/dropbear comparées à la politique d’entrée de la zone wan et aux règles d’entrée du wan ; la configuration du pare-feu ou celle des services manquait en partie',
    },
    OPENWRT_NO_FIREWALL_CONFIG: {
      fr: 'aucune configuration du pare-feu dans les données fournies : les redirections de ports n’ont pas été vérifiées',
    },
    OPENWRT_NO_UPNPD_CONFIG: {
      fr: 'aucune configuration upnpd dans les données fournies : l’état de l’UPnP est inconnu',
    },
    OPENWRT_NO_LEASE_FILE: {
      fr: 'le fichier des baux de miniupnpd n’a pas été lu : les redirections UPnP sont inconnues',
    },
    OPENWRT_NO_ADMIN_CONFIG: {
      fr: 'aucune configuration uhttpd/dropbear/pare-feu : l’administration à distance n’a pas été vérifiée',
    },
    OPENWRT_INCLUDE_SCRIPTS: {
      fr: 'le pare-feu exécute {includes} {includes:script inclus|scripts inclus} (config include) que la configuration ne montre pas : {includes:il peut|ils peuvent} ouvrir des ports ou des redirections que boxaudit n’a pas vus',
    },
    'OPENWRT_INCLUDE_SCRIPTS@remote-admin': {
      fr: 'écoutes uhttpd/dropbear comparées à la politique d’entrée de la zone wan et aux règles d’entrée du wan ; des scripts inclus au pare-feu (config include) peuvent en ouvrir d’autres',
    },
    OPENWRT_SECTION_UNKNOWN: {
      fr: 'le pare-feu contient {sections} {sections:section|sections} d’un type que boxaudit ne connaît pas : {sections:elle peut|elles peuvent} ouvrir des ports',
    },
    OPENWRT_ZONES_MISSING: {
      fr: 'aucune zone du pare-feu dans les données fournies : la zone nommée « wan » est prise pour le côté Internet ; fournissez tout /etc/config/firewall',
    },
  },
};
