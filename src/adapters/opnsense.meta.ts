import type { AdapterMeta } from './types.js';

/** OPNsense (config.xml over SSH): metadata only (no transport, no adapter code; src/adapters/registry.ts). */
export const opnsenseMeta: AdapterMeta = {
  id: 'opnsense',
  name: 'OPNsense (config.xml over SSH)',
  transports: ['ssh', 'file'],
  capabilities: ['static-forwards', 'dmz', 'upnp-state', 'remote-admin'],
  credentials: [{ anyOf: ['username'] }, { anyOf: ['privateKey', 'agent', 'password'] }],
  evidence: [
    // miniupnpd on FreeBSD is how pfSense/OPNsense answer SSDP.
    {
      fields: [
        'server',
        'manufacturer',
        'model',
        'friendlyName',
        'modelDescription',
        'manufacturerUrl',
        'banner',
      ],
      pattern: /opnsense/i,
      weight: 0.9,
      reason: 'OPNsense',
    },
    {
      fields: ['server'],
      pattern: /freebsd/i,
      weight: 0.3,
      reason: 'FreeBSD miniupnpd (pfSense or OPNsense likely)',
    },
  ],
};
