import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startServer, type TestServer } from './harness.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s?.close());

const committed = async () =>
  JSON.parse(await readFile(new URL('../../../docs/api/openapi.json', import.meta.url), 'utf8')) as {
    paths: Record<string, unknown>;
  };

describe('the OpenAPI documents as served', () => {
  it('serves the committed public document at /api/v1/openapi.json to anyone, without console routes', async () => {
    const res = await fetch(`${s.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc).toEqual(await committed());
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/api/sessions'))).toBe(false);
  });

  it('keeps the full document, console routes included, for signed-in officers only', async () => {
    expect((await fetch(`${s.url}/api/openapi.json`)).status).toBe(401);
    const officer = await signIn(s, ['call-handler']);
    const doc = (await (await officer.request('GET', '/api/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/sessions', '/readyz']));
  });

  it('serves the reference page and its scripts from this server, under the strict CSP', async () => {
    const page = await fetch(`${s.url}/api/v1/docs`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    expect(html).not.toMatch(/<script>|<style>|https?:\/\//);
    for (const src of scripts) {
      const asset = await fetch(new URL(src, `${s.url}/api/v1/docs`));
      expect(asset.status, src).toBe(200);
      expect(asset.headers.get('content-type'), src).toMatch(/javascript/);
    }
    // The plugin's old address for the page leads to it in one step, with or without a query.
    for (const query of ['', '?x=1']) {
      const old = await fetch(`${s.url}/api/v1/docs/static/index.html${query}`, { redirect: 'manual' });
      expect([old.status, old.headers.get('location')]).toEqual([302, '/api/v1/docs/']);
    }
    // The page's own JSON is the public document, not the full one the plugin would serve.
    expect(await (await fetch(`${s.url}/api/v1/docs/json`)).json()).toEqual(await committed());
  });

  it('rate-limits the public document per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 125; i++) statuses.push((await fetch(`${s.url}/api/v1/openapi.json`)).status);
    expect(statuses.filter((code) => code === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((code) => code !== 200 && code !== 429)).toEqual([]);
  });
});
