import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { sha256 } from '../support/media.js';
import { apiAs, openNewestSession, sendInviteWith, signInConsole } from '../support/pages.js';
import { startWebKit, type WebKit, WebKitPage } from '../support/webkit.js';

// The caller's page in WebKit (WebKitGTK 2.50, Debian's WebKitWebDriver and MiniBrowser), watched
// from the officer's console in Chromium. Measured on this build (docs/caller-experience.md):
// no RTCPeerConnection (WebRTC not compiled in) and no location source (no GeoClue), but
// getUserMedia with WebKit's mock devices. So these tests prove the page's fallbacks: it says
// plainly that video and location are not possible here, and chat and photos work end to end.

const DOCS = fileURLToPath(new URL('../../docs/screenshots/caller/', import.meta.url));
// A 1×1 PNG: the server checks the content, not the name.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

let server: Sightline;
let webkit: WebKit;
test.beforeAll(async () => {
  [server, webkit] = await Promise.all([startSightline(), startWebKit()]);
});
test.afterAll(async () => {
  await webkit?.stop();
  await server?.stop();
});

/** An officer (Chromium) sends a link, a fresh WebKit phone opens it, `body` runs; both close after. */
async function onCall(
  browser: Browser,
  mode: 'video' | 'location',
  body: (phone: WebKitPage, officer: Page) => Promise<void>,
): Promise<void> {
  const officer = await signInConsole(browser, server.url, 'handler');
  const link = await sendInviteWith(officer.page, { mode });
  const phone = await WebKitPage.open(webkit);
  try {
    await phone.goto(link);
    await body(phone, officer.page);
  } finally {
    await phone.close();
    await officer.context.close();
  }
}

const main = (page: WebKitPage, attr: string, value: string) =>
  page.waitFor(
    `main[data-${attr}] became ${value}`,
    `document.querySelector('main')?.dataset.${attr} === '${value}'`,
  );
const textOf = (page: WebKitPage, css: string) =>
  page.run<string>(`return document.querySelector(arguments[0])?.textContent ?? '';`, css);

test('WebKit: consent, then the page says video is not possible here, and a photo reaches the officer', async ({
  browser,
}, testInfo) => {
  await onCall(browser, 'video', async (phone, officer) => {
    await main(phone, 'screen', 'consent');
    expect(await textOf(phone, 'h1')).toMatch(/police/i);
    // What this engine build has: a camera (mock), no WebRTC.
    expect(await phone.run('return typeof RTCPeerConnection;')).toBe('undefined');
    const dir = process.env.SIGHTLINE_DOC_SCREENSHOTS === '1' ? DOCS : testInfo.outputPath('caller');
    mkdirSync(dir, { recursive: true });
    await phone.screenshot(join(dir, 'engine-webkit-consent.png'));

    await phone.click('#start');
    await main(phone, 'screen', 'live');
    await main(phone, 'camera', 'unavailable');
    expect(await textOf(phone, 'main')).toContain('This browser cannot send live video.');
    await phone.screenshot(join(dir, 'engine-webkit-no-webrtc.png'));

    // The officer is told why there is no video, rather than waiting for it.
    await openNewestSession(officer);
    await expect(
      officer.locator('[data-testid="timeline-event"][data-type="permission.camera.unavailable"]'),
    ).toHaveCount(1);

    // The fallback that carries evidence: a photo from the phone, stored byte for byte.
    mkdirSync(testInfo.outputDir, { recursive: true });
    const file = testInfo.outputPath('scene.png');
    writeFileSync(file, PNG);
    await phone.type('#upload-choose', file);
    await phone.waitFor(
      'the photo was sent',
      `!!document.querySelector('.transfer[data-state="done"]')`,
      30_000,
    );
    const sessionId = /sessions\/([0-9a-f-]{36})/.exec(officer.url())?.[1];
    const api = await apiAs(server.url, 'supervisor');
    await expect
      .poll(async () => {
        const res = await api.get(`/api/sessions/${sessionId}/evidence`);
        return ((await res.json()) as { items: { sha256: string }[] }).items.map((i) => i.sha256);
      })
      .toContain(sha256(PNG));
    await api.dispose();
  });
});

test('WebKit: chat goes both ways', async ({ browser }) => {
  await onCall(browser, 'video', async (phone, officer) => {
    await main(phone, 'screen', 'consent');
    await phone.click('#chat-only');
    await phone.type('#chat-input', 'I cannot talk. He is in the kitchen.');
    await phone.click('#chat-send');
    await openNewestSession(officer);
    await expect(officer.locator('[data-testid="chat-message"][data-from="caller"]')).toContainText(
      'He is in the kitchen.',
    );
    await officer.getByTestId('chat-input').fill('Officers are two minutes away.');
    await officer.getByTestId('chat-send').click();
    await phone.waitFor(
      'the officer’s message reached WebKit',
      `[...document.querySelectorAll('li.msg[data-from="officer"]')].some((m) => m.textContent.includes('two minutes away'))`,
    );
    await expect(officer.locator('[data-testid="chat-message"][data-from="officer"]')).toHaveAttribute(
      'data-status',
      'read',
    );
  });
});

test('WebKit: a location-only link with no location source says so and never claims to share', async ({
  browser,
}) => {
  await onCall(browser, 'location', async (phone, officer) => {
    await main(phone, 'mode', 'location');
    await phone.click('#start');
    await main(phone, 'screen', 'live');
    // The browser never answers (no fix, no error): the page gives up waiting after 20 s and says so.
    await phone.waitFor(
      'the page said location is unavailable',
      `document.querySelector('main')?.dataset.location === 'unavailable'`,
      40_000,
    );
    const shown = await textOf(phone, 'main');
    expect(shown).toContain('This phone did not give us its location.');
    expect(shown).not.toContain('You are sharing your location with the police');
    await openNewestSession(officer);
    await expect(
      officer.locator('[data-testid="timeline-event"][data-type="permission.location.unavailable"]'),
    ).toHaveCount(1);
    await expect(officer.getByTestId('map')).not.toHaveAttribute('data-marker-lat', /\d/);
  });
});

test('WebKit: a caller who refuses shares nothing, and the officer sees the refusal', async ({ browser }) => {
  await onCall(browser, 'video', async (phone, officer) => {
    await main(phone, 'screen', 'consent');
    await phone.click('#decline');
    await main(phone, 'screen', 'refused');
    await openNewestSession(officer);
    await expect(officer.getByTestId('session-state')).toHaveText(/refused/i);
  });
});
