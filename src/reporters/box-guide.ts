/**
 * What to click, per box model: where to remove a port forward, turn off UPnP, turn off the DMZ and
 * remote administration, in English and French, and the exact next step when a box was read over
 * UPnP only (the `--vendor` command, or where to look in its interface). One module of data, used
 * by every human report (text, Markdown, HTML). Sources and what is UNCONFIRMED: docs/report.md
 * (What to click) and each entry's `source`.
 *
 * Menu names change between firmware versions: an entry whose `confirmed` is false was not found
 * on the vendor's own help pages (it comes from this project's notes or a third-party guide) and
 * the reports say that the names may differ.
 */
import type { Snapshot } from '../model/types.js';

export type BoxModel = 'livebox' | 'freebox' | 'bbox' | 'sfr' | 'fritzbox' | 'generic';
export type BoxTask = 'removeForward' | 'upnpOff' | 'dmzOff' | 'remoteAdminOff';
export const BOX_TASKS: readonly BoxTask[] = ['removeForward', 'upnpOff', 'dmzOff', 'remoteAdminOff'];

export interface ClickPath {
  en: string;
  fr: string;
  /** Found on the vendor's own help pages (true), or UNCONFIRMED (false). */
  confirmed: boolean;
  /** Where it comes from (a vendor help page, a third-party guide, or "UNCONFIRMED: …"). */
  source: string;
}

export interface BoxGuide {
  model: BoxModel;
  /** The box's name for people. */
  name: string;
  /** How to open its web interface. */
  open: { en: string; fr: string };
  /**
   * The `--vendor` adapter that reads what UPnP does not show (manual forwards, DMZ), or null
   * (SFR: no known API; generic: unknown model).
   */
  adapter: string | null;
  /** What that adapter reads beyond UPnP (for the wording of the next step). */
  adapterReads: { forwards: boolean; dmz: boolean };
  /** The command's extra part before `--vendor` (credentials) and its one-time preparation. */
  command: { before: string; after: string; prepare: { en: string; fr: string } | null };
  tasks: Record<BoxTask, ClickPath>;
}

const UNCONFIRMED_NOTES = 'UNCONFIRMED: no vendor help page found; from this project';

/**
 * Where the neufbox 6 top menus were seen: a saved copy of its web interface (firmware
 * NB6-MAIN-R3.3.3) in a public repository, top menus "Etat", "Réseau", "Wifi", "Hotspot",
 * "Applications", "Maintenance". Not an SFR page, and not the Box 8 or Box 10.
 */
const SFR_NB6_MENUS =
  'saved copy of the NB6-MAIN-R3.3.3 web interface, github.com/Koala633/hostbase Legacy/hostbase/fakepagewps/sfr/index.php (menus Etat, Réseau, Wifi, Hotspot, Applications, Maintenance)';

const LIVEBOX: BoxGuide = {
  model: 'livebox',
  name: 'Livebox (Orange)',
  open: {
    en: 'open http://192.168.1.1 in a browser on the office network and log in as "admin"',
    fr: 'ouvrez http://192.168.1.1 dans un navigateur du réseau du cabinet et connectez-vous en « admin »',
  },
  adapter: 'livebox',
  adapterReads: { forwards: true, dmz: true },
  command: { before: '', after: '', prepare: null },
  tasks: {
    removeForward: {
      en: 'Advanced settings → Network → NAT/PAT: delete the rule for this device',
      fr: 'Paramètres avancés → Réseau → NAT/PAT : supprimez la règle de cet appareil',
      confirmed: false,
      source: `${UNCONFIRMED_NOTES}. No Orange assistance page found (searched December 2026: assistance.orange.fr only gave "Livebox : les différents niveaux de sécurité du firewall"). Third-party hints that a NAT/PAT tab exists under the advanced network settings: the web interface's translation keys "advconfig.network.natpat" (github.com/adest/wiki, "Livebox Fix NAT 1701") and users naming the interface's "onglet NAT/PAT" (github.com/p-dor/LiveboxMonitor issue 32, March 2023); the displayed menu names are not shown there`,
    },
    upnpOff: {
      en: 'Advanced settings → Network → UPnP: turn UPnP off',
      fr: 'Paramètres avancés → Réseau → UPnP : désactivez l’UPnP',
      confirmed: false,
      source: UNCONFIRMED_NOTES,
    },
    dmzOff: {
      en: 'Advanced settings → Network → DMZ: remove the device from the DMZ',
      fr: 'Paramètres avancés → Réseau → DMZ : retirez l’appareil de la DMZ',
      confirmed: false,
      source: UNCONFIRMED_NOTES,
    },
    remoteAdminOff: {
      en: 'Advanced settings → Remote access: turn remote access off',
      fr: 'Paramètres avancés → Accès à distance : désactivez l’accès à distance',
      confirmed: false,
      source: `${UNCONFIRMED_NOTES} (the RemoteAccess object exists: ../shared/vendor-captures/livebox)`,
    },
  },
};

