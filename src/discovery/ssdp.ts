/**
 * Our own SSDP client (UPnP Device Architecture 1.1 §1.3): finds internet gateway devices by
 * M-SEARCH, on node:dgram.
 *
 * - One socket per IPv4 interface address with its multicast interface set: the 0.0.0.0 default
 *   finds nothing on Windows machines with Hyper-V/WSL/VPN adapters. IPv6 (ff02::c) on interfaces
 *   that have a non-internal IPv6 address, best effort.
 * - Always also a unicast M-SEARCH to the default gateway (Windows Firewall drops late unicast
 *   replies to a multicast search; hardened machines drop them all), or only to `gateway`.
 * - Five IGD search targets, three transmissions, answers de-duplicated by LOCATION.
 * - Answers are hostile input: size and count capped, garbage tolerated with a warning, a LOCATION
 *   on another host than the one that answered is not followed unless allowed.
 * - Ends at the overall timeout, or `graceMs` after the first gateway answered, or much sooner
 *   once the default route's gateway has answered (a short grace for other IGDs on other
 *   interfaces only, see DEFAULT_GATEWAY_GRACE_MS; none once it answered as IGD:2); every socket,
 *   timer and child process is released on every path. No answer is not an error (and never a
 *   proof that nothing is exposed: that is for the caller to say).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { type NetworkInterfaceInfo, networkInterfaces, type as osType, platform, release } from 'node:os';
import { abortError, BoxauditError, checkOptions } from '../errors.js';
import type { Warning } from '../model/types.js';
import { VERSION } from '../version.js';
import { lookupDefaultRoute } from './gateway.js';
import {
  buildMSearch,
  checkLocation,
  cleanHeaderValue,
  IGD_SEARCH_TARGETS,
  isIgdSearchTarget,
  MAX_LOCATION_LENGTH,
  normalizeAddress,
  parseSsdpMessage,
  SSDP_MULTICAST_V4,
  SSDP_MULTICAST_V6,
} from './ssdp-parse.js';

/** Options of {@link discover}: SSDP search on the LAN (or unicast to one host), bounded in time and answers. */
export interface DiscoverOptions {
  /** Unicast M-SEARCH to this host only (IP or name); turns multicast off unless `multicast: true`. */
  gateway?: string;
  /** Interface names to search on (multicast); default every non-internal IPv4 and IPv6 interface. */
  interfaces?: string[];
  /** Multicast search; default true unless `gateway` is given. */
  multicast?: boolean;
  /** With multicast, also a unicast M-SEARCH to the default route's gateway; default true. */
  unicastToDefaultGateway?: boolean;
  /** Overall time limit in ms; default 3000. Reaching it is a normal end, not an error. */
  timeoutMs?: number;
  /** Once a gateway answered, wait this long for more, then finish early; default 300 ms. */
  graceMs?: number;
  /** SSDP port of the devices; default 1900 (tests use an ephemeral loopback port). */
  ssdpPort?: number;
  /** Keep answers whose LOCATION names another host than the one that answered; default false. */
  allowForeignLocation?: boolean;
  /** Most answers processed in one search; default 256. Later answers are counted and dropped. */
  maxAnswers?: number;
  /**
   * Most distinct description URLs kept (each one is a description to fetch and a box to walk);
   * default 8. Later ones are dropped with an `SSDP_GATEWAY_LIMIT` warning.
   */
  maxGateways?: number;
  signal?: AbortSignal;
  /** Progress lines (what was sent where, what was ignored); never contains secrets. */
  log?: (line: string) => void;
}

/** One internet gateway that answered the SSDP search, with its description URL. */
export interface DiscoveredGateway {
  /** The address that answered (the device itself). */
  address: string;
  /** Device description URL (normalized `href`), on `address` unless `allowForeignLocation`. */
  location: string;
  /** SSDP SERVER header, cleaned of control characters; null when absent. */
  server: string | null;
  /**
   * The most telling search target this location answered: the InternetGatewayDevice device type
   * (highest version) when it answered for it, else the first service type seen. `usn` goes with it.
   */
  st: string;
  /** Unique service name of the answer `st` comes from; null when absent. */
  usn: string | null;
  via: 'multicast' | 'unicast';
  /** Interface the answer came in on (multicast, or the default route's interface); null when unknown. */
  interface: string | null;
  /** Every IGD search target this location answered (e.g. WANIPConnection:2 implies IGDv2). */
  targets: string[];
}

