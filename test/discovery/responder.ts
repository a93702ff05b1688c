/**
 * A fake SSDP responder for tests: a UDP socket on 127.0.0.1 (or ::1), ephemeral port. It records
 * every M-SEARCH it receives (in order, with a sequence number shared with its replies) and lets
 * the test decide what to answer. Loopback only: it never sends anywhere but back to the asker.
 */
import { createSocket, type RemoteInfo } from 'node:dgram';

export interface SearchRequest {
  seq: number;
  st: string | null;
  mx: string | null;
  host: string | null;
  man: string | null;
  text: string;
  from: RemoteInfo;
}

export type TimelineEntry =
  | { seq: number; kind: 'request'; st: string | null }
  | { seq: number; kind: 'reply'; bytes: number };

export interface Responder {
  port: number;
  address: string;
  requests: SearchRequest[];
  timeline: TimelineEntry[];
  /** Send one datagram back to whoever sent `request`. */
  reply(request: SearchRequest, payload: string | Buffer): Promise<void>;
  close(): Promise<void>;
}

export type Handler = (request: SearchRequest, responder: Responder) => void | Promise<void>;

function header(text: string, name: string): string | null {
  const match = new RegExp(`^${name}:[ \\t]*(.*?)\\r?$`, 'im').exec(text);
  return match?.[1] ?? null;
}

export async function startResponder(handler: Handler, address = '127.0.0.1'): Promise<Responder> {
  const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address, port: 0 }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  let seq = 0;
  let closed = false;
  const responder: Responder = {
    port: socket.address().port,
    address,
    requests: [],
    timeline: [],
    reply(request, payload) {
      if (closed) return Promise.resolve();
      const buffer = typeof payload === 'string' ? Buffer.from(payload) : payload;
      responder.timeline.push({ seq: ++seq, kind: 'reply', bytes: buffer.length });
      return new Promise((resolve) =>
        socket.send(buffer, request.from.port, request.from.address, () => resolve()),
      );
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise((resolve) => socket.close(() => resolve()));
    },
  };
  socket.on('message', (message, from) => {
    const text = message.toString('utf8');
    const request: SearchRequest = {
      seq: ++seq,
      st: header(text, 'ST'),
      mx: header(text, 'MX'),
      host: header(text, 'HOST'),
      man: header(text, 'MAN'),
      text,
      from,
    };
    responder.requests.push(request);
    responder.timeline.push({ seq: request.seq, kind: 'request', st: request.st });
    void handler(request, responder);
  });
  return responder;
}

/** A search answer as UDA 1.1 §1.3.3 writes it; `eol` lets tests send bare-LF answers. */
export function searchAnswer(fields: {
  st: string;
  location?: string | null;
  usn?: string | null;
  server?: string | null;
  eol?: string;
  extra?: string[];
  lowerCaseNames?: boolean;
}): string {
  const name = (n: string) => (fields.lowerCaseNames ? n.toLowerCase() : n);
  const lines = ['HTTP/1.1 200 OK', `${name('CACHE-CONTROL')}: max-age=120`, `${name('ST')}: ${fields.st}`];
  if (fields.location !== null)
    lines.push(`${name('LOCATION')}: ${fields.location ?? 'http://127.0.0.1:5000/rootDesc.xml'}`);
  if (fields.usn !== null)
    lines.push(`${name('USN')}: ${fields.usn ?? `uuid:11111111-2222-3333-4444-555555555555::${fields.st}`}`);
  if (fields.server !== null)
    lines.push(`${name('SERVER')}: ${fields.server ?? 'Linux/6.1 UPnP/1.1 MiniUPnPd/2.3.7'}`);
  lines.push(`${name('EXT')}:`, ...(fields.extra ?? []));
  const eol = fields.eol ?? '\r\n';
  return `${lines.join(eol)}${eol}${eol}`;
}

/**
 * Count of open UDP handles in this process (dgram sockets show as `UDPWrap`), after letting
 * handles closed earlier (e.g. a previous test's responder) finish closing.
 */
export async function openUdpHandles(): Promise<number> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  return process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
}
