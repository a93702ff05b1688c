/**
 * The command line's own sentences (not the report's): `boxaudit fix`, progress, the double-click
 * run of the standalone program. English and French; the French catalogue is typed against the
 * English keys, so a missing sentence is a type error. Placeholders and plurals as in `t`.
 */
import type { Lang } from './index.js';
import { fillTemplate } from './template.js';
import { frenchSpaces } from './typography.js';

const EN = {
  'fix.needsConfirmation':
    'fix changes the box: run it in a terminal to confirm, or add --yes to confirm in advance (scripts). Nothing was sent to the box',
  'fix.notUpnpTarget':
    'fix removes mappings over UPnP, so it needs the box itself: --upnp URL, --gateway HOST, or no target (discovery); not {flag}',
  'fix.unknownForward':
    '--forward {id}: no forward with this id on the box (ids are in `boxaudit dump --json`)',
  'fix.reading': 'Reading the box…',
  'fix.rereading': 'Reading the box again…',
  'fix.nothing':
    'No UPnP mapping with a finding at or above {severity}: nothing to remove. (Manual forwards are listed below, if any.)',
  'fix.planTitle': '{count:UPnP mapping|UPnP mappings} to remove (findings at or above {severity}):',
  'fix.planTitleChosen': '{count:UPnP mapping|UPnP mappings} to remove (chosen with --forward):',
  'fix.manualTitle':
    '{count:Forward|Forwards} that UPnP did not open (boxaudit cannot change {count:it|them}; remove {count:it|them} in the box’s settings):',
  'fix.cannotTitle':
    '{count:UPnP mapping|UPnP mappings} that boxaudit cannot remove (the box describes {count:it|them} too vaguely to name {count:it|them} safely; remove {count:it|them} in the box’s settings):',
  'fix.why': 'why',
  'fix.confirm': 'Remove {count} UPnP {count:mapping|mappings} from the box? [y/N] ',
  'fix.declined': 'Nothing was changed.',
  'fix.removed': 'removed: {mapping}',
  'fix.gone': 'already gone: {mapping} (the box no longer has it)',
  'fix.changed':
    'left alone: {mapping} (the box now sends this port to {client}:{port}; audit again and decide)',
  'fix.failed': 'could not remove: {mapping}: {message}',
  'fix.summary': '{removed} of {total} {total:mapping|mappings} removed.',
  'fix.reappeared':
    'still there after removal: {mapping} (the device that opened it may have opened it again: turn off UPnP on the box, or the feature in that device)',
  'fix.upnpAdvice':
    'A device on your network opened these ports by itself. To stop it happening again, turn off UPnP in the box’s settings (or the option in that device).',
  'cli.unknownCommand': 'unknown command "{command}" (commands: {commands}; see boxaudit --help)',
  'cli.seeHelp': ' (see boxaudit --help)',
  'cli.unexpected': 'unexpected error',
  'cli.warning': 'boxaudit: warning: {message}',
  'cli.incomplete': 'boxaudit: incomplete audit: could not read {areas} (see Coverage); exit 2',
  'cli.outputFailed':
    'boxaudit: could not write --output {path}: {why} (the report was printed to stdout); exit 2',
  'cli.SIGINT': 'interrupted (Ctrl-C)',
  'cli.SIGTERM': 'terminated (SIGTERM)',
  'cli.password': 'Password for the {vendor} at {host}: ',
  'cli.looksLike':
    'boxaudit: this box looks like a {adapter} ({reason}). With its admin password boxaudit can also read {more}, which UPnP does not show.',
  'cli.adminPassword': 'Admin password of the {adapter} at {host} (Enter to skip): ',
  'cli.trustedOnFirstUse':
    'boxaudit: trusted host key {fingerprint} on first use; pin it next time with --host-key {fingerprint}',
  'guided.welcome':
    'boxaudit checks which ports your internet box opens to the internet. It only reads; it changes nothing.',
  'guided.written': 'The report is saved here: {file}',
  'guided.notWritten':
    'The report could not be saved (no writable folder next to the program or in your home folder).',
  'guided.openFailed': 'Open it yourself: {file}',
  'guided.pressEnter': 'Press Enter to close this window.',
  'guided.cut': '[The report was too long to be saved whole: its end is missing here.]',
  'html.written': 'boxaudit: report written to {file}',
  'html.openFailed': "boxaudit: could not open {file} with the system's browser ({why}); open it yourself",
  'login.asking': 'boxaudit: asking the Freebox to register boxaudit (read-only access).',
  'login.goToBox':
    '  Go to the box and accept the request on its front screen (Freebox Pop: in the Freebox Connect app).',
  'login.waiting': '  Waiting up to 2 minutes…',
  'login.loose': 'boxaudit: warning: {path} is readable by other users; run chmod 600 on it',
  'login.registered': 'Registered. The app token is saved in {path} (only you can read it).',
  'login.next': 'Now run: boxaudit --vendor freebox --host mafreebox.freebox.fr',
  'login.rights':
    'In the Freebox settings (Gestion des accès), give the "boxaudit" application only the read rights it needs.',
} as const;

