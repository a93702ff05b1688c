/**
 * Web interfaces the HTTP probe recognises from what the page says about itself (title, Server
 * header, authentication realm, redirect target, body). Data, not code: add an entry to recognise
 * one more product. A match is a hint about what answers, never proof.
 */

export type ProductCategory = 'medical-imaging' | 'nas' | 'camera' | 'router' | 'virtualisation';

export interface ProductSignature {
  id: string;
  name: string;
  category: ProductCategory;
  /** Any one matching field is enough. */
  title?: RegExp;
  server?: RegExp;
  realm?: RegExp;
  location?: RegExp;
  body?: RegExp;
}

export const PRODUCT_SIGNATURES: readonly ProductSignature[] = [
  {
    id: 'orthanc',
    name: 'Orthanc (Orthanc Explorer)',
    category: 'medical-imaging',
    title: /\bOrthanc\b/i,
    server: /\bOrthanc\b/i,
    realm: /\bOrthanc\b/i,
    location: /(^|\/)app\/explorer\.html|(^|\/)ui\/app\//,
  },
  { id: 'ohif', name: 'OHIF Viewer', category: 'medical-imaging', title: /\bOHIF\b/i, body: /OHIF Viewer/i },
  {
    id: 'dcm4chee',
    name: 'dcm4chee',
    category: 'medical-imaging',
    title: /dcm4che/i,
    location: /dcm4chee-arc/i,
    body: /dcm4chee-arc/i,
  },
  {
    id: 'synology-dsm',
    name: 'Synology DiskStation Manager',
    category: 'nas',
    title: /Synology|DiskStation/i,
    body: /SYNO\.SDS|synology/i,
  },
  {
    id: 'qnap-qts',
    name: 'QNAP QTS',
    category: 'nas',
    title: /\b(QNAP|QTS|QuTS)\b/,
    location: /cgi-bin\/(login\.html|QTS\.cgi)/i,
    body: /\bQNAP\b/,
  },
  { id: 'truenas', name: 'TrueNAS', category: 'nas', title: /\b(TrueNAS|FreeNAS)\b/i },
  {
    id: 'hikvision',
    name: 'Hikvision',
    category: 'camera',
    server: /App-webs|DNVRS-Webs|Hikvision-Webs|DVRDVS-Webs/i,
    location: /doc\/page\/login\.asp/i,
    body: /doc\/page\/login\.asp|hikvision/i,
  },
  { id: 'dahua', name: 'Dahua', category: 'camera', title: /^WEB SERVICE$/, body: /\bdahua\b/i },
  { id: 'reolink', name: 'Reolink', category: 'camera', title: /reolink/i, body: /\breolink\b/i },
  { id: 'axis', name: 'Axis', category: 'camera', title: /^AXIS\b/, body: /axis-cgi\//i },
  { id: 'fritzbox', name: 'FRITZ!Box', category: 'router', title: /FRITZ!Box/i },
  { id: 'proxmox-ve', name: 'Proxmox VE', category: 'virtualisation', title: /Proxmox Virtual Environment/i },
];

export interface PageEvidence {
  title: string | null;
  server: string | null;
  realm: string | null;
  location: string | null;
  /** The first bytes of the body (already capped by the probe). */
  body: string;
}

/** Ids of the products whose signature matches, in table order. */
export function recogniseProducts(page: PageEvidence): string[] {
  const hit = (pattern: RegExp | undefined, value: string | null) =>
    pattern !== undefined && value !== null && pattern.test(value);
  return PRODUCT_SIGNATURES.filter(
    (p) =>
      hit(p.title, page.title) ||
      hit(p.server, page.server) ||
      hit(p.realm, page.realm) ||
      hit(p.location, page.location) ||
      hit(p.body, page.body),
  ).map((p) => p.id);
}
