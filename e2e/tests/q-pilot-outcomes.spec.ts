import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, type Page, test } from '@playwright/test';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { noViolations } from '../support/axe.js';
import { apiAs, openNewestSession, openPhone, sendInvite, signInConsole } from '../support/pages.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../apps/server/bin/sightline.js');

// The pilot workflows through the console: a bail check on a two-way link, and a missing-person
// search on a location-only link (its no-fix alert raised and cleared by the server's sweep,
// every 2 s here; the invite chooses 1 minute, the training override makes it 20 s so the test
// does not wait a minute), with a triage outcome corrected on the same session. Each outcome
// shows on the session page and its timeline, and is in the export.

const AML_SECRET = 'e2e-aml-secret-0123456789abcdef';

let server: Sightline;
test.beforeAll(async () => {
  server = await startSightline({
    SIGHTLINE_FIX_WATCH_SECONDS: '2',
    SIGHTLINE_FIX_ALERT_OVERRIDE_SECONDS: '20',
    SIGHTLINE_AML_SECRET: AML_SECRET,
  });
});
test.afterAll(async () => server?.stop());

/** Ends the session, exports it from its evidence view and returns the package's outcomes.json. */
async function exportOutcomes(page: Page, dir: string): Promise<string> {
  await page.getByTestId('end-session').click();
  await page.getByTestId('end-session-confirm').click();
  await expect(page.getByTestId('session-state')).toHaveText(/ended/i);
  await page.getByTestId('open-evidence-view').click();
  await page.getByTestId('export-open').click();
  await page.getByTestId('export-reason').fill('Pilot review');
  await page.getByTestId('export-submit').click();
  await expect(page.getByTestId('export-progress')).toHaveAttribute('data-state', 'done', {
    timeout: 60_000,
  });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-download').click(),
  ]);
  const zip = join(dir, download.suggestedFilename());
  await download.saveAs(zip);
  // The package verifies offline against the force's key, outcomes and all.
  const api = await apiAs(server.url, 'supervisor');
  const key = (await (await api.get('/api/keys/signing')).json()) as { publicKeyPem: string };
  await api.dispose();
  const keyFile = join(dir, 'force-key.pub.pem');
  writeFileSync(keyFile, key.publicKeyPem);
  const { stdout } = await run('node', [CLI, 'evidence', 'verify', zip, '--public-key', keyFile], {
    env: { PATH: process.env.PATH },
  });
  expect(stdout).toMatch(/^VERIFIED:/m);
  const manifest = (await run('unzip', ['-p', zip, '*manifest.json'])).stdout;
  expect(manifest).toContain('events/outcomes.json');
  return (await run('unzip', ['-p', zip, '*/events/outcomes.json'])).stdout;
}

test('a bail check on a two-way link: details sent with the link, result with the server’s location and identity, exported', async ({
  browser,
}, testInfo) => {
  const { context, page } = await signInConsole(browser, server.url, 'supervisor');
  await page.getByTestId('invite-mode').selectOption('two-way');
  await page.getByTestId('invite-check-subject').fill('John Smith');
  await page.getByTestId('invite-check-condition').selectOption('curfew');
  await page.getByTestId('invite-check-detail').fill('12 High Street, 19:00 to 07:00');
  await noViolations(page, 'invite with bail check details');
  const link = await sendInvite(page, '07911 123456', 'BAIL 7/30NOV');
  const phone = await openPhone(browser, { latitude: 51.5072, longitude: -0.1276, accuracy: 9 });
  await phone.page.goto(link);
  await phone.page.getByRole('button', { name: 'Start the video call' }).click();
  await openNewestSession(page);
  await expect(page.getByTestId('map')).toHaveAttribute('data-marker-lat', /^51\.507/);

  // The result form starts from the details sent with the link.
  await expect(page.getByTestId('outcome-check')).toContainText('John Smith');
  await expect(page.getByTestId('outcome-subject')).toHaveValue('John Smith');
  await page.getByTestId('outcome-result').selectOption('complied');
  await page.getByTestId('outcome-identityMethod').selectOption('face-against-custody-image');
  await page.getByTestId('outcome-submit').click();
  // Identity must be confirmed explicitly.
  await expect(page.locator('#outcome-identityConfirmed-error')).toBeVisible();
  await page.getByTestId('outcome-identityConfirmed').check();
  await noViolations(page, 'bail check result form');
  await page.getByTestId('outcome-submit').click();
  const item = page.locator('[data-testid="outcome-item"][data-kind="bail-check"]');
  await expect(item).toContainText('Complied');
  await expect(item).toContainText(/51\.5072\d, -0\.1276\d ±9 m \(fix \d+ s old\)/);
  await expect(item.getByTestId('outcome-by')).toContainText('E2E supervisor');
  await expect(page.getByTestId('timeline')).toContainText(
    'Bail check (John Smith, curfew at an address): Complied',
  );
  await phone.context.close();

  const exported = await exportOutcomes(page, testInfo.outputDir);
  expect(JSON.parse(exported)[0]).toMatchObject({
    record: { kind: 'bail-check', result: 'complied', identity: { method: 'face-against-custody-image' } },
  });
  await context.close();
});

