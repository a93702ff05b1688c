/**
 * FRITZ!Box parsing on real material (../shared/vendor-captures/fritzbox, read in place, never
 * copied): the tr64desc.xml of a FRITZ!Box 7590 (FRITZ!OS 154.07.10), the SOAP replies embedded in
 * fritzconnection's tests (DeviceInfo GetInfo of a 7530 AX on 256.08.00, UPnPError faults), and the
 * action/output inventories that fritzbox_exporter lists from real boxes' SCPDs (7590 on 7.12 and
 * 8.25, 5530 Fiber on 8.20, 5690 Pro on 8.25, a 6591 Cable one that duplicates a 7590 file). No real
 * GetGenericPortMappingEntry reply with values exists there. Values below were read off the files.
 * The last test serves some of these real replies through the loopback simulator
 * (test/sim/vendors/fritzbox.ts, whose own replies are written from AVM's documents) to the adapter.
 */
import { expect, it } from 'vitest';
import {
  FRITZBOX_ALLOWLIST,
  fritzbox,
  fritzEntryToForwards,
  fritzOsVersion,
  parseTr64Description,
} from '../../src/adapters/fritzbox.js';
import { isBoxauditError } from '../../src/errors.js';
import type { Warning } from '../../src/model/types.js';
import { parseSoapResponse } from '../../src/transport/soap.js';
import { describeShared, readShared, readSharedJson } from '../shared-corpus.js';
import { startFritzboxSimulator } from '../sim/vendors/fritzbox.js';

const FB = (file: string) => readShared('vendor-captures', 'fritzbox', file);
const TR64 = 'urn:dslforum-org:service:';

const SOAPER = 'kbr__fritzconnection__fritzconnection__tests__test_soaper.py';
const TR64DESC = 'kbr__fritzconnection__fritzconnection__tests__xml__tr64desc.xml';

/** A triple-quoted Python string assigned to `name` (at any indentation) in fritzconnection's test. */
function pythonString(source: string, name: string): string {
  const m = new RegExp(`^\\s*${name} = """([\\s\\S]*?)"""`, 'm').exec(source);
  if (!m) throw new Error(`${name} not found`);
  return m[1]!;
}

/** The real DeviceInfo GetInfo reply (7530 AX, 256.08.00) of fritzconnection's test. */
function realDeviceInfo(): string {
  // The test file cuts the device log short (no </NewDeviceLog>): restore the closing tag only.
  return pythonString(FB(SOAPER), 'response')
    .trim()
    .replace(/(<NewDeviceLog>[\s\S]*?)(<\/u:GetInfoResponse>)/, '$1</NewDeviceLog>$2');
}

/** The real UPnPError fault envelope of fritzconnection's test, with this error code. */
const realFault = (code: number): string =>
  pythonString(FB(SOAPER), 'content_template').replace('{error_code}', String(code)).trim();

/**
 * Inventory file → the calls the adapter makes that this box does not list (read off the files): the
 * 5530 Fiber offers neither X_AVM-DE_UPnP nor X_AVM-DE_Storage (the adapter then warns
 * FRITZ_SERVICE_MISSING and leaves those areas unknown); the 7590 on 7.12, a DSL box, lists no
 * readable WANIPConnection mapping actions (its mappings are on WANPPPConnection).
 */
const INVENTORIES: Record<string, string[]> = {
  'sberk42__fritzbox_exporter__all_available_metrics_7590_7.12.json': [
    'WANIPConnection:1#GetExternalIPAddress',
    'WANIPConnection:1#GetPortMappingNumberOfEntries',
  ],
  'sberk42__fritzbox_exporter__all_available_metrics_7590_8.25.json': [],
  'sberk42__fritzbox_exporter__all_available_metrics_5530_8.20.json': [
    'X_AVM-DE_UPnP:1#GetInfo',
    'X_AVM-DE_Storage:1#GetInfo',
  ],
  'sberk42__fritzbox_exporter__all_available_metrics_5690_pro_8.25.json': [],
  'sberk42__fritzbox_exporter__all_available_metrics_6591_7.29.json': [],
};

