import { loadToken, requestFreeboxAppToken, saveToken } from '../../adapters/freebox.js';
import { BoxauditError } from '../../errors.js';
import type { ParsedArgs } from '../args.js';
import { freeboxTokenPath } from '../config-dir.js';
import type { CliContext } from '../context.js';

/**
 * `boxaudit login freebox [--host URL]`: register boxaudit as a Freebox application once. The box
 * shows a request on its front screen (or in the Freebox Connect app for a Pop); the person confirms
 * it there. The app token is saved, mode 0600, in the user's config folder, and used by later audits.
 */
export async function run({ options, positionals }: ParsedArgs, ctx: CliContext): Promise<number> {
  const [vendor, extra] = positionals;
  if (vendor !== 'freebox' || extra !== undefined) {
    throw new BoxauditError(
      'BOXAUDIT_USAGE',
      'login: only `boxaudit login freebox` needs a one-time registration',
    );
  }
  const path = freeboxTokenPath(ctx.env);
  ctx.warn('boxaudit: asking the Freebox to register boxaudit (read-only access).');
  ctx.warn(
    '  Go to the box and accept the request on its front screen (Freebox Pop: in the Freebox Connect app).',
  );
  ctx.warn('  Waiting up to 2 minutes…');
  const token = await requestFreeboxAppToken({
    ...(options.host
      ? { baseUrl: /^https?:\/\//.test(options.host) ? options.host : `https://${options.host}` }
      : {}),
    signal: ctx.signal,
    onStatus: (status) => ctx.progress(`freebox: ${status}`),
  });
  ctx.addSecret(token.appToken);
  await saveToken(path, { appId: token.appId, appToken: token.appToken }, { signal: ctx.signal });
  const check = await loadToken(path, { signal: ctx.signal });
  if (check.looseMode) ctx.warn(`boxaudit: warning: ${path} is readable by other users; run chmod 600 on it`);
  ctx.out(`Registered. The app token is saved in ${path} (only you can read it).\n`);
  ctx.out('Now run: boxaudit --vendor freebox --host mafreebox.freebox.fr\n');
  ctx.out(
    'In the Freebox settings (Gestion des accès), give the "boxaudit" application only the read rights it needs.\n',
  );
  return 0;
}
