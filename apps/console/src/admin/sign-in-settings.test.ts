import type { SignInSettings } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { roleMapLines, SignInSettingsStore } from './sign-in-settings-store.js';

function fake() {
  const calls: string[] = [];
  let require = false;
  const settings = (): SignInSettings => ({
    sso: {
      configured: true,
      issuer: 'https://login.microsoftonline.com/t/v2.0',
      clientId: 'c',
      label: 'Sign in with TVP',
      scopes: 'openid profile',
      redirectUri: 'https://sightline.example/api/auth/oidc/callback',
      roleClaim: 'roles',
      roleMap: { 'Sightline.Handler': ['call-handler'], 'Sightline.Sup': ['supervisor', 'call-handler'] },
    },
    mfa: { requireForLocal: require, updatedAt: null, updatedBy: null },
    officers: [],
  });
  return {
    calls,
    api: {
      signInSettings: async () => settings(),
      setMfaPolicy: async (r: boolean, reason: string) => {
        calls.push(`policy ${r} ${reason}`);
        require = r;
        return settings().mfa;
      },
      resetMfa: async (id: string, reason: string) => {
        calls.push(`reset ${id} ${reason}`);
        return { ok: true as const, hadMfa: true };
      },
    },
  };
}

describe('SignInSettingsStore', () => {
  it('requires a reason before changing the MFA policy, then shows the new policy', async () => {
    const f = fake();
    const store = new SignInSettingsStore(f.api);
    await store.load();
    expect(await store.setPolicy(true, ' ')).toBe(false);
    expect(store.get().error).toMatch(/Say why/);
    expect(f.calls).toEqual([]);
    expect(await store.setPolicy(true, 'force policy')).toBe(true);
    expect(f.calls).toEqual(['policy true force policy']);
    expect(store.get().settings?.mfa.requireForLocal).toBe(true);
    expect(store.get().notice).toMatch(/now required/);
  });

  it("resets an officer's MFA with a reason", async () => {
    const f = fake();
    const store = new SignInSettingsStore(f.api);
    expect(await store.resetMfa('o1', 'PC Smith', 'lost phone')).toBe(true);
    expect(f.calls).toEqual(['reset o1 lost phone']);
    expect(store.get().notice).toBe('Two-step sign-in reset for PC Smith.');
  });

  it('lists the role map in words', () => {
    expect(roleMapLines({ 'Sightline.Sup': ['supervisor', 'call-handler'] })).toEqual([
      'Sightline.Sup → Supervisor, Call handler',
    ]);
  });
});
