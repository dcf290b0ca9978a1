import { expect, test } from '@playwright/test';
import { type Cluster, startCluster } from '@sightline/testkit/cluster';
import { TRAFALGAR_SQUARE } from '../../packages/geo/src/reference-points.js';
import { metresBetween, openNewestSession, openPhone, sendInvite, signInConsole } from '../support/pages.js';
import { expectMovingVideo, pinTo } from './support.js';

// A control room's console and a caller's phone can land on different server instances: every
// live thing the caller sends must reach the officer whichever instance each is connected to.

let cluster: Cluster;
test.beforeAll(async () => {
  cluster = await startCluster();
});
test.afterAll(async () => cluster?.stop());

const PHONE = { latitude: TRAFALGAR_SQUARE.lat, longitude: TRAFALGAR_SQUARE.lon, accuracy: 5 };

test('an officer on instance B watches, locates and chats with a caller on instance A', async ({
  browser,
}) => {
  const [a, b] = cluster.instances as [(typeof cluster.instances)[0], (typeof cluster.instances)[0]];
  const officer = await signInConsole(browser, b.url, 'handler');
  const link = await sendInvite(officer.page, '07911 123456', 'CAD 1/CLUSTER');
  expect(new URL(link).origin).toBe(cluster.url); // texts point at the load balancer
  await openNewestSession(officer.page);

  const phone = await openPhone(browser, PHONE);
  await phone.page.goto(pinTo(link, a.url));
  await phone.page.getByRole('button', { name: 'Start sharing' }).click();
  await expect(phone.page.locator('main')).toHaveAttribute('data-screen', 'live');

  // Instance B learns the session went live, and relays the video from wherever the room is.
  await expect(officer.page.getByTestId('session-state')).toHaveText(/live/i);
  await expectMovingVideo(officer.page);

  // The caller's position, sent to A, is on B's map.
  const map = officer.page.getByTestId('map');
  await expect(map).toHaveAttribute('data-marker-lat', /\d/);
  const marker = {
    lat: Number(await map.getAttribute('data-marker-lat')),
    lon: Number(await map.getAttribute('data-marker-lng')),
  };
  expect(metresBetween(marker, TRAFALGAR_SQUARE)).toBeLessThan(10);

  // A move reaches B's map too.
  await phone.context.setGeolocation({ latitude: 51.5014, longitude: -0.1419, accuracy: 5 });
  await expect
    .poll(async () =>
      metresBetween(
        {
          lat: Number(await map.getAttribute('data-marker-lat')),
          lon: Number(await map.getAttribute('data-marker-lng')),
        },
        { lat: 51.5014, lon: -0.1419 },
      ),
    )
    .toBeLessThan(10);

  // Chat both ways across the instances.
  await phone.page.locator('#chat-open').click();
  await phone.page.locator('#chat-input').fill('He went towards the Mall.');
  await phone.page.locator('#chat-send').click();
  await expect(officer.page.locator('[data-testid="chat-message"][data-from="caller"]')).toContainText(
    'He went towards the Mall.',
  );
  await officer.page.getByTestId('chat-input').fill('Officers are two minutes away.');
  await officer.page.getByTestId('chat-send').click();
  await expect(phone.page.locator('.msg.officer')).toContainText('Officers are two minutes away.');

  // The officer on B ends it; the phone on A hears.
  await officer.page.getByTestId('end-session').click();
  await officer.page.getByTestId('end-session-confirm').click();
  await expect(phone.page.locator('main')).toHaveAttribute('data-screen', 'ended');
  await expect(officer.page.locator('[data-testid="evidence-item"][data-kind="working-copy"]')).toHaveCount(
    1,
    { timeout: 90_000 },
  );
  await phone.context.close();
  await officer.context.close();
});
