import type { Role } from '@sightline/protocol';
import { syntheticCall } from '@sightline/testkit/caller';
import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  invite,
  jsonApi,
  type OfficerClient,
  signIn,
  startServer,
  type TestServer,
  TestSocket,
} from './harness.js';

// Officer accounts: signing out everywhere (issue 8 item 4), two-person role grants (item 5)
// and the admin's account controls (item 11).

let s: TestServer;
let admin1: OfficerClient;
let admin2: OfficerClient;

const PASSWORD = 'a-long-test-password';
let seq = 0;

beforeAll(async () => {
  s = await startServer();
  admin1 = await signIn(s, ['admin']);
  admin2 = await signIn(s, ['admin']);
});
afterAll(() => s?.close());

/**
 * Signs in as an existing account (a second browser of the same officer). Through the service,
 * as the login route does, so that the route's per-address rate limit does not cap this file.
 */
async function login(username: string, password = PASSWORD): Promise<OfficerClient> {
  const signed = await s.c.auth.login(username, password, null);
  const cookie = `sl_sid=${signed.cookie}`;
  return {
    id: signed.officer.id,
    cookie,
    csrf: signed.csrfToken,
    request: (method, path, json, headers = {}) =>
      fetch(`${s.url}${path}`, {
        method,
        headers: {
          cookie,
          'x-csrf-token': signed.csrfToken,
          ...(json === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      }),
  };
}

/** An account made on the server (the CLI's break-glass path), signed in over HTTP. */
async function account(roles: Role[]): Promise<{ username: string; client: OfficerClient }> {
  const username = `acct${++seq}`;
  await s.c.officers.create(
    { username, displayName: `Account ${seq}`, password: PASSWORD, roles },
    {
      type: 'system',
    },
  );
  return { username, client: await login(username) };
}

async function consoleSocket(o: OfficerClient): Promise<TestSocket> {
  const sock = await TestSocket.open(`${s.wsUrl}/ws/console`, o.cookie);
  await sock.next((m) => m.type === 'hello');
  return sock;
}

async function stillOpen(sock: TestSocket): Promise<void> {
  const from = sock.messages.length;
  sock.send({ type: 'ping', id: 'still-there' });
  await sock.next((m) => m.type === 'pong', 5_000, from);
}

const json = async <T>(res: Response, status: number): Promise<T> => {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
};

interface Grant {
  id: string;
  officerId: string;
  roles: Role[];
  state: string;
}
interface Account {
  id: string;
  roles: Role[];
  disabledAt: number | null;
}

describe('signing out signs out everywhere', () => {
  it("logout closes every console socket of that officer at once and ends their other sign-ins; another officer's stays open", async () => {
    const { username, client: first } = await account(['call-handler']);
    const second = await login(username);
    const other = await signIn(s, ['call-handler']);
    const [a, b, c] = [await consoleSocket(first), await consoleSocket(second), await consoleSocket(other)];

    expect((await first.request('POST', '/api/auth/logout')).status).toBe(200);
    expect(await a.closedWith()).toBe(4403);
    expect(await b.closedWith()).toBe(4403);
    await stillOpen(c);
    expect((await second.request('GET', '/api/auth/me')).status).toBe(401);
    expect((await other.request('GET', '/api/auth/me')).status).toBe(200);
    c.close();
  });

  it('disabling an account closes its sockets and refuses its next API call; enabling lets it sign in again', async () => {
    const { username, client } = await account(['call-handler']);
    const sock = await consoleSocket(client);
    const res = await admin1.request('POST', `/api/officers/${client.id}/disable`, {
      reason: 'left the control room',
    });
    expect((await json<Account>(res, 200)).disabledAt).not.toBeNull();
    expect(await sock.closedWith()).toBe(4403);
    expect((await client.request('GET', '/api/sessions')).status).toBe(401);
    await expect(login(username)).rejects.toMatchObject({ code: 'unauthenticated' });
    const audit = await s.c.audit.list({ limit: 10, subjectId: client.id, action: 'officer.disable' });
    expect(audit[0]?.detail).toMatchObject({ reason: 'left the control room' });

    await json(await admin1.request('POST', `/api/officers/${client.id}/enable`, { reason: 'back' }), 200);
    expect((await (await login(username)).request('GET', '/api/sessions')).status).toBe(200);
  });

  it('a role change closes the sockets, and the next connection carries the new roles', async () => {
    const { client } = await account(['call-handler', 'supervisor']);
    const sock = await consoleSocket(client);
    const res = await admin1.request('PUT', `/api/officers/${client.id}/roles`, {
      roles: ['call-handler'],
      reason: 'moved to call handling',
    });
    const body = await json<{ officer: Account; grant: Grant | null }>(res, 200);
    expect(body).toMatchObject({ officer: { roles: ['call-handler'] }, grant: null });
    expect(await sock.closedWith()).toBe(4409);
    const again = await TestSocket.open(`${s.wsUrl}/ws/console`, client.cookie);
    expect(await again.next((m) => m.type === 'hello')).toMatchObject({
      officer: { roles: ['call-handler'] },
    });
    // The dropped role is gone over HTTP too, without signing in again.
    expect((await client.request('GET', '/api/retention/review-queue')).status).toBe(403);
    again.close();
  });

  it('disabling an officer ends the live view they were watching, at once', async () => {
    const source = new RtpSource();
    await source.start(ensureClip());
    try {
      const { client } = await account(['call-handler']);
      const call = await syntheticCall(s.url, jsonApi(client), source);
      await eventually(async () => (await s.c.sessions.get(call.sessionId)).publishing, 20_000);
      const sock = await consoleSocket(client);
      sock.send({ type: 'view.start', id: 'v1', sessionId: call.sessionId });
      const offer = await sock.next((m) => m.type === 'view.offer', 20_000);
      const ended = new Promise<string>((resolve) =>
        s.c.events.subscribe('view.ended', ({ viewId, reason }) => {
          if (viewId === offer.viewId) resolve(reason);
        }),
      );
      await json(
        await admin1.request('POST', `/api/officers/${client.id}/disable`, { reason: 'suspended' }),
        200,
      );
      expect(await ended).toBe('account disabled');
      expect(await sock.closedWith()).toBe(4403);
      call.hangUp();
    } finally {
      await source.stop();
    }
  });

  it('disable, enable, roles and password reset are refused without a reason, and to non-admins', async () => {
    const { client } = await account(['call-handler']);
    const res = await admin1.request('POST', `/api/officers/${client.id}/disable`, {});
    expect(res.status).toBe(400);
    const sup = await signIn(s, ['supervisor']);
    expect(
      (await sup.request('POST', `/api/officers/${client.id}/disable`, { reason: 'because' })).status,
    ).toBe(403);
  });

  it('an admin cannot disable themselves or remove the last active admin', async () => {
    const self = await admin1.request('POST', `/api/officers/${admin1.id}/disable`, { reason: 'testing' });
    expect(self.status).toBe(403);
    const selfDemote = await admin1.request('PUT', `/api/officers/${admin1.id}/roles`, {
      roles: ['call-handler'],
      reason: 'testing',
    });
    expect(selfDemote.status).toBe(403);
    // Only admin1 and admin2 are admins; the rule is checked in the service for whatever path removes one.
    const others = (await s.c.officers.list()).filter(
      (o) => o.roles.includes('admin') && o.disabledAt === null && o.id !== admin1.id && o.id !== admin2.id,
    );
    expect(others).toEqual([]);
    await expect(
      s.c.officers.disable(admin2.id, 'testing', { type: 'officer', id: admin1.id, name: 'Admin' }),
    ).resolves.toBeDefined();
    await expect(
      s.c.officers.setRoles(admin1.id, ['call-handler'], 'testing', { type: 'system' }),
    ).rejects.toMatchObject({ code: 'conflict' });
    await expect(s.c.officers.disable(admin1.id, 'testing', { type: 'system' })).rejects.toMatchObject({
      code: 'conflict',
    });
    await s.c.officers.enable(admin2.id, 'testing over', { type: 'system' });
    admin2 = await signIn(s, ['admin']);
  });
});

describe('roles stay separated: media roles need a second admin', () => {
  /** A session with a stored location track: evidence a supervisor can download. */
  async function evidenceItemId(): Promise<string> {
    const handler = await signIn(s, ['call-handler']);
    const { sessionId } = await invite(s, handler);
    await s.c.location.add(sessionId, {
      lat: 51.5,
      lon: -0.12,
      accuracy: 6,
      altitude: null,
      altitudeAccuracy: null,
      heading: null,
      speed: null,
      fixTime: Date.now(),
    });
    await s.c.sessions.end(sessionId, 'test over', { type: 'system' });
    const item = await eventually(async () =>
      (await s.c.evidence.list(sessionId)).find((i) => i.kind === 'location-track'),
    );
    return item.id;
  }

  it('an admin who creates a supervisor cannot download evidence with it until a second admin approves', async () => {
    const itemId = await evidenceItemId();
    const created = await json<{ officer: Account; grant: Grant }>(
      await admin1.request('POST', '/api/officers', {
        username: 'puppet.sup',
        displayName: 'Puppet Supervisor',
        password: PASSWORD,
        roles: ['supervisor'],
        reason: 'new shift supervisor',
      }),
      201,
    );
    expect(created.officer.roles).toEqual([]);
    expect(created.grant).toMatchObject({ roles: ['supervisor'], state: 'pending' });

    const puppet = await login('puppet.sup');
    const download = () => puppet.request('GET', `/api/evidence/${itemId}/content?download=1`);
    expect((await download()).status).toBe(403);

    // The requester cannot approve their own request, and the subject cannot approve it either.
    const approve = (by: OfficerClient) =>
      by.request('POST', `/api/role-grants/${created.grant.id}/approve`, {
        reason: 'checked with duty inspector',
      });
    expect((await approve(admin1)).status).toBe(403);
    expect((await download()).status).toBe(403);

    const approved = await json<Grant>(await approve(admin2), 200);
    expect(approved.state).toBe('approved');
    expect((await download()).status).toBe(200);
    const audit = await s.c.audit.list({ limit: 20, subjectId: created.officer.id });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['officer.create', 'officer.grant_requested', 'officer.grant_approved']),
    );
  });

  it('an admin cannot give themselves a media role, not even as a request', async () => {
    const res = await admin1.request('PUT', `/api/officers/${admin1.id}/roles`, {
      roles: ['admin', 'supervisor'],
      reason: 'I need to look at a recording',
    });
    expect(res.status).toBe(403);
    const grants = await json<{ grants: Grant[] }>(await admin2.request('GET', '/api/role-grants'), 200);
    expect(grants.grants.filter((g) => g.officerId === admin1.id && g.state === 'pending')).toEqual([]);
    const me = await json<{ officer: { roles: Role[] } }>(await admin1.request('GET', '/api/auth/me'), 200);
    expect(me.officer.roles).toEqual(['admin']);
    const refused = await s.c.audit.list({ limit: 5, subjectId: admin1.id, action: 'officer.grant_refused' });
    expect(refused[0]?.detail).toMatchObject({ roles: ['supervisor'], why: 'self-grant' });
  });

  it('granting a role to an existing account waits for approval; a refused grant never applies', async () => {
    const { client } = await account(['call-handler']);
    const body = await json<{ officer: Account; grant: Grant }>(
      await admin1.request('PUT', `/api/officers/${client.id}/roles`, {
        roles: ['call-handler', 'dpo'],
        reason: 'acting DPO',
      }),
      200,
    );
    expect(body.officer.roles).toEqual(['call-handler']);
    expect((await client.request('GET', '/api/sar/sessions?phone=07911123456')).status).toBe(403);
    await json(
      await admin2.request('POST', `/api/role-grants/${body.grant.id}/refuse`, { reason: 'not agreed' }),
      200,
    );
    expect(
      (await admin2.request('POST', `/api/role-grants/${body.grant.id}/approve`, { reason: 'oops' })).status,
    ).toBe(409);
    const me = await json<{ officer: { roles: Role[] } }>(await client.request('GET', '/api/auth/me'), 200);
    expect(me.officer.roles).toEqual(['call-handler']);
  });

  it('an approved grant closes the sockets and the new connection has the granted role', async () => {
    const { client } = await account(['call-handler']);
    const sock = await consoleSocket(client);
    const { grant } = await json<{ grant: Grant }>(
      await admin1.request('PUT', `/api/officers/${client.id}/roles`, {
        roles: ['call-handler', 'supervisor'],
        reason: 'promoted',
      }),
      200,
    );
    await stillOpen(sock);
    await json(
      await admin2.request('POST', `/api/role-grants/${grant.id}/approve`, { reason: 'confirmed' }),
      200,
    );
    expect(await sock.closedWith()).toBe(4409);
    const again = await consoleSocket(client);
    expect(again.messages[0]).toMatchObject({ officer: { roles: ['call-handler', 'supervisor'] } });
    again.close();
  });

  it('a password reset by an admin signs the officer out and holds their roles until a second admin approves', async () => {
    const { username, client } = await account(['supervisor']);
    const sock = await consoleSocket(client);
    const { officer, grant } = await json<{ officer: Account; grant: Grant }>(
      await admin1.request('POST', `/api/officers/${client.id}/password`, {
        password: 'another-long-password',
        reason: 'forgot password',
      }),
      200,
    );
    expect(officer.roles).toEqual([]);
    expect(grant).toMatchObject({ roles: ['supervisor'], state: 'pending' });
    expect(await sock.closedWith()).toBe(4403);
    expect((await client.request('GET', '/api/auth/me')).status).toBe(401);
    const fresh = await login(username, 'another-long-password');
    expect((await fresh.request('GET', '/api/retention/review-queue')).status).toBe(403);
    await json(
      await admin2.request('POST', `/api/role-grants/${grant.id}/approve`, { reason: 'confirmed' }),
      200,
    );
    expect((await fresh.request('GET', '/api/retention/review-queue')).status).toBe(200);
  });
});
