/**
 * The default route's gateway, i.e. where the internet box most likely is.
 *
 * Best effort and bounded: Linux reads /proc/net/route; macOS runs `route -n get default`; Windows
 * runs PowerShell `Get-NetRoute` with JSON output (`wmic` is gone from recent Windows 11, and
 * `route print` headings are localised). Failure gives `null`, never a throw (except on abort):
 * the caller then warns that no unicast search could be sent.
 * The parsers are exported and pure, so each platform's format is tested on sample outputs.
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { platform } from 'node:os';
import { abortError, checkOptions } from '../errors.js';

export interface DefaultRoute {
  /** Next hop address (IPv4). */
  gateway: string;
  /** Interface name or alias (localised on Windows, e.g. "Connexion au réseau local"); null if unknown. */
  interface: string | null;
  /** Route metric (Windows: route + interface metric); null if unknown. Lower wins. */
  metric: number | null;
}

/** A child process gets this long; PowerShell's cold start alone can take a second. */
const COMMAND_TIMEOUT_MS = 2500;
const MAX_COMMAND_OUTPUT = 256 * 1024;

const RTF_UP = 0x1;
const RTF_GATEWAY = 0x2;

/** Lowest metric first; unknown metrics last; stable otherwise. */
function bestRoute(routes: DefaultRoute[]): DefaultRoute | null {
  const sorted = [...routes].sort(
    (a, b) => (a.metric ?? Number.MAX_SAFE_INTEGER) - (b.metric ?? Number.MAX_SAFE_INTEGER),
  );
  return sorted[0] ?? null;
}

/** `0101A8C0` (little-endian hex, as the kernel prints it) → `192.168.1.1`. */
function hexLittleEndianToIPv4(hex: string): string | null {
  if (!/^[0-9a-f]{8}$/i.test(hex)) return null;
  const bytes = [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  return bytes.join('.');
}

/**
 * Parse Linux `/proc/net/route`: the up, gatewayed route with destination and mask 0, lowest
 * metric first. Columns are found by the header, so a kernel that reorders them still parses.
 */
export function parseLinuxProcRoute(text: string): DefaultRoute | null {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]
    ?.trim()
    .split(/\s+/)
    .map((h) => h.toLowerCase());
  if (!header) return null;
  const col = (name: string) => header.indexOf(name);
  const [iIface, iDest, iGw, iFlags, iMetric, iMask] = [
    col('iface'),
    col('destination'),
    col('gateway'),
    col('flags'),
    col('metric'),
    col('mask'),
  ];
  if ([iIface, iDest, iGw, iFlags, iMask].some((i) => i < 0)) return null;
  const routes: DefaultRoute[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.trim().split(/\s+/);
    if (cells[iDest] !== '00000000' || cells[iMask] !== '00000000') continue;
    const flags = Number.parseInt(cells[iFlags] ?? '', 16);
    if (!Number.isFinite(flags) || (flags & (RTF_UP | RTF_GATEWAY)) !== (RTF_UP | RTF_GATEWAY)) continue;
    const gateway = hexLittleEndianToIPv4(cells[iGw] ?? '');
    if (!gateway || gateway === '0.0.0.0') continue;
    const metric = iMetric >= 0 ? Number.parseInt(cells[iMetric] ?? '', 10) : Number.NaN;
    routes.push({
      gateway,
      interface: cells[iIface] ?? null,
      metric: Number.isFinite(metric) ? metric : null,
    });
  }
  return bestRoute(routes);
}

/**
 * Parse macOS `route -n get default`. A VPN may route default through a link (`gateway: utun3`
 * or `link#12`): that is no address to ask, so it gives null.
 */
export function parseMacRouteGet(text: string): DefaultRoute | null {
  const field = (name: string) => new RegExp(`^\\s*${name}:\\s*(\\S+)\\s*$`, 'im').exec(text)?.[1] ?? null;
  const gateway = field('gateway');
  if (!gateway || isIP(gateway) !== 4) return null;
  return { gateway, interface: field('interface'), metric: null };
}

/**
 * Parse the JSON of `Get-NetRoute -DestinationPrefix 0.0.0.0/0 | Select-Object NextHop,
 * InterfaceAlias, RouteMetric, InterfaceMetric | ConvertTo-Json`: one object or an array of them.
 * On-link routes (NextHop 0.0.0.0, typical of VPNs) are skipped; the lowest route + interface
 * metric wins, as Windows itself picks. Property names are not localised; aliases are.
 */
