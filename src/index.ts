// Public API: re-exports only.

export type * from './adapters/types.js';
export { BoxauditError, type ErrorCode, isBoxauditError } from './errors.js';
export * from './model/types.js';
export type * from './rules/types.js';
export { SCHEMA_VERSION, VERSION } from './version.js';
