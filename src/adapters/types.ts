import type { Snapshot } from '../model/types.js';
import type { Lookup } from '../transport/pin.js';
import type { AuditBudget } from '../util/budget.js';

/** What an adapter needs to reach its box. Secrets are passed in, never read from argv. */
export interface Credentials {
  username?: string;
  password?: string;
  /** App token (Freebox), API key (UniFi), etc. */
  token?: string;
  /** SSH private key (PEM/OpenSSH) and its passphrase. */
  privateKey?: string | Buffer;
  passphrase?: string;
  /** Use the SSH agent at this socket. */
  agent?: string;
}

export interface CollectTarget {
  /** Description URL (upnp-igd), base URL or host (vendors), or file (offline). */
  url?: string;
  host?: string;
  port?: number;
  credentials?: Credentials;
  /** Vendor-specific options (SSH host key policy, app token path…). */
  options?: Record<string, unknown>;
}

export interface CollectContext {
  signal?: AbortSignal;
  /** Per-request deadline in ms. */
  timeoutMs?: number;
  /** Progress lines for stderr; never given secrets. */
  log?: (message: string) => void;
  /**
   * The audit's budget for this walk (`util/budget.ts`: forwards, bytes, time). Default: a fresh one
   * with the default limits. Every request counts against it; reaching it ends the walk with
   * what was read and a `BUDGET_*` coverage note.
   */
  budget?: AuditBudget;
  /** Name resolution for the target, called once per run (default `dns.lookup`). */
  lookup?: Lookup;
}

export interface AdapterMeta {
  id: string;
  name: string;
  transports: Array<'upnp-soap' | 'http' | 'https' | 'ssh' | 'file'>;
  /** What this adapter can see, e.g. `upnp-mappings`, `static-forwards`, `dmz`, `remote-admin`. */
  capabilities: string[];
  /** Which credentials it needs: e.g. `['password']`, `['username', 'privateKey|password']`. */
  credentials: string[];
  /**
   * Every remote call this adapter may make (SOAP action names, `GET /path` REST calls, SSH command
   * lines). Its transport helper refuses anything else with BOXAUDIT_NOT_ALLOWED; the conformance
   * suite checks that nothing outside it is ever sent.
   */
  allowlist: readonly string[];
}

/** What discovery and fingerprinting learned about a gateway, for `detect`. */
export interface Probe {
  address: string;
  ssdpServer?: string | null;
  manufacturer?: string | null;
  model?: string | null;
  httpBanner?: string | null;
  hostname?: string | null;
}

export interface Adapter {
  meta: AdapterMeta;
  /** Confidence 0..1 that this adapter fits the probed gateway. */
  detect?(probe: Probe, options: { signal?: AbortSignal }): Promise<number> | number;
  collect(target: CollectTarget, ctx: CollectContext): Promise<Snapshot>;
}
