/**
 * Fingerprint evidence matching: pure, over one adapter's metadata (`evidence` in
 * src/adapters/<id>.meta.ts). The engine that ranks every adapter for a gateway is
 * src/discovery/fingerprint.ts; this is the part below the adapters, so that an adapter's score can
 * be computed from its metadata alone (`detectScore`).
 */
import type { AdapterMeta, EvidenceField, Probe } from './types.js';

export interface FingerprintInput {
  /** Gateway address (IPv4/IPv6 or host name). */
  address: string;
  /** SSDP `SERVER` header, e.g. `Linux/5.4 UPnP/1.1 MiniUPnPd/2.3.7`. */
  ssdpServer?: string | null;
  /** The IGD root device description (root device, not sub-devices: those often say "MiniUPnP"). */
  description?: {
    manufacturer?: string | null;
    model?: string | null;
    friendlyName?: string | null;
    modelDescription?: string | null;
    manufacturerUrl?: string | null;
  } | null;
  /** What `probeGateway` read from `GET /`: Server header, title, redirect location. */
  httpBanner?: string | null;
  /** A known vendor host name that resolves to the gateway (e.g. `fritz.box`). */
  hostname?: string | null;
}

/** A generic IGD answered: the fallback always fits, but below any vendor match (≥ 0.5). */
const FALLBACK_SEEN = 0.3;
const FALLBACK_UNSEEN = 0.05;

function fieldText(input: FingerprintInput, field: EvidenceField): string | null {
  const d = input.description ?? null;
  switch (field) {
    case 'server':
      return input.ssdpServer ?? null;
    case 'manufacturer':
      return d?.manufacturer ?? null;
    case 'model':
      return d?.model ?? null;
    case 'friendlyName':
      return d?.friendlyName ?? null;
    case 'modelDescription':
      return d?.modelDescription ?? null;
    case 'manufacturerUrl':
      return d?.manufacturerUrl ?? null;
    case 'banner':
      return input.httpBanner ?? null;
    case 'hostname':
      return input.hostname ? input.hostname.replace(/\.$/, '') : null;
    case 'address':
      return input.address;
  }
}

/**
 * One adapter's fingerprint score (0..0.99, 3 decimals; independent evidence combines as
 * 1 − Π(1 − w)) and why, in a short English phrase (`no evidence` when nothing matched).
 */
export function scoreEvidence(meta: AdapterMeta, input: FingerprintInput): { score: number; reason: string } {
  let miss = 1;
  const reasons: string[] = [];
  for (const ev of meta.evidence) {
    const hit = ev.fields.some((f) => {
      const text = fieldText(input, f);
      return text !== null && ev.pattern.test(text.trim());
    });
    if (hit) {
      miss *= 1 - ev.weight;
      if (!reasons.includes(ev.reason)) reasons.push(ev.reason);
    }
  }
  if (meta.fallback) {
    const seen = Boolean(input.ssdpServer) || Boolean(input.description);
    miss *= 1 - (seen ? FALLBACK_SEEN : FALLBACK_UNSEEN);
    reasons.push(seen ? 'an UPnP IGD answered (generic fallback)' : 'generic fallback (no IGD seen)');
  }
  const score = Math.round(Math.min(0.99, 1 - miss) * 1000) / 1000;
  return { score, reason: reasons.length > 0 ? reasons.join('; ') : 'no evidence' };
}

/** An adapter's score for a discovery probe (SSDP server, root description, banner, host name). */
export function detectScore(meta: AdapterMeta, probe: Probe): number {
  const hasDescription = Boolean(probe.manufacturer) || Boolean(probe.model);
  return scoreEvidence(meta, {
    address: probe.address,
    ssdpServer: probe.ssdpServer ?? null,
    description: hasDescription
      ? { manufacturer: probe.manufacturer ?? null, model: probe.model ?? null }
      : null,
    httpBanner: probe.httpBanner ?? null,
    hostname: probe.hostname ?? null,
  }).score;
}
