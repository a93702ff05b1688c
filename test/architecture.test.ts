/**
 * The layered layout (issue 12; docs/architecture.md draws it). Every import of every src/**.ts file
 * (static `import … from`, `export … from`, side-effect `import '…'`, dynamic `import('…')`, type
 * imports included: a type import is a dependency on the other layer's vocabulary) is checked
 * against a table of allowed layer → layer edges, the Node built-ins that do I/O, and the one module
 * that may hold each third-party dependency. `process` and `console` are for src/cli/ only.
 *
 * Today's code still breaks a few rules in ways that are more than a move to fix: they are listed in
 * KNOWN_VIOLATIONS, each with why, and the test fails when an entry is no longer needed, so the list
 * can only shrink.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withoutComments } from './i18n/coverage-codes.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SRC = join(ROOT, 'src');

type Layer =
  | 'api'
  | 'model'
  | 'util'
  | 'schema'
  | 'transport'
  | 'upnp'
  | 'formats'
  | 'adapters'
  | 'discovery'
  | 'probes'
  | 'rules'
  | 'i18n'
  | 'reporters'
  | 'pipeline'
  | 'demo'
  | 'cli';

const FOLDERS: Layer[] = [
  'model',
  'util',
  'schema',
  'transport',
  'upnp',
  'formats',
  'adapters',
  'discovery',
  'probes',
  'rules',
  'i18n',
  'reporters',
  'demo',
  'cli',
];

/** The layer of a file, by its path under src/ ('adapters/bbox.ts', 'collect.ts'). */
function layerOf(file: string): Layer {
  const [top, ...rest] = file.split('/');
  if (rest.length > 0) {
    if ((FOLDERS as string[]).includes(top!)) return top as Layer;
    throw new Error(`src/${file}: in no layer (add its folder to test/architecture.test.ts)`);
  }
  if (file === 'index.ts') return 'api';
  // Leaf helpers that predate util/ and are imported everywhere.
  if (file === 'errors.ts' || file === 'version.ts') return 'util';
  return 'pipeline'; // collect, audit, fleet, detect, import
}

/**
 * Allowed edges: a layer may import itself and the layers listed. Downward only:
 * cli → pipeline → adapters/probes/discovery/rules/reporters → transport, upnp, formats, schema,
 * i18n → util → model.
 */
const ALLOWED: Record<Layer, Layer[]> = {
  model: [],
  util: ['model'],
  schema: ['model', 'util'],
  transport: ['model', 'util'],
  upnp: ['model', 'util', 'transport'],
  formats: ['model', 'util'],
  adapters: ['model', 'util', 'schema', 'transport', 'upnp', 'formats'],
  probes: ['model', 'util', 'transport'],
  discovery: ['model', 'util', 'transport', 'upnp', 'adapters'],
  rules: ['model', 'util', 'schema'],
  i18n: ['model', 'util', 'rules'],
  reporters: ['model', 'util', 'rules', 'i18n'],
  pipeline: [
    'model',
    'util',
    'schema',
    'transport',
    'upnp',
    'formats',
    'adapters',
    'probes',
    'discovery',
    'rules',
    'i18n',
    'reporters',
  ],
  api: [
    'model',
    'util',
    'schema',
    'transport',
    'upnp',
    'formats',
    'adapters',
    'probes',
    'discovery',
    'rules',
    'i18n',
    'reporters',
    'pipeline',
  ],
  demo: ['model', 'util', 'transport', 'upnp'],
  cli: [
    'model',
    'util',
    'schema',
    'transport',
    'upnp',
    'formats',
    'adapters',
    'probes',
    'discovery',
    'rules',
    'i18n',
    'reporters',
    'pipeline',
    'demo',
  ],
};

/** Node built-ins that reach the disk, the network or other processes. */
const IO_BUILTINS = new Set([
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'tls',
  'dgram',
  'dns',
  'dns/promises',
  'child_process',
  'worker_threads',
  'readline',
  'cluster',
]);
/** Layers that do no I/O (formats: pure text → parts; reporters: pure renderers). */
const NO_IO: Layer[] = ['model', 'formats', 'reporters', 'i18n'];
/** Project modules that do I/O below the pipeline (the bounded file reader). */
const IO_MODULES = ['util/read-file.ts'];
/** The model may use node:crypto (stable forward ids) and nothing else. */
const MODEL_BUILTINS = new Set(['crypto']);

/** Each third-party dependency lives in one module. */
const THIRD_PARTY: Record<string, string[]> = {
  ssh2: ['transport/ssh.ts'],
  xml2js: ['util/xml.ts'],
  ajv: ['schema/validate.ts'],
  'ajv-formats': ['schema/validate.ts'],
};