export type CliMessageKey = keyof typeof EN;

const FR: Record<CliMessageKey, string> = {
  'fix.needsConfirmation':
    'la commande fix modifie la box : lancez-la dans un terminal pour confirmer, ou ajoutez --yes pour confirmer d’avance (scripts). Rien n’a été envoyé à la box',
  'fix.notUpnpTarget':
    'fix supprime les redirections par UPnP : il lui faut la box elle-même (--upnp URL, --gateway HÔTE, ou aucune cible pour la rechercher), pas {flag}',
  'fix.unknownForward':
    '--forward {id} : aucune redirection ne porte cet identifiant sur la box (les identifiants figurent dans `boxaudit dump --json`)',
  'fix.reading': 'Lecture de la box…',
  'fix.rereading': 'Nouvelle lecture de la box…',
  'fix.nothing':
    'Aucune redirection UPnP ne présente de problème de gravité « {severity} » ou supérieure : rien à supprimer. (Les éventuelles redirections manuelles sont listées plus bas.)',
  'fix.planTitle':
    '{count:Redirection UPnP à supprimer|Redirections UPnP à supprimer} (problèmes de gravité « {severity} » ou supérieure) :',
  'fix.planTitleChosen':
    '{count:Redirection UPnP à supprimer|Redirections UPnP à supprimer} (choisies avec --forward) :',
  'fix.manualTitle':
    '{count:Redirection que l’UPnP n’a pas ouverte|Redirections que l’UPnP n’a pas ouvertes} (boxaudit ne peut pas {count:la|les} modifier : {count:supprimez-la|supprimez-les} dans les réglages de la box) :',
  'fix.cannotTitle':
    '{count:Redirection UPnP que boxaudit ne peut pas supprimer|Redirections UPnP que boxaudit ne peut pas supprimer} (la box {count:la décrit|les décrit} de façon trop imprécise pour {count:la désigner|les désigner} sans risque : {count:supprimez-la|supprimez-les} dans les réglages de la box) :',
  'fix.why': 'pourquoi',
  'fix.confirm': 'Supprimer {count} {count:redirection|redirections} UPnP de la box ? [o/N] ',
  'fix.declined': 'Rien n’a été modifié.',
  'fix.removed': 'supprimée : {mapping}',
  'fix.gone': 'déjà absente : {mapping} (la box ne l’a plus)',
  'fix.changed':
    'laissée telle quelle : {mapping} (la box envoie maintenant ce port vers {client}:{port} ; refaites l’audit avant de décider)',
  'fix.failed': 'suppression impossible : {mapping} : {message}',
  'fix.summary': '{removed} {removed:redirection supprimée|redirections supprimées} sur {total}.',
  'fix.reappeared':
    'encore présente après suppression : {mapping} (l’appareil qui l’avait ouverte l’a peut-être rouverte : désactivez l’UPnP sur la box, ou l’option correspondante dans cet appareil)',
  'fix.upnpAdvice':
    'Un appareil de votre réseau a ouvert ces ports de lui-même. Pour que cela ne se reproduise pas, désactivez l’UPnP dans les réglages de la box (ou l’option correspondante dans cet appareil).',
  'cli.unknownCommand': 'commande inconnue « {command} » (commandes : {commands} ; voir boxaudit --help)',
  'cli.seeHelp': ' (voir boxaudit --help)',
  'cli.unexpected': 'erreur inattendue',
  'cli.warning': 'boxaudit : avertissement : {message}',
  'cli.incomplete':
    'boxaudit : audit incomplet : impossible de lire {areas} (voir Couverture) ; code de sortie 2',
  'cli.outputFailed':
    'boxaudit : impossible d’écrire --output {path} : {why} (le rapport a été affiché sur la sortie standard) ; code de sortie 2',
  'cli.SIGINT': 'interrompu (Ctrl-C)',
  'cli.SIGTERM': 'arrêté (SIGTERM)',
  'cli.password': 'Mot de passe de la box {vendor} à l’adresse {host} : ',
  'cli.looksLike':
    'boxaudit : cette box semble être une {adapter} ({reason}). Avec son mot de passe d’administration, boxaudit peut aussi lire {more}, ce que l’UPnP ne montre pas.',
  'cli.adminPassword':
    'Mot de passe d’administration de la box {adapter} à l’adresse {host} (Entrée pour passer) : ',
  'cli.trustedOnFirstUse':
    'boxaudit : clé d’hôte {fingerprint} acceptée à la première connexion ; la prochaine fois, fixez-la avec --host-key {fingerprint}',
  'guided.welcome':
    'boxaudit vérifie quels ports votre box internet ouvre vers Internet. Il se contente de lire : il ne modifie rien.',
  'guided.written': 'Le rapport est enregistré ici : {file}',
  'guided.notWritten':
    'Le rapport n’a pas pu être enregistré (aucun dossier accessible en écriture à côté du programme ni dans votre dossier personnel).',
  'guided.openFailed': 'Ouvrez-le vous-même : {file}',
  'guided.pressEnter': 'Appuyez sur Entrée pour fermer cette fenêtre.',
  'guided.cut': '[Le rapport était trop long pour être enregistré en entier : la fin manque ici.]',
  'html.written': 'boxaudit : rapport enregistré dans {file}',
  'html.openFailed':
    'boxaudit : impossible d’ouvrir {file} dans le navigateur du système ({why}) ; ouvrez-le vous-même',
  'login.asking':
    'boxaudit : demande d’enregistrement de boxaudit auprès de la Freebox (accès en lecture seule).',
  'login.goToBox':
    '  Allez jusqu’à la box et acceptez la demande sur son écran (Freebox Pop : dans l’application Freebox Connect).',
  'login.waiting': '  Attente de votre réponse, 2 minutes au plus…',
  'login.loose':
    'boxaudit : avertissement : {path} est lisible par d’autres utilisateurs ; lancez chmod 600 sur ce fichier',
  'login.registered': 'C’est fait. Le jeton d’accès est enregistré dans {path} (vous seul pouvez le lire).',
  'login.next': 'Lancez maintenant : boxaudit --vendor freebox --host mafreebox.freebox.fr',
  'login.rights':
    'Dans les réglages de la Freebox (Gestion des accès), ne donnez à l’application « boxaudit » que les droits de lecture dont elle a besoin.',
};

