import type { Page, Response } from '@playwright/test';
import type { BenchResult } from './lib/results.js';
import { createInvite, launchChromium, officerApi, phoneContext, startSightline } from './lib/sightline.js';

const TARGET_GZIP_BYTES = 50 * 1024;
const COUNTED = new Set(['document', 'script', 'stylesheet', 'font', 'image', 'manifest']);

/** Some responses never settle these calls (no body); give up on them after a moment. */
function withTimeout<T>(p: Promise<T>, fallback: T): Promise<T> {
  return Promise.race([
    p.catch(() => fallback),
    new Promise<T>((res) => setTimeout(() => res(fallback), 3_000)),
  ]);
}

interface Transfer {
  url: string;
  type: string;
  encoding: string;
  wireBytes: number;
  rawBytes: number;
}

async function transfer(r: Response): Promise<Transfer> {
  const sizes = await withTimeout(r.request().sizes(), {
    requestBodySize: 0,
    requestHeadersSize: 0,
    responseBodySize: -1,
    responseHeadersSize: 0,
  });
  const body = await withTimeout(r.body(), Buffer.alloc(0));
  const path = new URL(r.url()).pathname.replace(/^\/j\/[^/]+/, '/j/<token>');
  return {
    url: path,
    type: r.request().resourceType(),
    encoding: (await r.headerValue('content-encoding')) ?? 'identity',
    wireBytes: sizes.responseBodySize,
    rawBytes: body.length,
  };
}

/** Loads a fresh link in a real Chromium and records every response until the consent screen is usable. */
async function load(page: Page, link: string, start = 'Start sharing') {
  const responses: Promise<Transfer>[] = [];
  let phase: 'before' | 'after' = 'before';
  const after: Promise<Transfer>[] = [];
  page.on('response', (r) => (phase === 'before' ? responses : after).push(transfer(r)));
  await page.goto(link);
  await page.getByRole('button', { name: start }).waitFor();
  phase = 'after';
  // What loads once sharing starts (lazy chunks, if any).
  await page.getByRole('button', { name: start }).click();
  await page.locator('main[data-screen="live"]').waitFor();
  await page.waitForTimeout(2_000);
  return { before: await Promise.all(responses), after: await Promise.all(after) };
}

/** Bytes the caller page transfers before its consent screen is usable, gzip and brotli, from real loads. */
export async function pageWeight(): Promise<BenchResult> {
  const server = await startSightline();
  const browser = await launchChromium();
  const loads: Record<string, Awaited<ReturnType<typeof load>>> = {};
  try {
    const api = await officerApi(server.url);
    // An Arabic link also loads its strings before consent: the heaviest first load.
    for (const [name, headers, language, start] of [
      ['default', {}, undefined, 'Start sharing'],
      ['gzip', { 'accept-encoding': 'gzip' }, undefined, 'Start sharing'],
      ['arabic', { 'accept-encoding': 'gzip' }, 'ar', 'بدء المشاركة'],
    ] as const) {
      const ctx = await phoneContext(browser);
      await ctx.setExtraHTTPHeaders(headers);
      const { link } = await createInvite(api, undefined, language);
      loads[name] = await load(await ctx.newPage(), link, start);
      await ctx.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  const sum = (xs: Transfer[], k: 'wireBytes' | 'rawBytes') => xs.reduce((a, x) => a + x[k], 0);
  const counted = (xs: Transfer[]) => xs.filter((x) => COUNTED.has(x.type));
  const gz = counted(loads.gzip!.before);
  const br = counted(loads.default!.before);
  const gzipBytes = sum(gz, 'wireBytes');
  const lazy = counted(loads.default!.after);
  const ar = counted(loads.arabic!.before);
  const arBytes = sum(ar, 'wireBytes');
  return {
    name: 'page-weight',
    json: {
      before_consent: {
        gzip_bytes: gzipBytes,
        brotli_bytes: sum(br, 'wireBytes'),
        raw_bytes: sum(gz, 'rawBytes'),
        files: gz.map((x) => ({ url: x.url, type: x.type, gzip_bytes: x.wireBytes, raw_bytes: x.rawBytes })),
        other_requests: loads
          .gzip!.before.filter((x) => !COUNTED.has(x.type))
          .map((x) => ({ url: x.url, type: x.type, bytes: x.wireBytes >= 0 ? x.wireBytes : null })),
      },
      arabic_before_consent: {
        gzip_bytes: arBytes,
        files: ar.map((x) => ({ url: x.url, type: x.type, gzip_bytes: x.wireBytes, raw_bytes: x.rawBytes })),
      },
      lazy_after_consent: lazy.map((x) => ({
        url: x.url,
        type: x.type,
        bytes: x.wireBytes,
        raw_bytes: x.rawBytes,
        encoding: x.encoding,
      })),
      method:
        'Playwright response sizes (encoded body bytes on the wire) from a fresh Chromium context per load; document+script+stylesheet+font+image until the Start button is usable',
    },
    rows: [
      {
        metric: 'caller page before consent (gzip)',
        value: `${(gzipBytes / 1024).toFixed(1)} KB (${gz.length} files; brotli ${(sum(br, 'wireBytes') / 1024).toFixed(1)} KB; raw ${(sum(gz, 'rawBytes') / 1024).toFixed(1)} KB)`,
        target: '≤ 50 KB',
        pass: gzipBytes <= TARGET_GZIP_BYTES,
      },
      {
        metric: 'caller page before consent, Arabic link (gzip)',
        value: `${(arBytes / 1024).toFixed(1)} KB (${ar.length} files, the Arabic strings included)`,
        target: '≤ 50 KB',
        pass: arBytes <= TARGET_GZIP_BYTES,
      },
      {
        metric: 'lazy chunks after consent',
        value: lazy.length ? lazy.map((x) => `${x.url} ${x.wireBytes} B`).join(', ') : 'none',
      },
    ],
  };
}
