/**
 * `--webhook URL` as a library (issue 15 part 4), against loopback receivers only: the payload
 * (schema/webhook.schema.json) holds the new findings and no secret; retries are bounded and only
 * for network errors, 408, 429 and 5xx; a redirect is never followed; a receiver that never answers
 * ends at the deadline; the body stays under the size cap; http and https (private CA) both work.
 */
import http from 'node:http';
import https from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AuditReport,
  markBaseline,
  postWebhook,
  type WebhookPayload,
  webhookBody,
  webhookPayload,
} from '../../src/index.js';
import { doctorOffice } from '../reporters/helpers.js';
import { listenOnLoopback } from '../sim/vendors/_listen.js';
import { certificateFromTestRoot } from '../tls-certificates.js';
import { validatorFor } from './helpers.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A generic receiver: records each request, answers with the next status of `statuses` (then 200). */
async function receiver(
  statuses: number[] = [],
  options: { location?: string; hang?: boolean; tls?: { key: string; cert: string } } = {},
) {
  const received: Received[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if (options.hang) return; // never answers
      const status = statuses.shift() ?? 200;
      res.writeHead(status, options.location ? { location: options.location } : {}).end('ok');
    });
  };
  const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
  const listening = await listenOnLoopback(server, options.tls ? 'https' : 'http');
  closers.push(listening.close);
  return { url: `${listening.url}/hooks/boxaudit?token=receiver-token-123`, received };
}

const SECRET = 'Sup3r-S3cret-pw!';

/** The doctor's office report with a secret the box echoed back in a forward's description. */
function reportWithSecret(): AuditReport {
  const r = doctorOffice();
  const f = r.findings.find((x) => x.forwardId !== null)!;
  f.message = { en: `Forward "${SECRET}" is open`, fr: `Redirection "${SECRET}" ouverte` };
  return r;
}

function payload(): WebhookPayload {
  return webhookPayload(reportWithSecret(), { site: 'cabinet-martin', secrets: [SECRET] })!;
}

describe('webhookPayload', () => {
  it('the failing findings at or above failOn, most severe first, schema-valid, secrets redacted', () => {
    const report = reportWithSecret();
    const p = webhookPayload(report, { site: 'cabinet-martin', secrets: [SECRET] })!;
    expect(validatorFor('webhook')(p)).toBe('');
    expect(JSON.stringify(p)).not.toContain(SECRET);
    const expected = report.findings.filter(
      (f) => f.status === 'fail' && (f.severity === 'critical' || f.severity === 'high'),
    );
    expect(p.findings.map((f) => f.ruleId).sort()).toEqual(expected.map((f) => f.ruleId).sort());
    expect(p.findings[0]!.severity).toBe('critical');
    expect(p).toMatchObject({ site: 'cabinet-martin', baseline: false, event: 'new-findings', omitted: 0 });
    expect(p.findings.find((f) => f.exposure !== null)?.exposure).toMatchObject({
      protocol: expect.any(String),
    });
  });

  it('with a baseline: only new findings; nothing new → null (nothing is sent)', () => {
    const same = markBaseline(doctorOffice(), doctorOffice());
    expect(webhookPayload(same)).toBeNull();
    const older = doctorOffice();
    older.findings = older.findings.filter((f) => f.severity !== 'critical');
    const p = webhookPayload(markBaseline(doctorOffice(), older))!;
    expect(p.baseline).toBe(true);
    expect(new Set(p.findings.map((f) => f.severity))).toEqual(new Set(['critical']));
  });

  it('the body stays under the size cap: findings dropped from the end, counted in `omitted`', () => {
    const p = payload();
    const many = { ...p, findings: Array.from({ length: 400 }, () => p.findings[0]!) };
    const { body, omitted } = webhookBody(many, 8192);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(8192);
    expect(omitted).toBeGreaterThan(0);
    const parsed = JSON.parse(body) as WebhookPayload;
    expect(parsed.findings.length + parsed.omitted).toBe(400);
    expect(validatorFor('webhook')(parsed)).toBe('');
  });
});

