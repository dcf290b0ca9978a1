import { type OidcEngine, signInAtProvider, startOidcProvider } from '@sightline/testkit/engines/oidc';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPostgres } from '../src/adapters/db/transaction.js';
import { cookieFrom, signIn, startServer, TestClock, type TestServer, TestSocket } from './harness.js';

// Officer single sign-on against a real OpenID provider (oidc-provider) in this process: discovery,
// authorization code + PKCE, ID token validation by openid-client, role mapping, refusals, sign-out.

const PUBLIC = 'http://sightline.test';
const ROLE_MAP = { 'g-handlers': ['call-handler'], 'g-supervisors': ['supervisor'], 'g-admins': ['admin'] };
let idp: OidcEngine;
let s: TestServer;
const clock = new TestClock();

beforeAll(async () => {
  idp = await startOidcProvider({
    publicUrl: PUBLIC,
    idTokenTtl: 120,
    accounts: {
      alice: { name: 'PC Alice Ames', groups: ['g-handlers', 'g-unrelated'] },
      sam: { name: 'Sgt Sam Stone', groups: ['g-supervisors'] },
      nobody: { name: 'Nora Body', groups: ['g-unrelated'] },
      overage: { name: 'Olly Vera', overage: true },
    },
  });
  s = await startServer({ clock, env: { SIGHTLINE_PUBLIC_URL: PUBLIC, ...idp.env(ROLE_MAP) } });
});
afterAll(async () => {
  await s?.close();
  await idp?.stop();
});

