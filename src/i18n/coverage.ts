import type { CoverageItem } from '../model/types.js';
import { ADAPTER_COVERAGE_FR } from './coverage.generated.js';
import { frenchSpaces } from './typography.js';

/**
 * French explanations of coverage reasons, by `CoverageItem.code`. The adapters' codes are in their
 * metadata (`coverage` in src/adapters/<id>.meta.ts), gathered by `npm run gen`
 * (scripts/gen-adapter-texts.mjs) into coverage.generated.ts so that i18n loads no adapter; the
 * codes no adapter owns (vendor suggestion, whole-audit budgets) are here.
 * A key `CODE@area` is a refinement for one area (the adapter says something area-specific);
 * the plain `CODE` key is the fallback and always exists.
 * `{name}` placeholders are filled from `CoverageItem.details` (numbers and short strings only;
 * `{error}` is the adapter's already-redacted error message, cut to {@link MAX_ERROR_LENGTH}).
 * English output uses the adapter's own `reason` (the most precise); French falls back to it
 * for codes not listed here. test/i18n/coverage-fr.test.ts fails when an adapter emits a
 * code that can be non-complete and has no French here.
 */
export const COVERAGE_REASONS_FR: Readonly<Record<string, string>> = {
  // --- Every adapter's own codes (src/adapters/<id>.meta.ts) ---
  ...ADAPTER_COVERAGE_FR,

  // --- Vendor detection (src/detect.ts) ---
  VENDOR_API_AVAILABLE:
    'cette box semble être une {adapter}. Sa propre interface montre {shows} que l’UPnP ne montre pas : lancez boxaudit --vendor {adapter} --host {host} (identifiants par les variables d’environnement BOXAUDIT_USER, BOXAUDIT_PASSWORD, BOXAUDIT_TOKEN, ou à l’invite sur un terminal, jamais sur la ligne de commande)',
  VENDOR_READ_FAILED:
    'la lecture de cette box ({adapter}) par sa propre interface a échoué ({error}), donc {shows} n’ont pas été vérifiées : corrigez les identifiants et lancez boxaudit --vendor {adapter} --host {host}',

  // --- Whole-audit budgets (util/budget.ts, collect.ts, the request core) ---
  BUDGET_FORWARDS:
    'le nombre maximal de redirections lues pour cet audit (--max-forwards) est atteint : celles lues avant sont gardées, les suivantes n’ont pas été lues',
  BUDGET_BYTES:
    'le volume maximal de données lues pour cet audit (--max-bytes) est atteint : ce qui a été lu avant est gardé, la suite n’a pas été lue',
  BUDGET_TIME:
    'le temps accordé à la lecture de cette box ou à l’audit entier (--max-walk-time, --max-time) est écoulé : ce qui a été lu avant est gardé, la suite n’a pas été lue',
  BUDGET_DESCRIPTIONS:
    'plus de descriptions UPnP ont été annoncées que la limite (--max-descriptions) : seules les premières ont été lues, les autres appareils n’ont pas été vérifiés',
  BUDGET_SSDP_ANSWERS:
    'plus de réponses SSDP sont arrivées que la limite (--max-ssdp-answers) : les suivantes ont été ignorées, d’autres appareils ont pu ne pas être vus',
};

/** Longest `{error}` shown (the reporters cut the whole line again). */
export const MAX_ERROR_LENGTH = 300;
const MAX_VALUE_LENGTH = 40;

type Details = Readonly<Record<string, unknown>> | undefined;

/**
 * Fill `{name}` placeholders and `{name:one|other}` plural choices (French: 0 and 1 are singular);
 * undefined when one has no usable value.
 */
function fill(template: string, details: Details): string | undefined {
  let missing = false;
  const text = template.replace(
    /\{([a-zA-Z]+)(?::([^{}|]*)\|([^{}|]*))?\}/g,
    (_whole, name: string, one?: string, other?: string) => {
      const value = details?.[name];
      if (one !== undefined && other !== undefined) {
        if (typeof value === 'number') return value <= 1 ? one : other;
        missing = true;
        return '?';
      }
      if (typeof value === 'number') return String(value);
      if (typeof value === 'string' && name === 'error' && value !== '')
        return value.length > MAX_ERROR_LENGTH ? `${value.slice(0, MAX_ERROR_LENGTH - 1)}…` : value;
      if (typeof value === 'string' && value.length <= MAX_VALUE_LENGTH) return value;
      missing = true;
      return '?';
    },
  );
  // A translation with a hole is worse than the adapter's precise English.
  return missing ? undefined : text;
}

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
const quoted = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');
/** `le site "a"` or `les sites "a", "b"`. */
const siteNames = (names: readonly string[]): string =>
  `${names.length > 1 ? 'les sites' : 'le site'} ${quoted(names)}`;