/** What one discovery sent and received (`DiscoveryResult.stats`). */
export interface DiscoveryStats {
  /** M-SEARCH datagrams sent. */
  sent: number;
  /** Datagrams received (including ignored ones). */
  received: number;
  /** Answers accepted as an IGD (before de-duplication). */
  accepted: number;
  /** Datagrams dropped: oversize, garbage, non-IGD, foreign, over the cap. */
  ignored: number;
  /**
   * Why the search ended: a gateway answered and the grace passed, the default route's gateway gave
   * its most telling answer (InternetGatewayDevice:2, nothing else searched: no grace needed), the
   * time ran out, or nothing could be sent.
   */
  endedBy: 'grace' | 'gateway' | 'timeout' | 'nothing-sent';
}

/** What {@link discover} found: the gateways, and warnings about answers that were refused. */
export interface DiscoveryResult {
  gateways: DiscoveredGateway[];
  warnings: Warning[];
  stats?: DiscoveryStats;
}

const CONTEXT = '[ssdp]';
const DEFAULT_TIMEOUT_MS = 3000;
const DEFAULT_GRACE_MS = 300;
/**
 * Once the default gateway's IGD has answered, the search ends after this long: enough for its
 * answers to the other search targets of the same round (they come within ~30 ms on the lab's
 * miniupnpd), so the most telling one is kept. Never longer than `graceMs`.
 */
const DEFAULT_GATEWAY_GRACE_MS = 50;
/** The same, when multicast also searched other interfaces than the default route's: their IGDs get this long. */
const OTHER_INTERFACES_GRACE_MS = 150;
const DEFAULT_MAX_ANSWERS = 256;
const DEFAULT_MAX_GATEWAYS = 8;
/** A search answer is a few hundred bytes; anything past 8 KiB is not one. */
export const MAX_DATAGRAM_BYTES = 8 * 1024;
/** Three transmissions of every target (UDA advises resending, as UDP is lossy). */
const TRANSMISSIONS = 3;
const RESEND_SPACING_MS = 250;
/** Devices spread their answers over MX seconds; 2 keeps answers inside a 3 s search. */
const MULTICAST_MX = 2;
const UNICAST_MX = 1;
/** UDA 1.1: the TTL of SSDP multicast SHOULD default to 2. */
const MULTICAST_TTL = 2;
const MAX_MULTICAST_CHANNELS = 32;
const MAX_DISTINCT_WARNINGS = 32;
const MAX_TARGETS_PER_GATEWAY = 8;
/** Send errors that mean "the OS refused", not "the network is down" (macOS Local Network privacy). */
const REFUSED_CODES = new Set(['EHOSTUNREACH', 'EACCES', 'EPERM']);

/** Device type answers (highest version first) say more than a service type answer. */
function targetRank(st: string): number {
  const device = /device:InternetGatewayDevice:(\d+)$/i.exec(st);
  return device ? 100 + Number(device[1]) : 0;
}
/** The rank of the most telling answer a box can give to the targets searched (IGD:2). */
const BEST_TARGET_RANK = targetRank('urn:schemas-upnp-org:device:InternetGatewayDevice:2');

/** One address to search from. */
export interface SearchInterface {
  name: string;
  family: 4 | 6;
  /** IPv4 address to bind and send from; for IPv6 the interface's first non-internal address. */
  address: string;
  /** IPv6 scope id (Windows addresses interfaces by it); null for IPv4. */
  scopeId: number | null;
}

/**
 * Pick the interfaces to search on from `os.networkInterfaces()`: every non-internal IPv4 address,
 * and one IPv6 entry per interface that has a non-internal IPv6 address. `names` restricts the
 * choice; names that match no interface are returned in `missing`. Capped at 32 entries.
 */
export function selectInterfaces(
  nics: NodeJS.Dict<NetworkInterfaceInfo[]>,
  names?: string[],
): { selected: SearchInterface[]; missing: string[] } {
  const wanted = names && names.length > 0 ? new Set(names) : null;
  const selected: SearchInterface[] = [];
  for (const [name, infos] of Object.entries(nics)) {
    if (!infos || (wanted && !wanted.has(name))) continue;
    let v6: SearchInterface | null = null;
    for (const info of infos) {
      if (info.internal) continue;
      const family = String(info.family) === 'IPv4' || String(info.family) === '4' ? 4 : 6;
      if (family === 4) {
        selected.push({ name, family, address: info.address, scopeId: null });
      } else if (!v6 || (info.address.toLowerCase().startsWith('fe80:') && !v6.address.startsWith('fe80:'))) {
        // Prefer the link-local entry: its scope id is the interface's own.
        v6 = { name, family, address: info.address.toLowerCase(), scopeId: info.scopeid ?? null };
      }
    }
    if (v6) selected.push(v6);
  }
  const missing = wanted ? [...wanted].filter((n) => !(n in nics)) : [];
  // IPv4 first: it is where home boxes answer; IPv6 only adds.
  selected.sort((a, b) => a.family - b.family);
  return { selected: selected.slice(0, MAX_MULTICAST_CHANNELS), missing };
}