export function parseWindowsNetRouteJson(text: string): DefaultRoute | null {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return null;
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  const routes: DefaultRoute[] = [];
  for (const item of items) {
    if (typeof item !== 'object' || item === null) continue;
    const record = item as Record<string, unknown>;
    const gateway = typeof record.NextHop === 'string' ? record.NextHop.trim() : '';
    if (isIP(gateway) !== 4 || gateway === '0.0.0.0') continue;
    const routeMetric = typeof record.RouteMetric === 'number' ? record.RouteMetric : null;
    const interfaceMetric = typeof record.InterfaceMetric === 'number' ? record.InterfaceMetric : 0;
    routes.push({
      gateway,
      interface: typeof record.InterfaceAlias === 'string' ? record.InterfaceAlias : null,
      metric: routeMetric === null ? null : routeMetric + interfaceMetric,
    });
  }
  return bestRoute(routes);
}

/** The PowerShell script run on Windows; selected fields only, since full CIM objects are huge. */
export const WINDOWS_ROUTE_SCRIPT =
  'Get-NetRoute -DestinationPrefix 0.0.0.0/0 -ErrorAction SilentlyContinue | ' +
  'Select-Object NextHop,InterfaceAlias,InterfaceIndex,RouteMetric,InterfaceMetric | ' +
  'ConvertTo-Json -Compress';

/** node:child_process is loaded here, on macOS, the BSDs and Windows only (Linux reads a file). */
async function run(file: string, args: string[], signal: AbortSignal): Promise<string> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        timeout: COMMAND_TIMEOUT_MS,
        maxBuffer: MAX_COMMAND_OUTPUT,
        windowsHide: true,
        signal,
        encoding: 'utf8',
      },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
  });
}

export interface DefaultRouteLookup {
  route: DefaultRoute | null;
  /** Why there is no route, for a warning: `no default route in /proc/net/route`, `route: ENOENT`. */
  problem: string | null;
}

function describeFailure(command: string, error: unknown): string {
  const e = error as { code?: unknown; killed?: boolean; signal?: unknown; message?: unknown };
  if (e?.killed) return `${command} timed out after ${COMMAND_TIMEOUT_MS} ms`;
  if (typeof e?.code === 'string') return `${command}: ${e.code}`;
  if (typeof e?.code === 'number') return `${command} exited with ${e.code}`;
  return `${command}: ${String(e?.message ?? error)}`;
}

/**
 * Read the default route and say why when there is none. Runs at most one child process, killed
 * after 2.5 s or on abort.
 * @throws BoxauditError BOXAUDIT_ABORTED when `signal` aborts.
 */
export async function lookupDefaultRoute(
  options: { signal?: AbortSignal } = {},
): Promise<DefaultRouteLookup> {
  const signal = options.signal ?? new AbortController().signal;
  const context = '[gateway] default route lookup';
  if (signal.aborted) throw abortError(signal, context);
  const os = platform();
  let source: string;
  let route: DefaultRoute | null;
  try {
    if (os === 'linux' || os === 'android') {
      source = '/proc/net/route';
      route = parseLinuxProcRoute(await readFile(source, { encoding: 'utf8', signal }));
    } else if (os === 'darwin' || os === 'freebsd' || os === 'openbsd') {
      source = 'route -n get default';
      route = parseMacRouteGet(await run('/sbin/route', ['-n', 'get', 'default'], signal));
    } else if (os === 'win32') {
      source = 'PowerShell Get-NetRoute';
      route = parseWindowsNetRouteJson(
        await run(
          'powershell.exe',
          ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', WINDOWS_ROUTE_SCRIPT],
          signal,
        ),
      );
    } else {
      return { route: null, problem: `no default route reader for platform ${os}` };
    }
  } catch (error) {
    if (signal.aborted) throw abortError(signal, context);
    const command =
      os === 'win32' ? 'PowerShell Get-NetRoute' : os === 'darwin' ? 'route' : '/proc/net/route';
    return { route: null, problem: describeFailure(command, error) };
  }
  return { route, problem: route ? null : `no IPv4 default route with a gateway address in ${source}` };
}

/**
 * The full default route (gateway, interface, metric) of this machine, or null when it cannot be
 * read (see {@link lookupDefaultRoute} for the reason).
 * @throws BoxauditError BOXAUDIT_ABORTED when `signal` aborts.
 */
export async function defaultRoute(options: { signal?: AbortSignal } = {}): Promise<DefaultRoute | null> {
  return (await lookupDefaultRoute(options)).route;
}

/**
 * The IPv4 address of the default route's gateway (the internet box, on most home and office
 * networks), or null when it cannot be determined.
 * @throws BoxauditError BOXAUDIT_ABORTED when `signal` aborts.
 */
export async function defaultGateway(options: { signal?: AbortSignal } = {}): Promise<string | null> {
  checkOptions('defaultGateway', options);
  return (await defaultRoute(options))?.gateway ?? null;
}
