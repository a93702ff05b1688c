/**
 * `routeros`: MikroTik RouterOS (v6/v7) read over SSH, or offline from an `/export` file.
 * Static dst-nat rules come from `/ip firewall nat export terse`; dynamic (UPnP) ones only from
 * `print detail` (export omits them, flag `D`); UPnP state from `/ip upnp print`; remote admin from
 * `/ip service print detail` checked against the input chain of `/ip firewall filter export terse`.
 */
import { BoxauditError } from '../errors.js';
import { isRfc1918 } from '../model/addresses.js';
import type { ForwardInput } from '../model/forward.js';
import { parsePortRange } from '../model/forward.js';
import { remoteAdminOf } from '../model/remote-admin.js';
import type { ForwardSource, Protocol, RemoteAdminService, Snapshot } from '../model/types.js';
import {
  ALL_PORTS,
  type ConfigParts,
  cover,
  emptyParts,
  ipv4Network,
  type ParseOptions,
  parsePortList,
  splitWords,
} from './_config-parts.js';
import { collectOverSsh } from './_ssh.js';
import type { Adapter, CollectContext, CollectTarget } from './types.js';

export const ROUTEROS_COMMANDS = {
  natExport: '/ip firewall nat export terse',
  natPrint: '/ip firewall nat print detail without-paging',
  upnp: '/ip upnp print',
  services: '/ip service print detail without-paging',
  filterExport: '/ip firewall filter export terse',
  addresses: '/ip address export terse',
} as const;

/** One RouterOS item: its menu path, properties, flags and comment. */
export interface RouterosItem {
  path: string;
  command: string;
  /** Positional argument of `set` (e.g. `telnet` in `/ip service set telnet disabled=yes`). */
  name: string | null;
  props: Record<string, string>;
  flags: string;
  line: number;
  /** Where the item came from when not a text line (REST: `GET /rest/ip/firewall/nat .id *5`). */
  ref?: string;
}

const COMMANDS = new Set(['add', 'set', 'remove', 'print', 'enable', 'disable']);

/** Parse `/export` text (terse or not, `\` continuations) into items. Pure. */
export function parseRouterosExport(text: string): RouterosItem[] {
  const items: RouterosItem[] = [];
  const joined: { text: string; line: number }[] = [];
  let buf = '';
  let start = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (buf === '') start = i + 1;
    if (/\\$/.test(raw)) {
      buf += `${raw.replace(/\\$/, '')}`;
      return;
    }
    buf += buf === '' ? raw : raw.trimStart();
    joined.push({ text: buf, line: start });
    buf = '';
  });
  if (buf !== '') joined.push({ text: buf, line: start });
  let path = '';
  for (const { text: line, line: n } of joined) {
    const t = line.trim();
    if (t === '' || t.startsWith('#') || t.startsWith(':')) continue;
    const words = splitWords(t);
    if (words[0]?.startsWith('/')) {
      const pathWords: string[] = [];
      while (words.length > 0 && !COMMANDS.has(words[0]!) && !words[0]!.includes('=')) {
        pathWords.push(words.shift()!);
      }
      path = pathWords.join(' ').replace(/^\/\s*/, '/');
      if (words.length === 0) continue;
    }
    const command = words.shift();
    if (!command || !COMMANDS.has(command)) continue;
    const props: Record<string, string> = {};
    let name: string | null = null;
    let depth = 0;
    for (const w of words) {
      if (w === '[') depth++;
      else if (w === ']') depth = Math.max(0, depth - 1);
      if (depth > 0 || w === ']') continue;
      const eq = w.indexOf('=');
      if (eq > 0) props[w.slice(0, eq)] = w.slice(eq + 1);
      else if (name === null) name = w;
    }
    items.push({ path, command, name, props, flags: props.disabled === 'yes' ? 'X' : '', line: n });
  }
  return items;
}

