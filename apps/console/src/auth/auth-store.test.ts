import { describe, expect, it } from 'vitest';
import { type ApiClient, ApiRequestError } from '../api/api-client.js';
import { AuthStore, ssoRefusalText } from './auth-store.js';

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

  it('says the identity provider withdrew access, not that the officer signed out', async () => {
    const auth = signedIn();
    await auth.login('pc.smith', 'a-long-password');
    auth.signedOutByServer('access withdrawn');
    expect(auth.get().notice).toMatch(/no longer in a group that gives access/);
  });
});

describe('AuthStore: two-step sign-in and single sign-on', () => {
  const wrongCode = new ApiRequestError(401, 'unauthenticated', 'Wrong or already used code.');

  it('asks for a code after the password and signs in only when the code is right', async () => {
    const codes: string[] = [];
    const auth = new AuthStore();
    auth.attachApi({
      login: async () => ({ mfa: 'code' }),
      mfaCode: async (code: string) => {
        codes.push(code);
        if (code !== '123456') throw wrongCode;
        return { officer, csrfToken: 't' };
      },
    } as unknown as ApiClient);
    expect(await auth.login('pc.smith', 'a-long-password')).toBe(true);
    expect(auth.get()).toMatchObject({ status: 'checking', step: 'code' });
    expect(await auth.submitCode('000000')).toBe(false);
    expect(auth.get().error).toBe(
      'That code is not right, or it was already used. Check your app and try again.',
    );
    expect(auth.get().status).not.toBe('signed-in');
    expect(await auth.submitCode(' 123456 ')).toBe(true);
    expect(codes).toEqual(['000000', '123456']);
    expect(auth.get()).toMatchObject({ status: 'signed-in', step: 'password', error: null });
  });

  it('goes back to the password, saying why, when the code step has expired', async () => {
    const auth = new AuthStore();
    auth.attachApi({
      login: async () => ({ mfa: 'code' }),
      mfaCode: async () => {
        throw new ApiRequestError(
          401,
          'unauthenticated',
          'This sign-in step has expired or was already used; start again.',
        );
      },
    } as unknown as ApiClient);
    await auth.login('pc.smith', 'a-long-password');
    await auth.submitCode('123456');
    expect(auth.get()).toMatchObject({
      step: 'password',
      notice: 'That sign-in took too long or was already finished. Sign in again.',
    });
  });

  it('holds the console back after a forced enrolment until the recovery codes are saved', async () => {
    const auth = new AuthStore();
    const enrolment = { secret: 'JBSWY3DPEHPK3PXP', otpauthUrl: 'otpauth://totp/x', qrSvg: '<svg></svg>' };
    auth.attachApi({
      login: async () => ({ mfa: 'enrol' }),
      mfaEnrolStep: async () => enrolment,
      mfaEnrolStepConfirm: async () => ({ officer, csrfToken: 't', recoveryCodes: ['aaaaa-bbbbb'] }),
    } as unknown as ApiClient);
    await auth.login('pc.smith', 'a-long-password');
    expect(auth.get().step).toBe('enrol');
    await auth.startEnrolment();
    expect(auth.get().enrolment).toEqual(enrolment);
    expect(await auth.confirmEnrolment('12')).toBe(false);
    expect(auth.get().error).toBe('Enter the six-digit code your authenticator app shows.');
    expect(await auth.confirmEnrolment('654321')).toBe(true);
    expect(auth.get()).toMatchObject({ recoveryCodes: ['aaaaa-bbbbb'] });
    expect(auth.get().status).not.toBe('signed-in');
    auth.recoveryCodesSaved();
    expect(auth.get()).toMatchObject({ status: 'signed-in', recoveryCodes: null });
    expect(auth.csrfToken).toBe('t');
  });

  it('shows the SSO button and the reason a refused officer came back', async () => {
    const auth = new AuthStore();
    auth.attachApi({
      signInOptions: async () => ({ sso: { label: 'Sign in with TVP' } }),
    } as unknown as ApiClient);
    await auth.loadOptions('?sso=no_mapped_group');
    expect(auth.get().sso).toEqual({ label: 'Sign in with TVP' });
    expect(auth.get().ssoRefused).toBe(ssoRefusalText('no_mapped_group'));
    expect(ssoRefusalText('no_mapped_group')).toMatch(/not in any group that gives access/);
    expect(ssoRefusalText('forged')).toMatch(/could not be trusted/);
  });

  it("hands back the identity provider's sign-out URL on sign-out", async () => {
    const auth = new AuthStore();
    auth.attachApi({
      login: async () => ({ officer, csrfToken: 't' }),
      logout: async () => ({ ok: true, endSessionUrl: 'https://idp.example/logout?x=1' }),
    } as unknown as ApiClient);
    await auth.login('pc.smith', 'a-long-password');
    expect(await auth.logout()).toBe('https://idp.example/logout?x=1');
    expect(auth.get()).toMatchObject({ status: 'signed-out', signedOutByUser: true });
  });

  it('sends what must go under this sign-in (the exposure log) before the server ends it', async () => {
    const order: string[] = [];
    const auth = new AuthStore();
    auth.attachApi({
      login: async () => ({ officer, csrfToken: 't' }),
      logout: async () => {
        order.push('logout');
        return { ok: true };
      },
    } as unknown as ApiClient);
    auth.beforeSignOut(async () => {
      await Promise.resolve();
      order.push('exposure sent');
    });
    await auth.login('pc.smith', 'a-long-password');
    await auth.logout();
    expect(order).toEqual(['exposure sent', 'logout']);
  });
});
