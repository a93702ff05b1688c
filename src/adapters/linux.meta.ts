import { SSH_LOGIN, SSH_OR_FILE } from './meta-parts.js';
import type { AdapterMeta } from './types.js';

/** Linux router (nftables / iptables) over SSH: metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const linuxMeta: AdapterMeta = {
  id: 'linux',
  name: 'Linux router (nftables / iptables) over SSH',
  transports: SSH_OR_FILE,
  capabilities: ['static-forwards', 'upnp-mappings', 'dmz', 'remote-admin'],
  credentials: SSH_LOGIN,
  evidence: [
    // miniupnpd on Linux: any Linux router with SSH fits.
    {
      fields: ['server'],
      pattern: /^linux\b/i,
      weight: 0.2,
      reason: 'Linux IGD (an SSH login would show nftables/iptables)',
    },
  ],
  coverage: {
    LINUX_MINIUPNPD_CHAINS: {
      fr: 'redirections de miniupnpd lues dans ses chaînes NAT ; leurs descriptions et la durée restante de leurs baux ne figurent pas dans les règles',
    },
    LINUX_UPNP_DAEMON_NOT_READ: {
      fr: 'boxaudit ne lit pas si miniupnpd tourne ; seules ses redirections sont lues',
    },
    LINUX_FILTER_NOT_AUDITED: {
      fr: 'les règles de filtrage du pare-feu ne sont pas lues : vérifiez-les sur le routeur',
    },
    'LINUX_FILTER_NOT_AUDITED@remote-admin': {
      fr: 'les services qui écoutent sur le routeur et les règles de filtrage qui les exposent ne sont pas lus : vérifiez-les sur le routeur',
    },
    'LINUX_FILTER_NOT_AUDITED@ipv6-pinholes': {
      fr: 'les règles de filtrage IPv6 en transit (ouvertures) ne sont pas lues : vérifiez-les sur le routeur',
    },
    LINUX_INPUT_CHAIN_READ: {
      fr: 'la chaîne input du pare-feu a été lue pour SSH (port 22) depuis l’interface Internet ; boxaudit ne sait pas quels services écoutent réellement sur le routeur',
    },
    LINUX_NO_NAT_TABLE: {
      fr: 'la sauvegarde iptables n’a pas de table nat (enregistrée avec -t filter ?) : les redirections de ports ne sont pas visibles',
    },
    LINUX_DNAT_PARTLY_READ: {
      fr: 'une partie des règles NAT n’a pas été lue : une DMZ (redirection de tous les ports) réglée là ne serait pas vue',
    },
    NFT_TEXT_PARTIAL: {
      fr: 'une partie des règles nftables n’a pas été lue (fichier inclus ou instruction non comprise) : les redirections qui s’y trouvent ne sont pas listées',
    },
  },
};
