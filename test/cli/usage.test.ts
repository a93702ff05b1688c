/**
 * The CLI's usage contract (in-process, test/cli/helpers.ts; the bin as a process: smoke.test.ts):
 * --version/--help exit 0; every usage error exits 2 with ONE line on stderr naming the problem, and nothing on stdout (so a script piping stdout gets no half report).
 * Each erroneous command also names an unreachable loopback target (port 9), so that even a
 * regression that went on to collect could not send anything off this machine.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, loadCli, requireBuiltCli, runCli } from './helpers.js';

// Load the CLI before the first test: compiling it must not count against a test's time.
beforeAll(loadCli);

const NOWHERE = 'http://127.0.0.1:9/rootDesc.xml';

describe('boxaudit --version and --help', () => {
  it('--version prints the package version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const r = await runCli(['--version']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
    expect(r.stderr).toBe('');
  });

  it('--help lists the commands, targets and exit codes and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code, r.stderr).toBe(0);
    for (const word of [
      'audit',
      'dump',
      'discover',
      'rules',
      'demo',
      '--upnp',
      '--from',
      '--fail-on',
      'Exit codes',
    ]) {
      expect(r.stdout).toContain(word);
    }
    expect(r.stderr).toBe('');
  });
});

describe('--help after a command', () => {
  for (const args of [
    // An audit of NOWHERE would exit 2 (connection refused): exit 0 proves none started.
    ['audit', '--help', '--upnp', NOWHERE],
    ['dump', '-h', '--upnp', NOWHERE],
    ['--upnp', NOWHERE, '--help'],
    ['rules', 'list', '--help'],
  ]) {
    it(`${args.join(' ')} prints the help and exits 0 (no audit starts)`, async () => {
      const r = await runCli(args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('Usage');
      expect(r.stderr).toBe('');
    });
  }
});

describe('usage errors: exit 2, one line on stderr, nothing on stdout', () => {
  const cases: Array<{ name: string; args: string[]; mentions: RegExp }> = [
    { name: 'unknown option', args: ['audit', '--bogus', '--upnp', NOWHERE], mentions: /--bogus/ },
    { name: 'unknown option, bare command', args: ['--bogus', '--upnp', NOWHERE], mentions: /--bogus/ },
    {
      name: 'unknown command',
      args: ['frobnicate', '--upnp', NOWHERE],
      mentions: /unknown command "frobnicate"/,
    },
    {
      name: 'bad --format',
      args: ['audit', '--format', 'xml', '--upnp', NOWHERE],
      mentions: /--format.*"xml"/,
    },
    {
      name: 'bad --fail-on',
      args: ['audit', '--fail-on', 'severe', '--upnp', NOWHERE],
      mentions: /--fail-on.*"severe"/,
    },
    {
      name: '--json with --format sarif',
      args: ['audit', '--json', '--format', 'sarif', '--upnp', NOWHERE],
      mentions: /--json.*sarif/,
    },
    {
      name: 'two targets',
      args: ['audit', '--upnp', NOWHERE, '--gateway', '127.0.0.1'],
      mentions: /--upnp.*--gateway/,
    },
    {
      name: 'an option of another command',
      args: ['dump', '--fail-on', 'high', '--upnp', NOWHERE],
      mentions: /--fail-on/,
    },
    { name: 'bad --timeout', args: ['audit', '--timeout', 'soon', '--upnp', NOWHERE], mentions: /--timeout/ },
    { name: 'bad --lang', args: ['audit', '--lang', 'de', '--upnp', NOWHERE], mentions: /--lang.*"de"/ },
    {
      name: 'unknown --profile',
      args: ['audit', '--profile', 'nope', '--upnp', NOWHERE],
      mentions: /--profile.*"nope"/,
    },
    {
      name: 'bad --now',
      args: ['audit', '--now', 'notadate', '--upnp', NOWHERE],
      mentions: /--now.*"notadate"/,
    },
    { name: 'rules validate without files', args: ['rules', 'validate'], mentions: /validate/ },
    { name: 'unknown rules subcommand', args: ['rules', 'frob'], mentions: /"frob"/ },
  ];

  for (const c of cases) {
    it(`${c.name}: ${c.args.join(' ')}`, async () => {
      const r = await runCli(c.args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^boxaudit: /);
      expect(lines[0]).toMatch(c.mentions);
      expect(lines[0]).toContain('[BOXAUDIT_USAGE]');
    });
  }

  it('an unreachable box is exit 2 with a one-line network error (not a usage error)', async () => {
    const r = await runCli(['audit', '--upnp', NOWHERE, '--timeout', '2000']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('127.0.0.1:9');
    expect(lines[0]).toMatch(/\[BOXAUDIT_[A-Z_]+\]$/);
  });
});

// Spawned: EPIPE is what a real pipe does to a real process.
describe('a reader that stops early (`boxaudit rules list --json | head -1`)', () => {
  it('costs no stack trace and keeps the exit code', async () => {
    requireBuiltCli();
    const child = spawn(process.execPath, [CLI, 'rules', 'list', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect(stderr).not.toMatch(/EPIPE|Unhandled|internal error/);
    expect(code).toBe(0);
  });
});