/** `::%eth0` (names, Linux/macOS) or `::%12` (Windows, numeric scope): how libuv takes a zone. */
export function ipv6Zone(iface: SearchInterface, os: string): string {
  return os === 'win32' && iface.scopeId !== null ? String(iface.scopeId) : iface.name;
}

/**
 * The warning for a send the OS refused. On macOS 15+ this is Local Network privacy, which
 * silently blocks multicast (and LAN traffic) for processes the user has not allowed.
 */
export function sendRefusedWarning(input: {
  code: string;
  via: 'multicast' | 'unicast';
  where: string;
  os: string;
}): Warning {
  const base = `${CONTEXT} ${input.via} M-SEARCH ${input.where} was refused by the system (${input.code})`;
  const hint =
    input.os === 'darwin'
      ? '. On macOS 15 and later this is usually Local Network privacy: allow the app that runs boxaudit ' +
        '(Terminal, iTerm, your RMM agent) in System Settings > Privacy & Security > Local Network, or ' +
        'give the box with --gateway HOST or --upnp URL. Gateways may have been missed.'
      : '. A firewall or security policy may block it; gateways may have been missed. ' +
        'Give the box with --gateway HOST or --upnp URL.';
  return { code: 'SSDP_SEND_REFUSED', message: base + hint, where: input.where };
}

interface NormalizedOptions {
  gateway: string | null;
  interfaces: string[] | null;
  multicast: boolean;
  unicastToDefaultGateway: boolean;
  timeoutMs: number;
  graceMs: number;
  ssdpPort: number;
  allowForeignLocation: boolean;
  maxAnswers: number;
  maxGateways: number;
  signal: AbortSignal | null;
  log: (line: string) => void;
}

function invalid(message: string): BoxauditError {
  return new BoxauditError('BOXAUDIT_INPUT_INVALID', `${CONTEXT} ${message}`);
}

function isMulticastOrBroadcast(address: string): boolean {
  if (isIP(address) === 6) return /^ff/i.test(address);
  const first = Number(address.split('.')[0]);
  return (first >= 224 && first <= 239) || address === '255.255.255.255';
}

function normalizeOptions(options: DiscoverOptions): NormalizedOptions {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > 600_000) {
    throw invalid(`timeoutMs must be between 1 and 600000, got ${options.timeoutMs}`);
  }
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  if (!Number.isFinite(graceMs) || graceMs < 0) throw invalid(`graceMs must be >= 0, got ${options.graceMs}`);
  const ssdpPort = options.ssdpPort ?? 1900;
  if (!Number.isInteger(ssdpPort) || ssdpPort < 1 || ssdpPort > 65535) {
    throw invalid(`ssdpPort must be a port number, got ${options.ssdpPort}`);
  }
  const maxAnswers = options.maxAnswers ?? DEFAULT_MAX_ANSWERS;
  if (!Number.isInteger(maxAnswers) || maxAnswers < 1)
    throw invalid(`maxAnswers must be >= 1, got ${maxAnswers}`);
  const maxGateways = options.maxGateways ?? DEFAULT_MAX_GATEWAYS;
  if (!Number.isInteger(maxGateways) || maxGateways < 1)
    throw invalid(`maxGateways must be >= 1, got ${maxGateways}`);
  const gateway = options.gateway?.trim() || null;
  if (options.gateway !== undefined && !gateway) throw invalid('gateway is empty');
  if (gateway && isIP(gateway) !== 0 && isMulticastOrBroadcast(gateway)) {
    throw invalid(`gateway ${gateway} is a multicast or broadcast address, not a host`);
  }
  const interfaces = options.interfaces?.filter((n) => n.trim() !== '') ?? [];
  const multicast = options.multicast ?? gateway === null;
  if (!multicast && !gateway) throw invalid('nothing to search: multicast is off and no gateway is given');
  const log = options.log ?? (() => {});
  return {
    gateway,
    interfaces: interfaces.length > 0 ? interfaces : null,
    multicast,
    unicastToDefaultGateway: options.unicastToDefaultGateway ?? true,
    timeoutMs,
    graceMs,
    ssdpPort,
    allowForeignLocation: options.allowForeignLocation ?? false,
    maxAnswers,
    maxGateways,
    signal: options.signal ?? null,
    log: (line) => {
      try {
        log(`${CONTEXT} ${line}`);
      } catch {
        // a failing logger must not break discovery
      }
    },
  };
}

