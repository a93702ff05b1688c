/**
 * The normalized model every adapter produces and every rule reads.
 * Unknown is `null`, never a guessed default: a rule that needs an unknown field is inconclusive.
 * Field names are a contract (JSON output, schema/snapshot.schema.json).
 */

export type Protocol = 'tcp' | 'udp';

/** Where a forward came from: a UPnP IGD lease, a manual rule, the DMZ, NAT-PMP/PCP, or an IPv6 pinhole. */
export type ForwardSource = 'upnp' | 'static' | 'dmz' | 'nat-pmp' | 'pinhole6';

/** An inclusive port range; a single port has start === end. */
export interface PortRange {
  start: number;
  end: number;
}

/** Where a forward was read: the adapter, the transport, the vendor record and, for exported files, the line. */
export interface Provenance {
  /** Adapter id, e.g. `upnp-igd`, `linux`, `freebox`. */
  adapter: string;
  /** How it was read: `upnp-soap`, `ssh`, `http`, `file`. */
  transport: string;
  /** The vendor's own record, trimmed of secrets; for diagnosis only, never matched on. */
  raw?: unknown;
  /**
   * The line (1-based) of the configuration text the forward was read from, when the parser knows
   * it: SARIF points at it (`region.startLine`) for an exported file. Absent otherwise.
   */
  line?: number;
}

/** One forward of public port(s) to a LAN host (a static rule, a UPnP mapping, the DMZ…); unknown fields are null. */
export interface PortForward {
  /** Stable hash of the fields that identify the forward (see model/ids.ts). */
  id: string;
  source: ForwardSource;
  /** A forward for "tcp and udp" becomes two forwards. */
  protocol: Protocol;
  externalPort: PortRange | null;
  internalHost: string | null;
  internalPort: PortRange | null;
  /** Allowed remote source (address, CIDR, alias name); null = any source. */
  remoteHost: string | null;
  enabled: boolean | null;
  description: string | null;
  /** Seconds left; 0 = permanent; null = unknown. */
  leaseSeconds: number | null;
  provenance: Provenance;
  /** What answered on the LAN side when the audit ran with `probe` (absent: not probed). */
  probe?: ForwardProbe;
  /** Whether the Internet reaches this forward (absent: not checked; `--vantage` or the hairpin check). */
  reachable?: ForwardReachability;
}

/** Service names a probe reports and rules name (docs/probes.md). */
export type ProbeService =
  | 'dicom'
  | 'http'
  | 'https'
  | 'ssh'
  | 'ftp'
  | 'telnet'
  | 'vnc'
  | 'rdp'
  | 'smb'
  | 'mysql'
  | 'postgres'
  | 'redis'
  | 'mongodb'
  | 'mssql'
  | 'memcached';

/**
 * Outcome of a service probe behind a forward (docs/probes.md): `confirmed` the expected service
 * answered its handshake; `different` something else answered (`service` says what when known);
 * `silent` nothing answered (a stale forward, still to be removed); `error` a broken reply or a cap;
 * `skipped` not probed (`reason` says why).
 */
export type ForwardProbeStatus = 'confirmed' | 'different' | 'silent' | 'error' | 'skipped';

/** A probe fact: data only (numbers, booleans, codes, short printable strings). */
export type ProbeFactValue = string | number | boolean | null | readonly string[] | readonly number[];

/** What answered on the LAN side of a forward when the audit ran with probes. */
export interface ForwardProbe {
  status: ForwardProbeStatus;
  /** The family the probe greeted (`dicom`, `smb`, `http`, …), null when skipped before choosing one. */
  family: string | null;
  /** What answered (`dicom`, `http`, `ssh`, `tls`, …) or null when unknown / nothing answered. */
  service: string | null;
  /** Stable code (`CONNECTION_REFUSED`, `OUT_OF_SCOPE`, `UDP`, …); null when confirmed. */
  reason: string | null;
  /** Family-specific facts (docs/probes.md lists the keys). */
  facts: Record<string, ProbeFactValue>;
  /** The LAN address and port that were greeted. */
  target: { host: string; port: number } | null;
  bytesSent: number;
  bytesReceived: number;
}