/** What the adapter reads: `Service:1#Action` → output argument names without the `New` prefix. */
const READ_OUTPUTS: Record<string, string[]> = {
  'DeviceInfo:1#GetInfo': ['ModelName', 'SoftwareVersion'],
  'Layer3Forwarding:1#GetDefaultConnectionService': ['DefaultConnectionService'],
  'WANPPPConnection:1#GetExternalIPAddress': ['ExternalIPAddress'],
  'WANPPPConnection:1#GetPortMappingNumberOfEntries': ['PortMappingNumberOfEntries'],
  'WANIPConnection:1#GetExternalIPAddress': ['ExternalIPAddress'],
  'WANIPConnection:1#GetPortMappingNumberOfEntries': ['PortMappingNumberOfEntries'],
  'X_AVM-DE_UPnP:1#GetInfo': ['Enable'],
  'X_AVM-DE_RemoteAccess:1#GetInfo': ['Enabled', 'Port'],
  'X_AVM-DE_MyFritz:1#GetInfo': ['Enabled', 'Port'],
  'X_AVM-DE_Storage:1#GetInfo': ['FTPWANEnable', 'FTPWANPort'],
};

describeShared('vendor-captures/fritzbox', 'fritzbox on real material (vendor-captures/fritzbox)', () => {
  it('parses the real FRITZ!Box 7590 tr64desc.xml: identity and every service the adapter calls', async () => {
    const desc = await parseTr64Description(FB(TR64DESC));
    expect(desc).toMatchObject({
      manufacturer: 'AVM',
      model: 'FRITZ!Box 7590',
      friendlyName: 'FRITZ!Box 7590',
    });
    const control = Object.fromEntries(desc.services.map((s) => [s.serviceType, s.controlUrl]));
    // Services found through the nested deviceList too (LAN and WAN devices).
    expect(control).toMatchObject({
      [`${TR64}DeviceInfo:1`]: '/upnp/control/deviceinfo',
      [`${TR64}Layer3Forwarding:1`]: '/upnp/control/layer3forwarding',
      [`${TR64}X_AVM-DE_UPnP:1`]: '/upnp/control/x_upnp',
      [`${TR64}X_AVM-DE_RemoteAccess:1`]: '/upnp/control/x_remote',
      [`${TR64}X_AVM-DE_MyFritz:1`]: '/upnp/control/x_myfritz',
      [`${TR64}X_AVM-DE_Storage:1`]: '/upnp/control/x_storage',
      [`${TR64}WANPPPConnection:1`]: '/upnp/control/wanpppconn1',
      [`${TR64}WANIPConnection:1`]: '/upnp/control/wanipconnection1',
    });
    // Every SOAP action on the allowlist names a service this real box offers.
    for (const call of FRITZBOX_ALLOWLIST.filter((c) => c.includes('#'))) {
      expect(control, call).toHaveProperty([`${TR64}${call.split('#')[0]}`]);
    }
  });

  it('reads the real DeviceInfo GetInfo reply (7530 AX): model and FRITZ!OS 8.00', async () => {
    const args = await parseSoapResponse(realDeviceInfo(), 'GetInfo', '[test] DeviceInfo GetInfo');
    expect(args.NewModelName).toBe('FRITZ!Box 7530 AX');
    expect(args.NewSoftwareVersion).toBe('256.08.00');
    expect(fritzOsVersion(args.NewSoftwareVersion)).toBe('8.00');
  });

  it('reads the real UPnPError faults: 713 ends a mapping list, 606 is a missing right', () => {
    for (const code of [713, 714, 606, 401]) {
      const fault = realFault(code);
      let error: unknown = null;
      try {
        parseSoapResponse(fault, 'GetGenericPortMappingEntry', '[test] fault');
      } catch (e) {
        error = e;
      }
      expect(isBoxauditError(error, 'BOXAUDIT_SOAP_FAULT')).toBe(true);
      expect((error as { details: { upnpErrorCode: number } }).details.upnpErrorCode).toBe(code);
    }
  });

  it('the adapter reads the real 7590 tr64desc.xml, DeviceInfo reply and 606 fault, served by the simulator', async () => {
    const sim = await startFritzboxSimulator({
      username: 'boxaudit',
      password: 'fritz-captures-pw',
      description: FB(TR64DESC),
      replies: { 'DeviceInfo:1#GetInfo': realDeviceInfo(), 'X_AVM-DE_Storage:1#GetInfo': realFault(606) },
    });
    try {
      const snap = await fritzbox.collect(
        { url: sim.url, credentials: { username: 'boxaudit', password: 'fritz-captures-pw' } },
        { timeoutMs: 3000 },
      );
      // Identity from the real description, model and FRITZ!OS from the real (7530 AX) DeviceInfo reply.
      expect(snap.gateway).toMatchObject({
        manufacturer: 'AVM',
        friendlyName: 'FRITZ!Box 7590',
        model: 'FRITZ!Box 7530 AX',
        modelNumber: 'FRITZ!OS 8.00',
        connectionType: 'WANPPPConnection',
      });
      expect(snap.gateway.services.length).toBe((await parseTr64Description(FB(TR64DESC))).services.length);
      // The simulator's own three mappings, found through the real description's WANPPPConnection.
      expect(snap.forwards).toHaveLength(3);
      expect(snap.warnings.map((w) => [w.code, w.where])).toEqual([
        ['FRITZ_ACTION_NOT_AUTHORIZED', 'X_AVM-DE_Storage:1#GetInfo'],
      ]);
      expect(snap.coverage.find((c) => c.area === 'remote-admin')?.code).toBe('FRITZ_REMOTE_PARTIAL');
    } finally {
      await sim.close();
    }
  });

  it.each(Object.entries(INVENTORIES))(
    '%s: the box answers the outputs the adapter reads',
    (file, absent) => {
      const rows = readSharedJson('vendor-captures', 'fritzbox', file) as Array<{
        service: string;
        action: string;
        result: string;
      }>;
      const outputs = new Map<string, Set<string>>();
      for (const r of rows) {
        const key = `${r.service.replace(TR64, '')}#${r.action}`;
        if (!outputs.has(key)) outputs.set(key, new Set());
        outputs.get(key)!.add(r.result);
      }
      const missing: string[] = [];
      for (const [call, names] of Object.entries(READ_OUTPUTS)) {
        const found = outputs.get(call);
        if (!found) {
          missing.push(call);
          continue;
        }
        // Same output names as the adapter reads (`New` + name), on every box and FRITZ!OS version.
        for (const n of names) expect([...found], `${call} ${n}`).toContain(n);
      }
      expect(missing).toEqual(absent);
    },
  );
});