/** One socket and where it sends. */
interface Channel {
  socket: Socket;
  via: 'multicast' | 'unicast';
  family: 4 | 6;
  /** Interface name, or null (unicast to a given gateway). */
  iface: string | null;
  destination: string;
  /** Destination as written in HOST and logs. */
  label: string;
  mx: number;
  failed: boolean;
}

interface WarningEntry {
  warning: Warning;
  count: number;
}

/** One search; internal (the public API is `discover`). */
class SsdpSearch {
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly internal = new AbortController();
  private readonly gateways = new Map<string, DiscoveredGateway>();
  private readonly warnings = new Map<string, WarningEntry>();
  private droppedWarnings = 0;
  private readonly stats: DiscoveryStats = {
    sent: 0,
    received: 0,
    accepted: 0,
    ignored: 0,
    endedBy: 'timeout',
  };
  private processed = 0;
  private pendingSetups = 0;
  private liveChannels = 0;
  private finished = false;
  private graceStarted = false;
  private gatewayGraceStarted = false;
  /** The default route, once looked up (default discovery only). */
  private defaultRoute: { gateway: string; interface: string | null } | null = null;
  /** Interfaces searched by multicast. */
  private readonly multicastInterfaces = new Set<string>();
  private readonly os = platform();
  private readonly userAgent = `${osType()}/${release()} UPnP/1.1 boxaudit/${VERSION}`;
  private resolve!: (result: DiscoveryResult) => void;
  private reject!: (error: unknown) => void;
  private readonly onAbort = () => {
    if (this.cfg.signal) this.fail(abortError(this.cfg.signal, `${CONTEXT} discovery`));
  };

  constructor(private readonly cfg: NormalizedOptions) {}

  run(): Promise<DiscoveryResult> {
    const done = new Promise<DiscoveryResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.cfg.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.later(this.cfg.timeoutMs, () => this.finish('timeout'));
    // Count the setups before starting any, so an early failure cannot look like "all done".
    this.pendingSetups++;
    try {
      if (this.cfg.multicast) this.startMulticast();
      if (this.cfg.gateway) this.track(this.startUnicastToGivenGateway(this.cfg.gateway));
      else if (this.cfg.multicast && this.cfg.unicastToDefaultGateway)
        this.track(this.startUnicastToDefaultGateway());
    } catch (error) {
      this.fail(error);
    }
    this.pendingSetups--;
    this.checkIdle();
    return done;
  }

  // ---- setup -------------------------------------------------------------------------------

  private startMulticast(): void {
    const { selected, missing } = selectInterfaces(networkInterfaces(), this.cfg.interfaces ?? undefined);
    if (missing.length > 0) {
      const known = Object.keys(networkInterfaces()).join(', ');
      throw invalid(
        `no network interface named ${missing.map((m) => `"${m}"`).join(', ')} (known: ${known})`,
      );
    }
    if (selected.length === 0) {
      this.warn(
        'SSDP_NO_INTERFACE',
        `${CONTEXT} no non-internal network interface${this.cfg.interfaces ? ' among the ones given' : ''}: no multicast search was sent`,
      );
      return;
    }
    for (const iface of selected) this.track(this.openMulticast(iface));
  }

  private async openMulticast(iface: SearchInterface): Promise<void> {
    const v6 = iface.family === 6;
    const zone = v6 ? ipv6Zone(iface, this.os) : '';
    const destination = v6 ? `${SSDP_MULTICAST_V6}%${zone}` : SSDP_MULTICAST_V4;
    const channel = await this.openChannel({
      via: 'multicast',
      family: iface.family,
      iface: iface.name,
      bindAddress: v6 ? '::' : iface.address,
      destination,
      label: `to ${v6 ? SSDP_MULTICAST_V6 : SSDP_MULTICAST_V4} on ${iface.name}${v6 ? '' : ` (${iface.address})`}`,
      mx: MULTICAST_MX,
      setup: (socket) => {
        socket.setMulticastInterface(v6 ? `::%${zone}` : iface.address);
        socket.setMulticastTTL(MULTICAST_TTL);
      },
    });
    if (channel) {
      this.multicastInterfaces.add(iface.name);
      this.schedule(channel);
    }
  }