/** FRITZ!Box listings: what the list walk gave, then what TR-064 cannot tell for this area. */
const FRITZ_LISTING_FR: Readonly<Record<string, string>> = {
  FRITZ_END_COUNT: 'les {count} entrées comptées par la box ont été lues',
  FRITZ_LIST_CAPPED: 'lecture arrêtée à la limite de {cap} entrées',
  FRITZ_LIST_INTERRUPTED:
    'lecture arrêtée à l’entrée {index} : {error} ; les entrées précédentes sont gardées',
  /** Any `FRITZ_END_<n>`: the box ended the walk with a UPnP fault. */
  FRITZ_END_N: 'la liste s’est terminée par l’erreur UPnP {endedWith} à l’entrée {index}',
};
const FRITZ_SCOPE_FR: Readonly<Record<string, string>> = {
  'static-forwards':
    '. Selon la version de FRITZ!OS, TR-064 liste les partages de ports de tous les appareils du réseau, ou seulement de certains (NON CONFIRMÉ) : vérifiez Internet → Permit Access dans l’interface web de la box',
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
    `rest/portforward lu pour ${siteNames(read)}`,
    failed.length
      ? `${siteNames(failed)} ${failed.length > 1 ? 'n’ont pas pu être lus' : 'n’a pas pu être lu'} (voir les avertissements) : ${failed.length > 1 ? 'leurs' : 'ses'} redirections sont inconnues`
      : '',
    more > 0
      ? `${more} ${more > 1 ? 'sites de plus n’ont pas été audités' : 'site de plus n’a pas été audité'}`
      : '',
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
      ? `aucun réglage UPnP n’a pu être lu (voir les avertissements) (${option})`
      : `le réglage « usg » de rest/setting n’a été lu que pour une partie des sites (voir les avertissements et la ligne « UPnP activé ou non ») (${option})`;
  }
  const read = Object.keys(perSite);
  const parts = [
    read.length
      ? `réglage « usg » de rest/setting lu pour ${siteNames(read)}`
      : 'aucun réglage UPnP n’a pu être lu',
    failed.length
      ? `${siteNames(failed)} ${failed.length > 1 ? 'n’ont pas pu être lus' : 'n’a pas pu être lu'} (voir les avertissements)`
      : '',
    noUsg.length
      ? `${siteNames(noUsg)} ${noUsg.length > 1 ? 'n’ont' : 'n’a'} pas d’entrée « usg » (pas de passerelle UniFi à cet endroit ?)`
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
    return `Freebox OS ne montre qu’un interrupteur marche/arrêt du pare-feu IPv6 (actuellement ${state}), pas de liste des règles IPv6 par appareil (NON CONFIRMÉ sur les firmwares récents) : les ouvertures IPv6 ne sont pas vérifiées une par une`;
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
    `le modèle de la passerelle et l’adresse WAN ne sont pas lus ; seulement les sites, les redirections de ports et les réglages ${item.details?.mode === 'legacy' ? 'du contrôleur auto-hébergé' : 'de la console UniFi OS'}`,
  UBUS_ACL_DENIED: withOrWithoutError(
    'l’utilisateur n’a pas le droit de lire cette configuration par ubus (ACL de rpcd) : {error} ; rien n’est connu pour cette partie, donnez-lui l’accès en lecture ou vérifiez dans LuCI',
    'l’utilisateur n’a pas le droit de lire cette configuration par ubus (ACL de rpcd) : rien n’est connu pour cette partie, donnez-lui l’accès en lecture ou vérifiez dans LuCI',
  ),
  // Ended before the list on the first status call (no index), or while listing.
  UPNP_END_NETWORK: (item) =>
    typeof item.details?.index === 'number'
      ? fill(COVERAGE_REASONS_FR.UPNP_END_NETWORK!, item.details)
      : fill(
          'l’adresse de contrôle UPnP de la box n’a pas pu être jointe ({error}) : les redirections UPnP n’ont pas été lues',
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
        'la box a renvoyé l’erreur UPnP {endedWith} à l’entrée {index} ; les redirections suivantes, s’il y en a, n’ont pas été lues',
        item.details,
      ),
  },
  {
    pattern: /^UPNP_END_HTTP_(\d+|ERROR)$/,
    text: (item, m) =>
      fill(
        `la box a répondu HTTP ${m[1] === 'ERROR' ? '(code inconnu)' : m[1]} à l’entrée {index} ({error}) ; les redirections suivantes n’ont pas été lues`,
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
    if (text !== undefined) return frenchSpaces(text);
  }
  return item.reason;
}
