import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, type Page, test } from '@playwright/test';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { TRAFALGAR_SQUARE } from '../../packages/geo/src/reference-points.js';
import { noViolations } from '../support/axe.js';
import { apiAs, fieldOfficerPhone, metresBetween, openPhone, signInConsole } from '../support/pages.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../apps/server/bin/sightline.js');

let server: Sightline;
test.beforeAll(async () => {
  server = await startSightline();
});
test.afterAll(async () => server?.stop());

// Two callers about 150 m apart: one in Trafalgar Square, one at the top of Whitehall.
const FIRST: { lat: number; lon: number } = { lat: TRAFALGAR_SQUARE.lat, lon: TRAFALGAR_SQUARE.lon };
const SECOND = { lat: TRAFALGAR_SQUARE.lat - 0.0012, lon: TRAFALGAR_SQUARE.lon + 0.0009 };

/** Sends a link from the incident page's form; returns the link it shows. */
async function sendFromIncident(page: Page, phone: string): Promise<string> {
  const shown = page.getByTestId('invite-link');
  const previous = (await shown.count()) ? ((await shown.textContent())?.trim() ?? '') : null;
  await page.getByTestId('invite-phone').fill(phone);
  await page.getByTestId('invite-send').click();
  await expect(shown).toBeVisible();
  if (previous) await expect(shown).not.toHaveText(previous);
  return (await shown.textContent())?.trim() ?? '';
}

/** A phone at `at` opens the link, consents and streams. */
async function callerStreams(browser: Parameters<typeof openPhone>[0], link: string, at: typeof FIRST) {
  const phone = await openPhone(browser, { latitude: at.lat, longitude: at.lon, accuracy: 5 });
  await phone.page.goto(link);
  await expect(phone.page.locator('main')).toHaveAttribute('data-screen', 'consent');
  await phone.page.getByRole('button', { name: 'Start sharing' }).click();
  await expect(phone.page.locator('main')).toHaveAttribute('data-screen', 'live');
  return phone;
}

