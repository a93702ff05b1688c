/**
 * Gateway fingerprinting: which adapter fits the box at the default gateway.
 *
 * `fingerprintGateway` is pure: it scores every known adapter id from what discovery already saw
 * (SSDP SERVER header, the IGD root device description, an HTTP banner, a known hostname that
 * resolves to the gateway). `probeGateway` gathers the last two with one bounded, credential-free
 * HTTP GET and a few DNS lookups with a deadline.
 *
 * Strings come from real root descriptions (shared/upnp-captures) and the hostnames in
 * shared/vendor-apis.md; a vendor word alone never beats an explicit product word (Sagemcom builds
 * both Livebox and Bbox, so "Sagemcom" alone says nothing).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { abortError, BoxauditError } from '../errors.js';
import { isLoopback } from '../model/addresses.js';

/** Every adapter id the fingerprint knows, in tie-break order (vendor APIs before SSH, generic last). */
export const KNOWN_ADAPTER_IDS = [
  'freebox',
  'livebox',
  'bbox',
  'sfr',
  'fritzbox',
  'openwrt-ubus',
  'openwrt',
  'routeros-rest',
  'routeros',
  'unifi',
  'edgeos',
  'vyos',
  'pfsense',
  'opnsense',
  'linux',
  'upnp-igd',
] as const;

export type KnownAdapterId = (typeof KNOWN_ADAPTER_IDS)[number];

export interface FingerprintInput {
  /** Gateway address (IPv4/IPv6 or host name). */
  address: string;
  /** SSDP `SERVER` header, e.g. `Linux/5.4 UPnP/1.1 MiniUPnPd/2.3.7`. */
  ssdpServer?: string | null;
  /** The IGD root device description (root device, not sub-devices: those often say "MiniUPnP"). */
  description?: {
    manufacturer?: string | null;
    model?: string | null;
    friendlyName?: string | null;
    modelDescription?: string | null;
    manufacturerUrl?: string | null;
  } | null;
  /** What `probeGateway` read from `GET /`: Server header, title, redirect location. */
  httpBanner?: string | null;
  /** A known vendor host name that resolves to the gateway (e.g. `fritz.box`). */
  hostname?: string | null;
}

export interface FingerprintScore {
  adapter: KnownAdapterId;
  /** 0..1; independent evidence combines as 1 − Π(1 − w). */
  score: number;
  /** Why, in a short English phrase; `no evidence` when nothing matched. */
  reason: string;
}

type Field =
  | 'server'
  | 'manufacturer'
  | 'model'
  | 'friendlyName'
  | 'modelDescription'
  | 'manufacturerUrl'
  | 'banner'
  | 'hostname'
  | 'address';

interface Evidence {
  adapters: readonly KnownAdapterId[];
  fields: readonly Field[];
  pattern: RegExp;
  weight: number;
  reason: string;
}

const DESC: readonly Field[] = ['manufacturer', 'model', 'friendlyName', 'modelDescription'];
const ANY_TEXT: readonly Field[] = ['server', ...DESC, 'manufacturerUrl', 'banner'];

