/**
 * What to check by hand on an SFR box, in English and French: data only (no imports), so that the
 * French coverage text (src/i18n/coverage.ts) reads the same sentences without loading the adapter.
 */

export interface SfrManualCheck {
  area: 'static-forwards' | 'dmz' | 'remote-admin' | 'upnp-state';
  /** Stable code, also used in coverage. */
  code: string;
  en: string;
  fr: string;
}

/**
 * What the user must check by hand in the SFR box web interface (http://192.168.1.1, or
 * http://192.168.0.1 on some Box 10). The menu names follow the neufbox interface; the exact page
 * paths (other than `/network/nat`) are UNCONFIRMED and may differ on Box 8 / Box 10 firmware.
 */
export const SFR_MANUAL_CHECKS: readonly SfrManualCheck[] = [
  {
    area: 'static-forwards',
    code: 'SFR_NO_API_STATIC_FORWARDS',
    en: 'Manual port forwards cannot be read from an SFR box: open the web interface (http://192.168.1.1) → Network → NAT (page /network/nat) and check the "NAT translation" rules.',
    fr: 'Les redirections de ports manuelles ne sont pas lisibles sur une box SFR : ouvrez l’interface (http://192.168.1.1) → Réseau → NAT (page /network/nat) et vérifiez les règles de « Translation de ports ».',
  },
  {
    area: 'dmz',
    code: 'SFR_NO_API_DMZ',
    en: 'The DMZ cannot be read from an SFR box: check web interface → Network → DMZ (UNCONFIRMED menu name on Box 8/10) and make sure it is off.',
    fr: 'La DMZ n’est pas lisible sur une box SFR : vérifiez interface → Réseau → DMZ (nom de menu NON CONFIRMÉ sur Box 8/10) et assurez-vous qu’elle est désactivée.',
  },
  {
    area: 'remote-admin',
    code: 'SFR_NO_API_REMOTE_ADMIN',
    en: 'Remote administration cannot be read from an SFR box: check web interface → Maintenance → Administration / remote access (UNCONFIRMED menu name) and make sure access from the Internet is off.',
    fr: 'L’administration à distance n’est pas lisible sur une box SFR : vérifiez interface → Maintenance → Administration / accès à distance (nom de menu NON CONFIRMÉ) et assurez-vous que l’accès depuis Internet est désactivé.',
  },
];
