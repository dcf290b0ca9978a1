import type { AmlMethod } from '@sightline/protocol';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';

/** A network location message after validation: what the row and the console need. */
export interface ParsedAml {
  format: 'https' | 'sms';
  msisdnE164: string;
  lat: number;
  lon: number;
  radiusM: number;
  positionedAt: number;
  confidence: number | null;
  method: AmlMethod;
  altitudeM: number | null;
  emergencyNumber: string | null;
  imei: string | null;
  imsi: string | null;
  mcc: string | null;
  mnc: string | null;
}

export type AmlParseResult =
  | { ok: true; message: ParsedAml }
  | { ok: false; format: 'https' | 'sms' | null; errors: Record<string, string> };

export interface ParseOptions {
  /** The sender of an SMS-borne message (its text carries no number), as the relay reports it. */
  originator: string | null;
  /** Region for numbers sent without a country code (SIGHTLINE_PHONE_DEFAULT_REGION). */
  defaultRegion: string;
  now: number;
}

/** A handset clock this far ahead of ours is tolerated; beyond it the date is refused as bad. */
const FUTURE_SLACK_MS = 10 * 60_000;
const SMS_PREFIX = 'A"ML=';

/** Without these a message cannot be drawn or matched to a session (docs/aml.md). */
const REQUIRED = {
  https: ['location_latitude', 'location_longitude', 'location_accuracy', 'device_number'],
  sms: ['lt', 'lg', 'rd', 'top', 'pm', 'originator'],
} as const;
const REQUIRED_WHY: Record<string, string> = {
  originator: "required: the sender's number, in the X-AML-Originator header (an SMS text carries none)",
};

const decimal = /^[+-]?\d{1,3}(\.\d+)?$/;
const coordinate = (max: number) =>
  z
    .string()
    .regex(decimal, 'expected decimal degrees, e.g. +51.53321')
    .transform(Number)
    .pipe(z.number().min(-max).max(max, `must be between -${max} and ${max}`));
const metres = z
  .string()
  .regex(/^\d{1,7}(\.\d+)?$/, 'expected metres, e.g. 14 or 20.0')
  .transform(Number);
const percent = z
  .string()
  .regex(/^\d{1,3}$/, 'expected a whole percentage')
  .transform(Number)
  .pipe(z.number().max(100, 'must be 0 to 100'));
const digits = (min: number, max: number, what: string) =>
  z.string().regex(new RegExp(`^\\d{${min},${max}}$`), `expected ${what}`);
const altitude = z
  .string()
  .regex(/^[+-]?\d{1,6}(\.\d+)?$/, 'expected metres')
  .transform(Number);

/**
 * Parses an AML message in either documented form (docs/aml.md):
 * - HTTPS: `key=value` pairs joined by `&` or `;` (location_latitude, location_longitude,
 *   location_accuracy, location_time or time, device_number, …);
 * - SMS: `A"ML=1;lt=…;lg=…;rd=…;top=…;lc=…;pm=…;si=…;ei=…;mcc=…;mnc=…;ml=…`, whose sender
 *   number comes from the relay (`originator`).
 * Every problem is reported against the field that has it; nothing is guessed.
 */
export function parseAml(raw: string, o: ParseOptions): AmlParseResult {
  const text = raw.trim();
  if (text === '') return { ok: false, format: null, errors: { _: 'empty message' } };
  const format = text.startsWith(SMS_PREFIX) ? 'sms' : 'https';
  const pairs = splitPairs(text, format === 'sms' ? /;/ : /[&;]/);
  if (!pairs.ok) return { ok: false, format, errors: pairs.errors };
  const fields: Record<string, string | undefined> =
    format === 'sms' ? { ...pairs.fields, originator: o.originator ?? undefined } : pairs.fields;
  const missing: Record<string, string> = {};
  for (const key of REQUIRED[format])
    if (fields[key] === undefined) missing[key] = REQUIRED_WHY[key] ?? 'required';
  const result =
    format === 'sms'
      ? // The text carries no number: the relay's originator stands in (it wins over any in the text).
        smsSchema(o).safeParse(fields)
      : httpsSchema(o).safeParse(fields);
  if (!result.success) {
    const errors: Record<string, string> = { ...missing };
    for (const issue of result.error.issues) errors[String(issue.path[0] ?? '_')] ??= issue.message;
    return { ok: false, format, errors };
  }
  return { ok: true, message: { format, ...result.data } };
}

