import { SFR_MANUAL_CHECKS } from '../adapters/sfr-checks.js';
import type { CoverageItem } from '../model/types.js';

/**
 * French explanations of coverage reasons, by `CoverageItem.code` (codes used by the adapters).
 * A key `CODE@area` is a refinement for one area (the adapter says something area-specific);
 * the plain `CODE` key is the fallback and always exists.
 * `{name}` placeholders are filled from `CoverageItem.details` (numbers and short strings only;
 * `{error}` is the adapter's already-redacted error message, cut to {@link MAX_ERROR_LENGTH}).
 * English output uses the adapter's own `reason` (the most precise); French falls back to it
 * for codes not listed here. test/i18n/coverage-fr.test.ts fails when an adapter emits a
 * code that can be non-complete and has no French here.
 */
export const COVERAGE_REASONS_FR: Readonly<Record<string, string>> = {
  // --- Vendor detection (src/detect.ts) ---
  VENDOR_API_AVAILABLE:
    "cette box ressemble à : {adapter}. Sa propre interface montre {shows} que l'UPnP ne montre pas : lancez boxaudit --vendor {adapter} --host {host} (identifiants par les variables d'environnement BOXAUDIT_USER, BOXAUDIT_PASSWORD, BOXAUDIT_TOKEN, ou à l'invite sur un terminal, jamais sur la ligne de commande)",
  VENDOR_READ_FAILED:
    "la lecture de cette box ({adapter}) par sa propre interface a échoué ({error}), donc {shows} n'ont pas été vérifiées : corrigez les identifiants et lancez boxaudit --vendor {adapter} --host {host}",

  // --- UPnP IGD (upnp-igd.ts, upnp/mappings.ts) ---
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
    "la box n'a pas répondu à temps à l'entrée {index} ({error}) ; les redirections suivantes n'ont pas été lues",
  UPNP_END_DEADLINE:
    "le temps total accordé à la lecture UPnP était écoulé à l'entrée {index} ({error}) ; les redirections suivantes n'ont pas été lues",
  UPNP_END_NETWORK:
    "la box n'a pas pu être jointe à l'entrée {index} ({error}) ; les redirections suivantes n'ont pas été lues",
  UPNP_END_BROKEN_REPLY:
    "la box a envoyé une réponse invalide à l'entrée {index} ({error}) ; les redirections suivantes n'ont pas été lues",
  UPNP_END_TOO_LARGE:
    "la box a envoyé une réponse trop grande à l'entrée {index} ({error}) ; les redirections suivantes n'ont pas été lues",
  UPNP_END_ERROR:
    "la lecture des redirections UPnP a échoué à l'entrée {index} ({error}) ; les suivantes n'ont pas été lues",
  UPNP_END_FAULT:
    "la box a renvoyé une erreur UPnP à l'entrée {index} ; les redirections suivantes n'ont pas été lues",
  UPNP_NO_REACHABLE_SERVICE:
    "aucun service UPnP de connexion internet n'a pu être contacté : les redirections UPnP n'ont pas été lues",
  UPNP_GATEWAY_INFO: "description de l'appareil et état de la connexion WAN lus",
  UPNP_GATEWAY_INFO_DESCRIPTION_ONLY:
    "seule la description de l'appareil a pu être lue ; les demandes d'état de la connexion WAN ont échoué (voir les avertissements)",

  // --- Freebox (freebox.ts) ---
  FREEBOX_CALL_FAILED:
    "la lecture GET /api/vN/{path} a échoué (voir les avertissements) : rien n'est connu pour cette partie ; vérifiez-la dans Freebox OS",
  FREEBOX_REMOTE_PARTIAL:
    "{path} n'a pas pu être lu (voir les avertissements) : l'accès à distance n'est vérifié qu'en partie ; vérifiez-le dans Freebox OS",
  FREEBOX_API_VERSION:
    "version de l'API lue, mais l'état de la connexion (adresse WAN) n'a pas pu être lu (voir les avertissements)",

  // --- Livebox (livebox.ts) ---
  LIVEBOX_CALL_FAILED:
    "l'appel {call} a échoué (voir les avertissements) : rien n'est connu pour cette partie ; vérifiez-la dans l'interface web de la box",
  'LIVEBOX_CALL_FAILED@static-forwards':
    "l'appel {call} a échoué (voir les avertissements) : rien n'est connu pour cette partie ; certains firmwares cassent cet appel (la page NAT de l'interface web échoue aussi) : essayez un audit UPnP IGD pour la partie UPnP, et vérifiez les redirections dans l'interface web de la box",
  'LIVEBOX_CALL_FAILED@upnp-mappings':
    "l'appel {call} a échoué (voir les avertissements) : rien n'est connu pour cette partie ; certains firmwares cassent cet appel (la page NAT de l'interface web échoue aussi) : essayez un audit UPnP IGD pour la partie UPnP",
  LIVEBOX_UPNP_ATTRIBUTE_UNKNOWN:
    "UPnP-IGD.get a répondu sans l'attribut Enable qu'envoient les vraies Livebox : vérifiez Réseau → NAT/PAT → UPnP dans l'interface web de la box",
  LIVEBOX_REMOTE_ACCESS:
    'accès web à distance lu par RemoteAccess.get ; les autres services de la box ouverts côté internet ne sont pas lus',
  LIVEBOX_REMOTE_ATTRIBUTE_UNKNOWN:
    "RemoteAccess.get a répondu sans l'attribut Enable qu'envoient les vraies Livebox : vérifiez Paramètres avancés → Accès à distance dans l'interface web de la box",
  LIVEBOX_DEVICEINFO:
    "DeviceInfo.get n'a pas pu être lu : le modèle et l'adresse WAN de la box sont inconnus",

  // --- Bbox (bbox.ts) ---
  BBOX_CALL_FAILED:
    "la lecture GET {path} a échoué (voir les avertissements) : rien n'est connu pour cette partie ; vérifiez-la dans l'interface web de la box",
  BBOX_IPV6_NOT_READ:
    "les règles du pare-feu IPv6 ne sont pas lues (leur chemin d'API est NON CONFIRMÉ) : vérifiez Services → Firewall → IPv6 dans l'interface web de la box",
  BBOX_DEVICE:
    "/api/v1/device et /api/v1/wan/ip : l'une de ces lectures a échoué (voir les avertissements), le modèle ou l'adresse WAN sont inconnus",

  // --- SFR (sfr.ts; the manual checks carry their own French) ---
  ...Object.fromEntries(SFR_MANUAL_CHECKS.map((c) => [c.code, c.fr])),
  SFR_UPNP_UNREADABLE:
    "l'UPnP IGD de la box n'a pas pu être lu (l'UPnP est peut-être désactivé, ce qui est bien, ou injoignable) : vérifiez Réseau → UPnP dans l'interface web de la box",
  'SFR_UPNP_UNREADABLE@upnp-state':
    "impossible de savoir si l'UPnP est activé : vérifiez Réseau → UPnP dans l'interface web de la box",
  SFR_NO_API_IPV6:
    "les ouvertures du pare-feu IPv6 ne sont pas lisibles sur une box SFR : vérifiez-les dans l'interface web de la box",

  // --- FRITZ!Box (fritzbox.ts; listing codes are in FRITZ_LISTING_FR) ---
  FRITZ_NO_CONNECTION_SERVICE:
    "pas de service WANPPPConnection/WANIPConnection dans tr64desc.xml (mode pont ou client IP ?) : les redirections n'ont pas été lues ; vérifiez-les dans l'interface web de la box",
  FRITZ_UPNP_STATE_UNREAD:
    "l'état de l'UPnP (X_AVM-DE_UPnP GetInfo) n'a pas pu être lu : vérifiez-le dans l'interface web de la box",
  FRITZ_REMOTE_NO_MYFRITZ_SHARES:
    "l'accès HTTPS à distance, MyFRITZ! et le FTP depuis internet ont été lus ; les partages MyFRITZ! par appareil (X_AVM-DE_MyFritz GetServiceByIndex) ne sont pas lus (noms de champs NON CONFIRMÉS), ni l'accès VPN/WireGuard : vérifiez-les dans l'interface web de la box",
  FRITZ_REMOTE_PARTIAL:
    "certains services d'accès à distance n'ont pas pu être lus (voir les avertissements) ; les partages MyFRITZ! par appareil (X_AVM-DE_MyFritz GetServiceByIndex) ne sont pas lus (noms de champs NON CONFIRMÉS), ni l'accès VPN/WireGuard : vérifiez-les dans l'interface web de la box",
  FRITZ_NO_EXPOSED_HOST_GETTER:
    "TR-064 n'a pas de lecture connue de l'« hôte exposé » (NON CONFIRMÉ) : vérifiez Internet → Permit Access dans l'interface web de la box",
  FRITZ_TR064_NO_IPV6:
    "les partages de ports IPv6 (ouvertures) et les hôtes exposés en IPv6 ne sont pas accessibles par TR-064 : vérifiez-les dans l'interface web de la box",
  FRITZ_DEVICEINFO:
    "tr64desc.xml lu, mais DeviceInfo GetInfo n'a pas pu être lu (voir les avertissements) : le modèle et la version de FRITZ!OS sont incomplets",

  // --- OpenWrt over ubus (openwrt-ubus.ts) ---
  OPENWRT_UCI_UPNPD:
    "ni l'option enabled ni enable_upnp n'a été trouvée dans upnpd (les noms varient selon la version, NON CONFIRMÉ) : l'état de l'UPnP est inconnu ; vérifiez-le dans LuCI",
  OPENWRT_UPNP_LEASES_UNREAD:
    "ni luci.upnp get_status ni le fichier des baux de miniupnpd n'ont pu être lus : les redirections UPnP sont inconnues ; l'adaptateur upnp-igd peut les lister",
  OPENWRT_UPNP_OFF: "l'UPnP est désactivé : aucune redirection UPnP",
  OPENWRT_UHTTPD_DROPBEAR:
    "écoutes de uhttpd et dropbear comparées à la politique d'entrée de la zone wan et aux règles ACCEPT du wan ; les autres services (VPN, luci-app-*) ne sont pas vérifiés",
  OPENWRT_NO_BOARD_INFO: "le modèle du routeur et l'adresse WAN ne sont pas lus par ubus par cet adaptateur",

  // --- OpenWrt configuration (openwrt.ts) ---
  OPENWRT_UCI_RULES:
    'règles wan→lan ACCEPT lues comme ouvertures IPv6 ; les ipsets et les fichiers inclus ne sont pas développés',
  OPENWRT_REMOTE_ADMIN:
    "écoutes uhttpd/dropbear comparées à la politique d'entrée de la zone wan et aux règles d'entrée du wan ; la configuration du pare-feu ou celle des services manquait en partie",
  OPENWRT_NO_FIREWALL_CONFIG:
    "aucune configuration du pare-feu dans les données fournies : les redirections de ports n'ont pas été vérifiées",
  OPENWRT_NO_UPNPD_CONFIG:
    "aucune configuration upnpd dans les données fournies : l'état de l'UPnP est inconnu",
  OPENWRT_NO_LEASE_FILE:
    "le fichier des baux de miniupnpd n'a pas été lu : les redirections UPnP sont inconnues",
  OPENWRT_NO_ADMIN_CONFIG:
    "aucune configuration uhttpd/dropbear/pare-feu : l'administration à distance n'a pas été vérifiée",
  OPENWRT_INCLUDE_SCRIPTS:
    "le pare-feu exécute {includes} script(s) inclus (config include) que la configuration ne montre pas : ils peuvent ouvrir des ports ou des redirections que boxaudit n'a pas vus",
  'OPENWRT_INCLUDE_SCRIPTS@remote-admin':
    "écoutes uhttpd/dropbear comparées à la politique d'entrée de la zone wan et aux règles d'entrée du wan ; des scripts inclus au pare-feu (config include) peuvent en ouvrir d'autres",
  OPENWRT_SECTION_UNKNOWN:
    "le pare-feu contient {sections} section(s) d'un type que boxaudit ne connaît pas : elles peuvent ouvrir des ports",
  OPENWRT_ZONES_MISSING:
    'aucune zone du pare-feu dans les données fournies : la zone nommée « wan » est prise pour le côté internet ; fournissez tout /etc/config/firewall',

  // --- Linux (linux.ts) ---
  LINUX_MINIUPNPD_CHAINS:
    'redirections de miniupnpd lues dans ses chaînes NAT ; leurs descriptions et la durée restante de leurs baux ne figurent pas dans les règles',
  LINUX_UPNP_DAEMON_NOT_READ: 'boxaudit ne lit pas si miniupnpd tourne ; seules ses redirections sont lues',
  LINUX_FILTER_NOT_AUDITED:
    'les règles de filtrage du pare-feu ne sont pas lues : vérifiez-les sur le routeur',
  'LINUX_FILTER_NOT_AUDITED@remote-admin':
    'les services qui écoutent sur le routeur et les règles de filtrage qui les exposent ne sont pas lus : vérifiez-les sur le routeur',
  'LINUX_FILTER_NOT_AUDITED@ipv6-pinholes':
    'les règles de filtrage IPv6 en transit (ouvertures) ne sont pas lues : vérifiez-les sur le routeur',
  LINUX_INPUT_CHAIN_READ:
    "la chaîne input du pare-feu a été lue pour SSH (port 22) depuis l'interface Internet ; boxaudit ne sait pas quels services écoutent réellement sur le routeur",
  LINUX_NO_NAT_TABLE:
    "la sauvegarde iptables n'a pas de table nat (enregistrée avec -t filter ?) : les redirections de ports ne sont pas visibles",
  LINUX_DNAT_PARTLY_READ:
    "une partie des règles NAT n'a pas été lue : une DMZ (redirection de tous les ports) réglée là ne serait pas vue",
  NFT_TEXT_PARTIAL:
    "une partie des règles nftables n'a pas été lue (fichier inclus ou instruction non comprise) : les redirections qui s'y trouvent ne sont pas listées",

  // --- RouterOS (routeros.ts over SSH or an export, routeros-rest.ts) ---
  ROUTEROS_NO_NAT:
    "pas de section /ip firewall nat dans les données fournies : les redirections de ports n'ont pas été vérifiées",
  ROUTEROS_EXPORT_OMITS_DYNAMIC:
    'un export omet les règles dynamiques (UPnP) : les redirections UPnP sont inconnues',
  ROUTEROS_UPNP_OFF: "l'UPnP est désactivé : aucune redirection UPnP",
  ROUTEROS_NO_UPNP_STATE: "l'état de l'UPnP est absent des données fournies",
  ROUTEROS_NO_SERVICES:
    "/ip service est absent des données fournies : l'administration à distance n'a pas été vérifiée",
  ROUTEROS_IP_SERVICE:
    "/ip service lu ; c'est le pare-feu d'entrée (chaîne input) qui décide de l'accès depuis internet, et il n'a pas été lu",
  ROUTEROS_EXPORT_SERVICE_DEFAULTS:
    "services lus dans l'export, avec les valeurs par défaut de RouterOS là où l'export les omet ; le pare-feu d'entrée (chaîne input) n'a pas été lu, donc l'accès depuis internet n'est pas tranché",
  ROUTEROS_NAT_JUMP_UNFOLLOWED:
    "un saut (jump) depuis la chaîne dstnat n'a pas pu être suivi (boucle ou trop de niveaux) : les règles derrière lui n'ont pas été lues",
  ROUTEROS_SERVICES_PARTIAL:
    "/ip service d'un script ou d'un export partiel : seuls les services qu'il règle sont connus, l'état des autres est inconnu",
  ROUTEROS_IPV6_FILTER_NOT_READ:
    "le pare-feu IPv6 (/ipv6 firewall filter) n'est pas lu : les ouvertures IPv6 n'ont pas été vérifiées",
  ROUTEROS_REST_UPNP_UNREAD:
    "/rest/ip/upnp n'a pas pu être lu (voir les avertissements) : l'état de l'UPnP est inconnu",
  ROUTEROS_REST_SERVICES_UNREAD:
    "/rest/ip/service n'a pas pu être lu (voir les avertissements) : l'administration à distance n'a pas été vérifiée",
  ROUTEROS_REST_RESOURCE:
    "modèle et version lus dans /system/resource, adresse WAN dans /ip/address : l'une de ces lectures a échoué (voir les avertissements)",

  // --- EdgeOS / VyOS (edgeos.ts, vyos.ts) ---
  VYATTA_SERVICES:
    "services vérifiés contre ce qui filtre le WAN (jeu de règles « local », zone locale ou filtre d'entrée) ; une partie n'a pas pu être décidée",
  VYATTA_WAN_UNKNOWN:
    "services lus ; la configuration ne dit pas quelle interface est le WAN, on ne sait donc pas s'ils sont joignables depuis internet",
  VYATTA_WAN_UNFILTERED:
    'rien ne filtre les nouvelles connexions du WAN vers le routeur : chaque service qui écoute répond depuis internet',
  VYATTA_FRAGMENT:
    "le fichier n'a pas de section « system » ou « interfaces » : c'est une partie de configuration, les services qu'il omet ne sont pas connus",
  VYATTA_OTHER_FORK:
    "cette configuration contient des nœuds de l'autre variante Vyatta (EdgeOS ou VyOS) que ce lecteur ne lit pas : relisez-la avec l'autre --vendor",
  VYATTA_CONFIG_BOOT_DAMAGED:
    "le fichier config.boot est abîmé (accolades déséquilibrées ou trop profondes) : seul ce qui a pu être lu l'a été",
  EDGEOS_UPNP_RUNTIME:
    "les redirections UPnP vivent dans le service en cours d'exécution, pas dans la configuration : auditez aussi la box par UPnP",
  EDGEOS_UPNP_OFF: "l'UPnP est désactivé : aucune redirection UPnP",
  EDGEOS_IPV6_FILTER_NOT_READ:
    "les règles du pare-feu IPv6 ne sont pas auditées : les ouvertures IPv6 n'ont pas été vérifiées",
  VYOS_UPNP_RUNTIME:
    "les redirections UPnP vivent dans le service en cours d'exécution, pas dans la configuration : auditez aussi la box par UPnP",
  VYOS_UPNP_OFF: "l'UPnP est désactivé : aucune redirection UPnP",
  VYOS_IPV6_FILTER_NOT_READ:
    "les règles de filtrage IPv6 en transit (forward) ne sont pas auditées : les ouvertures IPv6 n'ont pas été vérifiées",

  // --- pfSense / OPNsense (formats/pfsense-config.ts) ---
  PF_UPNP_RUNTIME_ONLY:
    "les redirections UPnP actives n'existent qu'en mémoire (ancre pf miniupnpd), pas dans config.xml : auditez aussi la box par UPnP",
  PF_UPNP_OFF: "l'UPnP est désactivé : aucune redirection UPnP",
  PF_WAN_RULES_UNREADABLE:
    "un port de service ou une règle WAN n'a pas pu être lu (voir les avertissements) : on ne sait pas si l'interface web ou SSH est ouverte depuis internet",
  PF_IPV6_RULES_NOT_AUDITED:
    "les règles WAN qui laissent passer l'IPv6 vers des appareils du réseau local ne sont pas auditées : vérifiez-les dans l'interface web",

  // --- UniFi (unifi.ts; the per-site codes are in UNIFI_FR) ---
  UNIFI_SITES_UNREAD:
    "la liste des sites n'a pas pu être lue (voir les avertissements) : aucune redirection de ports n'est connue",
  UNIFI_NO_SITES:
    "le compte ne voit aucun site : aucune redirection de ports n'est connue ; donnez-lui accès aux sites",
  UNIFI_UPNP_MAPPINGS_NOT_EXPOSED:
    "UniFi Network n'a pas d'accès connu qui liste les redirections UPnP / NAT-PMP (NON CONFIRMÉ) : lisez-les depuis le réseau local par UPnP IGD avec --upnp URL (l'URL de description de la console) ou par la découverte",
  UNIFI_REMOTE_ACCESS_NOT_READ:
    "l'accès à distance UniFi (UniFi cloud / Remote Management, un réglage de la console plutôt qu'un port WAN) n'a pas d'accès local confirmé (NON CONFIRMÉ) : vérifiez le réglage d'accès à distance de la console dans l'interface UniFi, et qu'aucune redirection de ports ne vise la console elle-même",
  UNIFI_FIREWALL_NOT_READ:
    "les règles du pare-feu ne sont pas lues (rest/firewallrule sur les anciennes versions ; le chemin du pare-feu par zones de la 9.x est NON CONFIRMÉ) : les règles IPv6 qui autorisent des connexions depuis internet sont inconnues ; vérifiez-les dans l'interface UniFi",

  // --- Whole-audit budgets (util/budget.ts, collect.ts, the request core) ---
  BUDGET_FORWARDS:
    "le nombre maximal de redirections lues pour cet audit (--max-forwards) est atteint : celles lues avant sont gardées, les suivantes n'ont pas été lues",
  BUDGET_BYTES:
    "le volume maximal de données lues pour cet audit (--max-bytes) est atteint : ce qui a été lu avant est gardé, la suite n'a pas été lue",
  BUDGET_TIME:
    "le temps accordé à la lecture de cette box ou à l'audit entier (--max-walk-time, --max-time) est écoulé : ce qui a été lu avant est gardé, la suite n'a pas été lue",
  BUDGET_DESCRIPTIONS:
    "plus de descriptions UPnP ont été annoncées que la limite (--max-descriptions) : seules les premières ont été lues, les autres appareils n'ont pas été vérifiés",
  BUDGET_SSDP_ANSWERS:
    "plus de réponses SSDP sont arrivées que la limite (--max-ssdp-answers) : les suivantes ont été ignorées, d'autres appareils ont pu ne pas être vus",
};

