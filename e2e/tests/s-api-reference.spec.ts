import { expect, test } from '@playwright/test';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { noViolations } from '../support/axe.js';

let server: Sightline;
test.beforeAll(async () => {
  server = await startSightline();
});
test.afterAll(async () => server?.stop());

test('the API reference page shows the public document under the strict CSP, loading nothing from elsewhere', async ({
  page,
}) => {
  const refused: string[] = [];
  const elsewhere: string[] = [];
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(
        `csp-violation ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`,
      ),
    ),
  );
  page.on('console', (m) => {
    if (/csp-violation|Content Security Policy/i.test(m.text())) refused.push(m.text());
  });
  page.on('request', (r) => {
    if (/^https?:/.test(r.url()) && !r.url().startsWith(server.url)) elsewhere.push(r.url());
  });

  await page.goto(`${server.url}/api/v1/docs`);
  await expect(page.getByRole('heading', { name: /Sightline machine API/ })).toBeVisible();
  const readiness = page.locator('.opblock-summary', { hasText: '/readyz' });
  await expect(readiness).toContainText('Readiness: database, evidence store and media reachable');
  // No console route is listed: the page reads the public document, not the officers' full one.
  await expect(page.locator('.opblock-summary-path', { hasText: '/api/sessions' })).toHaveCount(0);
  await readiness.click();
  await expect(page.locator('.opblock-body').getByText('503', { exact: true })).toBeVisible();
  expect(refused).toEqual([]);
  expect(elsewhere).toEqual([]);
  await noViolations(page, 'API reference', { photograph: false });
});
