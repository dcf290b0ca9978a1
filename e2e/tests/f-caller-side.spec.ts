import { mkdirSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import {
  apiAs,
  countCameraRequests,
  openNewestSession,
  openPhone,
  sendInviteWith,
  signInConsole,
} from '../support/pages.js';

let server: Sightline;
test.beforeAll(async () => {
  server = await startSightline();
});
test.afterAll(async () => server?.stop());

const HERE = { latitude: 51.50809, longitude: -0.12859, accuracy: 8 };
const digits = (s: string | null) => (s ?? '').replace(/\D/g, '');

test('the verification code the call handler reads out is the one on the caller’s screen', async ({
  browser,
}) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = await sendInviteWith(officer.page, {});
  const shown = digits(await officer.page.getByTestId('verification-code').first().textContent());
  expect(shown).toMatch(/^\d{4}$/);
  const phone = await openPhone(browser, HERE);
  await phone.page.goto(link);
  await expect(phone.page.getByTestId('verification-code')).toBeVisible();
  expect(digits(await phone.page.getByTestId('verification-code').textContent())).toBe(shown);
  await openNewestSession(officer.page);
  expect(digits(await officer.page.getByTestId('verification-code').textContent())).toBe(shown);
  await phone.context.close();
  await officer.context.close();
});

test('the officer can write before the caller opens the link, and the caller finds it there', async ({
  browser,
}) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = await sendInviteWith(officer.page, {});
  await openNewestSession(officer.page);
  await expect(officer.page.getByText('The caller will see this when they open the link.')).toBeVisible();
  await officer.page.getByTestId('chat-input').fill('This is PC Smith. Check the code I read out.');
  await officer.page.getByTestId('chat-send').click();
  await expect(officer.page.getByTestId('chat-message').last()).toHaveAttribute('data-status', 'sent');
  const phone = await openPhone(browser, HERE);
  await phone.page.goto(link);
  await phone.page.locator('#chat-open').click();
  await expect(phone.page.locator('li.msg[data-from="officer"]')).toContainText(
    'This is PC Smith. Check the code I read out.',
  );
  await phone.context.close();
  await officer.context.close();
});

test('an Arabic link renders right to left, in Arabic, with the language switchable', async ({
  browser,
}, testInfo) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = await sendInviteWith(officer.page, { language: 'ar' });
  expect(link).toContain('?l=ar');
  const sms = await officer.page.getByTestId('outbox-message').first().textContent();
  expect(sms).toMatch(/[\u0600-\u06FF]/); // the text message itself is in Arabic
  const phone = await openPhone(browser, HERE);
  await phone.page.goto(link);
  await expect(phone.page.locator('main')).toHaveAttribute('data-screen', 'consent');
  await expect(phone.page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(phone.page.locator('html')).toHaveAttribute('lang', 'ar');
  expect(await phone.page.locator('h1').textContent()).toMatch(/[\u0600-\u06FF]/);
  // Right to left for real: the primary button's text starts at the right edge.
  const start = phone.page.locator('#start');
  expect(await start.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
  mkdirSync(testInfo.outputDir, { recursive: true });
  await phone.page.screenshot({ path: testInfo.outputPath('caller-arabic-consent.png'), fullPage: true });
  await testInfo.attach('caller page in Arabic', {
    path: testInfo.outputPath('caller-arabic-consent.png'),
    contentType: 'image/png',
  });
  await phone.page.locator('#language').selectOption('en');
  await expect(phone.page.locator('html')).toHaveAttribute('dir', 'ltr');
  await expect(phone.page.locator('#start')).toHaveText('Start sharing');
  await phone.context.close();
  await officer.context.close();
});

test('chat works both ways with the video off', async ({ browser }) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = await sendInviteWith(officer.page, {});
  const phone = await openPhone(browser, HERE);
  const gum = await countCameraRequests(phone.page);
  await phone.page.goto(link);
  await phone.page.getByRole('button', { name: 'Send a text message instead' }).click();
  await phone.page.locator('#chat-input').fill('I am deaf. He has a knife.');
  await phone.page.locator('#chat-send').click();

  await openNewestSession(officer.page);
  const fromCaller = officer.page.locator('[data-testid="chat-message"][data-from="caller"]');
  await expect(fromCaller).toContainText('I am deaf. He has a knife.');
  await officer.page.getByTestId('chat-input').fill('Police are on the way. Stay where you are.');
  await officer.page.getByTestId('chat-send').click();

  await expect(phone.page.locator('.msg.officer')).toContainText('Police are on the way.');
  // The officer sees it reach the phone and be read; the caller sees theirs read.
  await expect(officer.page.locator('[data-testid="chat-message"][data-from="officer"]')).toHaveAttribute(
    'data-status',
    'read',
  );
  await expect(phone.page.locator('.msg.caller')).toHaveAttribute('data-status', 'read');
  expect(await gum()).toBe(0); // no camera was asked for
  await phone.context.close();
  await officer.context.close();
});