/** Parse `print detail` output (flags column, `;;;` comments, wrapped properties). Pure. */
export function parseRouterosPrintDetail(text: string, path: string): RouterosItem[] {
  const items: RouterosItem[] = [];
  let cur: { head: string; comment: string | null; body: string[]; line: number } | null = null;
  const flush = () => {
    if (!cur) return;
    const m = /^\s*(\d+)\s+([A-Z]*)\s*$/.exec(cur.head) ?? /^\s*(\d+)\s+([A-Z]*)/.exec(cur.head);
    const props: Record<string, string> = {};
    for (const w of splitWords(cur.body.join(' '))) {
      const eq = w.indexOf('=');
      if (eq > 0) props[w.slice(0, eq)] = w.slice(eq + 1);
    }
    if (cur.comment !== null) props.comment = cur.comment;
    items.push({ path, command: 'print', name: null, props, flags: m?.[2] ?? '', line: cur.line });
    cur = null;
  };
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/^\s*Flags:/.test(raw) || /^\s*Columns:/.test(raw)) return;
    const entry = /^\s*(\d+)(\s.*)?$/.exec(raw);
    if (entry) {
      flush();
      let rest = entry[2] ?? '';
      let flags = '';
      for (let m = /^\s*([A-Z]{1,4})(?=\s|$)/.exec(rest); m; m = /^\s*([A-Z]{1,4})(?=\s|$)/.exec(rest)) {
        flags += m[1];
        rest = rest.slice(m[0].length);
      }
      rest = rest.trim();
      const comment = /^;;;\s?(.*)$/.exec(rest);
      cur = {
        head: `${entry[1]} ${flags}`,
        comment: comment ? (comment[1] ?? '') : null,
        body: [],
        line: i + 1,
      };
      if (!comment && rest !== '') cur.body.push(rest);
      return;
    }
    if (!cur) return;
    const c = /^\s*;;;\s?(.*)$/.exec(raw);
    if (c) cur.comment = c[1] ?? '';
    else if (raw.trim() !== '') cur.body.push(raw.trim());
  });
  flush();
  return items;
}

function protocolOf(p: string | undefined): Protocol[] | null {
  if (p === undefined) return null;
  const t = p.toLowerCase();
  if (t === 'tcp' || t === '6') return ['tcp'];
  if (t === 'udp' || t === '17') return ['udp'];
  return [];
}

export function isYes(v: string | undefined): boolean {
  return v === 'yes' || v === 'true';
}

/**
 * dstnat `dst-nat`/`netmap` items → forwards (dynamic = UPnP, no dst-port/to-ports = DMZ-like) and
 * warnings into `parts`. Shared by the SSH/file parser and the REST adapter (`adapter` names the source).
 */
