import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

// axe-core's WCAG 2.0/2.1/2.2 A and AA rules. With SIGHTLINE_DOC_SCREENSHOTS=1 each checked
// state is also photographed into docs/screenshots/console for the guides that show them.
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const DOCS = fileURLToPath(new URL('../../docs/screenshots/console/', import.meta.url));

/**
 * Fails with every axe violation on the page as it is now, and where it is. `photograph: false`
 * for a caller that takes its own pictures (the caller's states go to docs/screenshots/caller).
 */
export async function noViolations(
  page: Page,
  state: string,
  { photograph = true }: { photograph?: boolean } = {},
): Promise<void> {
  // Legacy mode runs axe.run in the page itself, instead of a partial run per frame finished in
  // a new blank page (which loads axe a second time): the same rules and results, since our
  // pages have no iframes, in about half the time. Only violations are wanted, so axe does not
  // serialise the passes. (Options first: `options()` replaces what `withTags()` set.)
  const { violations } = await new AxeBuilder({ page })
    .options({ resultTypes: ['violations'] })
    .withTags(TAGS)
    .setLegacyMode()
    .analyze();
  const found = violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`,
  );
  expect(found, `axe violations in "${state}"`).toEqual([]);
  if (!photograph || process.env.SIGHTLINE_DOC_SCREENSHOTS !== '1') return;
  mkdirSync(DOCS, { recursive: true });
  const name = state
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  await page.screenshot({ path: join(DOCS, `${name}.png`), fullPage: true, animations: 'disabled' });
}
