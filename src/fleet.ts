import { dirname, isAbsolute, resolve } from 'node:path';
import type { Credentials } from './adapters/types.js';
import { type AuditOptions, buildReport } from './audit.js';
import { type AuditTarget, collect } from './collect.js';
import { abortError, BoxauditError, checkOptions, isBoxauditError } from './errors.js';
import { redactReport } from './reporters/redact.js';
import { createRedactor, escapeJsonText } from './reporters/sanitize.js';
import { loadRuleSet } from './rules/load.js';
import type { AuditReport, RuleSet } from './rules/types.js';
import { schemaErrorsOfFleet, schemaErrorsOfReport } from './schema/validate.js';
import { normalizeFingerprint } from './transport/request.js';
import { MAX_KEY_FILE_BYTES, readBoundedFile, readFailure } from './util/read-file.js';

/** One site of a fleet, ready to audit: its name, its target and its credentials. */
export interface FleetSite {
  /** The MSP's own name for the site; echoed back in the result. */
  name: string;
  target: AuditTarget;
}

/** One site of a fleet run: its report, or the error that stopped it (schema/fleet-result.schema.json). */
export type FleetResult =
  | { name: string; ok: true; report: AuditReport }
  | { name: string; ok: false; error: { code: string; message: string } };

/** Options of {@link auditFleet}: those of {@link audit} for every site, plus the concurrency. */
export interface FleetOptions extends AuditOptions {
  /** Sites audited at once: a whole number from 1 to 64 (default 4). */
  concurrency?: number;
}

/** Most sites audited at once. */
export const MAX_FLEET_CONCURRENCY = 64;

/**
 * Audit many sites with bounded concurrency; one site's failure never stops the others (it becomes
 * an `ok: false` result with its error code). Results are yielded as they finish (not in input
 * order): write them as JSON lines (`fleetResultLine`). When `options.signal` aborts, no new site
 * is started, the running ones end with their abort error, and every site not started yet is
 * still yielded, as `BOXAUDIT_ABORTED`: a site is never silently missing from the results.
 * @throws BoxauditError BOXAUDIT_INPUT_INVALID for bad options or sites (before any site is contacted),
 * BOXAUDIT_RULE_INVALID / BOXAUDIT_CONFIG_INVALID for a broken rule set.
 * @example for await (const r of auditFleet(sites, { concurrency: 8, signal })) out.write(fleetResultLine(r));
 */
export async function* auditFleet(
  sites: Iterable<FleetSite>,
  options: FleetOptions = {},
): AsyncGenerator<FleetResult> {
  checkOptions('auditFleet', options);
  const limit = options.concurrency ?? 4;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_FLEET_CONCURRENCY) {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      `auditFleet: options.concurrency must be a whole number from 1 to ${MAX_FLEET_CONCURRENCY} (got ${String(limit)})`,
    );
  }
  const queue = checkSites(sites);
  // One rule set for the whole fleet: a broken rule file fails before any site is contacted.
  const ruleSet = await loadRuleSet(options.rules, options.signal ? { signal: options.signal } : {});
  const running = new Map<number, Promise<{ key: number; result: FleetResult }>>();
  let next = 0;
  const start = (site: FleetSite, key: number) =>
    running.set(
      key,
      auditOne(site, ruleSet, options).then((result) => ({ key, result })),
    );
  while (next < queue.length && running.size < limit && !options.signal?.aborted) start(queue[next]!, next++);
  while (running.size > 0) {
    const { key, result } = await Promise.race(running.values());
    running.delete(key);
    if (next < queue.length && !options.signal?.aborted) start(queue[next]!, next++);
    yield result;
  }
  // Aborted: the sites never started are reported, not dropped.
  for (const site of queue.slice(next)) {
    const error = abortError(options.signal!, `auditFleet: site "${site.name}"`);
    yield { name: site.name, ok: false, error: { code: error.code, message: error.message } };
  }
}

function checkSites(sites: Iterable<FleetSite>): FleetSite[] {
  if (sites === null || typeof sites !== 'object' || !(Symbol.iterator in sites)) {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      'auditFleet: sites must be an iterable of { name, target }',
    );
  }
  const list = [...sites];
  const names = new Set<string>();
  list.forEach((site, i) => {
    const name = (site as Partial<FleetSite> | null)?.name;
    if (typeof name !== 'string' || name === '') {
      throw new BoxauditError(
        'BOXAUDIT_INPUT_INVALID',
        `auditFleet: sites[${i}].name must be a non-empty string`,
      );
    }
    if (names.has(name)) {
      throw new BoxauditError('BOXAUDIT_INPUT_INVALID', `auditFleet: two sites are named "${name}"`);
    }
    names.add(name);
    const target = site.target as Record<string, unknown> | null | undefined;
    if (target === null || typeof target !== 'object') {
      throw new BoxauditError('BOXAUDIT_INPUT_INVALID', `auditFleet: site "${name}" has no target`);
    }
    // A fleet names every box: SSDP discovery from a fleet worker would search whatever network it runs on.
    if (Object.hasOwn(target, 'discover')) {
      throw new BoxauditError(
        'BOXAUDIT_INPUT_INVALID',
        `auditFleet: site "${name}": discovery is not a fleet target (give upnp, gateway, vendor + host, or file)`,
      );
    }
  });
  return list;
}

