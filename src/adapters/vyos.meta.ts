import { PRODUCT_FIELDS, SSH_CONFIG_ROUTER } from './meta-parts.js';
import type { AdapterMeta } from './types.js';

/** VyOS 1.3+ (SSH): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const vyosMeta: AdapterMeta = {
  id: 'vyos',
  name: 'VyOS 1.3+ (SSH)',
  ...SSH_CONFIG_ROUTER,
  evidence: [{ fields: PRODUCT_FIELDS, pattern: /vyos/i, weight: 0.9, reason: 'VyOS' }],
};
