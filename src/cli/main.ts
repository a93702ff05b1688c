#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCli } from './dispatch.js';
import { processIo } from './io.js';
import { isStandalone } from './standalone.js';

// The bin: the real process handed to the CLI (dispatch.ts), only when this file is the program being
// run. Importing it (a bundler, a test, a curious `await import()`) runs nothing: with no argument
// the CLI would start the default audit, which searches the local network (SSDP).

/** Signal exits (130 Ctrl-C, 143 SIGTERM) end the process at once: nothing left to wait for. */
const SIGNAL_EXITS = new Set([130, 143]);

/** This module's own file: `import.meta.url` in the ESM build, `__filename` in the CommonJS bundle. */
function ownFile(): string | undefined {
  const url = import.meta.url;
  if (typeof url === 'string' && url.startsWith('file:')) return fileURLToPath(url);
  return typeof __filename === 'string' ? __filename : undefined;
}

/**
 * Is this module the program Node was asked to run? The standalone program always is. Otherwise
 * `process.argv[1]` names the script, compared by real path: npm's bin symlink
 * (node_modules/.bin/boxaudit, `npx boxaudit`) and `node dist/cli/main.js` resolve to this file.
 */
function isMainModule(): boolean {
  if (isStandalone()) return true;
  const script = process.argv[1];
  const self = ownFile();
  if (script === undefined || self === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(self);
  } catch {
    return false;
  }
}

if (isMainModule()) {
  // A reader that stops early (`boxaudit rules list | head`) is no reason for a stack trace: drop the
  // rest of the output and finish the run, so the exit code still tells what it found.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  runCli(process.argv.slice(2), processIo()).then(
    (code) => {
      if (SIGNAL_EXITS.has(code)) process.exit(code);
      process.exitCode = code;
    },
    () => {
      process.exitCode = 2; // runCli never rejects; should it ever, still a failure
    },
  );
}
