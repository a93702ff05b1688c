/**
 * The HTTP skeleton: what every vendor HTTP adapter shares, the counterpart of `collectOverSsh`.
 * An adapter declares an {@link HttpBox} (its id, allowlist, URL defaults, credentials, login
 * exchange, one `send` per call, optional logout) and fills the snapshot's parts with `run.read`
 * and its pure parsers; {@link collectOverHttp} does the rest, the same way for every box:
 *
 * - the base URL from the target (`url`, or scheme://host[:port] with the adapter's defaults);
 * - the REST client: allowlist checked before sending, pinned target, budget, deadline, size cap;
 * - the secrets: the target's password/token are redacted from every warning and error (the login
 *   registers what it derives: session ids, encoded passwords);
 * - the session: login first; when `send` throws {@link sessionExpired}, one re-login per run and
 *   the call again, never a second re-login (logins count towards the boxes' lockouts);
 * - `read(areas, call, parse)`: a failing listing becomes a warning plus an `error` coverage item
 *   per area, and null, so what else was read is kept and labelled;
 * - logout in `finally` (best effort) and `partsToSnapshot`.
 *
 * A box that does not speak REST (ubus JSON-RPC, TR-064 SOAP with Digest) brings its own client
 * with `transport`: an object with `addSecret`/`redact` (an {@link HttpClient}) that its `login`,
 * `send` and `logout` use instead of the REST client. The skeleton still owns everything else above:
 * the client must check its allowlist before sending and pin the target itself.
 *
 * The fatal-error policy, one for all HTTP adapters ({@link isFatalHttpError}):
 * - fatal (the run stops, nothing is returned): anything in the login exchange (wrong credentials,
 *   lockout, an unreachable box, a refused certificate, a garbled login reply); BOXAUDIT_AUTH_FAILED
 *   (incl. a session that expires again after the one re-login); BOXAUDIT_RATE_LIMITED;
 *   BOXAUDIT_ABORTED; BOXAUDIT_NOT_ALLOWED (our own allowlist or pin refused a call: a bug, never
 *   hidden in a warning); a refused certificate (BOXAUDIT_NETWORK with `details.tls`); the caller's
 *   input (CONFIG_INVALID, USAGE, INPUT_INVALID); any error that is not a BoxauditError (a bug);
 * - one listing (a warning + coverage gap): BOXAUDIT_TIMEOUT, BOXAUDIT_HTTP_STATUS,
 *   BOXAUDIT_PROTOCOL_ERROR (a garbled reply, or a parser refusing it), BOXAUDIT_TOO_LARGE,
 *   BOXAUDIT_NOT_FOUND (a listing this firmware lacks), BOXAUDIT_BOX_REFUSED (the box's ACL or the
 *   account's rights refused this call), BOXAUDIT_NETWORK after the login;
 * - the audit's budget (`details.budget`) never stops the run: the listing is a gap and later
 *   calls fail at once without sending; `collect` adds the `BUDGET_*` note;
 * - the exception is explicit: `read(…, { essential: true })` makes any failure of that listing
 *   fatal (a listing without which the audit means nothing), except the budget.
 */
import { BoxauditError, isBoxauditError } from '../errors.js';
import { type ConfigParts, emptyParts, partsToSnapshot } from '../formats/config-parts.js';
import type { CoverageArea, Snapshot } from '../model/types.js';
import { createRestClient, type RestClient, type RestClientOptions } from '../transport/rest.js';
import type { CollectContext, CollectTarget } from './types.js';

/** Where the box is when the target gives only a host (or nothing). */
export interface HttpUrlDefaults {
  /** Default scheme; `target.options.scheme: 'http'` turns https into plain http (a LAN box). */
  scheme: 'http' | 'https';
  /** Host when the target names none; without it a host is required. */
  host?: string;
  port?: number;
  /** A path users paste with the URL, cut off (`/ubus`, `/rest`, `/tr64desc.xml`). */
  strip?: RegExp;
}

