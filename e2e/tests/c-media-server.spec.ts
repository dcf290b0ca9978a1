import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { signInConsole } from '../support/pages.js';

let server: Sightline;
test.beforeAll(async () => {
  server = await startSightline();
});
test.afterAll(async () => server?.stop());

test('when Janus dies the console shows the error, and the restart', async ({ browser }) => {
  const officer = await signInConsole(browser, server.url, 'supervisor');
  await expect(officer.page.getByTestId('media-status')).toHaveCount(0);
  const janusPid = execFileSync('pgrep', ['-P', String(server.process.pid), '-x', 'janus'])
    .toString()
    .trim();
  expect(janusPid).toMatch(/^\d+$/);
  execFileSync('kill', ['-KILL', janusPid]);
  // Either the outage banner is caught, or (if the restart beat the poll) the restart notice says what happened.
  await expect(officer.page.getByTestId('media-restarted')).toContainText(/restarted/i, { timeout: 30_000 });
  await expect(officer.page.getByTestId('media-restarted')).toContainText(/SIGKILL|stopped unexpectedly/i);
  await officer.context.close();
});
