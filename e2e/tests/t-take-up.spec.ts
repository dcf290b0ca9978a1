import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { noViolations } from '../support/axe.js';
import { openNewestSession, openPhone, sendInviteWith, signInConsole } from '../support/pages.js';

// Take-up and feedback: after the officer ends the session, the caller's page asks its one
// optional question; an answer is accepted once (a second, after a reload, changes nothing); the
// supervisor's report shows it. axe on both; with SIGHTLINE_DOC_SCREENSHOTS=1 the caller's
// question goes to docs/screenshots/caller and the report to docs/screenshots/console.

const CALLER_DOCS = fileURLToPath(new URL('../../docs/screenshots/caller/', import.meta.url));
const HERE = { latitude: 51.50809, longitude: -0.12859, accuracy: 8 };

let server: Sightline;
test.beforeAll(async () => {
  server = await startSightline();
});
test.afterAll(async () => server?.stop());

test('the caller answers "Did this help?" once after the end, and the supervisor’s report holds a lone answer back', async ({
  browser,
}, testInfo) => {
  const officer = await signInConsole(browser, server.url, 'supervisor');
  const link = await sendInviteWith(officer.page, { mode: 'video', language: 'en', reference: 'TAKE-UP 1' });
  const phone = await openPhone(browser, HERE);
  await phone.page.goto(link);
  await expect(phone.page.getByRole('button', { name: 'Start sharing' })).toBeVisible();

  await openNewestSession(officer.page);
  await officer.page.getByTestId('end-session').click();
  await officer.page.getByTestId('end-session-confirm').click();
  await expect(phone.page.locator('main')).toHaveAttribute('data-screen', 'ended');

  // The question, skippable, in its own region after the thanks.
  const question = phone.page.getByRole('group', { name: 'Did this help?' });
  await expect(question).toBeVisible();
  await expect(phone.page.getByRole('button', { name: 'Skip' })).toBeVisible();
  await noViolations(phone.page, 'caller: feedback question', { photograph: false });
  const dir = process.env.SIGHTLINE_DOC_SCREENSHOTS === '1' ? CALLER_DOCS : testInfo.outputPath('caller');
  mkdirSync(dir, { recursive: true });
  await phone.page.screenshot({
    path: join(dir, 'ended-feedback.png'),
    fullPage: true,
    animations: 'disabled',
  });

  // Sending without an answer says what is missing; then an answer and a comment.
  await phone.page.getByRole('button', { name: 'Send answer' }).click();
  await expect(phone.page.getByRole('alert')).toHaveText('Choose an answer first.');
  await question.getByRole('radio', { name: 'Yes', exact: true }).check();
  await phone.page.getByLabel('Anything else you would like to tell us? (optional)').fill('Quick and kind');
  await phone.page.getByRole('button', { name: 'Send answer' }).click();
  const thanks = phone.page.getByRole('status').filter({ hasText: 'Thank you for your answer.' });
  await expect(thanks).toBeVisible();
  // The Send button is gone: focus is on the thanks, not lost to the page's body.
  await expect(thanks).toBeFocused();
  await noViolations(phone.page, 'caller: feedback sent', { photograph: false });

  // A reload asks again (the page cannot know); a second answer is refused, and thanked alike.
  await phone.page.reload();
  await phone.page
    .getByRole('group', { name: 'Did this help?' })
    .getByRole('radio', { name: 'No', exact: true })
    .check();
  await phone.page.getByRole('button', { name: 'Send answer' }).click();
  await expect(phone.page.getByText('Thank you for your answer.')).toBeVisible();
  await phone.context.close();

  await officer.page.getByRole('link', { name: 'Take-up', exact: true }).click();
  await expect(officer.page.getByRole('heading', { level: 1, name: 'Take-up' })).toBeVisible();
  await expect(officer.page.getByTestId('take-up-summary')).toContainText('1 link sent');
  // One answer is held out of the report until five are held or the day is over (its
  // anonymity): the link counts, the answer and its comment do not show yet.
  await expect(officer.page.getByTestId('take-up-feedback')).toHaveText(
    'Did this help? Yes 0, no 0, not sure 0.',
  );
  await expect(officer.page.getByTestId('take-up-comment')).toHaveCount(0);
  await expect(officer.page.getByTestId('funnel-chart')).toBeVisible();
  await noViolations(officer.page, 'console: take-up report');
  await officer.context.close();
});
