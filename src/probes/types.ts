/**
 * Service probes: one harmless handshake with what answers behind a forward, then close.
 * Results are data only (codes, numbers, short printable strings), never sentences: reporters
 * add the words.
 */

import type { ProbeService } from '../model/types.js';

/** The service families a probe knows how to greet. */
export type ServiceFamily = ProbeService;

/**
 * - `confirmed`: the expected service answered its handshake;
 * - `different`: something answered, but not the expected service (`service` says what, if known);
 * - `silent`: nothing answered (refused, connect timeout, no reply before the read timeout);
 * - `error`: it answered with something broken, or the probe hit a cap;
 * - `skipped`: not probed (out of scope, aborted before starting); `reason` says why.
 */
export const PROBE_STATUSES = ['confirmed', 'different', 'silent', 'error', 'skipped'] as const;

/** One of {@link PROBE_STATUSES}. */
export type ProbeStatus = (typeof PROBE_STATUSES)[number];

/** Why a probe ended as it did (stable codes; the reporters have words for each, in English and French). */
export const PROBE_REASONS = [
  'OUT_OF_SCOPE',
  'NOT_AN_ADDRESS',
  'LOOPBACK',
  'WAN_ADDRESS',
  'NOT_PRIVATE',
  'CONNECTION_REFUSED',
  'CONNECT_TIMEOUT',
  'NO_REPLY',
  'CLOSED',
  'NETWORK_ERROR',
  'TLS_ERROR',
  'TOO_LARGE',
  'PROTOCOL_ERROR',
  'ABORTED',
] as const;

/** Why a probe ended as it did (one of {@link PROBE_REASONS}). */
export type ProbeReason = (typeof PROBE_REASONS)[number];

/** A fact's value: data only, strings already made printable and capped. */
export type FactValue = string | number | boolean | null | readonly string[] | readonly number[];

export type ProbeFacts = Record<string, FactValue>;

/** The outcome of one probe against one `host:port`. */
export interface ProbeResult {
  family: ServiceFamily;
  host: string;
  port: number;
  status: ProbeStatus;
  /** What answered (`dicom`, `http`, `ssh`, …) or null when unknown / nothing answered. */
  service: string | null;
  /** Null for `confirmed`; otherwise why. `different` may carry null (the facts say what answered). */
  reason: ProbeReason | null;
  /** Family-specific facts (see docs/probes.md for the keys). */
  facts: ProbeFacts;
  /** Bytes written to and read from the peer (all connections of this probe). */
  bytesSent: number;
  bytesReceived: number;
}

/** Which addresses may be probed. Built by the caller from the snapshot, never from the box's words alone. */
export interface ProbeScope {
  /** The audited LAN's prefixes (`192.168.1.0/24`, `fd00::/64`); only private addresses inside them qualify. */
  lanPrefixes: readonly string[];
  /** Prefixes of the auditing machine's own interfaces (private ranges only qualify), e.g. from {@link localInterfacePrefixes}. */
  localPrefixes?: readonly string[];
  /** Addresses never probed even inside a prefix: the box's WAN address(es). */
  excludedAddresses?: readonly string[];
  /**
   * TEST ONLY: prefixes admitted as they are, loopback included (tests pass `['127.0.0.0/8']` for
   * their own loopback servers). Never fill this from a snapshot, a config file or the CLI.
   */
  testOnlyPrefixes?: readonly string[];
}

/** Bounds and scope common to every probe. */
export interface ProbeOptions {
  scope: ProbeScope;
  /** TCP (and TLS) connect deadline. Default 3000 ms. */
  connectTimeoutMs?: number;
  /** Deadline for each awaited reply. Default 5000 ms. */
  readTimeoutMs?: number;
  /** Cap on bytes read per connection. Default 65536. */
  maxBytes?: number;
  signal?: AbortSignal;
}

export const PROBE_DEFAULTS = { connectTimeoutMs: 3000, readTimeoutMs: 5000, maxBytes: 65_536 } as const;
