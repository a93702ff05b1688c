import type { RemoteAdminService, RemoteAdminState } from './types.js';

/** Remote admin as a whole: on when a service is open to the WAN, off when all are closed, else unknown. */
export function remoteAdminOf(services: RemoteAdminService[]): RemoteAdminState {
  const enabled = services.some((s) => s.wan === true)
    ? true
    : services.every((s) => s.wan === false)
      ? false
      : null;
  return { enabled, services };
}
