import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiRequestError, sentence } from './api-client.js';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function client(
  responses: Array<Response | Error>,
  extra: Partial<ConstructorParameters<typeof ApiClient>[0]> = {},
) {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = [];
  const fetch = vi.fn(async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    const next = responses.shift();
    if (!next) throw new Error('no more responses');
    if (next instanceof Error) throw next;
    return next;
  });
  return { api: new ApiClient({ fetch, csrfToken: () => 'tok-1', ...extra }), calls };
}

async function failure(p: Promise<unknown>): Promise<ApiRequestError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiRequestError) return err;
    throw err;
  }
  throw new Error('expected the request to fail');
}

describe('ApiClient', () => {
  it('sends the CSRF token on POST but not on GET', async () => {
    const { api, calls } = client([json(200, { sessions: [] }), json(200, { ok: true })]);
    await api.sessions();
    await api.logout();
    const header = (i: number) =>
      (calls[i]?.init?.headers as Record<string, string> | undefined)?.['x-csrf-token'];
    expect(header(0)).toBeUndefined();
    expect(header(1)).toBe('tok-1');
  });

  it('maps an invalid phone number to its code, message and field', async () => {
    const message = 'That is not a valid phone number. Check the digits.';
    const { api } = client([
      json(422, { error: { code: 'invalid_phone_number', message, fields: { phone: message } } }),
    ]);
    const err = await failure(api.createInvite({ phone: '123' }));
    expect(err.status).toBe(422);
    expect(err.code).toBe('invalid_phone_number');
    expect(err.message).toBe(message);
    expect(err.fields.phone).toBe(message);
  });

  it("turns the server's lower-case fragments into sentences", async () => {
    const { api } = client([
      json(401, { error: { code: 'unauthenticated', message: 'wrong username or password' } }),
    ]);
    const err = await failure(api.login('a', 'b'));
    expect(err.message).toBe('Wrong username or password.');
  });

  it('reports a network failure with its own code', async () => {
    const { api } = client([new TypeError('Failed to fetch')]);
    const err = await failure(api.config());
    expect(err.code).toBe('network');
    expect(err.status).toBe(0);
  });

  it('explains a non-JSON error page by its status', async () => {
    const { api } = client([new Response('<html>Bad gateway</html>', { status: 502 })]);
    const err = await failure(api.config());
    expect(err.code).toBe('bad_response');
    expect(err.message).toContain('HTTP 502');
  });

  it('gives a rate-limit message even without a JSON body', async () => {
    const { api } = client([new Response('', { status: 429 })]);
    expect((await failure(api.login('a', 'b'))).code).toBe('rate_limited');
  });

  it('signals sign-out on 401 from ordinary requests, but not from login', async () => {
    const onUnauthenticated = vi.fn();
    const body = { error: { code: 'unauthenticated', message: 'sign in first' } };
    const { api } = client([json(401, body), json(401, body)], { onUnauthenticated });
    await failure(api.login('a', 'b'));
    expect(onUnauthenticated).not.toHaveBeenCalled();
    await failure(api.sessions());
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
  });

  it('re-reads the CSRF token once and retries after csrf_failed', async () => {
    const onAuthRefreshed = vi.fn();
    const auth = { officer: { id: 'o', username: 'u', displayName: 'U', roles: [] }, csrfToken: 'tok-2' };
    const { api, calls } = client(
      [
        json(403, { error: { code: 'csrf_failed', message: 'missing or wrong CSRF token' } }),
        json(200, auth),
        json(200, { session: { id: 's1' } }),
      ],
      { onAuthRefreshed },
    );
    await api.endSession('s1');
    expect(onAuthRefreshed).toHaveBeenCalledWith(auth);
    expect(calls.map((c) => c.url)).toEqual(['/api/sessions/s1/end', '/api/auth/me', '/api/sessions/s1/end']);
  });
});

describe('sentence', () => {
  it('capitalises and ends with a full stop, leaving finished sentences alone', () => {
    expect(sentence('sign in first')).toBe('Sign in first.');
    expect(sentence('Enter the number, e.g. 07911 123456.')).toBe('Enter the number, e.g. 07911 123456.');
  });
});
