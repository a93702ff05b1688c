/**
 * The outside-in view in every report format and both languages (issue 13): a PACS confirmed by a
 * probe and reached from the vantage host, a stale forward the vantage host could not reach, and a
 * UDP forward nobody could test; then the same box tested by hairpin.
 */

import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/audit.js';
import { emptyGatewayInfo } from '../../src/model/gateway.js';
import type { ForwardReachability, PortForward, Snapshot } from '../../src/model/types.js';
import { checkSnapshot } from '../../src/model/validate.js';
import { render } from '../../src/reporters/index.js';
import { loadRuleSet } from '../../src/rules/load.js';
import { SCHEMA_VERSION } from '../../src/version.js';
import { schemaValidators } from '../cli/helpers.js';

const VANTAGE = 'msp@198.51.100.7:22';

function forward(
  ext: number,
  protocol: 'tcp' | 'udp',
  probe: PortForward['probe'],
  reachable: ForwardReachability,
): PortForward {
  return {
    id: `fwd_${ext}_${protocol}`,
    source: 'upnp',
    protocol,
    externalPort: { start: ext, end: ext },
    internalHost: '192.168.1.20',
    internalPort: { start: ext, end: ext },
    remoteHost: null,
    enabled: true,
    description: `lab ${ext}`,
    leaseSeconds: 3600,
    provenance: { adapter: 'upnp-igd', transport: 'upnp-soap' },
    probe,
    reachable,
  };
}

const pacsProbe: PortForward['probe'] = {
  status: 'confirmed',
  family: 'dicom',
  service: 'dicom',
  reason: null,
  facts: { associationAccepted: true, echoStatus: 0 },
  target: { host: '192.168.1.20', port: 104 },
  bytesSent: 279,
  bytesReceived: 233,
};
const silent: PortForward['probe'] = {
  status: 'silent',
  family: 'rdp',
  service: null,
  reason: 'CONNECTION_REFUSED',
  facts: {},
  target: { host: '192.168.1.20', port: 3389 },
  bytesSent: 0,
  bytesReceived: 0,
};
const udp: PortForward['probe'] = { ...silent, status: 'skipped', family: null, reason: 'UDP', target: null };

function box(method: 'vantage' | 'hairpin'): Snapshot {
  const v = method === 'vantage';
  return {
    target: { kind: 'upnp', address: 'http://192.168.1.1:5000/rootDesc.xml', adapter: 'upnp-igd' },
    collectedAt: '2026-06-01T12:00:00.000Z',
    gateway: { ...emptyGatewayInfo('192.168.1.1'), externalIp: '11.0.0.2' },
    forwards: [
      forward(104, 'tcp', pacsProbe, { fromInternet: true, method, reason: 'CONNECTED' }),
      forward(
        3389,
        'tcp',
        silent,
        v
          ? { fromInternet: false, method, reason: 'REFUSED' }
          : { fromInternet: null, method, reason: 'REFUSED' },
      ),
      forward(1194, 'udp', udp, { fromInternet: null, method, reason: 'UDP' }),
    ],
    dmz: null,
    upnp: null,
    remoteAdmin: null,
    lanPrefixes: ['192.168.1.0/24'],
    coverage: [],
    warnings: [],
    probes: {
      mode: 'standard',
      probed: 2,
      skipped: 1,
      scope: ['192.168.1.0/24'],
      sentOutside: [
        v
          ? {
              what: 'an SSH connection; …',
              to: VANTAGE,
              kind: 'vantage',
              address: '11.0.0.2',
              ports: [104, 3389],
            }
          : {
              what: 'TCP connections without data (hairpin check) to port(s) 104, 3389',
              to: "11.0.0.2 (the box's public address)",
              kind: 'hairpin',
              address: '11.0.0.2',
              ports: [104, 3389],
            },
      ],
      vantage: v ? VANTAGE : null,
      internetDb: null,
    },
  };
}

async function reportOf(method: 'vantage' | 'hairpin') {
  const snapshot = checkSnapshot(box(method));
  expect(snapshot.forwards.every((f) => f.reachable !== undefined)).toBe(true);
  return buildReport([snapshot], await loadRuleSet(), { now: '2026-06-01T12:00:00Z' });
}