/** Longest `{error}` shown (the reporters cut the whole line again). */
export const MAX_ERROR_LENGTH = 300;
const MAX_VALUE_LENGTH = 40;

type Details = Readonly<Record<string, unknown>> | undefined;

/** Fill `{name}` placeholders; undefined when one has no usable value. */
function fill(template: string, details: Details): string | undefined {
  let missing = false;
  const text = template.replace(/\{([a-zA-Z]+)\}/g, (_whole, name: string) => {
    const value = details?.[name];
    if (typeof value === 'number') return String(value);
    if (typeof value === 'string' && name === 'error' && value !== '')
      return value.length > MAX_ERROR_LENGTH ? `${value.slice(0, MAX_ERROR_LENGTH - 1)}…` : value;
    if (typeof value === 'string' && value.length <= MAX_VALUE_LENGTH) return value;
    missing = true;
    return '?';
  });
  // A translation with a hole is worse than the adapter's precise English.
  return missing ? undefined : text;
}

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
const quoted = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

/** FRITZ!Box listings: what the list walk gave, then what TR-064 cannot tell for this area. */
const FRITZ_LISTING_FR: Readonly<Record<string, string>> = {
  FRITZ_END_COUNT: 'les {count} entrées comptées par la box ont été lues',
  FRITZ_LIST_CAPPED: 'lecture arrêtée à la limite de {cap} entrées',
  FRITZ_LIST_INTERRUPTED:
    "lecture arrêtée à l'entrée {index} : {error} ; les entrées précédentes sont gardées",
  /** Any `FRITZ_END_<n>`: the box ended the walk with a UPnP fault. */
  FRITZ_END_N: "la liste s'est terminée par l'erreur UPnP {endedWith} à l'entrée {index}",
};
const FRITZ_SCOPE_FR: Readonly<Record<string, string>> = {
  'static-forwards':
    ". Selon la version de FRITZ!OS, TR-064 liste les partages de ports de tous les appareils du réseau, ou seulement de certains (NON CONFIRMÉ) : vérifiez Internet → Permit Access dans l'interface web de la box",
  'upnp-mappings':
    ' ; les redirections UPnP partagent la table des partages de ports et ne s’en distinguent que par leur bail (NON CONFIRMÉ)',
};

