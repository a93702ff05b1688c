/**
 * The one write (DeletePortMapping, for `boxaudit fix`) against the loopback IGD simulator, and the
 * proof that the audit cannot send it: the read-only allowlist refuses it, only src/upnp/write.ts
 * names it as something to send, and only the fix command imports that module.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectUpnp, upnpIgd } from '../../src/adapters/upnp-igd.js';
import { type IgdSimulator, type SimMapping, startIgdSimulator } from '../../src/demo/igd-simulator.js';
import { soapCall, UPNP_READ_ONLY_ACTIONS } from '../../src/transport/soap.js';
import { mappingFromRaw, openUpnpFixClient, UPNP_FIX_ACTIONS } from '../../src/upnp/write.js';
import { failure } from '../adapters/helpers.js';
import { withoutComments } from '../i18n/coverage-codes.js';

const MAPPINGS: SimMapping[] = [
  {
    protocol: 'TCP',
    externalPort: 104,
    internalClient: '192.168.1.20',
    internalPort: 104,
    description: 'PACS',
  },
  {
    protocol: 'UDP',
    externalPort: 104,
    internalClient: '192.168.1.20',
    internalPort: 104,
    description: 'other',
  },
  { protocol: 'TCP', externalPort: 3389, internalClient: '192.168.1.30', internalPort: 3389 },
];

let sims: IgdSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function sim(deletable = true): Promise<IgdSimulator> {
  const s = await startIgdSimulator({ mappings: MAPPINGS, deletable });
  sims.push(s);
  return s;
}

async function mappingsOf(s: IgdSimulator) {
  const snapshot = await collectUpnp(s.descriptionUrl);
  return snapshot.forwards.map((f) => ({ forward: f, mapping: mappingFromRaw(f.provenance.raw)! }));
}

describe('openUpnpFixClient', () => {
  it('removes exactly the mapping asked for (protocol, port and remote host), checking it first', async () => {
    const s = await sim();
    const [pacs] = await mappingsOf(s);
    expect(pacs!.mapping).toMatchObject({
      externalPort: 104,
      protocol: 'TCP',
      internalClient: '192.168.1.20',
    });
    const client = await openUpnpFixClient(s.descriptionUrl);
    s.requests.length = 0;
    expect(await client.remove(pacs!.mapping)).toEqual({ status: 'removed' });
    expect(s.requests.map((r) => r.action)).toEqual(['GetSpecificPortMappingEntry', 'DeletePortMapping']);
    expect(s.requests[1]!.args).toEqual({ NewRemoteHost: '', NewExternalPort: '104', NewProtocol: 'TCP' });
    const left = (await mappingsOf(s)).map((m) => `${m.mapping.protocol} ${m.mapping.externalPort}`);
    expect(left).toEqual(['UDP 104', 'TCP 3389']);
  });

  it('a mapping gone since the audit is "gone"; one now sent elsewhere is left alone', async () => {
    const s = await sim();
    const [pacs, , rdp] = await mappingsOf(s);
    const client = await openUpnpFixClient(s.descriptionUrl);
    expect(await client.remove(pacs!.mapping)).toEqual({ status: 'removed' });
    expect(await client.remove(pacs!.mapping)).toEqual({ status: 'gone' });
    s.requests.length = 0;
    const moved = { ...rdp!.mapping, internalClient: '192.168.1.99' };
    expect(await client.remove(moved)).toEqual({
      status: 'changed',
      internalClient: '192.168.1.30',
      internalPort: '3389',
    });
    expect(s.requests.map((r) => r.action)).toEqual(['GetSpecificPortMappingEntry']);
  });

  it('a box that refuses: a failed outcome with its UPnP error, no throw', async () => {
    const s = await sim(false);
    const [pacs] = await mappingsOf(s);
    const client = await openUpnpFixClient(s.descriptionUrl);
    const outcome = await client.remove(pacs!.mapping);
    expect(outcome.status).toBe('failed');
    expect(outcome.status === 'failed' && outcome.message).toContain('UPnP error 401');
  });

  it('a control URL the description does not list is not contacted', async () => {
    const s = await sim();
    const [pacs] = await mappingsOf(s);
    const client = await openUpnpFixClient(s.descriptionUrl);
    s.requests.length = 0;
    const outcome = await client.remove({ ...pacs!.mapping, controlUrl: 'http://127.0.0.2:1/ctl/IPConn' });
    expect(outcome.status).toBe('failed');
    expect(s.requests).toEqual([]);
  });

  it('mappingFromRaw refuses what it cannot name exactly (wildcard port, unknown protocol, no client)', () => {
    const raw = {
      controlUrl: 'http://127.0.0.1:5000/ctl/IPConn',
      NewRemoteHost: '',
      NewExternalPort: '104',
      NewProtocol: 'TCP',
      NewInternalClient: '10.0.0.2',
      NewInternalPort: '104',
    };
    expect(mappingFromRaw(raw)).not.toBeNull();
    expect(mappingFromRaw({ ...raw, NewExternalPort: '0' })).toBeNull();
    expect(mappingFromRaw({ ...raw, NewProtocol: 'ALL' })).toBeNull();
    expect(mappingFromRaw({ ...raw, NewInternalClient: '' })).toBeNull();
    expect(mappingFromRaw({ ...raw, controlUrl: undefined })).toBeNull();
    expect(mappingFromRaw(null)).toBeNull();
  });
});

describe('the audit cannot send DeletePortMapping', () => {
  it('the read-only allowlist lacks it; the fix allowlist adds it and nothing else', () => {
    expect(UPNP_READ_ONLY_ACTIONS as readonly string[]).not.toContain('DeletePortMapping');
    expect(upnpIgd.meta.allowlist).not.toContain('DeletePortMapping');
    expect(
      UPNP_FIX_ACTIONS.filter((a) => !(UPNP_READ_ONLY_ACTIONS as readonly string[]).includes(a)),
    ).toEqual(['DeletePortMapping']);
  });

  it('soapCall with the default allowlist refuses it before a byte is sent', async () => {
    const s = await sim();
    const controlUrl = s.descriptionUrl.replace('/rootDesc.xml', '/ctl/IPConn');
    const error = await failure(
      soapCall(controlUrl, 'urn:schemas-upnp-org:service:WANIPConnection:1', 'DeletePortMapping', {
        NewRemoteHost: '',
        NewExternalPort: 104,
        NewProtocol: 'TCP',
      }),
    );
    expect(error.code).toBe('BOXAUDIT_NOT_ALLOWED');
    expect(s.requests).toEqual([]);
  });

  it('a full collection sends read-only actions only', async () => {
    const s = await sim();
    await collectUpnp(s.descriptionUrl);
    const sent = s.requests.filter((r) => r.method === 'POST').map((r) => r.action);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((a) => !(UPNP_READ_ONLY_ACTIONS as readonly string[]).includes(a))).toEqual([]);
  });

  it('only src/upnp/write.ts names it in code, and only the fix command imports that module', () => {
    const src = join(import.meta.dirname, '../../src');
    const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    const naming: string[] = [];
    const importing: string[] = [];
    for (const file of files) {
      const text = withoutComments(readFileSync(join(src, file), 'utf8'));
      if (text.includes('DeletePortMapping')) naming.push(relative(src, join(src, file)));
      const viaPath = /['"][^'"\n]*\/upnp\/write\.js['"]/.test(text);
      const sibling = file.startsWith('upnp/') && /['"]\.\/write\.js['"]/.test(text);
      if (viaPath || sibling) importing.push(file);
    }
    // The simulated box answers it (for fix tests); the demo never asks for it.
    expect(naming.sort()).toEqual(['demo/igd-simulator.ts', 'upnp/write.ts']);
    expect(importing).toEqual(['cli/commands/fix.ts']);
  });
});
