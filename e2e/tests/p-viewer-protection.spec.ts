import { expect, type Locator, type Page, test } from '@playwright/test';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { TRAFALGAR_SQUARE } from '../../packages/geo/src/reference-points.js';
import { noViolations } from '../support/axe.js';
import { openPhone, sendInvite, signInConsole } from '../support/pages.js';

// Protecting the people who watch: live video and playback start blurred and muted, the officer
// chooses to see clearly, the time seen clearly reaches the wellbeing view, and a distressing
// mark lands in the timeline and the wellbeing view. Exposure is reported every 2 s here (20 s
// by default) so a few seconds of watching make a couple of reports.

let server: Sightline;
test.beforeAll(async () => {
  server = await startSightline({ SIGHTLINE_EXPOSURE_REPORT_SECONDS: '2' });
});
test.afterAll(async () => server?.stop());

const PHONE = { latitude: TRAFALGAR_SQUARE.lat, longitude: TRAFALGAR_SQUARE.lon, accuracy: 5 };

/** The element's computed CSS filter, its muted flag, and whether it is really playing. */
function videoState(video: Locator) {
  return video.evaluate((v: HTMLVideoElement) => ({
    filter: getComputedStyle(v).filter,
    muted: v.muted,
    playing: !v.paused && v.readyState >= 2 && v.videoWidth > 0,
    time: v.currentTime,
  }));
}

async function expectBlurredAndPlaying(video: Locator): Promise<void> {
  await expect(video).toHaveAttribute('data-obscured', 'true');
  await expect.poll(async () => (await videoState(video)).playing, { timeout: 20_000 }).toBe(true);
  const before = await videoState(video);
  expect(before.filter).toMatch(/blur\(32px\)/);
  expect(before.muted).toBe(true);
  // Blurred is not stopped: the picture keeps moving, so the officer can see it is alive.
  await expect.poll(async () => (await videoState(video)).time).toBeGreaterThan(before.time);
}

/** Presses "See clearly" by keyboard, as an officer without a mouse would, in the view `scope` holds. */
async function seeClearly(page: Page, scope: Locator, video: Locator, what: string): Promise<void> {
  const toggle = scope.getByTestId('see-clearly-toggle');
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(video).toHaveAttribute('data-obscured', 'false');
  await expect(toggle).toHaveText('Blur again');
  await expect(scope.getByTestId('shield-announcement')).toHaveText(`The ${what} is shown clearly.`);
  await expect.poll(async () => (await videoState(video)).filter).toBe('none');
}

test('live video and playback start blurred and muted; time seen clearly and a distressing mark reach the wellbeing view', async ({
  browser,
}) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = await sendInvite(officer.page);
  const phone = await openPhone(browser, PHONE);
  await phone.page.goto(link);
  await phone.page.getByRole('button', { name: 'Start sharing' }).click();
  const row = officer.page.getByTestId('session-row').first();
  await expect(row).toHaveAttribute('data-state', 'live');
  await row.click();

  // 1. Live video: blurred and muted, yet playing.
  const live = officer.page.locator('section.video-panel');
  const video = live.getByTestId('live-video');
  await expectBlurredAndPlaying(video);
  await expect(live.getByTestId('sound-toggle')).toHaveText('Unmute caller');
  await noViolations(officer.page, 'Live video blurred until chosen');

  // 2. The officer chooses to see clearly; a few reports of clear footage go to the server.
  await seeClearly(officer.page, live, video, 'live video');
  await noViolations(officer.page, 'Live video seen clearly');
  const mine = async () => {
    const res = await officer.page.request.get(`${server.url}/api/exposure/mine?days=1`);
    const body = (await res.json()) as { officers: Array<{ shifts: Array<{ liveMs: number }> }> };
    return body.officers[0]?.shifts.reduce((n, s) => n + s.liveMs, 0) ?? 0;
  };
  await expect.poll(mine, { timeout: 20_000 }).toBeGreaterThan(2_000);

  // 3. Mark as distressing, with a private note: a neutral event in the timeline, the note not in it.
  await live.getByTestId('mark-distressing').click();
  await live.getByTestId('distress-note').fill('injured child in view');
  await live.getByTestId('distress-save').click();
  await expect(live.getByTestId('distress-saved')).toBeVisible();
  const marked = officer.page.locator('[data-testid="timeline-event"][data-type="viewer.distressing"]');
  await expect(marked).toHaveCount(1);
  await expect(marked).toContainText('Footage marked as distressing');
  await expect(marked).not.toContainText('injured child');
  await expect(marked).not.toContainText('E2E handler');

  // Blur again stops the count: only clear footage is exposure.
  await live.getByTestId('see-clearly-toggle').click();
  await expect(video).toHaveAttribute('data-obscured', 'true');

  // 4. The session ends; the recording plays back blurred and muted too.
  await officer.page.getByTestId('end-session').click();
  await officer.page.getByTestId('end-session-confirm').click();
  await expect(officer.page.getByTestId('session-state')).toHaveText(/ended/i);
  const working = officer.page.locator('[data-testid="evidence-item"][data-kind="working-copy"]');
  await expect(working).toHaveCount(1, { timeout: 60_000 });
  await working.getByTestId('evidence-play').click();
  const player = working.getByTestId('evidence-player');
  await expectBlurredAndPlaying(player);
  await seeClearly(officer.page, working, player, 'recording');
  await expect
    .poll(async () => {
      const res = await officer.page.request.get(`${server.url}/api/exposure/mine?days=1`);
      const body = (await res.json()) as { officers: Array<{ shifts: Array<{ recordedMs: number }> }> };
      return body.officers[0]?.shifts.reduce((n, s) => n + s.recordedMs, 0) ?? 0;
    })
    .toBeGreaterThan(0);

  // 5. The supervisor's wellbeing view shows the officer, their minutes, the mark and its note.
  const supervisor = await signInConsole(browser, server.url, 'supervisor');
  await supervisor.page.getByRole('link', { name: 'Wellbeing' }).click();
  await expect(supervisor.page.getByRole('heading', { level: 1, name: 'Wellbeing' })).toBeVisible();
  const card = supervisor.page.getByTestId('wellbeing-officer').filter({ hasText: 'E2E handler' });
  await expect(card).toHaveCount(1);
  expect(Number(await card.getAttribute('data-live-ms'))).toBeGreaterThan(2_000);
  expect(Number(await card.getAttribute('data-recorded-ms'))).toBeGreaterThan(0);
  await expect(card).toHaveAttribute('data-marks', '1');
  // One distressing mark reaches the default threshold: the officer is flagged.
  await expect(card.getByTestId('wellbeing-flag')).toContainText('distressing');
  await expect(card.getByTestId('wellbeing-mark')).toContainText('injured child in view');
  await expect(card.getByTestId('exposure-chart')).toBeVisible();
  await noViolations(supervisor.page, 'Wellbeing view');
  await supervisor.page.setViewportSize({ width: 390, height: 844 });
  await noViolations(supervisor.page, 'Wellbeing view on a phone');

  // 6. The officer sees the same about themselves on their account page.
  await officer.page.getByRole('link', { name: 'Your account' }).click();
  await expect(officer.page.getByTestId('my-exposure').getByTestId('wellbeing-officer')).toHaveAttribute(
    'data-marks',
    '1',
  );

  await phone.context.close();
  await supervisor.context.close();
  await officer.context.close();
});
