// @ts-check
/**
 * MSP fleet worker: audit every site of a fleet file and append one JSON line per site to a file
 * that a log shipper tails (Wazuh `<localfile><log_format>json</log_format>`, an OpenTelemetry
 * collector `filelog` receiver with a `json_parser` operator).
 *
 *   node examples/fleet-worker.mjs SITES.json OUT.jsonl [--concurrency N]
 *
 * SITES.json is the fleet file of docs/msp.md (schema/fleet.schema.json): credentials are named by
 * environment variable, never written in the file. Each line is schema/fleet-result.schema.json
 * (`name`, `ok`, then `report` or `error`), secrets redacted, control characters escaped. A site
 * that fails is a line of its own; the others go on. The exit code is the worst site's (0, 1 or 2).
 * SIGTERM / Ctrl-C: no new site starts, the sites not audited are still written (BOXAUDIT_ABORTED).
 */
import { open } from 'node:fs/promises';
import { auditFleet, fleetExitCode, fleetResultLine, isBoxauditError, readFleetFile } from 'boxaudit';

/** @typedef {import('boxaudit').FleetResult} FleetResult */
/** @typedef {import('boxaudit').FleetSite} FleetSite */

const [sitesPath, outPath, flag, value] = process.argv.slice(2);
if (!sitesPath || !outPath || (flag !== undefined && flag !== '--concurrency')) {
  console.error('usage: node examples/fleet-worker.mjs SITES.json OUT.jsonl [--concurrency N]');
  process.exit(2);
}
const concurrency = value === undefined ? 4 : Number(value);

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());

try {
  const fleet = await readFleetFile(sitesPath, { env: process.env, signal: controller.signal });
  // Appended, created 0600 (reports name internal hosts); one write per line, so a tailing shipper
  // never reads half a line.
  const out = await open(outPath, 'a', 0o600);
  /** @type {FleetResult[]} */
  const results = [];
  try {
    /** @type {FleetSite[]} */
    const ready = [];
    for (const site of fleet.sites) {
      if ('error' in site) {
        // A site the file could not prepare (unset variable, unreadable key file): its own line.
        results.push({
          name: site.name,
          ok: false,
          error: { code: site.error.code, message: site.error.message },
        });
      } else {
        ready.push(site);
      }
    }
    for (const result of results) await out.write(fleetResultLine(result, fleet.secrets));
    for await (const result of auditFleet(ready, {
      concurrency,
      signal: controller.signal,
      secrets: fleet.secrets,
    })) {
      results.push(result);
      await out.write(fleetResultLine(result, fleet.secrets));
    }
  } finally {
    await out.close();
  }
  const worst = fleetExitCode(results);
  const failed = results.filter((r) => !r.ok).length;
  console.log(`sites=${results.length} failed=${failed} exit=${worst}`);
  process.exitCode = worst;
} catch (error) {
  // A fleet file that breaks the schema, a bad option: nothing was audited.
  console.error(isBoxauditError(error) ? `${error.code}: ${error.message}` : error);
  process.exitCode = 2;
}