/** Evidence table. Weights: product name in the description 0.9, hostname 0.85, banner 0.6–0.8, address 0.1. */
const EVIDENCE: readonly Evidence[] = [
  // Free: manufacturer "Freebox", model "Freebox Server"; mafreebox.freebox.fr.
  {
    adapters: ['freebox'],
    fields: [...DESC, 'server', 'banner'],
    pattern: /freebox|iliadbox/i,
    weight: 0.9,
    reason: 'Freebox in the device description or banner',
  },
  {
    adapters: ['freebox'],
    fields: ['hostname'],
    pattern: /(^|\.)mafreebox\.freebox\.fr$|myiliadbox\.iliad\.it$/i,
    weight: 0.85,
    reason: 'mafreebox.freebox.fr resolves to the gateway',
  },
  // Orange: friendlyName "Orange Livebox", model "Residential Livebox …" (Arcadyan/Sagemcom/Sercomm); Funbox = Orange Polska's Livebox.
  {
    adapters: ['livebox'],
    fields: [...DESC, 'banner'],
    pattern: /livebox/i,
    weight: 0.9,
    reason: 'Livebox in the device description or banner',
  },
  {
    adapters: ['livebox'],
    fields: [...DESC],
    pattern: /funbox/i,
    weight: 0.6,
    reason: 'Orange Funbox (Livebox family; sysbus API UNCONFIRMED on Funbox)',
  },
  {
    adapters: ['livebox'],
    fields: ['hostname'],
    pattern: /^livebox(\.home)?$/i,
    weight: 0.85,
    reason: 'livebox.home resolves to the gateway',
  },
  // Bouygues: manufacturer "Bouygues Telecom", friendlyName "Bbox", model "Sagemcom F@st5688b".
  {
    adapters: ['bbox'],
    fields: ['manufacturer', 'manufacturerUrl', 'banner'],
    pattern: /bouygues|bbox\.bouyguestelecom/i,
    weight: 0.9,
    reason: 'Bouygues Telecom in the device description',
  },
  {
    adapters: ['bbox'],
    fields: ['friendlyName', 'banner'],
    pattern: /^bbox\b|\bbbox\b/i,
    weight: 0.7,
    reason: 'Bbox name',
  },
  {
    adapters: ['bbox'],
    fields: ['hostname'],
    pattern: /^(mabbox\.bytel\.fr|bbox\.lan)$/i,
    weight: 0.85,
    reason: 'mabbox.bytel.fr resolves to the gateway',
  },
  // SFR: manufacturer "neufbox" (efixo); Askey RTF8316VW builds SFR's Box 8 family (UNCONFIRMED: the file names no ISP).
  {
    adapters: ['sfr'],
    fields: [...DESC, 'manufacturerUrl', 'banner'],
    pattern: /neufbox|efixo|\bsfr\b/i,
    weight: 0.9,
    reason: 'neufbox / SFR in the device description',
  },
  {
    adapters: ['sfr'],
    fields: ['model', 'modelDescription'],
    pattern: /RTF8316VW|RTF8115VW|RTF8217VW/i,
    weight: 0.55,
    reason: 'Askey RTF83xx is an SFR box model (probable, UNCONFIRMED)',
  },
  {
    adapters: ['sfr'],
    fields: ['hostname'],
    pattern: /^neufbox(\.lan)?$/i,
    weight: 0.85,
    reason: 'neufbox resolves to the gateway',
  },
  // AVM: manufacturer "AVM Berlin" or "FRITZ! GmbH", model "FRITZ!Box 7590"; fritz.box.
  {
    adapters: ['fritzbox'],
    fields: [...DESC, 'server', 'banner'],
    pattern: /fritz!?\s?box|fritz! gmbh|\bavm\b/i,
    weight: 0.9,
    reason: 'FRITZ!Box / AVM in the device description or banner',
  },
  {
    adapters: ['fritzbox'],
    fields: ['hostname'],
    pattern: /^fritz\.box$/i,
    weight: 0.85,
    reason: 'fritz.box resolves to the gateway',
  },
  // OpenWrt: manufacturer "OpenWrt", LuCI web UI.
  {
    adapters: ['openwrt-ubus', 'openwrt'],
    fields: [...DESC, 'server', 'manufacturerUrl'],
    pattern: /openwrt/i,
    weight: 0.85,
    reason: 'OpenWrt in the device description',
  },
  {
    adapters: ['openwrt-ubus'],
    fields: ['banner'],
    pattern: /luci|openwrt/i,
    weight: 0.8,
    reason: 'LuCI web interface (ubus JSON-RPC likely)',
  },
  {
    adapters: ['openwrt'],
    fields: ['banner'],
    pattern: /openwrt/i,
    weight: 0.6,
    reason: 'OpenWrt web interface',
  },
  {
    adapters: ['openwrt-ubus', 'openwrt'],
    fields: ['hostname'],
    pattern: /^openwrt(\.lan)?$/i,
    weight: 0.7,
    reason: 'openwrt.lan resolves to the gateway',
  },
  // MikroTik: manufacturer "MikroTik", model "Router OS"; WebFig title "RouterOS router configuration page".
  {
    adapters: ['routeros-rest', 'routeros'],
    fields: [...DESC, 'server', 'manufacturerUrl', 'banner'],
    pattern: /mikrotik|router\s?os\b/i,
    weight: 0.9,
    reason: 'MikroTik RouterOS in the device description or banner',
  },
  // Ubiquiti: UniFi OS consoles (UDM-Pro, UDR, UCG, UXG), EdgeRouter.
  {
    adapters: ['unifi'],
    fields: [...DESC, 'banner'],
    pattern: /unifi|\bud[mr](-|\s|\b)|\bucg\b|\buxg\b|dream (machine|router)/i,
    weight: 0.9,
    reason: 'UniFi console in the device description or banner',
  },
  {
    adapters: ['unifi'],
    fields: ['manufacturer', 'manufacturerUrl'],
    pattern: /ubiquiti|ui\.com/i,
    weight: 0.5,
    reason: 'Ubiquiti device',
  },
  {
    adapters: ['edgeos'],
    fields: [...DESC, 'banner', 'server'],
    pattern: /edge\s?os|edge\s?router|\bER-X\b/i,
    weight: 0.9,
    reason: 'EdgeOS / EdgeRouter',
  },
  {
    adapters: ['edgeos'],
    fields: ['manufacturer', 'manufacturerUrl'],
    pattern: /ubiquiti|ui\.com/i,
    weight: 0.3,
    reason: 'Ubiquiti device',
  },
  { adapters: ['vyos'], fields: ANY_TEXT, pattern: /vyos/i, weight: 0.9, reason: 'VyOS' },
  {
    adapters: ['pfsense'],
    fields: ANY_TEXT,
    pattern: /pfsense|\bnetgate\b/i,
    weight: 0.9,
    reason: 'pfSense',
  },
  { adapters: ['opnsense'], fields: ANY_TEXT, pattern: /opnsense/i, weight: 0.9, reason: 'OPNsense' },
  // miniupnpd on FreeBSD is how pfSense/OPNsense answer SSDP; on Linux, any Linux router with SSH fits `linux`.
  {
    adapters: ['pfsense', 'opnsense'],
    fields: ['server'],
    pattern: /freebsd/i,
    weight: 0.3,
    reason: 'FreeBSD miniupnpd (pfSense or OPNsense likely)',
  },
  {
    adapters: ['linux'],
    fields: ['server'],
    pattern: /^linux\b/i,
    weight: 0.2,
    reason: 'Linux IGD (an SSH login would show nftables/iptables)',
  },
  // Factory default addresses: weak hints only, never decisive alone.
  {
    adapters: ['fritzbox'],
    fields: ['address'],
    pattern: /^192\.168\.178\.1$/,
    weight: 0.1,
    reason: 'FRITZ!Box default address',
  },
  {
    adapters: ['freebox', 'bbox'],
    fields: ['address'],
    pattern: /^192\.168\.[01]\.254$/,
    weight: 0.1,
    reason: 'Freebox/Bbox default address',
  },
  {
    adapters: ['routeros-rest', 'routeros'],
    fields: ['address'],
    pattern: /^192\.168\.88\.1$/,
    weight: 0.1,
    reason: 'MikroTik default address',
  },
];

