import { describe, expect, it } from 'vitest';
import { DomainError } from '../lib/errors.js';
import { parseMobileNumber } from './phone.js';

// Ofcom's drama range (07700 900xxx) is rejected by libphonenumber as unallocated, so tests use ordinary-looking numbers.
describe('parseMobileNumber', () => {
  it('accepts a UK national mobile number and returns E.164', () => {
    expect(parseMobileNumber('07911 123456', 'GB')).toEqual({
      e164: '+447911123456',
      masked: '+44 •••••••456',
    });
  });

  it('accepts E.164 with spaces, and foreign mobiles', () => {
    expect(parseMobileNumber('+44 7911 123456', 'GB').e164).toBe('+447911123456');
    expect(parseMobileNumber('+48 601 234 567', 'GB').e164).toBe('+48601234567');
  });

  it.each([
    ['letters', 'call me'],
    ['too short', '0770'],
    ['too long', '077009001234567'],
    ['a script', '<script>'],
    ['an empty string', ''],
  ])('rejects %s with invalid_phone_number', (_label, input) => {
    expect(() => parseMobileNumber(input, 'GB')).toThrow(DomainError);
    try {
      parseMobileNumber(input, 'GB');
    } catch (err) {
      expect((err as DomainError).code).toBe('invalid_phone_number');
    }
  });

  it('rejects a UK landline because it cannot receive a text', () => {
    expect(() => parseMobileNumber('020 7946 0123', 'GB')).toThrow(/landline/);
  });
});
