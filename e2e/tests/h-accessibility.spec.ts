import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, expect, type Page, type TestInfo, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@sightline/testkit/chromium';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { noViolations } from '../support/axe.js';
import { openNewestSession, openPhone, sendInviteWith, signInConsole } from '../support/pages.js';

// axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on every state of the caller's page and
// on the console's main pages. Each caller state is also photographed at phone size;
// with SIGHTLINE_DOC_SCREENSHOTS=1 the pictures go to docs/screenshots/caller for
// docs/caller-experience.md.

const DOCS = fileURLToPath(new URL('../../docs/screenshots/caller/', import.meta.url));
const HERE = { latitude: 51.50809, longitude: -0.12859, accuracy: 8 };

let server: Sightline;
test.beforeAll(async () => {
  server = await startSightline();
});
test.afterAll(async () => server?.stop());

/** Sends an invite from the dashboard (the officer may be on a session page). */
async function inviteFrom(page: Page, opts: Parameters<typeof sendInviteWith>[1]): Promise<string> {
  if (new URL(page.url()).pathname !== '/') {
    await page.getByRole('link', { name: 'Sessions', exact: true }).click();
    await expect(page.getByTestId('invite-phone')).toBeVisible();
  }
  return sendInviteWith(page, { mode: 'video', language: 'en', ...opts });
}

