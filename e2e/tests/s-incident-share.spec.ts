import { type Browser, devices, expect, test } from '@playwright/test';
import { PASSWORD, type Sightline, startSightline } from '@sightline/testkit/server';
import { formatDistance } from '../../apps/console/src/field/relative.js';
import { distanceMetres } from '../../packages/geo/src/index.js';
import { TRAFALGAR_SQUARE } from '../../packages/geo/src/reference-points.js';
import { noViolations } from '../support/axe.js';
import { apiAs, openPhone, signInConsole } from '../support/pages.js';

// Sharing a whole incident with a field officer (issue 11): the phone lists the incident's
// callers with distance and bearing, opens one, and loses it the moment the control room takes
// it out of the incident. Location-only links keep it light (no video to decode).

let server: Sightline;
test.beforeAll(async () => {
  server = await startSightline();
});
test.afterAll(async () => server?.stop());

const CALLER = { latitude: TRAFALGAR_SQUARE.lat, longitude: TRAFALGAR_SQUARE.lon, accuracy: 5 };
/** The car, a few hundred metres east on the Strand. */
const CAR = { latitude: 51.508, longitude: -0.1247, accuracy: 12 };

async function fieldPhone(browser: Browser) {
  const context = await browser.newContext({
    ...devices['Pixel 7'],
    geolocation: CAR,
    permissions: ['geolocation'],
  });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.locator('#username').fill('field');
  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Shared with me' })).toBeVisible();
  return { context, page };
}

test('a field officer sees every caller of a shared incident on a phone, and loses one taken out of it', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const api = await apiAs(server.url, 'handler');
  const { csrfToken } = (await (await api.get('/api/auth/me')).json()) as { csrfToken: string };
  const headers = { 'x-csrf-token': csrfToken };
  const incident = (await (
    await api.post('/api/incidents', {
      headers,
      data: { title: 'Fight on the Strand', cadReference: 'CAD 901/30NOV' },
    })
  ).json()) as { id: string };
  const send = async (phone: string) =>
    (await (
      await api.post(`/api/incidents/${incident.id}/invites`, { headers, data: { phone, mode: 'location' } })
    ).json()) as { session: { id: string }; link: string };
  const first = await send('07700 900601');
  await send('07700 900602');

  // Caller 1 shares their location from Trafalgar Square; Caller 2 has not opened the link yet.
  const caller = await openPhone(browser, CALLER);
  await caller.page.goto(first.link);
  await caller.page.getByRole('button', { name: 'Share my location' }).click();
  await expect(
    caller.page.getByRole('heading', { name: 'You are sharing your location with the police' }),
  ).toBeVisible();

  const room = await signInConsole(browser, server.url, 'handler');
  await room.page.goto(`${server.url}/incidents/${incident.id}`);
  const panel = room.page.getByTestId('share-panel');
  await expect(panel.getByRole('heading', { name: 'Share this incident' })).toBeVisible();
  await panel.getByRole('checkbox', { name: 'E2E field' }).check();
  await panel.getByRole('button', { name: 'Share live video and location' }).click();
  await expect(panel.getByTestId('share-row').filter({ hasText: 'E2E field' })).toBeVisible();

  const field = await fieldPhone(browser);
  await test.step('the phone lists the incident, then its callers nearest first with distance and bearing', async () => {
    const entry = field.page.getByTestId('field-share');
    await expect(entry).toContainText('Incident: Fight on the Strand');
    await expect(entry).toContainText('2 callers');
    await entry.click();
    const callers = field.page.getByTestId('field-caller');
    await expect(callers).toHaveCount(2);
    const d = distanceMetres(
      { lat: CAR.latitude, lon: CAR.longitude },
      { lat: CALLER.latitude, lon: CALLER.longitude },
    );
    await expect(callers.first()).toContainText('Caller 1');
    await expect(callers.first()).toContainText(`${formatDistance(d)} W`);
    await expect(callers.first().getByRole('link', { name: /Directions.*to Caller 1/ })).toHaveAttribute(
      'href',
      /^geo:/,
    );
    await expect(callers.nth(1)).toContainText('no position yet');
    await noViolations(field.page, 'field officer incident callers phone');
  });

  await test.step("the control room sees the officer on the incident's map", async () => {
    await expect(room.page.getByTestId('incident-map-legend')).toContainText('Officer E2E field');
    await noViolations(room.page, 'incident page shared with a field officer');
  });

  await test.step('a caller opened from the list shows the distance; taking it out of the incident closes it', async () => {
    await field.page
      .getByTestId('field-caller')
      .first()
      .getByRole('link', { name: /Caller 1/ })
      .first()
      .click();
    await expect(field.page.getByRole('heading', { name: /Caller 1/ })).toBeVisible();
    await expect(field.page.getByTestId('field-distance')).toContainText('W');
    const res = await api.delete(`/api/sessions/${first.session.id}/incident`, { headers });
    expect(res.status()).toBe(200);
    await expect(field.page.getByTestId('share-ended')).toContainText(
      'taken this caller out of the incident',
    );
    await field.page.getByRole('link', { name: 'Back to the incident’s callers' }).click();
    await expect(field.page.getByTestId('field-caller')).toHaveCount(1);
  });

  await test.step('stopping the share ends the incident on the phone', async () => {
    await room.page.getByRole('button', { name: 'Stop sharing with E2E field' }).click();
    await expect(field.page.getByTestId('share-ended')).toContainText('stopped sharing');
  });

  await api.dispose();
  await field.context.close();
  await caller.context.close();
  await room.context.close();
});
