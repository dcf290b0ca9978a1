import { mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './harness.js';
import { selfSignedCert } from './self-signed.js';

let s: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'sightline-tls-'));

beforeAll(async () => {
  const { key, cert } = selfSignedCert(dir, 'server');
  s = await startServer({
    env: {
      SIGHTLINE_TLS_CERT: cert,
      SIGHTLINE_TLS_KEY: key,
      SIGHTLINE_PUBLIC_URL: 'https://127.0.0.1:8443',
    },
  });
});
afterAll(() => s?.close());

function get(path: string, body?: string) {
  const url = new URL(path, s.url.replace('http:', 'https:'));
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>(
    (resolve, reject) => {
      const req = request(
        url,
        {
          method: body ? 'POST' : 'GET',
          rejectUnauthorized: false,
          headers: body ? { 'content-type': 'application/json' } : {},
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
        },
      );
      req.on('error', reject);
      req.end(body);
    },
  );
}

describe('HTTPS', () => {
  it('serves TLS from the configured certificate, with HSTS and Secure cookies', async () => {
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    const login = await get('/api/auth/login', JSON.stringify({ username: 'nobody', password: 'x' }));
    expect(login.status).toBe(401);
    await s.c.officers.create(
      { username: 'tls', displayName: 'TLS', password: 'a-long-test-password', roles: ['call-handler'] },
      { type: 'system' },
    );
    const ok = await get(
      '/api/auth/login',
      JSON.stringify({ username: 'tls', password: 'a-long-test-password' }),
    );
    expect(ok.status).toBe(200);
    const cookie = [ok.headers['set-cookie']].flat().join(';');
    expect(cookie).toMatch(/sl_sid=.*HttpOnly/i);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/i);
  });
});
