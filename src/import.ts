/**
 * Offline audit: recognise an exported router configuration (or a saved `dump --json` document) and turn
 * it into snapshots with `target.kind` `file`. The parsers are the pure functions of formats/, the same
 * ones the SSH adapters call.
 */

import { BoxauditError } from './errors.js';
import { type ConfigParts, partsToSnapshot } from './formats/config-parts.js';
import { parseLinuxRuleset } from './formats/linux-ruleset.js';
import { looksLikeNftText } from './formats/nft-text.js';
import { parseOpnsense, parsePfsense } from './formats/pfsense-config.js';
import { parseRouteros } from './formats/routeros.js';
import { parseOpenwrt } from './formats/uci.js';
import { parseEdgeos, parseVyos } from './formats/vyatta.js';
import { configBootToSetLines, forkMarkers, looksLikeConfigBoot } from './formats/vyatta-config.js';
import type { Snapshot } from './model/types.js';
import { schemaErrorsOfDump } from './schema/validate.js';
import { readBoundedFile } from './util/read-file.js';

/** Largest file read for an offline audit (pfSense backups can carry RRD data). */
export const MAX_EXPORT_BYTES = 32 * 1024 * 1024;

const PARSERS: Record<string, (text: string) => ConfigParts> = {
  linux: (t) => parseLinuxRuleset(t),
  openwrt: (t) => parseOpenwrt(t),
  routeros: (t) => parseRouteros(t),
  edgeos: (t) => parseEdgeos(t),
  vyos: (t) => parseVyos(t),
  pfsense: (t) => parsePfsense(t),
  opnsense: (t) => parseOpnsense(t),
};

/**
 * Format ids an export can be read as: the adapters whose metadata lists the `file` transport (each
 * has its parser in PARSERS; test/adapters/registry.test.ts checks that both agree), and `dump` (a
 * saved `boxaudit dump --json` document).
 */
export const EXPORT_VENDORS: readonly string[] = [...Object.keys(PARSERS), 'dump'];

const VYATTA_NODE =
  /^set (firewall|interfaces|service|system|nat|port-forward|protocols|policy|vpn|high-availability|load-balance|traffic-policy|traffic-control|zone-policy|container|pki|qos|vrf)\b/;

/**
 * Guess the format of an exported configuration from its content (and file name as a hint).
 * @returns the vendor id and a confidence in 0..1, or null when nothing fits.
 */
