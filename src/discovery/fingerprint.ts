/**
 * Gateway fingerprinting: which adapter fits the box at the default gateway.
 *
 * `fingerprintGateway` is pure: it scores every known adapter id from what discovery already saw
 * (SSDP SERVER header, the IGD root device description, an HTTP banner, a known hostname that
 * resolves to the gateway). `probeGateway` gathers the last two with one bounded, credential-free
 * HTTP GET and a few DNS lookups with a deadline.
 *
 * The engine names no vendor: the evidence (patterns, weights, host names) is each adapter's
 * metadata (src/adapters/<id>.meta.ts), scored by src/adapters/evidence.ts. Its strings come from
 * real root descriptions (shared/upnp-captures) and the hostnames in shared/vendor-apis.md; a vendor
 * word alone never beats an explicit product word (Sagemcom builds both Livebox and Bbox, so
 * "Sagemcom" alone says nothing).
 */
import { type FingerprintInput, scoreEvidence } from '../adapters/evidence.js';
import { adapterMetas } from '../adapters/registry.js';
import { abortError, BoxauditError } from '../errors.js';
import { isLoopback } from '../model/addresses.js';

export type { FingerprintInput } from '../adapters/evidence.js';

export interface FingerprintScore {
  /** The adapter id (src/adapters/registry.ts). */
  adapter: string;
  /** 0..1; independent evidence combines as 1 − Π(1 − w). */
  score: number;
  /** Why, in a short English phrase; `no evidence` when nothing matched. */
  reason: string;
}

/**
 * Score every adapter of the registry for a gateway, best first, from each adapter's metadata
 * evidence. Pure and deterministic: ties keep the registry's order. The generic fallback
 * (`upnp-igd`) always has a non-zero score; it ranks first only when no vendor evidence was found.
 */
export function fingerprintGateway(input: FingerprintInput): FingerprintScore[] {
  const results = adapterMetas().map((meta, order) => ({
    adapter: meta.id,
    ...scoreEvidence(meta, input),
    order,
  }));
  results.sort((a, b) => b.score - a.score || a.order - b.order);
  return results.map(({ adapter, score, reason }) => ({ adapter, score, reason }));
}

/** Known LAN host names of boxes (the adapters' metadata); checked against the gateway address. */
export const KNOWN_GATEWAY_HOSTNAMES: readonly string[] = [
  ...new Set(adapterMetas().flatMap((m) => m.hostnames ?? [])),
];

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
  const { lookup } = await import('node:dns/promises');
  const entries = await withAbort(lookup(hostname, { all: true }), signal);
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

/** node:http is loaded for the banner only: the read path itself speaks http through transport/http1.ts. */
async function readBanner(
  address: string,
  port: number,
  timeoutMs: number,
  outer?: AbortSignal,
): Promise<string | null> {
  const where = `[fingerprint] GET http://${address.includes(':') ? `[${address}]` : address}:${port}/`;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = outer ? AbortSignal.any([outer, deadline]) : deadline;
  const { request: httpRequest } = await import('node:http');
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
