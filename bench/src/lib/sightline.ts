import { type Browser, chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@sightline/testkit/chromium';
import type { OfficerApi } from '@sightline/testkit/officer';
import { PASSWORD, type Sightline, startSightline } from '@sightline/testkit/server';

export { type Sightline, startSightline };

/** Launches Debian's Chromium with the project's flags (the same as the end-to-end tests). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

export { type OfficerApi, officerApi } from '@sightline/testkit/officer';

/** Creates an invite; returns the session id and link. */
export async function createInvite(api: OfficerApi, phone = '07911 123456', language?: string) {
  const r = await api.request<{ session: { id: string }; link: string }>('POST', '/api/sessions', {
    phone,
    reference: 'BENCH',
    ...(language ? { language } : {}),
  });
  return { sessionId: r.session.id, link: r.link };
}

export const endSession = (api: OfficerApi, id: string) =>
  api.request('POST', `/api/sessions/${id}/end`, { reason: 'bench' });

export const ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36';
export const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

/** A phone browser context: touch, small screen, fixed GPS, camera allowed. */
export function phoneContext(browser: Browser, userAgent = ANDROID_UA) {
  return browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    userAgent,
    geolocation: { latitude: 51.50809, longitude: -0.12859, accuracy: 5 },
    permissions: ['geolocation', 'camera', 'microphone'],
  });
}

/** A console context signed in as `username`. */
export async function consoleContext(browser: Browser, url: string, username = 'handler') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${url}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('invite-phone').waitFor();
  return { context, page };
}