/** A generic IGD answered: upnp-igd always fits, but below any vendor match (≥ 0.5). */
const UPNP_IGD_SEEN = 0.3;
const UPNP_IGD_UNSEEN = 0.05;

function fieldText(input: FingerprintInput, field: Field): string | null {
  const d = input.description ?? null;
  switch (field) {
    case 'server':
      return input.ssdpServer ?? null;
    case 'manufacturer':
      return d?.manufacturer ?? null;
    case 'model':
      return d?.model ?? null;
    case 'friendlyName':
      return d?.friendlyName ?? null;
    case 'modelDescription':
      return d?.modelDescription ?? null;
    case 'manufacturerUrl':
      return d?.manufacturerUrl ?? null;
    case 'banner':
      return input.httpBanner ?? null;
    case 'hostname':
      return input.hostname ? input.hostname.replace(/\.$/, '') : null;
    case 'address':
      return input.address;
  }
}

/**
 * Score every known adapter for a gateway, best first. Pure and deterministic: ties keep the order
 * of {@link KNOWN_ADAPTER_IDS}. `upnp-igd` always has a non-zero score (the fallback); it ranks first
 * only when no vendor evidence was found.
 */
export function fingerprintGateway(input: FingerprintInput): FingerprintScore[] {
  const results = KNOWN_ADAPTER_IDS.map((adapter, order) => {
    let miss = 1;
    const reasons: string[] = [];
    for (const ev of EVIDENCE) {
      if (!ev.adapters.includes(adapter)) continue;
      const hit = ev.fields.some((f) => {
        const text = fieldText(input, f);
        return text !== null && ev.pattern.test(text.trim());
      });
      if (hit) {
        miss *= 1 - ev.weight;
        if (!reasons.includes(ev.reason)) reasons.push(ev.reason);
      }
    }
    if (adapter === 'upnp-igd') {
      const seen = Boolean(input.ssdpServer) || Boolean(input.description);
      miss *= 1 - (seen ? UPNP_IGD_SEEN : UPNP_IGD_UNSEEN);
      reasons.push(seen ? 'an UPnP IGD answered (generic fallback)' : 'generic fallback (no IGD seen)');
    }
    const score = Math.round(Math.min(0.99, 1 - miss) * 1000) / 1000;
    return { adapter, score, reason: reasons.length > 0 ? reasons.join('; ') : 'no evidence', order };
  });
  results.sort((a, b) => b.score - a.score || a.order - b.order);
  return results.map(({ adapter, score, reason }) => ({ adapter, score, reason }));
}

