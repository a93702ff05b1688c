declare const __BOXAUDIT_VERSION__: string;

/** Injected at build time (tsup/vitest `define`), so reading it loads nothing. */
export const VERSION: string = __BOXAUDIT_VERSION__;

/** JSON document version of dump/audit output (a contract: bump the major on breaking changes). */
export const SCHEMA_VERSION = '1.0';