/**
 * What the skeleton needs of a client: the secrets it redacts from every warning and error.
 * The REST client is one; an adapter's own client (`HttpBox.transport`) is another.
 */
export interface HttpClient {
  /** Register a secret (derived ones too: session ids, encoded passwords); short strings are ignored. */
  addSecret(value: string | null | undefined): void;
  /** `text` with every registered secret replaced. */
  redact(text: string): string;
}

/**
 * The secrets half of an adapter's own client (`HttpBox.transport`): extend it to get `addSecret`
 * and `redact` as the REST client has them (strings under 4 characters are ignored; longest first).
 */
export class SecretRedactor implements HttpClient {
  private readonly secrets = new Set<string>();

  addSecret(value: string | null | undefined): void {
    if (value && value.length >= 4) this.secrets.add(value);
  }

  redact(text: string): string {
    let out = text;
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length))
      out = out.split(s).join('[redacted]');
    return out;
  }
}

/**
 * An HTTP adapter, declared: the skeleton runs it. `C` credentials, `S` session, `R` one reply,
 * `T` the client `login`/`send`/`logout` get (the REST client unless `transport` gives another).
 */
export interface HttpBox<C, S, R = unknown, T extends HttpClient = RestClient> {
  /** Adapter id: the `[id]` of messages and the snapshot's `target.adapter`. */
  id: string;
  /** Every call that may be sent (`METHOD /path[ operation]`); anything else is refused unsent. */
  allowlist: readonly string[];
  url: HttpUrlDefaults;
  /** REST client options beyond the defaults (`canonicalPath`, `tls`, `headers`). */
  client?: (target: CollectTarget, baseUrl: string) => Partial<RestClientOptions>;
  /**
   * The adapter's own client, for a box that does not speak REST (JSON-RPC, SOAP with Digest):
   * built once per run, it replaces the REST client (and `client` is then unused). It must refuse
   * a call off `allowlist` with BOXAUDIT_NOT_ALLOWED before sending, pin the target, bound each
   * exchange (deadline, size cap) and pass its messages through its own `redact`.
   */
  transport?: (target: CollectTarget, baseUrl: string, ctx: CollectContext) => T;
  /** The credentials from the target; throw BOXAUDIT_CONFIG_INVALID naming what is missing. */
  credentials(target: CollectTarget, baseUrl: string, ctx: CollectContext): C | Promise<C>;
  /**
   * The login exchange → the session. Throw BOXAUDIT_AUTH_FAILED when refused (never retried);
   * register derived secrets with `rest.addSecret`. `expired` is the old session on the re-login.
   */
  login(rest: T, credentials: C, expired: S | null): Promise<S>;
  /** One call with the session. Throw {@link sessionExpired} when the box says the session is gone. */
  send(rest: T, session: S, call: string): Promise<R>;
  /** Best-effort logout, in `finally` once logged in; its errors are ignored. */
  logout?(rest: T, session: S): Promise<void>;
  /** A call's name in warnings (`where`) and its coverage gap's `details`. Default: the call, `{ call }`. */
  describe?(call: string): { where: string; details: Record<string, unknown> };
  /** Warning and gap codes: `failed` for any listing that failed, `refused` for BOXAUDIT_BOX_REFUSED. */
  codes: { failed: string; refused?: string };
}

export interface ReadOptions {
  /** Without this listing the audit means nothing: any failure (but the budget) is fatal. */
  essential?: boolean;
  /** Appended to the gap's reason, e.g. where to check by hand. */
  hint?: string;
}

