/**
 * The safe XML parser moved to util/xml.ts (pure: the formats use it too). This re-export keeps
 * the HTTP adapters' import path working until they import util/xml.ts themselves.
 */
export * from '../util/xml.js';
