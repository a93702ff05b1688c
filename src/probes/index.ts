/**
 * Service probes behind forwards: one harmless handshake per service family, then close. Every
 * probe goes through the scope gate ({@link checkProbeScope}) and the bounded socket; none sends
 * credentials, reads data, or writes anything on the peer. Not wired into the pipeline yet.
 */
import { type FtpProbeOptions, probeFtp, probeSsh, probeTelnet } from './banner.js';
import { probeMysql, probePostgres, probeRedis } from './database.js';
import { probeMemcached, probeMongodb, probeMssql } from './db-greetings.js';
import { type DicomProbeOptions, probeDicom } from './dicom.js';
import { type HttpProbeOptions, probeHttp } from './http.js';
import { probeRdp } from './rdp.js';
import { probeSmb, type SmbProbeOptions } from './smb.js';
import type { ProbeOptions, ProbeResult, ServiceFamily } from './types.js';
import { probeVnc } from './vnc.js';

export { PRODUCT_SIGNATURES, recogniseProducts } from './products.js';
export { checkProbeScope, localInterfacePrefixes, parsePrefix } from './scope.js';
export type * from './types.js';
export {
  probeDicom,
  probeFtp,
  probeHttp,
  probeMemcached,
  probeMongodb,
  probeMssql,
  probeMysql,
  probePostgres,
  probeRdp,
  probeRedis,
  probeSmb,
  probeSsh,
  probeTelnet,
  probeVnc,
};

/** Options for any family (each probe reads the fields it knows). */
export type AnyProbeOptions = ProbeOptions &
  DicomProbeOptions &
  HttpProbeOptions &
  SmbProbeOptions &
  FtpProbeOptions;

/** Well-known internal ports and the family to greet there (data; the first match wins). */
export const PORT_FAMILIES: ReadonlyArray<{ ports: readonly number[]; family: ServiceFamily }> = [
  { ports: [104, 11112, 4242], family: 'dicom' },
  { ports: [443, 8443, 5001, 9443, 4443], family: 'https' },
  { ports: [80, 8080, 8000, 8042, 8081, 8888, 5000, 3000], family: 'http' },
  { ports: [22, 2222], family: 'ssh' },
  { ports: [21], family: 'ftp' },
  { ports: [23, 2323], family: 'telnet' },
  { ports: [5900, 5901, 5902, 5903], family: 'vnc' },
  { ports: [3389], family: 'rdp' },
  { ports: [445], family: 'smb' },
  { ports: [3306], family: 'mysql' },
  { ports: [5432], family: 'postgres' },
  { ports: [6379], family: 'redis' },
  { ports: [27017], family: 'mongodb' },
  { ports: [1433], family: 'mssql' },
  { ports: [11211], family: 'memcached' },
];

/** The family to probe on an internal port, or null when the port says nothing. */
export function familyForPort(port: number): ServiceFamily | null {
  return PORT_FAMILIES.find((entry) => entry.ports.includes(port))?.family ?? null;
}

/** Probe one `host:port` as `family`. Never throws for network outcomes; they are the result. */
export function probeService(
  host: string,
  port: number,
  family: ServiceFamily,
  options: AnyProbeOptions,
): Promise<ProbeResult> {
  switch (family) {
    case 'dicom':
      return probeDicom(host, port, options);
    case 'http':
      return probeHttp(host, port, { ...options, tls: false });
    case 'https':
      return probeHttp(host, port, { ...options, tls: true });
    case 'ssh':
      return probeSsh(host, port, options);
    case 'ftp':
      return probeFtp(host, port, options);
    case 'telnet':
      return probeTelnet(host, port, options);
    case 'vnc':
      return probeVnc(host, port, options);
    case 'rdp':
      return probeRdp(host, port, options);
    case 'smb':
      return probeSmb(host, port, options);
    case 'mysql':
      return probeMysql(host, port, options);
    case 'postgres':
      return probePostgres(host, port, options);
    case 'redis':
      return probeRedis(host, port, options);
    case 'mongodb':
      return probeMongodb(host, port, options);
    case 'mssql':
      return probeMssql(host, port, options);
    case 'memcached':
      return probeMemcached(host, port, options);
  }
}

export interface ProbeTarget {
  host: string;
  port: number;
  family: ServiceFamily;
}

/** Largest concurrency {@link probeServices} accepts, whatever is asked. */
export const MAX_PROBE_CONCURRENCY = 8;

/**
 * Probe several targets, at most `concurrency` at a time (default 4, capped at
 * {@link MAX_PROBE_CONCURRENCY}); results in the order of `targets`. Targets left when the
 * signal aborts come back `skipped` / `ABORTED`.
 */
export async function probeServices(
  targets: readonly ProbeTarget[],
  options: AnyProbeOptions & { concurrency?: number },
): Promise<ProbeResult[]> {
  const limit = Math.max(1, Math.min(MAX_PROBE_CONCURRENCY, Math.floor(options.concurrency ?? 4)));
  const results: ProbeResult[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const index = next++;
      const target = targets[index]!;
      results[index] = await probeService(target.host, target.port, target.family, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, targets.length) }, worker));
  return results;
}
