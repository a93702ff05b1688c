import { FREEBSD_MINIUPNPD, PRODUCT_FIELDS, SSH_CONFIG_ROUTER } from './meta-parts.js';
import type { AdapterMeta } from './types.js';

/** OPNsense (config.xml over SSH): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const opnsenseMeta: AdapterMeta = {
  id: 'opnsense',
  name: 'OPNsense (config.xml over SSH)',
  ...SSH_CONFIG_ROUTER,
  evidence: [
    { fields: PRODUCT_FIELDS, pattern: /opnsense/i, weight: 0.9, reason: 'OPNsense' },
    FREEBSD_MINIUPNPD,
  ],
};
