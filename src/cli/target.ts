import { existsSync, readFileSync } from 'node:fs';
import { loadAdapter } from '../adapters/registry.js';
import type { Credentials } from '../adapters/types.js';
import type { AuditTarget, CollectOptions } from '../collect.js';
import type { AdapterSuggestion } from '../detect.js';
import { BoxauditError } from '../errors.js';
import { cliText } from '../i18n/cli.js';
import { normalizeFingerprint } from '../transport/request.js';
import { type AuditLimits, DEFAULT_LIMITS } from '../util/budget.js';
import { MAX_KEY_FILE_BYTES, readBoundedFile, readFailure } from '../util/read-file.js';
import { choiceOption, intOption, type OptionName, type ParsedOptions, PROBE_MODES } from './args.js';
import { freeboxTokenPath } from './config-dir.js';
import type { CliContext } from './context.js';
import { promptSecret } from './prompt.js';

/** Environment variables for secrets: never argv (it shows in `ps` and shell history). */
export const ENV = {
  password: 'BOXAUDIT_PASSWORD',
  token: 'BOXAUDIT_TOKEN',
  passphrase: 'BOXAUDIT_KEY_PASSPHRASE',
  user: 'BOXAUDIT_USER',
} as const;

/** Turn the target flags into a library target; secrets come from env, files or a prompt. */
export async function resolveTarget(options: ParsedOptions, ctx: CliContext): Promise<AuditTarget> {
  const chosen = (['from', 'vendor', 'upnp', 'gateway'] as const).filter(
    (k) => options[k] !== undefined && !(k === 'vendor' && options.from !== undefined),
  );
  if (chosen.length > 1) {
    throw new BoxauditError(
      'BOXAUDIT_USAGE',
      `choose one target: ${chosen.map((c) => `--${c}`).join(', ')} cannot be combined`,
    );
  }
  const tlsFlag = TLS_FLAGS.find((k) => options[k] !== undefined);
  if (tlsFlag && (options.vendor === undefined || options.from !== undefined)) {
    const target = chosen[0] ?? (options.from !== undefined ? 'from' : undefined);
    throw new BoxauditError(
      'BOXAUDIT_USAGE',
      `--${tlsFlag} applies to a --vendor box read over https${target ? `, not to --${target}` : ' (--vendor ID --host H)'}`,
    );
  }
  if (options.from !== undefined) {
    return { file: options.from, ...(options.vendor ? { vendor: options.vendor } : {}) };
  }
  if (options.upnp !== undefined) {
    if (!/^https?:\/\//i.test(options.upnp)) {
      throw new BoxauditError(
        'BOXAUDIT_USAGE',
        `--upnp needs the http(s) URL of the device description (got "${options.upnp}")`,
      );
    }
    return { upnp: options.upnp };
  }
  if (options.gateway !== undefined) return { gateway: options.gateway };
  if (options.vendor !== undefined) {
    if (!options.host)
      throw new BoxauditError('BOXAUDIT_USAGE', `--vendor ${options.vendor} needs --host HOST`);
    const port = options.port === undefined ? undefined : intOption(options, 'port', 0, 65535);
    const tls = await resolveTls(options);
    // The adapter reads the saved Freebox app token itself: the token is still a secret of this run.
    if (options.vendor === 'freebox' && existsSync(freeboxTokenPath(ctx.env))) {
      ctx.addSecret(readFreeboxToken(freeboxTokenPath(ctx.env)));
    }
    return {
      vendor: options.vendor,
      host: options.host,
      ...(port ? { port } : {}),
      credentials: await resolveCredentials(options, ctx),
      options: {
        ...(options['known-hosts'] ? { knownHostsPath: options['known-hosts'] } : {}),
        ...(options['host-key'] ? { hostKey: options['host-key'] } : {}),
        ...(options['trust-on-first-use'] ? { trustOnFirstUse: true } : {}),
        ...tls,
        ...(options.vendor === 'freebox' && existsSync(freeboxTokenPath(ctx.env))
          ? { appTokenPath: freeboxTokenPath(ctx.env) }
          : {}),
        onHostKey: ({
          fingerprint,
          trustedOnFirstUse,
        }: {
          fingerprint: string;
          trustedOnFirstUse: boolean;
        }) => {
          if (trustedOnFirstUse) {
            ctx.warn(cliText(ctx.lang, 'cli.trustedOnFirstUse', { fingerprint }));
          }
        },
      },
    };
  }
  if (options.host !== undefined) throw new BoxauditError('BOXAUDIT_USAGE', '--host goes with --vendor ID');
  return { discover: { ...(options.interface ? { interfaces: options.interface } : {}) } };
}

