import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { noViolations } from '../support/axe.js';
import { openPhone, signInConsole } from '../support/pages.js';

// Scheduled bail checks: a series made in the console is listed as upcoming with a countdown,
// and a check's link opened before its window says when it opens and offers nothing to do.
let server: Sightline;
test.beforeAll(async () => {
  server = await startSightline();
});
test.afterAll(async () => server?.stop());

const CALLER_SHOT = fileURLToPath(
  new URL('../../docs/screenshots/caller/check-not-yet-open.png', import.meta.url),
);
const PHONE = { latitude: 51.5, longitude: -0.12, accuracy: 10 };

test('a series scheduled in the console is listed as upcoming; its link before the window says when it opens', async ({
  browser,
}) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  const page = officer.page;
  await page.getByRole('link', { name: 'Checks', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Bail and court-order checks' })).toBeVisible();

  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  await page.getByTestId('schedule-phone').fill('07911 123456');
  await page.getByTestId('schedule-subject').fill('Jo Bloggs');
  await page.getByTestId('schedule-conditionDetail').fill('Curfew at 1 High St, 21:00 to 07:00');
  await page.getByTestId('schedule-firstDate').fill(tomorrow);
  await page.getByTestId('schedule-count').fill('3');
  await page.getByTestId('schedule-submit').click();
  await expect(page.getByTestId('checks-notice')).toHaveText(/3 checks scheduled/);
  const upcoming = page.getByTestId('checks-upcoming');
  await expect(upcoming.getByTestId('check-series')).toHaveCount(1);
  await expect(upcoming.getByTestId('check-row')).toHaveCount(3);
  await expect(upcoming.getByTestId('check-countdown').first()).toHaveText(/^opens in \d+ h \d+ min$/);
  await noViolations(page, 'Checks page with an upcoming series');

  // One check texted now (as when the subject is given the link in person), its window an hour away.
  const { csrfToken } = (await (await page.request.get(`${server.url}/api/auth/me`)).json()) as {
    csrfToken: string;
  };
  const opensAt = Date.now() + 3_600_000;
  const created = await page.request.post(`${server.url}/api/checks`, {
    headers: { 'x-csrf-token': csrfToken },
    data: {
      phone: '07911 123456',
      language: 'pl',
      textAt: 'now',
      windows: [{ notBefore: opensAt, notAfter: opensAt + 1_800_000 }],
    },
  });
  expect(created.status()).toBe(201);
  const sessionId = ((await created.json()) as { checks: Array<{ sessionId: string }> }).checks[0]!.sessionId;
  const outbox = (await (await page.request.get(`${server.url}/api/outbox`)).json()) as {
    messages: Array<{ sessionId: string; body: string }>;
  };
  const link = /https?:\/\/\S+\/j\/[A-Za-z0-9_-]+\?l=pl/.exec(
    outbox.messages.find((m) => m.sessionId === sessionId)!.body,
  )![0];

  const phone = await openPhone(browser, PHONE);
  await phone.page.goto(link);
  await expect(phone.page.locator('main')).toHaveAttribute('data-screen', 'not-yet-open');
  await expect(
    phone.page.getByRole('heading', { name: 'Twoja kontrola jeszcze się nie rozpoczęła' }),
  ).toBeVisible();
  const when = await phone.page.evaluate(
    (t) => new Intl.DateTimeFormat('pl', { hour: '2-digit', minute: '2-digit' }).format(t),
    opensAt,
  );
  await expect(phone.page.locator('#opens-at')).toContainText(when);
  // Nothing to consent to and nothing shared: no buttons beyond the language picker, no camera asked for.
  await expect(phone.page.getByRole('button')).toHaveCount(0);
  await noViolations(phone.page, 'Caller page before the check opens', { photograph: false });
  if (process.env.SIGHTLINE_DOC_SCREENSHOTS === '1')
    await phone.page.screenshot({ path: CALLER_SHOT, fullPage: true, animations: 'disabled' });
  for (const c of [phone.context, officer.context]) await c.close();
});
