export const GENERAL = `boxaudit — audit the port forwards, DMZ and UPnP mappings of an internet box

Usage
  boxaudit [audit] [target] [options]   audit the box (default command)
  boxaudit dump [target] [--json]       list every forward, mapping and DMZ, without judging
  boxaudit discover [--gateway HOST]    find internet boxes with SSDP
  boxaudit rules list|validate FILE…    show the rule set, or check rule/config files
  boxaudit demo                         audit a simulated doctor's-office box on loopback
  boxaudit login freebox                register boxaudit on a Freebox once (confirm on the box)
  boxaudit fix [target] [--yes]         remove the risky UPnP mappings (asks first; the one change boxaudit makes)
  boxaudit fleet SITES.json             audit many sites; one JSON line per site (docs/msp.md)
  boxaudit diff OLD NEW                 exposures new, gone and unchanged between two audits

Targets (default: SSDP discovery on the local network)
  --upnp URL              the box's UPnP device description URL (no discovery)
  --gateway HOST          ask this host only (unicast SSDP)
  --interface NAME        search on this interface (repeatable)
  --vendor ID --host H    read the box through its own API or SSH (see docs/)
  --from FILE             a saved \`dump --json\` or an exported router configuration

Options
  --format text|json|sarif|markdown|html   report format (--json = --format json)
  --lang en|fr            language of the report and messages (also BOXAUDIT_LANG, or LANG=fr_FR.UTF-8)
  --fail-on SEVERITY      exit 1 at or above: critical, high (default), medium, low, info
  --rules FILE            a rule set / config file (extends, overrides, waivers)
  --profile health        raise file-sharing, database and remote-access rules (patient data)
  --output FILE           also write the full JSON report to FILE (with --format html: the page)
  --open                  open the HTML page with the system's browser (--format html)
  --timeout MS            per-request deadline (default 3000)
  --verbose               progress on stderr even without a terminal
  --no-color              no colours (NO_COLOR is honoured too)

Fleets and change (docs/msp.md)
  --baseline REPORT.json  only findings not in this saved report count toward the exit code
  --webhook URL           POST the new findings as JSON (http or https); or BOXAUDIT_WEBHOOK=URL
  --format prometheus     metrics for node_exporter's textfile collector (--output FILE gets them)
  --concurrency N         fleet: sites audited at once (default 4, at most 64)
  --jsonl FILE            fleet: also append each site's JSON line to FILE
  --site NAME             diff: compare this site of fleet JSON lines (diff OLD.jsonl NEW.jsonl
                          compares every site)
  --sarif-artifact PATH   SARIF: the repository file the results point at (default: the --from
                          file, else boxaudit/<box id>.json; docs/output.md)

Budgets of the whole audit (reaching one keeps what was read, marked partial; docs/security.md)
  --max-forwards N        forwards kept, all adapters together (default 4096)
  --max-bytes N           reply bytes read (default 67108864 = 64 MiB)
  --max-time MS           time of the whole audit (default 900000 = 15 min)
  --max-walk-time MS      time to read one box through one adapter (default 300000 = 5 min)
  --max-ssdp-answers N    SSDP answers processed in one search (default 256)
  --max-descriptions N    UPnP descriptions read after discovery (default 8)

fix (asks before removing; without a terminal, --yes is required)
  --yes                   confirm in advance (scripts)
  --forward ID            remove this UPnP mapping only (repeatable; ids: dump --json)

Credentials (never on the command line)
  --user U, --password-env VAR (default BOXAUDIT_PASSWORD), BOXAUDIT_TOKEN,
  --identity KEYFILE (BOXAUDIT_KEY_PASSPHRASE), SSH agent,
  --known-hosts FILE | --host-key SHA256:…  [--trust-on-first-use]

TLS of --vendor boxes read over https (certificate checks are never turned off)
  --tls-fingerprint AA:BB:…   accept only this certificate (its SHA-256; a self-signed one is fine)
  --tls-ca FILE               trust only the CA certificate(s) in this PEM file

Probes (opt-in; only LAN addresses are ever contacted; docs/probes.md)
  --probe                 greet what answers behind each forward (one harmless handshake, no login)
  --probe deep            also the few checks that need an anonymous login attempt (anonymous FTP, SMB guest)
  --internet-db           with --probe: look the box's public IPv4 address up in Shodan's InternetDB
                          (sends that address, and only it, outside the LAN; never a private one)
  --internet-db-url URL   another InternetDB-compatible service (default https://internetdb.shodan.io/)

Does the Internet reach each forward? (with --probe; only the box's public address, no data sent)
  --vantage ssh://user@host[:port]  from a host you control outside the LAN: its SSH server opens a TCP
                          connection to the box's public address and each forwarded TCP port
                          (--identity, agent, --known-hosts or --trust-on-first-use; no command run there)
  --hairpin               without a vantage host: connect from here to the box's public address
                          (weaker evidence: a success says "probably", a failure proves nothing)

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 usage, config or fatal error,
130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
The last line of a text report is a one-line status for monitoring tools.
Docs: README.md and docs/ in the package.
`;

/**
 * Print help with `write` (the run's stdout); commands share one page, which stays short enough to
 * read. French: help-fr.ts.
 */
export async function printHelp(
  write: (text: string) => void,
  _command?: string,
  lang: 'en' | 'fr' = 'en',
): Promise<void> {
  if (lang === 'fr') {
    const { frenchSpaces } = await import('../i18n/typography.js');
    write(frenchSpaces((await import('./help-fr.js')).GENERAL_FR));
  } else write(GENERAL);
}
