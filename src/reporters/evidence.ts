/**
 * The words for a finding's evidence (what a probe saw answer behind the forward, whether the
 * Internet reaches it) and for the probe step's summary, shared by the text, Markdown and SARIF
 * reporters. Pure; peer strings are returned as they are: each reporter escapes the whole line.
 */
import { colon, hasMessage, type Lang, type MessageKey, t } from '../i18n/index.js';
import type { ForwardProbe, ForwardReachability, ProbeFactValue, Snapshot } from '../model/types.js';
import type { FindingEvidence, Summary } from '../rules/types.js';

const SERVICE_NAMES: Record<string, string> = {
  dicom: 'DICOM',
  http: 'HTTP',
  https: 'HTTPS',
  ssh: 'SSH',
  ftp: 'FTP',
  telnet: 'Telnet',
  vnc: 'VNC',
  rdp: 'RDP',
  smb: 'SMB',
  mysql: 'MySQL',
  postgres: 'PostgreSQL',
  redis: 'Redis',
  mongodb: 'MongoDB',
  mssql: 'MS SQL Server',
  memcached: 'memcached',
  tls: 'TLS',
  'ftp-or-smtp': 'FTP/SMTP',
};

function serviceName(service: string | null): string {
  return service === null ? '?' : (SERVICE_NAMES[service] ?? service.slice(0, 40));
}

/** A probe's reason code in words when the catalogue has them, else the code itself. */
export function probeReasonWord(reason: string | null, lang: Lang): string {
  if (reason === null) return '';
  const key = `probeReason.${reason}`;
  return hasMessage(key) ? t(lang, key as MessageKey) : reason.slice(0, 64);
}

const str = (v: ProbeFactValue | undefined): string | null =>
  typeof v === 'string' && v !== '' ? v.slice(0, 120) : null;

/** The facts worth a doctor's attention, in words (a few per service). */
function factWords(p: ForwardProbe, lang: Lang): string[] {
  const f = p.facts;
  const out: string[] = [];
  switch (p.service) {
    case 'dicom':
      if (f.associationAccepted === true) {
        out.push(t(lang, 'fact.dicomAccepted') + (f.echoStatus === 0 ? ` ${t(lang, 'fact.echoOk')}` : ''));
      } else if (f.associationAccepted === false) {
        out.push(t(lang, 'fact.dicomRejected', { reason: str(f.rejectReason) ?? str(f.abortReason) ?? '?' }));
      }
      break;
    case 'http':
    case 'https': {
      if (f.authRequired === false) out.push(t(lang, 'fact.noPassword'));
      if (f.authRequired === true) out.push(t(lang, 'fact.password'));
      const products = Array.isArray(f.products) ? (f.products as string[]).slice(0, 5) : [];
      if (products.length > 0) out.push(t(lang, 'fact.products', { products: products.join(', ') }));
      const title = str(f.title);
      if (title) out.push(t(lang, 'fact.title', { title }));
      break;
    }
    case 'rdp':
      if (f.nlaRequired === false) out.push(t(lang, 'fact.noNla'));
      if (f.nlaRequired === true) out.push(t(lang, 'fact.nla'));
      break;
    case 'vnc':
      if (f.noneOffered === true) out.push(t(lang, 'fact.vncNone'));
      if (f.noneOffered === false) out.push(t(lang, 'fact.vncAuth'));
      break;
    case 'smb': {
      const dialect = str(f.dialect);
      if (dialect) out.push(t(lang, 'fact.smbDialect', { dialect }));
      if (f.smb1Accepted === true) out.push(t(lang, 'fact.smb1'));
      if (f.guestSession === true) out.push(t(lang, 'fact.smbGuest'));
      break;
    }
    default: {
      const software = str(f.sshSoftware) ?? str(f.serverVersion);
      if (software) out.push(t(lang, 'fact.software', { software }));
      const banner = str(f.banner);
      if (banner) out.push(t(lang, 'fact.banner', { banner: banner.slice(0, 80) }));
      if (f.anonymousLogin === true) out.push(t(lang, 'fact.ftpAnonymous'));
    }
  }
  return out;
}

/** One sentence for a probe outcome. */
export function probeSentence(p: ForwardProbe, lang: Lang): string {
  const target = p.target ? `${p.target.host}:${p.target.port}` : '?';
  const reason = probeReasonWord(p.reason, lang);
  switch (p.status) {
    case 'confirmed':
    case 'different': {
      const head =
        p.status === 'confirmed'
          ? t(lang, 'evidence.confirmed', { target, service: serviceName(p.service) })
          : p.service === null
            ? t(lang, 'evidence.differentUnknown', { target })
            : t(lang, 'evidence.different', { target, service: serviceName(p.service) });
      const facts = factWords(p, lang);
      return facts.length > 0 ? `${head}${colon(lang)}${facts.join('; ')}` : head;
    }
    case 'silent':
      return t(lang, 'evidence.silent', { target, reason });
    case 'error':
      return t(lang, 'evidence.error', { target, reason });
    case 'skipped':
      return t(lang, 'evidence.skipped', { reason });
  }
}

