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
  | 'BOXAUDIT_NOT_FOUND'
  | 'BOXAUDIT_AUTH_FAILED'
  | 'BOXAUDIT_HOST_KEY'
  | 'BOXAUDIT_RATE_LIMITED'
  | 'BOXAUDIT_RULE_INVALID'
  | 'BOXAUDIT_CONFIG_INVALID'
  | 'BOXAUDIT_INPUT_INVALID'
  | 'BOXAUDIT_USAGE'
  | 'BOXAUDIT_UNSUPPORTED';

export class BoxauditError extends Error {
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

export function isBoxauditError(value: unknown, code?: ErrorCode): value is BoxauditError {
  return value instanceof BoxauditError && (code === undefined || value.code === code);
}

/**
 * Turn an abort into a typed error: the caller's own signal gives BOXAUDIT_ABORTED, a library
 * deadline (a TimeoutError reason) gives BOXAUDIT_TIMEOUT with the context in the message.
 */
export function abortError(signal: AbortSignal, context: string, timeoutMs?: number): BoxauditError {
  const reason: unknown = signal.reason;
  if (reason instanceof BoxauditError) return reason;
  const isTimeout = reason instanceof Error && reason.name === 'TimeoutError';
  if (isTimeout) {
    const after = timeoutMs === undefined ? '' : ` after ${timeoutMs} ms`;
    return new BoxauditError('BOXAUDIT_TIMEOUT', `${context} timed out${after}`, { cause: reason });
  }
  return new BoxauditError('BOXAUDIT_ABORTED', `${context} was aborted`, { cause: reason });
}
