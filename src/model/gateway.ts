import type { GatewayInfo } from './types.js';

/** A GatewayInfo with every field unknown (`null`), for adapters to fill in what they read. */
export function emptyGatewayInfo(address: string | null): GatewayInfo {
  return {
    address,
    descriptionUrl: null,
    manufacturer: null,
    model: null,
    modelNumber: null,
    friendlyName: null,
    udn: null,
    server: null,
    externalIp: null,
    doubleNat: null,
    connectionStatus: null,
    connectionType: null,
    uptimeSeconds: null,
    natEnabled: null,
    services: [],
  };
}