/** What the adapter's `fill` gets: the parts to fill, and calls that keep the policy. */
export interface HttpRun<S, R, T extends HttpClient = RestClient> {
  readonly baseUrl: string;
  /** The REST client, or the adapter's own (`HttpBox.transport`). */
  readonly rest: T;
  /** The snapshot's parts: `read` adds its warnings and gaps here; the adapter adds the rest. */
  readonly parts: ConfigParts;
  /** The current session (after a re-login, the new one; destructured, it stays the first one). */
  readonly session: S;
  /** One call, re-logging in once per run on an expired session. Its errors propagate. */
  call(call: string): Promise<R>;
  /**
   * One listing: `call`, then the pure `parse`. A failure the policy does not call fatal becomes a
   * warning and an `error` gap for each of `areas` (null: the warning alone); returns null then.
   */
  read<T>(
    areas: CoverageArea | readonly CoverageArea[] | null,
    call: string,
    parse: (reply: R) => T,
    options?: ReadOptions,
  ): Promise<T | null>;
  /** The `error` gap `read` records, for an area made of several listings that all failed. */
  gap(area: CoverageArea, call: string, hint?: string): void;
}

/**
 * For `HttpBox.credentials`: the target's password, or BOXAUDIT_CONFIG_INVALID with `message`
 * (which box, and what to set) when there is none.
 */
export function requirePassword(target: CollectTarget, message: string): string {
  const password = target.credentials?.password;
  if (!password) throw new BoxauditError('BOXAUDIT_CONFIG_INVALID', message);
  return password;
}

/** Thrown by `send` when the box says the session expired: the skeleton logs in again, once. */
export function sessionExpired(why = 'the session expired', hint = '; giving up'): BoxauditError {
  return new BoxauditError('BOXAUDIT_AUTH_FAILED', why, { details: { sessionExpired: true, hint } });
}

const FATAL_CODES = new Set([
  'BOXAUDIT_AUTH_FAILED',
  'BOXAUDIT_RATE_LIMITED',
  'BOXAUDIT_ABORTED',
  'BOXAUDIT_NOT_ALLOWED',
  'BOXAUDIT_CONFIG_INVALID',
  'BOXAUDIT_INPUT_INVALID',
  'BOXAUDIT_USAGE',
]);

/** The one fatal-error policy of the HTTP adapters (see the module comment). */
export function isFatalHttpError(error: unknown, essential = false): boolean {
  if (!isBoxauditError(error)) return true;
  if (error.details.budget !== undefined) return false;
  if (FATAL_CODES.has(error.code)) return true;
  if (error.code === 'BOXAUDIT_NETWORK' && error.details.tls === true) return true;
  return essential;
}

