import { type ParseArgsConfig, parseArgs } from 'node:util';
import { BoxauditError } from '../errors.js';

/** Every option any command takes; each command lists the ones it accepts. */
const OPTIONS = {
  json: { type: 'boolean' },
  format: { type: 'string' },
  lang: { type: 'string' },
  'fail-on': { type: 'string' },
  timeout: { type: 'string' },
  rules: { type: 'string' },
  profile: { type: 'string', multiple: true },
  from: { type: 'string' },
  vendor: { type: 'string' },
  upnp: { type: 'string' },
  gateway: { type: 'string' },
  interface: { type: 'string', multiple: true },
  host: { type: 'string' },
  port: { type: 'string' },
  user: { type: 'string' },
  identity: { type: 'string' },
  'password-env': { type: 'string' },
  'known-hosts': { type: 'string' },
  'host-key': { type: 'string' },
  'trust-on-first-use': { type: 'boolean' },
  'tls-fingerprint': { type: 'string' },
  'tls-ca': { type: 'string' },
  output: { type: 'string' },
  verbose: { type: 'boolean' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  'allow-foreign-location': { type: 'boolean' },
  'max-entries': { type: 'string' },
  'max-forwards': { type: 'string' },
  'max-bytes': { type: 'string' },
  'max-time': { type: 'string' },
  'max-walk-time': { type: 'string' },
  'max-ssdp-answers': { type: 'string' },
  'max-descriptions': { type: 'string' },
  now: { type: 'string' },
  concurrency: { type: 'string' },
  jsonl: { type: 'string' },
  baseline: { type: 'string' },
  webhook: { type: 'string' },
  open: { type: 'boolean' },
  yes: { type: 'boolean' },
  forward: { type: 'string', multiple: true },
  probe: { type: 'string' },
  vantage: { type: 'string' },
  hairpin: { type: 'boolean' },
  'internet-db': { type: 'boolean' },
  'internet-db-url': { type: 'string' },
  'sarif-artifact': { type: 'string' },
  site: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export type OptionName = keyof typeof OPTIONS;
export type ParsedOptions = {
  [K in OptionName]?: (typeof OPTIONS)[K] extends { multiple: true }
    ? string[]
    : (typeof OPTIONS)[K]['type'] extends 'boolean'
      ? boolean
      : string;
};

export interface ParsedArgs {
  options: ParsedOptions;
  positionals: string[];
}

const OUTPUT: OptionName[] = ['json', 'format', 'lang', 'output', 'verbose', 'color', 'no-color'];
const TARGET: OptionName[] = [
  'from',
  'vendor',
  'upnp',
  'gateway',
  'interface',
  'host',
  'port',
  'user',
  'identity',
  'password-env',
  'known-hosts',
  'host-key',
  'trust-on-first-use',
  'tls-fingerprint',
  'tls-ca',
  'timeout',
  'allow-foreign-location',
  'max-entries',
  'max-forwards',
  'max-bytes',
  'max-time',
  'max-walk-time',
  'max-ssdp-answers',
  'max-descriptions',
];
const EVALUATE: OptionName[] = ['fail-on', 'rules', 'profile', 'now'];

/** Service probes behind the forwards (docs/probes.md). */
const PROBE: OptionName[] = ['probe', 'vantage', 'hairpin', 'internet-db', 'internet-db-url'];
/** `--probe` alone means the standard probes; `--probe deep` (or `--probe standard`) names the mode. */
export const PROBE_MODES = ['standard', 'deep'] as const;

/** Which options each command accepts. */
export const COMMAND_OPTIONS: Record<string, OptionName[]> = {
  audit: [...OUTPUT, ...TARGET, ...EVALUATE, ...PROBE, 'baseline', 'webhook', 'open', 'sarif-artifact'],
  dump: [...OUTPUT, ...TARGET, ...PROBE],
  discover: [
    ...OUTPUT,
    'gateway',
    'interface',
    'timeout',
    'allow-foreign-location',
    'max-ssdp-answers',
    'max-descriptions',
  ],
  rules: [...OUTPUT, 'rules', 'profile'],
  demo: [...OUTPUT, ...EVALUATE, 'open'],
  login: ['host', 'verbose'],
  fleet: [
    ...OUTPUT,
    ...EVALUATE,
    'timeout',
    'max-entries',
    'max-forwards',
    'max-bytes',
    'max-time',
    'max-walk-time',
    'concurrency',
    'jsonl',
    'webhook',
    'baseline',
  ],
  diff: [...OUTPUT, ...EVALUATE, 'vendor', 'site'],
  fix: [...OUTPUT, ...TARGET, ...EVALUATE, 'yes', 'forward'],
};

/** Parse argv for one command; unknown or misplaced options are usage errors (exit 2). */
export function parseCommandArgs(command: string, argv: string[]): ParsedArgs {
  const allowed = COMMAND_OPTIONS[command] ?? [];
  let parsed: ReturnType<typeof parseArgs>;
  try {
    // `--probe` takes an optional mode: alone it is `--probe=standard`.
    const args = argv.map((a, i) =>
      a === '--probe' && !(PROBE_MODES as readonly string[]).includes(argv[i + 1] ?? '')
        ? '--probe=standard'
        : a,
    );
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify.*$/s, '') : String(error);
    throw new BoxauditError('BOXAUDIT_USAGE', `${command}: ${message}`, { cause: error });
  }
  for (const name of Object.keys(parsed.values)) {
    if (!allowed.includes(name as OptionName)) {
      throw new BoxauditError(
        'BOXAUDIT_USAGE',
        `${command}: option --${name} does not apply to this command`,
      );
    }
  }
  return { options: parsed.values as ParsedOptions, positionals: parsed.positionals };
}

/** A positive integer option, or a usage error naming it. */
export function intOption(
  options: ParsedOptions,
  name: OptionName,
  fallback: number,
  max = 3_600_000,
): number {
  const raw = options[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > max) {
    throw new BoxauditError(
      'BOXAUDIT_USAGE',
      `--${name} must be a whole number from 1 to ${max} (got "${raw}")`,
    );
  }
  return value;
}

/** One option chosen from a fixed list, or a usage error that lists the choices. */
export function choiceOption<T extends string>(
  options: ParsedOptions,
  name: OptionName,
  choices: readonly T[],
  fallback: T,
): T {
  const raw = options[name];
  if (raw === undefined) return fallback;
  if (typeof raw === 'string' && (choices as readonly string[]).includes(raw)) return raw as T;
  throw new BoxauditError(
    'BOXAUDIT_USAGE',
    `--${name} must be one of ${choices.join(', ')} (got "${String(raw)}")`,
  );
}