function splitPairs(
  text: string,
  separator: RegExp,
): { ok: true; fields: Record<string, string> } | { ok: false; errors: Record<string, string> } {
  const fields: Record<string, string> = {};
  const errors: Record<string, string> = {};
  for (const part of text.split(separator)) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) {
      errors[part.slice(0, 40)] = 'expected key=value';
      continue;
    }
    const key = part.slice(0, eq).trim();
    let value: string;
    try {
      // Percent-decoding only: '+' stays a plus (it leads E.164 numbers and signed coordinates).
      value = decodeURIComponent(part.slice(eq + 1)).trim();
    } catch {
      errors[key] = 'bad percent-encoding';
      continue;
    }
    if (key in fields) errors[key] = 'sent more than once';
    else fields[key] = value;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, fields };
}

/** Parses a handset time: ms or s since the epoch, or yyyyMMddHHmmss in UTC; refuses impossible and future dates. */
export function parseAmlTime(value: string, now: number): number | string {
  let ms: number;
  if (/^\d{14}$/.test(value)) {
    const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((i, n) =>
      Number(value.slice(i, n === 0 ? 4 : i + 2)),
    );
    ms = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
    const back = new Date(ms);
    if (
      back.getUTCFullYear() !== y ||
      back.getUTCMonth() !== mo! - 1 ||
      back.getUTCDate() !== d ||
      back.getUTCHours() !== h ||
      back.getUTCMinutes() !== mi ||
      back.getUTCSeconds() !== s
    )
      return 'not a real date and time (yyyyMMddHHmmss, UTC)';
  } else if (/^\d{13}$/.test(value)) ms = Number(value);
  else if (/^\d{10}$/.test(value)) ms = Number(value) * 1000;
  else return 'expected ms since the epoch or yyyyMMddHHmmss (UTC)';
  if (ms < Date.UTC(2010, 0, 1)) return 'before 2010: not a handset position time';
  if (ms > now + FUTURE_SLACK_MS) return 'in the future';
  return ms;
}

const time = (now: number) =>
  z.string().transform((v, ctx) => {
    const t = parseAmlTime(v, now);
    if (typeof t === 'string') {
      ctx.addIssue({ code: 'custom', message: t });
      return z.NEVER;
    }
    return t;
  });

const phone = (region: string) =>
  z.string().transform((v, ctx) => {
    const parsed = /^[+\d][\d\s().-]{5,30}$/.test(v)
      ? parsePhoneNumberFromString(v.startsWith('00') ? `+${v.slice(2)}` : v, region as CountryCode)
      : undefined;
    // The drama range (07700 900xxx) is not "valid" to libphonenumber but is what tests and training use.
    if (!parsed || (!parsed.isValid() && !/^\+447700900\d{3}$/.test(parsed.number))) {
      ctx.addIssue({ code: 'custom', message: 'not a phone number (E.164, e.g. +447700900123)' });
      return z.NEVER;
    }
    return parsed.number;
  });

const HTTPS_METHODS: Record<string, AmlMethod> = {
  gps: 'gnss',
  gnss: 'gnss',
  agps: 'gnss',
  wifi: 'wifi',
  cell: 'cell',
  fused: 'fused',
  flp: 'fused',
  hybrid: 'fused',
};