it('keeps a port mapping whose protocol is unknown or missing as tcp and udp, with PROTOCOL_UNKNOWN', () => {
  const entry = {
    NewRemoteHost: '',
    NewExternalPort: '8080',
    NewInternalPort: '80',
    NewInternalClient: '192.168.178.20',
    NewEnabled: '1',
    NewPortMappingDescription: 'web',
    NewLeaseDuration: '0',
  };
  for (const protocol of [undefined, '', 'GRE']) {
    const warnings: Warning[] = [];
    const forwards = fritzEntryToForwards(
      protocol === undefined ? entry : { ...entry, NewProtocol: protocol },
      'WANIPConnection',
      warnings,
      3,
    );
    expect(forwards.map((f) => f.protocol)).toEqual(['tcp', 'udp']);
    expect(forwards[0]).toMatchObject({
      internalHost: '192.168.178.20',
      externalPort: { start: 8080, end: 8080 },
    });
    expect(warnings.map((w) => [w.code, w.where])).toEqual([
      ['PROTOCOL_UNKNOWN', 'WANIPConnection#GetGenericPortMappingEntry[3]'],
    ]);
  }
  const warnings: Warning[] = [];
  expect(fritzEntryToForwards({ ...entry, NewProtocol: 'TCP' }, 'WANIPConnection', warnings)).toHaveLength(1);
  expect(warnings).toEqual([]);
});

it('reads FRITZ!OS versions as the boxes write them', () => {
  expect(fritzOsVersion('154.07.10')).toBe('7.10');
  expect(fritzOsVersion('256.08.00')).toBe('8.00');
  expect(fritzOsVersion('7.57')).toBe('7.57');
  expect(fritzOsVersion('')).toBeNull();
});