export function natForwards(
  items: RouterosItem[],
  parts: ConfigParts,
  transport: string,
  lists: Map<string, string[]>,
  adapter = 'routeros',
): void {
  for (const it of items) {
    if (it.path !== '/ip firewall nat' || (it.command !== 'add' && it.command !== 'print')) continue;
    const p = it.props;
    if (p.chain !== 'dstnat') continue;
    const where =
      it.ref ?? `/ip firewall nat ${it.command === 'add' ? `line ${it.line}` : `entry at line ${it.line}`}`;
    const action = p.action ?? 'accept';
    if (action === 'redirect') {
      parts.warnings.push({
        code: 'ROUTEROS_REDIRECT_TO_ROUTER',
        message: `dstnat redirect to the router itself (port ${p['to-ports'] ?? '?'}); not a forward to the LAN`,
        where,
      });
      continue;
    }
    if (action !== 'dst-nat' && action !== 'netmap') continue;
    const iface = p['in-interface-list'] ?? p['in-interface'] ?? null;
    if (iface !== null && /^(LAN|bridge.*)$/i.test(iface)) {
      parts.warnings.push({
        code: 'ROUTEROS_NAT_NOT_WAN',
        message: `dst-nat on the LAN side (${iface}); not a WAN exposure, not listed`,
        where,
      });
      continue;
    }
    const dynamic = it.flags.includes('D') || isYes(p.dynamic);
    const enabled = !(it.flags.includes('X') || isYes(p.disabled));
    let protocols = protocolOf(p.protocol);
    const portsText = p['dst-port'];
    const ports = portsText === undefined ? null : parsePortList(portsText);
    if (portsText !== undefined && ports === null) {
      parts.warnings.push({
        code: 'ROUTEROS_PORT_INVALID',
        message: `dst-port "${portsText}" not understood`,
        where,
      });
    }
    if (protocols !== null && protocols.length === 0) {
      parts.warnings.push({
        code: 'ROUTEROS_PROTOCOL_OTHER',
        message: `dst-nat for protocol ${p.protocol}; not a port forward`,
        where,
      });
      continue;
    }
    const isDmz = portsText === undefined && p['to-ports'] === undefined;
    protocols ??= ['tcp', 'udp'];
    const toPorts = p['to-ports'] === undefined ? null : parsePortRange(p['to-ports']);
    let remoteHost: string | null = null;
    const src = p['src-address'];
    if (src?.startsWith('!')) {
      parts.warnings.push({
        code: 'ROUTEROS_SOURCE_NEGATED',
        message: `src-address ${src} is an exclusion; counted as open to any other source`,
        where,
      });
    } else if (src !== undefined) remoteHost = src;
    const list = p['src-address-list'];
    if (list !== undefined && !list.startsWith('!')) {
      const members = lists.get(list);
      if (members && members.length > 0) remoteHost = members.join(',');
      else {
        remoteHost = list;
        parts.warnings.push({
          code: 'ROUTEROS_ADDRESS_LIST_UNRESOLVED',
          message: `src-address-list "${list}" not in the input; kept as its name`,
          where,
        });
      }
    }
    const toAddress = p['to-addresses'] ?? null;
    if (isDmz && enabled && toAddress) parts.dmz = { enabled: true, host: toAddress };
    const source: ForwardSource = isDmz ? 'dmz' : dynamic ? 'upnp' : 'static';
    for (const protocol of protocols) {
      for (const ext of ports ?? [ALL_PORTS]) {
        const f: ForwardInput = {
          source,
          protocol,
          externalPort: ext,
          internalHost: toAddress,
          internalPort: toPorts ?? { ...ext },
          remoteHost,
          enabled,
          description: p.comment ?? null,
          leaseSeconds: dynamic ? null : 0,
          provenance: { adapter, transport, raw: { ...p, flags: it.flags } },
        };
        parts.forwards.push(f);
      }
    }
  }
}

/** RouterOS v7 service defaults (used only for a full export, which omits defaults). */
const SERVICE_DEFAULTS: Record<string, { port: number; disabled: boolean }> = {
  telnet: { port: 23, disabled: false },
  ftp: { port: 21, disabled: false },
  www: { port: 80, disabled: false },
  ssh: { port: 22, disabled: false },
  'www-ssl': { port: 443, disabled: true },
  api: { port: 8728, disabled: false },
  winbox: { port: 8291, disabled: false },
  'api-ssl': { port: 8729, disabled: false },
};

const ADMIN_SERVICES = new Set(Object.keys(SERVICE_DEFAULTS));

