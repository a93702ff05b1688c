/**
 * Runs inside the lab's gw namespace (started with `lab.spawnNode`): the loopback FRITZ!Box TR-064
 * simulator (test/sim/vendors/fritzbox.ts, built from AVM's documented formats, not a real box) made
 * reachable where a real FRITZ!Box answers TR-064: the gateway's LAN address, port 49000. The
 * simulator only listens on 127.0.0.1, so a plain TCP relay carries the bytes; the relay sees no
 * HTTP and changes nothing. Every request the simulator records is appended, one JSON line each,
 * to `logFile` at the moment it is recorded (before the answer is sent), so the test can read the
 * complete log as soon as the CLI has exited.
 */
import { appendFileSync } from 'node:fs';
import net from 'node:net';
import { type FritzboxSimOptions, type SimRequest, startFritzboxSimulator } from '../sim/vendors/fritzbox.js';

export interface FritzboxGatewayOptions {
  /** Where the box answers TR-064, e.g. 10.77.0.1. */
  listenHost: string;
  /** Default 49000, the FRITZ!Box TR-064 http port. */
  listenPort?: number;
  /** JSON lines of {@link SimRequest}, appended as they happen. */
  logFile: string;
  sim: FritzboxSimOptions;
}

/** A relayed connection that stays idle this long is closed (the CLI's requests take milliseconds). */
const IDLE_MS = 30_000;

/** Start the simulator and the relay; print one `{"ready":…}` line; never resolve (killed at teardown). */
export async function serveFritzboxOnGateway(options: FritzboxGatewayOptions): Promise<never> {
  const sim = await startFritzboxSimulator(options.sim);
  const record = Array.prototype.push;
  sim.requests.push = (...items: SimRequest[]): number => {
    for (const item of items) appendFileSync(options.logFile, `${JSON.stringify(item)}\n`);
    return record.apply(sim.requests, items);
  };
  const relay = net.createServer((downstream) => {
    const upstream = net.connect(sim.port, '127.0.0.1');
    const close = () => {
      downstream.destroy();
      upstream.destroy();
    };
    for (const socket of [downstream, upstream]) {
      socket.setTimeout(IDLE_MS, close);
      socket.on('error', close);
      socket.on('close', close);
    }
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  });
  const port = options.listenPort ?? 49000;
  await new Promise<void>((resolve, reject) => {
    relay.once('error', reject);
    relay.listen(port, options.listenHost, resolve);
  });
  process.stdout.write(`${JSON.stringify({ ready: `http://${options.listenHost}:${port}` })}\n`);
  return new Promise<never>(() => {
    // Serve until the lab kills this process.
  });
}
