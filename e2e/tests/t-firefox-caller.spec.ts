import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page, test } from '@playwright/test';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import type { Browser as Firefox, Page as FirefoxPage } from 'puppeteer-core';
import { firefoxPhone, launchFirefox, waitInPage } from '../support/firefox.js';
import { openNewestSession, sendInviteWith, signInConsole } from '../support/pages.js';

// The caller's page in Gecko (Debian's Firefox ESR, over WebDriver BiDi), watched from the
// officer's console in Chromium: what Firefox publishes is what a Chromium officer decodes.
// One server and one Firefox for the spec; each test is a fresh private context (a fresh phone).

const DOCS = fileURLToPath(new URL('../../docs/screenshots/caller/', import.meta.url));
const HERE = { latitude: 53.4808, longitude: -2.2426, accuracy: 12 };

let server: Sightline;
let firefox: Firefox;
test.beforeAll(async () => {
  [server, firefox] = await Promise.all([startSightline(), launchFirefox()]);
});
test.afterAll(async () => {
  await firefox?.close();
  await server?.stop();
});

const screen = (page: FirefoxPage) => page.$eval('main', (m) => (m as HTMLElement).dataset.screen);
const inMain = (page: FirefoxPage, attr: string, value: string) =>
  waitInPage(
    page,
    `main[data-${attr}] became ${value}`,
    `document.querySelector('main')?.dataset.${attr} === '${value}'`,
  );
const framesDecoded = async (officer: Page) =>
  Number(await officer.getByTestId('video-stats').getAttribute('data-frames-decoded'));

test('Firefox: consent, then live video and location reach the officer, moving', async ({
  browser,
}, testInfo) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = await sendInviteWith(officer.page, {});
  const phone = await firefoxPhone(firefox, HERE);
  await phone.page.goto(link);
  await inMain(phone.page, 'screen', 'consent');
  expect(await phone.page.$eval('h1', (e) => e.textContent)).toMatch(/police/i);
  const dir = process.env.SIGHTLINE_DOC_SCREENSHOTS === '1' ? DOCS : testInfo.outputPath('caller');
  mkdirSync(dir, { recursive: true });
  await phone.page.screenshot({ path: join(dir, 'engine-firefox-consent.png') as `${string}.png` });

  await phone.page.click('#start');
  await inMain(phone.page, 'camera', 'on');
  await inMain(phone.page, 'location', 'on');
  await inMain(phone.page, 'media', 'connected');
  await phone.page.screenshot({ path: join(dir, 'engine-firefox-live.png') as `${string}.png` });

  await openNewestSession(officer.page);
  await expect(officer.page.getByTestId('map')).toHaveAttribute('data-marker-lat', /^53\.48/);
  await expect(officer.page.getByTestId('map')).toHaveAttribute('data-marker-lng', /^-2\.24/);
  const video = officer.page.getByTestId('live-video');
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 30_000 })
    .toBeGreaterThan(0);
  await expect.poll(() => framesDecoded(officer.page), { timeout: 20_000 }).toBeGreaterThan(0);
  const before = await framesDecoded(officer.page);
  // Moving video from Gecko's encoder, not one keyframe: at least 25 more frames decoded.
  await expect.poll(() => framesDecoded(officer.page), { timeout: 30_000 }).toBeGreaterThan(before + 25);
  // Gecko gives no bandwidth estimate; the page measures what it sends instead, so the
  // officer still learns the phone's connection quality (it said "not reported" before).
  await expect(officer.page.getByTestId('caller-quality')).toHaveAttribute(
    'data-level',
    /good|fair|poor|stills/,
  );
  await expect(officer.page.getByTestId('caller-quality')).toHaveAttribute('data-kbps', /^[1-9]\d*$/);
  await phone.close();
  await officer.context.close();
});