describe('reachability in the reports', () => {
  it('JSON: evidence.reachable on each finding, summary.reachability next to exposures; schema-valid', async () => {
    const report = await reportOf('vantage');
    const json = JSON.parse(render(report, { format: 'json', lang: 'en' }));
    expect(json.schemaVersion).toBe(SCHEMA_VERSION);
    expect(schemaValidators().report(json)).toBe('');
    const pacs = json.findings.filter((f: { forwardId: string }) => f.forwardId === 'fwd_104_tcp');
    expect(pacs.length).toBeGreaterThan(0);
    for (const f of pacs)
      expect(f.evidence.reachable).toEqual({ fromInternet: true, method: 'vantage', reason: 'CONNECTED' });
    const onPacs = pacs.filter((f: { status: string }) => f.status === 'fail').length;
    const onRdp = json.findings.filter(
      (f: { forwardId: string; status: string }) => f.forwardId === 'fwd_3389_tcp' && f.status === 'fail',
    ).length;
    expect(json.summary.reachability).toMatchObject({
      method: 'vantage',
      reachable: onPacs,
      reachableConfirmed: onPacs,
      notReachable: onRdp,
    });
  });

  it('text, Markdown, SARIF and HTML, in English and French', async () => {
    const report = await reportOf('vantage');
    const text = render(report, { format: 'text', lang: 'en' });
    expect(text).toContain(
      `reachable from the Internet: the vantage host ${VANTAGE} connected to the public address`,
    );
    expect(text).toContain(`not reachable from the vantage host ${VANTAGE} (connection refused)`);
    expect(text).toMatch(
      /From the Internet \(tested from the vantage host msp@198\.51\.100\.7:22\): \d+ of these exposures are reachable \(\d+ also confirmed by a probe\), 1 is not/,
    );
    expect(text).toContain(
      `Sent outside the local network: an SSH connection to the vantage host ${VANTAGE}; from there, TCP connections without any data to the box's public address 11.0.0.2 (ports: 104, 3389).`,
    );
    const fr = render(report, { format: 'text', lang: 'fr' });
    expect(fr).toContain(`joignable depuis Internet : la machine extérieure ${VANTAGE}`);
    expect(fr).toContain(`non joignable depuis la machine extérieure ${VANTAGE} (connexion refusée)`);
    expect(fr).toMatch(
      /Depuis Internet \(test fait depuis la machine extérieure msp@198\.51\.100\.7:22\)\s: \d+ de ces expositions sont joignables/,
    );
    expect(fr).toContain('Envoyé hors du réseau local : une connexion SSH vers la machine extérieure');
    const md = render(report, { format: 'markdown', lang: 'fr' });
    expect(md).toContain('Depuis Internet');
    // Markdown keeps an e-mail-like user@host from becoming a link.
    expect(md).toContain('non joignable depuis la machine extérieure msp\\[@\\]198.51.100.7:22');
    const sarif = JSON.parse(render(report, { format: 'sarif', lang: 'en' }));
    const results = sarif.runs[0].results as Array<{
      message: { text: string };
      properties?: { evidence?: unknown };
    }>;
    expect(
      results.some((r) => r.message.text.includes('reachable from the Internet: the vantage host')),
    ).toBe(true);
    expect(results.some((r) => JSON.stringify(r.properties?.evidence).includes('"fromInternet":true'))).toBe(
      true,
    );
    const html = render(report, { format: 'html', lang: 'fr' });
    expect(html).toContain('Depuis Internet (test fait depuis la machine extérieure');
    expect(html).toContain('joignable depuis Internet');
  });

  it('hairpin: weaker evidence said so; a failure proves nothing, never "not reachable"', async () => {
    const report = await reportOf('hairpin');
    expect(report.summary.reachability).toMatchObject({ method: 'hairpin', notReachable: 0 });
    const text = render(report, { format: 'text', lang: 'en' });
    expect(text).toContain('hairpin test: weaker evidence than a test from outside');
    expect(text).toContain('the public address did not answer from inside the network (connection refused)');
    expect(text).toContain('Hairpin test from inside the network (weaker evidence than a test from outside)');
    expect(text).not.toContain('not reachable from');
    const fr = render(report, { format: 'text', lang: 'fr' });
    expect(fr).toContain('Test en boucle depuis le réseau local (preuve plus faible');
    expect(fr).toContain('Envoyé à l’adresse publique de la box 11.0.0.2, depuis le réseau local');
  });
});
