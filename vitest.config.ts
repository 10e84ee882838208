import { defineConfig } from 'vitest/config';

/**
 * Three projects: `unit` runs without emulators (domain, pipeline, infrastructure templates); `integration` shares
 * one set of emulators per run (test/support/global-emulators.ts) for integration and end-to-end tests; `browser`
 * drives Chromium through the pages of one local runtime (test/browser/global-browser.ts).
 */
export default defineConfig({
  test: {
    env: { POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT' },
    setupFiles: ['test/support/cdk-outdir.ts'],
    // Tests run in a new order each time, so that none can lean on what an earlier one left behind; a failing order
    // is replayed with the seed printed at the start ("Running tests with seed N"): `--sequence.seed=N`.
    sequence: { shuffle: { tests: true } },
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/infra/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/global-emulators.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/global-browser.ts'],
        },
      },
    ],
  },
});
