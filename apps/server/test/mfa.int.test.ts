import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../src/auth/mfa/totp.js';
import {
  cookieFrom,
  type OfficerClient,
  signIn,
  startServer,
  TestClock,
  type TestServer,
} from './harness.js';

// TOTP for local accounts: enrolment, password → code, replay, recovery codes, the throttle,
// the admin policy that forces enrolment, and resets (console and the CLI's break-glass).

const PASSWORD = 'a-long-test-password';
const CLI = join(import.meta.dirname, '../bin/sightline.js');
const clock = new TestClock();
let s: TestServer;
let admin: OfficerClient;
let seq = 0;

beforeAll(async () => {
  s = await startServer({ clock });
  admin = await signIn(s, ['admin']);
});
afterAll(() => s?.close());

/** Moves the server to the next 30-second step, so a new code is due (codes are single-use per step). */
const nextStep = () => {
  clock.t += 30_000;
};

async function officer(): Promise<{ username: string; id: string }> {
  const username = `mfa${++seq}`;
  const a = await s.c.officers.create(
    { username, displayName: `PC Mfa ${seq}`, password: PASSWORD, roles: ['call-handler'] },
    { type: 'system' },
  );
  return { username, id: a.id };
}

const post = (path: string, body: unknown, cookie?: string) =>
  fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });

async function password(username: string) {
  const res = await post('/api/auth/login', { username, password: PASSWORD });
  const body = (await res.json()) as { mfa?: string; officer?: unknown };
  const step = res.headers.getSetCookie().find((l) => l.startsWith('sl_mfa='));
  return { res, body, mfaCookie: step ? step.split(';')[0]! : null };
}

/** Signs in with the password and enrols TOTP from the account page; returns the secret and recovery codes. */
async function enrolled() {
  const o = await officer();
  const r = await password(o.username);
  const sid = cookieFrom(r.res, 'sl_sid');
  const { csrfToken } = (await (
    await fetch(`${s.url}/api/auth/me`, { headers: { cookie: sid } })
  ).json()) as {
    csrfToken: string;
  };
  const headers = { cookie: sid, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
  const begin = await fetch(`${s.url}/api/account/mfa/enrol`, { method: 'POST', headers, body: '{}' });
  const { secret } = (await begin.json()) as { secret: string };
  const confirm = await fetch(`${s.url}/api/account/mfa/confirm`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ code: totpCode(secret, clock.now()) }),
  });
  const { recoveryCodes } = (await confirm.json()) as { recoveryCodes: string[] };
  nextStep();
  return { ...o, secret, recoveryCodes, headers };
}

