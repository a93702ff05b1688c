import { BoxauditError } from '../errors.js';
import { bboxMeta } from './bbox.meta.js';
import { edgeosMeta } from './edgeos.meta.js';
import { freeboxMeta } from './freebox.meta.js';
import { fritzboxMeta } from './fritzbox.meta.js';
import { linuxMeta } from './linux.meta.js';
import { liveboxMeta } from './livebox.meta.js';
import { openwrtMeta } from './openwrt.meta.js';
import { openwrtUbusMeta } from './openwrt-ubus.meta.js';
import { opnsenseMeta } from './opnsense.meta.js';
import { pfsenseMeta } from './pfsense.meta.js';
import { routerosMeta } from './routeros.meta.js';
import { routerosRestMeta } from './routeros-rest.meta.js';
import { sfrMeta } from './sfr.meta.js';
import type { Adapter, AdapterMeta, CredentialNeed } from './types.js';
import { unifiMeta } from './unifi.meta.js';
import { upnpIgdMeta } from './upnp-igd.meta.js';
import { vyosMeta } from './vyos.meta.js';

interface RegistryEntry {
  meta: AdapterMeta;
  /** Loads the adapter's code on demand, so that a UPnP-only audit never loads ssh2 or a vendor module. */
  load: () => Promise<Adapter>;
}

/**
 * THE list of adapters (the only one: the fingerprint engine, the vendor suggestion, offline import
 * and the i18n generator read it or the metas it names). Each entry is the adapter's light metadata
 * (src/adapters/<id>.meta.ts, no code) and a literal dynamic import of its module.
 *
 * The order is the fingerprint's tie-break order: vendor APIs before SSH, the generic fallback last.
 */
const ADAPTERS: readonly RegistryEntry[] = [
  // ISP boxes, over their own HTTP APIs (SFR: UPnP plus what to check by hand).
  { meta: freeboxMeta, load: async () => (await import('./freebox.js')).freebox },
  { meta: liveboxMeta, load: async () => (await import('./livebox.js')).livebox },
  { meta: bboxMeta, load: async () => (await import('./bbox.js')).bbox },
  { meta: sfrMeta, load: async () => (await import('./sfr.js')).sfr },
  { meta: fritzboxMeta, load: async () => (await import('./fritzbox.js')).fritzbox },
  // Routers: an HTTP API first, then SSH (the same parsers read their exported configurations offline).
  { meta: openwrtUbusMeta, load: async () => (await import('./openwrt-ubus.js')).openwrtUbus },
  { meta: openwrtMeta, load: async () => (await import('./openwrt.js')).openwrtAdapter },
  { meta: routerosRestMeta, load: async () => (await import('./routeros-rest.js')).routerosRestAdapter },
  { meta: routerosMeta, load: async () => (await import('./routeros.js')).routerosAdapter },
  { meta: unifiMeta, load: async () => (await import('./unifi.js')).unifi },
  { meta: edgeosMeta, load: async () => (await import('./edgeos.js')).edgeosAdapter },
  { meta: vyosMeta, load: async () => (await import('./vyos.js')).vyosAdapter },
  { meta: pfsenseMeta, load: async () => (await import('./pfsense.js')).pfsenseAdapter },
  { meta: opnsenseMeta, load: async () => (await import('./opnsense.js')).opnsenseAdapter },
  { meta: linuxMeta, load: async () => (await import('./linux.js')).linuxAdapter },
  // The generic fallback.
  { meta: upnpIgdMeta, load: async () => (await import('./upnp-igd.js')).upnpIgd },
];

/** Every adapter's metadata, in the fingerprint's tie-break order; loads no adapter code. */
export function adapterMetas(): readonly AdapterMeta[] {
  return ADAPTERS.map((a) => a.meta);
}

/** The adapter's metadata without loading its code, or undefined for an unknown id. */
export function adapterMeta(id: string): AdapterMeta | undefined {
  return ADAPTERS.find((a) => a.meta.id === id)?.meta;
}

export function adapterIds(): string[] {
  return ADAPTERS.map((a) => a.meta.id).sort();
}

export async function loadAdapter(id: string): Promise<Adapter> {
  const entry = ADAPTERS.find((a) => a.meta.id === id);
  if (!entry) {
    throw new BoxauditError('BOXAUDIT_USAGE', `unknown vendor "${id}"; known: ${adapterIds().join(', ')}`);
  }
  return entry.load();
}

/** The credential needs as the suggestion prints them: `a|b` either, `x?` optional. */
export function credentialStrings(needs: readonly CredentialNeed[]): string[] {
  return needs.map((n) => `${n.anyOf.join('|')}${n.optional ? '?' : ''}`);
}
