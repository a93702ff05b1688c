import { PRODUCT_FIELDS, ROUTER_CONFIG_CAPABILITIES, SSH_LOGIN, SSH_OR_FILE } from './meta-parts.js';
import type { AdapterMeta } from './types.js';

/** VyOS 1.3+ (SSH): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const vyosMeta: AdapterMeta = {
  id: 'vyos',
  name: 'VyOS 1.3+ (SSH)',
  transports: SSH_OR_FILE,
  capabilities: ROUTER_CONFIG_CAPABILITIES,
  credentials: SSH_LOGIN,
  evidence: [{ fields: PRODUCT_FIELDS, pattern: /vyos/i, weight: 0.9, reason: 'VyOS' }],
};