  private async startUnicastToGivenGateway(gateway: string): Promise<void> {
    let address = gateway;
    if (isIP(gateway) === 0) {
      try {
        const { lookup } = await import('node:dns/promises');
        address = (await this.untilStopped(lookup(gateway))).address;
      } catch (error) {
        if (this.finished) return;
        const code = (error as { code?: string }).code ?? String(error);
        throw new BoxauditError(
          'BOXAUDIT_NETWORK',
          `${CONTEXT} cannot resolve gateway "${gateway}": ${code}`,
          {
            cause: error,
          },
        );
      }
      if (isMulticastOrBroadcast(address))
        throw invalid(`gateway ${gateway} resolves to ${address}, not a host`);
      this.cfg.log(`gateway ${gateway} is ${address}`);
    }
    await this.openUnicast(address, null);
  }

  private async startUnicastToDefaultGateway(): Promise<void> {
    const { route, problem } = await this.untilStopped(lookupDefaultRoute({ signal: this.internal.signal }));
    if (this.finished) return;
    if (!route) {
      this.warn(
        'SSDP_NO_DEFAULT_GATEWAY',
        `${CONTEXT} no default gateway found (${problem ?? 'unknown reason'}): no unicast search to it was sent, and multicast answers are often blocked by firewalls`,
      );
      return;
    }
    this.cfg.log(`default gateway ${route.gateway}${route.interface ? ` via ${route.interface}` : ''}`);
    this.defaultRoute = { gateway: route.gateway, interface: route.interface ?? null };
    this.checkDefaultGatewayAnswered();
    await this.openUnicast(route.gateway, route.interface);
  }

  private async openUnicast(address: string, iface: string | null): Promise<void> {
    const family = isIP(address) === 6 ? 6 : 4;
    const channel = await this.openChannel({
      via: 'unicast',
      family,
      iface,
      bindAddress: family === 6 ? '::' : '0.0.0.0',
      destination: address,
      label: `to ${address}:${this.cfg.ssdpPort}`,
      mx: UNICAST_MX,
    });
    if (channel) this.schedule(channel);
  }

  /** Open and bind one socket; null (logged) when that fails: other channels still run. */
  private async openChannel(spec: {
    via: 'multicast' | 'unicast';
    family: 4 | 6;
    iface: string | null;
    bindAddress: string;
    destination: string;
    label: string;
    mx: number;
    setup?: (socket: Socket) => void;
  }): Promise<Channel | null> {
    if (this.finished) return null;
    const socket = createSocket({
      type: spec.family === 6 ? 'udp6' : 'udp4',
      ...(spec.family === 6 ? { ipv6Only: true } : {}),
    });
    this.sockets.add(socket);
    const channel: Channel = {
      socket,
      via: spec.via,
      family: spec.family,
      iface: spec.iface,
      destination: spec.destination,
      label: spec.label,
      mx: spec.mx,
      failed: false,
    };
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind({ address: spec.bindAddress, port: 0, exclusive: true }, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      if (this.finished) return null;
      spec.setup?.(socket);
    } catch (error) {
      void this.closeSocket(socket);
      if (this.finished) return null;
      const code = (error as { code?: string }).code ?? String(error);
      if (spec.family === 6 && spec.via === 'multicast') {
        this.cfg.log(`IPv6 search ${spec.label} unavailable (${code}); skipped`);
      } else if (REFUSED_CODES.has(code)) {
        this.warn(sendRefusedWarning({ code, via: spec.via, where: spec.label, os: this.os }));
      } else {
        this.warn(
          'SSDP_SOCKET_FAILED',
          `${CONTEXT} cannot open a socket for the search ${spec.label}: ${code}`,
          spec.label,
        );
      }
      return null;
    }
    socket.on('error', (error) => this.channelFailed(channel, error));
    socket.on('message', (message, remote) => this.onMessage(message, remote, channel));
    this.liveChannels++;
    return channel;
  }

  private schedule(channel: Channel): void {
    for (let round = 0; round < TRANSMISSIONS; round++) {
      this.later(round * RESEND_SPACING_MS, () => this.sendRound(channel, round));
    }
  }

