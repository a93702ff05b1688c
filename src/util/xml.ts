/**
 * Safe, forgiving XML reading for UPnP device descriptions, SOAP bodies and exported configurations
 * (pfSense/OPNsense config.xml), xml2js underneath. Pure text → plain objects: the transports, the
 * UPnP protocol and the formats all use this one parser, so it sits in util/.
 *
 * Real routers send: a BOM, CRLF/LF mixes, whitespace inside start tags (TP-Link ER605), any
 * namespace prefix (`s:`, `SOAP-ENV:`, `u:`, `m:`), typing attributes (Yamaha `dt:dt`) and text
 * after the root element (a Nokia capture). We strip prefixes, drop attributes, trim text, and
 * refuse DOCTYPE/ENTITY declarations outright: no UPnP document needs them, and they are how an
 * entity-expansion ("billion laughs") bomb is delivered.
 */
// xml2js's parser module only: the package's main module also loads its XML builder (xmlbuilder),
// which boxaudit never uses and which costs more start-up than the parser and sax together (about
// 40 ms of CPU measured, 10 for the parser). Typed in xml2js-parser.d.ts.
import xml2jsParser from 'xml2js/lib/parser.js';
import { BoxauditError } from '../errors.js';

const { Parser } = xml2jsParser;

/** An element: child element name (prefix stripped) → its occurrences, in document order. */
export interface XmlElement {
  [name: string]: XmlValue[];
}

/** A text-only element is its trimmed text (`''` when empty); anything else is an element. */
export type XmlValue = string | XmlElement;

export interface ParseXmlOptions {
  /** Prefix for error messages, e.g. `[upnp-igd] GET http://…/rootDesc.xml`. */
  context: string;
  /** Cut the text right after the first `</name>` closing tag (any prefix): drops trailing junk. */
  cutAfterClosing?: string;
}

export interface ParsedXml {
  /** Root element name, prefix stripped. */
  name: string;
  root: XmlElement;
}

const stripPrefix = (name: string): string => name.replace(/^[^:]*:/, '');

/** Remove a BOM and leading whitespace; cut after the closing tag when asked. */
function prepare(text: string, cutAfterClosing: string | undefined): string {
  let out = text.replace(/^\uFEFF/, '').trimStart();
  if (cutAfterClosing) {
    const re = new RegExp(`</(?:[\\w.-]+:)?${cutAfterClosing}\\s*>`);
    const m = re.exec(out);
    if (m) out = out.slice(0, m.index + m[0].length);
  }
  return out;
}

/**
 * Parse an XML document into plain objects (see {@link XmlElement}).
 * @throws BoxauditError BOXAUDIT_PROTOCOL_ERROR on a DOCTYPE/ENTITY declaration, on malformed XML,
 *   or on an empty document; the message starts with `options.context`.
 */
export function parseXml(text: string, options: ParseXmlOptions): ParsedXml {
  const { context } = options;
  const prepared = prepare(text, options.cutAfterClosing);
  if (/<!DOCTYPE|<!ENTITY/i.test(prepared)) {
    throw new BoxauditError(
      'BOXAUDIT_PROTOCOL_ERROR',
      `${context}: the XML contains a DOCTYPE or ENTITY declaration; refused (UPnP never needs one, and it is how entity-expansion bombs are sent)`,
      { details: { reason: 'doctype' } },
    );
  }
  if (prepared === '') {
    throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `${context}: empty reply where XML was expected`);
  }
  const parser = new Parser({
    explicitArray: true,
    explicitRoot: true,
    ignoreAttrs: true,
    trim: true,
    emptyTag: '',
    tagNameProcessors: [stripPrefix],
    strict: true,
    async: false,
  });
  // xml2js runs synchronously when `async` is off; keep the first outcome only (it may report an
  // error after the root closed).
  let outcome: { error: unknown } | { result: unknown } | undefined;
  try {
    parser.parseString(prepared, (error: unknown, value: unknown) => {
      outcome ??= error ? { error } : { result: value };
    });
  } catch (error) {
    outcome ??= { error };
  }
  if (outcome === undefined || 'error' in outcome) {
    const error = outcome?.error;
    // sax writes "reason\nLine: L\nColumn: C\nChar: x"; keep the reason and where (0-based line).
    const text = error instanceof Error ? error.message : '';
    const at = /\nLine: (\d+)\nColumn: (\d+)/.exec(text);
    const reason =
      (text.split('\n')[0] || 'unterminated document') +
      (at ? ` at line ${Number(at[1]) + 1}, column ${at[2]}` : '');
    throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `${context}: malformed XML (${reason})`, {
      cause: error,
    });
  }
  const result = outcome.result;
  if (result === null || typeof result !== 'object') {
    throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `${context}: no XML root element`);
  }
  const [name, value] = Object.entries(result as Record<string, unknown>)[0] ?? [];
  if (name === undefined) {
    throw new BoxauditError('BOXAUDIT_PROTOCOL_ERROR', `${context}: no XML root element`);
  }
  return { name, root: typeof value === 'object' && value !== null ? (value as XmlElement) : {} };
}

/** Every child element named `name` (case-insensitive, prefix already stripped). */
export function childValues(node: XmlValue | undefined, name: string): XmlValue[] {
  if (node === undefined || typeof node === 'string') return [];
  const wanted = name.toLowerCase();
  const out: XmlValue[] = [];
  for (const [key, values] of Object.entries(node)) {
    if (key.toLowerCase() === wanted) out.push(...values);
  }
  return out;
}

/** Child elements (not text) named `name`. */
export function childElements(node: XmlValue | undefined, name: string): XmlElement[] {
  return childValues(node, name).filter((v): v is XmlElement => typeof v !== 'string');
}

/** The first child element named `name`, or undefined. */
export function childElement(node: XmlValue | undefined, name: string): XmlElement | undefined {
  return childElements(node, name)[0];
}

/** Trimmed text of the first child named `name`; null when absent; `''` when empty. */
export function childText(node: XmlValue | undefined, name: string): string | null {
  const first = childValues(node, name)[0];
  if (first === undefined) return null;
  return typeof first === 'string' ? first.trim() : '';
}

/** Like {@link childText} but empty text gives null. */
export function childTextOrNull(node: XmlValue | undefined, name: string): string | null {
  const text = childText(node, name);
  return text === null || text === '' ? null : text;
}
