import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { noViolations } from '../support/axe.js';
import { probe, sha256 } from '../support/media.js';
import { apiAs, openNewestSession, openPhone, sendInviteWith, signInConsole } from '../support/pages.js';

let server: Sightline;
test.beforeAll(async () => {
  server = await startSightline();
});
test.afterAll(async () => server?.stop());

const HERE = { latitude: 51.50809, longitude: -0.12859, accuracy: 8 };

/** Every RTCPeerConnection the page makes, so a test can read its inbound statistics. */
const TRACK_PEERS = () => {
  const Native = window.RTCPeerConnection;
  const peers: RTCPeerConnection[] = [];
  (window as unknown as { __peers: RTCPeerConnection[] }).__peers = peers;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      peers.push(this);
    }
  } as typeof RTCPeerConnection;
};

/** Sees: the video has a picture whose decoded frames keep rising. */
async function expectMoving(page: Page, testId: string) {
  const video = page.getByTestId(testId);
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 30_000 })
    .toBeGreaterThan(0);
  const frames = () => video.evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames);
  const first = await frames();
  await expect.poll(frames, { timeout: 30_000 }).toBeGreaterThan(first + 10);
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(0);
}

/** Hears: the audio track playing in that video keeps receiving bytes (Chromium's fake microphone beeps). */
async function expectAudible(page: Page, testId: string) {
  const bytes = () =>
    page.getByTestId(testId).evaluate(async (v: HTMLVideoElement) => {
      const track = (v.srcObject as MediaStream | null)?.getAudioTracks()[0];
      if (!track || v.muted) return -1;
      let total = 0;
      for (const pc of (window as unknown as { __peers: RTCPeerConnection[] }).__peers) {
        if (pc.connectionState === 'closed') continue;
        (await pc.getStats()).forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio' && s.trackIdentifier === track.id)
            total += s.bytesReceived as number;
        });
      }
      return total;
    });
  await expect.poll(bytes, { timeout: 20_000 }).toBeGreaterThan(0);
  const first = await bytes();
  await expect.poll(bytes, { timeout: 20_000 }).toBeGreaterThan(first + 1000);
}

async function interpreterBrowser(browser: Browser) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    permissions: ['camera', 'microphone'],
  });
  await context.addInitScript(TRACK_PEERS);
  return { context, page: await context.newPage() };
}

