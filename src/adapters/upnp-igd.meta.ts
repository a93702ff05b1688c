import type { AdapterMeta } from './types.js';

/** UPnP Internet Gateway Device: metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const upnpIgdMeta: AdapterMeta = {
  id: 'upnp-igd',
  name: 'UPnP Internet Gateway Device',
  transports: ['upnp-soap'],
  capabilities: ['upnp-mappings', 'upnp-state', 'gateway-info'],
  credentials: [],
  evidence: [],
  fallback: true,
};