/** Known LAN host names of boxes (shared/vendor-apis.md); checked against the gateway address. */
export const KNOWN_GATEWAY_HOSTNAMES = [
  'mafreebox.freebox.fr',
  'livebox.home',
  'mabbox.bytel.fr',
  'fritz.box',
  'neufbox',
  'openwrt.lan',
] as const;

export interface ProbeGatewayOptions {
  signal?: AbortSignal;
  /** Deadline for the HTTP GET and for each DNS lookup; default 2000 ms. */
  timeoutMs?: number;
  /** HTTP port; default 80. */
  port?: number;
  /** Host names to check; default {@link KNOWN_GATEWAY_HOSTNAMES}, none for a loopback address; `[]` skips DNS. */
  hostnames?: readonly string[];
  /** DNS resolver (tests inject one); default `dns.promises.lookup` with `all: true`. */
  lookup?: (hostname: string, signal: AbortSignal) => Promise<string[]>;
}

export interface GatewayProbe {
  address: string;
  /** `server=…; title=…; location=…` from `GET /`, or null when nothing was read. */
  httpBanner: string | null;
  /** The first known host name that resolved to the gateway address. */
  hostname: string | null;
  /** What failed, for diagnosis (never fatal). */
  notes: string[];
}

/** Cap on the body read for the `<title>`. */
const BANNER_MAX_BYTES = 64 * 1024;

/**
 * One bounded, credential-free `GET /` on the gateway: reads only the `Server` header, the HTML
 * `<title>` and a redirect `Location` (64 KiB cap, one request, no redirects followed). Then checks
 * which known vendor host name resolves to the gateway. Failures become `notes`, never throws
 * except for the caller's own abort (BOXAUDIT_ABORTED).
 */
