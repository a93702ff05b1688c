import { BoxauditError } from '../errors.js';
import type { AuditReport } from '../rules/types.js';
import { checkWebhookUrl, postWebhook, webhookPayload } from '../webhook.js';
import type { ParsedOptions } from './args.js';
import type { CliContext } from './context.js';

/**
 * `--webhook URL`, else the environment's `BOXAUDIT_WEBHOOK` (so the URL and its token stay out of
 * the command line, shell history and `ps`); checked before any box is contacted. The URL itself is
 * kept out of every output: an error names the flag or the variable, never the value.
 */
export function webhookOption(
  options: ParsedOptions,
  env: Readonly<Record<string, string | undefined>> = {},
): URL | undefined {
  const fromEnv = env.BOXAUDIT_WEBHOOK;
  const raw = options.webhook ?? (fromEnv === '' ? undefined : fromEnv);
  if (raw === undefined) return undefined;
  try {
    return checkWebhookUrl(raw);
  } catch (error) {
    const why = error instanceof Error ? error.message.replace(/^webhook: /, '') : String(error);
    throw new BoxauditError(
      'BOXAUDIT_USAGE',
      `${options.webhook !== undefined ? '--webhook' : 'BOXAUDIT_WEBHOOK'}: ${why}`,
    );
  }
}

/**
 * POST the report's new findings (nothing when there are none). False, with one line on stderr,
 * when the receiver could not be reached: the report is already out, the alert is not.
 */
export async function postNewFindings(
  url: URL,
  report: AuditReport,
  ctx: CliContext,
  site: string | null = null,
): Promise<boolean> {
  // A receiver token often sits in the path or query: never shown, even in an error.
  ctx.addSecret(url.href);
  if (url.pathname.length > 1) ctx.addSecret(url.pathname + url.search);
  const payload = webhookPayload(report, { site, secrets: ctx.secrets });
  if (payload === null) {
    ctx.progress(`boxaudit: webhook: nothing new to send${site === null ? '' : ` for ${site}`}`);
    return true;
  }
  try {
    const r = await postWebhook(url, payload, { signal: ctx.signal });
    ctx.progress(
      `boxaudit: webhook: ${payload.findings.length - r.omitted} new finding(s) sent to ${url.origin} (HTTP ${r.status})`,
    );
    if (r.omitted > 0)
      ctx.warn(`boxaudit: webhook: ${r.omitted} finding(s) left out to stay under the size cap`);
    return true;
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    ctx.warn(`boxaudit: webhook failed: ${error instanceof Error ? error.message : String(error)}; exit 2`);
    return false;
  }
}
