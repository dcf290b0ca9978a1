import { expect, test } from '@playwright/test';
import { type SyntheticCall, syntheticCall } from '@sightline/testkit/caller';
import { type OfficerApi, officerApi } from '@sightline/testkit/officer';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import { TRAFALGAR_SQUARE } from '../../packages/geo/src/reference-points.js';
import { noViolations } from '../support/axe.js';
import { signInConsole } from '../support/pages.js';

// The supervisors' live wall with synthetic phones (real signalling, real Janus, a looped
// clip over WebRTC): tiles with state, quality, location and watchers; sessions joining and
// leaving without a reload; a tile opening its session; presence on the session page.

let server: Sightline;
let source: RtpSource;
let handlerApi: OfficerApi;
const calls: SyntheticCall[] = [];

test.beforeAll(async () => {
  // Synthetic phones claim their links from their own addresses (X-Forwarded-For).
  server = await startSightline({ SIGHTLINE_TRUST_PROXY: 'loopback' });
  source = new RtpSource();
  await source.start(ensureClip());
  handlerApi = await officerApi(server.url, 'handler');
});

test.afterAll(async () => {
  for (const c of calls) c.hangUp();
  await source?.stop();
  await server?.stop();
});

/** A phone on a call: streaming, with a fix near Trafalgar Square and a quality report. */
async function phoneCall(i: number): Promise<SyntheticCall> {
  const call = await syntheticCall(server.url, handlerApi, source);
  calls.push(call);
  const now = Date.now();
  call.ws.send(
    JSON.stringify({
      type: 'location.fix',
      id: `f${i}`,
      fix: {
        lat: TRAFALGAR_SQUARE.lat + i * 0.001,
        lon: TRAFALGAR_SQUARE.lon,
        accuracy: 6 + i,
        altitude: null,
        altitudeAccuracy: null,
        heading: null,
        speed: null,
        fixTime: now,
      },
    }),
  );
  call.ws.send(JSON.stringify({ type: 'quality', id: `q${i}`, level: 'good', kbps: 800 + i }));
  return call;
}

test('a supervisor sees every live session on the wall, with its state, quality, location, watchers and video; a tile opens its session', async ({
  browser,
}) => {
  const [first, second] = [await phoneCall(0), await phoneCall(1), await phoneCall(2)];

  const supervisor = await signInConsole(browser, server.url, 'supervisor');
  const wall = supervisor.page;
  await wall.getByRole('link', { name: 'Live wall' }).click();
  await expect(wall.getByRole('heading', { level: 1, name: 'Live wall' })).toBeVisible();
  const tiles = wall.getByTestId('wall-tile');
  await expect(tiles).toHaveCount(3);
  await expect(wall.getByTestId('wall-count')).toHaveText('3 live sessions');
  await expect(wall.locator('[data-columns]')).toHaveAttribute('data-columns', '2');

  // Each tile: live, the phone's quality, a grid reference with accuracy, and moving video.
  const tile = (call: SyntheticCall) =>
    wall.locator(`[data-testid="wall-tile"][data-session="${call.sessionId}"]`);
  for (const [i, call] of calls.entries()) {
    const t = tile(call);
    await expect(t.getByTestId('tile-state')).toHaveText('live');
    await expect(t.getByTestId('tile-quality')).toHaveText(`Good · ${800 + i} kbit/s`);
    await expect(t.getByTestId('tile-location')).toContainText(/T[QR] \d{5} \d{5}/);
    await expect(t.getByTestId('tile-location')).toContainText(`±${6 + i} m`);
    await expect(t.getByTestId('tile-location')).toContainText(/last fix \d+ s ago/);
    await expect
      .poll(async () => Number(await t.getByTestId('tile-video').getAttribute('data-frames-decoded')), {
        timeout: 30_000,
      })
      .toBeGreaterThan(10);
    // Blurred at first sight (the force's default): a tile has no "See clearly"; the session page does.
    expect(await t.locator('video').evaluate((v) => getComputedStyle(v).filter)).toMatch(/blur\(/);
    await expect(t.getByTestId('watchers')).toHaveText('No one else is watching');
  }
  // Each tile is a region named by its session, whose link opens the session.
  await expect(wall.getByRole('article', { name: 'SYNTHETIC' })).toHaveCount(3);
  await noViolations(wall, 'live wall');
  // A supervisor may glance at it on a phone: one column, still accessible.
  await wall.setViewportSize({ width: 390, height: 844 });
  await noViolations(wall, 'live wall at phone size');
  await wall.setViewportSize({ width: 1440, height: 900 });

  // A call handler opens one session: the wall shows them watching it, and their page shows the supervisor.
  const handler = await signInConsole(browser, server.url, 'handler');
  await handler.page.goto(`${server.url}/sessions/${first!.sessionId}`);
  await expect(tile(first!).getByTestId('watchers')).toHaveText(
    /^Also watching: E2E handler \(since \d\d:\d\d\)$/,
  );
  await expect(handler.page.getByTestId('watchers')).toContainText('Also watching: E2E supervisor');
  await expect(tile(second!).getByTestId('watchers')).toHaveText('No one else is watching');

  // A new call joins the wall, and one that ends leaves it, without a reload.
  const fourth = await phoneCall(3);
  await expect(tiles).toHaveCount(4);
  await expect(tile(fourth).getByTestId('tile-state')).toHaveText('live');
  await handlerApi.request('POST', `/api/sessions/${second!.sessionId}/end`, { reason: 'wall test' });
  await expect(tile(second!)).toHaveCount(0);
  await expect(wall.getByTestId('wall-count')).toHaveText('3 live sessions');

  // Opening a tile opens the session; there the supervisor sees the handler, who hears of the supervisor leaving the wall.
  await tile(first!).getByRole('link').click();
  await expect(wall).toHaveURL(`${server.url}/sessions/${first!.sessionId}`);
  await expect(wall.getByTestId('session-state')).toHaveText('live');
  // Blurred there too until the supervisor chooses to see.
  const liveFilter = () => wall.getByTestId('live-video').evaluate((v) => getComputedStyle(v).filter);
  await expect.poll(liveFilter).toMatch(/blur\(/);
  await wall.getByTestId('see-clearly-toggle').click();
  await expect.poll(liveFilter).toBe('none');
  await expect(wall.getByTestId('watchers')).toContainText('Also watching: E2E handler');
  // The wall's other watches ended with the wall; the supervisor still watches this one, from its page.
  await expect(handler.page.getByTestId('watchers')).toContainText('Also watching: E2E supervisor');

  // The handler closes the page: the supervisor's page says so, and tells a screen reader politely.
  await handler.context.close();
  await expect(wall.getByTestId('watchers')).toContainText('No one else is watching');
  await expect(wall.getByTestId('watchers')).not.toContainText('Also watching');
  await expect(wall.getByRole('status').filter({ hasText: 'E2E handler stopped watching.' })).toHaveCount(1);
  await supervisor.context.close();
});
