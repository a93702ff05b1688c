// @ts-check
/**
 * A small HTTP service that a dashboard backend calls to audit a site on demand.
 *
 *   node examples/dashboard-service.mjs SITES.json [PORT]
 *
 *   GET /audit?site=NAME               → the report as JSON (schema/report.schema.json)
 *   GET /audit?site=NAME&format=html   → the report as a self-contained HTML page
 *
 * SITES.json is a fleet file (docs/msp.md): the caller only names a site, it never passes a target,
 * a host or a credential, so the service cannot be turned into a scanner. Listens on 127.0.0.1
 * only (put your own authentication in front of it before exposing it further). Bounded: one
 * audit per site at a time, at most MAX_RUNNING audits at once (503 beyond), each stopped after
 * AUDIT_TIMEOUT_MS (504). Secrets from the environment are redacted from every answer; errors
 * are answered with their stable code only.
 */
import { createServer } from 'node:http';
import { audit, isBoxauditError, readFleetFile, render } from 'boxaudit';

const MAX_RUNNING = 2;
const AUDIT_TIMEOUT_MS = 60_000;
const MAX_SITE_NAME = 200;

const [sitesPath, portArg] = process.argv.slice(2);
if (!sitesPath) {
  console.error('usage: node examples/dashboard-service.mjs SITES.json [PORT]');
  process.exit(2);
}

const fleet = await readFleetFile(sitesPath, { env: process.env });
/** @type {Map<string, import('boxaudit').PreparedSite>} */
const sites = new Map(fleet.sites.map((site) => [site.name, site]));
/** @type {Set<string>} */
const running = new Set();

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
function sendJson(res, status, body) {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(`${JSON.stringify(body)}\n`);
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method !== 'GET' || url.pathname !== '/audit') {
    sendJson(res, req.method === 'GET' ? 404 : 405, { error: 'GET /audit?site=NAME[&format=json|html]' });
    return;
  }
  const name = url.searchParams.get('site') ?? '';
  const format = url.searchParams.get('format') ?? 'json';
  if (format !== 'json' && format !== 'html') {
    sendJson(res, 400, { error: 'format must be json or html' });
    return;
  }
  const site = name.length <= MAX_SITE_NAME ? sites.get(name) : undefined;
  if (!site) {
    sendJson(res, 404, { error: 'unknown site' });
    return;
  }
  if ('error' in site) {
    sendJson(res, 500, { error: site.error.code });
    return;
  }
  if (running.has(name) || running.size >= MAX_RUNNING) {
    res.setHeader('retry-after', '10');
    sendJson(res, 503, { error: 'busy' });
    return;
  }
  running.add(name);
  try {
    const report = await audit(site.target, {
      signal: AbortSignal.timeout(AUDIT_TIMEOUT_MS),
      secrets: fleet.secrets,
    });
    const body = render(report, { format, secrets: fleet.secrets });
    res.writeHead(200, {
      'content-type': format === 'html' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // The page carries the same policy in a <meta>: no script, no request of its own.
      ...(format === 'html'
        ? { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" }
        : {}),
    });
    res.end(body);
  } catch (error) {
    // The code only: a message may name internal hosts, and the caller is a dashboard.
    const code = isBoxauditError(error) ? error.code : 'BOXAUDIT_INTERNAL';
    sendJson(res, code === 'BOXAUDIT_TIMEOUT' || code === 'BOXAUDIT_ABORTED' ? 504 : 502, { error: code });
  } finally {
    running.delete(name);
  }
});
server.requestTimeout = AUDIT_TIMEOUT_MS + 5_000;
server.maxHeadersCount = 50;

server.listen(portArg ? Number(portArg) : 0, '127.0.0.1', () => {
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : portArg;
  console.log(`listening on http://127.0.0.1:${port}/audit`);
});

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