  private sendRound(channel: Channel, round: number): void {
    if (this.finished || channel.failed) return;
    const host =
      channel.via === 'multicast'
        ? channel.family === 6
          ? SSDP_MULTICAST_V6
          : SSDP_MULTICAST_V4
        : channel.destination;
    if (round === 0) this.cfg.log(`${channel.via} M-SEARCH ${channel.label}`);
    for (const st of IGD_SEARCH_TARGETS) {
      const datagram = Buffer.from(
        buildMSearch({ host, port: this.cfg.ssdpPort, st, mx: channel.mx, userAgent: this.userAgent }),
      );
      try {
        channel.socket.send(datagram, this.cfg.ssdpPort, channel.destination, (error) => {
          if (error) this.channelFailed(channel, error);
          else if (!this.finished) this.stats.sent++;
        });
      } catch (error) {
        this.channelFailed(channel, error);
        return;
      }
    }
  }

  /** A send or socket error: the channel stops, the search goes on with the others. */
  private channelFailed(channel: Channel, error: unknown): void {
    if (this.finished || channel.failed) return;
    channel.failed = true;
    void this.closeSocket(channel.socket);
    const code = (error as { code?: string }).code ?? String(error);
    if (REFUSED_CODES.has(code)) {
      this.warn(sendRefusedWarning({ code, via: channel.via, where: channel.label, os: this.os }));
    } else if (channel.via === 'multicast' && channel.family === 6) {
      this.cfg.log(`IPv6 search ${channel.label} failed (${code}); skipped`);
    } else {
      this.warn('SSDP_SEND_FAILED', `${CONTEXT} M-SEARCH ${channel.label} failed: ${code}`, channel.label);
    }
    this.liveChannels--;
    this.checkIdle();
  }

  // ---- answers -----------------------------------------------------------------------------

  private onMessage(message: Buffer, remote: RemoteInfo, channel: Channel): void {
    if (this.finished) return;
    this.stats.received++;
    const from = remote.address;
    if (this.processed >= this.cfg.maxAnswers) {
      this.stats.ignored++;
      this.warn(
        'SSDP_ANSWER_LIMIT',
        `${CONTEXT} more than ${this.cfg.maxAnswers} answers: the rest were ignored (a flood, or a very large network)`,
      );
      return;
    }
    this.processed++;
    if (message.length > MAX_DATAGRAM_BYTES) {
      this.ignore(
        'SSDP_OVERSIZE',
        `${CONTEXT} ignored a ${message.length}-byte datagram from ${from} (limit ${MAX_DATAGRAM_BYTES})`,
        from,
      );
      return;
    }
    const parsed = parseSsdpMessage(message.toString('utf8'));
    if (parsed.kind === 'request') {
      this.stats.ignored++;
      this.cfg.log(`ignored a ${parsed.method} from ${from}`);
      return;
    }
    if (parsed.kind === 'invalid') {
      this.ignore(
        'SSDP_INVALID_ANSWER',
        `${CONTEXT} ignored an unreadable answer from ${from}: ${parsed.reason}`,
        from,
      );
      return;
    }
    if (parsed.status !== 200) {
      this.ignore(
        'SSDP_INVALID_ANSWER',
        `${CONTEXT} ignored an answer from ${from} with status ${parsed.status}`,
        from,
      );
      return;
    }
    const header = (name: string, max?: number) => {
      const value = parsed.headers.get(name);
      return value === undefined ? null : cleanHeaderValue(value, max) || null;
    };
    const st = header('st');
    if (!st) {
      this.ignore(
        'SSDP_INVALID_ANSWER',
        `${CONTEXT} ignored an answer from ${from} without an ST header`,
        from,
      );
      return;
    }
    if (!isIgdSearchTarget(st)) {
      this.stats.ignored++;
      this.cfg.log(`ignored an answer from ${from} for ${st} (not an internet gateway)`);
      return;
    }
    const location = header('location', MAX_LOCATION_LENGTH + 1);
    if (!location) {
      this.ignore(
        'SSDP_INVALID_ANSWER',
        `${CONTEXT} ignored an answer from ${from} without a LOCATION header`,
        from,
      );
      return;
    }
    const check = checkLocation(location, from);
    if (!check.ok) {
      this.ignore('SSDP_INVALID_ANSWER', `${CONTEXT} ignored an answer from ${from}: ${check.reason}`, from);
      return;
    }
    if (channel.via === 'unicast' && normalizeAddress(from) !== normalizeAddress(channel.destination)) {
      this.ignore(
        'SSDP_UNEXPECTED_SENDER',
        `${CONTEXT} ignored an answer from ${from} to the unicast search sent to ${channel.destination}`,
        from,
      );
      return;
    }
    const href = check.url.href;
    if (!check.sameHost) {
      if (!this.cfg.allowForeignLocation) {
        this.ignore(
          'SSDP_LOCATION_OTHER_HOST',
          `${CONTEXT} ${from} answered with a LOCATION on another host (${href}); not followed ` +
            '(use allowForeignLocation / --allow-foreign-location to keep it)',
          `${from} -> ${href}`,
        );
        return;
      }
      this.cfg.log(`keeping ${href} from ${from} (foreign LOCATION allowed)`);
    }
    this.stats.accepted++;
    const known = this.gateways.get(href);
    if (known) {
      if (!known.targets.includes(st) && known.targets.length < MAX_TARGETS_PER_GATEWAY)
        known.targets.push(st);
      if (targetRank(st) > targetRank(known.st)) {
        known.st = st;
        known.usn = header('usn');
        this.checkDefaultGatewayAnswered();
      }
      return;
    }
    if (this.gateways.size >= this.cfg.maxGateways) {
      this.stats.ignored++;
      this.warn(
        'SSDP_GATEWAY_LIMIT',
        `${CONTEXT} more than ${this.cfg.maxGateways} description URLs were announced: the rest were not kept (a flood, or a very large network; --max-descriptions)`,
      );
      return;
    }
    this.gateways.set(href, {
      address: from,
      location: href,
      server: header('server'),
      st,
      usn: header('usn'),
      via: channel.via,
      interface: channel.iface,
      targets: [st],
    });
    this.cfg.log(`${from} answered (${st}) via ${channel.via}: ${href}`);
    if (!this.graceStarted) {
      this.graceStarted = true;
      this.later(this.cfg.graceMs, () => this.finish('grace'));
    }
    this.checkDefaultGatewayAnswered();
  }

