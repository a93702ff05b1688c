/**
 * The help page in French (`boxaudit --help --lang fr`, or a French LANG / LC_ALL / LC_MESSAGES).
 * The same page as the English one in help.ts, option for option: test/cli/help-fr.test.ts checks
 * that every option the English page names is named here too.
 */
export const GENERAL_FR = `boxaudit — audit des redirections de ports, de la DMZ et des redirections UPnP d’une box internet

Utilisation
  boxaudit [audit] [cible] [options]    auditer la box (commande par défaut)
  boxaudit dump [cible] [--json]        lister toutes les redirections et la DMZ, sans les juger
  boxaudit discover [--gateway HÔTE]    trouver les box internet par SSDP
  boxaudit rules list|validate FICHIER… afficher les règles, ou vérifier des fichiers de règles ou de configuration
  boxaudit demo                         auditer une box de cabinet médical simulée, sur cet ordinateur
  boxaudit login freebox                enregistrer boxaudit sur une Freebox, une fois (à confirmer sur la box)
  boxaudit fix [cible] [--yes]          supprimer les redirections UPnP à risque (demande confirmation ; la seule modification que fait boxaudit)
  boxaudit fleet SITES.json             auditer plusieurs sites ; une ligne JSON par site (docs/msp.md)
  boxaudit diff ANCIEN NOUVEAU          expositions nouvelles, disparues et inchangées entre deux audits

Cibles (par défaut : recherche SSDP sur le réseau local)
  --upnp URL              l’URL de la description UPnP de la box (sans recherche)
  --gateway HÔTE          interroger cet hôte seulement (SSDP direct)
  --interface NOM         chercher sur cette interface réseau (option répétable)
  --vendor ID --host H    lire la box par sa propre interface (API ou SSH ; voir docs/)
  --from FICHIER          un \`dump --json\` enregistré, ou une configuration exportée d’un routeur

Options
  --format text|json|sarif|markdown|html   format du rapport (--json = --format json)
  --lang en|fr            langue du rapport et des messages (aussi BOXAUDIT_LANG, ou LANG=fr_FR.UTF-8)
  --fail-on GRAVITÉ       code de sortie 1 à partir de cette gravité : critical, high (par défaut), medium, low, info
  --rules FICHIER         un fichier de règles ou de configuration (extends, overrides, waivers)
  --profile health        règles plus strictes pour le partage de fichiers, les bases de données et l’accès à distance (données de patients)
  --output FICHIER        écrire aussi le rapport JSON complet dans FICHIER (avec --format html : la page)
  --open                  ouvrir la page HTML dans le navigateur du système (--format html)
  --timeout MS            délai maximal de chaque requête (3000 par défaut)
  --verbose               afficher la progression sur stderr même sans terminal
  --no-color              pas de couleurs (NO_COLOR est aussi respecté)

Parcs de sites et suivi des changements (docs/msp.md)
  --baseline RAPPORT.json seuls les résultats absents de ce rapport enregistré comptent pour le code de sortie
  --webhook URL           envoyer les nouveaux résultats en JSON par POST (http ou https) ; ou BOXAUDIT_WEBHOOK=URL
  --format prometheus     métriques pour le collecteur textfile de node_exporter (--output FICHIER les reçoit)
  --concurrency N         fleet : sites audités en même temps (4 par défaut, 64 au plus)
  --jsonl FICHIER         fleet : ajouter aussi la ligne JSON de chaque site à FICHIER
  --site NOM              diff : comparer ce site des lignes JSON d’un parc (diff OLD.jsonl NEW.jsonl
                          compare tous les sites)
  --sarif-artifact CHEMIN SARIF : le fichier du dépôt que désignent les résultats (par défaut : le
                          fichier de --from, sinon boxaudit/<id de la box>.json ; docs/output.md)

Limites de l’audit entier (une limite atteinte garde ce qui a été lu, marqué partiel ; docs/security.md)
  --max-forwards N        redirections gardées, tous adaptateurs confondus (4096 par défaut)
  --max-bytes N           octets de réponse lus (67108864 = 64 Mio par défaut)
  --max-time MS           durée de l’audit entier (900000 = 15 min par défaut)
  --max-walk-time MS      durée de lecture d’une box par un adaptateur (300000 = 5 min par défaut)
  --max-ssdp-answers N    réponses SSDP traitées par recherche (256 par défaut)
  --max-descriptions N    descriptions UPnP lues après la recherche (8 par défaut)

fix (demande confirmation avant de supprimer ; sans terminal, --yes est obligatoire)
  --yes                   confirmer d’avance (scripts)
  --forward ID            supprimer seulement cette redirection UPnP (option répétable ; identifiants : dump --json)

Identifiants (jamais sur la ligne de commande)
  --user U, --password-env VAR (BOXAUDIT_PASSWORD par défaut), BOXAUDIT_TOKEN,
  --identity FICHIER_CLÉ (BOXAUDIT_KEY_PASSPHRASE), agent SSH,
  --known-hosts FICHIER | --host-key SHA256:…  [--trust-on-first-use]

TLS des box --vendor lues en https (la vérification des certificats n’est jamais désactivée)
  --tls-fingerprint AA:BB:…   n’accepter que ce certificat (son empreinte SHA-256 ; un certificat auto-signé convient)
  --tls-ca FICHIER            ne faire confiance qu’aux certificats d’autorité de ce fichier PEM

Sondes (sur demande ; seules les adresses du réseau local sont contactées ; docs/probes.md)
  --probe                 identifier ce qui répond derrière chaque redirection (un seul échange initial, inoffensif, sans ouvrir de session)
  --probe deep            aussi les quelques vérifications qui demandent un essai de connexion anonyme (FTP anonyme, invité SMB)
  --internet-db           avec --probe : consulter l’adresse IPv4 publique de la box dans InternetDB de Shodan
                          (envoie cette adresse, et elle seule, hors du réseau local ; jamais une adresse privée)
  --internet-db-url URL   un autre service compatible InternetDB (par défaut https://internetdb.shodan.io/)

Internet atteint-il chaque redirection ? (avec --probe ; seule l’adresse publique de la box, aucune donnée envoyée)
  --vantage ssh://utilisateur@hôte[:port]  depuis une machine à vous, hors du réseau local : son serveur SSH
                          ouvre une connexion TCP vers l’adresse publique de la box, sur chaque port TCP redirigé
                          (--identity, agent, --known-hosts ou --trust-on-first-use ; aucune commande n’y est lancée)
  --hairpin               sans machine extérieure : se connecter d’ici à l’adresse publique de la box
                          (preuve plus faible : un succès dit « probablement », un échec ne prouve rien)

Codes de sortie : 0 aucun problème de gravité --fail-on ou plus, 1 au moins un, 2 erreur d’utilisation,
de configuration ou erreur fatale, 130 interrompu (Ctrl-C), 143 arrêté (SIGTERM).
La dernière ligne d’un rapport texte est une ligne d’état, en anglais, pour les outils de supervision.
Documentation : README.md et docs/ dans le paquet.
`;
