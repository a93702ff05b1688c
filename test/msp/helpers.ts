/** Shared pieces of the MSP tests (fleet, diff, baseline, webhook, Prometheus). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export const MSP_FIXTURES = fileURLToPath(new URL('../fixtures/msp/', import.meta.url));
export const CONFIGS = fileURLToPath(new URL('../fixtures/configs/', import.meta.url));
const SCHEMA_DIR = new URL('../../schema/', import.meta.url);

/** ajv (2020-12, strict) with every published schema the MSP outputs use. */
export function mspAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  for (const name of ['snapshot', 'dump', 'report', 'fleet', 'fleet-result', 'webhook']) {
    ajv.addSchema(JSON.parse(readFileSync(new URL(`${name}.schema.json`, SCHEMA_DIR), 'utf8')));
  }
  return ajv;
}

/** A validator for one published schema: '' when valid, else ajv's errors. */
export function validatorFor(name: string): (value: unknown) => string {
  const ajv = mspAjv();
  const validate = ajv.getSchema(`https://boxaudit.dev/schema/${name}.schema.json`)!;
  return (value) => (validate(value) ? '' : ajv.errorsText(validate.errors, { separator: '\n' }));
}

const LOOPBACK = /^(https?:\/\/)?(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/i;

/**
 * A fleet file's sites must all stay off the network in tests: files, or loopback hosts and URLs.
 * A site without an explicit target (or with `discover`) is a test bug.
 */
export function assertLoopbackSites(sites: Array<{ target: Record<string, unknown> }>): void {
  for (const { target } of sites) {
    if (typeof target.file === 'string') continue;
    const where = target.upnp ?? target.host ?? target.gateway;
    if (typeof where !== 'string' || !LOOPBACK.test(where)) {
      throw new Error(
        `test bug: fleet site target ${JSON.stringify(target)} is not a file or a loopback host`,
      );
    }
  }
}
