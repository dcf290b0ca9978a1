import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@sightline/testkit/chromium';

// The cluster tier: each spec starts the whole topology (packages/testkit/src/cluster.ts) and
// breaks one part of it. Its own config so it runs, and is timed, as a tier of its own.
export default defineConfig({
  testDir: './cluster',
  testMatch: '*.spec.ts',
  outputDir: './.artifacts/cluster-results',
  // Two instances, two media nodes, the engines and two browsers: one spec at a time on 2 cores.
  workers: 1,
  fullyParallel: false,
  timeout: 240_000,
  expect: { timeout: 30_000 },
  reporter: [['list'], ['html', { outputFolder: './.artifacts/cluster-report', open: 'never' }]],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
  },
});
