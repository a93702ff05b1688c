/**
 * One target, pinned. Every request of an adapter run goes through a `PinnedTarget`: the host the
 * user gave (or discovery found), resolved ONCE, and the ports allowed on it. A URL taken from a
 * reply (a control URL in a description, a URLBase, a redirect target) that names another host or
 * another port is refused before anything is sent — so no credential, Digest response or cookie
 * ever goes to a third host — and a box that answers DNS cannot move later requests elsewhere.
 *
 * Ports: the target's own port only, except where the protocol itself names the ports (UPnP: the
 * description's URLBase and control URLs may use any port of the same host; the caller says so
 * with `otherPorts: 'any'`, or lists them).
 */
import { isIP } from 'node:net';
import { BoxauditError, checkOptions } from '../errors.js';
import { AuditBudget } from '../util/budget.js';

/** Resolve a host name to one address (default `dns.lookup`, the system resolver, hosts file included). */
export type Lookup = (hostname: string) => Promise<{ address: string; family: number }>;

/** What a pinned target may reach besides its own host and port, and how names resolve. */
export interface PinOptions {
  /** Ports allowed besides the target's own, on the same host: a list, or `any` (UPnP). Default none. */
  otherPorts?: 'any' | readonly number[];
  /** Name resolution, called once per pin (tests and library users may replace it). */
  lookup?: Lookup;
  /** The audit budget every request through this pin counts against (default: a fresh default one). */
  budget?: AuditBudget;
  /** Message prefix, e.g. `[fritzbox]`. */
  label?: string;
}

const defaultPort = (protocol: string): number => (protocol === 'https:' ? 443 : 80);
const bare = (hostname: string): string => hostname.replace(/^\[|\]$/g, '').toLowerCase();

/** The URL with any user:password removed, for messages and output. */
export function redactUrl(url: string | URL): string {
  // A walk redacts the same control URL hundreds of times: the last answer is kept.
  if (typeof url === 'string' && url === lastRedacted?.url) return lastRedacted.shown;
  const shown = redactUrlOnce(url);
  if (typeof url === 'string') lastRedacted = { url, shown };
  return shown;
}
let lastRedacted: { url: string; shown: string } | undefined;

function redactUrlOnce(url: string | URL): string {
  try {
    const u = new URL(String(url));
    if (u.username || u.password) {
      u.username = '';
      u.password = '';
    }
    return u.href;
  } catch {
    return String(url).replace(/\/\/[^/@]*@/, '//');
  }
}

/** A host resolved once and pinned to its addresses, so a name cannot be re-resolved elsewhere mid-audit. */
export class PinnedTarget {
  /** Host as given (lower-case, no brackets): an IP address or a name. */
  readonly hostname: string;
  /** The target's own port. */
  readonly port: number;
  readonly budget: AuditBudget;
  private readonly otherPorts: 'any' | readonly number[];
  private readonly lookup: Lookup;
  private readonly label: string;
  private resolved: Promise<{ address: string; family: number }> | undefined;

  /** @throws BoxauditError BOXAUDIT_INPUT_INVALID when `target` is not an http(s) URL. */
  constructor(target: string | URL, options: PinOptions = {}) {
    checkOptions('PinnedTarget', options);
    let url: URL;
    try {
      url = new URL(String(target));
    } catch (error) {
      throw new BoxauditError(
        'BOXAUDIT_INPUT_INVALID',
        `${options.label ?? '[boxaudit]'} ${target}: not a valid URL`,
        {
          cause: error,
        },
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new BoxauditError(
        'BOXAUDIT_INPUT_INVALID',
        `${options.label ?? '[boxaudit]'} ${url.protocol} URLs are not supported (http and https only)`,
      );
    }
    this.hostname = bare(url.hostname);
    this.port = Number(url.port || defaultPort(url.protocol));
    this.otherPorts = options.otherPorts ?? [];
    // node:dns is loaded on the first name to resolve: a box given by its address never needs it.
    this.lookup = options.lookup ?? (async (host) => (await import('node:dns/promises')).lookup(host));
    this.budget = options.budget ?? AuditBudget.create().forWalk();
    this.label = options.label ?? '[boxaudit]';
  }

  /** True when `url` is on the pinned host and an allowed port (and is http/https). */
  allows(url: string | URL): boolean {
    let u: URL;
    try {
      u = new URL(String(url));
    } catch {
      return false;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
    if (bare(u.hostname) !== this.hostname) return false;
    const port = Number(u.port || defaultPort(u.protocol));
    return port === this.port || this.otherPorts === 'any' || this.otherPorts.includes(port);
  }

  /**
   * Refuse, before anything is sent, a URL that is not on the pinned target.
   * @throws BoxauditError BOXAUDIT_NOT_ALLOWED (`details.reason: 'off-target'`, `details.url`).
   */
  check(url: string | URL, context: string): void {
    if (this.allows(url)) return;
    let text: string;
    try {
      text = redactUrl(new URL(String(url)));
    } catch {
      text = String(url).slice(0, 200);
    }
    const where = this.otherPorts === 'any' ? this.hostname : `${this.hostname} port ${this.port}`;
    throw new BoxauditError(
      'BOXAUDIT_NOT_ALLOWED',
      `${context}: ${text} is not on the audited box (${where}); refused before sending (a reply must not send boxaudit to another host or port)`,
      { details: { reason: 'off-target', url: text, pinned: where } },
    );
  }

  /**
   * The address every request connects to: the host resolved once (an IP address as is).
   * @throws BoxauditError BOXAUDIT_NETWORK when the name does not resolve.
   */
  address(context: string): Promise<{ address: string; family: number }> {
    if (this.resolved) return this.resolved;
    const family = isIP(this.hostname);
    if (family !== 0) {
      this.resolved = Promise.resolve({ address: this.hostname, family });
      return this.resolved;
    }
    this.resolved = this.lookup(this.hostname).then(
      (r) => {
        if (isIP(r.address) === 0) {
          throw new BoxauditError(
            'BOXAUDIT_NETWORK',
            `${context}: ${this.hostname} resolved to no usable address`,
          );
        }
        return { address: r.address, family: isIP(r.address) };
      },
      (error: NodeJS.ErrnoException) => {
        throw new BoxauditError(
          'BOXAUDIT_NETWORK',
          `${context}: cannot resolve ${this.hostname} (${error.code ?? error.message})`,
          { cause: error, details: { errno: error.code ?? null } },
        );
      },
    );
    return this.resolved;
  }

  /** `label host:port`, for messages. */
  toString(): string {
    return `${this.label} ${this.hostname}:${this.port}`;
  }
}

/** What the request layers take: a pin, or the pieces to make one for the adapter's base URL. */
export interface PinContext {
  pin?: PinnedTarget;
  budget?: AuditBudget;
  lookup?: Lookup;
}

/** The caller's pin, or a new one for `url` built from the context's budget and lookup. */
export function pinFor(url: string | URL, ctx: PinContext = {}, options: PinOptions = {}): PinnedTarget {
  if (ctx.pin) return ctx.pin;
  return new PinnedTarget(url, {
    ...options,
    ...(ctx.budget ? { budget: ctx.budget } : {}),
    ...(ctx.lookup ? { lookup: ctx.lookup } : {}),
  });
}
