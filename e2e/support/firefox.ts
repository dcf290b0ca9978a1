import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** Debian's Firefox ESR; CI installs it (.ci/run), so a missing binary fails the spec rather than skipping it. */
export const FIREFOX_PATH = process.env.SIGHTLINE_FIREFOX ?? '/usr/bin/firefox-esr';

/**
 * Preferences that stand in for a person answering the prompts and for a phone's sensors:
 * a fake camera and microphone (Firefox's own moving test pattern and tone), camera,
 * microphone and location allowed without a prompt, and ICE host candidates as real
 * addresses (the private network namespace cannot resolve mDNS names, as with Chromium's
 * `WebRtcHideLocalIpsWithMdns`). No traffic to the closed network's absent services.
 */
const PREFS: Record<string, unknown> = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'permissions.default.camera': 1,
  'permissions.default.microphone': 1,
  'permissions.default.geo': 1,
  'geo.prompt.testing': true,
  'geo.prompt.testing.allow': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.autoplay.default': 0,
  'app.update.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'media.gmp-manager.updateEnabled': false,
};

/** Starts headless Firefox ESR over WebDriver BiDi (no geckodriver: puppeteer speaks BiDi to Firefox itself). */
export async function launchFirefox(): Promise<Browser> {
  if (!existsSync(FIREFOX_PATH))
    throw new Error(`Firefox ESR is missing at ${FIREFOX_PATH}: apt-get install firefox-esr (see .ci/run)`);
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    extraPrefsFirefox: PREFS,
  });
}

/**
 * A phone-sized page in its own private context (cookies and storage of its own, like a
 * fresh phone), whose GPS reports `position` through BiDi `emulation.setGeolocationOverride`.
 */
export async function firefoxPhone(
  browser: Browser,
  position: { latitude: number; longitude: number; accuracy: number },
): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: 390, height: 844 });
  await page.setGeolocation(position);
  return { page, close: () => context.close() };
}

/** Waits until `fn` (run in the page) returns true; the message names what never happened. */
export async function waitInPage(page: Page, what: string, fn: string, timeout = 20_000): Promise<void> {
  await page.waitForFunction(fn, { timeout, polling: 200 }).catch((e: Error) => {
    throw new Error(`${what}: ${e.message}`);
  });
}