async function auditOne(site: FleetSite, ruleSet: RuleSet, options: AuditOptions): Promise<FleetResult> {
  try {
    if (options.signal?.aborted) throw abortError(options.signal, `site "${site.name}"`);
    const { snapshots } = await collect(site.target, options);
    return { name: site.name, ok: true, report: buildReport(snapshots, ruleSet, options) };
  } catch (error) {
    return fleetError(site.name, error);
  }
}

/** A site's error as a result: its stable code (BOXAUDIT_INTERNAL for an unexpected one) and message. */
export function fleetError(name: string, error: unknown): FleetResult {
  const code = isBoxauditError(error) ? error.code : 'BOXAUDIT_INTERNAL';
  const message = error instanceof Error ? error.message : String(error);
  return { name, ok: false, error: { code, message } };
}

/**
 * One result as one JSON line (schema/fleet-result.schema.json), with a trailing newline: the
 * report and the error message with `secrets` replaced by `[redacted]`; C1 controls and bidi
 * characters escaped, so a log shipper or a terminal never acts on a box's text.
 */
export function fleetResultLine(result: FleetResult, secrets: readonly string[] = []): string {
  const redactor = createRedactor(secrets);
  const shown: FleetResult = result.ok
    ? { name: result.name, ok: true, report: redactReport(result.report, secrets) }
    : {
        name: result.name,
        ok: false,
        error: { code: result.error.code, message: redactor.mixed(result.error.message) },
      };
  return `${escapeJsonText(JSON.stringify(shown))}\n`;
}

/** Exit code of a fleet run: the worst site's (a site that could not be audited counts as 2). */
export function fleetExitCode(results: Iterable<FleetResult>): 0 | 1 | 2 {
  let worst: 0 | 1 | 2 = 0;
  for (const r of results) {
    const code = r.ok ? r.report.summary.exitCode : 2;
    if (code > worst) worst = code;
  }
  return worst;
}

/** A site of a fleet file, ready to audit, or the reason it cannot be (the other sites still run). */
export type PreparedSite = FleetSite | { name: string; error: BoxauditError };

/** A fleet file read by {@link readFleetFile}: each site ready to audit, or the error that keeps it out; and the secrets to redact. */
export interface FleetFile {
  sites: PreparedSite[];
  /** The secret values read from the environment: keep them out of every output. */
  secrets: string[];
}

/** Largest fleet file read. */
const MAX_FLEET_FILE_BYTES = 4 * 1024 * 1024;

interface SiteEntry {
  name: string;
  target: Record<string, unknown>;
  credentials?: {
    userEnv?: string;
    passwordEnv?: string;
    tokenEnv?: string;
    passphraseEnv?: string;
    identity?: string;
  };
}

/**
 * Read a fleet file (schema/fleet.schema.json): every site with an explicit target (discovery is
 * refused), its credentials taken from the environment variables it names in `env`, relative
 * paths resolved from the file's folder. A site whose variable is unset or whose key file cannot be
 * read comes back with its `error` (the rest of the fleet still runs); a file that is not valid
 * throws BOXAUDIT_CONFIG_INVALID naming each problem (`file: /sites/2/target …`).
 */