/** The HTTPS form's fields. Keys we do not know are kept in the raw evidence, not parsed. */
function httpsSchema(o: ParseOptions) {
  return z
    .object({
      v: z.string().max(16).optional(),
      emergency_number: z
        .string()
        .regex(/^[\d*#+]{2,16}$/, 'expected the dialled digits')
        .optional(),
      time: time(o.now).optional(),
      location_latitude: coordinate(90),
      location_longitude: coordinate(180),
      location_accuracy: metres,
      location_time: time(o.now).optional(),
      location_source: z.string().max(32).optional(),
      location_certainty: percent.optional(),
      location_confidence: percent.optional(),
      location_altitude: altitude.optional(),
      device_number: phone(o.defaultRegion),
      device_imei: digits(14, 16, 'an IMEI (14 to 16 digits)').optional(),
      device_imsi: digits(6, 15, 'an IMSI (up to 15 digits)').optional(),
      network_mcc: digits(3, 3, 'a 3-digit MCC').optional(),
      network_mnc: digits(2, 3, 'a 2- or 3-digit MNC').optional(),
      cell_network_mcc: digits(3, 3, 'a 3-digit MCC').optional(),
      cell_network_mnc: digits(2, 3, 'a 2- or 3-digit MNC').optional(),
    })
    .passthrough()
    .superRefine((m, ctx) => {
      if (m.location_time === undefined && m.time === undefined)
        ctx.addIssue({ code: 'custom', path: ['location_time'], message: 'required (or time)' });
    })
    .transform((m) => ({
      msisdnE164: m.device_number,
      lat: m.location_latitude,
      lon: m.location_longitude,
      radiusM: m.location_accuracy,
      // The positioning time; the call's start (`time`) only when the handset sent no other.
      positionedAt: (m.location_time ?? m.time)!,
      confidence: m.location_certainty ?? m.location_confidence ?? null,
      method: HTTPS_METHODS[(m.location_source ?? '').toLowerCase()] ?? ('unknown' as const),
      altitudeM: m.location_altitude ?? null,
      emergencyNumber: m.emergency_number ?? null,
      imei: m.device_imei ?? null,
      imsi: m.device_imsi ?? null,
      mcc: m.network_mcc ?? m.cell_network_mcc ?? null,
      mnc: m.network_mnc ?? m.cell_network_mnc ?? null,
    }));
}

const SMS_METHODS: Record<string, AmlMethod> = { G: 'gnss', W: 'wifi', C: 'cell' };

/** The SMS form's fields (the ELS V1 / ETSI layout). `pm=N` means the handset had no position. */
function smsSchema(o: ParseOptions) {
  return z
    .object({
      'A"ML': z.literal('1', { message: 'only version 1 is documented' }),
      lt: coordinate(90),
      lg: coordinate(180),
      rd: metres,
      top: time(o.now),
      lc: percent.optional(),
      pm: z.enum(['G', 'W', 'C', 'N'], { message: 'expected G, W, C or N' }).refine((v) => v !== 'N', {
        message: 'N: the handset had no position to send',
      }),
      si: digits(6, 15, 'an IMSI (up to 15 digits)').optional(),
      ei: digits(14, 16, 'an IMEI (14 to 16 digits)').optional(),
      mcc: digits(3, 3, 'a 3-digit MCC').optional(),
      mnc: digits(2, 3, 'a 2- or 3-digit MNC').optional(),
      ml: z
        .string()
        .regex(/^\d{1,4}$/, 'expected the message length')
        .optional(),
      originator: phone(o.defaultRegion),
    })
    .passthrough()
    .transform((m) => ({
      msisdnE164: m.originator,
      lat: m.lt,
      lon: m.lg,
      radiusM: m.rd,
      positionedAt: m.top,
      confidence: m.lc ?? null,
      method: SMS_METHODS[m.pm] ?? ('unknown' as const),
      altitudeM: null,
      emergencyNumber: null,
      imei: m.ei ?? null,
      imsi: m.si ?? null,
      mcc: m.mcc ?? null,
      mnc: m.mnc ?? null,
    }));
}
