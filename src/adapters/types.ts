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

/** The box an adapter reads: its address, port and pinned TLS or SSH identity. */
export interface CollectTarget {
  /** Description URL (upnp-igd), base URL or host (vendors), or file (offline). */
  url?: string;
  host?: string;
  port?: number;
  credentials?: Credentials;
  /** Vendor-specific options (SSH host key policy, app token path…). */
  options?: Record<string, unknown>;
}

/** What an adapter is given for one read: the abort signal, the credentials, the budgets and the progress callback. */
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

/** How an adapter reaches its box. */
export type AdapterTransport = 'upnp-soap' | 'http' | 'https' | 'ssh' | 'file';

/** What an adapter can see (the snapshot areas it fills); `details.capabilities` in coverage prints them. */
export type Capability =
  | 'static-forwards'
  | 'upnp-mappings'
  | 'upnp-state'
  | 'dmz'
  | 'ipv6-pinholes'
  | 'remote-admin'
  | 'gateway-info'
  | 'nat-pmp';

/** A field of {@link Credentials} an adapter may need. */
export type CredentialName = 'username' | 'password' | 'token' | 'privateKey' | 'agent';

/** One credential need: any one of `anyOf` (e.g. a key, the agent or a password); `optional` when it may be left out. */
export interface CredentialNeed {
  anyOf: readonly CredentialName[];
  optional?: boolean;
}

/** What the fingerprint engine reads of a gateway (src/discovery/fingerprint.ts `FingerprintInput`). */
export type EvidenceField =
  | 'server'
  | 'manufacturer'
  | 'model'
  | 'friendlyName'
  | 'modelDescription'
  | 'manufacturerUrl'
  | 'banner'
  | 'hostname'
  | 'address';

/**
 * One piece of fingerprint evidence: `pattern` found in any of `fields` counts `weight` (0..1;
 * independent evidence combines as 1 − Π(1 − w)). Weights: product name in the description 0.9,
 * hostname 0.85, banner 0.6–0.8, factory address 0.1.
 */
export interface Evidence {
  fields: readonly EvidenceField[];
  pattern: RegExp;
  weight: number;
  /** Why, in a short English phrase (printed in the suggestion). */
  reason: string;
}

/**
 * The text of a coverage code an adapter emits. `fr` is the French report's text; `{name}`
 * placeholders are filled from `CoverageItem.details` (src/i18n/coverage.ts). English reports print
 * the adapter's own `reason` (built where the item is made, with the run's details), so `en` is
 * given only where the English is a fixed sentence.
 */
export interface CoverageText {
  en?: string;
  fr: string;
}

/**
 * Everything known about an adapter without loading its code: `src/adapters/<id>.meta.ts` imports
 * nothing but types and the shared plain values of `meta-parts.ts`, so the registry, the fingerprint
 * engine and the i18n generator (scripts/gen-adapter-texts.mjs) read every adapter's metadata
 * without loading a transport or ssh2.
 */
export interface AdapterMeta {
  /** The `--vendor` value and the file name in src/adapters/. */
  id: string;
  name: string;
  transports: readonly AdapterTransport[];
  capabilities: readonly Capability[];
  /** Which credentials it needs, e.g. a password and an optional user name. */
  credentials: readonly CredentialNeed[];
  /** The box's own LAN host names (shared/vendor-apis.md): discovery checks whether one resolves to the gateway. */
  hostnames?: readonly string[];
  /** Fingerprint evidence; the generic fallback (`upnp-igd`) has none and sets `fallback`. */
  evidence: readonly Evidence[];
  /** The generic fallback: always fits a box that answered as an IGD, below any vendor match. */
  fallback?: boolean;
  /** Coverage codes this adapter emits, with their texts; `CODE@area` refines one area. */
  coverage?: Readonly<Record<string, CoverageText>>;
}

/** An adapter's full metadata: its light metadata plus its allowlist. */
export interface LoadedAdapterMeta extends AdapterMeta {
  /**
   * Every remote call this adapter may make (SOAP action names, `GET /path` REST calls, SSH command
   * lines). Its transport helper refuses anything else with BOXAUDIT_NOT_ALLOWED; the conformance
   * suite checks that nothing outside it is ever sent.
   */
  allowlist: readonly string[];
}

/** What discovery learned about a gateway: the input of `detectScore` (src/adapters/evidence.ts). */
export interface Probe {
  address: string;
  ssdpServer?: string | null;
  manufacturer?: string | null;
  model?: string | null;
  httpBanner?: string | null;
  hostname?: string | null;
}

/** A box adapter: its metadata (id, transports, capabilities) and the function that reads one box into a Snapshot. */
export interface Adapter {
  meta: LoadedAdapterMeta;
  /** Read one box (read-only, bounded by `ctx`'s budget and signal) into a Snapshot. */
  collect(target: CollectTarget, ctx: CollectContext): Promise<Snapshot>;
}