export async function probeGateway(
  address: string,
  options: ProbeGatewayOptions = {},
): Promise<GatewayProbe> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const notes: string[] = [];
  let httpBanner: string | null = null;
  try {
    httpBanner = await readBanner(address, options.port ?? 80, timeoutMs, options.signal);
  } catch (error) {
    if (options.signal?.aborted) throw abortError(options.signal, `[fingerprint] probe of ${address}`);
    notes.push(error instanceof Error ? error.message : String(error));
  }
  let hostname: string | null = null;
  const lookup = options.lookup ?? defaultLookup;
  // A box is never on loopback: its names cannot resolve there, so no DNS query is worth sending.
  const hostnames = options.hostnames ?? (isLoopback(address) ? [] : KNOWN_GATEWAY_HOSTNAMES);
  for (const name of hostnames) {
    if (options.signal?.aborted) throw abortError(options.signal, `[fingerprint] probe of ${address}`);
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    try {
      const addresses = await withAbort(lookup(name, signal), signal);
      if (addresses.some((a) => sameAddress(a, address))) {
        hostname = name;
        break;
      }
    } catch (error) {
      if (options.signal?.aborted) throw abortError(options.signal, `[fingerprint] probe of ${address}`);
      notes.push(
        `[fingerprint] DNS lookup of ${name}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return { address, httpBanner, hostname, notes };
}

function sameAddress(a: string, b: string): boolean {
  return a.replace(/^::ffff:/i, '').toLowerCase() === b.replace(/^::ffff:/i, '').toLowerCase();
}

async function defaultLookup(hostname: string, signal: AbortSignal): Promise<string[]> {
  const entries = await withAbort(dnsLookup(hostname, { all: true }), signal);
  return entries.map((e) => e.address);
}

/** dns.lookup cannot be cancelled; stop waiting for it at the deadline. */
function withAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Extract the banner from a response: exported for tests. */
export function bannerFrom(server: string | null, location: string | null, body: string): string | null {
  const title = /<title[^>]*>([\s\S]{0,300}?)<\/title>/i.exec(body)?.[1]?.replace(/\s+/g, ' ').trim() ?? null;
  const parts: string[] = [];
  if (server) parts.push(`server=${server.trim().slice(0, 200)}`);
  if (title) parts.push(`title=${title}`);
  if (location) parts.push(`location=${location.trim().slice(0, 300)}`);
  return parts.length > 0 ? parts.join('; ') : null;
}

function readBanner(
  address: string,
  port: number,
  timeoutMs: number,
  outer?: AbortSignal,
): Promise<string | null> {
  const where = `[fingerprint] GET http://${address.includes(':') ? `[${address}]` : address}:${port}/`;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = outer ? AbortSignal.any([outer, deadline]) : deadline;
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortError(signal, where, timeoutMs));
      return;
    }
    const req = httpRequest(
      {
        host: address,
        port,
        path: '/',
        method: 'GET',
        headers: { accept: 'text/html', connection: 'close' },
        signal,
      },
      (res) => {
        const server = typeof res.headers.server === 'string' ? res.headers.server : null;
        const location = typeof res.headers.location === 'string' ? res.headers.location : null;
        const chunks: Buffer[] = [];
        let size = 0;
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          resolve(bannerFrom(server, location, Buffer.concat(chunks).toString('latin1')));
        };
        res.on('data', (chunk: Buffer) => {
          if (done) return;
          const room = BANNER_MAX_BYTES - size;
          chunks.push(chunk.subarray(0, Math.max(0, room)));
          size += chunk.length;
          if (size >= BANNER_MAX_BYTES) {
            finish();
            req.destroy();
          }
        });
        res.on('end', finish);
        res.on('error', (e) => (done ? undefined : reject(e)));
      },
    );
    req.on('error', (error) => {
      if (signal.aborted) reject(abortError(signal, where, timeoutMs));
      else reject(new BoxauditError('BOXAUDIT_NETWORK', `${where}: ${error.message}`, { cause: error }));
    });
    req.end();
  });
}

/**
 * An adapter's `detect` score from a discovery probe (the Adapter contract's {@link Probe} shape):
 * its fingerprint score, 0 when unknown.
 */
export function detectScore(
  adapter: KnownAdapterId,
  probe: {
    address: string;
    ssdpServer?: string | null;
    manufacturer?: string | null;
    model?: string | null;
    httpBanner?: string | null;
    hostname?: string | null;
  },
): number {
  const hasDescription = Boolean(probe.manufacturer) || Boolean(probe.model);
  const scores = fingerprintGateway({
    address: probe.address,
    ssdpServer: probe.ssdpServer ?? null,
    description: hasDescription
      ? { manufacturer: probe.manufacturer ?? null, model: probe.model ?? null }
      : null,
    httpBanner: probe.httpBanner ?? null,
    hostname: probe.hostname ?? null,
  });
  return scores.find((s) => s.adapter === adapter)?.score ?? 0;
}