test('a location-only link never asks for the camera, says so, and shares location', async ({ browser }) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  await officer.page.getByTestId('invite-mode').selectOption('location');
  await officer.page.getByTestId('invite-location-minutes').fill('45');
  const link = await sendInviteWith(officer.page, {});
  const phone = await openPhone(browser, { latitude: 53.4808, longitude: -2.2426, accuracy: 15 });
  const gum = await countCameraRequests(phone.page);
  await phone.page.goto(link);
  await expect(phone.page.getByText('Only your phone’s location')).toBeVisible();
  await expect(phone.page.getByText('after 45 minutes')).toBeVisible();
  await phone.page.getByRole('button', { name: 'Share my location' }).click();
  await expect(
    phone.page.getByRole('heading', { name: 'You are sharing your location with the police' }),
  ).toBeVisible();
  await openNewestSession(officer.page);
  await expect(officer.page.getByTestId('map')).toHaveAttribute('data-marker-lat', /^53\.48/);
  await expect(officer.page.getByTestId('location-until')).toBeVisible();
  expect(await gum()).toBe(0);
  await expect(officer.page.getByTestId('live-video')).toHaveCount(0);
  await phone.context.close();
  await officer.context.close();
});

test('the caller switches camera, on their own or when the officer asks, and the video carries on', async ({
  browser,
}) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = await sendInviteWith(officer.page, {});
  const phone = await openPhone(browser, HERE);
  await phone.page.goto(link);
  await phone.page.getByRole('button', { name: 'Start sharing' }).click();
  await openNewestSession(officer.page);
  const stats = officer.page.getByTestId('video-stats');
  await expect
    .poll(async () => Number(await stats.getAttribute('data-frames-decoded')), { timeout: 20_000 })
    .toBeGreaterThan(0);
  await expect(officer.page.getByTestId('caller-media')).toHaveAttribute('data-camera', 'back');

  // The officer asks; nothing happens until the caller agrees.
  await officer.page.getByTestId('request-switch-camera').click();
  await expect(phone.page.getByRole('alertdialog')).toContainText('asks you to switch camera');
  await expect(officer.page.getByTestId('caller-media')).toHaveAttribute('data-camera', 'back');
  await phone.page.locator('#request-accept').click();
  await expect(officer.page.getByTestId('request-answer')).toHaveAttribute('data-accepted', 'true');
  await expect(officer.page.getByTestId('caller-media')).toHaveAttribute('data-camera', 'front');
  const before = Number(await stats.getAttribute('data-frames-decoded'));
  await expect
    .poll(async () => Number(await stats.getAttribute('data-frames-decoded')), { timeout: 15_000 })
    .toBeGreaterThan(before + 20);

  // And back again from the caller's own control; pause keeps location going.
  await phone.page.locator('#switch-camera').click();
  await expect(officer.page.getByTestId('caller-media')).toHaveAttribute('data-camera', 'back');
  await phone.page.locator('#pause-video').click();
  await expect(officer.page.getByTestId('caller-media')).toHaveAttribute('data-video', 'paused');
  await expect(phone.page.getByRole('heading', { name: /Video paused/ })).toBeVisible();
  await phone.context.close();
  await officer.context.close();
});

test('two-way: the caller sees and hears the officer', async ({ browser }) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = await sendInviteWith(officer.page, { mode: 'two-way' });
  const phone = await openPhone(browser, HERE);
  await phone.page.goto(link);
  await expect(phone.page.getByText('You will see and hear the officer')).toBeVisible();
  await phone.page.getByRole('button', { name: 'Start the video call' }).click();
  await openNewestSession(officer.page);
  await expect(officer.page.getByTestId('session-state')).toHaveText(/live/i, { timeout: 20_000 });
  await officer.page.getByTestId('officer-camera-start').click();
  const officerVideo = phone.page.getByTestId('officer-video');
  await expect
    .poll(() => officerVideo.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000 })
    .toBeGreaterThan(0);
  const decoded = () =>
    officerVideo.evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames);
  const first = await decoded();
  await expect.poll(decoded, { timeout: 30_000 }).toBeGreaterThan(first + 20);
  // And hears them: the officer's microphone arrives as a live audio track.
  expect(
    await officerVideo.evaluate(
      (v: HTMLVideoElement) =>
        (v.srcObject as MediaStream).getAudioTracks().filter((t) => t.readyState === 'live').length,
    ),
  ).toBe(1);
  expect(await officerVideo.evaluate((v: HTMLVideoElement) => v.muted)).toBe(false);
  const sessionId = /sessions\/([0-9a-f-]{36})/.exec(officer.page.url())?.[1];
  expect(sessionId).toBeTruthy();

  // The officer turns their camera off: it leaves the caller's screen.
  await officer.page.getByTestId('officer-camera-stop').click();
  await expect(officerVideo).toBeHidden();
  // Both sides of the call are evidence: the officer's camera was recorded too.
  await phone.page.getByRole('button', { name: 'Stop sharing' }).click();
  const api = await apiAs(server.url, 'supervisor');
  await expect
    .poll(
      async () => {
        const res = await api.get(`/api/sessions/${sessionId}/evidence`);
        const body = (await res.json()) as { recordings: { state: string }[] };
        return body.recordings.filter((r) => r.state === 'stored').length;
      },
      { timeout: 60_000 },
    )
    .toBe(2);
  await api.dispose();
  await phone.context.close();
  await officer.context.close();
});
