import { expect, type Page } from '@playwright/test';

/** What the console's live player has decoded so far (0 before a view starts). */
export const framesDecoded = async (page: Page): Promise<number> =>
  Number(
    (await page
      .getByTestId('video-stats')
      .getAttribute('data-frames-decoded', { timeout: 1_000 })
      .catch(() => null)) ?? 0,
  );

/**
 * The officer sees moving video: the player decodes `frames` more frames (default 30, a second
 * of the fake camera) after this is called. A frozen picture decodes none; a counter that starts
 * over (a new view after a reconnect) is followed from its new start. How soon is not asserted.
 */
export async function expectMovingVideo(page: Page, opts: { frames?: number; timeout?: number } = {}) {
  let base = await framesDecoded(page);
  await expect
    .poll(
      async () => {
        const now = await framesDecoded(page);
        if (now < base) base = now;
        return now - base;
      },
      { timeout: opts.timeout ?? 60_000 },
    )
    .toBeGreaterThanOrEqual(opts.frames ?? 30);
}

/** Rewrites a link from the texts (which points at the load balancer) to one instance. */
export const pinTo = (link: string, instanceUrl: string): string => {
  const u = new URL(link);
  return `${instanceUrl}${u.pathname}${u.search}`;
};