const FREEBOX: BoxGuide = {
  model: 'freebox',
  name: 'Freebox (Free)',
  open: {
    en: 'open http://mafreebox.freebox.fr (Freebox OS) in a browser on the office network',
    fr: 'ouvrez http://mafreebox.freebox.fr (Freebox OS) dans un navigateur du réseau du cabinet',
  },
  adapter: 'freebox',
  adapterReads: { forwards: true, dmz: true },
  command: {
    before: '',
    after: '',
    prepare: {
      en: 'once: boxaudit login freebox, then accept "boxaudit" on the box',
      fr: 'une seule fois : boxaudit login freebox, puis acceptez « boxaudit » sur la box',
    },
  },
  tasks: {
    removeForward: {
      en: 'Freebox settings (Paramètres de la Freebox) → Advanced mode → Port management (Gestion des ports): delete the forward',
      fr: 'Paramètres de la Freebox → Mode avancé → Gestion des ports : supprimez la redirection',
      confirmed: false,
      source:
        'third-party guide, not Free: github.com/Aymkdn/assistant-freebox-cloud wiki "Autoriser les connexions entrantes" (2024)',
    },
    upnpOff: {
      en: 'Freebox settings → Advanced mode → UPnP IGD: untick "Enable UPnP IGD"',
      fr: 'Paramètres de la Freebox → Mode avancé → UPnP IGD : décochez « Activer UPnP IGD »',
      confirmed: false,
      source: `${UNCONFIRMED_NOTES} (the setting exists: dev.freebox.fr/sdk/os/igd, "upnpigd/config")`,
    },
    dmzOff: {
      en: 'Freebox settings → Advanced mode → DMZ: untick "Enable the DMZ"',
      fr: 'Paramètres de la Freebox → Mode avancé → DMZ : décochez « Activer la DMZ »',
      confirmed: false,
      source: `${UNCONFIRMED_NOTES} (the setting exists: dev.freebox.fr/sdk/os/nat, "fw/dmz")`,
    },
    remoteAdminOff: {
      en: 'Freebox settings → Advanced mode → Port management → Incoming connections (Connexions entrantes): turn off remote access to Freebox OS',
      fr: 'Paramètres de la Freebox → Mode avancé → Gestion des ports → Connexions entrantes : désactivez l’accès à distance à Freebox OS',
      confirmed: false,
      source:
        'third-party guide, not Free: github.com/Aymkdn/assistant-freebox-cloud wiki "Autoriser les connexions entrantes" (2024)',
    },
  },
};

const BBOX: BoxGuide = {
  model: 'bbox',
  name: 'Bbox (Bouygues Telecom)',
  open: {
    en: 'open https://mabbox.bytel.fr (or http://192.168.1.254) in a browser on the office network',
    fr: 'ouvrez https://mabbox.bytel.fr (ou http://192.168.1.254) dans un navigateur du réseau du cabinet',
  },
  adapter: 'bbox',
  adapterReads: { forwards: true, dmz: true },
  command: { before: '', after: '', prepare: null },
  tasks: {
    removeForward: {
      en: 'Bbox services (Services de la Bbox) → Port forwarding (Redirection de ports): delete the rule',
      fr: 'Services de la Bbox → Redirection de ports : supprimez la règle',
      confirmed: false,
      source: UNCONFIRMED_NOTES,
    },
    upnpOff: {
      en: 'Bbox services → UPnP: turn it off',
      fr: 'Services de la Bbox → UPnP : désactivez-le',
      confirmed: false,
      source: UNCONFIRMED_NOTES,
    },
    dmzOff: {
      en: 'Bbox services → DMZ: turn it off',
      fr: 'Services de la Bbox → DMZ : désactivez-la',
      confirmed: false,
      source: UNCONFIRMED_NOTES,
    },
    remoteAdminOff: {
      en: 'Bbox services → Remote access (Accès à distance): turn it off',
      fr: 'Services de la Bbox → Accès à distance : désactivez l’accès à distance',
      confirmed: false,
      source: `${UNCONFIRMED_NOTES} (the setting exists: "services" → "remote.admin" in ../shared/vendor-captures/bbox)`,
    },
  },
};