/** Checks a caller state with axe and photographs it at phone size. */
async function callerState(page: Page, state: string, testInfo: TestInfo): Promise<void> {
  await noViolations(page, state, { photograph: false });
  // Touch targets: every button and control the caller can tap is at least 44 px each way.
  const small = await page.evaluate(() =>
    Array.from(
      document.querySelectorAll<HTMLElement>(
        'button, select, label.button, input:not(.visually-hidden), textarea',
      ),
    )
      .filter((el) => el.offsetParent !== null)
      // A radio or checkbox inside its <label> is tapped anywhere on the label (the label
      // activates it), so the label's box is the target the caller's finger meets.
      .map((el) => {
        const tapped = el.matches('input[type="radio"], input[type="checkbox"]')
          ? (el.closest('label') ?? el)
          : el;
        return { el: el.id || el.className || el.tagName, r: tapped.getBoundingClientRect() };
      })
      .filter(({ r }) => r.width < 44 || r.height < 44)
      .map(({ el, r }) => `${el} ${Math.round(r.width)}x${Math.round(r.height)}`),
  );
  expect(small, `touch targets under 44 px in "${state}"`).toEqual([]);
  const dir = process.env.SIGHTLINE_DOC_SCREENSHOTS === '1' ? DOCS : testInfo.outputPath('caller');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${state}.png`), fullPage: true, animations: 'disabled' });
}

test('every state of the caller’s page passes axe, with touch targets of 44 px or more', async ({
  browser,
}, testInfo) => {
  // Sixteen states, each an axe run and a full-page screenshot, plus an offline/online cycle and
  // an upload. On a loaded 2-core machine it reached its last screenshot at 240 s (issue 9's
  // note); the time is a guard rail, not a requirement.
  test.setTimeout(360_000);
  const officer = await signInConsole(browser, server.url, 'handler');

  // Video link: consent, chat instead, then live, an officer's request, paused, offline, a file sent, ended.
  const link = await inviteFrom(officer.page, { reference: 'A11Y 1' });
  const phone = await openPhone(browser, HERE);
  const page = phone.page;
  await page.goto(link);
  await expect(page.locator('main')).toHaveAttribute('data-screen', 'consent');
  await callerState(page, 'consent-video', testInfo);

  await page.locator('#chat-only').click();
  await page.locator('#chat-input').fill('I cannot speak. There is a man outside my door.');
  await page.locator('#chat-send').click();
  await openNewestSession(officer.page);
  await officer.page.getByTestId('chat-input').fill('Police are on the way. Keep your door locked.');
  await officer.page.getByTestId('chat-send').click();
  await expect(page.locator('.msg.officer')).toBeVisible();
  await callerState(page, 'chat', testInfo);

  await page.getByRole('button', { name: 'Start sharing' }).click();
  await expect(
    page.getByRole('heading', { name: 'You are sharing live video with the police' }),
  ).toBeVisible();
  await expect(page.locator('#connection-status')).toHaveAttribute('data-quality', /.+/, { timeout: 30_000 });
  await callerState(page, 'live-video', testInfo);

  await officer.page.getByTestId('request-switch-camera').click();
  await expect(page.getByRole('alertdialog')).toBeVisible();
  await callerState(page, 'officer-request', testInfo);
  await page.locator('#request-decline').click();

  await page.locator('#pause-video').click();
  await expect(page.getByRole('heading', { name: /Video paused/ })).toBeVisible();
  await callerState(page, 'video-paused', testInfo);
  await page.locator('#pause-video').click();

  await phone.context.setOffline(true);
  await expect(page.locator('#connection-status')).toContainText('Connection lost', { timeout: 20_000 });
  await callerState(page, 'connection-lost', testInfo);
  await phone.context.setOffline(false);
  await expect(page.locator('#connection-status')).not.toContainText('Connection lost', { timeout: 30_000 });

  await page.locator('#upload-choose').setInputFiles({
    name: 'photo.png',
    mimeType: 'image/png',
    // A 1×1 PNG: the server checks the content, not the name.
    buffer: Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    ),
  });
  await expect(page.locator('.transfer[data-state="done"]')).toBeVisible();
  await callerState(page, 'file-sent', testInfo);

  await page.getByRole('button', { name: 'Stop sharing' }).click();
  await expect(page.locator('#device-copy-done')).toBeVisible({ timeout: 60_000 });
  await callerState(page, 'ended', testInfo);
  await phone.context.close();

  // Refusing.
  const refuse = await openPhone(browser, HERE);
  await refuse.page.goto(await inviteFrom(officer.page, { reference: 'A11Y 2' }));
  await refuse.page.getByRole('button', { name: /No, do not share/ }).click();
  await expect(refuse.page.locator('main')).toHaveAttribute('data-screen', 'refused');
  await callerState(refuse.page, 'refused', testInfo);
  // A used link, later: the neutral page.
  await refuse.page.goto(refuse.page.url().replace(/\/j\/[^?]+/, '/j/AAAAAAAAAAAAAAAAAAAAAA'));
  await expect(refuse.page.locator('main')).toHaveAttribute('data-screen', 'unavailable');
  await callerState(refuse.page, 'link-unavailable', testInfo);
  await refuse.context.close();

  // Arabic, right to left.
  const arabic = await openPhone(browser, HERE);
  await arabic.page.goto(await inviteFrom(officer.page, { reference: 'A11Y 3', language: 'ar' }));
  await expect(arabic.page.locator('html')).toHaveAttribute('dir', 'rtl');
  await callerState(arabic.page, 'consent-arabic', testInfo);
  await arabic.context.close();

  // Location only: consent and sharing.
  const loc = await openPhone(browser, HERE);
  await loc.page.goto(await inviteFrom(officer.page, { reference: 'A11Y 4', mode: 'location' }));
  await expect(loc.page.locator('main')).toHaveAttribute('data-screen', 'consent');
  await callerState(loc.page, 'consent-location-only', testInfo);
  await loc.page.getByRole('button', { name: 'Share my location' }).click();
  await expect(
    loc.page.getByRole('heading', { name: 'You are sharing your location with the police' }),
  ).toBeVisible();
  await callerState(loc.page, 'live-location-only', testInfo);
  await loc.context.close();

  // Two-way video consent.
  const twoWay = await openPhone(browser, HERE);
  await twoWay.page.goto(await inviteFrom(officer.page, { reference: 'A11Y 5', mode: 'two-way' }));
  await expect(twoWay.page.locator('main')).toHaveAttribute('data-screen', 'consent');
  await callerState(twoWay.page, 'consent-two-way', testInfo);
  await twoWay.context.close();

  // An app's built-in browser (Instagram): what to do, before the link is used.
  const inApp = await openPhone(browser, HERE, {
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 350.0.0.0 (iPhone15,2; iOS 18_0; en_GB)',
  });
  await inApp.page.goto(await inviteFrom(officer.page, { reference: 'A11Y 6', mode: 'video' }));
  await expect(inApp.page.locator('main')).toHaveAttribute('data-screen', 'inapp');
  await callerState(inApp.page, 'in-app-browser', testInfo);
  await inApp.context.close();

  // An old browser with no WebRTC: location, chat and files instead.
  const old = await openPhone(browser, HERE);
  await old.page.addInitScript(() => {
    // biome-ignore lint/suspicious/noExplicitAny: removing a browser feature on purpose
    delete (window as any).RTCPeerConnection;
  });
  await old.page.goto(await inviteFrom(officer.page, { reference: 'A11Y 7', mode: 'video' }));
  await old.page.getByRole('button', { name: 'Start sharing' }).click();
  await expect(old.page.locator('main')).toHaveAttribute('data-screen', 'live');
  await expect(old.page.locator('main')).toHaveAttribute('data-location', 'on');
  await expect(old.page.locator('main')).toHaveAttribute('data-camera', 'unavailable');
  await expect(old.page.getByText('This browser cannot send live video.')).toBeVisible();
  await callerState(old.page, 'no-webrtc', testInfo);
  await old.context.close();
  await officer.context.close();
});

test('the caller’s page with the camera blocked passes axe and says how to allow it', async ({
  browser,
}, testInfo) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = await inviteFrom(officer.page, { reference: 'A11Y 8' });
  // A browser that refuses permission prompts (the default browser grants the fake camera).
  const blocking: Browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      ...CHROMIUM_ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream'),
      '--deny-permission-prompts',
    ],
  });
  const phone = await openPhone(blocking, HERE);
  await phone.context.clearPermissions();
  await phone.context.grantPermissions(['geolocation']);
  await phone.page.goto(link);
  await phone.page.getByRole('button', { name: 'Start sharing' }).click();
  await expect(phone.page.locator('main')).toHaveAttribute('data-camera', 'denied');
  await callerState(phone.page, 'camera-blocked', testInfo);
  await blocking.close();
  await officer.context.close();
});

test('the console’s main pages pass axe', async ({ browser }) => {
  test.setTimeout(180_000);
  // A session with video, location, chat and evidence, so the pages have content.
  const officer = await signInConsole(browser, server.url, 'supervisor');
  const link = await inviteFrom(officer.page, { reference: 'A11Y 9' });
  await noViolations(officer.page, 'console: sessions');
  const phone = await openPhone(browser, HERE);
  await phone.page.goto(link);
  await phone.page.getByRole('button', { name: 'Start sharing' }).click();
  await openNewestSession(officer.page);
  await expect
    .poll(
      async () => Number(await officer.page.getByTestId('video-stats').getAttribute('data-frames-decoded')),
      {
        timeout: 30_000,
      },
    )
    .toBeGreaterThan(0);
  await phone.page
    .locator('#chat-open')
    .click()
    .catch(() => {});
  await officer.page.getByTestId('chat-input').fill('Can you see the car?');
  await officer.page.getByTestId('chat-send').click();
  await noViolations(officer.page, 'console: live session');
  await phone.page.getByRole('button', { name: 'Stop sharing' }).click();
  await expect(officer.page.getByTestId('session-state')).toHaveText(/ended/i);
  await phone.context.close();

  await officer.page.goto(`${server.url}/library`);
  await expect(officer.page.getByRole('heading', { level: 1 })).toBeVisible();
  await noViolations(officer.page, 'console: library');
  await officer.page.getByRole('link', { name: 'A11Y 9' }).first().click();
  await expect(officer.page.getByRole('heading', { level: 1 })).toContainText('A11Y 9');
  await noViolations(officer.page, 'console: evidence');
  await officer.page.goto(`${server.url}/retention`);
  await expect(officer.page.getByRole('heading', { level: 1 })).toBeVisible();
  await noViolations(officer.page, 'console: retention');
  await officer.context.close();

  const dpo = await signInConsole(browser, server.url, 'dpo');
  await dpo.page.goto(`${server.url}/sar`);
  await expect(dpo.page.getByRole('heading', { level: 1 })).toBeVisible();
  await noViolations(dpo.page, 'console: subject access');
  await dpo.context.close();

  const admin = await signInConsole(browser, server.url, 'admin');
  await admin.page.goto(`${server.url}/admin`);
  await expect(admin.page.getByRole('heading', { level: 1 })).toBeVisible();
  await noViolations(admin.page, 'console: admin');
  // No TURN here: the page says so (e2e/tests/j-turn-relay.spec.ts checks it with TURN and a test result).
  await admin.page.getByRole('link', { name: 'TURN relay settings' }).click();
  await expect(admin.page.getByTestId('turn-configured')).toHaveText('Not configured');
  await noViolations(admin.page, 'console: TURN relay settings');
  // Sign-in settings (no identity provider here; k-sign-in.spec.ts has one) and setting up TOTP on the account page.
  await admin.page.goto(`${server.url}/admin/sign-in`);
  await expect(admin.page.getByTestId('sso-configured')).toHaveText('Not configured');
  await noViolations(admin.page, 'console: sign-in settings');
  // API clients, reached from the admin page: the form, the list, and a new key shown once.
  await admin.page.goto(`${server.url}/admin`);
  await admin.page.getByRole('link', { name: /API clients/ }).click();
  await admin.page.getByLabel('Name', { exact: true }).fill('A11Y CAD');
  await admin.page.getByLabel('sessions:read', { exact: true }).check();
  await admin.page.getByRole('button', { name: 'Create client' }).click();
  await expect(admin.page.getByTestId('new-api-key-value')).toHaveText(/^sl_[0-9a-f]{16}_/);
  await expect(admin.page.getByTestId('api-clients')).toContainText('A11Y CAD');
  await noViolations(admin.page, 'console: API clients, a new key shown once');
  await admin.page.goto(`${server.url}/account`);
  await admin.page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
  await expect(admin.page.getByRole('img', { name: /QR code/ })).toBeVisible();
  await noViolations(admin.page, 'console: account, setting up two-step sign-in');
  await admin.context.close();

  const anon = await browser.newContext();
  const login = await anon.newPage();
  await login.goto(`${server.url}/login`);
  await noViolations(login, 'console: sign in');
  await anon.close();
});