function fritzListing(item: CoverageItem): string | undefined {
  const head = /^FRITZ_END_\d+$/.test(item.code) ? FRITZ_LISTING_FR.FRITZ_END_N : FRITZ_LISTING_FR[item.code];
  const text = head === undefined ? undefined : fill(head, item.details);
  return text === undefined ? undefined : `${text}${FRITZ_SCOPE_FR[item.area] ?? ''}`;
}

/** UniFi: which sites were read, failed or lack a gateway, from `details`. */
function unifiForwards(item: CoverageItem): string | undefined {
  const read = strings(item.details?.read);
  const failed = strings(item.details?.failed) ?? [];
  const sites = strings(item.details?.sites) ?? [];
  if (read === undefined) return undefined;
  const seen = item.details?.sitesSeen;
  const more = typeof seen === 'number' ? seen - sites.length : 0;
  return [
    `rest/portforward lu pour le(s) site(s) ${quoted(read)}`,
    failed.length
      ? `le(s) site(s) ${quoted(failed)} n'ont pas pu être lus (voir les avertissements) : leurs redirections sont inconnues`
      : '',
    more > 0 ? `${more} site(s) de plus n'ont pas été audités` : '',
  ]
    .filter(Boolean)
    .join(' ; ');
}

function unifiUpnpSetting(item: CoverageItem): string | undefined {
  const option = item.area === 'nat-pmp' ? 'upnp_nat_pmp_enabled' : 'upnp_enabled';
  const perSite = item.details?.perSite;
  const failed = strings(item.details?.failed);
  const noUsg = strings(item.details?.noUsg);
  // The nat-pmp item carries no site lists: the upnp-state line next to it names the sites.
  if (perSite === null || typeof perSite !== 'object' || failed === undefined || noUsg === undefined) {
    return item.status === 'error'
      ? `aucun réglage UPnP n'a pu être lu (voir les avertissements) (${option})`
      : `le réglage « usg » de rest/setting n'a été lu que pour une partie des sites (voir les avertissements et la ligne « UPnP activé ou non ») (${option})`;
  }
  const read = Object.keys(perSite);
  const parts = [
    read.length
      ? `réglage « usg » de rest/setting lu pour le(s) site(s) ${quoted(read)}`
      : "aucun réglage UPnP n'a pu être lu",
    failed.length ? `le(s) site(s) ${quoted(failed)} n'ont pas pu être lus (voir les avertissements)` : '',
    noUsg.length
      ? `le(s) site(s) ${quoted(noUsg)} n'ont pas d'entrée « usg » (pas de passerelle UniFi à cet endroit ?)`
      : '',
  ];
  return `${parts.filter(Boolean).join(' ; ')} (${option})`;
}

