import {
  FREEBSD_MINIUPNPD,
  PRODUCT_FIELDS,
  ROUTER_CONFIG_CAPABILITIES,
  SSH_LOGIN,
  SSH_OR_FILE,
} from './meta-parts.js';
import type { AdapterMeta } from './types.js';

/** OPNsense (config.xml over SSH): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const opnsenseMeta: AdapterMeta = {
  id: 'opnsense',
  name: 'OPNsense (config.xml over SSH)',
  transports: SSH_OR_FILE,
  capabilities: ROUTER_CONFIG_CAPABILITIES,
  credentials: SSH_LOGIN,
  evidence: [
    { fields: PRODUCT_FIELDS, pattern: /opnsense/i, weight: 0.9, reason: 'OPNsense' },
    FREEBSD_MINIUPNPD,
  ],
};
