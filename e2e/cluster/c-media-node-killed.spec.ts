import { expect, test } from '@playwright/test';
import { type Cluster, type ClusterProcess, startCluster } from '@sightline/testkit/cluster';
import { openNewestSession, openPhone, sendInvite, signInConsole } from '../support/pages.js';
import { expectMovingVideo } from './support.js';

// A media node (a Janus and the `sightline media-node` beside it) dies with a caller live on
// it. The caller's page must publish again onto the other node and officers see video again;
// when the node comes back, what it had recorded becomes evidence rather than vanishing.

let cluster: Cluster;
test.beforeAll(async () => {
  cluster = await startCluster();
});
test.afterAll(async () => cluster?.stop());

const HERE = { latitude: 51.50809, longitude: -0.12859, accuracy: 8 };

/** How many publishers a node's Janus holds, from its /healthz (0 when it does not answer). */
async function publishers(node: ClusterProcess): Promise<number> {
  try {
    const res = await fetch(`${node.url}/healthz`);
    return ((await res.json()) as { publishers?: number }).publishers ?? 0;
  } catch {
    return 0;
  }
}

test("a media node is killed mid-session: the caller publishes onto the other node, video returns, and the node's recording is kept", async ({
  browser,
}) => {
  const officer = await signInConsole(browser, cluster.url, 'handler');
  const link = await sendInvite(officer.page, '07911 123456', 'CAD 3/NODE');
  await openNewestSession(officer.page);
  const phone = await openPhone(browser, HERE);
  await phone.page.goto(link);
  await phone.page.getByRole('button', { name: 'Start sharing' }).click();
  await expect(phone.page.locator('main')).toHaveAttribute('data-screen', 'live');
  await expectMovingVideo(officer.page);

  // The node holding the room is the one with the caller's publisher.
  let holder: ClusterProcess | undefined;
  await expect
    .poll(async () => {
      for (const n of cluster.mediaNodes) if ((await publishers(n)) > 0) holder = n;
      return holder?.name;
    })
    .toBeDefined();
  const other = cluster.mediaNodes.find((n) => n !== holder)!;
  // Recorded for a while, so there is something on the node to lose.
  await officer.page.waitForTimeout(6_000);

  await holder!.kill();

  // The phone publishes again, onto the surviving node, and the officer sees moving video.
  await expect.poll(() => publishers(other), { timeout: 90_000 }).toBeGreaterThan(0);
  await expectMovingVideo(officer.page, { timeout: 90_000 });
  await expect(phone.page.locator('main')).toHaveAttribute('data-screen', 'live');
  await expect(phone.page.locator('main')).toHaveAttribute('data-media', 'connected');
  await expect(officer.page.getByTestId('session-state')).toHaveText(/live/i);

  // The node returns; the officer ends the session. Both recordings are evidence: the one from
  // the dead node (recovered when it came back) and the one from the survivor.
  await holder!.restart();
  await officer.page.getByTestId('end-session').click();
  await officer.page.getByTestId('end-session-confirm').click();
  await expect(phone.page.locator('main')).toHaveAttribute('data-screen', 'ended');
  const working = officer.page.locator('[data-testid="evidence-item"][data-kind="working-copy"]');
  await expect.poll(() => working.count(), { timeout: 120_000 }).toBeGreaterThanOrEqual(2);
  await phone.context.close();
  await officer.context.close();
});
