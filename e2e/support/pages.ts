import type { Browser, BrowserContext, Page } from '@playwright/test';
import { devices, expect } from '@playwright/test';
import { PASSWORD } from '@sightline/testkit/server';

/** Signs an officer in; returns the console page. */
export async function signInConsole(
  browser: Browser,
  url: string,
  username: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${url}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Every role lands somewhere different; all of them can sign out.
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  return { context, page };
}

/** A field officer's phone (Pixel 7: 412×915, touch, Android) at `position`, signed in as `field`. */
export async function fieldOfficerPhone(
  browser: Browser,
  url: string,
  position: { latitude: number; longitude: number; accuracy: number },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    ...devices['Pixel 7'],
    geolocation: position,
    permissions: ['geolocation'],
  });
  const page = await context.newPage();
  await page.goto(`${url}/login`);
  await page.locator('#username').fill('field');
  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Shared with me' })).toBeVisible();
  return { context, page };
}

/** A phone: small screen, touch, fake rear camera, GPS fixed at `position`. */
export async function openPhone(
  browser: Browser,
  position: { latitude: number; longitude: number; accuracy: number },
  overrides: { userAgent?: string } = {},
) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36',
    geolocation: position,
    permissions: ['geolocation', 'camera', 'microphone'],
    ...overrides,
  });
  return { context, page: await context.newPage() };
}

/** Sends an invite from the dashboard and reads the link from the SMS outbox panel. */
export async function sendInvite(
  page: Page,
  phone = '07911 123456',
  reference = 'CAD 4242/28NOV',
): Promise<string> {
  await page.getByTestId('invite-phone').fill(phone);
  await page.getByTestId('invite-reference').fill(reference);
  // The previous invite's result may still be on screen: wait for this one's link.
  const shownLink = page.getByTestId('invite-link');
  const previous = (await shownLink.count()) ? ((await shownLink.textContent())?.trim() ?? '') : null;
  await page.getByTestId('invite-send').click();
  await expect(shownLink).toBeVisible();
  if (previous) await expect(shownLink).not.toHaveText(previous);
  const shown = (await page.getByTestId('invite-link').textContent())?.trim() ?? '';
  const sms = page.getByTestId('outbox-message').filter({ hasText: shown }).first();
  await expect(sms).toBeVisible();
  const link = /https?:\/\/\S+\/j\/[A-Za-z0-9_-]+(\?l=[a-z]{2})?/.exec((await sms.textContent()) ?? '')?.[0];
  if (!link) throw new Error('no link in the outbox message');
  return link;
}

/** Metres between two WGS84 points (haversine). */
export function metresBetween(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const R = 6_371_008.8;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}

/** An API client signed in as `username` (for checks a test makes behind the UI, such as the audit trail). */
export async function apiAs(url: string, username: string) {
  const { request } = await import('@playwright/test');
  const ctx = await request.newContext({ baseURL: url });
  const res = await ctx.post('/api/auth/login', { data: { username, password: PASSWORD } });
  if (!res.ok()) throw new Error(`API sign-in failed: ${res.status()}`);
  return ctx;
}

/** Counts getUserMedia calls on a page, so a test can prove the camera was never asked for. */
export async function countCameraRequests(page: Page): Promise<() => Promise<number>> {
  await page.addInitScript(() => {
    const w = window as unknown as { __gum: number };
    w.__gum = 0;
    const orig = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (c) => {
      w.__gum++;
      return orig(c);
    };
  });
  return () => page.evaluate(() => (window as unknown as { __gum: number }).__gum);
}

/** Sends an invite with the chosen mode and language from the dashboard; returns the link from the outbox. */
export async function sendInviteWith(
  page: Page,
  opts: { mode?: 'video' | 'location' | 'two-way'; language?: string; reference?: string },
) {
  if (opts.mode) await page.getByTestId('invite-mode').selectOption(opts.mode);
  if (opts.language) await page.getByTestId('invite-language').selectOption(opts.language);
  return sendInvite(
    page,
    '07911 123456',
    opts.reference ?? `CAD ${Math.floor(Math.random() * 9000) + 1000}/28NOV`,
  );
}

/**
 * Opens the newest session from the dashboard's list. The list re-renders as states
 * change (sent → opened → live) and the invite card above it grows, so a click can land
 * while rows move; like an officer, try again until the session page is there.
 */
export async function openNewestSession(page: Page): Promise<void> {
  const row = page.getByTestId('session-row').first();
  const id = await row.getAttribute('data-session-id');
  if (!id) throw new Error('no session in the list');
  // The budgets allow for a loaded 2-core machine (two specs at a time was once tried), where a click's
  // actionability checks and the session page's first render each took over 3 s.
  await expect(async () => {
    if (!page.url().includes(`/sessions/${id}`))
      await page
        .locator(`[data-testid="session-row"][data-session-id="${id}"] a.row-link`)
        .click({ timeout: 5_000 });
    await expect(page.getByTestId('session-state')).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 45_000 });
}
