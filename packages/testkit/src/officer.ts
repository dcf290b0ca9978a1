import { PASSWORD } from './server.js';

export interface OfficerApi {
  cookie: string;
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** The raw response, for downloads and status checks. */
  raw(method: string, path: string, body?: unknown): Promise<Response>;
}

/** Signs in over HTTP as one of the accounts startSightline creates (handler, supervisor, admin, dpo). */
export async function officerApi(url: string, username = 'handler'): Promise<OfficerApi> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('sl_sid='))!
    .split(';')[0]!;
  const raw = (method: string, path: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    cookie,
    raw,
    async request<T>(method: string, path: string, body?: unknown) {
      const r = await raw(method, path, body);
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
      return (await r.json()) as T;
    },
  };
}
