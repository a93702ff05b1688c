/**
 * Writing the HTML report: to `--output FILE` (or, with `--open` alone, `boxaudit-report.html` in the
 * current folder) and opening it with the system's browser when `--open` is given. Without either,
 * the page goes to stdout like any other format.
 */
import { resolve } from 'node:path';
import { BoxauditError } from '../errors.js';
import { cliText } from '../i18n/cli.js';
import type { ParsedOptions } from './args.js';
import type { CliContext } from './context.js';
import type { Format } from './output.js';
import { writeChunks, writeFileChunks } from './write.js';

/** The file `--open` writes when no `--output` is given. */
export const DEFAULT_HTML_FILE = 'boxaudit-report.html';

/** `--open` only makes sense for the HTML page: say so before any box is contacted. */
export function checkOpenOption(options: ParsedOptions, format: Format): void {
  if (options.open === true && format !== 'html') {
    throw new BoxauditError('BOXAUDIT_USAGE', `--open needs --format html (got --format ${format})`);
  }
}

/** Where the HTML page goes: a file path, or undefined for stdout. */
export function htmlTarget(options: ParsedOptions): string | undefined {
  if (options.output !== undefined) return options.output;
  return options.open === true ? DEFAULT_HTML_FILE : undefined;
}

/** Write the page (file or stdout), then open it when asked. False when it could not be opened. */
export async function writeHtml(
  chunks: Iterable<string>,
  options: ParsedOptions,
  ctx: CliContext,
): Promise<boolean> {
  const target = htmlTarget(options);
  if (target === undefined) {
    await writeChunks(chunks, ctx.stdout, ctx.signal);
    return true;
  }
  const full = resolve(target);
  await writeFileChunks(full, chunks, ctx.signal);
  ctx.outLine(cliText(ctx.lang, 'html.written', { file: full }));
  if (options.open !== true) return true;
  try {
    await ctx.openFile(full);
    return true;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    ctx.warn(cliText(ctx.lang, 'html.openFailed', { file: full, why }));
    return false;
  }
}