const HAIRPIN_FAILURES = new Set(['REFUSED', 'UNREACHABLE', 'CONNECT_FAILED', 'TIMEOUT']);

/** One sentence for a reachability result. */
export function reachableSentence(r: ForwardReachability, lang: Lang, vantage: string | null): string {
  const reason = probeReasonWord(r.reason, lang);
  // A hairpin connection that failed proves nothing (many boxes do not loop back): say so.
  if (r.fromInternet === null && r.method === 'hairpin' && HAIRPIN_FAILURES.has(r.reason ?? '')) {
    return t(lang, 'evidence.hairpinUnknown', { reason });
  }
  if (r.fromInternet === null) return t(lang, 'evidence.reachableUnknown', { reason });
  if (r.method === 'internet-db') return t(lang, 'evidence.reachableInternetDb');
  if (r.method === 'vantage') {
    const v = vantage ?? '?';
    return r.fromInternet
      ? t(lang, 'evidence.reachableVantage', { vantage: v })
      : t(lang, 'evidence.unreachableVantage', { vantage: v, reason });
  }
  return t(lang, r.fromInternet ? 'evidence.reachableHairpin' : 'evidence.unreachableHairpin');
}

/** The evidence of a finding in sentences (empty when there is none). */
export function evidenceSentences(
  evidence: FindingEvidence | undefined,
  lang: Lang,
  vantage: string | null = null,
): string[] {
  if (!evidence) return [];
  const out: string[] = [];
  if (evidence.probe) out.push(probeSentence(evidence.probe, lang));
  if (evidence.reachable) out.push(reachableSentence(evidence.reachable, lang, vantage));
  return out;
}

/** The probe step's lines for a snapshot (empty when it ran without probes). */
export function probeRunLines(snapshot: Snapshot, lang: Lang): string[] {
  const run = snapshot.probes;
  if (!run) return [];
  const lines = [t(lang, 'probes.line', { probed: run.probed, skipped: run.skipped, mode: run.mode })];
  if (run.sentOutside.length === 0) lines.push(t(lang, 'probes.nothingOutside'));
  for (const s of run.sentOutside) {
    const ports = (s.ports ?? []).slice(0, 64).join(', ');
    const address = s.address ?? '?';
    if (s.kind === 'vantage') lines.push(t(lang, 'probes.sentVantage', { to: s.to, address, ports }));
    else if (s.kind === 'hairpin') lines.push(t(lang, 'probes.sentHairpin', { address, ports }));
    else lines.push(t(lang, 'probes.sentOutside', { what: s.what, to: s.to }));
  }
  lines.push(...internetDbLines(snapshot, lang));
  return lines;
}

/** The summary's line on the outside-in view (null when it was not checked). */
export function reachabilityLine(
  reachability: Summary['reachability'],
  snapshots: readonly Snapshot[],
  lang: Lang,
): string | null {
  if (!reachability) return null;
  const params = {
    reachable: reachability.reachable,
    confirmed: reachability.reachableConfirmed,
    notReachable: reachability.notReachable,
    unknown: reachability.unknown,
  };
  if (reachability.method === 'hairpin') return t(lang, 'summary.reachableHairpin', params);
  const vantage = snapshots.find((s) => s.probes?.vantage)?.probes?.vantage ?? '?';
  return t(lang, 'summary.reachableVantage', { ...params, vantage });
}

/** Items of a peer-given list for a sentence: at most `max`, each short, "…" when cut (the reporter escapes). */
function listWords(items: readonly (string | number)[], max: number): string {
  const shown = items.slice(0, max).map((x) => String(x).slice(0, 60));
  return items.length > max ? `${shown.join(', ')}, …` : shown.join(', ');
}

/** What Shodan's InternetDB said about the public address (`--internet-db`), in sentences; empty when not asked. */
export function internetDbLines(snapshot: Snapshot, lang: Lang): string[] {
  const r = snapshot.probes?.internetDb;
  if (!r) return [];
  const url = r.url.slice(0, 200);
  switch (r.status) {
    case 'found': {
      const lines = [
        r.ports.length > 0
          ? t(lang, 'probes.internetDbFound', { url, count: r.ports.length, ports: listWords(r.ports, 20) })
          : t(lang, 'probes.internetDbNoPorts', { url }),
      ];
      if (r.vulns.length > 0) {
        lines.push(
          t(lang, 'probes.internetDbVulns', { count: r.vulns.length, vulns: listWords(r.vulns, 10) }),
        );
      }
      if (r.tags.length > 0 || r.hostnames.length > 0) {
        lines.push(
          t(lang, 'probes.internetDbNames', {
            tags: r.tags.length > 0 ? listWords(r.tags, 8) : '-',
            hostnames: r.hostnames.length > 0 ? listWords(r.hostnames, 5) : '-',
          }),
        );
      }
      return lines;
    }
    case 'not-found':
      return [t(lang, 'probes.internetDbNotFound', { url })];
    case 'error':
      return [t(lang, 'probes.internetDbError', { url, reason: probeReasonWord(r.reason, lang) })];
    case 'skipped':
      return [t(lang, 'probes.internetDbSkipped', { reason: probeReasonWord(r.reason, lang) })];
  }
}