  /**
   * The default route's gateway has answered as an IGD: that is the box almost every audit is
   * about, so stop listening soon — after its other answers of the same round, and a short grace
   * for IGDs on other interfaces when multicast searched any.
   */
  private checkDefaultGatewayAnswered(): void {
    const route = this.defaultRoute;
    if (this.finished || route === null) return;
    const wanted = normalizeAddress(route.gateway);
    const answers = [...this.gateways.values()].filter((g) => normalizeAddress(g.address) === wanted);
    if (answers.length === 0) return;
    const others = [...this.multicastInterfaces].some((name) => name !== route.interface);
    // Its most telling answer (InternetGatewayDevice:2) is in, and no other interface was searched:
    // waiting longer could only bring less telling answers of the same box. Nothing more is sent
    // either way; this only stops listening.
    if (!others && answers.some((g) => targetRank(g.st) === BEST_TARGET_RANK)) {
      this.cfg.log(`the default gateway ${route.gateway} answered as InternetGatewayDevice:2: search ended`);
      this.finish('gateway');
      return;
    }
    if (this.gatewayGraceStarted) return;
    this.gatewayGraceStarted = true;
    const grace = Math.min(this.cfg.graceMs, others ? OTHER_INTERFACES_GRACE_MS : DEFAULT_GATEWAY_GRACE_MS);
    this.cfg.log(`the default gateway ${route.gateway} answered: ending the search in ${grace} ms`);
    this.later(grace, () => this.finish('grace'));
  }

  private ignore(code: string, message: string, where: string): void {
    this.stats.ignored++;
    this.warn(code, message, where);
  }

  // ---- bookkeeping -------------------------------------------------------------------------

  /** Record a warning once per code and place; repeats are counted, distinct warnings capped. */
  private warn(codeOrWarning: string | Warning, message?: string, where?: string): void {
    const warning: Warning =
      typeof codeOrWarning === 'string'
        ? { code: codeOrWarning, message: message ?? codeOrWarning, ...(where ? { where } : {}) }
        : codeOrWarning;
    const key = `${warning.code}\u0000${warning.where ?? ''}`;
    const entry = this.warnings.get(key);
    if (entry) {
      entry.count++;
      return;
    }
    if (this.warnings.size >= MAX_DISTINCT_WARNINGS) {
      this.droppedWarnings++;
      return;
    }
    this.warnings.set(key, { warning, count: 1 });
    this.cfg.log(`warning: ${warning.message}`);
  }