test('two callers in one incident: both live tiles play, both are on one map with their labels, a field officer shared the incident finds both and joins the map, and the incident exports as one verified package', async ({
  browser,
}, testInfo) => {
  // Two phones streaming, two axe passes, then both recordings ingested before the export.
  test.setTimeout(240_000);
  // 1. A supervisor creates the incident from the dashboard, with the CAD reference.
  const officer = await signInConsole(browser, server.url, 'supervisor');
  const page = officer.page;
  await page.getByTestId('incident-title-input').fill('Fight in Trafalgar Square');
  await page.getByTestId('incident-cad-input').fill('CAD 5150/30NOV');
  await page.getByTestId('incident-create').click();
  await expect(page).toHaveURL(/\/incidents\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('incident-cad')).toHaveText('CAD reference: CAD 5150/30NOV');

  // 2. Two links sent from the incident; two phones stream from two places.
  const first = await callerStreams(browser, await sendFromIncident(page, '07700 900501'), FIRST);
  const second = await callerStreams(browser, await sendFromIncident(page, '07700 900502'), SECOND);

  // 3. Both live tiles decode video.
  const tiles = page.getByTestId('incident-tile');
  await expect(tiles).toHaveCount(2);
  for (const label of ['Caller 1', 'Caller 2']) {
    const video = page.getByRole('region', { name: `${label}: live video` }).getByTestId('live-video');
    await expect
      .poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 30_000 })
      .toBeGreaterThan(0);
    const stats = page.getByRole('region', { name: `${label}: live video` }).getByTestId('video-stats');
    await expect.poll(async () => Number(await stats.getAttribute('data-frames-decoded'))).toBeGreaterThan(0);
    // Blurred at first sight, like every view, until the officer chooses to see this caller clearly.
    expect(await video.evaluate((v) => getComputedStyle(v).filter)).toMatch(/blur\(/);
  }
  const tile1 = page.getByRole('region', { name: 'Caller 1: live video' });
  await tile1.getByTestId('see-clearly-toggle').click();
  await expect
    .poll(() => tile1.getByTestId('live-video').evaluate((v) => getComputedStyle(v).filter))
    .toBe('none');
  const tile2Filter = page
    .getByRole('region', { name: 'Caller 2: live video' })
    .getByTestId('live-video')
    .evaluate((v) => getComputedStyle(v).filter);
  expect(await tile2Filter).toMatch(/blur\(/);

  // 4. One map, two labelled markers where the phones are (read from Leaflet's own layers).
  const map = page.getByTestId('incident-map');
  for (const [label, at] of [
    ['Caller 1', FIRST],
    ['Caller 2', SECOND],
  ] as const) {
    const marker = map.locator(`[data-testid="map-label"][data-label="${label}"]`);
    await expect(marker).toHaveText(label);
    await expect(marker).toHaveAttribute('data-lat', /\d/);
    const pos = {
      lat: Number(await marker.getAttribute('data-lat')),
      lon: Number(await marker.getAttribute('data-lng')),
    };
    expect(metresBetween(pos, at), label).toBeLessThan(10);
    await expect(page.getByTestId('incident-map-legend')).toContainText(label);
  }
  // The merged timeline names each caller.
  await expect(
    page.getByTestId('incident-timeline-event').filter({ hasText: 'Caller 2:' }).first(),
  ).toBeVisible();

  // 4b. The incident is shared with an armed-response officer, whose phone lists both callers
  // (nearest first), opens one blurred, and whose position joins the incident's map.
  // The car is north-west of both callers.
  const field = await fieldOfficerPhone(browser, server.url, {
    latitude: FIRST.lat + 0.004,
    longitude: FIRST.lon - 0.004,
    accuracy: 12,
  });
  const panel = page.getByTestId('share-panel');
  await panel.getByRole('checkbox', { name: 'E2E field' }).check();
  await panel.getByRole('button', { name: 'Share live video and location' }).click();
  await expect(panel.getByTestId('share-row').filter({ hasText: 'E2E field' })).toBeVisible();
  const entry = field.page.getByTestId('field-share');
  await expect(entry).toContainText('Fight in Trafalgar Square');
  await entry.click();
  const callers = field.page.getByTestId('field-caller');
  await expect(callers).toHaveCount(2);
  // The car is north-west of both; Caller 1 (Trafalgar Square) is the nearer.
  await expect(callers.first()).toContainText('Caller 1');
  await expect(callers.first().getByRole('link', { name: /Directions|Navigate|Maps/ })).toHaveAttribute(
    'href',
    /dir_action=navigate/,
  );
  await noViolations(field.page, 'field officer incident callers phone');
  await callers.nth(1).getByRole('link').first().click();
  const fieldVideo = field.page.getByTestId('live-video');
  await expect
    .poll(() => fieldVideo.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 30_000 })
    .toBeGreaterThan(0);
  expect(await fieldVideo.evaluate((v) => getComputedStyle(v).filter)).toMatch(/blur\(/);
  await expect(map.locator('[data-testid="map-label"][data-label="Officer E2E field"]')).toHaveAttribute(
    'data-lat',
    /\d/,
  );
  await field.context.close();

  // 5. Accessible on a control-room screen and at a phone's width.
  await noViolations(page, 'incident page');
  await page.setViewportSize({ width: 390, height: 844 });
  await noViolations(page, 'incident page phone');
  await page.setViewportSize({ width: 1440, height: 900 });

  // The dashboard lists the open incident (and says how many callers); its link leads back.
  const incidentUrl = page.url();
  await page.goto(`${server.url}/`);
  const listed = page.getByTestId('incident-list').getByRole('link', { name: 'Fight in Trafalgar Square' });
  await expect(listed).toBeVisible();
  await expect(page.getByTestId('incident-list')).toContainText('2 callers');
  await expect(page.getByText('Reconnecting to the server')).toBeHidden();
  await noViolations(page, 'dashboard with incidents');
  await listed.click();
  await expect(page).toHaveURL(incidentUrl);

  // 6. The calls end; the incident's evidence is exported as one package and verified offline.
  const api = await apiAs(server.url, 'supervisor');
  const { csrfToken } = (await (await api.get('/api/auth/me')).json()) as { csrfToken: string };
  const ids = await tiles.evaluateAll((els) => els.map((e) => e.getAttribute('data-session-id')!));
  for (const id of ids) {
    const res = await api.post(`/api/sessions/${id}/end`, {
      headers: { 'x-csrf-token': csrfToken },
      data: {},
    });
    expect(res.status()).toBe(200);
  }
  await expect
    .poll(
      async () => {
        let stored = 0;
        for (const id of ids) {
          const ev = (await (await api.get(`/api/sessions/${id}/evidence`)).json()) as {
            recordings: Array<{ state: string }>;
          };
          if (
            ev.recordings.length > 0 &&
            ev.recordings.every((r) => r.state === 'stored' || r.state === 'empty')
          )
            stored++;
        }
        return stored;
      },
      { timeout: 60_000 },
    )
    .toBe(2);
  await page.getByTestId('export-open').click();
  await page.getByTestId('export-reason').fill('CPS file for the incident');
  await page.getByTestId('export-submit').click();
  await expect(page.getByTestId('export-progress')).toHaveAttribute('data-state', 'done', {
    timeout: 60_000,
  });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-download').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^SIGHTLINE-INCIDENT-\d{8}-[0-9a-f]{8}\.zip$/);
  const zip = join(testInfo.outputDir, download.suggestedFilename());
  await download.saveAs(zip);
  const key = (await (await api.get('/api/keys/signing')).json()) as { publicKeyPem: string };
  const keyFile = join(testInfo.outputDir, 'force-key.pub.pem');
  writeFileSync(keyFile, key.publicKeyPem);
  const { stdout } = await run('node', [CLI, 'evidence', 'verify', zip, '--public-key', keyFile], {
    env: { PATH: process.env.PATH },
  });
  expect(stdout).toMatch(/^VERIFIED:/m);
  // One folder per caller's session, and the incident's own files (its facts, report, checks) at the top.
  const entries = (await run('unzip', ['-Z1', zip])).stdout
    .split('\n')
    .filter((n) => n && !n.endsWith('/'))
    .map((n) => n.slice(n.indexOf('/') + 1)); // every file is under the package's one folder
  const top = entries.filter((n) => !n.includes('/')).sort();
  expect(top).toEqual(expect.arrayContaining(['SHA256SUMS', 'VERIFY.txt', 'manifest.json', 'report.html']));
  const folders = [...new Set(entries.filter((n) => n.startsWith('sessions/')).map((n) => n.split('/')[1]))];
  expect(folders).toHaveLength(2);
  for (const id of ids) expect(folders.filter((f) => f!.endsWith(`_${id.slice(0, 8)}`))).toHaveLength(1);
  const manifest = JSON.parse((await run('unzip', ['-p', zip, '*manifest.json'])).stdout) as {
    incident?: { title: string };
    sessions: unknown[];
  };
  expect(manifest.incident?.title).toBeTruthy();
  expect(manifest.sessions).toHaveLength(2);

  await api.dispose();
  await first.context.close();
  await second.context.close();
  await officer.context.close();
});
