import { loadToken, requestFreeboxAppToken, saveToken } from '../../adapters/freebox.js';
import { BoxauditError } from '../../errors.js';
import { type CliMessageKey, cliText } from '../../i18n/cli.js';
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
  const say = (key: CliMessageKey, params: Record<string, string> = {}) => cliText(ctx.lang, key, params);
  ctx.warn(say('login.asking'));
  ctx.warn(say('login.goToBox'));
  ctx.warn(say('login.waiting'));
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
  if (check.looseMode) ctx.warn(say('login.loose', { path }));
  ctx.out(`${say('login.registered', { path })}\n`);
  ctx.out(`${say('login.next')}\n`);
  ctx.out(`${say('login.rights')}\n`);
  return 0;
}
