/**
 * The command line's own sentences (not the report's): `boxaudit fix`, progress, the double-click
 * run of the standalone program. English and French; the French catalogue is typed against the
 * English keys, so a missing sentence is a type error. Placeholders and plurals as in `t`.
 */
import { fillTemplate, type Lang } from './index.js';

const EN = {
  'fix.needsConfirmation':
    'boxaudit fix changes the box: run it in a terminal to confirm, or add --yes to confirm in advance (scripts). Nothing was sent to the box',
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
    '{count:UPnP mapping|UPnP mappings} that boxaudit cannot remove (its values are not plain enough to name it safely; remove {count:it|them} in the box’s settings):',
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
  'guided.welcome':
    'boxaudit checks which ports your internet box opens to the internet. It only reads; it changes nothing.',
  'guided.written': 'The report is saved here: {file}',
  'guided.notWritten':
    'The report could not be saved (no writable folder next to the program or in your home folder).',
  'guided.openFailed': 'Open it yourself: {file}',
  'guided.pressEnter': 'Press Enter to close this window.',
  'guided.cut': '[The report was too long to be saved whole: its end is missing here.]',
} as const;

export type CliMessageKey = keyof typeof EN;

const FR: Record<CliMessageKey, string> = {
  'fix.needsConfirmation':
    'boxaudit fix modifie la box : lancez-le dans un terminal pour confirmer, ou ajoutez --yes pour confirmer d’avance (scripts). Rien n’a été envoyé à la box',
  'fix.notUpnpTarget':
    'fix supprime les redirections par UPnP : il lui faut la box elle-même (--upnp URL, --gateway HÔTE, ou aucune cible pour la rechercher), pas {flag}',
  'fix.unknownForward':
    '--forward {id} : aucune redirection ne porte cet identifiant sur la box (les identifiants figurent dans `boxaudit dump --json`)',
  'fix.reading': 'Lecture de la box…',
  'fix.rereading': 'Nouvelle lecture de la box…',
  'fix.nothing':
    'Aucune redirection UPnP n’a de problème de gravité {severity} ou plus : rien à supprimer. (Les redirections manuelles éventuelles sont listées plus bas.)',
  'fix.planTitle':
    '{count:Redirection UPnP à supprimer|Redirections UPnP à supprimer} (problèmes de gravité {severity} ou plus) :',
  'fix.planTitleChosen':
    '{count:Redirection UPnP à supprimer|Redirections UPnP à supprimer} (choisies avec --forward) :',
  'fix.manualTitle':
    '{count:Redirection que UPnP n’a pas ouverte|Redirections que UPnP n’a pas ouvertes} (boxaudit ne peut pas {count:la|les} modifier : {count:supprimez-la|supprimez-les} dans les réglages de la box) :',
  'fix.cannotTitle':
    '{count:Redirection UPnP que boxaudit ne peut pas supprimer|Redirections UPnP que boxaudit ne peut pas supprimer} (la box la décrit de façon trop imprécise pour la désigner sans risque : {count:supprimez-la|supprimez-les} dans les réglages de la box) :',
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
    'encore présente après suppression : {mapping} (l’appareil qui l’avait ouverte l’a peut-être rouverte : désactivez UPnP sur la box, ou l’option dans cet appareil)',
  'fix.upnpAdvice':
    'Un appareil de votre réseau a ouvert ces ports de lui-même. Pour que cela ne se reproduise pas, désactivez UPnP dans les réglages de la box (ou l’option correspondante dans cet appareil).',
  'guided.welcome':
    'boxaudit vérifie quels ports votre box internet ouvre vers internet. Il se contente de lire : il ne modifie rien.',
  'guided.written': 'Le rapport est enregistré ici : {file}',
  'guided.notWritten':
    'Le rapport n’a pas pu être enregistré (aucun dossier accessible en écriture à côté du programme ni dans votre dossier personnel).',
  'guided.openFailed': 'Ouvrez-le vous-même : {file}',
  'guided.pressEnter': 'Appuyez sur Entrée pour fermer cette fenêtre.',
  'guided.cut': '[Le rapport était trop long pour être enregistré en entier : la fin manque ici.]',
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
