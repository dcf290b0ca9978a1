import { defineConfig } from '@playwright/test';

import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@sightline/testkit/chromium';

export { CHROMIUM_ARGS };

/**
 * Specs that run one at a time, after the rest: they judge moving video (frame rates, the
 * simulcast layer the browser chooses), which a second test's CPU would skew, put the phone on
 * its own network (`PhoneNetwork`, a fixed 10.77.11.0/24 subnet in the shared namespace), or
 * are one long CPU-bound test.
 */
export const ALONE = [
  'a-live-session.spec.ts',
  'g-caller-network.spec.ts',
  // Sixteen axe runs and full-page screenshots in one test: paired, it ran past its 6 minutes.
  'h-accessibility.spec.ts',
  'j-turn-relay.spec.ts',
  'r-simulcast.spec.ts',
];

// `npm test` runs the two projects one after the other (scripts/test.mjs): `paired`, two specs
// at a time (each starts its own server and Janus on free ports, with its own data directory),
// then `alone`. Running this config without `--project` runs both at once.
const phase = process.env.SIGHTLINE_E2E_PHASE;

export default defineConfig({
  testDir: './tests',
  outputDir: './.artifacts/test-results',
  workers: 2,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [
    ['list'],
    ['html', { outputFolder: `./.artifacts/report${phase ? `-${phase}` : ''}`, open: 'never' }],
  ],
  projects: [
    // Two specs share the 2 cores, so a test may take half as long again as it does alone.
    { name: 'paired', testIgnore: ALONE, timeout: 180_000 },
    { name: 'alone', testMatch: ALONE, workers: 1, outputDir: './.artifacts/test-results-alone' },
  ],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
  },
});
