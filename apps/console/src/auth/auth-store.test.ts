import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../api/api-client.js';
import { AuthStore } from './auth-store.js';

const officer = { id: 'o1', username: 'pc.smith', displayName: 'PC Smith', roles: ['call-handler' as const] };

function signedIn(): AuthStore {
  const auth = new AuthStore();
  auth.attachApi({
    login: async () => ({ officer, csrfToken: 't' }),
  } as unknown as ApiClient);
  return auth;
}

describe('AuthStore', () => {
  it('shows the signed-out page with the reason when the server ends the sign-in', async () => {
    const auth = signedIn();
    await auth.login('pc.smith', 'a-long-password');
    auth.signedOutByServer('account disabled');
    expect(auth.get()).toMatchObject({
      status: 'signed-out',
      auth: null,
      notice: 'Your account has been disabled. Ask an administrator if you need access.',
    });
    expect(auth.csrfToken).toBeNull();
  });

  it('says a sign-out in another window signed this one out too', async () => {
    const auth = signedIn();
    await auth.login('pc.smith', 'a-long-password');
    auth.signedOutByServer('signed out');
    expect(auth.get().notice).toBe('You signed out in another window, so you are signed out here too.');
  });
});
