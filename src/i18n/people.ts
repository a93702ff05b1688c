/**
 * Words of the reports for people (the device-by-device text report and the HTML page): the
 * verdict, the first things to do, the box read over UPnP only, the GDPR part. Typed like the main
 * catalogues (fr must have every key of en). Placeholders and plural choices as in `t`.
 */
import { fillTemplate, type Lang } from './index.js';

const en = {
  'page.title': 'Internet box check',
  'page.subtitle': 'What your internet box lets in from the Internet, and what to do about it',
  'page.readAt': 'Box read on {date}',
  'page.print': 'To keep this page: print it, or save it as PDF from the browser.',
  'verdict.heading': 'Verdict',
  'verdict.critical':
    '{count} {count:device of your office is|devices of your office are} open to the whole Internet in a dangerous way. Act today.',
  'verdict.high':
    '{count} {count:device of your office is|devices of your office are} reachable from the Internet in a risky way. Act this week.',
  'verdict.some':
    'Your box lets the Internet reach {count} {count:device|devices} of your office. Check that {count:it has|they have} to be reachable.',
  'verdict.nothing': 'Nothing dangerous was found in what could be read.',
  'verdict.nothingPartial':
    'Nothing dangerous was found in what could be read, but an important part of the box could not be read (see below): this is not a clean bill of health.',
  'verdict.routerOnly': 'A setting of the box itself needs attention (see below).',
  'first.heading': 'The first things to do',
  'first.removeForwards': 'Remove the port {count:forward|forwards} to {devices}.',
  'first.removeForwardsWhy':
    'Anyone on the Internet can reach {count:this device|these devices} today. If a program opened {count:it|them} over UPnP, turn UPnP off as well, or it will open {count:it|them} again.',
  'first.dmzOff': 'Turn off the DMZ: it opens every port of {device} to the Internet.',
  'first.remoteAdminOff': 'Turn off remote administration of the box from the Internet.',
  'first.upnpOff': 'Turn off UPnP, so that no program can open ports by itself again.',
  'first.readRest': 'Have the manual port forwards and the DMZ of the box read: UPnP cannot see them.',
  'first.reviewDevices': 'Check that {devices} really {count:needs|need} to be reachable from the Internet.',
  'first.keepWatching':
    'Run this check again after any change to the box, or when a new device or program is installed.',
  'first.where': 'Where to click',
  'first.command': 'Command',
  'first.unconfirmed':
    'Menu names differ between firmware versions: if a name is not exactly the same, look for the closest one.',
  'upnpOnly.heading': 'Important: the most important part of this box was not read',
  'upnpOnly.lead':
    'This box was read over UPnP only. Port forwards set by hand in the box and the DMZ were NOT read, and they are how most offices get exposed.',
  'upnpOnly.command': 'Next step: run {command} on a computer of the office network{prepare}.',
  'upnpOnly.commandPartial': 'It reads the manual forwards; the DMZ must still be checked by hand.',
  'upnpOnly.look': 'Next step: {open}, then check these pages:',
  'upnpOnly.lookForwards': 'manual port forwards: {path}',
  'upnpOnly.lookDmz': 'DMZ: {path}',
  'upnpOnly.box': 'Box {n}',
  'device.heading': 'Devices reachable from the Internet',
  'device.none': 'No device of your office was found reachable from the Internet in what could be read.',
  'device.label': 'Label on the box',
  'device.forwards': 'Open from the Internet',
  'device.answers': 'What answers there',
  'device.notProbed': 'not checked (run boxaudit with --probe on the office network to see it)',
  'device.reasons': 'Why it matters',
  'device.todo': 'What to do',
  'device.unknownHost': 'unknown device',
  'device.more': '… and {count} more',
  'device.forwardLine': 'Internet port {public} → port {port} of this device ({notes})',
  'box.heading': "The box's own settings",
  'box.upnp': 'UPnP (programs opening ports by themselves)',
  'box.dmz': 'DMZ (one device fully open)',
  'box.remoteAdmin': 'Remote administration of the box',
  'box.on': 'on',
  'box.off': 'off',
  'box.notRead': 'not read',
  'box.onHost': 'on, for {host}',
  'unseen.heading': 'What could not be seen, and how to see it',
  'unseen.none': 'Everything boxaudit looks for could be read.',
  'gdpr.heading': 'Patient data: what the GDPR asks of you',
  'gdpr.art32':
    'Article 32 (security of processing): a practice must protect the health data it holds with appropriate technical measures. A medical device or file share open to the Internet falls short of it.',
  'gdpr.art33':
    "Article 33 (notification): if patient data may have been accessed, the breach must be notified to the CNIL (or your country's supervisory authority) within 72 hours of your becoming aware of it, unless it is unlikely to result in a risk for the patients.",
  'gdpr.art34': 'Article 34: when the risk for the patients is high, they must be told as well.',
  'gdpr.todo':
    'What to do now: close the exposure, keep the logs, ask your IT provider to check who connected, and write down the facts and your decision in your breach register (required even when you do not notify).',
  'gdpr.none':
    'No exposure of health data was found in what could be read; keep this report as evidence of the check.',
  'footer.generated': 'Made by boxaudit {version}. This page makes no request and contains no script.',
  'footer.details': 'Technical details',
  'text.first': 'First things to do',
  'text.devices': 'Devices reachable from the Internet ({count})',
  'text.boxSettings': "The box's own settings",
} as const satisfies Record<string, string>;

