import { defineConfig } from 'vitest/config';

// Two projects (the layout is described in test/README.md):
// - unit: test/unit/, hand-built evidence and fixtures, no server, no lab (`npm run test:unit`);
// - lab: everything that starts a server or the CLI (test/integration/, test/e2e/, test/lab/, test/fuzz/),
//   with the lab of test/servers/ started once by the global setup.
// `npm test` (vitest run) runs both.
const shared = {
  testTimeout: 60_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
  // Lets the deadline tests force garbage collections (see test/unit/util/deadline.test.ts).
  execArgv: ['--expose-gc'],
};

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      { test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          ...shared,
          name: 'lab',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**', '**/node_modules/**'],
          globalSetup: ['test/servers/global-setup.ts'],
        },
      },
    ],
  },
});
