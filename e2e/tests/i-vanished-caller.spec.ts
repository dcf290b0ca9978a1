import { type BrowserServer, chromium, expect, type Page, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@sightline/testkit/chromium';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { openNewestSession, openPhone, sendInvite, signInConsole } from '../support/pages.js';

// A phone whose browser is killed (or whose battery dies) says nothing: no hang-up, no
// socket close frame, no DTLS alert. The control room must not go on showing LIVE over
// the last frame it received.

const GRACE_SECONDS = 8;
let server: Sightline;
let phoneServer: BrowserServer;

test.beforeAll(async () => {
  server = await startSightline({ SIGHTLINE_MEDIA_STALL_GRACE_SECONDS: String(GRACE_SECONDS) });
  // The phone gets a Chromium of its own, so the test can kill it like a crash or a flat battery.
  phoneServer = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});
test.afterAll(async () => {
  await phoneServer?.close().catch(() => {});
  await server?.stop();
});

const HERE = { latitude: 51.50809, longitude: -0.12859, accuracy: 8 };

const framesDecoded = async (page: Page) =>
  Number(await page.getByTestId('video-stats').getAttribute('data-frames-decoded'));

test("the phone's browser is killed mid-call: the console shows video stopped and when, not LIVE, and the recording is saved", async ({
  browser,
}, testInfo) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = await sendInvite(officer.page, '07911 123456', 'CAD 9/VANISH');
  const phoneBrowser = await chromium.connect(phoneServer.wsEndpoint());
  const phone = await openPhone(phoneBrowser, HERE);
  await phone.page.goto(link);
  await phone.page.getByRole('button', { name: 'Start sharing' }).click();
  await expect(phone.page.locator('main')).toHaveAttribute('data-screen', 'live');

  await openNewestSession(officer.page);
  await expect.poll(() => framesDecoded(officer.page), { timeout: 30_000 }).toBeGreaterThan(30);
  const badge = officer.page.getByTestId('session-state');
  await expect(badge).toHaveText(/^live$/i);
  await expect(officer.page.getByTestId('video-stopped')).toHaveCount(0);

  // Kill the phone's whole browser (every process of it) with no chance to say goodbye.
  const pid = phoneServer.process().pid!;
  const killedAt = Date.now();
  process.kill(-pid, 'SIGKILL');

  // The console says the video stopped, and when, instead of LIVE.
  const stopped = officer.page.getByTestId('video-stopped');
  await expect(stopped).toHaveText(/^Video stopped at \d\d:\d\d:\d\d — caller disconnected$/, {
    timeout: GRACE_SECONDS * 1000,
  });
  const detectedMs = Date.now() - killedAt;
  await expect(badge).toHaveText(/video stopped/i);
  await expect(badge).toHaveAttribute('data-state', 'live');
  await expect(officer.page.locator('.live-pill')).toHaveCount(0);
  await expect(officer.page.getByRole('status').filter({ hasText: /Video stopped at/ })).toBeVisible();
  await expect(
    officer.page.getByTestId('timeline-event').filter({ hasText: "Caller's video stopped" }),
  ).toHaveCount(1);
  // Measured for the report, not asserted.
  process.stdout.write(`[i-vanished-caller] console showed video stopped ${detectedMs} ms after the kill\n`);
  testInfo.annotations.push({
    type: 'video stopped shown (ms after the phone was killed)',
    description: String(detectedMs),
  });

  // The session list agrees.
  await officer.page.getByRole('link', { name: '← Sessions' }).click();
  const row = officer.page.locator('[data-testid="session-row"]').filter({ hasText: 'CAD 9/VANISH' });
  await expect(row.locator('.badge')).toHaveText(/video stopped/i);
  await expect(row.getByTestId('video-stopped-at')).toHaveText(/since \d\d:\d\d:\d\d/);

  // After the grace the recording is closed and saved as evidence, though the caller never came back.
  await openNewestSession(officer.page);
  await expect(officer.page.locator('[data-testid="evidence-item"][data-kind="working-copy"]')).toHaveCount(
    1,
    {
      timeout: 60_000,
    },
  );
  await expect(officer.page.locator('[data-testid="evidence-item"][data-kind="master"]')).toHaveCount(2);
  await expect(badge).toHaveText(/video stopped/i);
});