const TLS_FLAGS = ['tls-fingerprint', 'tls-ca'] as const;

/**
 * `--tls-fingerprint` / `--tls-ca` as `target.options.tlsFingerprint` / `tlsCa` (what `tlsFrom` and
 * `restTlsFrom` read). Checked here, before any password prompt or connection: a fingerprint is
 * 64 hex digits (`AA:BB:…`, plain hex, or openssl's `sha256 Fingerprint=AA:…` line); the CA file
 * must be readable PEM; the vendor must be read over https.
 */
async function resolveTls(options: ParsedOptions): Promise<{ tlsFingerprint?: string; tlsCa?: string }> {
  const fingerprint = options['tls-fingerprint'];
  const caFile = options['tls-ca'];
  if (fingerprint === undefined && caFile === undefined) return {};
  const flag = fingerprint !== undefined ? 'tls-fingerprint' : 'tls-ca';
  const adapter = await loadAdapter(options.vendor ?? '');
  if (!adapter.meta.transports.includes('https')) {
    throw new BoxauditError(
      'BOXAUDIT_USAGE',
      `--${flag}: --vendor ${options.vendor} is not read over https (${adapter.meta.transports.join(', ')})`,
    );
  }
  const out: { tlsFingerprint?: string; tlsCa?: string } = {};
  if (fingerprint !== undefined) {
    const hex = fingerprint.trim().replace(/^sha256 fingerprint=/i, '');
    if (!/^[0-9a-f]{2}([:\s]?[0-9a-f]{2}){31}$/i.test(hex)) {
      throw new BoxauditError(
        'BOXAUDIT_USAGE',
        `--tls-fingerprint "${fingerprint}": expected the certificate's SHA-256 fingerprint as 64 hex digits (AA:BB:… or aabb…), as boxaudit's TLS error or \`openssl x509 -noout -fingerprint -sha256\` prints it`,
      );
    }
    out.tlsFingerprint = normalizeFingerprint(hex);
  }
  if (caFile !== undefined) {
    let pem: string;
    try {
      pem = (await readBoundedFile(caFile, MAX_KEY_FILE_BYTES)).toString('utf8');
    } catch (error) {
      throw new BoxauditError(
        'BOXAUDIT_USAGE',
        `--tls-ca ${caFile}: cannot read the CA file (${readFailure(error)})`,
        { cause: error },
      );
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new BoxauditError(
        'BOXAUDIT_USAGE',
        `--tls-ca ${caFile}: not a PEM certificate file (no "-----BEGIN CERTIFICATE-----" line)`,
      );
    }
    out.tlsCa = pem;
  }
  return out;
}

