/** JSON output: the document itself, 2-space indented, with a trailing newline (schema/report.schema.json). */

/**
 * Serialise a report or dump document exactly as given: no field added, dropped or reordered, so
 * the output is byte-identical for the same input and validates against the published schema.
 */
export function renderJson(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
