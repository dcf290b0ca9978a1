import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Browser, chromium, expect, type Page, test } from '@playwright/test';
import { CHROMIUM_ARGS } from '@sightline/testkit/chromium';
import { type OfficerApi, officerApi } from '@sightline/testkit/officer';
import { PhoneNetwork } from '@sightline/testkit/phone-network';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { readDatabase, sessionIdFor as sessionIdOf } from '../support/database.js';
import { probe, sha256 } from '../support/media.js';
import { openNewestSession, openPhone, sendInviteWith, signInConsole } from '../support/pages.js';

// The phone runs in its own network namespace behind a veth link, so the test can
// cut or throttle the phone's network (signalling, media and uploads alike) while
// the officer's stays healthy, as happens to a caller on a weak mobile signal.

let server: Sightline;
let net: PhoneNetwork;
let phoneBrowser: Browser;
let supervisor: OfficerApi;

test.beforeAll(async () => {
  net = new PhoneNetwork(1);
  // Janus sends only out of its media interface: the phone's link.
  server = await startSightline({ SIGHTLINE_HOST: '0.0.0.0', SIGHTLINE_MEDIA_IFACE: net.iface });
  const phoneOrigin = `http://${net.hostIp}:${new URL(server.url).port}`;
  phoneBrowser = await chromium.launch({
    executablePath: net.chromium,
    // Plain HTTP on a private address: tell Chromium to treat it as the HTTPS a real deployment has.
    args: [...CHROMIUM_ARGS, `--unsafely-treat-insecure-origin-as-secure=${phoneOrigin}`],
  });
  supervisor = await officerApi(server.url, 'supervisor');
});
test.afterAll(async () => {
  await phoneBrowser?.close();
  await server?.stop();
  net?.destroy();
});
test.afterEach(() => net.throttle(0));

const HERE = { latitude: 51.50809, longitude: -0.12859, accuracy: 8 };

/** The link as the phone reaches the server: over its own network, not the officer's loopback. */
const overPhoneNetwork = (link: string) => link.replace(/^http:\/\/127\.0\.0\.1:/, `http://${net.hostIp}:`);

const db = () => readDatabase(server.dataDir);
const sessionIdFor = (reference: string) => sessionIdOf(server.dataDir, reference);

/** The officer's console on the test's own network; the caller's phone on its throttled, cuttable one. */
async function startCall(browser: Browser, reference: string, opts: { start?: boolean } = {}) {
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = overPhoneNetwork(await sendInviteWith(officer.page, { reference }));
  const phone = await openPhone(phoneBrowser, HERE);
  await phone.page.goto(link);
  if (opts.start !== false) await phone.page.getByRole('button', { name: 'Start sharing' }).click();
  return { officer, phone, sessionId: sessionIdFor(reference) };
}

const framesDecoded = async (page: Page) =>
  Number(await page.getByTestId('video-stats').getAttribute('data-frames-decoded'));

async function watchUntilFrames(officer: Page, min: number) {
  await openNewestSession(officer);
  await expect.poll(() => framesDecoded(officer), { timeout: 30_000 }).toBeGreaterThan(min);
}

/**
 * Frames the officer's video element has shown since this was called, read live from the
 * element: the stats line is refreshed once a second, so "30 frames more" read there can be
 * frames shown before the network changed. A new subscription restarts the element's count;
 * the frames of the new stream are added on.
 */
async function framesShownSince(officer: Page): Promise<() => Promise<number>> {
  const video = officer.getByTestId('live-video');
  const read = () =>
    video.evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames).catch(() => null);
  let last = (await read()) ?? 0;
  let shown = 0;
  return async () => {
    const n = await read();
    if (n === null) return shown;
    shown += n >= last ? n - last : n;
    last = n;
    return shown;
  };
}