export function detectExportFormat(
  text: string,
  fileName?: string,
): { vendor: string; confidence: number } | null {
  const head = text.replace(/^\uFEFF/, '').slice(0, 256 * 1024);
  const trimmed = head.trimStart();
  const name = (fileName ?? '').toLowerCase();
  const hit = (vendor: string, confidence: number) => ({ vendor, confidence });

  if (trimmed.startsWith('{')) {
    if (/"schemaVersion"\s*:/.test(head) && /"snapshots"\s*:/.test(head)) return hit('dump', 0.99);
    if (/"nftables"\s*:/.test(head)) return hit('linux', 0.97);
    return null;
  }
  if (trimmed.startsWith('<')) {
    if (/<pfsense[\s/>]/i.test(head)) return hit('pfsense', 0.97);
    if (/<opnsense[\s/>]/i.test(head)) return hit('opnsense', 0.97);
    return null;
  }
  if (/^# .* by RouterOS /m.test(head)) return hit('routeros', 0.97);
  if (/^[ \t]*\/ip[ /](firewall|service|upnp|address)\b/m.test(head)) return hit('routeros', 0.9);
  if (/^[ \t]*\d+\s+(?:[XIDA]+\s+)*(?:;;;.*\n[ \t]*)?chain=(dstnat|srcnat)/m.test(head))
    return hit('routeros', 0.75);
  if (/^\*nat\b/m.test(head) || /^-A \S+ .*-j DNAT\b/m.test(head)) return hit('linux', 0.9);
  // iptables-save of the filter table alone (`:INPUT DROP [0:0]`): still a Linux ruleset.
  if (/^\*(filter|mangle|raw)\b/m.test(head) && /^:[A-Z]+ (ACCEPT|DROP|-) \[\d+:\d+\]/m.test(head))
    return hit('linux', 0.85);
  // nftables text: /etc/nftables.conf or `nft list ruleset`.
  if (looksLikeNftText(head)) return hit('linux', 0.9);

  // The native EdgeOS/VyOS /config/config.boot tree: both readers convert it to `set` lines.
  if (looksLikeConfigBoot(head)) {
    if (/vyos-config-version|Release version: VyOS/.test(head)) return hit('vyos', 0.95);
    if (/Release version: v\d/.test(head)) return hit('edgeos', 0.95);
    const m = forkMarkers(configBootToSetLines(head).lines);
    if (m.edgeos !== m.vyos) return hit(m.edgeos > m.vyos ? 'edgeos' : 'vyos', 0.85);
    return hit('edgeos', 0.5);
  }
  // Only lines under a Vyatta top-level node: a shell script's `set -e` is not a router config.
  const setLines = (head.match(/^set \S.*$/gm) ?? []).filter((l) => VYATTA_NODE.test(l));
  if (setLines.length > 0) {
    const edgeos = setLines.filter((l) =>
      /^set (port-forward|service nat rule|service gui|service upnp2)\b/.test(l),
    );
    const vyos = setLines.filter((l) =>
      /^set (nat destination|nat source|service https|firewall ipv4|firewall global-options)\b|inbound-interface name /.test(
        l,
      ),
    );
    if (edgeos.length > vyos.length) return hit('edgeos', 0.9);
    if (vyos.length > edgeos.length) return hit('vyos', 0.9);
    // Same tree, no telling node: VyOS quotes every value, EdgeOS only those with spaces.
    const quoted = setLines.filter((l) => /'[^' ]+'$/.test(l)).length;
    return quoted > setLines.length / 2 ? hit('vyos', 0.6) : hit('edgeos', 0.6);
  }
  if (/^[a-z0-9_-]+\.(@[a-z0-9_-]+\[-?\d+\]|[a-z0-9_]+)(\.[a-z0-9_]+)?=/im.test(head))
    return hit('openwrt', 0.9);
  if (
    /^config (redirect|userredirect|dmzredirect|pinholerule|zone|rule|forwarding|defaults|include|upnpd|uhttpd|dropbear|interface)\b/m.test(
      head,
    )
  ) {
    return hit('openwrt', 0.9);
  }
  if (/^(TCP|UDP):\d{1,5}:\d{1,3}(\.\d{1,3}){3}:\d{1,5}:/m.test(head)) {
    return hit('openwrt', name.includes('lease') ? 0.8 : 0.6);
  }
  return null;
}

function invalid(message: string): BoxauditError {
  return new BoxauditError('BOXAUDIT_INPUT_INVALID', message);
}

/** Most schema problems listed in one error: enough to fix a file, short enough to read. */
const MAX_LISTED_PROBLEMS = 10;

/**
 * A `dump --json` document's snapshots, checked against schema/dump.schema.json first: a hand-made
 * or damaged file gets every problem named (file, JSON pointer, what is wrong), not a crash later
 * in a reporter.
 */
function snapshotsOfDump(text: string, where: string): Snapshot[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new BoxauditError('BOXAUDIT_INPUT_INVALID', `${where}: not valid JSON`, { cause });
  }
  const schemaProblems = schemaErrorsOfDump(doc, where);
  const problems =
    schemaProblems.length > 0
      ? schemaProblems
      : reversedRanges((doc as { snapshots: Snapshot[] }).snapshots, where);
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_LISTED_PROBLEMS);
    const more = problems.length - shown.length;
    const against = schemaProblems.length > 0 ? ' (schema/dump.schema.json)' : '';
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      `${where} is not a valid boxaudit dump${against}:\n${shown.join('\n')}${more > 0 ? `\n… and ${more} more` : ''}`,
      { details: { problems } },
    );
  }
  const { snapshots } = doc as { snapshots: Snapshot[] };
  // Valid, but nothing was read: auditing it would say "clean" about no box at all.
  if (snapshots.length === 0) throw invalid(`${where}: the dump holds no snapshot (no box was read)`);
  return snapshots;
}

/** Port ranges that end before they start (the schema cannot say so): no rule could match them. */
function reversedRanges(snapshots: Snapshot[], where: string): string[] {
  const problems: string[] = [];
  snapshots.forEach((snapshot, s) => {
    snapshot.forwards.forEach((f, i) => {
      for (const side of ['externalPort', 'internalPort'] as const) {
        const r = f[side];
        if (r !== null && r.start > r.end)
          problems.push(
            `${where}: /snapshots/${s}/forwards/${i}/${side} ends before it starts (${r.start}-${r.end})`,
          );
      }
    });
  });
  return problems;
}