test('three-way: caller, officer and interpreter each see and hear the other two, and the interpreter is evidence', async ({
  browser,
}, testInfo) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  await officer.context.addInitScript(TRACK_PEERS);
  await officer.page.reload(); // the console is one page: the script applies from its next load
  await expect(officer.page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  // A video link, not two-way: inviting an interpreter is what lets the caller see someone.
  const link = await sendInviteWith(officer.page, { mode: 'video' });
  const phone = await openPhone(browser, HERE);
  await phone.context.addInitScript(TRACK_PEERS);
  await phone.page.goto(link);
  await phone.page.getByRole('button', { name: 'Start sharing' }).click();
  await openNewestSession(officer.page);
  await expect(officer.page.getByTestId('session-state')).toHaveText(/live/i, { timeout: 20_000 });

  // The officer invites the interpreter; the link is shown once.
  const panel = officer.page.getByTestId('interpreter-panel');
  await panel.getByLabel('Name').fill('Sam Signer');
  await panel.getByLabel('Organisation').fill('Signs Ltd');
  await panel.getByLabel('Booking reference (optional)').fill('B-123');
  await panel.getByRole('button', { name: 'Create the link' }).click();
  const interpreterLink = await officer.page.getByTestId('interpreter-link').inputValue();
  expect(interpreterLink).toMatch(/\/i\/[A-Za-z0-9_-]{43}$/);
  await noViolations(officer.page, 'interpreter invite panel', { photograph: false });

  const interpreter = await interpreterBrowser(browser);
  await interpreter.page.goto(interpreterLink);
  await expect(
    interpreter.page.getByRole('heading', { name: 'Interpreting in a police video call' }),
  ).toBeVisible();
  await noViolations(interpreter.page, 'interpreter consent', { photograph: false });
  await interpreter.page.getByRole('button', { name: 'Agree and join' }).click();
  await expect(interpreter.page.getByRole('heading', { name: 'You are in the call' })).toBeVisible();

  // The caller is told plainly, and may decline.
  await expect(phone.page.locator('#interpreter-text')).toContainText('An interpreter has joined the call.', {
    timeout: 20_000,
  });
  // One tap does not remove them: the caller is asked, and "No" keeps the interpreter in the call.
  await phone.page.getByRole('button', { name: 'I do not want an interpreter' }).click();
  await expect(phone.page.locator('#interpreter-confirm')).toBeFocused();
  await expect(phone.page.locator('#interpreter-confirm')).toHaveText(
    /Remove the interpreter from the call\?/,
  );
  await phone.page.getByRole('button', { name: 'No, keep them' }).click();
  await expect(phone.page.getByRole('button', { name: 'I do not want an interpreter' })).toBeFocused();
  // With an interpreter in the call the officer's camera is offered, so the interpreter sees and hears them.
  await expect(panel.getByTestId('interpreter-invite')).toHaveAttribute('data-state', 'joined');
  await officer.page.getByTestId('officer-camera-start').click();

  // Each of the three sees and hears the other two.
  await expectMoving(interpreter.page, 'caller-feed');
  await expectMoving(interpreter.page, 'officer-feed');
  await expectAudible(interpreter.page, 'caller-feed');
  await expectAudible(interpreter.page, 'officer-feed');
  await expectMoving(phone.page, 'interpreter-video');
  await expectMoving(phone.page, 'officer-video');
  await expectAudible(phone.page, 'interpreter-video');
  await expectAudible(phone.page, 'officer-video');
  await expectMoving(officer.page, 'interpreter-video');
  await expectMoving(officer.page, 'live-video');
  await expectAudible(officer.page, 'interpreter-video');
  // Viewer protection starts the caller muted at the console: the officer chooses to listen.
  await officer.page.getByRole('button', { name: 'Unmute caller' }).click();
  await expectAudible(officer.page, 'live-video');
  await noViolations(interpreter.page, 'interpreter in the call', { photograph: false });
  await noViolations(phone.page, 'caller with an interpreter', { photograph: false });

  // The officer removes the interpreter; their page says so.
  await panel.getByRole('button', { name: /Remove from the call/ }).click();
  await expect(
    interpreter.page.getByRole('heading', { name: 'Your part in the call has ended' }),
  ).toBeVisible();
  await expect(phone.page.getByTestId('interpreter-video')).toBeHidden();

  // The interpreter's recording is evidence like the others: stored, hashed, and ffprobe reads it.
  const sessionId = /sessions\/([0-9a-f-]{36})/.exec(officer.page.url())?.[1];
  await officer.page.getByTestId('end-session').click();
  await officer.page.getByTestId('end-session-confirm').click();
  const api = await apiAs(server.url, 'supervisor');
  type Listing = {
    recordings: { id: string; state: string; source?: string; interpreterId?: string | null }[];
    items: { id: string; kind: string; recordingId: string | null; sha256: string }[];
  };
  const listing = async () =>
    (await (await api.get(`/api/sessions/${sessionId}/evidence`)).json()) as Listing;
  const stored = async () => {
    const l = await listing();
    const rec = l.recordings.find((r) => r.source === 'interpreter' && r.state === 'stored');
    return rec ? l.items.find((i) => i.recordingId === rec.id && i.kind === 'working-copy') : undefined;
  };
  await expect.poll(stored, { timeout: 90_000 }).toBeTruthy();
  const item = (await stored())!;
  expect((await listing()).recordings.find((r) => r.source === 'interpreter')?.interpreterId).toBeTruthy();
  const me = (await (await officer.page.request.get(`${server.url}/api/auth/me`)).json()) as {
    csrfToken: string;
  };
  const viewing = await officer.page.request.post(`${server.url}/api/evidence/${item.id}/viewings`, {
    headers: { 'x-csrf-token': me.csrfToken },
    data: {},
  });
  expect(viewing.status()).toBe(201);
  const bytes = await (
    await officer.page.request.get(`${server.url}${((await viewing.json()) as { url: string }).url}`)
  ).body();
  expect(sha256(bytes)).toBe(item.sha256);
  mkdirSync(testInfo.outputDir, { recursive: true });
  const file = join(testInfo.outputDir, 'interpreter.webm');
  writeFileSync(file, bytes);
  const p = await probe(file);
  expect(p.video?.frames).toBeGreaterThan(10);
  expect(p.audio).not.toBeNull();
  await api.dispose();
  await interpreter.context.close();
  await phone.context.close();
  await officer.context.close();
});
