/**
 * Help, errors and progress in French: under `--lang fr`, or a French LANG / LC_ALL / LC_MESSAGES
 * (unless --lang says otherwise). English stays as it was. Every command here is offline or on a
 * loopback target that answers nothing (port 9).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GENERAL } from '../../src/cli/help.js';
import { GENERAL_FR } from '../../src/cli/help-fr.js';
import { describeError } from '../../src/cli/run.js';
import { signalLine } from '../../src/cli/signals.js';
import { BoxauditError } from '../../src/errors.js';
import { frenchMessage, progressLine } from '../../src/i18n/cli.js';
import { frenchSpaces } from '../../src/i18n/typography.js';
import { createRedactor } from '../../src/reporters/sanitize.js';
import { loadCli, runCli } from './helpers.js';

// Load the CLI before the first test: compiling it must not count against a test's time.
beforeAll(loadCli);

const NOWHERE = 'http://127.0.0.1:9/rootDesc.xml';
const FR = { LANG: 'fr_FR.UTF-8' };

describe('help', () => {
  it('--help --lang fr and LANG=fr_FR.UTF-8 give the French page; English stays English', async () => {
    const viaFlag = await runCli(['--help', '--lang', 'fr']);
    const viaEnv = await runCli(['--help'], { env: FR });
    const english = await runCli(['--help']);
    const forced = await runCli(['--help', '--lang', 'en'], { env: FR });
    expect(viaFlag.code).toBe(0);
    expect(viaFlag.stdout).toBe(frenchSpaces(GENERAL_FR));
    expect(viaEnv.stdout).toBe(frenchSpaces(GENERAL_FR));
    expect(english.stdout).toBe(GENERAL);
    expect(forced.stdout).toBe(GENERAL);
    expect(viaFlag.stdout).toContain('Codes de sortie');
  });

  it('`boxaudit audit --help` under LC_ALL=fr_CA.UTF-8 is French too', async () => {
    const r = await runCli(['audit', '--upnp', NOWHERE, '--help'], { env: { LC_ALL: 'fr_CA.UTF-8' } });
    expect(r.stdout).toBe(frenchSpaces(GENERAL_FR));
  });

  it('the French page names every option and command the English page names', () => {
    const words = (text: string) => new Set(text.match(/--[a-z][\w-]*|^ {2}boxaudit \w+/gm));
    const missing = [...words(GENERAL)].filter((w) => !words(GENERAL_FR).has(w));
    expect(missing).toEqual([]);
  });
});

describe('errors', () => {
  it('a usage error in French, same code, same single line, nothing on stdout', async () => {
    const r = await runCli(['audit', '--upnp', NOWHERE, '--fail-on', 'huge', '--lang', 'fr']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      frenchSpaces(
        'boxaudit : --fail-on doit être l’une de ces valeurs : critical, high, medium, low, info (reçu : « huge ») (voir boxaudit --help) [BOXAUDIT_USAGE]\n',
      ),
    );
  });

  it('an unknown option and an unknown command, from the environment’s language', async () => {
    const option = await runCli(['audit', '--upnp', NOWHERE, '--bogus'], { env: FR });
    expect(option.stderr).toBe(
      frenchSpaces(
        'boxaudit : audit : option inconnue « --bogus » (voir boxaudit --help) [BOXAUDIT_USAGE]\n',
      ),
    );
    const command = await runCli(['dupm'], { env: { LC_MESSAGES: 'fr_FR.UTF-8' } });
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(
      /^boxaudit\u00a0: commande inconnue «\u00a0dupm\u00a0» \(commandes\u00a0: audit, .*\u00a0; voir boxaudit --help\) \[BOXAUDIT_USAGE\]\n$/,
    );
  });

  it('English is unchanged without French settings', async () => {
    const r = await runCli(['audit', '--upnp', NOWHERE, '--fail-on', 'huge']);
    expect(r.stderr).toBe(
      'boxaudit: --fail-on must be one of critical, high, medium, low, info (got "huge") (see boxaudit --help) [BOXAUDIT_USAGE]\n',
    );
  });

  it('an error without French wording: the French meaning of its code, then the technical detail', () => {
    const error = new BoxauditError(
      'BOXAUDIT_TIMEOUT',
      '[upnp-igd] POST http://10.0.0.1/ctl timed out after 3000 ms',
    );
    expect(describeError(error, createRedactor([]), 'fr')).toBe(
      frenchSpaces(
        'boxaudit : la box n’a pas répondu à temps (détail technique : [upnp-igd] POST http://10.0.0.1/ctl timed out after 3000 ms) [BOXAUDIT_TIMEOUT]',
      ),
    );
    expect(describeError(error, createRedactor([]))).toBe(
      'boxaudit: [upnp-igd] POST http://10.0.0.1/ctl timed out after 3000 ms [BOXAUDIT_TIMEOUT]',
    );
  });

  it('the command line’s own messages have French wordings', () => {
    expect(frenchMessage('choose one target: --upnp, --gateway cannot be combined')).toBe(
      frenchSpaces('une seule cible à la fois : --upnp, --gateway ne peuvent pas être combinées'),
    );
    expect(frenchMessage('--vendor freebox needs --host HOST')).toBe(
      '--vendor freebox demande aussi --host HÔTE',
    );
    expect(frenchMessage('--output r.json: folder /nope does not exist')).toBe(
      frenchSpaces('--output r.json : le dossier /nope n’existe pas'),
    );
    expect(frenchMessage('--timeout must be a whole number from 1 to 3600000 (got "0")')).toBe(
      frenchSpaces('--timeout doit être un nombre entier de 1 à 3600000 (reçu : « 0 »)'),
    );
    expect(frenchMessage('something the box said')).toBeNull();
  });

  it('Ctrl-C and SIGTERM lines', () => {
    expect(signalLine('SIGINT', 'fr')).toBe(
      frenchSpaces('boxaudit : interrompu (Ctrl-C) [BOXAUDIT_ABORTED]'),
    );
    expect(signalLine('SIGTERM', 'fr')).toBe(frenchSpaces('boxaudit : arrêté (SIGTERM) [BOXAUDIT_ABORTED]'));
    expect(signalLine('SIGINT')).toBe('boxaudit: interrupted (Ctrl-C) [BOXAUDIT_ABORTED]');
  });
});

describe('progress', () => {
  it('demo --verbose --lang fr: the progress lines are French, the box’s addresses kept', async () => {
    const r = await runCli(['demo', '--verbose', '--lang', 'fr']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /démo\u00a0: box internet simulée à l’adresse http:\/\/127\.0\.0\.1:\d+\/rootDesc\.xml/,
    );
    expect(r.stderr).toContain('[upnp-igd] lecture de http://127.0.0.1:');
    expect(r.stderr).not.toMatch(/\] reading /);
  });

  it('progressLine translates the fixed words only, and leaves English alone', () => {
    expect(progressLine('fr', '[freebox] https://192.168.1.254: logging in')).toBe(
      frenchSpaces('[freebox] https://192.168.1.254 : connexion'),
    );
    expect(progressLine('fr', '[livebox] session renewed 2 time(s)')).toBe(
      '[livebox] session renouvelée 2 fois',
    );
    expect(progressLine('en', '[upnp-igd] reading http://x/')).toBe('[upnp-igd] reading http://x/');
    expect(progressLine('fr', 'an unknown line')).toBe('an unknown line');
  });
});
