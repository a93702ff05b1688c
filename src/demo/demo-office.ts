import type { IgdSimulatorOptions } from './igd-simulator.js';

/**
 * A realistic small medical practice, as `boxaudit demo` shows it: the PACS forwarded on the DICOM
 * port, a viewer remapped from WAN 8443 to DICOM 104, the NAS's SMB behind a "harmless" port, a web
 * server, and a game console. Addresses are RFC 1918 (LAN) and RFC 5737 (documentation) only.
 */
export const DEMO_OFFICE: IgdSimulatorOptions = {
  igdVersion: 2,
  externalIp: '198.51.100.23',
  manufacturer: 'Sagemcom',
  modelName: 'Livebox (simulated)',
  friendlyName: 'Cabinet Dr Martin - box (demo)',
  mappings: [
    {
      protocol: 'TCP',
      externalPort: 104,
      internalClient: '192.168.1.20',
      internalPort: 104,
      description: 'PACS Orthanc',
      leaseDuration: 0,
    },
    {
      protocol: 'TCP',
      externalPort: 8443,
      internalClient: '192.168.1.21',
      internalPort: 104,
      description: 'Viewer DICOM',
      leaseDuration: 0,
    },
    {
      protocol: 'TCP',
      externalPort: 4450,
      internalClient: '192.168.1.30',
      internalPort: 445,
      description: 'NAS',
      leaseDuration: 0,
    },
    {
      protocol: 'TCP',
      externalPort: 443,
      internalClient: '192.168.1.40',
      internalPort: 443,
      description: 'Site web',
      leaseDuration: 0,
    },
    {
      protocol: 'UDP',
      externalPort: 3074,
      internalClient: '192.168.1.50',
      internalPort: 3074,
      description: 'Xbox',
      leaseDuration: 3600,
    },
  ],
};
