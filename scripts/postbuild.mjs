// After tsup (npm run build): the CommonJS entry, its types, and the licences of the bundled packages.
//
// The CommonJS entry is a wrapper around the ESM build (Node >= 20.19 `require`s ES modules): one copy
// of the code whichever way an application loads boxaudit, so `isBoxauditError`, `instanceof` and
// module state agree between `import` and `require`.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/** Keep in step with BUNDLED in tsup.config.ts (the packages bundled into dist/). */
const BUNDLED = ['ssh2', 'asn1', 'bcrypt-pbkdf', 'safer-buffer', 'tweetnacl'];

writeFileSync(
  join(dist, 'index.cjs'),
  `'use strict';
// boxaudit is ES modules; Node >= 20.19 loads them with require(). One copy of the code for both.
module.exports = require('./index.js');
`,
);
copyFileSync(join(dist, 'index.d.ts'), join(dist, 'index.d.cts'));
// boxaudit/report (the browser-safe renderers), the same way.
writeFileSync(
  join(dist, 'report.cjs'),
  `'use strict';
// boxaudit/report is ES modules; Node >= 20.19 loads them with require().
module.exports = require('./report.js');
`,
);
copyFileSync(join(dist, 'report.d.ts'), join(dist, 'report.d.cts'));

const require = createRequire(join(root, 'package.json'));
const notices = BUNDLED.map((name) => {
  const dir = dirname(require.resolve(`${name}/package.json`));
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const text = readFileSync(join(dir, 'LICENSE'), 'utf8').trim();
  return `${name} ${pkg.version} (${pkg.license ?? 'MIT'})\n${'-'.repeat(40)}\n${text}\n`;
});
writeFileSync(
  join(dist, 'THIRD-PARTY-LICENSES.txt'),
  `boxaudit's dist/ bundles the following packages, each under its own licence.\n\n${notices.join('\n\n')}`,
);