/** Input-chain verdict for a TCP port from the WAN: true (accepted), false (dropped), null (unknown). */
function wanInputVerdict(filter: RouterosItem[] | null, port: number): boolean | null {
  if (filter === null) return null;
  for (const it of filter) {
    const p = it.props;
    if (p.chain !== 'input' || isYes(p.disabled) || it.flags.includes('X')) continue;
    const fromWan =
      p['in-interface-list'] === 'WAN' ||
      p['in-interface-list'] === '!LAN' ||
      (p['in-interface-list'] === undefined && p['in-interface'] === undefined);
    if (!fromWan) continue;
    const extra = Object.keys(p).filter(
      (k) =>
        ![
          'chain',
          'action',
          'comment',
          'in-interface-list',
          'in-interface',
          'disabled',
          'log',
          'log-prefix',
        ].includes(k),
    );
    if (p.action === 'accept') {
      if (p['connection-state'] !== undefined) continue;
      const ports = parsePortList(p['dst-port']);
      const protocolOk = p.protocol === undefined || p.protocol === 'tcp';
      if (protocolOk && ports?.some((r) => port >= r.start && port <= r.end) && !p['src-address'])
        return true;
      if (protocolOk && p['dst-port'] === undefined && extra.length === 0) return true;
    }
    if ((p.action === 'drop' || p.action === 'reject') && extra.length === 0) return false;
  }
  return true; // RouterOS accepts input that no rule drops
}

/**
 * `/ip service` items → `parts.remoteAdmin` + coverage; each enabled service's WAN reachability comes
 * from its `address` restriction and the input chain of `filter` (null = not read → unknown).
 */
export function remoteAdmin(
  services: RouterosItem[],
  fromPrint: boolean,
  fullExport: boolean,
  filter: RouterosItem[] | null,
  parts: ConfigParts,
): void {
  const state = new Map<string, { port: number; disabled: boolean; address: string }>();
  if (!fromPrint) {
    if (!fullExport) return;
    for (const [name, d] of Object.entries(SERVICE_DEFAULTS)) state.set(name, { ...d, address: '' });
  }
  for (const it of services) {
    const name = it.props.name ?? it.name;
    if (!name || !ADMIN_SERVICES.has(name)) continue;
    const prev = state.get(name) ?? { port: SERVICE_DEFAULTS[name]!.port, disabled: false, address: '' };
    state.set(name, {
      port: it.props.port !== undefined ? Number(it.props.port) : prev.port,
      disabled:
        it.props.disabled !== undefined
          ? isYes(it.props.disabled)
          : fromPrint
            ? it.flags.includes('X')
            : prev.disabled,
      address: it.props.address ?? prev.address,
    });
  }
  const out: RemoteAdminService[] = [];
  for (const [name, s] of state) {
    if (s.disabled) continue;
    const restricted = s.address.trim() !== '';
    const allPrivate = restricted && s.address.split(',').every((a) => isRfc1918(a.split('/')[0] ?? ''));
    const verdict = allPrivate ? false : wanInputVerdict(filter, s.port);
    out.push({ service: name, port: s.port, wan: verdict, restrictedTo: restricted ? s.address : null });
  }
  parts.remoteAdmin = remoteAdminOf(out);
  parts.coverage.push(
    cover(
      'remote-admin',
      filter === null ? 'partial' : 'complete',
      fromPrint ? 'ROUTEROS_IP_SERVICE' : 'ROUTEROS_EXPORT_SERVICE_DEFAULTS',
      fromPrint
        ? '/ip service read; the input firewall decides WAN reachability'
        : 'services from the export, RouterOS defaults assumed where the export omits them',
      { inputFilterRead: filter !== null },
    ),
  );
}

export interface RouterosParseOptions extends ParseOptions {
  /** `print detail` output of `/ip firewall nat` (dynamic UPnP rules). */
  natPrint?: string;
  /** `/ip upnp print` output. */
  upnpPrint?: string;
  /** `/ip service print detail` output. */
  servicePrint?: string;
  /** The NAT table was read (SSH), even if it printed nothing. */
  natRead?: boolean;
}

/**
 * Parse RouterOS text: an `/export` (full or `/ip firewall nat export`), or a `print detail` of the NAT
 * table, plus optional print outputs (SSH). Pure.
 */