export async function readFleetFile(
  path: string,
  options: { env: Readonly<Record<string, string | undefined>>; signal?: AbortSignal },
): Promise<FleetFile> {
  checkOptions('readFleetFile', options, true);
  if (typeof path !== 'string' || path === '') {
    throw new BoxauditError('BOXAUDIT_INPUT_INVALID', 'readFleetFile: path must be a non-empty string');
  }
  let text: string;
  try {
    text = (await readBoundedFile(path, MAX_FLEET_FILE_BYTES, options.signal)).toString('utf8');
  } catch (error) {
    if (isBoxauditError(error)) throw error;
    throw new BoxauditError('BOXAUDIT_USAGE', `fleet file ${path}: cannot read it (${readFailure(error)})`, {
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new BoxauditError('BOXAUDIT_CONFIG_INVALID', `${path}: not valid JSON (${why})`);
  }
  const problems = schemaErrorsOfFleet(value, path);
  const entries = problems.length === 0 ? (value as { sites: SiteEntry[] }).sites : [];
  const seen = new Map<string, number>();
  entries.forEach((s, i) => {
    const first = seen.get(s.name);
    if (first !== undefined)
      problems.push(`${path}: /sites/${i}/name "${s.name}" is also the name of /sites/${first}`);
    else seen.set(s.name, i);
  });
  if (problems.length > 0) {
    throw new BoxauditError('BOXAUDIT_CONFIG_INVALID', problems.slice(0, 20).join('\n'), {
      details: { problems },
    });
  }
  const base = dirname(resolve(path));
  const secrets: string[] = [];
  const sites: PreparedSite[] = [];
  for (const [i, entry] of entries.entries()) {
    try {
      sites.push({
        name: entry.name,
        target: await siteTarget(entry, base, options.env, secrets, options.signal),
      });
    } catch (error) {
      const e = isBoxauditError(error) ? error : new BoxauditError('BOXAUDIT_USAGE', String(error));
      sites.push({ name: entry.name, error: new BoxauditError(e.code, `/sites/${i}: ${e.message}`) });
    }
  }
  return { sites, secrets };
}

async function siteTarget(
  entry: SiteEntry,
  base: string,
  env: Readonly<Record<string, string | undefined>>,
  secrets: string[],
  signal: AbortSignal | undefined,
): Promise<AuditTarget> {
  const at = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const t = entry.target;
  if (typeof t.upnp === 'string') return { upnp: t.upnp };
  if (typeof t.gateway === 'string') return { gateway: t.gateway };
  if (typeof t.file === 'string') {
    return { file: at(t.file), ...(typeof t.vendor === 'string' ? { vendor: t.vendor } : {}) };
  }
  const c = entry.credentials ?? {};
  const fromEnv = (field: keyof typeof c, secret: boolean): string | undefined => {
    const name = c[field];
    if (name === undefined) return undefined;
    const value = env[name];
    if (value === undefined || value === '') {
      throw new BoxauditError(
        'BOXAUDIT_USAGE',
        `credentials.${field}: environment variable ${name} is not set`,
      );
    }
    if (secret) secrets.push(value);
    return value;
  };
  const credentials: Credentials = {};
  const username = fromEnv('userEnv', false);
  const password = fromEnv('passwordEnv', true);
  const token = fromEnv('tokenEnv', true);
  const passphrase = fromEnv('passphraseEnv', true);
  if (username !== undefined) credentials.username = username;
  if (password !== undefined) credentials.password = password;
  if (token !== undefined) credentials.token = token;
  if (c.identity !== undefined) {
    try {
      credentials.privateKey = await readBoundedFile(at(c.identity), MAX_KEY_FILE_BYTES, signal);
    } catch (error) {
      throw new BoxauditError(
        'BOXAUDIT_USAGE',
        `credentials.identity ${c.identity}: cannot read the key file (${readFailure(error)})`,
      );
    }
    if (passphrase !== undefined) credentials.passphrase = passphrase;
  }
  const options: Record<string, unknown> = {};
  if (typeof t.tlsFingerprint === 'string') options.tlsFingerprint = normalizeFingerprint(t.tlsFingerprint);
  if (typeof t.hostKey === 'string') options.hostKey = t.hostKey;
  if (typeof t.knownHosts === 'string') options.knownHostsPath = at(t.knownHosts);
  return {
    vendor: String(t.vendor),
    host: String(t.host),
    ...(typeof t.port === 'number' ? { port: t.port } : {}),
    credentials,
    ...(Object.keys(options).length > 0 ? { options } : {}),
  };
}

/** Largest fleet JSON Lines file read as a baseline. */
const MAX_FLEET_BASELINE_BYTES = 256 * 1024 * 1024;

/**
 * The baseline of a fleet: an earlier run's JSON Lines (`fleet --jsonl` or its stdout), as the last
 * successful report of each site by name. A line that is not valid JSON or whose report breaks
 * schema/report.schema.json is skipped and named in `problems`: that site then has no baseline, so
 * every finding of it counts as new (an alert too many, never one too few).
 */
export async function readFleetBaseline(
  path: string,
  options: { signal?: AbortSignal } = {},
): Promise<{ reports: Map<string, AuditReport>; problems: string[] }> {
  checkOptions('readFleetBaseline', options);
  const text = (await readBoundedFile(path, MAX_FLEET_BASELINE_BYTES, options.signal)).toString('utf8');
  const reports = new Map<string, AuditReport>();
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push(`${path}:${i + 1}: not valid JSON`);
      return;
    }
    const r = value as Partial<{ name: unknown; ok: unknown; report: unknown }>;
    if (typeof r?.name !== 'string' || r.ok !== true) return;
    const errors = schemaErrorsOfReport(r.report, `${path}:${i + 1}`);
    if (errors.length > 0) {
      problems.push(`${errors[0]} (site "${r.name}": no baseline)`);
      reports.delete(r.name);
      return;
    }
    reports.set(r.name, r.report as AuditReport);
  });
  return { reports, problems };
}