/**
 * Parse an exported configuration into one Snapshot (`target.kind` `file`).
 * @param options.vendor force the format (one of {@link EXPORT_VENDORS} except `dump`); default: detected.
 * @param options.fileName shown as the target address and used as a detection hint.
 * @throws BoxauditError BOXAUDIT_INPUT_INVALID when the format cannot be told or the text does not parse;
 *   BOXAUDIT_USAGE for an unknown vendor id.
 */
export function parseExport(text: string, options: { vendor?: string; fileName?: string } = {}): Snapshot {
  const clean = normalizeText(text);
  return parseNormalized(clean, options, resolveVendor(clean, options));
}

/** One exported configuration, its text already normalised and its format already known. */
function parseNormalized(text: string, options: { fileName?: string }, vendor: string): Snapshot {
  const where = options.fileName ?? '(text)';
  if (vendor === 'dump') {
    throw new BoxauditError(
      'BOXAUDIT_USAGE',
      `${where}: a dump document holds several snapshots; use loadSnapshotsFromFile`,
    );
  }
  const parse = PARSERS[vendor]!;
  let parts: ConfigParts;
  try {
    parts = parse(text);
  } catch (error) {
    // The parsers know the format, not the file: name it, so a fleet's log says which one broke.
    if (!(error instanceof BoxauditError) || options.fileName === undefined) throw error;
    throw new BoxauditError(error.code, `${where}: ${error.message}`, {
      cause: error,
      details: error.details,
    });
  }
  return partsToSnapshot(parts, { kind: 'file', address: where, adapter: vendor }, new Date().toISOString());
}

function resolveVendor(text: string, options: { vendor?: string; fileName?: string }): string {
  const where = options.fileName ?? '(text)';
  if (options.vendor !== undefined) {
    if (!EXPORT_VENDORS.includes(options.vendor)) {
      throw new BoxauditError(
        'BOXAUDIT_USAGE',
        `unknown export format "${options.vendor}"; known: ${EXPORT_VENDORS.join(', ')}`,
      );
    }
    return options.vendor;
  }
  const found = detectExportFormat(text, options.fileName);
  if (!found) {
    throw invalid(
      `${where}: not a recognised export (nft -j / nftables.conf / iptables-save, uci show or /etc/config, RouterOS export, show configuration commands or config.boot, config.xml, dump --json); pass --vendor to force one`,
    );
  }
  return found.vendor;
}

/**
 * Parse export text or a dump document into snapshots (a dump's snapshots are returned unchanged).
 */
export function parseExportSnapshots(
  text: string,
  options: { vendor?: string; fileName?: string } = {},
): Snapshot[] {
  const clean = normalizeText(text);
  const vendor = resolveVendor(clean, options);
  if (vendor === 'dump') return snapshotsOfDump(clean, options.fileName ?? '(text)');
  return [parseNormalized(clean, options, vendor)];
}

/**
 * Read a file (exported config or saved `dump --json`) and return its snapshots.
 * @throws BoxauditError BOXAUDIT_NOT_FOUND (unreadable), BOXAUDIT_TOO_LARGE (> 32 MiB), BOXAUDIT_INPUT_INVALID
 *   (not a regular file, or not a recognised export).
 */
export async function loadSnapshotsFromFile(
  path: string,
  options: { vendor?: string; signal?: AbortSignal } = {},
): Promise<Snapshot[]> {
  const text = decodeText(await readBoundedFile(path, MAX_EXPORT_BYTES, options.signal));
  return parseExportSnapshots(text, {
    fileName: path,
    ...(options.vendor !== undefined ? { vendor: options.vendor } : {}),
  });
}

/**
 * No byte-order mark, and `\n` line ends: the line parsers split on `\n`, and a file saved with
 * CR-only (classic Mac) line ends would otherwise read as one line, i.e. as an empty config.
 */
function normalizeText(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/**
 * UTF-8, or UTF-16 with its byte-order mark (what Windows PowerShell's `>` writes): an export
 * saved by an MSP's script should not be refused for its encoding.
 */
function decodeText(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2, buf.length - (buf.length % 2)));
    return swapped.swap16().toString('utf16le');
  }
  return buf.toString('utf8');
}
