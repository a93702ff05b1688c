/**
 * UPnP root device description → device facts and WAN connection services
 * (UPnP Device Architecture 1.1 §2.3; IGD:1/IGD:2 device templates).
 */
import { BoxauditError } from '../errors.js';
import type { ServiceInfo, Warning } from '../model/types.js';
import { redactUrl } from '../transport/http.js';
import {
  childElement,
  childElements,
  childText,
  childTextOrNull,
  parseXml,
  type XmlElement,
} from '../util/xml.js';

/** A WANIPConnection:1/2 or WANPPPConnection:1 service, with its control URL resolved. */
export interface WanConnectionService extends ServiceInfo {
  kind: 'WANIPConnection' | 'WANPPPConnection';
  version: number;
  /** The controlURL exactly as the description wrote it (trimmed). */
  controlUrlDeclared: string;
}

/** An IGD's device description, parsed: its WAN connection services and every other service. */
export interface DeviceDescription {
  descriptionUrl: string;
  /** URLBase as declared (trimmed); null when missing or empty. */
  urlBase: string | null;
  /** What relative URLs were resolved against: a usable URLBase, else the description URL. */
  baseUrl: string;
  /** 1 or 2 from the root `InternetGatewayDevice:N`; null when the root is not an IGD. */
  igdVersion: number | null;
  deviceType: string | null;
  manufacturer: string | null;
  model: string | null;
  modelNumber: string | null;
  friendlyName: string | null;
  udn: string | null;
  presentationUrl: string | null;
  /** Every WAN connection service on every device of the tree, in document order. */
  services: WanConnectionService[];
  /** Every service of every device, for the snapshot's gateway facts. */
  allServices: ServiceInfo[];
  /** WANIPv6FirewallControl is offered (IPv6 pinholes exist but are not read here). */
  ipv6FirewallControl: boolean;
  warnings: Warning[];
}

const WAN_SERVICE = /:service:(WANIPConnection|WANPPPConnection):(\d+)\s*$/;

/**
 * Resolve a URL from a description: absolute http(s) as is; anything else relative to `base`.
 * `/uuid:…/WANIPConnection:1` (Netgear) is a path, not a scheme; a bare `uuid:x` would be read
 * as one, so relative references without a leading slash get `./`.
 */
export function resolveDescriptionUrl(value: string, base: string): string | null {
  const text = value.trim();
  if (text === '') return null;
  const reference = /^https?:\/\//i.test(text) || text.startsWith('/') ? text : `./${text}`;
  try {
    return new URL(reference, base).toString();
  } catch {
    return null;
  }
}

function usableUrlBase(urlBase: string | null): string | null {
  if (!urlBase) return null;
  try {
    const u = new URL(urlBase);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

function walkDevices(device: XmlElement | undefined, visit: (d: XmlElement) => void, depth = 0): void {
  // Real trees are 3 deep; the bound keeps a hostile description from recursing forever.
  if (!device || depth > 16) return;
  visit(device);
  for (const list of childElements(device, 'deviceList')) {
    for (const child of childElements(list, 'device')) walkDevices(child, visit, depth + 1);
  }
}

/**
 * Parse a root device description.
 * Handles: URLBase missing, empty, on another port or after `</device>`; relative control URLs;
 * text after `</root>`; whitespace inside tags; vendor elements; several services on one controlURL.
 * @param xml the description text
 * @param descriptionUrl where it was fetched (base for relative URLs when URLBase is unusable)
 * @throws BoxauditError BOXAUDIT_PROTOCOL_ERROR when it is not a UPnP device description.
 */
export function parseDeviceDescription(xml: string, descriptionUrl: string): DeviceDescription {
  const shown = redactUrl(descriptionUrl);
  const context = `[upnp-igd] GET ${shown}`;
  const doc = parseXml(xml, { context, cutAfterClosing: 'root' });
  const rootDevice = childElement(doc.root, 'device');
  if (doc.name.toLowerCase() !== 'root' || !rootDevice) {
    throw new BoxauditError(
      'BOXAUDIT_PROTOCOL_ERROR',
      `${context}: not a UPnP device description (root element <${doc.name}>${rootDevice ? '' : ', no <device>'})`,
    );
  }
  const warnings: Warning[] = [];
  const urlBase = childTextOrNull(doc.root, 'URLBase');
  const usable = usableUrlBase(urlBase);
  if (urlBase && !usable) {
    warnings.push({
      code: 'UPNP_URLBASE_INVALID',
      message: `URLBase "${urlBase}" is not an http(s) URL; relative URLs resolved against the description URL`,
      where: shown,
    });
  }
  const baseUrl = usable ?? descriptionUrl;

  const deviceType = childTextOrNull(rootDevice, 'deviceType');
  const igd = deviceType ? /:device:InternetGatewayDevice:(\d+)/.exec(deviceType) : null;
  const services: WanConnectionService[] = [];
  const allServices: ServiceInfo[] = [];
  let ipv6FirewallControl = false;

  walkDevices(rootDevice, (device) => {
    const udn = childTextOrNull(device, 'UDN');
    for (const list of childElements(device, 'serviceList')) {
      for (const service of childElements(list, 'service')) {
        const serviceType = childText(service, 'serviceType') ?? '';
        const controlDeclared = childText(service, 'controlURL') ?? '';
        const controlUrl = resolveDescriptionUrl(controlDeclared, baseUrl);
        const scpd = childTextOrNull(service, 'SCPDURL');
        const info: ServiceInfo = {
          serviceType,
          serviceId: childTextOrNull(service, 'serviceId'),
          controlUrl: controlUrl ?? controlDeclared,
          scpdUrl: scpd ? resolveDescriptionUrl(scpd, baseUrl) : null,
          deviceUdn: udn,
        };
        allServices.push(info);
        if (/:service:WANIPv6FirewallControl:/.test(serviceType)) ipv6FirewallControl = true;
        const wan = WAN_SERVICE.exec(serviceType);
        if (!wan) continue;
        if (controlUrl === null) {
          warnings.push({
            code: 'UPNP_CONTROL_URL_INVALID',
            message: `${serviceType} has no usable controlURL ("${controlDeclared}"); skipped`,
            where: shown,
          });
          continue;
        }
        services.push({
          ...info,
          kind: wan[1] as WanConnectionService['kind'],
          version: Number(wan[2]),
          controlUrlDeclared: controlDeclared,
        });
      }
    }
  });

  return {
    descriptionUrl: shown,
    urlBase,
    baseUrl: redactUrl(baseUrl),
    igdVersion: igd ? Number(igd[1]) : null,
    deviceType,
    manufacturer: childTextOrNull(rootDevice, 'manufacturer'),
    model: childTextOrNull(rootDevice, 'modelName'),
    modelNumber: childTextOrNull(rootDevice, 'modelNumber'),
    friendlyName: childTextOrNull(rootDevice, 'friendlyName'),
    udn: childTextOrNull(rootDevice, 'UDN'),
    presentationUrl: childTextOrNull(rootDevice, 'presentationURL'),
    services,
    allServices,
    ipv6FirewallControl,
    warnings,
  };
}