/** Whether the forward answered from the Internet side (InternetDB or a probe of the public address). */
export interface ForwardReachability {
  /** true: a TCP connection to the public address and port succeeded; false: refused or timed out; null: not known. */
  fromInternet: boolean | null;
  /**
   * `vantage`: from a host outside the LAN over SSH; `hairpin`: from inside to the public address (weaker);
   * `internet-db`: Shodan's InternetDB lists the forward's external port on the public address (seen by its scans, earlier).
   */
  method: 'vantage' | 'hairpin' | 'internet-db';
  /** Stable code for how the check ended (`CONNECTED`, `REFUSED`, `TIMEOUT`, `NO_PUBLIC_ADDRESS`, …). */
  reason: string | null;
}

/** What the probe step did for a snapshot (absent: the audit ran without `probe`). */
export interface ProbeRun {
  /** `standard`: one harmless handshake per forward; `deep`: also the documented checks that log in anonymously. */
  mode: 'standard' | 'deep';
  /** Forwards probed (status other than `skipped`). */
  probed: number;
  skipped: number;
  /** The prefixes the scope gate admitted (the snapshot's LAN and this machine's private interfaces). */
  scope: string[];
  /** Every place something was sent outside the LAN, said plainly (vantage host, Internet lookup). */
  sentOutside: Array<{
    what: string;
    to: string;
    /** Which check sent it (`vantage`, `hairpin`), so that reporters can say it in the reader's language. */
    kind?: string;
    /** The box's public address the check connected to, and the ports. */
    address?: string;
    ports?: number[];
  }>;
  /** The vantage host used (`user@host:port`), null without one. */
  vantage: string | null;
  /** Shodan InternetDB answer for the public address when `internetDb` was asked; null otherwise. */
  internetDb: InternetDbResult | null;
}

/** What Shodan's InternetDB says about the box's public address (ports seen open from the Internet). */
export interface InternetDbResult {
  /** The URL asked (the public address is its last segment). */
  url: string;
  /**
   * `found`: the service knows the address; `not-found`: 404 (never seen); `error`: no usable answer;
   * `skipped`: nothing sent (the address is private, CGNAT, loopback, not IPv4 or unknown: `reason`).
   */
  status: 'found' | 'not-found' | 'error' | 'skipped';
  ports: number[];
  hostnames: string[];
  tags: string[];
  cpes: string[];
  vulns: string[];
  reason: string | null;
  /** The address that left the LAN (in the URL); null when nothing was sent. */
  sentAddress?: string | null;
  /** The HTTP status of the reply; null when none came. */
  httpStatus?: number | null;
  /** When the reply was read (ISO 8601); null when nothing was sent. */
  fetchedAt?: string | null;
  /** Some entries of the reply were invalid or over the caps and were left out (a warning says which). */
  truncated?: boolean;
}

/** One UPnP service the box described (type, id, control URL). */
export interface ServiceInfo {
  serviceType: string;
  serviceId: string | null;
  controlUrl: string;
  scpdUrl: string | null;
  deviceUdn: string | null;
}

/** The box itself: model, manufacturer, public address, firmware, as far as it said. */
export interface GatewayInfo {
  /** Where the gateway was reached: a description URL, host, or file name. */
  address: string | null;
  descriptionUrl: string | null;
  manufacturer: string | null;
  model: string | null;
  modelNumber: string | null;
  friendlyName: string | null;
  udn: string | null;
  /** SSDP SERVER header or HTTP banner, when seen. */
  server: string | null;
  externalIp: string | null;
  /** True when the external address is private/CGNAT/reserved: another NAT sits in front of this one. */
  doubleNat: boolean | null;
  connectionStatus: string | null;
  connectionType: string | null;
  uptimeSeconds: number | null;
  natEnabled: boolean | null;
  services: ServiceInfo[];
}