export function parseRouteros(text: string, options: RouterosParseOptions = {}): ConfigParts {
  const transport = options.transport ?? 'file';
  const parts = emptyParts();
  const looksLikePrint = /^\s*Flags:/m.test(text) || /^\s*\d+\s+(?:[XIDA]\s*)*(?:;;;|chain=)/m.test(text);
  const exportItems = looksLikePrint ? [] : parseRouterosExport(text);
  const printItems = [
    ...(looksLikePrint ? parseRouterosPrintDetail(text, '/ip firewall nat') : []),
    ...(options.natPrint ? parseRouterosPrintDetail(options.natPrint, '/ip firewall nat') : []),
  ];
  if (exportItems.length === 0 && printItems.length === 0 && !options.upnpPrint && options.natRead !== true) {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      '[routeros] no RouterOS export line (/ip firewall nat add …) or print detail entry found',
    );
  }
  const lists = new Map<string, string[]>();
  for (const it of exportItems) {
    if (
      it.path === '/ip firewall address-list' &&
      it.command === 'add' &&
      it.props.list &&
      it.props.address
    ) {
      lists.set(it.props.list, [...(lists.get(it.props.list) ?? []), it.props.address]);
    }
  }
  const natExportSeen =
    exportItems.some((i) => i.path === '/ip firewall nat') || /\/ip firewall nat/.test(text);
  // Export omits dynamic rules; from print output, keep only dynamic ones when an export was given too.
  const dynamicOnly = natExportSeen && exportItems.length > 0;
  natForwards(exportItems, parts, transport, lists);
  natForwards(
    printItems.filter((i) => !dynamicOnly || i.flags.includes('D')),
    parts,
    transport,
    lists,
  );
  const natSeen = natExportSeen || printItems.length > 0 || options.natRead === true;
  const upnpRulesSeen = printItems.length > 0 || options.natPrint !== undefined;
  parts.dmz = natSeen ? (parts.dmz ?? { enabled: false, host: null }) : null;
  const fullExport = exportItems.some((i) => i.path.startsWith('/interface'));

  // UPnP state.
  let upnpEnabled: boolean | null = null;
  if (options.upnpPrint) {
    const m = /^\s*enabled:\s*(yes|no|true|false)/m.exec(options.upnpPrint);
    if (m) upnpEnabled = isYes(m[1]);
  }
  const upnpSet = exportItems.find((i) => i.path === '/ip upnp' && i.command === 'set' && i.props.enabled);
  if (upnpSet) upnpEnabled = isYes(upnpSet.props.enabled);
  else if (upnpEnabled === null && fullExport) upnpEnabled = false; // default off; export omits defaults
  const upnpCount = parts.forwards.filter((f) => f.source === 'upnp').length;
  parts.upnp = {
    enabled: upnpEnabled,
    mappingCount: upnpRulesSeen ? upnpCount : null,
    igdVersion: null,
  };
  if (upnpCount > 0 && upnpEnabled === null) parts.upnp.enabled = true;

  // Remote admin.
  const filter = exportItems.some((i) => i.path === '/ip firewall filter')
    ? exportItems.filter((i) => i.path === '/ip firewall filter' && i.command === 'add')
    : null;
  if (options.servicePrint) {
    remoteAdmin(parseRouterosPrintDetail(options.servicePrint, '/ip service'), true, false, filter, parts);
  } else {
    remoteAdmin(
      exportItems.filter((i) => i.path === '/ip service' && i.command === 'set'),
      false,
      fullExport,
      filter,
      parts,
    );
  }

  const prefixes = exportItems
    .filter((i) => i.path === '/ip address' && i.command === 'add' && i.props.address)
    .map((i) => i.props.address!)
    .filter((a) => isRfc1918(a.split('/')[0] ?? ''))
    .map((a) => ipv4Network(a))
    .filter((p): p is string => p !== null);
  if (prefixes.length > 0) parts.lanPrefixes = [...new Set(prefixes)];

  parts.coverage.push(
    natSeen
      ? cover(
          'static-forwards',
          'complete',
          'ROUTEROS_NAT_EXPORT',
          'every dstnat rule of /ip firewall nat was read',
        )
      : cover(
          'static-forwards',
          'not-visible',
          'ROUTEROS_NO_NAT',
          'no /ip firewall nat section in the input',
        ),
    upnpRulesSeen
      ? cover(
          'upnp-mappings',
          'complete',
          'ROUTEROS_DYNAMIC_NAT',
          'dynamic (UPnP) dstnat rules read from print detail',
        )
      : cover(
          'upnp-mappings',
          upnpEnabled === false ? 'complete' : 'not-visible',
          upnpEnabled === false ? 'ROUTEROS_UPNP_OFF' : 'ROUTEROS_EXPORT_OMITS_DYNAMIC',
          upnpEnabled === false
            ? 'UPnP is off, so there are no UPnP mappings'
            : 'an export omits dynamic (UPnP) rules: UPnP mappings are unknown',
        ),
    upnpEnabled === null
      ? cover('upnp-state', 'not-visible', 'ROUTEROS_NO_UPNP_STATE', 'UPnP state not in the input')
      : cover('upnp-state', 'complete', 'ROUTEROS_UPNP', 'read from /ip upnp'),
    cover(
      'ipv6-pinholes',
      'not-visible',
      'ROUTEROS_IPV6_FILTER_NOT_READ',
      '/ipv6 firewall filter is not read',
    ),
  );
  if (natSeen) {
    parts.coverage.push(
      cover('dmz', 'complete', 'ROUTEROS_DSTNAT_ALL_PORTS', 'a dst-nat without ports counts as a DMZ'),
    );
  }
  if (!parts.remoteAdmin) {
    parts.coverage.push(
      cover('remote-admin', 'not-visible', 'ROUTEROS_NO_SERVICES', '/ip service not in the input'),
    );
  }
  return parts;
}

