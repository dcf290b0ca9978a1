import { expect, test } from '@playwright/test';
import { type Cluster, startCluster } from '@sightline/testkit/cluster';
import { openNewestSession, openPhone, sendInvite, signInConsole } from '../support/pages.js';
import { expectMovingVideo } from './support.js';

// A server instance dies without warning (SIGKILL: no shutdown code runs) while a caller is
// live. The caller's page and the console, both connected through the load balancer to that
// instance, must come back through it to the other one, and nothing recorded may be lost.

let cluster: Cluster;
test.beforeAll(async () => {
  cluster = await startCluster();
});
test.afterAll(async () => cluster?.stop());

const HERE = { latitude: 51.50809, longitude: -0.12859, accuracy: 8 };

test('an instance is killed mid-session: phone and console reconnect to the other, video returns, nothing recorded is lost', async ({
  browser,
}) => {
  const [a, b] = cluster.instances as [(typeof cluster.instances)[0], (typeof cluster.instances)[0]];
  const nameA = cluster.backendName(a);
  const nameB = cluster.backendName(b);
  // Every connection goes to A while B drains, so the kill hits both the phone and the console.
  await cluster.lb.setState(nameB, 'drain');
  const officer = await signInConsole(browser, cluster.url, 'handler');
  const link = await sendInvite(officer.page, '07911 123456', 'CAD 2/KILL');
  await openNewestSession(officer.page);
  const phone = await openPhone(browser, HERE);
  await phone.page.goto(link);
  await phone.page.getByRole('button', { name: 'Start sharing' }).click();
  await expect(phone.page.locator('main')).toHaveAttribute('data-screen', 'live');
  await expectMovingVideo(officer.page);
  const liveAt = Date.now();
  await phone.page.locator('#chat-open').click();
  await phone.page.locator('#chat-input').fill('Before the crash.');
  await phone.page.locator('#chat-send').click();
  const fromCaller = officer.page.locator('[data-testid="chat-message"][data-from="caller"]');
  await expect(fromCaller).toContainText('Before the crash.');
  // Streamed for a while, so there is a recording worth losing.
  await officer.page.waitForTimeout(8_000);
  expect((await cluster.lb.status()).find((s) => s.name === nameB)?.sessions).toBe(0);

  await cluster.lb.setState(nameB, 'ready');
  await a.kill();
  const streamedBeforeKillMs = Date.now() - liveAt;
  await cluster.lb.waitFor(nameA, 'DOWN');

  // Both pages notice, reconnect through the load balancer to B, and the officer sees video again.
  await expectMovingVideo(officer.page, { timeout: 90_000 });
  await expect(phone.page.locator('main')).toHaveAttribute('data-screen', 'live');
  await expect(phone.page.locator('main')).toHaveAttribute('data-media', 'connected');
  expect((await cluster.lb.status()).find((s) => s.name === nameB)?.sessions).toBeGreaterThanOrEqual(2);
  await expect(officer.page.getByTestId('session-state')).toHaveText(/live/i);

  // What was said before the crash is still there, and chat flows through B.
  await expect(fromCaller.filter({ hasText: 'Before the crash.' })).toHaveCount(1);
  await phone.page.locator('#chat-input').fill('After the crash.');
  await phone.page.locator('#chat-send').click();
  await expect(fromCaller.filter({ hasText: 'After the crash.' })).toHaveCount(1);

  // The officer ends it; the recording from before the kill is evidence beside the one after.
  await officer.page.getByTestId('end-session').click();
  await officer.page.getByTestId('end-session-confirm').click();
  await expect(phone.page.locator('main')).toHaveAttribute('data-screen', 'ended');
  const working = officer.page.locator('[data-testid="evidence-item"][data-kind="working-copy"]');
  await expect.poll(() => working.count(), { timeout: 120_000 }).toBeGreaterThanOrEqual(2);
  const durations = await working.evaluateAll((els) =>
    els.map((e) => Number(e.getAttribute('data-duration-ms'))),
  );
  // Together they hold at least what was streamed before the kill (less a few seconds lost in flight).
  expect(durations.reduce((s, d) => s + d, 0)).toBeGreaterThan(streamedBeforeKillMs - 4_000);
  await expect(officer.page.locator('[data-testid="evidence-item"][data-kind="master"]')).not.toHaveCount(0);
  await phone.context.close();
  await officer.context.close();
});