async function resolveCredentials(options: ParsedOptions, ctx: CliContext): Promise<Credentials> {
  const credentials: Credentials = {};
  const user = options.user ?? ctx.env[ENV.user];
  if (user) credentials.username = user;
  const passwordVar = options['password-env'];
  if (passwordVar !== undefined) {
    const value = ctx.env[passwordVar];
    if (value === undefined || value === '') {
      throw new BoxauditError(
        'BOXAUDIT_USAGE',
        `--password-env ${passwordVar}: that environment variable is not set`,
      );
    }
    credentials.password = value;
  } else if (ctx.env[ENV.password]) {
    credentials.password = ctx.env[ENV.password];
  }
  if (ctx.env[ENV.token]) credentials.token = ctx.env[ENV.token];
  if (options.identity !== undefined) {
    try {
      credentials.privateKey = await readBoundedFile(options.identity, MAX_KEY_FILE_BYTES);
    } catch (error) {
      throw new BoxauditError(
        'BOXAUDIT_USAGE',
        `--identity ${options.identity}: cannot read the key file (${readFailure(error)})`,
        { cause: error },
      );
    }
    if (ctx.env[ENV.passphrase]) credentials.passphrase = ctx.env[ENV.passphrase];
  }
  if (ctx.env.SSH_AUTH_SOCK) credentials.agent = ctx.env.SSH_AUTH_SOCK;
  // A person at a terminal with no key, agent or password given: ask, never echo.
  const needsPassword = !credentials.password && !credentials.privateKey && !credentials.token;
  if (needsPassword && ctx.interactive && options.vendor && !SSH_VENDORS.has(options.vendor)) {
    credentials.password = await promptSecret(
      cliText(ctx.lang, 'cli.password', { vendor: options.vendor, host: options.host ?? '' }),
      ctx.signal,
    );
  }
  // Every secret at hand is redacted from every output from now on, even when the box echoes it.
  ctx.addSecret(credentials.password);
  ctx.addSecret(credentials.token);
  ctx.addSecret(credentials.passphrase);
  return credentials;
}

/** Vendors read over SSH, where a key or the agent is the normal way in (no password prompt). */
const SSH_VENDORS = new Set(['linux', 'openwrt', 'routeros', 'edgeos', 'vyos', 'pfsense', 'opnsense']);

export function collectOptions(options: ParsedOptions, ctx: CliContext): CollectOptions {
  const fromEnv: Credentials = {
    ...(ctx.env[ENV.user] ? { username: ctx.env[ENV.user] } : {}),
    ...(ctx.env[ENV.password] ? { password: ctx.env[ENV.password] } : {}),
    ...(ctx.env[ENV.token] ? { token: ctx.env[ENV.token] } : {}),
  };
  const freeboxToken = freeboxTokenPath(ctx.env);
  return {
    // A saved Freebox app token goes to the Freebox adapter only, never to another vendor's box.
    credentialsFor: (adapterId) => {
      if (adapterId !== 'freebox' || fromEnv.token || !existsSync(freeboxToken)) return fromEnv;
      const token = readFreeboxToken(freeboxToken);
      ctx.addSecret(token);
      return { ...fromEnv, token };
    },
    ...(ctx.interactive ? { askCredentials: (s: AdapterSuggestion) => askForVendor(s, fromEnv, ctx) } : {}),
    signal: ctx.signal,
    secrets: ctx.secrets,
    ...(options.timeout ? { timeoutMs: intOption(options, 'timeout', 3000) } : {}),
    ...(options['max-entries'] ? { maxEntries: intOption(options, 'max-entries', 4096, 65536) } : {}),
    ...(options['allow-foreign-location'] ? { allowForeignLocation: true } : {}),
    limits: limitOptions(options),
    log: ctx.progress,
    ...(options.probe !== undefined
      ? { probe: choiceOption(options, 'probe', PROBE_MODES, 'standard') }
      : {}),
    ...outsideInOptions(options, ctx),
    ...internetDbOption(options),
  };
}

/**
 * `--vantage ssh://user@host[:port]` and `--hairpin` (docs/probes.md): both need `--probe`, and
 * only one of them. The vantage host is logged into with `--identity` (the transport reads the
 * file), `BOXAUDIT_KEY_PASSPHRASE`, or the agent; its key is checked against `--known-hosts` (or
 * ~/.ssh/known_hosts), or trusted on first use with `--trust-on-first-use`.
 */