test('Firefox: chat goes both ways with the camera never asked for', async ({ browser }) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = await sendInviteWith(officer.page, {});
  const phone = await firefoxPhone(firefox, HERE);
  await phone.page.goto(link);
  await inMain(phone.page, 'screen', 'consent');
  await phone.page.click('#chat-only');
  await phone.page.waitForSelector('#chat-input', { visible: true });
  await phone.page.type('#chat-input', 'I cannot talk. He is in the kitchen.');
  await phone.page.click('#chat-send');

  await openNewestSession(officer.page);
  await expect(officer.page.locator('[data-testid="chat-message"][data-from="caller"]')).toContainText(
    'He is in the kitchen.',
  );
  await officer.page.getByTestId('chat-input').fill('Officers are two minutes away.');
  await officer.page.getByTestId('chat-send').click();
  await waitInPage(
    phone.page,
    'the officer’s message reached Firefox',
    `[...document.querySelectorAll('li.msg[data-from="officer"]')].some((m) => m.textContent.includes('two minutes away'))`,
  );
  await expect(officer.page.locator('[data-testid="chat-message"][data-from="officer"]')).toHaveAttribute(
    'data-status',
    'read',
  );
  expect(await screen(phone.page)).toBe('consent');
  expect(await phone.page.$eval('main', (m) => (m as HTMLElement).dataset.camera)).not.toBe('on');
  await phone.close();
  await officer.context.close();
});

test('Firefox: a location-only link shares the fix and no video', async ({ browser }) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = await sendInviteWith(officer.page, { mode: 'location' });
  const phone = await firefoxPhone(firefox, { latitude: 51.4545, longitude: -2.5879, accuracy: 20 });
  await phone.page.goto(link);
  await inMain(phone.page, 'mode', 'location');
  await phone.page.click('#start');
  await inMain(phone.page, 'location', 'on');
  await openNewestSession(officer.page);
  await expect(officer.page.getByTestId('map')).toHaveAttribute('data-marker-lat', /^51\.45/);
  await expect(officer.page.getByTestId('live-video')).toHaveCount(0);
  expect(await phone.page.$eval('main', (m) => (m as HTMLElement).dataset.camera)).not.toBe('on');
  await phone.close();
  await officer.context.close();
});

test('Firefox: a caller who refuses shares nothing, and the officer sees the refusal', async ({
  browser,
}) => {
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = await sendInviteWith(officer.page, {});
  const phone = await firefoxPhone(firefox, HERE);
  await phone.page.goto(link);
  await inMain(phone.page, 'screen', 'consent');
  await phone.page.click('#decline');
  await inMain(phone.page, 'screen', 'refused');
  await openNewestSession(officer.page);
  await expect(officer.page.getByTestId('session-state')).toHaveText(/refused/i);
  await expect(officer.page.getByTestId('map')).not.toHaveAttribute('data-marker-lat', /\d/);
  expect(await phone.page.$eval('main', (m) => (m as HTMLElement).dataset.location)).not.toBe('on');
  expect(await phone.page.$eval('main', (m) => (m as HTMLElement).dataset.camera)).not.toBe('on');
  await phone.close();
  await officer.context.close();
});

// The page restarts ICE as soon as the server goes quiet (apps/join/src/publisher.ts, lastHeard):
// it reads the selected pair named by the transport entry and that pair's last-packet time. This
// pins that Gecko gives both, and that the time moves when packets arrive.
test('Firefox: its stats give the silence check the selected pair and a last-packet time that moves', async () => {
  const phone = await firefoxPhone(firefox, HERE);
  await phone.page.goto(`${server.url}/healthz`);
  const seen = (await phone.page.evaluate(`(async () => {
    const a = new RTCPeerConnection();
    const b = new RTCPeerConnection();
    a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
    const ch = a.createDataChannel('x');
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription);
    await new Promise((r) => { b.ondatachannel = (e) => { e.channel.onopen = r; }; });
    const read = async () => {
      const stats = await a.getStats();
      let pairId = null;
      stats.forEach((r) => { if (r.type === 'transport') pairId = r.selectedCandidatePairId ?? null; });
      const pair = pairId ? stats.get(pairId) : null;
      return { pairId, last: pair ? pair.lastPacketReceivedTimestamp ?? null : null };
    };
    const before = await read();
    await new Promise((r) => setTimeout(r, 300));
    const echo = b.createDataChannel('y');
    await new Promise((r) => { echo.onopen = r; });
    echo.send('x'.repeat(1000));
    await new Promise((r) => setTimeout(r, 300));
    const after = await read();
    a.close(); b.close();
    return { before, after };
  })()`)) as { before: { pairId: string | null; last: number | null }; after: { last: number | null } };
  expect(seen.before.pairId).toEqual(expect.any(String));
  expect(seen.before.last).toEqual(expect.any(Number));
  expect(seen.after.last!).toBeGreaterThan(seen.before.last!);
  await phone.close();
});