  private track(setup: Promise<void>): void {
    this.pendingSetups++;
    setup
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.pendingSetups--;
        this.checkIdle();
      });
  }

  /** Nothing open and nothing being opened: waiting longer cannot bring an answer. */
  private checkIdle(): void {
    if (!this.finished && this.pendingSetups === 0 && this.liveChannels === 0) {
      this.warn('SSDP_NOTHING_SENT', `${CONTEXT} no M-SEARCH could be sent: nothing was searched`);
      this.finish('nothing-sent');
    }
  }

  /** Resolve `promise`, or reject as soon as the search stops (abort, timeout, error). */
  private untilStopped<T>(promise: Promise<T>): Promise<T> {
    const stopped = this.internal.signal;
    return new Promise<T>((resolve, reject) => {
      if (stopped.aborted) return reject(stopped.reason);
      const onStop = () => reject(stopped.reason);
      stopped.addEventListener('abort', onStop, { once: true });
      promise.then(resolve, reject).finally(() => stopped.removeEventListener('abort', onStop));
    });
  }

  private later(ms: number, fn: () => void): void {
    if (this.finished) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  /** Close a socket; the promise settles once its handle is released (or it was never open). */
  private closeSocket(socket: Socket): Promise<void> {
    if (!this.sockets.delete(socket)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        // already closed (ERR_SOCKET_DGRAM_NOT_RUNNING): nothing left to release
        resolve();
      }
    });
  }

  /** Stop everything; settles when every socket is closed, so the caller inherits no handle. */
  private release(): Promise<void> {
    this.finished = true;
    this.cfg.signal?.removeEventListener('abort', this.onAbort);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.internal.abort(new BoxauditError('BOXAUDIT_ABORTED', `${CONTEXT} search ended`));
    return Promise.all([...this.sockets].map((socket) => this.closeSocket(socket))).then(() => {});
  }

  private finish(endedBy: DiscoveryStats['endedBy']): void {
    if (this.finished) return;
    const released = this.release();
    this.stats.endedBy = endedBy;
    this.cfg.log(
      `done (${endedBy}): ${this.gateways.size} gateway(s), ${this.stats.sent} sent, ${this.stats.received} received`,
    );
    const warnings = [...this.warnings.values()].map(({ warning, count }) =>
      count > 1 ? { ...warning, message: `${warning.message} (${count} times)` } : warning,
    );
    if (this.droppedWarnings > 0) {
      warnings.push({
        code: 'SSDP_WARNINGS_TRUNCATED',
        message: `${CONTEXT} ${this.droppedWarnings} more warning(s) not listed`,
      });
    }
    // IPv4 first: the same box answering over IPv6 has another (often link-local) LOCATION.
    const gateways = [...this.gateways.values()].sort((a, b) => isIP(a.address) - isIP(b.address));
    const result = { gateways, warnings, stats: { ...this.stats } };
    void released.then(() => this.resolve(result));
  }

  private fail(error: unknown): void {
    if (this.finished) return;
    this.release();
    this.reject(
      error instanceof BoxauditError
        ? error
        : new BoxauditError('BOXAUDIT_NETWORK', `${CONTEXT} discovery failed: ${String(error)}`, {
            cause: error,
          }),
    );
  }
}

/**
 * Find internet gateway devices (UPnP IGD v1/v2) by SSDP M-SEARCH.
 *
 * Defaults: multicast on every non-internal interface plus a unicast search to the default
 * gateway; with `gateway`, a unicast search to that host only. Ends after `timeoutMs` (3000), or
 * `graceMs` (300) after the first gateway answered. No answer gives `gateways: []`, which is never
 * proof that nothing is exposed (UPnP may be off; manual forwards are never visible over UPnP).
 *
 * @returns the gateways (one per description URL), warnings about ignored or suspicious answers and
 *   failed sends, and counts.
 * @throws BoxauditError BOXAUDIT_ABORTED when `signal` aborts; BOXAUDIT_INPUT_INVALID for bad
 *   options or an unknown interface name; BOXAUDIT_NETWORK when `gateway` cannot be resolved.
 * @see UPnP Device Architecture 1.1 §1.3 (Discovery), UPnP IGD:1 and IGD:2.
 */
export async function discover(options: DiscoverOptions = {}): Promise<DiscoveryResult> {
  checkOptions('discover', options);
  const cfg = normalizeOptions(options);
  if (cfg.signal?.aborted) throw abortError(cfg.signal, `${CONTEXT} discovery`);
  return new SsdpSearch(cfg).run();
}
