import { expect, type Page, test } from '@playwright/test';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { formatDistance } from '../../apps/console/src/field/relative.js';
import { compassPoint, distanceMetres, initialBearing } from '../../packages/geo/src/index.js';
import { TRAFALGAR_SQUARE } from '../../packages/geo/src/reference-points.js';
import { noViolations } from '../support/axe.js';
import {
  apiAs,
  fieldOfficerPhone,
  openNewestSession,
  openPhone,
  sendInvite,
  signInConsole,
} from '../support/pages.js';

// Field officers on mobile (issue 11): a control room shares a live session with an armed
// officer, who watches on a phone in the car; the officer's position comes back to the
// control room's map; a share that is revoked, and one that runs out, end the officer's view.

// Long enough to open the page and see video on a busy 2-core machine, short enough to wait for.
const EXPIRING_S = 20;
let server: Sightline;
test.beforeAll(async () => {
  // The shortest share is lowered so one can run out while the test watches (5 min by default).
  server = await startSightline({ SIGHTLINE_SHARE_MIN_SECONDS: String(EXPIRING_S) });
});
test.afterAll(async () => server?.stop());

const CALLER = { latitude: TRAFALGAR_SQUARE.lat, longitude: TRAFALGAR_SQUARE.lon, accuracy: 5 };
/** The armed-response car, a few hundred metres east, on the Strand. */
const CAR = { latitude: 51.508, longitude: -0.1247, accuracy: 12 };

const decoding = (page: Page) =>
  expect
    .poll(() => page.getByTestId('live-video').evaluate((v: HTMLVideoElement) => v.videoWidth), {
      timeout: 30_000,
    })
    .toBeGreaterThan(0);

test('a field officer watches a shared caller on a phone and is seen on the control room’s map; revoking and expiry end the view', async ({
  browser,
}) => {
  // Three browsers, two shares and five axe checks on a shared 2-core machine.
  test.setTimeout(240_000);
  // The caller streams from Trafalgar Square.
  const room = await signInConsole(browser, server.url, 'handler');
  const link = await sendInvite(room.page, '07911 123456', 'CAD 777/30NOV');
  const caller = await openPhone(browser, CALLER);
  await caller.page.goto(link);
  await caller.page.getByRole('button', { name: 'Start sharing' }).click();
  await expect(caller.page.locator('main')).toHaveAttribute('data-screen', 'live');
  await openNewestSession(room.page);
  const sessionId = room.page.url().split('/sessions/')[1]!;

  const field = await fieldOfficerPhone(browser, server.url, CAR);
  await expect(field.page.getByTestId('field-empty')).toBeVisible();
  await noViolations(field.page, 'field officer nothing shared phone');

  await test.step('the control room shares the session with the field officer for an hour', async () => {
    const panel = room.page.getByTestId('share-panel');
    await panel.getByRole('checkbox', { name: 'E2E field' }).check();
    await panel.getByLabel('Share for').selectOption({ label: '1 hour' });
    await panel.getByRole('button', { name: 'Share live video and location' }).click();
    await expect(panel.getByTestId('share-row').filter({ hasText: 'E2E field' })).toBeVisible();
  });

  await test.step('the field officer sees live video, both positions, the distance and a way to drive there', async () => {
    const entry = field.page.getByTestId('field-share');
    await expect(entry).toContainText('CAD 777/30NOV');
    await noViolations(field.page, 'field officer shares list phone');
    await entry.click();
    await decoding(field.page);
    // Blurred at first sight on the phone too, until the officer chooses to see.
    const filter = () => field.page.getByTestId('live-video').evaluate((v) => getComputedStyle(v).filter);
    expect(await filter()).toMatch(/blur\(/);
    await field.page.getByTestId('see-clearly-toggle').click();
    await expect.poll(filter).toBe('none');
    const d = distanceMetres(
      { lat: CAR.latitude, lon: CAR.longitude },
      { lat: CALLER.latitude, lon: CALLER.longitude },
    );
    const point = compassPoint(
      initialBearing(
        { lat: CAR.latitude, lon: CAR.longitude },
        { lat: CALLER.latitude, lon: CALLER.longitude },
      ),
    );
    expect(point).toBe('W');
    await expect(field.page.getByTestId('field-distance')).toContainText(`${formatDistance(d)} W`);
    // The caller's exact position in British National Grid, with its accuracy.
    const easting = Number(await field.page.getByTestId('pos-easting').textContent());
    expect(Math.abs(easting - TRAFALGAR_SQUARE.ostn15.easting)).toBeLessThan(5);
    await expect(field.page.getByTestId('pos-accuracy')).toContainText('5');
    await expect(field.page.getByTestId('own-position')).toContainText('±12 m');
    // Android: Google Maps straight into turn-by-turn (a geo: URI would only drop a pin).
    await expect(field.page.getByTestId('field-navigate')).toHaveAttribute(
      'href',
      /^https:\/\/www\.google\.com\/maps\/dir\/\?api=1&destination=51\.50809\d*,-0\.12859\d*&travelmode=driving&dir_action=navigate$/,
    );
    await noViolations(field.page, 'field officer watching phone');
  });

  await test.step("the control room sees the field officer's position on its map, apart from the caller", async () => {
    await expect(room.page.getByTestId('share-row')).not.toContainText('not opened yet');
    await expect(room.page.getByTestId('officer-position')).toContainText('E2E field');
    await expect(room.page.getByTestId('officer-position')).toContainText('±12 m');
    await expect(room.page.getByTestId('map')).toHaveAttribute('data-officers', 'E2E field');
    await noViolations(room.page, 'session page with a field officer');
  });

  await test.step('revoking ends the field officer’s view at once, and they are refused after', async () => {
    await room.page.getByRole('button', { name: 'Stop sharing with E2E field' }).click();
    await expect(field.page.getByTestId('share-ended')).toContainText('stopped sharing');
    await expect(field.page.getByTestId('live-video')).toHaveCount(0);
    await expect(room.page.getByTestId('officer-position')).toHaveCount(0);
    await noViolations(field.page, 'field officer share revoked phone');
    await field.page.reload();
    await expect(field.page.getByTestId('share-ended')).toContainText('revoked');
  });

  await test.step('a share that runs out ends the view when its time is up, and is refused after', async () => {
    const api = await apiAs(server.url, 'handler');
    const { csrfToken } = (await (await api.get('/api/auth/me')).json()) as { csrfToken: string };
    const fieldId = ((await (await api.get('/api/field-officers')).json()) as { officers: { id: string }[] })
      .officers[0]!.id;
    const res = await api.post(`/api/sessions/${sessionId}/shares`, {
      headers: { 'x-csrf-token': csrfToken },
      data: { officerIds: [fieldId], durationSeconds: EXPIRING_S },
    });
    expect(res.status()).toBe(201);
    const shareId = ((await res.json()) as { shares: { id: string }[] }).shares[0]!.id;
    await field.page.goto(`${server.url}/field/${shareId}`);
    await decoding(field.page);
    // The server ends it by its own timer; nobody presses anything.
    await expect(field.page.getByTestId('share-ended')).toContainText('expired', {
      timeout: EXPIRING_S * 1000 + 10_000,
    });
    await expect(field.page.getByTestId('live-video')).toHaveCount(0);
    const again = await field.page.request.get(`${server.url}/api/field/shares/${shareId}`);
    expect(again.status()).toBe(410);
    await api.dispose();
  });

  await field.context.close();
  await caller.context.close();
  await room.context.close();
});