/**
 * When the console shows the first frame of the caller's new stream: the officer's video
 * element starts counting frames again from zero when the console subscribes afresh.
 * A measurement for the report, not an assertion (null if not seen within 30 s, or before
 * `stop()` says the video is back anyway: an ICE restart keeps the same subscription).
 */
async function whenVideoRestarts(officer: Page, stop: () => boolean = () => false): Promise<number | null> {
  const video = officer.getByTestId('live-video');
  const count = () =>
    video.evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames).catch(() => null);
  let last = (await count()) ?? 0;
  let restarted = false;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !stop()) {
    await new Promise((r) => setTimeout(r, 50));
    const n = await count();
    if (n === null) continue;
    if (n < last) restarted = true;
    if (restarted && n > 0) return Date.now();
    last = n;
  }
  return null;
}

/** Seconds from the first to the last video frame (MediaRecorder files carry no duration). */
function videoSpanSeconds(path: string): number {
  const out = execFileSync('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v',
    '-show_entries',
    'packet=pts_time',
    '-of',
    'csv=p=0',
    path,
  ]).toString();
  const times = out.split('\n').filter(Boolean).map(Number);
  return Math.max(...times) - Math.min(...times);
}

/** The session's timeline and the device-copy chunks per part, for a failure message. */
function copyDiagnosis(sessionId: string): string {
  const d = db();
  try {
    const events = d
      .prepare('select type, detail from session_events where session_id = ? order by at, id')
      .all(sessionId) as { type: string; detail: string | null }[];
    const parts = d
      .prepare(
        'select part, count(*) as n, min(seq) as first, max(seq) as last from device_copy_chunks where session_id = ? group by part',
      )
      .all(sessionId);
    return `device-copy chunks per part: ${JSON.stringify(parts)}; timeline: ${events
      .map((e) => `${e.type}${e.detail ? ` (${e.detail})` : ''}`)
      .join(', ')}`;
  } finally {
    d.close();
  }
}

function fixesOf(sessionId: string) {
  const d = db();
  try {
    return d
      .prepare(
        'select lat, lon, fix_time as fixTime, received_at as receivedAt from location_fixes where session_id = ? order by id',
      )
      .all(sessionId) as { lat: number; lon: number; fixTime: number; receivedAt: number }[];
  } finally {
    d.close();
  }
}

async function evidenceOf(sessionId: string) {
  return (
    await supervisor.request<{
      items: { id: string; kind: string; sha256: string; size: number; mediaType: string }[];
    }>('GET', `/api/sessions/${sessionId}/evidence`)
  ).items;
}

/** Downloads an evidence item as a supervisor; checks the served hash header against the bytes. */
async function download(id: string, path: string): Promise<string> {
  const res = await supervisor.raw('GET', `/api/evidence/${id}/content?download=1`);
  expect(res.status).toBe(200);
  const bytes = new Uint8Array(await res.arrayBuffer());
  writeFileSync(path, bytes);
  const hash = sha256(bytes);
  expect(res.headers.get('x-content-sha256')).toBe(hash);
  return hash;
}

