import { describe, expect, it } from 'vitest';
import {
  newRecoveryCodes,
  newTotpSecret,
  normaliseRecoveryCode,
  otpauthUrl,
  qrSvg,
  recoveryCodeHash,
  totpCode,
  totpStep,
} from './totp.js';

const T = Date.UTC(2026, 10, 30, 8, 0, 0);

describe('TOTP', () => {
  it('accepts the current code and the neighbouring steps, nothing further', () => {
    const secret = newTotpSecret();
    const step = Math.floor(T / 30_000);
    expect(totpStep(secret, totpCode(secret, T), T)).toBe(step);
    expect(totpStep(secret, totpCode(secret, T - 30_000), T)).toBe(step - 1);
    expect(totpStep(secret, totpCode(secret, T + 30_000), T)).toBe(step + 1);
    expect(totpStep(secret, totpCode(secret, T - 90_000), T)).toBeNull();
  });

  it('refuses a code for another secret and anything that is not six digits', () => {
    const a = newTotpSecret();
    const b = newTotpSecret();
    expect(totpStep(a, totpCode(b, T), T)).toBeNull();
    expect(totpStep(a, 'abcdef', T)).toBeNull();
    expect(totpStep(a, '12345', T)).toBeNull();
  });

  it('puts the account and issuer in the otpauth URL and draws it as SVG', async () => {
    const secret = newTotpSecret();
    const url = otpauthUrl(secret, 'alice');
    expect(url).toMatch(/^otpauth:\/\/totp\/Sightline:alice\?/);
    expect(url).toContain(`secret=${secret}`);
    const svg = await qrSvg(url);
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });
});

describe('recovery codes', () => {
  it('are ten distinct codes that normalise regardless of case and dashes', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(normaliseRecoveryCode(codes[0]!.toUpperCase().replace('-', ' - '))).toBe(
      codes[0]!.replace('-', ''),
    );
  });

  it('hashes a recovery code per officer: dashes and case do not matter, another officer gets another hash', async () => {
    const [code] = newRecoveryCodes(1);
    const h = await recoveryCodeHash('officer-a', code!);
    expect(await recoveryCodeHash('officer-a', code!.toUpperCase().replace('-', ' '))).toBe(h);
    expect(await recoveryCodeHash('officer-b', code!)).not.toBe(h);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
  });
});