test('a missing-person search alerts when the phone goes quiet and clears when it is heard again; triage is recorded and corrected; both exported', async ({
  browser,
}, testInfo) => {
  const { context, page } = await signInConsole(browser, server.url, 'supervisor');
  await page.getByTestId('invite-mode').selectOption('location');
  await page.getByTestId('invite-missing-person').check();
  await expect(page.getByTestId('invite-location-minutes')).toHaveValue('720');
  await page.getByTestId('invite-fix-alert').fill('1');
  await noViolations(page, 'invite for a missing person search');
  const link = await sendInvite(page, '07911 123456', 'MISPER 3/30NOV');
  const phone = await openPhone(browser, { latitude: 53.4808, longitude: -2.2426, accuracy: 15 });
  await phone.page.goto(link);
  await phone.page.getByRole('button', { name: 'Share my location' }).click();
  await openNewestSession(page);
  await expect(page.getByTestId('map')).toHaveAttribute('data-marker-lat', /^53\.48/);

  // The phone loses its signal: after the threshold (20 s here) the server raises the alert.
  await phone.context.setOffline(true);
  const alert = page.getByTestId('fix-alert');
  await expect(alert).toBeVisible({ timeout: 40_000 });
  await expect(alert).toContainText('No position from the phone');
  await expect(page.getByTestId('fix-alert-said')).toContainText('no position');
  await expect(page.getByTestId('timeline')).toContainText('Alert: no position from the phone');
  await noViolations(page, 'missing person alert');

  // Signal back and the person moves on: the alert clears by itself.
  await phone.context.setOffline(false);
  await phone.context.setGeolocation({ latitude: 53.4815, longitude: -2.2431, accuracy: 12 });
  await expect(alert).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId('fix-alert-said')).toContainText('arriving again');
  await expect(page.getByTestId('timeline')).toContainText('Positions arriving again');

  // Triage on the same session, then a correction that keeps the original.
  await page.getByTestId('outcome-kind-triage').check();
  await page.getByTestId('outcome-decision').selectOption('refer-safeguarding');
  await page.getByTestId('outcome-reason').fill('Vulnerable adult, previous episodes');
  await page.getByTestId('outcome-followUpAction').fill('Safeguarding referral to adult social care');
  await page.getByTestId('outcome-followUpDue').fill('2026-12-02');
  await noViolations(page, 'triage outcome form');
  await page.getByTestId('outcome-submit').click();
  const triage = page.locator('[data-testid="outcome-item"][data-kind="triage"]');
  await expect(triage).toHaveCount(1);
  await triage.getByRole('button', { name: 'Correct this record' }).click();
  await page.getByTestId('outcome-decision').selectOption('deploy');
  await page.getByTestId('outcome-correctionReason').fill('Risk raised to high');
  await page.getByTestId('outcome-submit').click();
  await expect(triage).toHaveCount(2);
  await expect(triage.first()).toHaveAttribute('data-superseded', 'true');
  await expect(triage.last()).toContainText('Deploy officers');

  await page.getByTestId('outcome-kind-missing-person').check();
  await page.getByTestId('outcome-status').selectOption('located-safe');
  await page.getByTestId('outcome-reason').fill('Found at a friend’s flat, spoken to by officers');
  await page.getByTestId('outcome-submit').click();
  await expect(page.locator('[data-testid="outcome-item"][data-kind="missing-person"]')).toContainText(
    'Located safe',
  );
  await expect(page.getByTestId('timeline')).toContainText('Outcome corrected');
  await phone.context.close();

  const exported = JSON.parse(await exportOutcomes(page, testInfo.outputDir)) as Array<{
    record: { kind: string };
    supersededBy: string | null;
  }>;
  expect(exported.map((o) => [o.record.kind, o.supersededBy !== null])).toEqual([
    ['triage', true],
    ['triage', false],
    ['missing-person', false],
  ]);
  await context.close();
});

test('a network location (AML) sent before the link shows on the map beside the GPS, with a warning when the two disagree', async ({
  browser,
}) => {
  // The mobile network's message arrives first (as it usually does): 1.2 km north of the phone, within 50 m.
  const aml = [
    'v=1',
    'emergency_number=999',
    'location_latitude=53.49160',
    'location_longitude=-2.24260',
    'location_accuracy=50',
    `location_time=${Date.now() - 5_000}`,
    'location_source=cell',
    'location_certainty=68',
    'device_number=%2B447700900150',
  ].join('&');
  const sent = await fetch(`${server.url}/api/aml`, {
    method: 'POST',
    headers: { authorization: `Bearer ${AML_SECRET}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: aml,
  });
  expect(sent.status).toBe(200);

  const { context, page } = await signInConsole(browser, server.url, 'handler');
  await page.getByTestId('invite-mode').selectOption('location');
  const link = await sendInvite(page, '07700 900150', 'AML 1/30NOV');
  const phone = await openPhone(browser, { latitude: 53.4808, longitude: -2.2426, accuracy: 15 });
  await phone.page.goto(link);
  await phone.page.getByRole('button', { name: 'Share my location' }).click();
  await openNewestSession(page);
  const map = page.getByTestId('map');
  await expect(map).toHaveAttribute('data-marker-lat', /^53\.48/);
  await expect(map).toHaveAttribute('data-network-lat', /^53\.4916/);
  await expect(map).toHaveAttribute('data-network-radius', '50');
  await expect(page.getByTestId('aml-text')).toContainText('Network location (AML, by mobile cell)');
  await expect(page.getByTestId('aml-warning')).toContainText(
    "Network location is 1.2 km from the phone's GPS — more than both uncertainties (network ±50 m, GPS ±15 m).",
  );
  await expect(page.getByTestId('timeline')).toContainText('Network location (AML) received');
  await noViolations(page, 'session page with a network location that disagrees');
  await phone.context.close();
  await context.close();
});
