import { BoxauditError } from '../errors.js';
import type { Adapter } from './types.js';

/**
 * Every adapter, loaded on demand so that a UPnP-only audit never loads ssh2 or a vendor module.
 * The id is the `--vendor` value and the file name in src/adapters/.
 */
const LOADERS: Record<string, () => Promise<Adapter>> = {
  'upnp-igd': async () => (await import('./upnp-igd.js')).upnpIgd,
  // ISP boxes, over their own HTTP APIs (SFR: UPnP plus what to check by hand).
  freebox: async () => (await import('./freebox.js')).freebox,
  livebox: async () => (await import('./livebox.js')).livebox,
  bbox: async () => (await import('./bbox.js')).bbox,
  sfr: async () => (await import('./sfr.js')).sfr,
  fritzbox: async () => (await import('./fritzbox.js')).fritzbox,
  'openwrt-ubus': async () => (await import('./openwrt-ubus.js')).openwrtUbus,
  'routeros-rest': async () => (await import('./routeros-rest.js')).routerosRestAdapter,
  unifi: async () => (await import('./unifi.js')).unifi,
  // Routers over SSH (the same parsers read their exported configurations offline).
  linux: async () => (await import('./linux.js')).linuxAdapter,
  openwrt: async () => (await import('./openwrt.js')).openwrtAdapter,
  routeros: async () => (await import('./routeros.js')).routerosAdapter,
  edgeos: async () => (await import('./edgeos.js')).edgeosAdapter,
  vyos: async () => (await import('./vyos.js')).vyosAdapter,
  pfsense: async () => (await import('./pfsense.js')).pfsenseAdapter,
  opnsense: async () => (await import('./opnsense.js')).opnsenseAdapter,
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
