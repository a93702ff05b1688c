/**
 * Vitest glue for lab suites. A lab suite is skipped, with the reason printed, where the lab cannot
 * run (not root, tools missing) — except under CI (`CI` set), where that is a failure: CI must run
 * the lab, never skip it.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type CreateLabOptions, createLab, type Lab, labAvailability } from './lab.js';

/** How long building the lab (namespaces + miniupnpd) may take. */
const LAB_SETUP_TIMEOUT_MS = 60_000;

/**
 * `describe` with a lab built before the suite and torn down after it. The body receives a getter
 * for the lab (it exists only once `beforeAll` has run).
 */
export function describeLab(name: string, options: CreateLabOptions, body: (lab: () => Lab) => void): void {
  const availability = labAvailability();
  if (!availability.ok) {
    if (process.env.CI) {
      describe(name, () => {
        it('has a working lab (CI must run the lab, never skip it)', () => {
          throw new Error(`lab unavailable under CI: ${availability.reason}`);
        });
      });
      return;
    }
    console.warn(`[lab] skipping "${name}": ${availability.reason}`);
    describe.skip(name, () => body(() => unavailable(availability.reason)));
    return;
  }
  describe(name, () => {
    let lab: Lab | undefined;
    beforeAll(async () => {
      lab = await createLab(options);
    }, LAB_SETUP_TIMEOUT_MS);
    afterAll(async () => {
      await lab?.teardown();
    });
    body(() => {
      if (!lab) throw new Error('[lab] the lab was not created (see the beforeAll error)');
      return lab;
    });
  });
}

function unavailable(reason: string): never {
  throw new Error(`[lab] unavailable: ${reason}`);
}
