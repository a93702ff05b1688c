import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { __BOXAUDIT_VERSION__: JSON.stringify('0.0.0-test') },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Lab suites create network namespaces and real daemons; keep files from fighting over CPU.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
