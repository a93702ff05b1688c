import type { AdapterMeta } from './types.js';

/** Linux router (nftables / iptables) over SSH: metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const linuxMeta: AdapterMeta = {
  id: 'linux',
  name: 'Linux router (nftables / iptables) over SSH',
  transports: ['ssh', 'file'],
  capabilities: ['static-forwards', 'upnp-mappings', 'dmz', 'remote-admin'],
  credentials: [{ anyOf: ['username'] }, { anyOf: ['privateKey', 'agent', 'password'] }],
  evidence: [
    // miniupnpd on Linux: any Linux router with SSH fits.
    {
      fields: ['server'],
      pattern: /^linux\b/i,
      weight: 0.2,
      reason: 'Linux IGD (an SSH login would show nftables/iptables)',
    },
  ],
};
