import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The user's boxaudit config folder: %APPDATA%\boxaudit on Windows, ~/Library/Application Support/boxaudit
 * on macOS, $XDG_CONFIG_HOME/boxaudit or ~/.config/boxaudit elsewhere. BOXAUDIT_CONFIG_DIR overrides it.
 */
export function configDir(env: Readonly<Record<string, string | undefined>>): string {
  if (env.BOXAUDIT_CONFIG_DIR) return env.BOXAUDIT_CONFIG_DIR;
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'boxaudit');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'boxaudit');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'boxaudit');
}

/** Where `boxaudit login freebox` keeps the Freebox app token (mode 0600). */
export function freeboxTokenPath(env: Readonly<Record<string, string | undefined>>): string {
  return join(configDir(env), 'freebox-token.json');
}
