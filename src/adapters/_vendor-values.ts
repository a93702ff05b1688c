/**
 * Small fail-closed readers shared by the vendor HTTP adapters (Livebox, Freebox, Bbox, FRITZ!Box):
 * a value that is not what it should be becomes unknown (null) with a warning naming it and where
 * it was, never a guess.
 */
import { isIP } from 'node:net';
import type { PortRange, Warning } from '../model/types.js';
import { looseString } from '../transport/rest.js';

/** An IP address as text, or null when `value` is not one. */
export function ipOrNull(value: unknown): string | null {
  const text = looseString(value);
  return text !== null && isIP(text) !== 0 ? text : null;
}

/**
 * An IPv4/IPv6 address, or null: absent/empty is null silently; anything else that is not an address
 * (a redaction mark such as `**REDACTED**`, a host name) is null with a warning `code`.
 */
export function addressOf(
  value: unknown,
  what: string,
  where: string,
  warnings: Warning[],
  code: string,
): string | null {
  const text = looseString(value);
  if (text === null) return null;
  if (isIP(text) !== 0) return text;
  warnings.push({
    code,
    message: `${what} ${JSON.stringify(text.slice(0, 64))} is not an IP address; kept as unknown`,
    where,
  });
  return null;
}

/**
 * A rule's internal port range when the box gives only its start (or nothing): the span follows the
 * external range (`8000` for `8000-8010` is `8000-8010`); no internal port is the external range.
 */
export function internalRange(internal: PortRange | null, external: PortRange | null): PortRange | null {
  if (!internal) return external;
  if (external && internal.start === internal.end && external.end > external.start) {
    const end = internal.start + (external.end - external.start);
    return end <= 65535 ? { start: internal.start, end } : internal;
  }
  return internal;
}