const withOrWithoutError = (withError: string, without: string) => (item: CoverageItem) =>
  typeof item.details?.error === 'string' ? fill(withError, item.details) : without;

const BEYOND_UPNP = {
  en: { forwards: 'the manual port forwards', dmz: 'the DMZ', and: ' and ', other: 'settings' },
  fr: { forwards: 'les redirections manuelles', dmz: 'la DMZ', and: ' et ', other: 'des réglages' },
};

/**
 * What a vendor adapter reads that UPnP cannot, from its capabilities: never promise the DMZ to an
 * adapter that cannot read it (FRITZ!Box). Without capabilities: the forwards and the DMZ.
 */
export function beyondUpnp(capabilities: readonly string[] | undefined, lang: 'en' | 'fr' = 'en'): string {
  const w = BEYOND_UPNP[lang];
  const caps = capabilities ?? ['static-forwards', 'dmz'];
  const parts = [
    ...(caps.includes('static-forwards') ? [w.forwards] : []),
    ...(caps.includes('dmz') ? [w.dmz] : []),
  ];
  return parts.length > 0 ? parts.join(w.and) : w.other;
}

/** The vendor hint and its failure, with `{shows}` worded in French from `details.capabilities`. */
const vendorFr = (code: 'VENDOR_API_AVAILABLE' | 'VENDOR_READ_FAILED') => (item: CoverageItem) =>
  fill(COVERAGE_REASONS_FR[code]!, {
    ...item.details,
    shows: beyondUpnp(strings(item.details?.capabilities), 'fr'),
  });

