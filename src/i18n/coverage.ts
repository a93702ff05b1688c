import type { CoverageItem } from '../model/types.js';

/**
 * French explanations of coverage reasons, by `CoverageItem.code`. English output uses the adapter's
 * own `reason` (it is the most precise); French falls back to it for codes not listed here.
 */
export const COVERAGE_REASONS_FR: Readonly<Record<string, string>> = {
  UPNP_CANNOT_SEE_STATIC:
    "les redirections de ports manuelles ne sont pas visibles par UPnP : vérifiez-les dans l'interface web de la box",
  UPNP_CANNOT_SEE_DMZ: "la DMZ n'est pas visible par UPnP : vérifiez-la dans l'interface web de la box",
  UPNP_CANNOT_SEE_PINHOLES:
    "les ouvertures IPv6 du pare-feu ne sont pas visibles par UPnP : vérifiez-les dans l'interface web de la box",
  UPNP_CANNOT_SEE_REMOTE_ADMIN:
    "l'administration à distance n'est pas visible par UPnP : vérifiez-la dans l'interface web de la box",
  UPNP_END_713:
    'la liste des redirections UPnP a été lue jusqu\'au bout (la box a répondu "fin de liste", 713)',
  UPNP_END_714: "la liste des redirections UPnP a été lue jusqu'au bout (la box a répondu 714)",
  UPNP_ENTRY_CAP:
    "la lecture des redirections UPnP a été arrêtée au nombre maximal prévu ; la suite n'a pas été lue",
  UPNP_LIST_FAILED:
    'la box a refusé ou interrompu la lecture des redirections UPnP ; la liste est incomplète',
  UPNP_NO_WAN_SERVICE:
    'la box ne propose pas de service UPnP de connexion internet (WANIPConnection/WANPPPConnection)',
  UPNP_DISABLED: "l'UPnP semble désactivé sur la box : ses redirections n'ont pas pu être lues",
  NOT_SUPPORTED: 'cette box ou cette méthode de lecture ne permet pas de lire cette zone',
  AUTH_REQUIRED: 'un identifiant est nécessaire pour lire cette zone',
  AUTH_FAILED: "l'identification auprès de la box a échoué",
  TIMEOUT: "la box n'a pas répondu à temps",
  READ_ERROR: 'la lecture a échoué',
  FROM_FILE: "lu depuis un fichier : seul ce qu'il contient a été vérifié",
};

/** The reason to show for one coverage item in a language. */
export function coverageReason(item: CoverageItem, lang: 'en' | 'fr'): string {
  if (lang === 'fr') {
    const fr = Object.hasOwn(COVERAGE_REASONS_FR, item.code) ? COVERAGE_REASONS_FR[item.code] : undefined;
    if (fr !== undefined) return fr;
  }
  return item.reason;
}