async function collect(target: CollectTarget, ctx: CollectContext): Promise<Snapshot> {
  return collectOverSsh('routeros', routerosAdapter.meta.allowlist, target, ctx, async (session) => {
    const out: Record<string, string> = {};
    const warnings: ConfigParts['warnings'] = [];
    for (const [key, command] of Object.entries(ROUTEROS_COMMANDS)) {
      const r = await session.run(command);
      // RouterOS reports errors on stdout ("bad command name …", "expected end of command").
      if (r.exitCode !== 0 && r.exitCode !== null) {
        warnings.push({
          code: 'ROUTEROS_COMMAND_FAILED',
          message: r.stderr.trim().slice(0, 200),
          where: command,
        });
      } else if (/^(bad command name|expected |syntax error|failure:)/im.test(r.stdout)) {
        warnings.push({
          code: 'ROUTEROS_COMMAND_FAILED',
          message: r.stdout.trim().slice(0, 200),
          where: command,
        });
      } else out[key] = r.stdout;
    }
    if (out.natExport === undefined && out.natPrint === undefined) {
      throw new BoxauditError(
        'BOXAUDIT_PROTOCOL_ERROR',
        `[routeros] ssh ${target.host}: the NAT table could not be read`,
      );
    }
    const text = [out.natExport ?? '', out.filterExport ?? '', out.addresses ?? ''].join('\n');
    const p = parseRouteros(text, {
      transport: 'ssh',
      natRead: true,
      ...(out.natPrint !== undefined ? { natPrint: out.natPrint } : {}),
      ...(out.upnp !== undefined ? { upnpPrint: out.upnp } : {}),
      ...(out.services !== undefined ? { servicePrint: out.services } : {}),
    });
    p.warnings.push(...warnings);
    return p;
  });
}

/** The `routeros` adapter (SSH). */
export const routerosAdapter: Adapter = {
  meta: {
    id: 'routeros',
    name: 'MikroTik RouterOS (SSH)',
    transports: ['ssh', 'file'],
    capabilities: ['static-forwards', 'dmz', 'upnp-state', 'upnp-mappings', 'remote-admin'],
    credentials: ['username', 'privateKey|agent|password'],
    allowlist: Object.values(ROUTEROS_COMMANDS),
  },
  collect,
};
