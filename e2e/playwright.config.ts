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
  // Sixteen axe runs and full-page screenshots in one test.
  'h-accessibility.spec.ts',
  'j-turn-relay.spec.ts',
  'r-simulcast.spec.ts',
];

// `npm test` runs the two projects one after the other (scripts/test.mjs): `main`, then `alone`.
// Each spec starts its own server and Janus on free ports, with its own data directory.
const phase = process.env.SIGHTLINE_E2E_PHASE;

export default defineConfig({
  testDir: './tests',
  outputDir: './.artifacts/test-results',
  // One spec at a time. Two at a time was tried (a `paired` project) and measured on a fresh
  // clone: 22 of 24 passed, but m-incidents and n-field-officer (three browsers and two callers
  // each) starved each other when paired: a 15 s evaluate timed out, a session row never showed.
  // Pairing only light specs is worth revisiting with a measured list; until then, serial.
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [
    ['list'],
    ['html', { outputFolder: `./.artifacts/report${phase ? `-${phase}` : ''}`, open: 'never' }],
  ],
  projects: [
    { name: 'main', testIgnore: ALONE, timeout: 180_000 },
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
