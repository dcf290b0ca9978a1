import { describe, expect, it } from 'vitest';
import { DomainError } from '../lib/errors.js';
import { parseMobileNumber } from './phone.js';

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

  it("accepts Ofcom's drama range (07700 900000–900999), which no real phone is given, for training and demos", () => {
    expect(parseMobileNumber('07700 900123', 'GB')).toEqual({
      e164: '+447700900123',
      masked: '+44 •••••••123',
    });
    expect(parseMobileNumber('+44 7700 900000', 'GB').e164).toBe('+447700900000');
    expect(parseMobileNumber('07700900999', 'GB').e164).toBe('+447700900999');
  });

  it('still refuses unallocated numbers just outside the drama range', () => {
    expect(() => parseMobileNumber('07700 901123', 'GB')).toThrow(/not a valid phone number/);
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
