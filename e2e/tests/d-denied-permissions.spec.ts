import { chromium, expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@sightline/testkit/chromium';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { openNewestSession, sendInvite, signInConsole } from '../support/pages.js';

let server: Sightline;
test.beforeAll(async () => {
  server = await startSightline();
});
test.afterAll(async () => server?.stop());

test('a caller who refuses the camera is told how to allow it, and still shares location', async ({
  browser,
}) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = await sendInvite(officer.page);

  // A phone whose owner answers "Block" to the camera prompt (location was allowed).
  const args = CHROMIUM_ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream').concat(
    '--deny-permission-prompts',
  );
  const phoneBrowser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args,
  });
  const phone = await phoneBrowser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36',
    geolocation: { latitude: 53.4808, longitude: -2.2426, accuracy: 12 },
    permissions: ['geolocation'],
  });
  const page = await phone.newPage();
  await page.goto(link);
  await page.getByRole('button', { name: 'Start sharing' }).click();
  const main = page.locator('main');
  await expect(main).toHaveAttribute('data-screen', 'live');
  await expect(main).toHaveAttribute('data-camera', 'denied');
  await expect(page.getByRole('heading', { name: 'The camera is blocked' })).toBeVisible();
  // Android instructions, because the page knows which browser it is in.
  await expect(page.getByText('Tap the icon to the left of the web address')).toBeVisible();
  await expect(
    page.getByRole('heading', { name: 'You are sharing your location with the police' }),
  ).toBeVisible();
  await expect(main).toHaveAttribute('data-location', 'on');

  // The officer sees the position, and the timeline says the camera was refused.
  await openNewestSession(officer.page);
  await expect(officer.page.getByTestId('map')).toHaveAttribute('data-marker-lat', /^53\.48/);
  await expect(
    officer.page.locator('[data-testid="timeline-event"][data-type="permission.camera.denied"]'),
  ).toHaveCount(1);
  await phoneBrowser.close();
  await officer.context.close();
});
