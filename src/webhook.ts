/**
 * The webhook of `--webhook URL`: the new findings of an audit, POSTed as JSON
 * (schema/webhook.schema.json) to a generic receiver. Bounded: a deadline per attempt, a few
 * attempts with growing pauses (network errors, 408, 429 and 5xx only), a cap on the body sent
 * (findings beyond it are dropped and the payload says so) and on the reply read. A redirect is
 * never followed (a 3xx is a failure naming where it pointed, never a request elsewhere). The
 * payload carries no credential: findings with the run's secrets redacted, no raw vendor records.
 */
import http from 'node:http';
import https from 'node:https';
import { abortError, BoxauditError, checkOptions } from './errors.js';
import { exposureFacts, forwardIndex } from './reporters/format.js';
import { redactReport } from './reporters/redact.js';
import { escapeJsonText, type SecretList } from './reporters/sanitize.js';
import type { AuditReport, Finding, LocalizedText, Severity } from './rules/types.js';
import { SEVERITIES } from './rules/types.js';
import { VERSION } from './version.js';

/** Version of the webhook payload (schema/webhook.schema.json). */
export const WEBHOOK_SCHEMA_VERSION = '1.0';

/** One finding in a webhook payload (no raw vendor record, no secret). */
export interface WebhookFinding {
  ruleId: string;
  severity: Severity;
  status: 'fail' | 'inconclusive';
  category: string;
  /** The box's address as the report has it (description URL, host, or file name). */
  box: string;
  /** The forward the finding is about; null for findings on the box itself (DMZ, UPnP, remote admin). */
  exposure: {
    protocol: 'tcp' | 'udp';
    externalPort: string | null;
    internalHost: string | null;
    internalPort: string | null;
  } | null;
  title: LocalizedText;
  message: LocalizedText;
}

/** The body POSTed by `--webhook` (schema/webhook.schema.json). */
export interface WebhookPayload {
  schemaVersion: string;
  tool: { name: 'boxaudit'; version: string };
  event: 'new-findings';
  /** The fleet site's name; null for a single audit. */
  site: string | null;
  failOn: Severity;
  exitCode: 0 | 1 | 2;
  /** Whether the findings were compared with a baseline (else every finding counts as new). */
  baseline: boolean;
  counts: Record<Severity, number>;
  findings: WebhookFinding[];
  /** Findings left out to keep the body under the size cap (0 when none). */
  omitted: number;
}

/** Options of {@link webhookPayload}: the site name, the secrets to redact, the size cap. */
export interface WebhookPayloadOptions {
  site?: string | null;
  /** Secret values to replace by `[redacted]` (the CLI's credentials). */
  secrets?: SecretList;
}

/**
 * The new failing findings at or above the report's `failOn` (every failing finding when the report
 * was not compared with a baseline), as a webhook payload; null when there is nothing new to send.
 */
export function webhookPayload(
  audited: AuditReport,
  options: WebhookPayloadOptions = {},
): WebhookPayload | null {
  checkOptions('webhookPayload', options);
  const report = redactReport(audited, options.secrets);
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  const limit = rank(report.summary.failOn);
  const picked = report.findings.filter(
    (f) => f.status === 'fail' && f.baseline !== 'unchanged' && rank(f.severity) <= limit,
  );
  if (picked.length === 0) return null;
  const forwardOf = forwardIndex(report);
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const findings = picked
    .sort((a, b) => rank(a.severity) - rank(b.severity))
    .map((f: Finding): WebhookFinding => {
      counts[f.severity]++;
      const fw = forwardOf(f);
      return {
        ruleId: f.ruleId,
        severity: f.severity,
        status: f.status,
        category: f.category,
        box: report.snapshots[f.snapshotIndex]?.target.address ?? '',
        exposure: fw === undefined ? null : exposureFacts(fw),
        title: f.title,
        message: f.message,
      };
    });
  return {
    schemaVersion: WEBHOOK_SCHEMA_VERSION,
    tool: { name: 'boxaudit', version: VERSION },
    event: 'new-findings',
    site: options.site ?? null,
    failOn: report.summary.failOn,
    exitCode: report.summary.exitCode,
    baseline: report.findings.some((f) => f.baseline !== undefined),
    counts,
    findings,
    omitted: 0,
  };
}

/** Options of {@link postWebhook}: abort signal, deadline per attempt, attempts, private CA. */
export interface PostWebhookOptions {
  signal?: AbortSignal;
  /** Deadline of one attempt, connection to the end of the reply (default 10 000 ms). */
  timeoutMs?: number;
  /** Attempts in all, 1 to 10 (default 3). */
  attempts?: number;
  /** Pause before the second attempt; doubled each time (default 1000 ms). */
  backoffMs?: number;
  /** Largest body sent, in bytes (default 256 KiB; at least 4 KiB): findings beyond it are left out. */
  maxBytes?: number;
  /**
   * For an https receiver with a private CA: the CA certificate(s), PEM. Default: Node's trusted
   * CAs (plus NODE_EXTRA_CA_CERTS). Certificate checks are never turned off.
   */
  ca?: string;
}