const SFR: BoxGuide = {
  model: 'sfr',
  name: 'SFR box',
  open: {
    en: 'open http://192.168.1.1 (some Box 10: http://192.168.0.1) in a browser on the office network',
    fr: 'ouvrez http://192.168.1.1 (certaines Box 10 : http://192.168.0.1) dans un navigateur du réseau du cabinet',
  },
  adapter: null,
  adapterReads: { forwards: false, dmz: false },
  command: { before: '', after: '', prepare: null },
  tasks: {
    removeForward: {
      en: 'Network → NAT (page /network/nat): delete the port translation rule',
      fr: 'Réseau → NAT (page /network/nat) : supprimez la règle de translation de ports',
      confirmed: false,
      source:
        'docs/vendors-fr.md (SFR table); the page /network/nat only, menu names UNCONFIRMED on Box 8 and Box 10',
    },
    upnpOff: {
      en: 'Network → UPnP: turn it off',
      fr: 'Réseau → UPnP : désactivez-le',
      confirmed: false,
      source: `docs/vendors-fr.md (SFR table), UNCONFIRMED: no SFR assistance page found (December 2026). The top menu "Réseau" exists on the neufbox 6: ${SFR_NB6_MENUS}; its sub-pages are not shown there`,
    },
    dmzOff: {
      en: 'Network → DMZ: turn it off',
      fr: 'Réseau → DMZ : désactivez-la',
      confirmed: false,
      source: `docs/vendors-fr.md (SFR table), UNCONFIRMED: no SFR assistance page found (December 2026); top menu "Réseau" as above (${SFR_NB6_MENUS})`,
    },
    remoteAdminOff: {
      en: 'Maintenance → Administration: turn off access from the Internet',
      fr: 'Maintenance → Administration : désactivez l’accès depuis Internet',
      confirmed: false,
      source: `docs/vendors-fr.md (SFR table), UNCONFIRMED: no SFR assistance page found (December 2026); the top menu "Maintenance" exists on the neufbox 6 (${SFR_NB6_MENUS}), the "Administration" page under it is not shown there`,
    },
  },
};

const FRITZBOX: BoxGuide = {
  model: 'fritzbox',
  name: 'FRITZ!Box (AVM)',
  open: {
    en: 'open http://fritz.box in a browser on the office network',
    fr: 'ouvrez http://fritz.box dans un navigateur du réseau du cabinet',
  },
  adapter: 'fritzbox',
  adapterReads: { forwards: true, dmz: false },
  command: { before: '', after: ' --user …', prepare: null },
  tasks: {
    removeForward: {
      en: 'Internet → Permit Access (Freigaben) → Port Sharing (Portfreigaben): delete the entry',
      fr: 'Internet → Autorisations (Freigaben) → Partages de ports (Portfreigaben) : supprimez la ligne',
      confirmed: true,
      source:
        'AVM help "Portfreigaben" (service.avm.de/help/de/FRITZ-Box-7430/016/hilfe_portfreigabe: "Internet / Freigaben / Portfreigaben", delete buttons); English and French menu names UNCONFIRMED',
    },
    upnpOff: {
      en: 'Home Network → Network → Network Connections → edit the device: untick "Permit this device to create port sharing via PCP or UPnP" (older firmware: System → Network Settings → "Allow changes to security settings over UPnP")',
      fr: 'Réseau domestique → Réseau → Connexions réseau → modifier l’appareil : décochez l’autorisation de créer des partages de ports par PCP ou UPnP (anciens firmwares : Système → Paramètres réseau → « modifications des réglages de sécurité par UPnP »)',
      confirmed: true,
      source:
        'AVM knowledge base "Automatische Portfreigaben einrichten" (avm.de, FRITZ!Box 6430 Cable) and AVM help "Portfreigaben" (FRITZ!Box 7390: "System / Netzwerkeinstellungen"); English and French wording UNCONFIRMED',
    },
    dmzOff: {
      en: 'Internet → Permit Access → Port Sharing → edit the device: turn off "Exposed Host"',
      fr: 'Internet → Autorisations → Partages de ports → modifier l’appareil : désactivez « Exposed Host »',
      confirmed: false,
      source: 'UNCONFIRMED: no AVM page found in this research',
    },
    remoteAdminOff: {
      en: 'Internet → MyFRITZ! Account: untick "Internet access to the FRITZ!Box via HTTPS enabled"',
      fr: 'Internet → Compte MyFRITZ! : décochez « Accès Internet à la FRITZ!Box par HTTPS activé »',
      confirmed: true,
      source:
        'AVM help "MyFRITZ!-Konto" (service.avm.de/help/de/FRITZ-Box-7590-avme/017p2/hilfe_myfritz_konto: "Internetzugriff auf die FRITZ!Box über HTTPS aktiviert"); English and French wording UNCONFIRMED',
    },
  },
};

