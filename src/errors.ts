/**
 * Typed, coded errors. `code` is stable; messages start with their context, e.g.
 * `[upnp-igd] POST http://…/ctl/IPConn GetGenericPortMappingEntry timed out after 3000 ms`.
 */

export type ErrorCode =
  | 'BOXAUDIT_TIMEOUT'
  | 'BOXAUDIT_ABORTED'
  | 'BOXAUDIT_NETWORK'
  | 'BOXAUDIT_HTTP_STATUS'
  | 'BOXAUDIT_PROTOCOL_ERROR'
  | 'BOXAUDIT_TOO_LARGE'
  | 'BOXAUDIT_SOAP_FAULT'
  | 'BOXAUDIT_NOT_ALLOWED'
  /** The box itself refused one call (its ACL, the account's rights): a partial result, not a bug. */
  | 'BOXAUDIT_BOX_REFUSED'
  | 'BOXAUDIT_NOT_FOUND'
  | 'BOXAUDIT_AUTH_FAILED'
  | 'BOXAUDIT_HOST_KEY'
  | 'BOXAUDIT_RATE_LIMITED'
  | 'BOXAUDIT_RULE_INVALID'
  | 'BOXAUDIT_CONFIG_INVALID'
  | 'BOXAUDIT_INPUT_INVALID'
  | 'BOXAUDIT_USAGE'
  | 'BOXAUDIT_UNSUPPORTED';

/**
 * The brand every BoxauditError carries: a registered symbol, the same in every copy of the library
 * loaded in one process (the ESM and the CJS build, two versions in node_modules), where `instanceof`
 * would only recognise errors made by the copy that tests them.
 */
const BRAND: unique symbol = Symbol.for('boxaudit.error') as never;

/** Every error boxaudit throws: a stable `code` (e.g. `BOXAUDIT_TIMEOUT`), a message that starts with its context, optional `details`. Test with {@link isBoxauditError}, which works across copies of the package. */
export class BoxauditError extends Error {
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BoxauditError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

/**
 * True for a BoxauditError made by any copy of boxaudit (ESM or CJS, any version): tested by the
 * registered brand `Symbol.for('boxaudit.error')`, not `instanceof`. With `code`, also its code.
 */
export function isBoxauditError(value: unknown, code?: ErrorCode): value is BoxauditError {
  if (typeof value !== 'object' || value === null) return false;
  if ((value as Record<symbol, unknown>)[BRAND] !== true) return false;
  return code === undefined || (value as { code?: unknown }).code === code;
}

/**
 * Turn an abort into a typed error: the caller's own signal gives BOXAUDIT_ABORTED, a library
 * deadline (a TimeoutError reason) gives BOXAUDIT_TIMEOUT with the context in the message.
 */
export function abortError(
  signal: Pick<AbortSignal, 'reason'>,
  context: string,
  timeoutMs?: number,
): BoxauditError {
  const reason: unknown = signal.reason;
  if (isBoxauditError(reason)) return reason;
  const isTimeout = reason instanceof Error && reason.name === 'TimeoutError';
  if (isTimeout) {
    const after = timeoutMs === undefined ? '' : ` after ${timeoutMs} ms`;
    return new BoxauditError('BOXAUDIT_TIMEOUT', `${context} timed out${after}`, { cause: reason });
  }
  return new BoxauditError('BOXAUDIT_ABORTED', `${context} was aborted`, { cause: reason });
}

/**
 * The options argument of the public function `fn`, checked before anything else runs: absent (when
 * `required` is false) or a plain object; `signal`, when given, an AbortSignal; every `…Ms` duration a
 * finite number ≥ 0. Anything else throws BOXAUDIT_INPUT_INVALID naming the function and the option,
 * never a bare TypeError from deep inside.
 */
export function checkOptions(fn: string, options: unknown, required = false): void {
  if (options === undefined || options === null) {
    if (required) {
      throw new BoxauditError('BOXAUDIT_INPUT_INVALID', `${fn}: the options argument is required`);
    }
    return;
  }
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new BoxauditError(
      'BOXAUDIT_INPUT_INVALID',
      `${fn}: options must be an object (got ${Array.isArray(options) ? 'an array' : typeof options})`,
    );
  }
  const o = options as Record<string, unknown>;
  const signal = o.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new BoxauditError('BOXAUDIT_INPUT_INVALID', `${fn}: options.signal must be an AbortSignal`);
  }
  for (const [key, value] of Object.entries(o)) {
    if (!key.endsWith('Ms') || value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new BoxauditError(
        'BOXAUDIT_INPUT_INVALID',
        `${fn}: options.${key} must be a finite number of milliseconds ≥ 0 (got ${typeof value === 'number' ? value : typeof value})`,
      );
    }
  }
}