const CATALOGUES: Record<Lang, Record<CliMessageKey, string>> = { en: EN, fr: FR };

/** A command-line sentence in `lang`, placeholders filled (see `t`). */
export function cliText(
  lang: Lang,
  key: CliMessageKey,
  params: Record<string, string | number> = {},
): string {
  return fillTemplate(lang, CATALOGUES[lang][key], params);
}

/** What each error code means, in French, put before the technical detail of an error that has no French wording. */
export const ERROR_CODES_FR: Record<string, string> = {
  BOXAUDIT_TIMEOUT: 'la box n’a pas répondu à temps',
  BOXAUDIT_ABORTED: 'arrêté avant la fin',
  BOXAUDIT_NETWORK: 'la box n’a pas pu être jointe sur le réseau',
  BOXAUDIT_HTTP_STATUS: 'la box a répondu par une erreur HTTP',
  BOXAUDIT_PROTOCOL_ERROR: 'la box a envoyé une réponse illisible',
  BOXAUDIT_TOO_LARGE: 'la réponse de la box dépasse la taille admise',
  BOXAUDIT_SOAP_FAULT: 'la box a refusé la demande UPnP',
  BOXAUDIT_NOT_ALLOWED: 'demande bloquée avant envoi (elle n’est pas dans la liste des demandes autorisées)',
  BOXAUDIT_NOT_FOUND: 'introuvable',
  BOXAUDIT_AUTH_FAILED: 'la box a refusé les identifiants',
  BOXAUDIT_HOST_KEY: 'la clé SSH de la box n’est pas celle attendue',
  BOXAUDIT_RATE_LIMITED: 'la box limite les tentatives : réessayez plus tard',
  BOXAUDIT_RULE_INVALID: 'règle invalide',
  BOXAUDIT_CONFIG_INVALID: 'fichier de configuration invalide',
  BOXAUDIT_INPUT_INVALID: 'donnée invalide',
  BOXAUDIT_USAGE: 'commande incorrecte',
  BOXAUDIT_UNSUPPORTED: 'non pris en charge',
};