export type PeopleKey = keyof typeof en;

const fr: Record<PeopleKey, string> = {
  'page.title': 'Vérification de la box internet',
  'page.subtitle': 'Ce que votre box laisse entrer depuis Internet, et ce qu’il faut faire',
  'page.readAt': 'Box lue le {date}',
  'page.print': 'Pour garder cette page : imprimez-la, ou enregistrez-la en PDF depuis le navigateur.',
  'verdict.heading': 'Verdict',
  'verdict.critical':
    '{count} {count:appareil de votre cabinet est ouvert|appareils de votre cabinet sont ouverts} à tout Internet de façon dangereuse. Agissez aujourd’hui.',
  'verdict.high':
    '{count} {count:appareil de votre cabinet est joignable|appareils de votre cabinet sont joignables} depuis Internet de façon risquée. Agissez cette semaine.',
  'verdict.some':
    'Votre box laisse Internet joindre {count} {count:appareil|appareils} de votre cabinet. Vérifiez {count:qu’il doit|qu’ils doivent} vraiment l’être.',
  'verdict.nothing': 'Rien de dangereux n’a été trouvé dans ce qui a pu être lu.',
  'verdict.nothingPartial':
    'Rien de dangereux n’a été trouvé dans ce qui a pu être lu, mais une partie importante de la box n’a pas pu être lue (voir plus bas) : ce n’est pas un certificat de bonne santé.',
  'verdict.routerOnly': 'Un réglage de la box elle-même demande votre attention (voir plus bas).',
  'first.heading': 'À faire en premier',
  'first.removeForwards':
    'Supprimez {count:la redirection de port|les redirections de ports} vers {devices}.',
  'first.removeForwardsWhy':
    'Une redirection de port est une règle de la box qui laisse Internet joindre un appareil du cabinet : n’importe qui sur Internet peut joindre {count:cet appareil|ces appareils} aujourd’hui. Si un logiciel {count:l’a ouverte|les a ouvertes} par UPnP (l’ouverture automatique de ports), désactivez aussi l’UPnP, sinon il {count:la rouvrira|les rouvrira}.',
  'first.dmzOff': 'Désactivez la DMZ : elle ouvre tous les ports de {device} à Internet.',
  'first.remoteAdminOff': 'Désactivez l’administration de la box à distance depuis Internet.',
  'first.upnpOff': 'Désactivez l’UPnP, pour qu’aucun logiciel ne puisse plus ouvrir de ports tout seul.',
  'first.readRest':
    'Faites lire les redirections de ports manuelles et la DMZ de la box : l’UPnP ne les voit pas.',
  'first.reviewDevices':
    'Vérifiez que {devices} {count:doit|doivent} vraiment être {count:joignable|joignables} depuis Internet.',
  'first.keepWatching':
    'Refaites cette vérification après chaque changement sur la box, ou à l’installation d’un nouvel appareil ou logiciel.',
  'first.where': 'Où cliquer',
  'first.command': 'Commande',
  'first.unconfirmed':
    'Les noms des menus changent d’une version de la box à l’autre : si un nom n’est pas exactement le même, cherchez le plus proche.',
  'upnpOnly.heading': 'Important : la partie la plus importante de cette box n’a pas été lue',
  'upnpOnly.lead':
    'Cette box n’a été lue que par UPnP (le moyen par lequel appareils et logiciels ouvrent des ports tout seuls). Les redirections de ports réglées à la main dans la box et la DMZ n’ont PAS été lues ; ce sont elles qui exposent le plus souvent un cabinet.',
  'upnpOnly.command': 'Étape suivante : lancez {command} sur un ordinateur du réseau du cabinet{prepare}.',
  'upnpOnly.commandPartial': 'Elle lit les redirections manuelles ; la DMZ reste à vérifier à la main.',
  'upnpOnly.look': 'Étape suivante : {open}, puis vérifiez ces pages :',
  'upnpOnly.lookForwards': 'redirections de ports manuelles : {path}',
  'upnpOnly.lookDmz': 'DMZ : {path}',
  'upnpOnly.box': 'Box {n}',
  'device.heading': 'Appareils joignables depuis Internet',
  'device.none':
    'Aucun appareil de votre cabinet n’a été trouvé joignable depuis Internet dans ce qui a pu être lu.',
  'device.label': 'Nom donné dans la box',
  'device.forwards': 'Ouvert depuis Internet',
  'device.answers': 'Ce qui répond',
  'device.notProbed': 'non vérifié (lancez boxaudit avec --probe sur le réseau du cabinet pour le voir)',
  'device.reasons': 'Pourquoi c’est important',
  'device.todo': 'Que faire',
  'device.unknownHost': 'appareil inconnu',
  'device.more': '… et {count} de plus',
  'device.forwardLine': 'port public {public} de la box → port {port} de cet appareil ({notes})',
  'box.heading': 'Les réglages de la box elle-même',
  'box.upnp': 'UPnP (ouverture automatique de ports par les appareils et logiciels)',
  'box.dmz': 'DMZ (un appareil entièrement ouvert)',
  'box.remoteAdmin': 'Administration de la box à distance',
  'box.on': 'activé',
  'box.off': 'désactivé',
  'box.notRead': 'non lu',
  'box.onHost': 'activée, pour {host}',
  'unseen.heading': 'Ce qui n’a pas pu être vu, et comment le voir',
  'unseen.none': 'Tout ce que boxaudit recherche a pu être lu.',
  'gdpr.heading': 'Données de patients : ce que le RGPD vous demande',
  'gdpr.art32':
    'Article 32 (sécurité du traitement) : un cabinet doit protéger les données de santé qu’il détient par des mesures techniques appropriées. Un appareil médical ou un partage de fichiers ouvert sur Internet n’y répond pas.',
  'gdpr.art33':
    'Article 33 (notification) : si des données de patients ont pu être consultées, la violation doit être notifiée à la CNIL dans les 72 heures après en avoir pris connaissance, sauf si elle ne présente vraisemblablement pas de risque pour les patients.',
  'gdpr.art34': 'Article 34 : si le risque pour les patients est élevé, ils doivent aussi être prévenus.',
  'gdpr.todo':
    'À faire maintenant : fermez l’exposition, conservez les journaux, demandez à votre prestataire informatique de vérifier qui s’est connecté, et consignez les faits et votre décision dans votre registre des violations (obligatoire même sans notification).',
  'gdpr.none':
    'Aucune exposition de données de santé n’a été trouvée dans ce qui a pu être lu ; gardez ce rapport comme trace de la vérification.',
  'footer.generated':
    'Produit par boxaudit {version}. Cette page ne fait aucune requête et ne contient aucun script.',
  'footer.details': 'Détails techniques',
  'text.first': 'À faire en premier',
  'text.devices': 'Appareils joignables depuis Internet ({count})',
  'text.boxSettings': 'Les réglages de la box elle-même',
};

const CATALOGUES: Record<Lang, Record<PeopleKey, string>> = { en, fr };

/** A sentence of the reports for people, filled like `t`. */
export function pt(lang: Lang, key: PeopleKey, params: Record<string, string | number> = {}): string {
  return fillTemplate(lang, CATALOGUES[lang][key], params);
}