/** The DMZ (exposed host) of the box: on or off, and which LAN host gets every port; null fields are unknown. */
export interface DmzState {
  enabled: boolean | null;
  host: string | null;
}

/** The box's UPnP IGD (or NAT-PMP/PCP): on or off, and whether its mappings could be listed. */
export interface UpnpState {
  /** Whether the box lets LAN programs open ports over UPnP IGD (or NAT-PMP/PCP). */
  enabled: boolean | null;
  /** Number of mappings read (null when they could not be listed). */
  mappingCount: number | null;
  /** IGD version seen (1 or 2), null when unknown. */
  igdVersion: number | null;
}

/** One way the box can be administered from the Internet (web, SSH, telnet, TR-069…) and from where. */
export interface RemoteAdminService {
  /** e.g. `https`, `http`, `ssh`, `telnet`, `tr069`. */
  service: string;
  port: number | null;
  /** Reachable from the WAN side. */
  wan: boolean | null;
  /** Restricted to given sources (e.g. the ISP's ACS). */
  restrictedTo: string | null;
}

/** The box's remote administration: on or off, and by which services. */
export interface RemoteAdminState {
  enabled: boolean | null;
  services: RemoteAdminService[];
}

/** What was, and what was not, visible. Never read an empty list as "nothing exposed". */
export type CoverageArea =
  | 'upnp-mappings'
  | 'static-forwards'
  | 'dmz'
  | 'ipv6-pinholes'
  | 'remote-admin'
  | 'upnp-state'
  | 'nat-pmp'
  | 'gateway-info';

/** `complete`: the area was read in full; `partial`: some of it; `not-visible`: this way of reading cannot see it; `error`: reading it failed. */
export type CoverageStatus = 'complete' | 'partial' | 'not-visible' | 'error';

/** What could be read of one area of the box (port forwards, DMZ, UPnP…): its status and why; never "safe" for what could not be seen. */
export interface CoverageItem {
  area: CoverageArea;
  status: CoverageStatus;
  /** Stable machine code for the reason, e.g. `UPNP_END_713`, `UPNP_CANNOT_SEE_STATIC`. */
  code: string;
  /** Human-readable English explanation; reporters translate by `code` where they can. */
  reason: string;
  /** Extra facts, e.g. `{ entries: 12, endedWith: 713, index: 12 }`. */
  details?: Record<string, unknown>;
}

/** Something the adapter noticed while reading (a value it could not parse, an answer it refused), with a stable code. */
export interface Warning {
  /** Stable code, e.g. `SSDP_LOCATION_OTHER_HOST`, `SOAP_ACTION_FAILED`. */
  code: string;
  message: string;
  /** What it concerns: a URL, an action, a file position. */
  where?: string;
}

/** How a snapshot was obtained: the kind of target, its address (never credentials) and the adapter. */
export interface TargetInfo {
  /** How the target was chosen. */
  kind: 'upnp' | 'gateway' | 'discovered' | 'vendor' | 'file';
  /** Description URL, host, or file name (never credentials). */
  address: string;
  adapter: string;
}

/** What one box showed: the gateway, its forwards, DMZ, UPnP, remote administration, and what could and could not be read (schema/snapshot.schema.json). */
export interface Snapshot {
  target: TargetInfo;
  /** ISO 8601 time the collection started. */
  collectedAt: string;
  gateway: GatewayInfo;
  forwards: PortForward[];
  dmz: DmzState | null;
  upnp: UpnpState | null;
  remoteAdmin: RemoteAdminState | null;
  /** The LAN prefix(es) of the box when known (CIDR), for "internal host outside the LAN" checks. */
  lanPrefixes: string[] | null;
  coverage: CoverageItem[];
  warnings: Warning[];
  /** What the probe step did (absent when the audit ran without `probe`). */
  probes?: ProbeRun;
}

/** `dump --json` output. */
export interface DumpDocument {
  schemaVersion: string;
  snapshots: Snapshot[];
}
