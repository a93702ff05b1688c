/**
 * The fast path for plain SOAP replies (`leanSoapArgs`) must never widen what the strict parser
 * accepts: on every real capture it either gives exactly the strict parser's out-arguments or
 * steps aside (null), and anything unusual (entities, CDATA, comments, DOCTYPE, prefixed or
 * repeated arguments, faults, broken nesting) is left to the strict parser.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leanSoapArgs, parseSoapResponse, parseSoapResponseStrict } from '../../src/transport/soap.js';

const CAPTURES = join(process.cwd(), '..', 'shared', 'upnp-captures');

function soapCaptures(): Array<[string, string, string]> {
  let folders: string[] = [];
  try {
    folders = readdirSync(CAPTURES).filter((f) => statSync(join(CAPTURES, f)).isDirectory());
  } catch {
    return [];
  }
  const out: Array<[string, string, string]> = [];
  for (const folder of folders) {
    for (const file of readdirSync(join(CAPTURES, folder))) {
      const m = /^soap-([A-Za-z]+?)(?:_.*)?\.xml$/.exec(file);
      if (m?.[1]) out.push([`${folder}/${file}`, m[1], readFileSync(join(CAPTURES, folder, file), 'utf8')]);
    }
  }
  return out;
}

const strictOutcome = (xml: string, action: string): unknown => {
  try {
    return { args: parseSoapResponseStrict(xml, action, '[t]') };
  } catch (error) {
    return { error: (error as Error).message };
  }
};

const entry = (inner: string, opts: { prefix?: string; decl?: boolean } = {}) => {
  const p = opts.prefix ?? 's:';
  return `${opts.decl === false ? '' : '<?xml version="1.0"?>\n'}<${p}Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><${p}Body><u:GetGenericPortMappingEntryResponse xmlns:u="urn:schemas-upnp-org:service:WANIPConnection:1">${inner}</u:GetGenericPortMappingEntryResponse></${p}Body></${p}Envelope>\r\n`;
};
const PLAIN =
  '<NewRemoteHost></NewRemoteHost><NewExternalPort>104</NewExternalPort><NewProtocol>TCP</NewProtocol>' +
  '<NewInternalPort>104</NewInternalPort><NewInternalClient>192.168.1.20</NewInternalClient>' +
  '<NewEnabled>1</NewEnabled><NewPortMappingDescription> PACS </NewPortMappingDescription>' +
  '<NewLeaseDuration>0</NewLeaseDuration>';

describe('leanSoapArgs', () => {
  const captures = soapCaptures();
  it.skipIf(captures.length === 0)(
    'agrees with the strict parser on every real SOAP capture it accepts',
    () => {
      let accepted = 0;
      for (const [name, action, xml] of captures) {
        const lean = leanSoapArgs(xml, action);
        if (lean === null) continue;
        accepted++;
        expect({ args: lean }, name).toEqual(strictOutcome(xml, action));
      }
      // The fast path must actually serve real replies (miniupnpd's, Fritz!Box's, …).
      expect(accepted).toBeGreaterThan(captures.length / 3);
    },
  );

  it('reads a plain GetGenericPortMappingEntry reply exactly as the strict parser', () => {
    for (const xml of [entry(PLAIN), entry(PLAIN, { prefix: 'SOAP-ENV:' }), entry(PLAIN, { decl: false })]) {
      const lean = leanSoapArgs(xml, 'GetGenericPortMappingEntry');
      expect(lean).not.toBeNull();
      expect(lean).toEqual(parseSoapResponseStrict(xml, 'GetGenericPortMappingEntry', '[t]'));
      expect(lean?.NewPortMappingDescription).toBe('PACS');
    }
  });

  it.each([
    ['an entity', PLAIN.replace('PACS', 'A&amp;B')],
    ['a character reference', PLAIN.replace('PACS', '&#x1b;[31m')],
    ['CDATA', PLAIN.replace('PACS', '<![CDATA[x]]>')],
    ['a comment', `<!-- c -->${PLAIN}`],
    ['a prefixed argument', `${PLAIN}<u:NewExtra>1</u:NewExtra>`],
    ['a repeated argument', `${PLAIN}<NewProtocol>UDP</NewProtocol>`],
    ['a nested element', `${PLAIN}<NewX><a>1</a></NewX>`],
    ['an argument named like a prototype key', `${PLAIN}<__proto__>1</__proto__>`],
    ['an argument with attributes', PLAIN.replace('<NewEnabled>', '<NewEnabled dt:dt="boolean">')],
    ['an unclosed argument', PLAIN.replace('</NewEnabled>', '')],
    ['mismatched closing tags', PLAIN.replace('</NewEnabled>', '</NewEnable>')],
  ])('steps aside for %s (the strict parser decides)', (_what, inner) => {
    const xml = entry(inner);
    expect(leanSoapArgs(xml, 'GetGenericPortMappingEntry')).toBeNull();
    // And the public parser still gives the strict parser's outcome.
    let publicOutcome: unknown;
    try {
      publicOutcome = { args: parseSoapResponse(xml, 'GetGenericPortMappingEntry', '[t]') };
    } catch (error) {
      publicOutcome = { error: (error as Error).message };
    }
    expect(publicOutcome).toEqual(strictOutcome(xml, 'GetGenericPortMappingEntry'));
  });

  it.each([
    ['a DOCTYPE', `<!DOCTYPE x [<!ENTITY a "b">]>${entry(PLAIN, { decl: false })}`],
    [
      'a fault',
      entry(PLAIN).replace('<s:Body>', '<s:Body><s:Fault><faultcode>s:Client</faultcode></s:Fault>'),
    ],
    [
      'another action’s response',
      entry(PLAIN).replaceAll('GetGenericPortMappingEntryResponse', 'GetStatusInfoResponse'),
    ],
    [
      'a Body prefix unlike the Envelope’s',
      entry(PLAIN).replace('<s:Body>', '<t:Body>').replace('</s:Body>', '</t:Body>'),
    ],
    ['a closing Envelope with another prefix', entry(PLAIN).replace('</s:Envelope>', '</t:Envelope>')],
    ['a header', entry(PLAIN).replace('<s:Body>', '<s:Header></s:Header><s:Body>')],
    ['text beside the arguments', entry(`${PLAIN}junk`)],
    ['no closing Envelope', entry(PLAIN).replace('</s:Envelope>', '')],
    [
      'a second response element',
      entry(PLAIN).replace(
        '</s:Body>',
        '<u:GetGenericPortMappingEntryResponse></u:GetGenericPortMappingEntryResponse></s:Body>',
      ),
    ],
  ])('steps aside for %s', (_what, xml) => {
    expect(leanSoapArgs(xml, 'GetGenericPortMappingEntry')).toBeNull();
  });

  it('ignores what follows the closing Envelope, as the strict parser does', () => {
    const xml = `${entry(PLAIN)}<junk>&bogus;`;
    expect(leanSoapArgs(xml, 'GetGenericPortMappingEntry')).toEqual(
      parseSoapResponseStrict(xml, 'GetGenericPortMappingEntry', '[t]'),
    );
  });
});
