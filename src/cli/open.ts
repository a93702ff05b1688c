/**
 * `--open`: hand a report file to the system's browser (xdg-open on Linux and BSD, `open` on macOS,
 * `start` on Windows). The file path is ours (resolved, absolute), passed as one argument, never
 * through a shell string; the opener runs detached and its output is ignored. Tests never call
 * this: they give the CLI context their own `openFile`.
 */
/** The program and arguments that open `path` on `platform`. */
export function openerCommand(path: string, platform: NodeJS.Platform): { command: string; args: string[] } {
  if (platform === 'darwin') return { command: 'open', args: [path] };
  // `start` is a cmd.exe built-in; its first quoted argument is the window title (empty here).
  if (platform === 'win32') return { command: 'cmd.exe', args: ['/d', '/s', '/c', 'start', '""', path] };
  return { command: 'xdg-open', args: [path] };
}

/** node:child_process is loaded here, on `--open` only: every run builds a context that could open. */
export async function openWithSystem(path: string, platform: NodeJS.Platform): Promise<void> {
  const { command, args } = openerCommand(path, platform);
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      detached: true,
      stdio: 'ignore',
      windowsVerbatimArguments: platform === 'win32',
    });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
