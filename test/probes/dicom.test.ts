/**
 * The DICOM probe against real DICOM peers on 127.0.0.1: dcmtk's storescp (accepts any calling AE
 * title; `--refuse` refuses every association) and, when installed, Orthanc (a real PACS) with and
 * without its called-AE check. Missing peers skip locally and fail under CI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { associateRequest, echoRequest, probeDicom } from '../../src/probes/dicom.js';
import { BOUNDS, freePort, LOOPBACK_SCOPE, type Peer, peerBinary, startOrthanc, startPeer } from './peers.js';

const options = { scope: LOOPBACK_SCOPE, ...BOUNDS };

describe('DICOM PDUs (PS3.8)', () => {
  it('writes an A-ASSOCIATE-RQ whose lengths and AE titles are where PS3.8 puts them', () => {
    const pdu = associateRequest('ANY-SCP', 'BOXAUDIT-PROBE', '1.2.3');
    expect(pdu[0]).toBe(0x01);
    expect(pdu.readUInt32BE(2)).toBe(pdu.length - 6);
    expect(pdu.readUInt16BE(6)).toBe(1);
    expect(pdu.subarray(10, 26).toString('ascii')).toBe('ANY-SCP         ');
    expect(pdu.subarray(26, 42).toString('ascii')).toBe('BOXAUDIT-PROBE  ');
    expect(pdu[74]).toBe(0x10); // application context item right after the 68-byte fixed part
    // UIDs are not padded inside items: the abstract syntax is followed at once by the transfer syntax item.
    expect(pdu.includes(Buffer.from('1.2.840.10008.1.1\x40\x00'))).toBe(true);
    expect(pdu.includes(Buffer.from('BOXAUDIT_1.2.3'))).toBe(true);
  });

  it('refuses an AE title that is not 1-16 printable characters', async () => {
    await expect(probeDicom('127.0.0.1', 1, { ...options, callingAeTitle: 'X'.repeat(17) })).rejects.toThrow(
      /AE title/,
    );
  });

  it('writes a C-ECHO-RQ with group length, command field 0x0030 and no data set', () => {
    const pdu = echoRequest(7);
    expect(pdu[0]).toBe(0x04);
    expect(pdu[11]).toBe(0x03);
    const command = pdu.subarray(12);
    expect(command.readUInt32LE(8)).toBe(command.length - 12);
    expect(command.includes(Buffer.from([0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x30, 0x00]))).toBe(
      true,
    );
    expect(command.includes(Buffer.from([0x00, 0x00, 0x10, 0x01, 0x02, 0x00, 0x00, 0x00, 0x07, 0x00]))).toBe(
      true,
    );
    expect(command.includes(Buffer.from([0x00, 0x00, 0x00, 0x08, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01]))).toBe(
      true,
    );
  });
});

const storescp = peerBinary('/usr/bin/storescp');
if (!storescp.available && process.env.CI) {
  it('has dcmtk storescp (CI must run the real DICOM peer)', () => {
    throw new Error(storescp.reason);
  });
}

describe.skipIf(!storescp.available)(`DICOM probe against dcmtk storescp ${storescp.reason}`, () => {
  // storescp has no bind option: it listens on every interface for the few seconds of the test;
  // the probe only ever connects to 127.0.0.1.
  const peers: Peer[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'boxaudit-storescp-'));
  let acceptingPort = 0;
  let refusingPort = 0;

  beforeAll(async () => {
    acceptingPort = await freePort();
    peers.push(
      await startPeer('storescp', ['-aet', 'PACS', '-od', dir, String(acceptingPort)], acceptingPort),
    );
    refusingPort = await freePort();
    peers.push(
      await startPeer(
        'storescp',
        ['-aet', 'PACS', '--refuse', '-od', dir, String(refusingPort)],
        refusingPort,
      ),
    );
  });
  afterAll(async () => {
    await Promise.all(peers.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports an association accepted from an unknown AE title, a successful C-ECHO and a clean release', async () => {
    const result = await probeDicom('127.0.0.1', acceptingPort, options);
    expect(result).toMatchObject({ status: 'confirmed', service: 'dicom', reason: null });
    expect(result.facts).toMatchObject({
      associationAccepted: true,
      callingAeTitle: 'BOXAUDIT-PROBE',
      calledAeTitle: 'ANY-SCP',
      presentationContextResult: 'acceptance',
      transferSyntax: '1.2.840.10008.1.2',
      echoStatus: 0,
      released: true,
    });
    expect(String(result.facts.peerImplementationClassUid)).toMatch(/^1\.2\.276\.0\.7230010\.3\./); // dcmtk's root
    expect(result.bytesSent).toBeGreaterThan(0);
  });

  it('reports the rejection, its source and reason, when the peer refuses the association', async () => {
    const result = await probeDicom('127.0.0.1', refusingPort, options);
    expect(result.status).toBe('confirmed');
    expect(result.facts.associationAccepted).toBe(false);
    expect(result.facts.rejectResult).toMatch(/^rejected-/);
    expect(result.facts.rejectSource).toBe('service-user');
    expect(result.facts).not.toHaveProperty('echoStatus');
  });

  it('is silent on a port where nothing listens', async () => {
    const result = await probeDicom('127.0.0.1', await freePort(), options);
    expect(result).toMatchObject({ status: 'silent', reason: 'CONNECTION_REFUSED', service: null });
  });
});

const orthanc = peerBinary('/usr/sbin/Orthanc');
if (!orthanc.available && process.env.CI) {
  it('has Orthanc (CI must run the real PACS)', () => {
    throw new Error(orthanc.reason);
  });
}

describe.skipIf(!orthanc.available)(`DICOM probe against Orthanc ${orthanc.reason}`, () => {
  const started: Array<{ peer: Peer; dir: string }> = [];
  let open = { dicomPort: 0, httpPort: 0 };
  let checked = { dicomPort: 0 };

  beforeAll(async () => {
    const a = await startOrthanc({});
    const b = await startOrthanc({ DicomCheckCalledAet: true });
    started.push(a, b);
    open = a;
    checked = b;
  });
  afterAll(async () => {
    for (const { peer, dir } of started) {
      await peer.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an Orthanc with its defaults accepts the unknown AE title and answers C-ECHO', async () => {
    const result = await probeDicom('127.0.0.1', open.dicomPort, options);
    expect(result.status).toBe('confirmed');
    expect(result.facts).toMatchObject({ associationAccepted: true, echoStatus: 0, released: true });
    // Orthanc speaks DICOM through dcmtk, so it announces dcmtk's implementation version.
    expect(String(result.facts.peerImplementationVersion)).toMatch(/^OFFIS_DCMTK/);
  });

  it('an Orthanc checking the called AE title rejects the generic one, saying so', async () => {
    const result = await probeDicom('127.0.0.1', checked.dicomPort, options);
    expect(result.status).toBe('confirmed');
    expect(result.facts).toMatchObject({
      associationAccepted: false,
      rejectSource: 'service-user',
      rejectReason: 'called-ae-title-not-recognized',
    });
  });

  it("probed as DICOM, Orthanc's web port says a different service (http) answers", async () => {
    const result = await probeDicom('127.0.0.1', open.httpPort, options);
    expect(result).toMatchObject({ status: 'different', service: 'http' });
  });

  it('the same Orthanc accepts when the called AE title is its own', async () => {
    const result = await probeDicom('127.0.0.1', checked.dicomPort, { ...options, calledAeTitle: 'ORTHANC' });
    expect(result.facts).toMatchObject({ associationAccepted: true, echoStatus: 0 });
  });
});
