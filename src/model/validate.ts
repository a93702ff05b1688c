/**
 * The snapshot boundary: every snapshot an adapter, an export parser or a saved dump produced passes
 * here (collect, buildReport) before rules and reporters see it. A value the published schema
 * (schema/snapshot.schema.json) does not allow — a negative lease, a port of 1e20, NaN, a string
 * where a number belongs — becomes unknown (null) with one warning per field, so `--json` always
 * validates and a rule that needs the value is inconclusive (fail closed), never wrong.
 */
import type {
  DmzState,
  ForwardProbe,
  ForwardReachability,
  GatewayInfo,
  PortForward,
  PortRange,
  ProbeFactValue,
  ProbeRun,
  RemoteAdminState,
  Snapshot,
  UpnpState,
  Warning,
} from './types.js';

/** Warning code for a value outside the schema, read as unknown. */
export const VALUE_OUT_OF_RANGE = 'VALUE_OUT_OF_RANGE';
/** Warning code for a forward whose protocol is neither tcp nor udp (kept as tcp and udp). */
export const PROTOCOL_UNKNOWN = 'PROTOCOL_UNKNOWN';

/** A lease longer than UPnP's ui4 (136 years) is not a lease. */
const MAX_LEASE_SECONDS = 4_294_967_295;
const SOURCES = new Set(['upnp', 'static', 'dmz', 'nat-pmp', 'pinhole6']);