type Rewrite = [RegExp, (...groups: string[]) => string];

/**
 * The command line's own English messages (usage errors, mostly) and their French wording. A
 * message not listed here keeps its English text, introduced by the French meaning of its code.
 */
const MESSAGES_FR: Rewrite[] = [
  [
    /^(\w+): option --([\w-]+) does not apply to this command$/,
    (c, o) => `${c} : l’option --${o} ne s’applique pas à cette commande`,
  ],
  [/^(\w+): Unknown option '(.+)'$/, (c, o) => `${c} : option inconnue « ${o} »`],
  [
    /^(\w+): Option '(--[\w-]+)(?: <value>)?' argument missing$/,
    (c, o) => `${c} : il manque la valeur de l’option ${o}`,
  ],
  [
    /^(\w+): Option '(--[\w-]+)' argument is ambiguous.*$/s,
    (c, o) =>
      `${c} : la valeur de ${o} commence par un tiret ; si c’est bien la valeur voulue, écrivez ${o}=VALEUR`,
  ],
  [/^(\w+): unexpected argument "(.*)"$/, (c, a) => `${c} : argument inattendu « ${a} »`],
  [/^unknown command "(.*)"$/, (c) => `commande inconnue « ${c} »`],
  [
    /^--([\w-]+) must be a whole number from 1 to (\d+) \(got "(.*)"\)$/,
    (o, m, g) => `--${o} doit être un nombre entier de 1 à ${m} (reçu : « ${g} »)`,
  ],
  [
    /^--([\w-]+) must be one of (.*) \(got "(.*)"\)$/,
    (o, c, g) => `--${o} doit être l’une de ces valeurs : ${c} (reçu : « ${g} »)`,
  ],
  [/^--json contradicts --format (\w+)$/, (f) => `--json contredit --format ${f}`],
  [
    /^--now must be an ISO 8601 date .* \(got "(.*)"\)$/,
    (g) =>
      `--now doit être une date ou une date et heure ISO 8601, par exemple 2026-06-01T12:00:00Z (reçu : « ${g} »)`,
  ],
  [
    /^choose one target: (.*) cannot be combined$/,
    (l) => `une seule cible à la fois : ${l} ne peuvent pas être combinées`,
  ],
  [
    /^--upnp needs the http\(s\) URL of the device description \(got "(.*)"\)$/,
    (g) => `--upnp attend l’URL http(s) de la description UPnP de la box (reçu : « ${g} »)`,
  ],
  [/^--vendor (\S+) needs --host HOST$/, (v) => `--vendor ${v} demande aussi --host HÔTE`],
  [/^--host goes with --vendor ID$/, () => '--host s’utilise avec --vendor ID'],
  [
    /^--password-env (\S+): that environment variable is not set$/,
    (v) => `--password-env ${v} : cette variable d’environnement n’est pas définie`,
  ],
  [/^--output (.*): is a folder, not a file$/, (p) => `--output ${p} : c’est un dossier, pas un fichier`],
  [/^--output (.*): folder (.*) does not exist$/, (p, d) => `--output ${p} : le dossier ${d} n’existe pas`],
  [
    /^--output (.*): folder (.*) is not writable$/,
    (p, d) => `--output ${p} : impossible d’écrire dans le dossier ${d}`,
  ],
  [/^--output (.*): not writable$/, (p) => `--output ${p} : impossible d’y écrire`],
  [
    /^(--vantage|--hairpin) is part of the probe step: add --probe \(e\.g\. (.*)\)$/,
    (f, e) => `${f} fait partie de l’étape des sondes : ajoutez --probe (par exemple ${e})`,
  ],
  [
    /^--vantage and --hairpin cannot be combined: .*$/,
    () =>
      '--vantage et --hairpin ne vont pas ensemble : le test depuis la machine extérieure est la preuve la plus forte ; gardez --vantage',
  ],
  [
    /^--vantage must be ssh:\/\/user@host\[:port\] \((.*); got "(.*)"\)$/,
    (why, got) => `--vantage doit avoir la forme ssh://utilisateur@hôte[:port] (${why} ; reçu : « ${got} »)`,
  ],
  [
    /^--internet-db-url needs --internet-db .*$/,
    () => '--internet-db-url demande aussi --internet-db (sans lui, rien n’est consulté)',
  ],
  [
    /^--internet-db goes with --probe .*$/,
    () => '--internet-db s’utilise avec --probe (la consultation fait partie de l’étape des sondes)',
  ],
];

