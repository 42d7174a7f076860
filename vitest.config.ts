import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/servers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Lets the deadline tests force garbage collections (see test/unit/deadline.test.ts).
    execArgv: ['--expose-gc'],
    reporters: ['default'],
  },
});