/** Files allowed to touch `process` or `console` outside src/cli/, with why. None today. */
const PROCESS_CONSOLE_EXCEPTIONS: Record<string, string> = {};

/**
 * Imports that break the table today; `from -> to` (paths under src/). Each entry must still be
 * found (the test fails otherwise, so the list only shrinks).
 */
const KNOWN_VIOLATIONS: Record<string, string> = {};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(SRC, path).split('\\').join('/')] : [];
  });
}

/** String literals blanked too (for the `process`/`console` scan). */
function codeOnly(text: string): string {
  return text.replace(/(['"`])(?:\\.|(?!\1)[^\\])*\1/g, (s) => s.replace(/[^\n]/g, ' '));
}

const SPECIFIERS = [
  /(?<=[\s}*])from\s*(['"])([^'"\n]+)\1/g, // import … from '…', export … from '…'
  /^\s*import\s*(['"])([^'"\n]+)\1/gm, // import '…'
  /\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g, // import('…'), typeof import('…')
];

function importsOf(file: string): Array<{ specifier: string; line: number }> {
  const text = withoutComments(readFileSync(join(SRC, file), 'utf8'));
  const found: Array<{ specifier: string; line: number }> = [];
  for (const pattern of SPECIFIERS) {
    for (const m of text.matchAll(pattern)) {
      const line = text.slice(0, m.index).split('\n').length;
      found.push({ specifier: m[2]!, line });
    }
  }
  const dynamic = /\bimport\s*\(\s*[^'"\s)]/g;
  for (const m of text.matchAll(dynamic)) {
    const line = text.slice(0, m.index).split('\n').length;
    found.push({ specifier: '<non-literal dynamic import>', line });
  }
  return found;
}

function resolveLocal(from: string, specifier: string): string {
  const target = normalize(join(dirname(from), specifier))
    .split('\\')
    .join('/');
  return target.replace(/\.js$/, '.ts');
}

const FILES = sourceFiles(SRC).filter((f) => !f.endsWith('.generated.ts'));

interface Problems {
  layer: string[];
  io: string[];
  thirdParty: string[];
  other: string[];
  violations: Set<string>;
}

type ImportsOf = (file: string) => Array<{ specifier: string; line: number }>;

function check(files: readonly string[] = FILES, imports: ImportsOf = importsOf): Problems {
  const p: Problems = { layer: [], io: [], thirdParty: [], other: [], violations: new Set() };
  for (const file of files) {
    const layer = layerOf(file);
    for (const { specifier, line } of imports(file)) {
      const where = `src/${file}:${line}`;
      if (specifier.startsWith('.')) {
        const target = resolveLocal(file, specifier);
        if (target.startsWith('../')) continue; // ../schema/*.json, package.json: data, not code
        if (!target.endsWith('.ts')) continue;
        const to = layerOf(target);
        if (NO_IO.includes(layer) && IO_MODULES.includes(target)) {
          p.io.push(`${where}: ${layer} does no I/O but imports ${target}`);
        }
        if (to === layer || ALLOWED[layer].includes(to)) continue;
        const key = `${file} -> ${target}`;
        if (key in KNOWN_VIOLATIONS) p.violations.add(key);
        else p.layer.push(`${where}: ${layer} must not import ${to} (${target})`);
      } else if (specifier.startsWith('node:') || !specifier.includes('/') || specifier.startsWith('@')) {
        const builtin = specifier.startsWith('node:') ? specifier.slice(5) : null;
        if (builtin !== null) {
          if (layer === 'model' && !MODEL_BUILTINS.has(builtin)) {
            p.io.push(`${where}: the model imports ${specifier}`);
          } else if (NO_IO.includes(layer) && IO_BUILTINS.has(builtin)) {
            p.io.push(`${where}: ${layer} does no I/O but imports ${specifier}`);
          } else if (builtin === 'process' || builtin === 'console') {
            if (layer !== 'cli' && !(file in PROCESS_CONSOLE_EXCEPTIONS)) {
              p.io.push(`${where}: ${specifier} outside src/cli/`);
            }
          }
          continue;
        }
        checkPackage(file, where, specifier, p);
      } else if (specifier === '<non-literal dynamic import>') {
        p.other.push(`${where}: a dynamic import of a computed name cannot be checked`);
      } else {
        checkPackage(file, where, specifier, p);
      }
    }
  }
  return p;
}

function checkPackage(file: string, where: string, specifier: string, p: Problems): void {
  const name = specifier.startsWith('@')
    ? specifier.split('/').slice(0, 2).join('/')
    : specifier.split('/')[0]!;
  const owners = THIRD_PARTY[name];
  if (!owners) p.thirdParty.push(`${where}: ${name} is in no module of the table (THIRD_PARTY)`);
  else if (!owners.includes(file)) {
    p.thirdParty.push(`${where}: ${name} belongs to ${owners.join(', ')} only`);
  }
}

describe('the layered layout (docs/architecture.md)', () => {
  const problems = check();

  it('finds the files and their imports (the scan works)', () => {
    expect(FILES.length).toBeGreaterThan(100);
    expect(FILES).toContain('transport/ssh.ts');
    expect(importsOf('transport/ssh.ts').map((i) => i.specifier)).toContain('ssh2');
    // a dynamic import is seen
    expect(importsOf('adapters/registry.ts').map((i) => i.specifier)).toContain('./bbox.js');
    expect(layerOf('adapters/bbox.ts')).toBe('adapters');
    expect(layerOf('collect.ts')).toBe('pipeline');
  });

  it('imports run downward only (the table of allowed edges)', () => {
    expect(problems.layer).toEqual([]);
  });

  it('the model, formats, i18n and reporters do no I/O', () => {
    expect(problems.io).toEqual([]);
  });

  it('each third-party dependency lives in its one module', () => {
    expect(problems.thirdParty).toEqual([]);
  });

  it('every dynamic import names its module', () => {
    expect(problems.other).toEqual([]);
  });

  it('process and console are used in src/cli/ only', () => {
    const found: string[] = [];
    for (const file of FILES) {
      if (layerOf(file) === 'cli' || file in PROCESS_CONSOLE_EXCEPTIONS) continue;
      const code = codeOnly(withoutComments(readFileSync(join(SRC, file), 'utf8')));
      for (const m of code.matchAll(/(?<![\w$.])(process|console)\s*(?:\?\.|\.|\[)/g)) {
        found.push(`src/${file}:${code.slice(0, m.index).split('\n').length}: ${m[1]}`);
      }
      for (const m of code.matchAll(/\bglobalThis\s*(?:\?\.|\.)\s*(process|console)\b/g)) {
        found.push(`src/${file}:${code.slice(0, m.index).split('\n').length}: globalThis.${m[1]}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('every known violation is still there (fix one: delete its entry)', () => {
    const gone = Object.keys(KNOWN_VIOLATIONS).filter((key) => !problems.violations.has(key));
    expect(gone).toEqual([]);
  });

  it('would fail on each forbidden edge of issue 12 (synthetic files through the same check)', () => {
    const edges: Record<string, string> = {
      'model/zz.ts': '../rules/types.js',
      'transport/zz.ts': '../adapters/livebox.js',
      'formats/zz.ts': '../transport/request.js',
      'adapters/zz-discovery.ts': '../discovery/ssdp.js',
      'adapters/zz-rules.ts': '../rules/evaluate.js',
      'adapters/zz-i18n.ts': '../i18n/index.js',
      'adapters/zz-reporters.ts': '../reporters/text.js',
      'rules/zz.ts': '../i18n/index.js',
      'i18n/zz.ts': '../adapters/livebox.js',
      'formats/zz-io.ts': 'node:fs',
      'reporters/zz-io.ts': 'node:fs/promises',
      'model/zz-io.ts': 'node:net',
      'util/zz-ssh.ts': 'ssh2',
      'adapters/zz-xml.ts': 'xml2js',
      'rules/zz-ajv.ts': 'ajv',
    };
    const p = check(Object.keys(edges), (file) => [{ specifier: edges[file]!, line: 1 }]);
    const flagged = [...p.layer, ...p.io, ...p.thirdParty].map((x) => x.split(':')[0]);
    expect(flagged.sort()).toEqual(
      Object.keys(edges)
        .map((f) => `src/${f}`)
        .sort(),
    );
  });

  it('the table encodes the rules of issue 12', () => {
    expect(ALLOWED.formats).not.toContain('transport');
    expect(ALLOWED.adapters).not.toContain('discovery');
    expect(ALLOWED.adapters).not.toContain('rules');
    expect(ALLOWED.adapters).not.toContain('i18n');
    expect(ALLOWED.adapters).not.toContain('reporters');
    expect(ALLOWED.rules).not.toContain('i18n');
    expect(ALLOWED.model).toEqual([]);
    expect(ALLOWED.transport).not.toContain('adapters');
  });
});
