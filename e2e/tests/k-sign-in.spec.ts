import { type Browser, expect, test } from '@playwright/test';
import { type OidcEngine, startOidcProvider } from '@sightline/testkit/engines/oidc';
import { freePort, PASSWORD, type Sightline, startSightline } from '@sightline/testkit/server';
import { Secret, TOTP } from 'otpauth';
import { noViolations } from '../support/axe.js';
import { signInConsole } from '../support/pages.js';

// Officer sign-in in Chromium: the force's identity provider (a real OpenID provider,
// oidc-provider, started here) through the console's button, a refusal, sign-out at the provider;
// and TOTP for a local account, set up on the account page and asked for at the next sign-in.

let idp: OidcEngine;
let server: Sightline;

test.beforeAll(async () => {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  idp = await startOidcProvider({
    publicUrl,
    accounts: {
      'sgt.stone': { name: 'Sgt Sam Stone', groups: ['0b1c-supervisors', '9f9f-canteen'] },
      visitor: { name: 'Val Visitor', groups: ['9f9f-canteen'] },
    },
  });
  server = await startSightline({
    SIGHTLINE_PORT: String(port),
    SIGHTLINE_PUBLIC_URL: publicUrl,
    ...idp.env({ '0b1c-supervisors': ['supervisor'], '1a2b-handlers': ['call-handler'] }),
  });
});
test.afterAll(async () => {
  await server?.stop();
  await idp?.stop();
});

/** Presses the console's SSO button and signs in at the provider as `login`. */
async function viaProvider(browser: Browser, login: string) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.getByRole('link', { name: 'Sign in with Test Constabulary' }).click();
  await expect(page).toHaveURL(new RegExp(`^${idp.issuer}/interaction/`));
  await page.getByLabel('Account').fill(login);
  await page.getByRole('button', { name: 'Continue' }).click();
  return { context, page };
}

test('an officer signs in with the force account and lands with the mapped role; sign-out ends it at the provider too', async ({
  browser,
}) => {
  const { context, page } = await viaProvider(browser, 'sgt.stone');
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(page.locator('.whoami-name')).toHaveText('Sgt Sam Stone');
  await expect(page.locator('.whoami-roles')).toHaveText('Supervisor');
  // A supervisor's pages, not an admin's.
  await expect(page.getByRole('link', { name: 'Retention' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  // RP-initiated logout: the provider asks to confirm, then sends the browser back to the sign-in page.
  await expect(page).toHaveURL(new RegExp(`^${idp.issuer}/session/end`));
  await page.getByRole('button', { name: /sign me out/i }).click();
  await expect(page).toHaveURL(`${server.url}/login`);
  await expect(page.getByRole('link', { name: 'Sign in with Test Constabulary' })).toBeVisible();
  expect((await page.request.get(`${server.url}/api/auth/me`)).status()).toBe(401);
  await context.close();
});

test('a user in no mapped group is refused with a clear page', async ({ browser }) => {
  const { context, page } = await viaProvider(browser, 'visitor');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign-in refused');
  await expect(page.getByTestId('sso-refused')).toContainText(
    'not in any group that gives access to Sightline',
  );
  await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  await noViolations(page, 'sign-in refused');
  await context.close();
});

test('a local account sets up TOTP on its account page, then signs in with password and code', async ({
  browser,
}) => {
  const { context, page } = await signInConsole(browser, server.url, 'handler');
  await page.getByRole('link', { name: 'Your account' }).click();
  await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
  await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
  const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s+/g, '');
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
  await page.getByLabel('Six-digit code').fill(totp.generate());
  await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
  await expect(page.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await expect(page.getByTestId('mfa-status')).toContainText('Recovery codes left: 10');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('#username').fill('handler');
  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Two-step sign-in' })).toBeVisible();
  await noViolations(page, 'sign-in: code step');
  await page.getByLabel('Code').fill('000000');
  await page.getByRole('button', { name: 'Verify code' }).click();
  await expect(page.getByTestId('code-error')).toContainText('not right');
  await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  // The code accepted at set-up cannot be used again; the next 30-second step's code can.
  await page.getByLabel('Code').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
  await page.getByRole('button', { name: 'Verify code' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await context.close();
});

test('an admin requires two-step sign-in; a local account without it sets it up before its console opens', async ({
  browser,
}) => {
  const admin = await signInConsole(browser, server.url, 'admin');
  await admin.page.goto(`${server.url}/admin/sign-in`);
  await expect(admin.page.getByTestId('sso-configured')).toHaveText('Configured');
  await expect(admin.page.getByTestId('sso-role-map')).toContainText('0b1c-supervisors → Supervisor');
  await noViolations(admin.page, 'sign-in settings with single sign-on');
  await admin.page.getByLabel('Require two-step sign-in (TOTP) for local accounts').check();
  await admin.page.getByLabel('Reason (for the audit trail)').fill('force policy from today');
  await admin.page.getByRole('button', { name: 'Save policy' }).click();
  await expect(admin.page.getByTestId('mfa-policy')).toContainText('Currently required');
  await admin.context.close();

  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.locator('#username').fill('dpo');
  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Set up two-step sign-in' })).toBeVisible();
  await page.getByRole('button', { name: 'Show the QR code' }).click();
  await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
  await noViolations(page, 'sign-in: setting up two-step sign-in (policy)');
  const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s+/g, '');
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
  await page.getByLabel('Six-digit code').fill(totp.generate());
  await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
  await expect(page.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
  // Not in the console yet: the codes are shown first, once.
  await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  await noViolations(page, 'sign-in: recovery codes');
  await page.getByRole('button', { name: 'I have saved them: continue' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await context.close();
});