describe('TOTP for local accounts', () => {
  it('enrols from the account page: QR code as SVG and the secret, active only once a code confirms it', async () => {
    const o = await officer();
    const sid = cookieFrom((await password(o.username)).res, 'sl_sid');
    const me = (await (await fetch(`${s.url}/api/auth/me`, { headers: { cookie: sid } })).json()) as {
      csrfToken: string;
    };
    const headers = { cookie: sid, 'x-csrf-token': me.csrfToken, 'content-type': 'application/json' };
    const begin = await fetch(`${s.url}/api/account/mfa/enrol`, { method: 'POST', headers, body: '{}' });
    expect(begin.status).toBe(200);
    const e = (await begin.json()) as { secret: string; otpauthUrl: string; qrSvg: string };
    expect(e.qrSvg).toMatch(/^<svg/);
    expect(e.otpauthUrl).toContain(`secret=${e.secret}`);
    // Stored sealed: the database does not hold the secret.
    const row = await s.c.db
      .selectFrom('officer_mfa')
      .selectAll()
      .where('officer_id', '=', o.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_sealed).not.toContain(e.secret);
    const status = async () =>
      (await (await fetch(`${s.url}/api/account/mfa`, { headers })).json()) as {
        enabled: boolean;
        recoveryCodesLeft: number;
      };
    expect((await status()).enabled).toBe(false);
    // Not active yet: the next sign-in needs no code.
    expect((await password(o.username)).body).toHaveProperty('officer');
    const wrong = await fetch(`${s.url}/api/account/mfa/confirm`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ code: '000000' }),
    });
    expect(wrong.status).toBe(400);
    const ok = await fetch(`${s.url}/api/account/mfa/confirm`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ code: totpCode(e.secret, clock.now()) }),
    });
    const { recoveryCodes } = (await ok.json()) as { recoveryCodes: string[] };
    expect(recoveryCodes).toHaveLength(10);
    expect(await status()).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    const hashes = await s.c.db
      .selectFrom('mfa_recovery_codes')
      .select('code_hash')
      .where('officer_id', '=', o.id)
      .execute();
    expect(hashes.map((h) => h.code_hash)).not.toContain(recoveryCodes[0]!.replace('-', ''));
    // Nor a fast unsalted hash that a copied database could be searched against (~49 bits a code).
    expect(hashes.map((h) => h.code_hash)).not.toContain(
      createHash('sha256').update(recoveryCodes[0]!.replace('-', '')).digest('hex'),
    );
    const audit = await s.c.audit.list({ limit: 10, subjectId: o.id });
    expect(audit.map((a) => a.action)).toContain('mfa.enrolled');
  });

  it('sets up once when "Set up" is pressed several times at once: one secret is kept and works', async () => {
    const o = await officer();
    const sid = cookieFrom((await password(o.username)).res, 'sl_sid');
    const { csrfToken } = (await (
      await fetch(`${s.url}/api/auth/me`, { headers: { cookie: sid } })
    ).json()) as {
      csrfToken: string;
    };
    const headers = { cookie: sid, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
    const begin = () => fetch(`${s.url}/api/account/mfa/enrol`, { method: 'POST', headers, body: '{}' });
    const presses = await Promise.all(Array.from({ length: 6 }, begin));
    expect(presses.map((r) => r.status)).toEqual(Array(6).fill(200));
    const secrets = await Promise.all(
      presses.map(async (r) => ((await r.json()) as { secret: string }).secret),
    );
    const confirm = (secret: string) =>
      fetch(`${s.url}/api/account/mfa/confirm`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ code: totpCode(secret, clock.now()) }),
      });
    // One of the secrets was stored: exactly one confirms, whichever is tried first.
    const statuses: number[] = [];
    for (const secret of secrets) statuses.push((await confirm(secret)).status);
    expect(statuses.filter((x) => x === 200)).toHaveLength(1);
    nextStep();
  });

  it('signs in with password then code; a wrong code is refused and audited, no session before the code', async () => {
    const o = await enrolled();
    const r = await password(o.username);
    expect(r.body).toEqual({ mfa: 'code' });
    expect(r.res.headers.getSetCookie().some((l) => l.startsWith('sl_sid='))).toBe(false);
    const wrong = await post('/api/auth/mfa', { code: '123456' }, r.mfaCookie!);
    expect(wrong.status).toBe(401);
    const right = await post('/api/auth/mfa', { code: totpCode(o.secret, clock.now()) }, r.mfaCookie!);
    expect(right.status).toBe(200);
    const sid = cookieFrom(right, 'sl_sid');
    expect((await fetch(`${s.url}/api/auth/me`, { headers: { cookie: sid } })).status).toBe(200);
    const audit = await s.c.audit.list({ limit: 10, subjectId: o.id });
    expect(audit.map((a) => a.action)).toContain('auth.mfa_failed');
    // The right password alone is on record, even if no code ever follows.
    expect(audit.find((a) => a.action === 'auth.password_accepted')).toMatchObject({
      detail: { next: 'code' },
    });
    expect(audit.find((a) => a.action === 'auth.login')?.detail).toMatchObject({ factor: 'totp' });
    // The step's cookie is spent: it cannot sign in a second browser.
    expect(
      (await post('/api/auth/mfa', { code: totpCode(o.secret, clock.now() + 30_000) }, r.mfaCookie!)).status,
    ).toBe(401);
  });

  it('refuses a code replayed within its window', async () => {
    const o = await enrolled();
    const code = totpCode(o.secret, clock.now());
    const first = await password(o.username);
    expect((await post('/api/auth/mfa', { code }, first.mfaCookie!)).status).toBe(200);
    const second = await password(o.username);
    const replay = await post('/api/auth/mfa', { code }, second.mfaCookie!);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: { message: string } }).error.message).toMatch(/already used/);
  });

  it('accepts a recovery code once, then never again', async () => {
    const o = await enrolled();
    const [code] = o.recoveryCodes;
    const a = await password(o.username);
    expect((await post('/api/auth/mfa', { code: code!.toUpperCase() }, a.mfaCookie!)).status).toBe(200);
    const b = await password(o.username);
    expect((await post('/api/auth/mfa', { code }, b.mfaCookie!)).status).toBe(401);
    const status = (await (await fetch(`${s.url}/api/account/mfa`, { headers: o.headers })).json()) as {
      recoveryCodesLeft: number;
    };
    expect(status.recoveryCodesLeft).toBe(9);
  });

  it('counts wrong codes as failed sign-ins: re-entering the password buys no more guesses', async () => {
    const o = await enrolled();
    let r = await password(o.username);
    for (let i = 0; i < 3; i++)
      expect((await post('/api/auth/mfa', { code: '000000' }, r.mfaCookie!)).status).toBe(401);
    r = await password(o.username);
    for (let i = 0; i < 2; i++)
      expect((await post('/api/auth/mfa', { code: '000000' }, r.mfaCookie!)).status).toBe(401);
    // Five failures for this account from this address: even the right code now waits.
    const locked = await post('/api/auth/mfa', { code: totpCode(o.secret, clock.now()) }, r.mfaCookie!);
    expect(locked.status).toBe(429);
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });

  it('gives an account ten code checks per window from all addresses together: spreading guesses gains nothing', async () => {
    const o = await enrolled();
    const r = await password(o.username);
    const step = r.mfaCookie!.slice('sl_mfa='.length);
    // Someone with the password guesses from ten addresses (an IPv6 /48 holds 65,536 /64s).
    for (let i = 0; i < 10; i++)
      await expect(s.c.auth.codeSignIn(step, '000000', `2001:db8:0:${i}::1`)).rejects.toMatchObject({
        code: 'unauthenticated',
      });
    // A fresh address gets no more checks, not even for the right code.
    const late = await s.c.auth
      .codeSignIn(step, totpCode(o.secret, clock.now()), '2001:db8:0:99::1')
      .catch((e: { code: string }) => e);
    expect(late).toMatchObject({ code: 'rate_limited' });
    const http = await post('/api/auth/mfa', { code: totpCode(o.secret, clock.now()) }, r.mfaCookie!);
    expect(http.status).toBe(429);
    const audit = await s.c.audit.list({ limit: 30, subjectId: o.id });
    expect(audit.filter((a) => a.action === 'auth.mfa_failed')).toHaveLength(10);
    expect(audit.find((a) => a.action === 'auth.login_throttled')?.detail).toMatchObject({
      step: 'code',
      scope: 'account',
    });
    // After the window the officer signs in with the right code.
    clock.t += 15 * 60_000 + 1;
    const again = await password(o.username);
    const ok = await post('/api/auth/mfa', { code: totpCode(o.secret, clock.now()) }, again.mfaCookie!);
    expect(ok.status).toBe(200);
    nextStep();
  });

  it('lets an admin reset an officer’s MFA (audited), and the CLI do the same as break-glass', async () => {
    const o = await enrolled();
    const res = await admin.request('POST', `/api/officers/${o.id}/mfa/reset`, { reason: 'lost phone' });
    expect(await res.json()).toEqual({ ok: true, hadMfa: true });
    // Not their own: a console left signed in must not be enough to drop its second factor.
    const own = await admin.request('POST', `/api/officers/${admin.id}/mfa/reset`, { reason: 'mine' });
    expect(own.status).toBe(403);
    expect((await password(o.username)).body).toHaveProperty('officer');
    const audit = await s.c.audit.list({ limit: 10, subjectId: o.id });
    expect(audit.find((a) => a.action === 'mfa.reset')?.detail).toMatchObject({
      reason: 'lost phone',
      hadMfa: true,
    });

    const p = await enrolled();
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIGHTLINE_')));
    const cli = spawnSync('node', [CLI, 'user', 'reset-mfa', p.username, '--reason', 'phone stolen'], {
      env: { ...env, SIGHTLINE_DATA_DIR: s.dataDir, SIGHTLINE_DATABASE_URL: s.databaseUrl },
      encoding: 'utf8',
    });
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`Two-step sign-in removed for ${p.username}.`);
    expect((await password(p.username)).body).toHaveProperty('officer');
    const cliAudit = await s.c.audit.list({ limit: 10, subjectId: p.id });
    expect(cliAudit.find((a) => a.action === 'mfa.reset')?.detail).toMatchObject({ breakGlass: true });
  });

  it('the admin policy forces enrolment at the next sign-in, and is audited', async () => {
    const o = await officer();
    const set = await admin.request('PUT', '/api/admin/sign-in/mfa-policy', {
      requireForLocal: true,
      reason: 'force policy',
    });
    expect(set.status).toBe(200);
    try {
      const r = await password(o.username);
      expect(r.body).toEqual({ mfa: 'enrol' });
      // Confirming before a secret was shown signs no one in.
      const early = await post('/api/auth/mfa/enrol/confirm', { code: '000000' }, r.mfaCookie!);
      expect(early.status).toBe(404);
      expect(early.headers.getSetCookie().some((l) => l.startsWith('sl_sid='))).toBe(false);
      const begin = await post('/api/auth/mfa/enrol', {}, r.mfaCookie!);
      const { secret, qrSvg } = (await begin.json()) as { secret: string; qrSvg: string };
      expect(qrSvg).toMatch(/^<svg/);
      const done = await post(
        '/api/auth/mfa/enrol/confirm',
        { code: totpCode(secret, clock.now()) },
        r.mfaCookie!,
      );
      expect(done.status).toBe(200);
      const body = (await done.json()) as { officer: { id: string }; recoveryCodes: string[] };
      expect(body.recoveryCodes).toHaveLength(10);
      expect(cookieFrom(done, 'sl_sid')).toMatch(/^sl_sid=/);
      const settings = (await (await admin.request('GET', '/api/admin/sign-in')).json()) as {
        mfa: { requireForLocal: boolean; updatedBy: string };
        officers: Array<{ id: string; mfa: boolean; recoveryCodesLeft: number; kind: string }>;
        sso: { configured: boolean };
      };
      expect(settings.mfa.requireForLocal).toBe(true);
      expect(settings.sso.configured).toBe(false);
      expect(settings.officers.find((x) => x.id === o.id)).toMatchObject({
        mfa: true,
        recoveryCodesLeft: 10,
        kind: 'local',
      });
      const audit = await s.c.audit.list({ limit: 30 });
      expect(audit.find((a) => a.action === 'mfa.policy_set')?.detail).toMatchObject({
        requireForLocal: true,
        reason: 'force policy',
      });
    } finally {
      await admin.request('PUT', '/api/admin/sign-in/mfa-policy', {
        requireForLocal: false,
        reason: 'test over',
      });
    }
  });

  it('has no single sign-on when no provider is configured', async () => {
    expect(await (await fetch(`${s.url}/api/auth/options`)).json()).toEqual({ sso: null });
    expect((await fetch(`${s.url}/api/auth/oidc/start`, { redirect: 'manual' })).status).toBe(404);
  });
});
