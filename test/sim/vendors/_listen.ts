import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface Listening {
  url: string;
  port: number;
  /** Stop listening and drop kept-alive connections (a client's idle socket must not hold the test). */
  close: () => Promise<void>;
}

/** Start a simulator on 127.0.0.1, on a free port: simulators never listen beyond loopback. */
export async function listenOnLoopback(
  server: HttpServer | HttpsServer,
  scheme: 'http' | 'https' = 'http',
): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
