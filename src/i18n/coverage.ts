import type { CoverageItem } from '../model/types.js';

/**
 * French explanations of coverage reasons, by `CoverageItem.code` (codes used by the adapters).
 * `{name}` placeholders are filled from `CoverageItem.details` (numbers and short strings only).
 * English output uses the adapter's own `reason` (the most precise); French falls back to it
 * for codes not listed here.
 */
export const COVERAGE_REASONS_FR: Readonly<Record<string, string>> = {
  VENDOR_API_AVAILABLE:
    "cette box ressemble à : {adapter}. Sa propre interface montre {shows} que l'UPnP ne montre pas : lancez boxaudit --vendor {adapter} --host {host} (identifiants par les variables d'environnement BOXAUDIT_USER, BOXAUDIT_PASSWORD, BOXAUDIT_TOKEN, ou à l'invite sur un terminal, jamais sur la ligne de commande)",
  VENDOR_READ_FAILED:
    "la lecture de cette box ({adapter}) par sa propre interface a échoué, donc {shows} n'ont pas été vérifiées : corrigez les identifiants et lancez boxaudit --vendor {adapter} --host {host}",
  UPNP_CANNOT_SEE_STATIC:
    "les redirections de ports réglées à la main dans l'interface de la box ne sont pas visibles par UPnP : vérifiez-les dans l'interface web de la box",
  UPNP_CANNOT_SEE_DMZ:
    "la DMZ (hôte exposé) n'est pas visible par UPnP : vérifiez-la dans l'interface web de la box",
  UPNP_CANNOT_SEE_IPV6:
    "les ouvertures IPv6 du pare-feu ne sont pas visibles par UPnP sur cette box : vérifiez-les dans l'interface web de la box",
  UPNP_IPV6_PINHOLES_NOT_READ:
    'la box propose le contrôle des ouvertures IPv6 (WANIPv6FirewallControl) mais boxaudit ne le lit pas : les ouvertures IPv6 ne sont pas vérifiées',
  UPNP_CANNOT_SEE_REMOTE_ADMIN:
    "l'administration à distance depuis internet n'est pas visible par UPnP : vérifiez-la dans l'interface web de la box",
  UPNP_LIST_COMPLETE:
    'toutes les redirections UPnP ont été lues (GetListOfPortMappings, ports 0 à 65535, TCP et UDP)',
  UPNP_END_713:
    "la box a signalé la fin de la liste à l'entrée {index} (erreur UPnP 713) : toutes les redirections UPnP ont été lues",
  UPNP_END_714:
    "la box a signalé la fin de la liste à l'entrée {index} (erreur UPnP 714) : toutes les redirections UPnP ont été lues",
  UPNP_END_402:
    'la box a répondu 402 (Invalid Args) dès la première entrée : soit la liste est vide, soit la box a refusé la demande ; impossible de savoir',
  UPNP_MAX_ENTRIES:
    "lecture arrêtée après {entries} entrées (limite maxEntries) : la box n'avait pas terminé la liste",
  UPNP_LIST_REPEATS:
    "la box a renvoyé à l'entrée {index} une redirection déjà lue au lieu de terminer la liste ; lecture arrêtée là",
  UPNP_END_TIMEOUT:
    "la box n'a pas répondu à temps à l'entrée {index} ; les redirections suivantes n'ont pas été lues",
  UPNP_END_NETWORK:
    "la box n'a pas pu être jointe à l'entrée {index} ; les redirections suivantes n'ont pas été lues",
  UPNP_END_BROKEN_REPLY:
    "la box a envoyé une réponse invalide à l'entrée {index} ; les redirections suivantes n'ont pas été lues",
  UPNP_END_TOO_LARGE:
    "la box a envoyé une réponse trop grande à l'entrée {index} ; les redirections suivantes n'ont pas été lues",
  UPNP_END_ERROR:
    "la lecture des redirections UPnP a échoué à l'entrée {index} ; les suivantes n'ont pas été lues",
  UPNP_END_FAULT:
    "la box a renvoyé une erreur UPnP à l'entrée {index} ; les redirections suivantes n'ont pas été lues",
  UPNP_NO_REACHABLE_SERVICE:
    "aucun service UPnP de connexion internet n'a pu être contacté : les redirections UPnP n'ont pas été lues",
};

/** Any other `UPNP_END_<n>` that did not end the list normally (606 not authorised, 501 failed…). */
const UPNP_END_OTHER_FR =
  "la box a renvoyé l'erreur UPnP {endedWith} à l'entrée {index} ; les redirections suivantes, s'il y en a, n'ont pas été lues";

function fill(template: string, details: Record<string, unknown> | undefined): string | undefined {
  let missing = false;
  const text = template.replace(/\{([a-zA-Z]+)\}/g, (_whole, name: string) => {
    const value = details?.[name];
    if (typeof value === 'number' || (typeof value === 'string' && value.length <= 40)) return String(value);
    missing = true;
    return '?';
  });
  // A translation with a hole is worse than the adapter's precise English.
  return missing ? undefined : text;
}

/** The reason to show for one coverage item in a language (the caller still sanitises it). */
export function coverageReason(item: CoverageItem, lang: 'en' | 'fr'): string {
  if (lang === 'fr') {
    const known = Object.hasOwn(COVERAGE_REASONS_FR, item.code) ? COVERAGE_REASONS_FR[item.code] : undefined;
    const template =
      known ??
      (/^UPNP_END_\d+$/.test(item.code) && item.status !== 'complete' ? UPNP_END_OTHER_FR : undefined);
    const text = template === undefined ? undefined : fill(template, item.details);
    if (text !== undefined) return text;
  }
  return item.reason;
}
