import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/**
 * Three projects, all run by `npm test` (the README's command, which CI runs):
 * - unit: pure code, simulators on loopback and real peers started by the tests; no build needed
 *   (`npm run test:unit` is the fast loop);
 * - cli: the CLI (most cases in-process, a few smoke tests on the built `dist/`), the packed tarball
 *   and the standalone executables;
 * - lab: the real box (miniupnpd, nftables, sshd…) in network namespaces, as root.
 */
const BUILT = [
  'test/cli/**/*.test.ts',
  'test/package/**/*.test.ts',
  'test/exe/**/*.test.ts',
  'test/examples/**/*.test.ts',
];
const LAB = ['test/lab/**/*.test.ts'];

const shared = {
  define: { __BOXAUDIT_VERSION__: JSON.stringify('0.0.0-test') },
};
/** The in-process CLI tests say the package's version, as the built bin does (tsup's `define`). */
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };
const built = { define: { __BOXAUDIT_VERSION__: JSON.stringify(version) } };

export default defineConfig({
  ...shared,
  test: {
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Lab suites create network namespaces and real daemons; keep files from fighting over CPU.
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      {
        ...shared,
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...BUILT, ...LAB] },
      },
      { ...built, extends: true, test: { name: 'cli', include: BUILT } },
      { ...shared, extends: true, test: { name: 'lab', include: LAB } },
    ],
  },
});
