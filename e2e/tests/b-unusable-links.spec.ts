import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import Database from 'better-sqlite3';
import { openPhone, sendInvite, signInConsole } from '../support/pages.js';

let server: Sightline;
test.beforeAll(async () => {
  server = await startSightline();
});
test.afterAll(async () => server?.stop());

const PHONE = { latitude: 51.5, longitude: -0.12, accuracy: 10 };
const NEUTRAL = 'This link cannot be used';

/** Counts getUserMedia calls on the page, so the test can prove no stream started. */
async function watchCamera(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __gum: number };
    w.__gum = 0;
    const orig = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (c) => {
      w.__gum++;
      return orig(c);
    };
  });
}

test('a used link shows the neutral page on another phone and starts no stream', async ({ browser }) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = await sendInvite(officer.page);
  const first = await openPhone(browser, PHONE);
  await first.page.goto(link);
  await expect(first.page.locator('main')).toHaveAttribute('data-screen', 'consent');

  const second = await openPhone(browser, PHONE);
  await watchCamera(second.page);
  await second.page.goto(link);
  await expect(second.page.locator('main')).toHaveAttribute('data-screen', 'unavailable');
  await expect(second.page.getByRole('heading', { name: NEUTRAL })).toBeVisible();
  await expect(second.page.getByRole('button')).toHaveCount(0);
  expect(await second.page.evaluate(() => (window as unknown as { __gum: number }).__gum)).toBe(0);
  await expect(officer.page.getByTestId('session-row').first()).toHaveAttribute('data-state', 'opened');
  for (const c of [first.context, second.context, officer.context]) await c.close();
});

test('an expired link and an unknown link show the same neutral page', async ({ browser }) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = await sendInvite(officer.page);
  // Age the invite past its expiry, as 30 minutes passing would.
  const db = new Database(join(server.dataDir, 'sightline.db'));
  db.prepare("update sessions set expires_at = ? where state = 'sent'").run(Date.now() - 1000);
  db.close();

  const phone = await openPhone(browser, PHONE);
  await watchCamera(phone.page);
  await phone.page.goto(link);
  await expect(phone.page.locator('main')).toHaveAttribute('data-screen', 'unavailable');
  const expiredText = await phone.page.locator('main').textContent();
  await phone.page.goto(`${server.url}/j/${'x'.repeat(43)}`);
  await expect(phone.page.locator('main')).toHaveAttribute('data-screen', 'unavailable');
  expect(await phone.page.locator('main').textContent()).toBe(expiredText);
  expect(await phone.page.evaluate(() => (window as unknown as { __gum: number }).__gum)).toBe(0);
  await expect(officer.page.getByTestId('session-row').first()).toHaveAttribute('data-state', 'expired');
  for (const c of [phone.context, officer.context]) await c.close();
});