/** The box's base URL: `target.url` (or an `http(s)://` host), else scheme://host[:port]. */
export function httpBaseUrl(id: string, target: CollectTarget, defaults: HttpUrlDefaults): string {
  const explicit = target.url ?? (/^https?:\/\//i.test(target.host ?? '') ? target.host : undefined);
  if (explicit) {
    const url = explicit.replace(/\/+$/, '');
    return defaults.strip ? url.replace(defaults.strip, '') : url;
  }
  const host = target.host ?? defaults.host;
  if (!host) throw new BoxauditError('BOXAUDIT_CONFIG_INVALID', `[${id}] no box given: pass --host`);
  const scheme = target.options?.scheme === 'http' ? 'http' : defaults.scheme;
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const port = target.port ?? defaults.port;
  return `${scheme}://${shown}${port ? `:${port}` : ''}`;
}

/** The same error with every registered secret removed from its message and string details. */
function redacted(rest: HttpClient, error: unknown): unknown {
  if (!isBoxauditError(error)) return error;
  const details = Object.fromEntries(
    Object.entries(error.details).map(([k, v]) => [k, typeof v === 'string' ? rest.redact(v) : v]),
  );
  const message = rest.redact(error.message);
  if (message === error.message && JSON.stringify(details) === JSON.stringify(error.details)) return error;
  return new BoxauditError(error.code, message, { cause: error, details });
}

/**
 * An HTTP adapter's whole collect: log in, let `fill` read the box into the parts (one re-login,
 * the fatal-error policy, redaction), log out on every path, then build the snapshot.
 */
export async function collectOverHttp<C, S, R, T extends HttpClient = RestClient>(
  box: HttpBox<C, S, R, T>,
  target: CollectTarget,
  ctx: CollectContext,
  fill: (run: HttpRun<S, R, T>) => Promise<void>,
): Promise<Snapshot> {
  const collectedAt = new Date().toISOString();
  const baseUrl = httpBaseUrl(box.id, target, box.url);
  const credentials = await box.credentials(target, baseUrl, ctx);
  // Without `transport`, T is RestClient (the type parameter's default).
  const rest: T = box.transport
    ? box.transport(target, baseUrl, ctx)
    : (createRestClient({
        adapter: box.id,
        baseUrl,
        allowlist: box.allowlist,
        signal: ctx.signal,
        timeoutMs: ctx.timeoutMs,
        net: ctx,
        ...box.client?.(target, baseUrl),
      }) as unknown as T);
  for (const secret of [target.credentials?.password, target.credentials?.token]) rest.addSecret(secret);
  const describe = box.describe ?? ((call: string) => ({ where: call, details: { call } }));
  /** Errors of a login (the first or the re-login): fatal whatever their code. */
  const loginErrors = new WeakSet<object>();
  const login = async (expired: S | null): Promise<S> => {
    try {
      return await box.login(rest, credentials, expired);
    } catch (error) {
      if (typeof error === 'object' && error !== null) loginErrors.add(error);
      throw error;
    }
  };

  ctx.log?.(`[${box.id}] ${baseUrl}: logging in`);
  let session: S;
  try {
    session = await login(null);
  } catch (error) {
    throw redacted(rest, error);
  }
  let relogins = 0;
  const expired = (e: unknown): e is BoxauditError =>
    isBoxauditError(e, 'BOXAUDIT_AUTH_FAILED') && e.details.sessionExpired === true && !loginErrors.has(e);
  const again = (e: BoxauditError, call: string, what: string): BoxauditError =>
    new BoxauditError(
      'BOXAUDIT_AUTH_FAILED',
      `[${box.id}] ${describe(call).where}: ${e.message} ${what}${String(e.details.hint ?? '')}`,
    );
  const call = async (c: string): Promise<R> => {
    try {
      return await box.send(rest, session, c);
    } catch (error) {
      if (!expired(error)) throw error;
      if (relogins > 0) throw again(error, c, 'a second time (boxaudit logs in again once per run)');
      relogins++;
      session = await login(session);
    }
    try {
      return await box.send(rest, session, c);
    } catch (error) {
      throw expired(error) ? again(error, c, 'again right after a fresh login') : error;
    }
  };
  const parts = emptyParts();
  const gap = (area: CoverageArea, c: string, hint = '', code = box.codes.failed): void => {
    const { where, details } = describe(c);
    const reason = `${where} failed (see warnings); nothing is known for this area${hint}`;
    parts.coverage.push({ area, status: 'error', code, reason, details });
  };
  const run: HttpRun<S, R, T> = {
    baseUrl,
    rest,
    parts,
    get session() {
      return session;
    },
    call,
    async read(areas, c, parse, options = {}) {
      try {
        return parse(await call(c));
      } catch (error) {
        if (loginErrors.has(error as object) || isFatalHttpError(error, options.essential)) throw error;
        const { where } = describe(c);
        const refused = isBoxauditError(error, 'BOXAUDIT_BOX_REFUSED');
        const code = (refused && box.codes.refused) || box.codes.failed;
        parts.warnings.push({ code, message: rest.redact((error as Error).message), where });
        for (const area of areas === null ? [] : typeof areas === 'string' ? [areas] : areas)
          gap(area, c, options.hint, code);
        return null;
      }
    },
    gap: (area, c, hint) => gap(area, c, hint, box.codes.failed),
  };
  try {
    await fill(run);
  } catch (error) {
    throw redacted(rest, error);
  } finally {
    if (relogins > 0) ctx.log?.(`[${box.id}] session renewed after it expired`);
    if (box.logout) await box.logout(rest, session).catch(() => undefined);
  }
  return partsToSnapshot(parts, { kind: 'vendor', address: baseUrl, adapter: box.id }, collectedAt);
}