function isInt(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function shown(v: unknown): string {
  let text: string;
  try {
    text = typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    text = String(v);
  }
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** Collects the out-of-schema values of one snapshot, one warning per field. */
class Problems {
  private readonly byField = new Map<string, { count: number; first: string }>();

  note(field: string, value: unknown, where: string): void {
    const seen = this.byField.get(field);
    if (seen) seen.count++;
    else this.byField.set(field, { count: 1, first: `${shown(value)}${where ? ` at ${where}` : ''}` });
  }

  /** A change that is not worth a warning (an extra field stripped from a port range). */
  touch(): void {
    this.touched = true;
  }

  private touched = false;

  get empty(): boolean {
    return this.byField.size === 0 && !this.touched;
  }

  warnings(): Warning[] {
    return [...this.byField].map(([field, { count, first }]) => ({
      code: field === 'forwards[].protocol' ? PROTOCOL_UNKNOWN : VALUE_OUT_OF_RANGE,
      message:
        field === 'forwards[].protocol'
          ? `${count} forward(s) with a protocol that is neither tcp nor udp (first: ${first}); kept as both tcp and udp`
          : `${count} value(s) of ${field} outside the schema (first: ${first}); read as unknown`,
      where: field,
    }));
  }
}

function range(v: unknown, field: string, where: string, p: Problems): PortRange | null {
  if (v === null) return null;
  const r = v as Partial<PortRange> | undefined;
  if (
    typeof r === 'object' &&
    r !== null &&
    isInt(r.start, 0, 65535) &&
    isInt(r.end, 0, 65535) &&
    r.start <= r.end
  ) {
    if (Object.keys(r).length === 2) return r as PortRange;
    p.touch();
    return { start: r.start, end: r.end };
  }
  p.note(field, v, where);
  return null;
}

function str(v: unknown, field: string, where: string, p: Problems): string | null {
  if (v === null || typeof v === 'string') return v;
  p.note(field, v, where);
  return null;
}

function bool(v: unknown, field: string, where: string, p: Problems): boolean | null {
  if (v === null || typeof v === 'boolean') return v;
  p.note(field, v, where);
  return null;
}

function int(v: unknown, min: number, max: number, field: string, where: string, p: Problems): number | null {
  if (v === null) return null;
  if (isInt(v, min, max)) return v;
  p.note(field, v, where);
  return null;
}

function forwardsOf(forwards: readonly PortForward[], p: Problems): PortForward[] {
  const out: PortForward[] = [];
  for (const [i, f] of forwards.entries()) {
    const where = typeof f.id === 'string' && f.id !== '' ? f.id : `forwards[${i}]`;
    const fixed: PortForward = {
      ...f,
      id: where,
      source: SOURCES.has(f.source) ? f.source : 'static',
      externalPort: range(f.externalPort, 'forwards[].externalPort', where, p),
      internalHost: str(f.internalHost, 'forwards[].internalHost', where, p),
      internalPort: range(f.internalPort, 'forwards[].internalPort', where, p),
      remoteHost: str(f.remoteHost, 'forwards[].remoteHost', where, p),
      enabled: bool(f.enabled, 'forwards[].enabled', where, p),
      description: str(f.description, 'forwards[].description', where, p),
      leaseSeconds: int(f.leaseSeconds, 0, MAX_LEASE_SECONDS, 'forwards[].leaseSeconds', where, p),
      provenance: {
        ...f.provenance,
        adapter: nonEmpty(f.provenance?.adapter),
        transport: nonEmpty(f.provenance?.transport),
      },
    };
    // A line that is not a positive integer points nowhere: dropped (the schema allows it absent).
    if (fixed.provenance.line !== undefined && !isInt(fixed.provenance.line, 1, Number.MAX_SAFE_INTEGER)) {
      delete fixed.provenance.line;
    }
    if (f.probe !== undefined) {
      const probe = probeOf(f.probe, where, p);
      if (probe) fixed.probe = probe;
      else delete fixed.probe;
    }
    if (f.reachable !== undefined) {
      const reachable = reachableOf(f.reachable, where, p);
      if (reachable) fixed.reachable = reachable;
      else delete fixed.reachable;
    }
    if (!SOURCES.has(f.source)) p.note('forwards[].source', f.source, where);
    if (f.protocol === 'tcp' || f.protocol === 'udp') {
      out.push(fixed);
    } else {
      // Fail closed: an unknown protocol could be either; never drop the forward.
      p.note('forwards[].protocol', f.protocol, where);
      out.push(
        { ...fixed, id: `${where}-tcp`, protocol: 'tcp' },
        { ...fixed, id: `${where}-udp`, protocol: 'udp' },
      );
    }
  }
  return out;
}

const PROBE_STATUSES = new Set(['confirmed', 'different', 'silent', 'error', 'skipped']);
/** Facts are short data: a key or string longer than this, or more keys than that, is not a probe's. */
const MAX_FACT_KEYS = 64;
const MAX_FACT_STRING = 512;
const MAX_FACT_LIST = 64;

function factValue(v: unknown): v is ProbeFactValue {
  if (v === null || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v === 'string') return v.length <= MAX_FACT_STRING;
  if (Array.isArray(v)) {
    return (
      v.length <= MAX_FACT_LIST &&
      (v.every((x) => typeof x === 'string' && x.length <= MAX_FACT_STRING) ||
        v.every((x) => typeof x === 'number' && Number.isFinite(x)))
    );
  }
  return false;
}

function shortCode(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 64;
}

/** A forward's probe outcome as the schema allows it; anything else is dropped (not probed, as far as rules know). */
function probeOf(v: unknown, where: string, p: Problems): ForwardProbe | undefined {
  const o = v as Partial<ForwardProbe> | null;
  const facts = o?.facts as Record<string, unknown> | undefined;
  const target = o?.target as { host?: unknown; port?: unknown } | null | undefined;
  const ok =
    typeof o === 'object' &&
    o !== null &&
    PROBE_STATUSES.has(o.status as string) &&
    (o.family === null || shortCode(o.family)) &&
    (o.service === null || shortCode(o.service)) &&
    (o.reason === null || shortCode(o.reason)) &&
    typeof facts === 'object' &&
    facts !== null &&
    !Array.isArray(facts) &&
    Object.keys(facts).length <= MAX_FACT_KEYS &&
    Object.entries(facts).every(([k, x]) => k.length <= 64 && factValue(x)) &&
    (target === null ||
      (typeof target === 'object' &&
        typeof target.host === 'string' &&
        target.host.length <= 64 &&
        isInt(target.port, 0, 65535))) &&
    isInt(o.bytesSent, 0, Number.MAX_SAFE_INTEGER) &&
    isInt(o.bytesReceived, 0, Number.MAX_SAFE_INTEGER);
  if (ok) return o as ForwardProbe;
  p.note('forwards[].probe', v, where);
  return undefined;
}

function reachableOf(v: unknown, where: string, p: Problems): ForwardReachability | undefined {
  const o = v as Partial<ForwardReachability> | null;
  if (
    typeof o === 'object' &&
    o !== null &&
    (o.fromInternet === null || typeof o.fromInternet === 'boolean') &&
    (o.method === 'vantage' || o.method === 'hairpin' || o.method === 'internet-db') &&
    (o.reason === null || shortCode(o.reason))
  ) {
    return o as ForwardReachability;
  }
  p.note('forwards[].reachable', v, where);
  return undefined;
}

function probeRunOf(v: unknown, p: Problems): ProbeRun | undefined {
  const o = v as Partial<ProbeRun> | null;
  if (
    typeof o === 'object' &&
    o !== null &&
    (o.mode === 'standard' || o.mode === 'deep') &&
    isInt(o.probed, 0, Number.MAX_SAFE_INTEGER) &&
    isInt(o.skipped, 0, Number.MAX_SAFE_INTEGER) &&
    Array.isArray(o.scope) &&
    o.scope.every((x) => typeof x === 'string') &&
    Array.isArray(o.sentOutside) &&
    o.sentOutside.every(
      (x) => typeof x === 'object' && x !== null && typeof x.what === 'string' && typeof x.to === 'string',
    ) &&
    (o.vantage === null || typeof o.vantage === 'string') &&
    (o.internetDb === null || internetDbOk(o.internetDb))
  ) {
    return o as ProbeRun;
  }
  p.note('probes', v, '');
  return undefined;
}

/** Caps of an InternetDB answer in a snapshot (probes/internet-db.ts keeps under them). */
const INTERNET_DB_MAX_PORTS = 1024;
const INTERNET_DB_MAX_LIST = 256;

/** `probes.internetDb` as the schema allows it: bounded lists of short strings, ports as port numbers. */
function internetDbOk(v: unknown): boolean {
  const o = v as Record<string, unknown> | null | undefined;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return false;
  const strings = (x: unknown): boolean =>
    Array.isArray(x) &&
    x.length <= INTERNET_DB_MAX_LIST &&
    x.every((s) => typeof s === 'string' && s.length <= MAX_FACT_STRING);
  const optional = (k: string, ok: (x: unknown) => boolean): boolean => o[k] === undefined || ok(o[k]);
  return (
    typeof o.url === 'string' &&
    o.url.length <= 2048 &&
    ['found', 'not-found', 'error', 'skipped'].includes(o.status as string) &&
    Array.isArray(o.ports) &&
    o.ports.length <= INTERNET_DB_MAX_PORTS &&
    o.ports.every((x) => isInt(x, 0, 65535)) &&
    strings(o.hostnames) &&
    strings(o.tags) &&
    strings(o.cpes) &&
    strings(o.vulns) &&
    (o.reason === null || shortCode(o.reason)) &&
    optional('sentAddress', (x) => x === null || (typeof x === 'string' && x.length <= 64)) &&
    optional('httpStatus', (x) => x === null || isInt(x, 100, 599)) &&
    optional('fetchedAt', (x) => x === null || (typeof x === 'string' && x.length <= 64)) &&
    optional('truncated', (x) => typeof x === 'boolean') &&
    Object.keys(o).length <= 12
  );
}

function nonEmpty(v: unknown): string {
  return typeof v === 'string' && v !== '' ? v : 'unknown';
}

function gatewayOf(g: GatewayInfo, p: Problems): GatewayInfo {
  const s = (k: keyof GatewayInfo) => str(g[k], `gateway.${k}`, '', p);
  return {
    ...g,
    address: s('address'),
    descriptionUrl: s('descriptionUrl'),
    manufacturer: s('manufacturer'),
    model: s('model'),
    modelNumber: s('modelNumber'),
    friendlyName: s('friendlyName'),
    udn: s('udn'),
    server: s('server'),
    externalIp: s('externalIp'),
    doubleNat: bool(g.doubleNat, 'gateway.doubleNat', '', p),
    connectionStatus: s('connectionStatus'),
    connectionType: s('connectionType'),
    uptimeSeconds: int(g.uptimeSeconds, 0, Number.MAX_SAFE_INTEGER, 'gateway.uptimeSeconds', '', p),
    natEnabled: bool(g.natEnabled, 'gateway.natEnabled', '', p),
    services: Array.isArray(g.services) ? g.services : [],
  };
}

function upnpOf(u: UpnpState | null, p: Problems): UpnpState | null {
  if (u === null) return null;
  return {
    enabled: bool(u.enabled, 'upnp.enabled', '', p),
    mappingCount: int(u.mappingCount, 0, Number.MAX_SAFE_INTEGER, 'upnp.mappingCount', '', p),
    igdVersion: int(u.igdVersion, 1, 99, 'upnp.igdVersion', '', p),
  };
}

function dmzOf(d: DmzState | null, p: Problems): DmzState | null {
  if (d === null) return null;
  return { enabled: bool(d.enabled, 'dmz.enabled', '', p), host: str(d.host, 'dmz.host', '', p) };
}

function remoteAdminOf(r: RemoteAdminState | null, p: Problems): RemoteAdminState | null {
  if (r === null) return null;
  return {
    enabled: bool(r.enabled, 'remoteAdmin.enabled', '', p),
    services: (Array.isArray(r.services) ? r.services : []).map((s) => ({
      service: typeof s.service === 'string' ? s.service : 'unknown',
      port: int(s.port, 0, 65535, 'remoteAdmin.services[].port', String(s.service), p),
      wan: bool(s.wan, 'remoteAdmin.services[].wan', String(s.service), p),
      restrictedTo: str(s.restrictedTo, 'remoteAdmin.services[].restrictedTo', String(s.service), p),
    })),
  };
}

/**
 * The snapshot with every out-of-schema value read as unknown (null) and one warning per field
 * added; the very same object when everything was in range (the caller's object is never changed).
 */
export function checkSnapshot(snapshot: Snapshot): Snapshot {
  const p = new Problems();
  const forwards = forwardsOf(Array.isArray(snapshot.forwards) ? snapshot.forwards : [], p);
  const gateway = gatewayOf(snapshot.gateway, p);
  const upnp = upnpOf(snapshot.upnp, p);
  const dmz = dmzOf(snapshot.dmz, p);
  const remoteAdmin = remoteAdminOf(snapshot.remoteAdmin, p);
  const lanPrefixes =
    snapshot.lanPrefixes === null
      ? null
      : Array.isArray(snapshot.lanPrefixes)
        ? snapshot.lanPrefixes.filter((x) => typeof x === 'string')
        : null;
  const probes = snapshot.probes === undefined ? undefined : probeRunOf(snapshot.probes, p);
  if (p.empty && lanPrefixes?.length === snapshot.lanPrefixes?.length) return snapshot;
  const { probes: _given, ...rest } = snapshot;
  return {
    ...rest,
    ...(probes ? { probes } : {}),
    gateway,
    forwards,
    dmz,
    upnp,
    remoteAdmin,
    lanPrefixes,
    warnings: [...snapshot.warnings, ...p.warnings()],
  };
}

/** {@link checkSnapshot} over a list. */
export function checkSnapshots(snapshots: readonly Snapshot[]): Snapshot[] {
  return snapshots.map(checkSnapshot);
}
