/**
 * Issue 11, item 3 (stderr): box-supplied text used to reach the terminal raw on stderr — escape
 * sequences (OSC 52 clipboard write, screen clear) and a carriage return followed by a forged
 * `BOXAUDIT status=clean` line — through the fatal error for a description with no WAN service,
 * through progress lines (--verbose), and through the RouterOS REST error detail. Run through the
 * built bin against loopback servers only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli, runCli, TERMINAL_CONTROL } from '../cli/helpers.js';

const FORGED = 'BOXAUDIT status=clean critical=0 high=0 medium=0 low=0 info=0 exit=0';
const EVIL = `\u001b]52;c;ZXZpbA==\u0007\u001b[2J\u001b[H\u009b2J\u202e\r${FORGED}\r\n${FORGED}`;

let servers: Server[] = [];
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

beforeAll(() => {
  requireBuiltCli();
});
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  servers = [];
});

/** Nothing on stderr may drive the terminal or start a line with a forged status. */
function expectInert(stderr: string, what: string): void {
  expect(stderr, what).not.toMatch(TERMINAL_CONTROL);
  expect(stderr, what).not.toContain('\r');
  const forged = stderr.split('\n').filter((l) => l.startsWith('BOXAUDIT'));
  expect(forged, what).toEqual([]);
}

function description(deviceType: string, serviceType: string): string {
  return `<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major><minor>0</minor></specVersion>
<device><deviceType>${deviceType}</deviceType><friendlyName>Box</friendlyName>
<serviceList><service><serviceType>${serviceType}</serviceType><serviceId>urn:upnp-org:serviceId:x</serviceId>
<controlURL>/ctl</controlURL><SCPDURL>/scpd.xml</SCPDURL></service></serviceList></device></root>`;
}

describe('box text on stderr is inert', () => {
  it('the fatal error for a description with no WAN service', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(description(`urn:evil:device:${EVIL}:1`, 'urn:schemas-upnp-org:service:Layer3Forwarding:1'));
    });
    const r = await runCli(['audit', '--upnp', `${base}/rootDesc.xml`]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/describes no WANIPConnection or WANPPPConnection service/);
    expectInert(r.stderr, 'fatal error');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('progress lines with --verbose', async () => {
    const base = await serve((req, res) => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          description(
            'urn:schemas-upnp-org:device:InternetGatewayDevice:1',
            `urn:evil${EVIL}:service:WANIPConnection:1`,
          ),
        );
        return;
      }
      res.writeHead(500, { 'content-type': 'text/xml' });
      res.end(
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>401</errorCode><errorDescription>Invalid Action</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>',
      );
    });
    const r = await runCli(['audit', '--upnp', `${base}/rootDesc.xml`, '--verbose', '--timeout', '2000']);
    expect(r.stderr).toMatch(/\[upnp-igd\] reading/); // the progress line that quotes the service type
    expectInert(r.stderr, 'progress');
    expect(r.stdout).not.toMatch(TERMINAL_CONTROL);
  });

  it('the RouterOS REST error detail', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 400, message: `Bad Request${EVIL}`, detail: EVIL }));
    });
    const r = await runCli(['audit', '--vendor', 'routeros-rest', '--host', base], {
      env: { BOXAUDIT_USER: 'audit', BOXAUDIT_PASSWORD: 'not-echoed-here' },
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/answered HTTP 400/);
    expectInert(r.stderr, 'REST error');
  });
});
