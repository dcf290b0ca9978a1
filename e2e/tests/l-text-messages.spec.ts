import { expect, test } from '@playwright/test';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import {
  NOTIFY_API_KEY,
  NOTIFY_TEMPLATE_ID,
  startNotifyFake,
} from '../../apps/server/test/sms/notify-fake.js';
import { noViolations } from '../support/axe.js';
import { openPhone, signInConsole } from '../support/pages.js';

// A real gateway end to end: the server texts through GOV.UK Notify's official client (against
// the local fake speaking Notify's API), and the call handler sees in the console, live, what
// became of each text: a refusal at once (as an alert, with Notify's reason), a resend, and the
// delivery receipt Notify calls back with. The caller opens the link from the text itself.
const CALLBACK_TOKEN = 'e2e-notify-callback-token-0123456789';
let server: Sightline;
let notify: Awaited<ReturnType<typeof startNotifyFake>>;

test.beforeAll(async () => {
  notify = await startNotifyFake();
  server = await startSightline({
    SIGHTLINE_SMS_GATEWAY: 'notify',
    SIGHTLINE_NOTIFY_API_KEY: NOTIFY_API_KEY,
    SIGHTLINE_NOTIFY_TEMPLATE_ID: NOTIFY_TEMPLATE_ID,
    SIGHTLINE_NOTIFY_BASE_URL: notify.url,
    SIGHTLINE_NOTIFY_CALLBACK_TOKEN: CALLBACK_TOKEN,
  });
  notify.callbackTo(`${server.url}/api/sms/notify/status`, CALLBACK_TOKEN);
});
test.afterAll(async () => {
  await server?.stop();
  await notify?.close();
});

test('a refused text shows at once with its reason; the link is sent again and its delivery shows live', async ({
  browser,
}) => {
  notify.behave('+447911123456', 'refuse');
  const officer = await signInConsole(browser, server.url, 'handler');
  const page = officer.page;
  await page.getByTestId('invite-phone').fill('07911 123456');
  await page.getByTestId('invite-reference').fill('CAD 77/30NOV');
  await page.getByTestId('invite-send').click();

  // The confirmation says so as an alert, with Notify's own reason.
  const confirmation = page.getByTestId('invite-text-status');
  await expect(confirmation).toHaveAttribute('data-status', 'failed');
  await expect(confirmation).toHaveAttribute('role', 'alert');
  await expect(confirmation).toContainText("Can't send to this recipient");
  // The session list shows it on the row too, and the session is still open.
  const row = page.getByTestId('session-row').first();
  await expect(row.getByTestId('row-text-status')).toHaveAttribute('data-status', 'failed');
  await expect(row).toHaveAttribute('data-state', 'sent');
  // The outbox panel is for the outbox gateway; with Notify alone it is not shown.
  await expect(page.locator('#outbox-title')).toHaveCount(0);
  await noViolations(page, 'dashboard with a failed text');

  await row.locator('a.row-link').click();
  const status = page.getByTestId('text-status');
  await expect(status).toHaveAttribute('data-status', 'failed');
  await expect(status).toContainText('failed');
  await noViolations(page, 'session page with a failed text');

  // Notify takes the number now: send again from the session page.
  notify.behave('+447911123456', 'accept');
  await page.getByTestId('text-resend').click();
  await expect(status).toHaveAttribute('data-status', 'queued');
  await expect(status).toContainText('Text 2 by GOV.UK Notify');
  await expect(page.getByTestId('texts-list').locator('li')).toHaveCount(2);

  // Notify's delivery receipt reaches the open console without a reload.
  const sent = notify.texts.find((t) => t.phone === '+447911123456');
  expect(sent).toBeDefined();
  expect(await notify.setStatus(sent!.id, 'delivered')).toBe(204);
  await expect(status).toHaveAttribute('data-status', 'delivered');
  await expect(status).toContainText('delivered to the phone');
  await noViolations(page, 'session page with a delivered text');

  // The caller opens the link from the text Notify was given.
  const link = /https?:\/\/\S+\/j\/[A-Za-z0-9_-]+/.exec(sent!.body)?.[0];
  expect(link).toBeDefined();
  const phone = await openPhone(browser, { latitude: 51.5, longitude: -0.12, accuracy: 10 });
  await phone.page.goto(link!);
  await expect(page.getByTestId('session-state')).toHaveText(/opened/i);
  // Once opened, the link cannot be sent again (it works once).
  await expect(page.getByTestId('text-resend')).toHaveCount(0);
  await phone.context.close();
  await officer.context.close();
});
