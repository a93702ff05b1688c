import type { AdapterMeta, AdapterTransport, CredentialNeed, Evidence, EvidenceField } from './types.js';

/**
 * Declarations that several adapters' metadata (`src/adapters/<id>.meta.ts`) share because they
 * say the same thing: the SSH routers' login and transports, the description fields, and the
 * evidence of a box two adapters read. Plain values only, no import but types: the metas stay light
 * and scripts/gen-adapter-texts.mjs evaluates this module with them.
 */

/** A router read over SSH, or offline from its exported configuration (`audit --from`). */
export const SSH_OR_FILE: readonly AdapterTransport[] = ['ssh', 'file'];

/** An SSH login: a user name, then a private key, the SSH agent or a password. */
export const SSH_LOGIN: readonly CredentialNeed[] = [
  { anyOf: ['username'] },
  { anyOf: ['privateKey', 'agent', 'password'] },
];

/** A login to a router's web API with a user name and a password. */
export const USER_AND_PASSWORD: readonly CredentialNeed[] = [
  { anyOf: ['username'] },
  { anyOf: ['password'] },
];

/**
 * A router whose configuration is read over SSH or from its export (EdgeOS, VyOS, pfSense, OPNsense):
 * it shows static forwards, the DMZ, whether UPnP is on, and remote administration (the UPnP
 * mappings live in the running daemon); the SSH login.
 */
export const SSH_CONFIG_ROUTER: Pick<AdapterMeta, 'transports' | 'capabilities' | 'credentials'> = {
  transports: SSH_OR_FILE,
  capabilities: ['static-forwards', 'dmz', 'upnp-state', 'remote-admin'],
  credentials: SSH_LOGIN,
};

/** Every field that names the product: the UPnP description, the SSDP server line and the web banner. */
export const PRODUCT_FIELDS: readonly EvidenceField[] = [
  'server',
  'manufacturer',
  'model',
  'friendlyName',
  'modelDescription',
  'manufacturerUrl',
  'banner',
];

/** miniupnpd on FreeBSD is how pfSense/OPNsense answer SSDP. */
export const FREEBSD_MINIUPNPD: Evidence = {
  fields: ['server'],
  pattern: /freebsd/i,
  weight: 0.3,
  reason: 'FreeBSD miniupnpd (pfSense or OPNsense likely)',
};

/** A Ubiquiti device (EdgeRouter or UniFi console), counting `weight` for the adapter that reads it. */
export function ubiquitiDevice(weight: number): Evidence {
  return {
    fields: ['manufacturer', 'manufacturerUrl'],
    pattern: /ubiquiti|ui\.com/i,
    weight,
    reason: 'Ubiquiti device',
  };
}

/**
 * MikroTik RouterOS, over SSH (`routeros`) or its REST API (`routeros-rest`): manufacturer "MikroTik",
 * model "Router OS"; WebFig title "RouterOS router configuration page".
 */
export const MIKROTIK_EVIDENCE: readonly Evidence[] = [
  {
    fields: PRODUCT_FIELDS,
    pattern: /mikrotik|router\s?os\b/i,
    weight: 0.9,
    reason: 'MikroTik RouterOS in the device description or banner',
  },
  { fields: ['address'], pattern: /^192\.168\.88\.1$/, weight: 0.1, reason: 'MikroTik default address' },
];

/** OpenWrt, over SSH (`openwrt`) or ubus JSON-RPC (`openwrt-ubus`): its LAN host name. */
export const OPENWRT_HOSTNAMES: readonly string[] = ['openwrt.lan'];

/** OpenWrt: manufacturer "OpenWrt" in the UPnP description. */
export const OPENWRT_IN_DESCRIPTION: Evidence = {
  fields: ['manufacturer', 'model', 'friendlyName', 'modelDescription', 'server', 'manufacturerUrl'],
  pattern: /openwrt/i,
  weight: 0.85,
  reason: 'OpenWrt in the device description',
};

/** OpenWrt: openwrt.lan resolves to the gateway. */
export const OPENWRT_HOSTNAME: Evidence = {
  fields: ['hostname'],
  pattern: /^openwrt(\.lan)?$/i,
  weight: 0.7,
  reason: 'openwrt.lan resolves to the gateway',
};