/** How {@link postWebhook}'s delivery went: the receiver's HTTP status and the attempts it took. */
export interface PostWebhookResult {
  status: number;
  attempts: number;
  /** Findings left out to stay under `maxBytes`. */
  omitted: number;
}

/** The JSON body, findings dropped from the end until it fits in `maxBytes`. */
export function webhookBody(payload: WebhookPayload, maxBytes: number): { body: string; omitted: number } {
  let kept = payload.findings.length;
  for (;;) {
    const shown = {
      ...payload,
      findings: payload.findings.slice(0, kept),
      omitted: payload.findings.length - kept,
    };
    const body = escapeJsonText(JSON.stringify(shown));
    if (Buffer.byteLength(body) <= maxBytes || kept === 0) return { body, omitted: shown.omitted };
    // Roughly proportional first, then one by one: a few passes at most.
    const ratio = maxBytes / Buffer.byteLength(body);
    kept = Math.min(kept - 1, Math.max(0, Math.floor(kept * ratio)));
  }
}

/**
 * POST `payload` to `url` (http or https). Resolves with the receiver's 2xx status; throws
 * BOXAUDIT_HTTP_STATUS (4xx other than 408/429, a 3xx redirect, or the last retriable status),
 * BOXAUDIT_NETWORK, BOXAUDIT_TIMEOUT or BOXAUDIT_ABORTED. Messages name the receiver's origin only
 * (a path or query may hold the receiver's own token).
 */
export async function postWebhook(
  url: string | URL,
  payload: WebhookPayload,
  options: PostWebhookOptions = {},
): Promise<PostWebhookResult> {
  checkOptions('postWebhook', options);
  const target = checkWebhookUrl(url);
  const attempts = options.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      `postWebhook: options.attempts must be a whole number from 1 to 10`,
    );
  }
  const maxBytes = options.maxBytes ?? 256 * 1024;
  if (!Number.isInteger(maxBytes) || maxBytes < 4096) {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      'postWebhook: options.maxBytes must be a whole number ≥ 4096',
    );
  }
  const { body, omitted } = webhookBody(payload, maxBytes);
  const timeoutMs = options.timeoutMs ?? 10_000;
  let pause = options.backoffMs ?? 1000;
  let last: BoxauditError | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (options.signal?.aborted) throw abortError(options.signal, `webhook ${target.origin}`);
    try {
      const status = await postOnce(target, body, timeoutMs, options.signal, options.ca);
      return { status, attempts: attempt, omitted };
    } catch (error) {
      if (!(error instanceof BoxauditError) || !error.details.retry || options.signal?.aborted) throw error;
      last = error;
    }
    if (attempt < attempts) {
      await sleep(pause, options.signal);
      pause *= 2;
    }
  }
  throw new BoxauditError(last!.code, `${last!.message} (after ${attempts} attempts)`, {
    details: last!.details,
  });
}

/** A webhook URL: http or https, no user name or password in it. */
export function checkWebhookUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    throw new BoxauditError('BOXAUDIT_INPUT_INVALID', 'webhook: not a URL (give http://… or https://…)');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      `webhook: only http and https URLs are posted to (got ${parsed.protocol})`,
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      'webhook: the URL carries a user name or password; use a receiver token in the path or query instead',
    );
  }
  return parsed;
}

/** Bytes of the receiver's reply read at most (the rest is dropped). */
const MAX_REPLY_BYTES = 64 * 1024;

function postOnce(
  url: URL,
  body: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  ca: string | undefined,
): Promise<number> {
  const where = `webhook ${url.origin}`;
  return new Promise((resolve, reject) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const both = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'user-agent': `boxaudit/${VERSION}`,
      },
      signal: both,
      ...(ca !== undefined && url.protocol === 'https:' ? { ca } : {}),
    });
    const fail = (error: unknown) => {
      if (both.aborted) {
        const e = abortError(signal?.aborted ? signal : deadline, where, timeoutMs);
        reject(new BoxauditError(e.code, e.message, { details: { retry: !signal?.aborted } }));
        return;
      }
      const why =
        error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
      reject(new BoxauditError('BOXAUDIT_NETWORK', `${where}: ${why}`, { details: { retry: true } }));
    };
    request.on('error', fail);
    request.on('response', (response) => {
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_REPLY_BYTES) response.destroy();
      });
      response.on('error', () => undefined);
      response.on('close', () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve(status);
        if (status >= 300 && status < 400) {
          let to = '';
          try {
            const location = new URL(String(response.headers.location ?? ''), url);
            to = ` to ${location.origin}`;
          } catch {}
          return reject(
            new BoxauditError(
              'BOXAUDIT_HTTP_STATUS',
              `${where}: answered ${status}, a redirect${to}, which is not followed`,
              {
                details: { status, retry: false },
              },
            ),
          );
        }
        const retry = status === 408 || status === 429 || status >= 500;
        reject(
          new BoxauditError('BOXAUDIT_HTTP_STATUS', `${where}: answered ${status}`, {
            details: { status, retry },
          }),
        );
      });
      response.resume();
    });
    request.end(body);
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!, 'webhook'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