function outsideInOptions(
  options: ParsedOptions,
  ctx: CliContext,
): Pick<CollectOptions, 'vantage' | 'hairpin'> {
  if (options.vantage === undefined && options.hairpin !== true) return {};
  const flag = options.vantage !== undefined ? '--vantage' : '--hairpin';
  if (options.probe === undefined) {
    throw new BoxauditError(
      'BOXAUDIT_USAGE',
      `${flag} is part of the probe step: add --probe (e.g. boxaudit audit --probe ${options.vantage !== undefined ? '--vantage ssh://user@host' : '--hairpin'})`,
    );
  }
  if (options.vantage !== undefined && options.hairpin === true) {
    throw new BoxauditError(
      'BOXAUDIT_USAGE',
      '--vantage and --hairpin cannot be combined: the check from the vantage host is the stronger evidence; keep --vantage',
    );
  }
  if (options.vantage === undefined) return { hairpin: true };
  const passphrase = options.identity !== undefined ? ctx.env[ENV.passphrase] : undefined;
  ctx.addSecret(passphrase);
  return {
    vantage: {
      url: options.vantage,
      ...(options.identity !== undefined ? { identityFile: options.identity } : {}),
      ...(passphrase ? { passphrase } : {}),
      ...(ctx.env.SSH_AUTH_SOCK ? { agent: ctx.env.SSH_AUTH_SOCK } : {}),
      ...(options['known-hosts'] ? { knownHostsFile: options['known-hosts'] } : {}),
      ...(options['trust-on-first-use'] ? { trustOnFirstUse: true } : {}),
      onHostKey: ({ fingerprint, trustedOnFirstUse }) => {
        if (trustedOnFirstUse) ctx.warn(cliText(ctx.lang, 'cli.trustedOnFirstUse', { fingerprint }));
      },
    },
  };
}

/** `--internet-db [--internet-db-url URL]` (with `--probe`); the URL alone sends nothing, so it is refused. */
function internetDbOption(options: ParsedOptions): Pick<CollectOptions, 'internetDb'> {
  const url = options['internet-db-url'];
  if (!options['internet-db']) {
    if (url !== undefined) {
      throw new BoxauditError(
        'BOXAUDIT_USAGE',
        '--internet-db-url needs --internet-db (nothing is looked up without it)',
      );
    }
    return {};
  }
  if (options.probe === undefined) {
    throw new BoxauditError(
      'BOXAUDIT_USAGE',
      '--internet-db goes with --probe (the lookup is part of the probe step)',
    );
  }
  return { internetDb: url === undefined ? true : { url } };
}

/** The whole-audit budgets given on the command line (`--max-*`); the rest keep their defaults. */
export function limitOptions(options: ParsedOptions): Partial<AuditLimits> {
  const limits: Partial<AuditLimits> = {};
  const set = (name: OptionName, key: keyof AuditLimits, max: number): void => {
    if (options[name] !== undefined) limits[key] = intOption(options, name, DEFAULT_LIMITS[key], max);
  };
  set('max-forwards', 'maxForwards', 1_000_000);
  set('max-bytes', 'maxBytes', 1024 * 1024 * 1024);
  set('max-time', 'auditTimeMs', 24 * 3_600_000);
  set('max-walk-time', 'walkTimeMs', 24 * 3_600_000);
  set('max-ssdp-answers', 'maxSsdpAnswers', 65_536);
  set('max-descriptions', 'maxDescriptions', 1024);
  return limits;
}

/** A recognised box whose password would show more: ask once on a terminal (Enter skips). */
async function askForVendor(
  s: AdapterSuggestion,
  known: Credentials,
  ctx: CliContext,
): Promise<Credentials | null> {
  if (!s.credentials.some((c) => c.split('|').includes('password'))) return null; // tokens are not typed in
  // The coverage catalogue is loaded here, when a box was recognised, not by every run.
  const { beyondUpnp } = await import('../i18n/coverage.js');
  ctx.warn(
    cliText(ctx.lang, 'cli.looksLike', {
      adapter: s.adapter,
      reason: s.reason,
      more: beyondUpnp(s.capabilities, ctx.lang),
    }),
  );
  const password = await promptSecret(
    cliText(ctx.lang, 'cli.adminPassword', { adapter: s.adapter, host: s.host }),
    ctx.signal,
  );
  ctx.addSecret(password);
  return password === '' ? null : { ...known, password };
}

/** The app token from a `login freebox` file; an unreadable file gives no token (the adapter then says so). */
function readFreeboxToken(path: string): string | undefined {
  try {
    const token = (JSON.parse(readFileSync(path, 'utf8')) as { app_token?: unknown }).app_token;
    return typeof token === 'string' ? token : undefined;
  } catch {
    return undefined;
  }
}
