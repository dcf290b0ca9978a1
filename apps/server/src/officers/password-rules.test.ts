import { describe, expect, it } from 'vitest';
import { DomainError } from '../lib/errors.js';
import { assertStrongPassword, weakPasswordReason } from './password-rules.js';

const owner = { username: 'sgt.jones', displayName: 'Sergeant Alice Jones' };

describe('weakPasswordReason', () => {
  it('refuses passwords from the common-password list, however decorated', () => {
    for (const p of [
      'qwertyuiop123',
      '1qaz2wsx3edc',
      'Password1234!',
      '!!P@ssw0rd2024',
      'iloveyou2025',
      'Football1234',
    ]) {
      expect(weakPasswordReason(p, owner), p).toMatch(/common password/);
    }
  });

  it("refuses the officer's own username or name and the service's words", () => {
    expect(weakPasswordReason('my-sgt.jones-secret', owner)).toMatch(/username or name/);
    expect(weakPasswordReason('winter-alice-kettle', owner)).toMatch(/username or name/);
    expect(weakPasswordReason('Sightline-rocks-99', owner)).toMatch(/"sightline" or "police"/);
    expect(weakPasswordReason('metropolitan-p0lice', owner)).toMatch(/"sightline" or "police"/);
  });

  it('refuses repeats and keyboard sequences', () => {
    expect(weakPasswordReason('abcabcabcabc', owner)).toMatch(/repeats/);
    expect(weakPasswordReason('zzzzzzzzzzzz', owner)).toMatch(/repeats|common/);
    expect(weakPasswordReason('asdfghjklzxc', owner)).toMatch(/sequence|common/);
    expect(weakPasswordReason('cdefghijklmnop', owner)).toMatch(/sequence/);
  });

  it('accepts a long password that is none of these', () => {
    expect(weakPasswordReason('a-long-test-password', owner)).toBeNull();
    expect(
      weakPasswordReason('e2e-officer-password', { username: 'handler', displayName: 'E2E handler' }),
    ).toBeNull();
    expect(weakPasswordReason('correct horse battery staple', owner)).toBeNull();
    expect(weakPasswordReason('Tq8!vR2m#pL9', owner)).toBeNull();
  });

  it('is raised as a bad request naming the password field', () => {
    try {
      assertStrongPassword('Password1234!', owner);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('bad_request');
      expect((e as DomainError).fields?.password).toMatch(/common password/);
    }
  });
});
