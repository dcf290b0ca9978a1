import { createHash } from 'node:crypto';
import { expect, type Page, test } from '@playwright/test';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { noViolations } from '../support/axe.js';
import { readDatabase } from '../support/database.js';
import { openPhone, sendInviteWith, signInConsole } from '../support/pages.js';

// The privacy notice behind the consent screen (docs/privacy/notice.md): it opens and closes
// without losing the consent screen, reads in the caller's language (Arabic: right to left),
// passes axe, and the consent names the language and the exact text version shown.

const HERE = { latitude: 51.50809, longitude: -0.12859, accuracy: 8 };
let server: Sightline;
test.beforeAll(async () => {
  server = await startSightline({ SIGHTLINE_PRIVACY_EMAIL: 'dpo@example.police.uk' });
});
test.afterAll(async () => server?.stop());

/** Opens the notice from the consent screen, checks it with axe, and goes back to consent. */
async function readNotice(page: Page, link: string, heading: string, state: string): Promise<void> {
  await page.getByRole('button', { name: link }).click();
  const title = page.getByRole('heading', { level: 1, name: heading });
  await expect(title).toBeFocused();
  await expect(page.getByText('dpo@example.police.uk')).toBeVisible();
  await noViolations(page, state, { photograph: false });
  const back = page.locator('#privacy-back');
  const box = await back.boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
  await back.press('Enter');
  // Back where the caller was: the consent screen, focus on the link that opened the notice.
  await expect(page.locator('#privacy-notice')).toBeFocused();
  await expect(page.locator('#start')).toBeVisible();
}

test('the privacy notice opens from consent in English and Arabic, passes axe, and the consent names the words shown', async ({
  browser,
}) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = await sendInviteWith(officer.page, { mode: 'location', language: 'en', reference: 'PRIV 1' });
  const { page } = await openPhone(browser, HERE);
  await page.goto(link);
  await expect(page.locator('main')).toHaveAttribute('data-screen', 'consent');

  await readNotice(page, 'How we use your information', 'How we use your information', 'privacy notice (en)');
  await expect(page.getByText('Only your phone’s location')).toBeVisible();

  await page.locator('#language').selectOption('ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await readNotice(page, 'كيف نستخدم معلوماتك', 'كيف نستخدم معلوماتك', 'privacy notice (ar)');
  await page.locator('#start').click();
  await expect(page.locator('main')).toHaveAttribute('data-screen', 'live');

  const db = readDatabase(server.dataDir);
  try {
    const row = db
      .prepare(
        `select s.consent_language as language, t.version, t.language as textLanguage, t.mode, t.body
         from sessions s join consent_texts t on t.version = s.consent_text_version where s.reference = ?`,
      )
      .get('PRIV 1') as {
      language: string;
      version: string;
      textLanguage: string;
      mode: string;
      body: string;
    };
    expect(row).toMatchObject({ language: 'ar', textLanguage: 'ar', mode: 'location' });
    // The version is the hash of the stored words, and those words are the Arabic notice.
    expect(createHash('sha256').update(`sightline-consent-text/1\n${row.body}`).digest('hex')).toBe(
      row.version,
    );
    expect(JSON.parse(row.body).notice.title).toBe('كيف نستخدم معلوماتك');
  } finally {
    db.close();
  }
});
