import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { probe } from '../support/media.js';
import { openPhone, sendInvite, signInConsole } from '../support/pages.js';

// An Android caller publishes two simulcast layers (apps/join/src/simulcast.ts). The officer
// can take the light one (a weak signal), and the recording keeps the full one whatever any
// viewer watches: Janus's recorder follows the top substream.

let server: Sightline;
test.beforeAll(async () => {
  // Simulcast is off by default (docs/performance.md says why); this spec is about it on.
  server = await startSightline({ SIGHTLINE_SIMULCAST: 'true' });
});
test.afterAll(async () => server?.stop());

test('an officer who picks the light picture gets a smaller one at once, and the recording is still the full picture', async ({
  browser,
}, testInfo) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = await sendInvite(officer.page, '07911 123458', 'CAD 11/30NOV');
  const phone = await openPhone(browser, { latitude: 51.50809, longitude: -0.12859, accuracy: 5 });
  await phone.page.goto(link);
  await phone.page.getByRole('button', { name: 'Start sharing' }).click();
  const row = officer.page.getByTestId('session-row').first();
  await expect(row).toHaveAttribute('data-state', 'live');
  await row.click();

  // The full layer: larger than the light one can ever be (half of a 1280×720 camera).
  const video = officer.page.getByTestId('live-video');
  const width = () => video.evaluate((v: HTMLVideoElement) => v.videoWidth);
  await expect.poll(width, { timeout: 30_000 }).toBeGreaterThan(640);
  const fullWidth = await width();

  // The light layer, on the same connection (no new view): the picture shrinks.
  const picker = officer.page.getByTestId('video-layer');
  await picker.selectOption('low');
  await expect(picker).toHaveAttribute('data-served', 'low');
  await expect.poll(width, { timeout: 15_000 }).toBeLessThan(fullWidth);
  const lightWidth = await width();
  expect(lightWidth).toBeGreaterThan(0);
  expect(lightWidth).toBeLessThanOrEqual(640);

  await officer.page.getByTestId('end-session').click();
  await officer.page.getByTestId('end-session-confirm').click();
  await expect(officer.page.getByTestId('session-state')).toHaveText(/ended/i);

  // The working copy is made from the recorder's substream: the full layer's size, not the light one's.
  const working = officer.page.locator('[data-testid="evidence-item"][data-kind="working-copy"]');
  await expect(working).toHaveCount(1, { timeout: 60_000 });
  const id = await working.getAttribute('data-id');
  const { csrfToken } = (await (await officer.page.request.get(`${server.url}/api/auth/me`)).json()) as {
    csrfToken: string;
  };
  const viewing = await officer.page.request.post(`${server.url}/api/evidence/${id}/viewings`, {
    headers: { 'x-csrf-token': csrfToken },
    data: {},
  });
  expect(viewing.status()).toBe(201);
  const res = await officer.page.request.get(
    `${server.url}${((await viewing.json()) as { url: string }).url}`,
  );
  mkdirSync(testInfo.outputDir, { recursive: true });
  const file = join(testInfo.outputDir, 'working-copy.webm');
  writeFileSync(file, await res.body());
  const p = await probe(file);
  testInfo.annotations.push({
    type: 'widths',
    description: JSON.stringify({ fullWidth, lightWidth, recording: p.video }),
  });
  expect(p.video?.codec).toBe('vp8');
  expect(p.video!.width).toBeGreaterThanOrEqual(fullWidth);
  expect(p.video!.width).toBeGreaterThan(lightWidth);
  await phone.context.close();
  await officer.context.close();
});
