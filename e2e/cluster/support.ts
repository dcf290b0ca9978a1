import { expect, type Page } from '@playwright/test';

/** What the console's live player has decoded so far (0 before a view starts). */
export const framesDecoded = async (page: Page): Promise<number> =>
  Number(
    (await page
      .getByTestId('video-stats')
      .getAttribute('data-frames-decoded')
      .catch(() => null)) ?? 0,
  );

/**
 * The officer sees moving video: the player's decoded-frame count keeps rising, by at least
 * `frames` between two looks a second apart. A counter that starts over (a new view after a
 * reconnect) or a frozen picture never passes; how soon it passes is not asserted.
 */
export async function expectMovingVideo(page: Page, opts: { frames?: number; timeout?: number } = {}) {
  await expect
    .poll(
      async () => {
        const before = await framesDecoded(page);
        await page.waitForTimeout(1_000);
        return (await framesDecoded(page)) - before;
      },
      { timeout: opts.timeout ?? 60_000, intervals: [0] },
    )
    .toBeGreaterThanOrEqual(opts.frames ?? 5);
}

/** Rewrites a link from the texts (which points at the load balancer) to one instance. */
export const pinTo = (link: string, instanceUrl: string): string => {
  const u = new URL(link);
  return `${instanceUrl}${u.pathname}${u.search}`;
};
