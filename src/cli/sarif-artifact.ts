import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BoxauditError } from '../errors.js';
import type { SarifArtifact } from '../reporters/sarif.js';
import type { AuditReport } from '../rules/types.js';
import type { ParsedOptions } from './args.js';

/**
 * `--sarif-artifact PATH`: the file, relative to the repository root, that a live audit's SARIF
 * results point at (where the CI job commits the box's `dump --json`). Checked before the box is
 * contacted: an absolute path or one with `..` could not be a file of the repository.
 */
export function sarifArtifactOption(options: ParsedOptions): string | undefined {
  const path = options['sarif-artifact'];
  if (path === undefined) return undefined;
  const segments = path.replace(/\\/g, '/').split('/');
  if (path === '' || isAbsolute(path) || /^[A-Za-z]:/.test(path) || segments.includes('..')) {
    throw new BoxauditError(
      'BOXAUDIT_USAGE',
      `--sarif-artifact must be a path relative to the repository root, without "..", such as boxaudit/office.json (got "${path}")`,
    );
  }
  return path;
}

/**
 * The SARIF anchor of each snapshot: `--sarif-artifact` when given; else, for `--from FILE`, FILE
 * (relative to the working folder, the repository root in CI; a file outside it as a `file://` URI),
 * with the forwards' lines when the snapshot was parsed from FILE itself (not read back from a dump,
 * whose lines would be the original export's); else the renderer's default `boxaudit/<box id>.json`.
 */
export function sarifArtifacts(
  report: AuditReport,
  options: ParsedOptions,
  cwd: string,
): (SarifArtifact | undefined)[] | undefined {
  const explicit = sarifArtifactOption(options);
  if (explicit !== undefined) return report.snapshots.map(() => ({ uri: explicit }));
  const from = options.from;
  if (from === undefined) return undefined;
  const absolute = resolve(cwd, from);
  const rel = relative(cwd, absolute);
  const inside = rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
  const uri = inside ? rel.split(sep).join('/') : pathToFileURL(absolute).href;
  return report.snapshots.map((s) => ({
    uri,
    lines: s.target.kind === 'file' && s.target.address === from,
  }));
}