test('a 50 MB video from the gallery survives the connection being killed, and arrives byte for byte and hashed', async ({
  browser,
}, testInfo) => {
  // A real H.264 video of noise (incompressible), at least 50 MB.
  const video = testInfo.outputPath('from-the-gallery.mp4');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=640x360:rate=30',
    '-t',
    '5',
    '-vf',
    'noise=alls=60:allf=t',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-qp',
    '6',
    '-pix_fmt',
    'yuv420p',
    video,
  ]);
  const size = statSync(video).size;
  expect(size).toBeGreaterThan(50_000_000);
  const original = createHash('sha256').update(readFileSync(video)).digest('hex');

  const reference = 'CAD 5101/28NOV';
  const { officer, phone, sessionId } = await startCall(browser, reference, { start: false });
  // Chat only, no video: the gallery is there too.
  await phone.page.locator('#chat-only').click();
  const resumed: string[] = [];
  phone.page.on('request', (r) => {
    if (r.method() === 'HEAD' && r.url().includes('/api/uploads/')) resumed.push(r.url());
  });
  net.throttle(40_000); // about 12 s for the whole file: time to cut it off part-way
  await phone.page.locator('#upload-choose').setInputFiles(video);
  const bar = phone.page.locator('.transfers progress');
  await expect
    .poll(async () => Number(await bar.getAttribute('value')), { timeout: 30_000 })
    .toBeGreaterThanOrEqual(15);

  // Signal gone for 3 s, part-way through.
  net.down();
  const cutAt = Number(await bar.getAttribute('value'));
  await phone.page.waitForTimeout(3_000);
  net.up();

  await expect(phone.page.locator('.transfer[data-state="done"]')).toBeVisible({ timeout: 90_000 });
  expect(cutAt).toBeLessThan(100);
  // It carried on from where the server had got to (HEAD), not from the start.
  expect(resumed.length).toBeGreaterThan(0);

  const items = (await evidenceOf(sessionId)).filter((i) => i.kind === 'caller-upload');
  expect(items).toHaveLength(1);
  const item = items[0]!;
  expect(item.size).toBe(size);
  expect(item.sha256).toBe(original); // hashed on arrival, and what arrived is what was sent
  expect(item.mediaType).toBe('video/mp4'); // judged by content
  expect(await download(item.id, testInfo.outputPath('as-stored.mp4'))).toBe(original);
  const d = db();
  const uploads = d.prepare('select count(*) as n from uploads where session_id = ?').get(sessionId) as {
    n: number;
  };
  d.close();
  expect(uploads.n).toBe(1); // one upload, resumed, not a second copy
  await officer.context.close();
  await phone.context.close();
});

test('the phone loses its network for 3 s: video comes back by itself, and fixes made offline arrive with their own times', async ({
  browser,
}, testInfo) => {
  const reference = 'CAD 5102/28NOV';
  const { officer, phone, sessionId } = await startCall(browser, reference);
  await watchUntilFrames(officer.page, 30);

  const downAt = Date.now();
  net.down();
  // The caller keeps moving while out of signal.
  await phone.page.waitForTimeout(500);
  await phone.context.setGeolocation({ latitude: 51.5123, longitude: -0.1201, accuracy: 12 });
  await phone.page.waitForTimeout(1_200);
  await phone.context.setGeolocation({ latitude: 51.5131, longitude: -0.1188, accuracy: 12 });
  await phone.page.waitForTimeout(3_000 - (Date.now() - downAt));
  const upAt = Date.now();
  const shownSinceUp = await framesShownSince(officer.page);
  net.up();

  // Nobody touches the phone. The officer's video starts moving again.
  await expect.poll(shownSinceUp, { timeout: 30_000, intervals: [250] }).toBeGreaterThan(30);
  const resumedAfterMs = Date.now() - upAt;
  testInfo.annotations.push({
    type: 'video back after network restored (ms, includes 30 frames)',
    description: String(resumedAfterMs),
  });

  // Both offline fixes reached the server, with the times they were taken, after the network came back.
  await expect
    .poll(() => fixesOf(sessionId).filter((f) => f.lat > 51.512).length, { timeout: 20_000 })
    .toBe(2);
  const offline = fixesOf(sessionId).filter((f) => f.lat > 51.512);
  for (const f of offline) {
    expect(f.fixTime).toBeGreaterThanOrEqual(downAt - 100);
    expect(f.fixTime).toBeLessThan(upAt);
    expect(f.receivedAt).toBeGreaterThanOrEqual(upAt - 100);
  }
  expect(offline[0]!.fixTime).toBeLessThan(offline[1]!.fixTime);
  // And the officer's map has the caller where they went.
  await expect(officer.page.getByTestId('map')).toHaveAttribute('data-marker-lat', /^51\.513/);
  await expect(
    phone.page.getByRole('heading', { name: 'You are sharing live video with the police' }),
  ).toBeVisible();
  await officer.context.close();
  await phone.context.close();
});

