/**
 * A loopback SSH "Linux router" for the packaging tests (the packed tarball, the standalone
 * program): ssh2's own server offering only `cipher`, accepting one password for user `audit`, and
 * answering `nft -j list ruleset` with the lab's real nft capture; any other command is "not found".
 * It records every command line it is sent.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';

const NFT = readFileSync(new URL('../fixtures/configs/linux/nft-lab-capture.json', import.meta.url));

export interface NftSshBox {
  port: number;
  /** The host key's `SHA256:…` fingerprint, for `--host-key`. */
  fingerprint: string;
  sent: string[];
  close(): Promise<void>;
}

export async function startNftSshBox(options: { cipher: string; password: string }): Promise<NftSshBox> {
  // ssh2's own ed25519 generator writes about 1 key in 200 that its parser then calls malformed: retry.
  let key = ssh2.utils.generateKeyPairSync('ed25519');
  for (let i = 0; i < 20 && ssh2.utils.parseKey(key.private) instanceof Error; i++) {
    key = ssh2.utils.generateKeyPairSync('ed25519');
  }
  const blob = Buffer.from(key.public.split(' ')[1]!, 'base64');
  const fingerprint = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
  const sent: string[] = [];
  const server = new ssh2.Server(
    { hostKeys: [key.private], algorithms: { cipher: [options.cipher] as ssh2.CipherAlgorithm[] } },
    (client) => {
      client.on('authentication', (ctx) => {
        if (ctx.method === 'password' && ctx.username === 'audit' && ctx.password === options.password)
          ctx.accept();
        else ctx.reject(['password']);
      });
      client.on('ready', () => {
        client.on('session', (accept) => {
          accept().on('exec', (acceptExec, _reject, info) => {
            const stream = acceptExec();
            sent.push(info.command);
            if (info.command === 'nft -j list ruleset') {
              stream.write(NFT);
              stream.exit(0);
            } else {
              stream.stderr.write(`${info.command.split(' ')[0]}: not found\n`);
              stream.exit(127);
            }
            stream.end();
          });
        });
      });
      client.on('error', () => undefined);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { port, fingerprint, sent, close };
}