const GENERIC: BoxGuide = {
  model: 'generic',
  name: '',
  open: {
    en: "open the box's web interface (usually http://192.168.1.1 or the address on its label) in a browser on the office network",
    fr: 'ouvrez l’interface web de la box (souvent http://192.168.1.1 ou l’adresse inscrite sur son étiquette) dans un navigateur du réseau du cabinet',
  },
  adapter: null,
  adapterReads: { forwards: false, dmz: false },
  command: { before: '', after: '', prepare: null },
  tasks: {
    removeForward: {
      en: 'the page named "NAT", "Port forwarding", "Virtual server" or "Port mapping": delete the rule for this device',
      fr: 'la page nommée « NAT », « Redirection de ports », « Serveur virtuel » ou « NAT/PAT » : supprimez la règle de cet appareil',
      confirmed: true,
      source: 'generic wording (no menu path promised)',
    },
    upnpOff: {
      en: 'the page named "UPnP" (sometimes under Network or Advanced): turn it off',
      fr: 'la page nommée « UPnP » (parfois sous Réseau ou Avancé) : désactivez l’UPnP',
      confirmed: true,
      source: 'generic wording (no menu path promised)',
    },
    dmzOff: {
      en: 'the page named "DMZ" or "Exposed host": turn it off',
      fr: 'la page nommée « DMZ » ou « Hôte exposé » : désactivez-la',
      confirmed: true,
      source: 'generic wording (no menu path promised)',
    },
    remoteAdminOff: {
      en: 'the page named "Remote access", "Remote management" or "Administration": turn off access from the Internet',
      fr: 'la page nommée « Accès à distance », « Gestion à distance » ou « Administration » : désactivez l’accès depuis Internet',
      confirmed: true,
      source: 'generic wording (no menu path promised)',
    },
  },
};

export const BOX_GUIDES: Readonly<Record<BoxModel, BoxGuide>> = {
  livebox: LIVEBOX,
  freebox: FREEBOX,
  bbox: BBOX,
  sfr: SFR,
  fritzbox: FRITZBOX,
  generic: GENERIC,
};

/** Adapter ids that name a model directly (a box read through its own interface). */
const BY_ADAPTER: Readonly<Record<string, BoxModel>> = {
  livebox: 'livebox',
  freebox: 'freebox',
  bbox: 'bbox',
  sfr: 'sfr',
  fritzbox: 'fritzbox',
};

/** Words in the box's own description (UPnP manufacturer, model, name, server header). */
const BY_WORDS: ReadonlyArray<[RegExp, BoxModel]> = [
  [/livebox|\borange\b/i, 'livebox'],
  [/freebox|\bfree sas\b|\bfreebox sas\b/i, 'freebox'],
  [/\bbbox\b|bouygues/i, 'bbox'],
  [/\bsfr\b|neufbox|\bnb[456]v?/i, 'sfr'],
  [/fritz|\bavm\b/i, 'fritzbox'],
];

/** The box model, from the adapter that read it or the words of its description; `generic` when unknown. */
export function boxModel(snapshot: Snapshot): BoxModel {
  const byAdapter = BY_ADAPTER[snapshot.target.adapter];
  if (byAdapter !== undefined) return byAdapter;
  const g = snapshot.gateway;
  const words = [g.manufacturer, g.model, g.modelNumber, g.friendlyName, g.server]
    .filter((w): w is string => typeof w === 'string')
    .join(' ')
    .slice(0, 2000);
  for (const [pattern, model] of BY_WORDS) if (pattern.test(words)) return model;
  return 'generic';
}

export function boxGuide(snapshot: Snapshot): BoxGuide {
  return BOX_GUIDES[boxModel(snapshot)];
}

/** True when a box was read over UPnP only: manual forwards and the DMZ were not read. */
export function upnpOnly(snapshot: Snapshot): boolean {
  const notSeen = (area: string) =>
    snapshot.coverage.some((c) => c.area === area && (c.status === 'not-visible' || c.status === 'error'));
  return notSeen('static-forwards') && notSeen('dmz');
}

/** The box's address for `--host`: a plain IP address or host name, or null (never box text as is). */
export function boxHost(snapshot: Snapshot): string | null {
  const candidates = [snapshot.gateway.address, snapshot.gateway.descriptionUrl, snapshot.target.address];
  for (const c of candidates) {
    if (typeof c !== 'string' || c === '') continue;
    let host = c;
    try {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(c)) host = new URL(c).hostname;
    } catch {
      continue;
    }
    host = host.replace(/^\[|\]$/g, '');
    // Only what is certainly an address or a DNS name: the command is meant to be copied.
    if (/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})$/.test(host) || /^[0-9a-fA-F:.]{2,45}$/.test(host)) return host;
  }
  return null;
}

/**
 * The command that reads what UPnP does not show on this box, or null when no adapter reads it
 * (SFR, unknown model: look in the interface instead).
 */
export function vendorCommand(snapshot: Snapshot): string | null {
  const guide = boxGuide(snapshot);
  if (guide.adapter === null) return null;
  const host = boxHost(snapshot) ?? '<address of the box>';
  return `${guide.command.before}boxaudit --vendor ${guide.adapter} --host ${host}${guide.command.after}`;
}