test('the phone changes network (a new address, as from Wi-Fi to 4G): video and location come back by themselves', async ({
  browser,
}, testInfo) => {
  const reference = 'CAD 5104/28NOV';
  const { officer, phone, sessionId } = await startCall(browser, reference);
  await watchUntilFrames(officer.page, 30);
  const fixesBefore = fixesOf(sessionId).length;

  const changedAt = Date.now();
  const shownSinceChange = await framesShownSince(officer.page);
  let recovered = false;
  // Only a fresh subscription restarts the count: after an ICE restart it simply carries on.
  const firstNewFrame = whenVideoRestarts(officer.page, () => recovered);
  net.renumber();
  // The caller moves as the phone changes network: this fix may go on the old socket, which
  // still looks open until the page finds it dead, and must still reach the officer's map.
  await phone.context.setGeolocation({ latitude: 51.5072, longitude: -0.1276, accuracy: 7 });

  // Nobody touches the phone. The officer's video moves again, over the new address.
  await expect.poll(shownSinceChange, { timeout: 30_000, intervals: [250] }).toBeGreaterThan(30);
  recovered = true;
  testInfo.annotations.push({
    type: 'video back after the network changed (ms, includes 30 frames)',
    description: String(Date.now() - changedAt),
  });
  const first = await firstNewFrame;
  testInfo.annotations.push({
    type: 'first frame of the new stream on the console after the network changed (ms)',
    description: first === null ? 'no new subscription (ICE restart)' : String(first - changedAt),
  });
  // Location flows again too: the fix made during the change, then the caller moving on.
  await expect(officer.page.getByTestId('map')).toHaveAttribute('data-marker-lat', /^51\.5072/);
  await phone.context.setGeolocation({ latitude: 51.5064, longitude: -0.1269, accuracy: 7 });
  await expect(officer.page.getByTestId('map')).toHaveAttribute('data-marker-lat', /^51\.5064/);
  expect(fixesOf(sessionId).length).toBeGreaterThan(fixesBefore + 1);
  await expect(
    phone.page.getByRole('heading', { name: 'You are sharing live video with the police' }),
  ).toBeVisible();
  await officer.context.close();
  await phone.context.close();
});

test("after a change of address the phone restarts ICE on the same publisher: one recording that carries on, and the officer's view continues without a new one", async ({
  browser,
}) => {
  const reference = 'CAD 5105/28NOV';
  const { officer, phone, sessionId } = await startCall(browser, reference);
  await watchUntilFrames(officer.page, 30);
  const videoFiles = () => mjrFiles(sessionId).filter((f) => f.name.includes('-video-'));
  await expect.poll(() => videoFiles().length, { timeout: 10_000 }).toBe(1);
  const before = videoFiles()[0]!;
  const shownSinceChange = await framesShownSince(officer.page);

  net.renumber();

  await expect.poll(shownSinceChange, { timeout: 30_000, intervals: [250] }).toBeGreaterThan(30);
  // The phone asked for an ICE restart, not a new publish (the server's answer is the same handle's).
  const d = db();
  const recordings = d
    .prepare("select id from recordings where session_id = ? and source = 'caller'")
    .all(sessionId) as { id: string }[];
  const timeline = (
    d.prepare('select type from session_events where session_id = ?').all(sessionId) as { type: string }[]
  ).map((e) => e.type);
  d.close();
  // One recording, still being written: the same .mjr grew across the change (a republish
  // would have closed it and started a second).
  expect(recordings).toHaveLength(1);
  expect(videoFiles().map((f) => f.path)).toEqual([before.path]);
  await expect.poll(() => statSync(before.path).size, { timeout: 10_000 }).toBeGreaterThan(before.size);
  // The officer's console kept its subscription: the frames counted on, and no second view began.
  expect(timeline.filter((t) => t === 'view.started')).toHaveLength(1);
  await officer.context.close();
  await phone.context.close();
});