/** The French wording of one of the command line's own English messages, or null when it has none. */
export function frenchMessage(message: string): string | null {
  for (const [pattern, rewrite] of MESSAGES_FR) {
    const match = pattern.exec(message);
    if (match) return frenchSpaces(rewrite(...match.slice(1)));
  }
  return null;
}

/**
 * Progress lines (stderr, on a terminal or with --verbose) in French. Their fixed words are
 * translated; what comes from the box or the network (addresses, URLs, names) is kept as it is.
 */
const PROGRESS_FR: Rewrite[] = [
  [/^(\[[\w-]+\] )?reading (.+)$/, (p, w) => `${p ?? ''}lecture de ${w}`],
  [/^\[upnp-igd\] read (\d+) mappings…$/, (n) => `[upnp-igd] ${n} redirections lues…`],
  [/^(.*): connecting as (.*)$/, (w, u) => `${w} : connexion en tant que ${u}`],
  [/^(\[[\w-]+\] \S+): logging in as "(.*)"$/, (w, u) => `${w} : connexion en tant que « ${u} »`],
  [/^(\[[\w-]+\] \S+): logging in$/, (w) => `${w} : connexion`],
  [/^(\[[\w-]+\] \S+): Freebox API v(\d+), logging in$/, (w, v) => `${w} : API Freebox v${v}, connexion`],
  [/^(\[[\w-]+\] \S+): creating a sysbus context$/, (w) => `${w} : ouverture d’un contexte sysbus`],
  [
    /^(\[[\w-]+\]) (session|context) renewed (\d+) time\(s\)$/,
    (w, k, n) => `${w} ${k === 'session' ? 'session renouvelée' : 'contexte renouvelé'} ${n} fois`,
  ],
  [/^this box looks like a (\S+) \((.*)\)$/, (a, r) => `cette box semble être une ${a} (${r})`],
  [
    /^reading it through its own interface \((\S+) at (.*)\)$/,
    (a, h) => `lecture par sa propre interface (${a} à l’adresse ${h})`,
  ],
  [/^warning: (.*)$/s, (m) => `avertissement : ${m}`],
  [
    /^outside-in check from (\S+): (\d+) port\(s\) of (\S+)$/,
    (v, n, a) => `test depuis l’extérieur (${v}) : ${n} port(s) de ${a}`,
  ],
  [/^hairpin check: (\d+) port\(s\) of (\S+)$/, (n, a) => `test en boucle (hairpin) : ${n} port(s) de ${a}`],
  [
    /^hairpin: TCP connection to (\S+) \(no data\)$/,
    (t) => `hairpin : connexion TCP vers ${t} (aucune donnée)`,
  ],
  [/^(\[vantage\] ssh \S+): TCP channel to (\S+)$/, (w, t) => `${w} : canal TCP vers ${t}`],
  [/^gateway (\S+) is (\S+)$/, (g, a) => `passerelle ${g} : ${a}`],
  [/^default gateway (.*)$/, (g) => `passerelle par défaut ${g}`],
  [
    /^looking the public address up at (\S+) \(--internet-db\)$/,
    (u) => `consultation de l’adresse publique auprès de ${u} (--internet-db)`,
  ],
  [/^(\S+) answered \((.*)\) via (\S+): (.*)$/, (f, s, v, h) => `${f} a répondu (${s}) via ${v} : ${h}`],
  [
    /^ignored an answer from (\S+) for (.*) \(not an internet gateway\)$/,
    (f, s) => `réponse de ${f} ignorée pour ${s} (pas une passerelle internet)`,
  ],
  [
    /^demo: simulated internet box at (\S+) \(loopback only; nothing leaves this machine\)$/,
    (u) =>
      `démo : box internet simulée à l’adresse ${u} (sur cet ordinateur seulement ; rien ne sort de cette machine)`,
  ],
];

/** A progress line in `lang` (English lines pass through; a French line without a pattern stays as it is). */
export function progressLine(lang: Lang, line: string): string {
  if (lang !== 'fr') return line;
  for (const [pattern, rewrite] of PROGRESS_FR) {
    const match = pattern.exec(line);
    if (match) return frenchSpaces(rewrite(...match.slice(1).map((g) => g ?? '')));
  }
  return line;
}
