/**
 * `vyos`: VyOS 1.1 to 1.5 read over SSH with `show configuration commands`, or offline from that output or
 * from `/config/config.boot`. Reads `nat destination rule N …` in every syntax (1.3 `inbound-interface
 * 'eth0'`, 1.4+ `inbound-interface name 'eth0'`), `service upnp`, and remote admin (`service https|ssh`)
 * against what filters the WAN. The reading itself is formats/vyatta.ts (with EdgeOS's: the two forks
 * share their rules); the tree, the WAN and the groups are formats/vyatta-config.ts.
 */
import { parseVyos } from '../formats/vyatta.js';
import { vyattaSshAdapter } from './edgeos.js';
import type { Adapter } from './types.js';
import { vyosMeta } from './vyos.meta.js';

/** The `vyos` adapter (SSH). */
export const vyosAdapter: Adapter = vyattaSshAdapter(vyosMeta, parseVyos);
