/**
 * `boxaudit dump --json` on its own: the dump document redacted and written as JSON, without loading
 * the text, HTML, Markdown and SARIF renderers that `reporters/index.ts` gathers (start-up time of
 * the command line). `renderDumpChunks(doc, { format: 'json' })` is this very function.
 */
import type { DumpDocument } from '../model/types.js';
import { jsonChunks } from './json.js';
import { redactDump } from './redact.js';
import type { SecretList } from './sanitize.js';

export function dumpJsonChunks(doc: DumpDocument, secrets: SecretList | undefined): Iterable<string> {
  return jsonChunks(redactDump(doc, secrets));
}
