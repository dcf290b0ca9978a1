import { expect, test } from '@playwright/test';
import { type Cluster, startCluster } from '@sightline/testkit/cluster';
import { metresBetween, openNewestSession, openPhone, sendInvite, signInConsole } from '../support/pages.js';
import { expectMovingVideo, pinTo } from './support.js';

// Redis carries the events between instances. When it restarts (empty: it keeps nothing on
// disk) the instances must reconnect by themselves, no live session may end because of it,
// and what the caller sends must reach an officer on the other instance again.

let cluster: Cluster;
test.beforeAll(async () => {
  cluster = await startCluster();
});
test.afterAll(async () => cluster?.stop());

const HERE = { latitude: 51.50809, longitude: -0.12859, accuracy: 8 };
const THERE = { latitude: 51.5033, longitude: -0.1196, accuracy: 8 };

test('Redis restarts mid-session: the session stays live, and location and chat reach the other instance again', async ({
  browser,
}) => {
  const [a, b] = cluster.instances as [(typeof cluster.instances)[0], (typeof cluster.instances)[0]];
  const officer = await signInConsole(browser, b.url, 'handler');
  const link = await sendInvite(officer.page, '07911 123456', 'CAD 4/REDIS');
  await openNewestSession(officer.page);
  const phone = await openPhone(browser, HERE);
  await phone.page.goto(pinTo(link, a.url));
  await phone.page.getByRole('button', { name: 'Start sharing' }).click();
  await expect(phone.page.locator('main')).toHaveAttribute('data-screen', 'live');
  await expectMovingVideo(officer.page);
  await phone.page.locator('#chat-open').click();
  await phone.page.locator('#chat-input').fill('Before the restart.');
  await phone.page.locator('#chat-send').click();
  const fromCaller = officer.page.locator('[data-testid="chat-message"][data-from="caller"]');
  await expect(fromCaller.filter({ hasText: 'Before the restart.' })).toHaveCount(1);

  // Killed outright, down for a few seconds, back empty.
  await cluster.redis.restart({ hard: true, downMs: 3_000 });

  // Nothing ended: both sides still show a live session, and the video still moves.
  await expect(officer.page.getByTestId('session-state')).toHaveText(/^live$/i);
  await expect(phone.page.locator('main')).toHaveAttribute('data-screen', 'live');
  await expectMovingVideo(officer.page);

  // Events cross the instances again: a chat message and a move, sent to A, appear on B.
  await phone.page.locator('#chat-input').fill('After the restart.');
  await phone.page.locator('#chat-send').click();
  await expect(fromCaller.filter({ hasText: 'After the restart.' })).toHaveCount(1, { timeout: 60_000 });
  await phone.context.setGeolocation(THERE);
  const map = officer.page.getByTestId('map');
  await expect
    .poll(
      async () =>
        metresBetween(
          {
            lat: Number(await map.getAttribute('data-marker-lat')),
            lon: Number(await map.getAttribute('data-marker-lng')),
          },
          { lat: THERE.latitude, lon: THERE.longitude },
        ),
      { timeout: 60_000 },
    )
    .toBeLessThan(10);
  // And the officer's reply reaches the phone.
  await officer.page.getByTestId('chat-input').fill('Stay on the line.');
  await officer.page.getByTestId('chat-send').click();
  await expect(phone.page.locator('.msg.officer')).toContainText('Stay on the line.');
  await expect(officer.page.getByTestId('session-state')).toHaveText(/^live$/i);
  await phone.context.close();
  await officer.context.close();
});
