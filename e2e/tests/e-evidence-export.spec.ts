import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { apiAs, openPhone, sendInvite, signInConsole } from '../support/pages.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../apps/server/bin/sightline.js');
let server: Sightline;
test.beforeAll(async () => {
  server = await startSightline({ SIGHTLINE_SEAL_INTERVAL_SECONDS: '2' });
});
test.afterAll(async () => server?.stop());

test('stream, end, classify, export from the console with a reason, download the zip and verify it with the CLI', async ({
  browser,
}, testInfo) => {
  // A call: the handler sends a link, the phone streams for a few seconds, the handler ends it.
  const handler = await signInConsole(browser, server.url, 'handler');
  const reference = `CAD ${Date.now() % 10_000}/28NOV`;
  const link = await sendInvite(handler.page, '07911 123456', reference);
  const phone = await openPhone(browser, { latitude: 51.50809, longitude: -0.12859, accuracy: 5 });
  await phone.page.goto(link);
  await phone.page.getByRole('button', { name: 'Start sharing' }).click();
  const row = handler.page.getByTestId('session-row').first();
  await expect(row).toHaveAttribute('data-state', 'live');
  await row.click();
  await handler.page.waitForTimeout(6_000);
  await handler.page.getByTestId('end-session').click();
  await handler.page.getByTestId('end-session-confirm').click();
  await expect(handler.page.getByTestId('session-state')).toHaveText(/ended/i);
  await expect(handler.page.locator('[data-testid="evidence-item"][data-kind="working-copy"]')).toHaveCount(
    1,
    { timeout: 60_000 },
  );
  await phone.context.close();

  // A supervisor finds it in the library, classifies it and exports it with a reason.
  const sup = await signInConsole(browser, server.url, 'supervisor');
  await sup.page.goto(`${server.url}/library`);
  await sup.page.getByTestId('library-reference').fill(reference);
  await sup.page.getByTestId('library-search').click();
  await expect(sup.page.getByTestId('library-row')).toHaveCount(1);
  await sup.page.getByTestId('library-row').first().click();
  // Playback with the map in step: seek into the recording and the marker sits where the phone was.
  const player = sup.page.getByTestId('evidence-player');
  await expect
    .poll(() => player.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 20_000 })
    .toBeGreaterThanOrEqual(1);
  await player.evaluate((v: HTMLVideoElement) => {
    v.currentTime = 2;
  });
  await expect(sup.page.getByTestId('playback-map')).toHaveAttribute('data-marker-lat', /^51\.508/);
  await sup.page.getByTestId('note-text').fill('Suspect vehicle visible');
  await sup.page.getByTestId('note-kind').selectOption('bookmark');
  await sup.page.getByTestId('note-submit').click();
  await expect(sup.page.getByTestId('note-item').first()).toHaveAttribute('data-media-time', /^2(\.\d+)?$/);

  await sup.page.getByTestId('classify-policy').selectOption('mopi-3');
  await sup.page.getByTestId('classify-reason').fill('Theft: evidence of identity');
  await sup.page.getByTestId('classify-submit').click();
  await expect(sup.page.getByTestId('retention-status')).toContainText('MoPI group 3');

  await sup.page.getByTestId('export-open').click();
  await sup.page.getByTestId('export-reason').fill('CPS pre-charge file');
  await sup.page.getByTestId('export-submit').click();
  await expect(sup.page.getByTestId('export-progress')).toHaveAttribute('data-state', 'done', {
    timeout: 60_000,
  });
  const [download] = await Promise.all([
    sup.page.waitForEvent('download'),
    sup.page.getByTestId('export-download').click(),
  ]);
  const zip = join(testInfo.outputDir, download.suggestedFilename());
  await download.saveAs(zip);
  expect(download.suggestedFilename()).toMatch(/^SIGHTLINE-EXPORT-\d{8}-[0-9a-f]{8}\.zip$/);

  // The force's published key, and the offline verifier (no server settings at all).
  const api = await apiAs(server.url, 'supervisor');
  const key = (await (await api.get('/api/keys/signing')).json()) as {
    publicKeyPem: string;
    fingerprint: string;
  };
  const keyFile = join(testInfo.outputDir, 'force-key.pub.pem');
  writeFileSync(keyFile, key.publicKeyPem);
  const { stdout } = await run('node', [CLI, 'evidence', 'verify', zip, '--public-key', keyFile], {
    env: { PATH: process.env.PATH },
  });
  expect(stdout).toMatch(/matches all \d+ seals/);
  expect(stdout).toMatch(/^VERIFIED:/m);

  // The export and its reason are in the audit trail.
  const sessionId = new URL(sup.page.url()).pathname.split('/').pop();
  const audit = (await (await api.get(`/api/audit?subjectId=${sessionId}&limit=200`)).json()) as {
    entries: Array<{ action: string; detail: { reason?: string } }>;
  };
  expect(audit.entries.find((e) => e.action === 'export.request')?.detail.reason).toBe('CPS pre-charge file');
  expect(audit.entries.find((e) => e.action === 'retention.classify')?.detail.reason).toBe(
    'Theft: evidence of identity',
  );
  await api.dispose();
  await sup.context.close();
  await handler.context.close();
});