/** Codes whose French depends on the values in `details`, not only on filling placeholders. */
const COMPUTED_FR: Readonly<Record<string, (item: CoverageItem) => string | undefined>> = {
  VENDOR_API_AVAILABLE: vendorFr('VENDOR_API_AVAILABLE'),
  VENDOR_READ_FAILED: vendorFr('VENDOR_READ_FAILED'),
  FREEBOX_IPV6_FIREWALL_SWITCH: (item) => {
    const on = item.details?.ipv6Firewall;
    const state = on === true ? 'activé' : on === false ? 'désactivé' : 'inconnu';
    return `Freebox OS ne montre qu'un interrupteur marche/arrêt du pare-feu IPv6 (actuellement ${state}), pas de liste des règles IPv6 par appareil (NON CONFIRMÉ sur les firmwares récents) : les ouvertures IPv6 ne sont pas vérifiées une par une`;
  },
  FRITZ_END_COUNT: fritzListing,
  FRITZ_LIST_CAPPED: fritzListing,
  FRITZ_LIST_INTERRUPTED: fritzListing,
  UNIFI_PORTFORWARD: unifiForwards,
  UNIFI_SITE_READ_FAILED: unifiForwards,
  UNIFI_SITES_TRUNCATED: unifiForwards,
  UNIFI_SETTING_USG: unifiUpnpSetting,
  UNIFI_SETTING_USG_PARTIAL: unifiUpnpSetting,
  UNIFI_NO_DEVICE_INFO: (item) =>
    `le modèle de la passerelle et l'adresse WAN ne sont pas lus ; seulement les sites, les redirections de ports et les réglages ${item.details?.mode === 'legacy' ? 'du contrôleur auto-hébergé' : 'de la console UniFi OS'}`,
  UBUS_ACL_DENIED: withOrWithoutError(
    "l'utilisateur n'a pas le droit de lire cette configuration par ubus (ACL de rpcd) : {error} ; rien n'est connu pour cette partie, donnez-lui l'accès en lecture ou vérifiez dans LuCI",
    "l'utilisateur n'a pas le droit de lire cette configuration par ubus (ACL de rpcd) : rien n'est connu pour cette partie, donnez-lui l'accès en lecture ou vérifiez dans LuCI",
  ),
  OPENWRT_FIREWALL_UNREAD: withOrWithoutError(
    "la configuration du pare-feu (uci get firewall) n'a pas pu être lue : {error} ; rien n'est connu pour cette partie",
    "uci get firewall n'a renvoyé aucune valeur : rien n'est connu pour cette partie",
  ),
  OPENWRT_UPNPD_UNREAD: withOrWithoutError(
    "la configuration upnpd n'a pas pu être lue : {error} ; l'état de l'UPnP est inconnu",
    "uci get upnpd n'a renvoyé aucune valeur : l'état de l'UPnP est inconnu",
  ),
  // Ended before the list on the first status call (no index), or while listing.
  UPNP_END_NETWORK: (item) =>
    typeof item.details?.index === 'number'
      ? fill(COVERAGE_REASONS_FR.UPNP_END_NETWORK!, item.details)
      : fill(
          "l'adresse de contrôle UPnP de la box n'a pas pu être jointe ({error}) : les redirections UPnP n'ont pas été lues",
          item.details,
        ),
};