/** The session's recording files in the media spool, with their sizes now. */
function mjrFiles(sessionId: string): { path: string; name: string; size: number }[] {
  return (
    (readdirSync(server.dataDir, { recursive: true }) as string[])
      // Janus names a recording it is still writing .mjr.tmp, and renames it when it closes it.
      .filter((f) => /\.mjr(\.tmp)?$/.test(f) && f.includes(sessionId))
      .map((f) => {
        const path = join(server.dataDir, f);
        return { path, name: basename(f), size: statSync(path).size };
      })
  );
}

test('at 300 kbit/s the officer still gets pictures and location; the full-quality copy follows when the network allows', async ({
  browser,
}, testInfo) => {
  const reference = 'CAD 5103/28NOV';
  const { officer, phone, sessionId } = await startCall(browser, reference);
  const startedAt = Date.now();
  await watchUntilFrames(officer.page, 30);

  net.throttle(300);
  // The page says the connection is weak, and so does the console.
  await expect(phone.page.locator('#connection-status')).toHaveAttribute('data-quality', /fair|poor/, {
    timeout: 45_000,
  });
  await expect(officer.page.getByTestId('caller-quality')).toHaveAttribute('data-level', /fair|poor/, {
    timeout: 20_000,
  });

  // Pictures keep coming: frames (or stills) still decode on the console over a quarter of a minute.
  const before = await framesDecoded(officer.page);
  await phone.page.waitForTimeout(15_000);
  const after = await framesDecoded(officer.page);
  testInfo.annotations.push({
    type: 'frames decoded in 15 s at 300 kbit/s',
    description: String(after - before),
  });
  expect(after - before).toBeGreaterThanOrEqual(3);
  // Location keeps flowing.
  await phone.context.setGeolocation({ latitude: 51.5055, longitude: -0.0754, accuracy: 6 });
  await expect(officer.page.getByTestId('map')).toHaveAttribute('data-marker-lat', /^51\.505/);
  // The full-quality copy waits while the network is busy with live video.
  expect((await evidenceOf(sessionId)).filter((i) => i.kind === 'device-copy')).toHaveLength(0);

  // The network improves; the caller ends the call and sees the rest of the full video go.
  net.throttle(0);
  const liveFrames = await framesDecoded(officer.page);
  const callSeconds = (Date.now() - startedAt) / 1000;
  await phone.page.getByRole('button', { name: 'Stop sharing' }).click();
  await expect(phone.page.locator('#device-copy-done')).toBeVisible({ timeout: 60_000 });

  const copies = (await evidenceOf(sessionId)).filter((i) => i.kind === 'device-copy');
  // If the page says "sent" with no copy stored, the failure names what the server saw.
  expect(copies.length, copyDiagnosis(sessionId)).toBeGreaterThanOrEqual(1);
  const copy = copies[0]!;
  const path = testInfo.outputPath('device-copy.webm');
  expect(await download(copy.id, path)).toBe(copy.sha256);
  const p = await probe(path);
  const span = videoSpanSeconds(path);
  testInfo.annotations.push({
    type: 'device copy',
    description: `${p.video?.width}x${p.video?.height}, ${p.video?.frames} frames over ${span.toFixed(1)} s; the officer decoded ${liveFrames} live frames in a ${callSeconds.toFixed(1)} s call`,
  });
  // Full resolution, and the whole call, however thin the live stream was.
  expect(p.video?.height).toBe(720);
  expect(span).toBeGreaterThan(callSeconds - 6);
  // Every chunk was hashed on arrival too.
  const d = db();
  const chunks = d
    .prepare('select count(*) as n, min(length(sha256)) as len from device_copy_chunks where session_id = ?')
    .get(sessionId) as { n: number; len: number };
  d.close();
  expect(chunks.n).toBeGreaterThan(5);
  expect(chunks.len).toBe(64);
  await officer.context.close();
  await phone.context.close();
});
