import { BoxauditError } from '../errors.js';
import type { Adapter } from './types.js';

/**
 * Every adapter, loaded on demand so that a UPnP-only audit never loads ssh2 or a vendor module.
 * The id is the `--vendor` value and the file name in src/adapters/.
 */
const LOADERS: Record<string, () => Promise<Adapter>> = {
  'upnp-igd': async () => (await import('./upnp-igd.js')).upnpIgd,
};

export function adapterIds(): string[] {
  return Object.keys(LOADERS).sort();
}

export async function loadAdapter(id: string): Promise<Adapter> {
  const load = LOADERS[id];
  if (!load) {
    throw new BoxauditError('BOXAUDIT_USAGE', `unknown vendor "${id}"; known: ${adapterIds().join(', ')}`);
  }
  return load();
}
