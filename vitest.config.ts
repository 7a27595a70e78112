import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two files at a time on the 2-core machine: most tests wait on child processes, PostgreSQL or a
    // browser, so the second worker roughly halves the suite's wall time (vitest's default is cores - 1).
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
  },
});
