// The floor for a GetGenericPortMappingEntry walk: plain Node, raw sockets, no parsing beyond
// "did a reply come back". Sends N requests (index 0..N-1), each over a fresh TCP connection with
// `Connection: close`, as boxaudit does: one at a time, or with IN_FLIGHT requests in flight (boxaudit
// walks miniupnpd with 3). Prints how many replies held a mapping.
// Usage: node bench/upnp-floor.mjs CONTROL_URL SERVICE_TYPE COUNT [IN_FLIGHT]
import { connect } from 'node:net';

const [controlUrl, serviceType, countText] = process.argv.slice(2);
const url = new URL(controlUrl);
const count = Number(countText);
const inFlight = Number(process.argv[5] ?? 1);

function request(index) {
  const body =
    '<?xml version="1.0" encoding="utf-8"?>\r\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" ' +
    's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>' +
    `<u:GetGenericPortMappingEntry xmlns:u="${serviceType}"><NewPortMappingIndex>${index}</NewPortMappingIndex>` +
    '</u:GetGenericPortMappingEntry></s:Body></s:Envelope>\r\n';
  return (
    `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: text/xml; charset="utf-8"\r\n` +
    `SOAPAction: "${serviceType}#GetGenericPortMappingEntry"\r\nConnection: close\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

function once(index) {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port || 80), url.hostname);
    const chunks = [];
    socket.on('connect', () => socket.end(request(index)));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

let found = 0;
let next = 0;
async function worker() {
  while (next < count) {
    const reply = await once(next++);
    if (reply.includes('<NewExternalPort>')) found++;
  }
}
await Promise.all(Array.from({ length: inFlight }, worker));
console.log(String(found));
