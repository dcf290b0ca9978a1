import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { DomainError } from '../lib/errors.js';

export interface MobileNumber {
  e164: string;
  /** For lists and logs: country code and last three digits only. */
  masked: string;
}

const TEXTABLE = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE', 'PERSONAL_NUMBER', undefined]);

/**
 * Ofcom's drama range, 07700 900000–900999: mobile numbers set aside for fiction and never
 * given to a real phone, so training, demos and docs can use them without texting anyone.
 * libphonenumber calls them unallocated, so they are let through here by name.
 */
const DRAMA_RANGE = /^\+447700900\d{3}$/;

/**
 * Accepts a UK national number (07911 123456, or 07700 900123 from the drama range) or any
 * E.164 number (+48 601 234 567) and returns it in E.164. Rejects numbers that cannot
 * receive a text, with a message a call handler can act on mid-call.
 */
export function parseMobileNumber(input: string, defaultRegion: string): MobileNumber {
  const cleaned = input.trim();
  if (!/^[+\d][\d\s().-]{5,30}$/.test(cleaned)) {
    throw invalid('Enter the number using digits, e.g. 07911 123456 or +44 7911 123456.');
  }
  const parsed = parsePhoneNumberFromString(cleaned, defaultRegion as CountryCode);
  if (parsed && DRAMA_RANGE.test(parsed.number)) {
    return { e164: parsed.number, masked: mask(parsed.number, parsed.countryCallingCode) };
  }
  if (!parsed?.isValid()) {
    throw invalid(
      'That is not a valid phone number. Check the digits, and add the country code (e.g. +33) for a foreign number.',
    );
  }
  const type = parsed.getType();
  if (!TEXTABLE.has(type)) {
    throw invalid(
      `That looks like a ${describe(type)} number, which cannot receive a text message. Ask for a mobile number.`,
    );
  }
  const e164 = parsed.number;
  return { e164, masked: mask(e164, parsed.countryCallingCode) };
}

function mask(e164: string, countryCode: string): string {
  const national = e164.slice(1 + countryCode.length);
  return `+${countryCode} ${'•'.repeat(Math.max(0, national.length - 3))}${national.slice(-3)}`;
}

function describe(type: string | undefined): string {
  switch (type) {
    case 'FIXED_LINE':
      return 'landline';
    case 'TOLL_FREE':
      return 'freephone';
    case 'PREMIUM_RATE':
      return 'premium-rate';
    case 'SHARED_COST':
      return 'shared-cost';
    case 'VOIP':
      return 'VoIP';
    case 'PAGER':
      return 'pager';
    default:
      return 'non-mobile';
  }
}

function invalid(message: string): DomainError {
  return new DomainError('invalid_phone_number', message, { phone: message });
}
