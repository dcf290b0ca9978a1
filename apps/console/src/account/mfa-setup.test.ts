import type { MyMfaStatus } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../api/api-client.js';
import { MfaSetupStore, recoveryCodesText } from './mfa-setup-store.js';

const off: MyMfaStatus = {
  kind: 'local',
  enabled: false,
  confirmedAt: null,
  recoveryCodesLeft: 0,
  required: false,
};
const on: MyMfaStatus = { ...off, enabled: true, confirmedAt: 1, recoveryCodesLeft: 10 };

function fake() {
  let enabled = false;
  return {
    myMfa: async () => (enabled ? on : off),
    beginMfa: async () => ({ secret: 'JBSWY3DPEHPK3PXP', otpauthUrl: 'otpauth://totp/x', qrSvg: '<svg/>' }),
    confirmMfa: async (code: string) => {
      if (code !== '123456') throw new ApiRequestError(400, 'bad_request', 'That code is not right.');
      enabled = true;
      return { recoveryCodes: ['aaaaa-bbbbb', 'ccccc-ddddd'] };
    },
  };
}

describe('MfaSetupStore', () => {
  it('sets up TOTP: secret, a wrong code refused, then the recovery codes shown once', async () => {
    const store = new MfaSetupStore(fake());
    await store.load();
    expect(store.get().mfa?.enabled).toBe(false);
    await store.begin();
    expect(store.get().enrolment?.secret).toBe('JBSWY3DPEHPK3PXP');
    expect(await store.confirm('abc')).toBe(false);
    expect(store.get().error).toBe('Enter the six-digit code your authenticator app shows.');
    expect(await store.confirm('000000')).toBe(false);
    expect(store.get().error).toBe('That code is not right.');
    expect(store.get().enrolment).not.toBeNull();
    expect(await store.confirm('123456')).toBe(true);
    expect(store.get()).toMatchObject({ enrolment: null, recoveryCodes: ['aaaaa-bbbbb', 'ccccc-ddddd'] });
    expect(store.get().mfa?.enabled).toBe(true);
    store.codesSaved();
    expect(store.get().recoveryCodes).toBeNull();
  });

  it('writes the codes out with what they are for', () => {
    expect(recoveryCodesText(['aaaaa-bbbbb'], 'PC Smith')).toBe(
      'Sightline recovery codes for PC Smith\nEach code signs you in once if you lose your authenticator app. Keep them somewhere safe.\n\naaaaa-bbbbb',
    );
  });
});