/** Codes built at run time; only for items that are not complete. */
const PATTERNS_FR: ReadonlyArray<{
  pattern: RegExp;
  text: (item: CoverageItem, m: RegExpExecArray) => string | undefined;
}> = [
  {
    // Any other `UPNP_END_<n>` that did not end the list normally (606 not authorised, 501 failed…).
    pattern: /^UPNP_END_\d+$/,
    text: (item) =>
      fill(
        "la box a renvoyé l'erreur UPnP {endedWith} à l'entrée {index} ; les redirections suivantes, s'il y en a, n'ont pas été lues",
        item.details,
      ),
  },
  {
    pattern: /^UPNP_END_HTTP_(\d+|ERROR)$/,
    text: (item, m) =>
      fill(
        `la box a répondu HTTP ${m[1] === 'ERROR' ? '(code inconnu)' : m[1]} à l'entrée {index} ({error}) ; les redirections suivantes n'ont pas été lues`,
        item.details,
      ),
  },
  { pattern: /^FRITZ_END_\d+$/, text: (item) => fritzListing(item) },
];

/**
 * Whether French text exists for a code (a sample such as `UPNP_END_999` stands for a run-time
 * code); used by the test that scans the adapters.
 */
export function hasFrenchCoverageReason(code: string): boolean {
  return (
    Object.hasOwn(COMPUTED_FR, code) ||
    Object.hasOwn(COVERAGE_REASONS_FR, code) ||
    PATTERNS_FR.some((p) => p.pattern.test(code))
  );
}

function french(item: CoverageItem): string | undefined {
  if (Object.hasOwn(COMPUTED_FR, item.code)) return COMPUTED_FR[item.code]!(item);
  const byArea = `${item.code}@${item.area}`;
  const template = Object.hasOwn(COVERAGE_REASONS_FR, byArea)
    ? COVERAGE_REASONS_FR[byArea]
    : Object.hasOwn(COVERAGE_REASONS_FR, item.code)
      ? COVERAGE_REASONS_FR[item.code]
      : undefined;
  if (template !== undefined) return fill(template, item.details);
  if (item.status === 'complete') return undefined;
  for (const { pattern, text } of PATTERNS_FR) {
    const m = pattern.exec(item.code);
    if (m) return text(item, m);
  }
  return undefined;
}

/** The reason to show for one coverage item in a language (the caller still sanitises it). */
export function coverageReason(item: CoverageItem, lang: 'en' | 'fr'): string {
  if (lang === 'fr') {
    const text = french(item);
    if (text !== undefined) return text;
  }
  return item.reason;
}
