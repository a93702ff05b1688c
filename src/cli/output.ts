import { isAbsolute, resolve } from 'node:path';
import { BoxauditError } from '../errors.js';
import type { RenderOptions } from '../reporters/index.js';
import type { Rule, RuleSetConfig, Severity } from '../rules/types.js';
import { SEVERITIES } from '../rules/types.js';
import { choiceOption, type ParsedOptions } from './args.js';
import type { CliContext } from './context.js';

export type Format = 'text' | 'json' | 'sarif' | 'markdown' | 'html' | 'prometheus' | 'jsonl';
export type Lang = 'en' | 'fr';

/** How the CLI renders a report: the chosen format and language, colour on a terminal, the secrets. */
export function renderOptions(
  format: RenderOptions['format'],
  lang: Lang,
  rules: readonly Rule[],
  options: ParsedOptions,
  ctx: CliContext,
): RenderOptions {
  return {
    format,
    lang,
    color: ctx.color && format === 'text',
    rules,
    secrets: ctx.secrets,
    health: (options.profile ?? []).includes('health'),
  };
}

/** `--json` is `--format json`; the two together must agree. */
export function outputFormat<F extends Format>(options: ParsedOptions, allowed: readonly F[]): F {
  const format = choiceOption(options, 'format', allowed, 'text' as F);
  if (options.json && options.format !== undefined && format !== 'json') {
    throw new BoxauditError('BOXAUDIT_USAGE', `--json contradicts --format ${format}`);
  }
  return options.json ? ('json' as F) : format;
}

/**
 * --lang, else BOXAUDIT_LANG, else the POSIX locale (the first set of LC_ALL, LC_MESSAGES, LANG:
 * `fr_FR.UTF-8`, `fr_CA`, `fr` are French), else English.
 */
export function outputLang(options: ParsedOptions, ctx: CliContext): Lang {
  return choiceOption(options, 'lang', ['en', 'fr'] as const, langFromEnv(ctx.env));
}

/**
 * The language of help, errors and progress, known before a command's options are parsed:
 * `--lang fr|en` (or `--lang=fr`) anywhere in argv, else the environment as for reports.
 */
export function cliLang(argv: readonly string[], env: CliContext['env']): Lang {
  for (let i = 0; i < argv.length; i++) {
    const value =
      argv[i] === '--lang' ? argv[i + 1] : argv[i]?.startsWith('--lang=') ? argv[i]!.slice(7) : undefined;
    if (value === 'fr' || value === 'en') return value;
  }
  return langFromEnv(env);
}

export function langFromEnv(env: CliContext['env']): Lang {
  if (env.BOXAUDIT_LANG === 'fr' || env.BOXAUDIT_LANG === 'en') return env.BOXAUDIT_LANG;
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== '');
  return locale !== undefined && /^fr(?:[_.@-]|$)/i.test(locale) ? 'fr' : 'en';
}

export function failOnOption(options: ParsedOptions): Severity {
  return choiceOption(options, 'fail-on', SEVERITIES, 'high');
}

/** Profiles `--profile` accepts (a typo must not be read as a config file path). */
const PROFILES = ['health'];

/** --rules FILE and --profile NAME… as one config: the file, plus the profiles on top. */
export function rulesConfig(options: ParsedOptions): RuleSetConfig | string | undefined {
  const profiles = options.profile ?? [];
  for (const profile of profiles) {
    if (!PROFILES.includes(profile)) {
      throw new BoxauditError(
        'BOXAUDIT_USAGE',
        `--profile must be one of ${PROFILES.join(', ')} (got "${profile}")`,
      );
    }
  }
  const file =
    options.rules === undefined
      ? undefined
      : isAbsolute(options.rules)
        ? options.rules
        : resolve(options.rules);
  if (profiles.length === 0) return file;
  return { extends: [file ?? 'recommended', ...profiles] };
}

/** --now, checked before any traffic is sent (a typo must not cost a box read first). */
export function nowOption(options: ParsedOptions): string | undefined {
  const raw = options.now;
  if (raw !== undefined && Number.isNaN(Date.parse(raw))) {
    throw new BoxauditError(
      'BOXAUDIT_USAGE',
      `--now must be an ISO 8601 date or date-time such as 2026-06-01T12:00:00Z (got "${raw}")`,
    );
  }
  return raw;
}
