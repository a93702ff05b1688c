import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { BoxauditError } from '../../src/errors.js';
import type { ForwardInput } from '../../src/model/forward.js';
import type { PortRange } from '../../src/model/types.js';

/** Read a fixture under test/fixtures/configs/. */
export function fixture(path: string): string {
  return readFileSync(new URL(`../fixtures/configs/${path}`, import.meta.url), 'utf8');
}

const range = (r: PortRange | null) => (r ? `${r.start}-${r.end}` : null);

/** A forward as a compact tuple, so that expected snapshots are checked field by field. */
export function row(
  f: Pick<
    ForwardInput,
    | 'source'
    | 'protocol'
    | 'externalPort'
    | 'internalHost'
    | 'internalPort'
    | 'remoteHost'
    | 'enabled'
    | 'description'
    | 'leaseSeconds'
  >,
) {
  return [
    f.source,
    f.protocol,
    range(f.externalPort),
    f.internalHost,
    range(f.internalPort),
    f.remoteHost,
    f.enabled,
    f.description,
    f.leaseSeconds,
  ];
}

/** Coverage as area → status. */
export function coverageMap(items: { area: string; status: string }[]): Record<string, string> {
  return Object.fromEntries(items.map((c) => [c.area, c.status]));
}

/** The BoxauditError a promise rejects with; fails the test when it resolves or throws anything else. */
export async function failure(p: Promise<unknown>): Promise<BoxauditError> {
  const error = await p.then(
    () => new Error('expected a failure, but it resolved'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BoxauditError);
  return error as BoxauditError;
}