describe('postWebhook against a loopback receiver', () => {
  it('POSTs JSON once on 2xx', async () => {
    const r = await receiver([204]);
    const result = await postWebhook(r.url, payload(), { backoffMs: 1 });
    expect(result).toEqual({ status: 204, attempts: 1, omitted: 0 });
    expect(r.received).toHaveLength(1);
    expect(r.received[0]).toMatchObject({ method: 'POST', url: '/hooks/boxaudit?token=receiver-token-123' });
    expect(r.received[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.received[0]!.body)).toEqual(JSON.parse(JSON.stringify(payload())));
    expect(r.received[0]!.body).not.toContain(SECRET);
  });

  it('retries 503 and 429 with a pause, then succeeds', async () => {
    const r = await receiver([503, 429]);
    const result = await postWebhook(r.url, payload(), { backoffMs: 5, attempts: 3 });
    expect(result.attempts).toBe(3);
    expect(r.received).toHaveLength(3);
  });

  it('stops after the attempts allowed: BOXAUDIT_HTTP_STATUS naming the origin, never the token', async () => {
    const r = await receiver([500, 500, 500, 500, 500]);
    const error = await postWebhook(r.url, payload(), { backoffMs: 1, attempts: 3 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BOXAUDIT_HTTP_STATUS' });
    expect(String((error as Error).message)).toMatch(/answered 500 \(after 3 attempts\)/);
    expect(String((error as Error).message)).not.toContain('receiver-token-123');
    expect(r.received).toHaveLength(3);
  });

  it('a 4xx is not retried', async () => {
    const r = await receiver([400]);
    await expect(postWebhook(r.url, payload(), { backoffMs: 1 })).rejects.toMatchObject({
      code: 'BOXAUDIT_HTTP_STATUS',
    });
    expect(r.received).toHaveLength(1);
  });

  it('a redirect (to another host or the same) is never followed', async () => {
    const other = await receiver();
    const r = await receiver([307], { location: other.url.replace('127.0.0.1', 'localhost') });
    const error = await postWebhook(r.url, payload(), { backoffMs: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BOXAUDIT_HTTP_STATUS' });
    expect(String((error as Error).message)).toMatch(
      /answered 307, a redirect to http:\/\/localhost:\d+, which is not followed/,
    );
    expect(r.received).toHaveLength(1);
    expect(other.received).toHaveLength(0);
  });

  it('a receiver that never answers: BOXAUDIT_TIMEOUT after the attempts allowed', async () => {
    const r = await receiver([], { hang: true });
    await expect(
      postWebhook(r.url, payload(), { timeoutMs: 100, attempts: 2, backoffMs: 1 }),
    ).rejects.toMatchObject({
      code: 'BOXAUDIT_TIMEOUT',
      message: expect.stringMatching(/timed out after 100 ms \(after 2 attempts\)/),
    });
    expect(r.received).toHaveLength(2);
  });

  it('nothing listening: BOXAUDIT_NETWORK after the attempts allowed', async () => {
    const server = http.createServer();
    const listening = await listenOnLoopback(server);
    await listening.close();
    await expect(
      postWebhook(`${listening.url}/x`, payload(), { attempts: 2, backoffMs: 1 }),
    ).rejects.toMatchObject({
      code: 'BOXAUDIT_NETWORK',
      message: expect.stringMatching(/ECONNREFUSED \(after 2 attempts\)/),
    });
  });

  it('https with a private CA', async () => {
    const cert = certificateFromTestRoot('127.0.0.1');
    const r = await receiver([200], { tls: { key: cert.key, cert: cert.cert } });
    expect(r.url.startsWith('https://127.0.0.1:')).toBe(true);
    await expect(postWebhook(r.url, payload(), { backoffMs: 1, attempts: 1 })).rejects.toMatchObject({
      code: 'BOXAUDIT_NETWORK',
    });
    const result = await postWebhook(r.url, payload(), { ca: cert.root });
    expect(result.status).toBe(200);
    expect(r.received).toHaveLength(1);
  });

  it('refuses other schemes, credentials in the URL and bad options before sending anything', async () => {
    for (const url of ['ftp://127.0.0.1/x', 'file:///etc/passwd', 'not a url', 'http://user:pw@127.0.0.1/']) {
      await expect(postWebhook(url, payload())).rejects.toMatchObject({ code: 'BOXAUDIT_INPUT_INVALID' });
    }
    await expect(postWebhook('http://127.0.0.1:9/', payload(), { attempts: 0 })).rejects.toMatchObject({
      code: 'BOXAUDIT_INPUT_INVALID',
    });
    await expect(postWebhook('http://127.0.0.1:9/', payload(), 'x' as never)).rejects.toThrow(
      /^postWebhook: options/,
    );
  });
});