/** Presses "Sign in with …": the provider's URL and the browser's binding cookie. */
async function start() {
  const res = await fetch(`${s.url}/api/auth/oidc/start`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return { authUrl: res.headers.get('location')!, cookie: cookieFrom(res, 'sl_oidc'), res };
}

/** Opens the callback URL the provider sent the browser to, on the test server. */
function callback(callbackUrl: string, cookie: string | null) {
  const u = new URL(callbackUrl);
  return fetch(`${s.url}${u.pathname}${u.search}`, {
    redirect: 'manual',
    headers: cookie ? { cookie } : {},
  });
}

async function ssoSignIn(login: string) {
  const { authUrl, cookie } = await start();
  const back = await signInAtProvider(authUrl, login);
  const res = await callback(back, cookie);
  return { res, back, cookie, location: res.headers.get('location') };
}

async function me(sid: string) {
  const res = await fetch(`${s.url}/api/auth/me`, { headers: { cookie: sid } });
  return { status: res.status, body: res.status === 200 ? ((await res.json()) as MeBody) : null };
}
type MeBody = {
  officer: { id: string; username: string; displayName: string; roles: string[] };
  csrfToken: string;
};

const refusals = async () =>
  (await s.c.audit.list({ limit: 100 })).filter((a) => a.action === 'auth.sso_refused');

describe('officer single sign-on (OpenID Connect)', () => {
  it('offers the configured button on the sign-in page', async () => {
    const res = await fetch(`${s.url}/api/auth/options`);
    expect(await res.json()).toEqual({ sso: { label: 'Sign in with Test Constabulary' } });
  });

  it('sends the browser to the provider with PKCE (S256), state and nonce, bound to a Lax HttpOnly cookie', async () => {
    const { authUrl, res } = await start();
    const u = new URL(authUrl);
    expect(u.origin).toBe(idp.issuer);
    expect(u.searchParams.get('code_challenge_method')).toBe('S256');
    expect(u.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(u.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(u.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
    expect(u.searchParams.get('redirect_uri')).toBe(`${PUBLIC}/api/auth/oidc/callback`);
    const line = res.headers.getSetCookie().find((l) => l.startsWith('sl_oidc='))!;
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=Lax/i);
    expect(line).toMatch(/Max-Age=600/i);
  });

  it('signs a new officer in with the mapped role, keyed by issuer and subject, and audits it', async () => {
    const { res, location } = await ssoSignIn('alice');
    expect(res.status).toBe(303);
    expect(location).toBe('/');
    const sid = cookieFrom(res, 'sl_sid');
    const who = await me(sid);
    expect(who.body?.officer).toMatchObject({
      username: 'alice',
      displayName: 'PC Alice Ames',
      roles: ['call-handler'],
    });
    const identity = await s.c.db
      .selectFrom('officer_identities')
      .selectAll()
      .where('officer_id', '=', who.body!.officer.id)
      .executeTakeFirstOrThrow();
    expect(identity).toMatchObject({ issuer: `${idp.issuer}`, subject: idp.subjectOf('alice') });
    const audit = await s.c.audit.list({ limit: 10, subjectId: who.body!.officer.id });
    expect(audit.find((a) => a.action === 'auth.login')?.detail).toMatchObject({
      method: 'sso',
      matched: ['g-handlers'],
    });
    expect(audit.find((a) => a.action === 'officer.create')?.detail).toMatchObject({ via: 'sso' });
    // No local password: the password form refuses the account whatever is typed.
    const pw = await fetch(`${s.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: '!sso' }),
    });
    expect(pw.status).toBe(401);
    await expect(
      s.c.officers.resetPassword(who.body!.officer.id, 'a-new-long-password', 'test', { type: 'system' }),
    ).rejects.toThrow(/single sign-on/);
  });

  it('re-maps roles from the claims at every sign-in (same officer, new role), and audits the change', async () => {
    const first = await ssoSignIn('sam');
    const before = (await me(cookieFrom(first.res, 'sl_sid'))).body!.officer;
    expect(before.roles).toEqual(['supervisor']);
    idp.setAccount('sam', { name: 'Insp Sam Stone', groups: ['g-handlers', 'g-admins'] });
    const second = await ssoSignIn('sam');
    const after = (await me(cookieFrom(second.res, 'sl_sid'))).body!.officer;
    expect(after.id).toBe(before.id);
    expect(after.roles).toEqual(['admin', 'call-handler']);
    expect(after.displayName).toBe('Insp Sam Stone');
    const audit = await s.c.audit.list({ limit: 20, subjectId: before.id });
    expect(audit.find((a) => a.action === 'officer.roles_set')?.detail).toMatchObject({
      from: ['supervisor'],
      to: ['admin', 'call-handler'],
      via: 'sso',
    });
  });

  it('refuses a user with no mapped group: a clear page, no account, an audit entry', async () => {
    const { res, location } = await ssoSignIn('nobody');
    expect(res.status).toBe(303);
    expect(location).toBe('/login?sso=no_mapped_group');
    expect(res.headers.getSetCookie().some((l) => l.startsWith('sl_sid='))).toBe(false);
    expect(await s.c.officers.findByUsername('nobody')).toBeUndefined();
    expect((await refusals()).at(0)?.detail).toMatchObject({
      reason: 'no_mapped_group',
      subject: idp.subjectOf('nobody'),
    });
  });

  it('withdraws the roles and ends the sessions of an officer whose mapped groups were removed', async () => {
    idp.setAccount('dora', { groups: ['g-handlers'] });
    const ok = await ssoSignIn('dora');
    const sid = cookieFrom(ok.res, 'sl_sid');
    expect((await me(sid)).status).toBe(200);
    const sock = await TestSocket.open(`${s.wsUrl}/ws/console`, sid);
    await sock.next((m) => m.type === 'hello');
    idp.setAccount('dora', { groups: [] });
    const refused = await ssoSignIn('dora');
    expect(refused.location).toBe('/login?sso=no_mapped_group');
    expect((await me(sid)).status).toBe(401);
    // The open console closes saying why (not "you signed out in another window").
    await sock.closedWith();
    expect(sock.closed?.reason).toBe('access withdrawn');
    expect((await s.c.officers.findByUsername('dora'))?.roles).toBe('[]');
  });

  it("makes one account when a new officer's first two sign-ins (two tabs) arrive at once", async () => {
    idp.setAccount('twin', { groups: ['g-handlers'] });
    const a = await start();
    const b = await start();
    const backA = await signInAtProvider(a.authUrl, 'twin');
    const backB = await signInAtProvider(b.authUrl, 'twin');
    const [ra, rb] = await Promise.all([callback(backA, a.cookie), callback(backB, b.cookie)]);
    const ida = (await me(cookieFrom(ra, 'sl_sid'))).body!.officer.id;
    const idb = (await me(cookieFrom(rb, 'sl_sid'))).body!.officer.id;
    expect(ida).toBe(idb);
    const rows = await s.c.db
      .selectFrom('officers')
      .select('id')
      .where('username', 'like', 'twin%')
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('leaves nothing behind when a first sign-in fails half way: the next one makes the account', async () => {
    idp.setAccount('fay', { name: 'Flaky Fay', groups: ['g-handlers'] });
    // The officers insert fails once (as a full disk or a username taken meanwhile would).
    const pg = isPostgres(s.c.db);
    const ddl = pg
      ? [
          `create function fail_fay() returns trigger language plpgsql as $$ begin
             if new.display_name = 'Flaky Fay' then raise exception 'simulated failure'; end if;
             return new; end $$`,
          'create trigger fail_fay before insert on officers for each row execute function fail_fay()',
        ]
      : [
          `create trigger fail_fay before insert on officers when new.display_name = 'Flaky Fay'
           begin select raise(abort, 'simulated failure'); end`,
        ];
    for (const q of ddl) await sql.raw(q).execute(s.c.db);
    try {
      expect((await ssoSignIn('fay')).res.status).toBe(500);
    } finally {
      await sql.raw(`drop trigger fail_fay${pg ? ' on officers' : ''}`).execute(s.c.db);
    }
    const again = await ssoSignIn('fay');
    expect(again.location).toBe('/');
    expect((await me(cookieFrom(again.res, 'sl_sid'))).body?.officer.displayName).toBe('Flaky Fay');
  });

  it('refuses an SSO officer an admin has disabled, whatever the provider says', async () => {
    idp.setAccount('erin', { groups: ['g-handlers'] });
    const first = await ssoSignIn('erin');
    const id = (await me(cookieFrom(first.res, 'sl_sid'))).body!.officer.id;
    await s.c.officers.disable(id, 'suspended', { type: 'system' });
    expect((await ssoSignIn('erin')).location).toBe('/login?sso=disabled');
  });

  it("shows admins the provider's settings but never the client secret, and keeps TOTP for local accounts", async () => {
    idp.setAccount('ada', { groups: ['g-admins'] });
    const { res } = await ssoSignIn('ada');
    const sid = cookieFrom(res, 'sl_sid');
    const { csrfToken } = (await me(sid)).body!;
    const headers = { cookie: sid, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
    const settings = await fetch(`${s.url}/api/admin/sign-in`, { headers });
    const text = await settings.text();
    expect(JSON.parse(text).sso).toMatchObject({
      configured: true,
      issuer: `${idp.issuer}/`,
      clientId: idp.clientId,
      redirectUri: `${PUBLIC}/api/auth/oidc/callback`,
      roleClaim: 'groups',
      roleMap: ROLE_MAP,
    });
    expect(text).not.toContain(idp.clientSecret);
    expect(JSON.parse(text).officers.find((o: { username: string }) => o.username === 'ada')).toMatchObject({
      kind: 'sso',
    });
    // An SSO officer's second factor is the provider's: no Sightline TOTP for them.
    expect(await (await fetch(`${s.url}/api/account/mfa`, { headers })).json()).toMatchObject({
      kind: 'sso',
    });
    const enrol = await fetch(`${s.url}/api/account/mfa/enrol`, { method: 'POST', headers, body: '{}' });
    expect(enrol.status).toBe(409);
  });

  it("names Entra ID's group overage instead of treating it as no groups", async () => {
    expect((await ssoSignIn('overage')).location).toBe('/login?sso=group_overage');
  });

  it('refuses a tampered authorization code', async () => {
    const { authUrl, cookie } = await start();
    const back = new URL(await signInAtProvider(authUrl, 'alice'));
    back.searchParams.set('code', `${back.searchParams.get('code')}x`);
    const res = await callback(back.href, cookie);
    expect(res.headers.get('location')).toBe('/login?sso=invalid');
    expect(res.headers.getSetCookie().some((l) => l.startsWith('sl_sid='))).toBe(false);
  });

  it('refuses a tampered state, and a callback without the browser that started it', async () => {
    const a = await start();
    const back = new URL(await signInAtProvider(a.authUrl, 'alice'));
    back.searchParams.set('state', 'forged-state-value-000000000');
    expect((await callback(back.href, a.cookie)).headers.get('location')).toBe('/login?sso=invalid');
    // A callback link opened in another browser (no binding cookie) is refused.
    const b = await start();
    const backB = await signInAtProvider(b.authUrl, 'alice');
    expect((await callback(backB, null)).headers.get('location')).toBe('/login?sso=expired');
  });

  it('refuses a replayed callback (a used state) even though the first use succeeded', async () => {
    const { res, back, cookie } = await ssoSignIn('alice');
    expect(res.headers.get('location')).toBe('/');
    const again = await callback(back, cookie);
    expect(again.headers.get('location')).toBe('/login?sso=expired');
    expect((await refusals()).some((r) => r.detail?.reason === 'expired')).toBe(true);
  });

  it('refuses an ID token whose signature does not verify (tampered in transit)', async () => {
    const { authUrl, cookie } = await start();
    const back = await signInAtProvider(authUrl, 'alice');
    idp.tamperNextIdToken();
    const res = await callback(back, cookie);
    expect(res.headers.get('location')).toBe('/login?sso=invalid');
    expect(String((await refusals()).at(0)?.detail?.error)).toMatch(/JWT signature verification failed/);
  });

  it('refuses an ID token past its expiry', async () => {
    const { authUrl, cookie } = await start();
    const back = await signInAtProvider(authUrl, 'alice');
    // The provider issues a token valid for 120 s; the server's clock is 5 minutes ahead.
    const was = clock.t;
    clock.t = was + 5 * 60_000;
    try {
      const res = await callback(back, cookie);
      expect(res.headers.get('location')).toBe('/login?sso=invalid');
      expect(String((await refusals()).at(0)?.detail?.error)).toMatch(/OAUTH_JWT_TIMESTAMP_CHECK_FAILED/);
    } finally {
      clock.t = Date.now();
    }
  });

  it("signs out of Sightline everywhere and hands back the provider's end-session URL with the ID token hint", async () => {
    const a = await ssoSignIn('alice');
    const b = await ssoSignIn('alice');
    const sid = cookieFrom(b.res, 'sl_sid');
    const { csrfToken } = (await me(sid)).body!;
    const res = await fetch(`${s.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie: sid, 'x-csrf-token': csrfToken },
    });
    const body = (await res.json()) as { ok: boolean; endSessionUrl?: string };
    expect(body.ok).toBe(true);
    const end = new URL(body.endSessionUrl!);
    expect(end.origin).toBe(idp.issuer);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${PUBLIC}/login`);
    expect(end.searchParams.get('id_token_hint')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect((await me(sid)).status).toBe(401);
    expect((await me(cookieFrom(a.res, 'sl_sid'))).status).toBe(401);
    // The provider accepts the hint: its sign-out page answers (it asks the user to confirm).
    expect((await fetch(end)).status).toBe(200);
  });
});

describe('an identity provider that cannot be reached', () => {
  let down: TestServer;
  beforeAll(async () => {
    // A port where nothing listens: discovery fails.
    down = await startServer({
      env: {
        SIGHTLINE_PUBLIC_URL: PUBLIC,
        SIGHTLINE_OIDC_ISSUER: 'http://127.0.0.1:9',
        SIGHTLINE_OIDC_CLIENT_ID: 'sightline',
        SIGHTLINE_OIDC_CLIENT_SECRET: 'x',
        SIGHTLINE_OIDC_ROLE_MAP: JSON.stringify(ROLE_MAP),
      },
    });
  });
  afterAll(() => down?.close());

  it('starts, and sends the button back to the sign-in page with the reason; passwords still work', async () => {
    const res = await fetch(`${down.url}/api/auth/oidc/start`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?sso=provider_unreachable');
    const officer = await signIn(down, ['call-handler']);
    expect((await officer.request('GET', '/api/auth/me')).status).toBe(200);
  });
});
