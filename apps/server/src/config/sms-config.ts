import { readFileSync } from 'node:fs';
import { z } from 'zod';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? null : v.trim()));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const Gateway = z.enum(['outbox', 'notify', 'twilio', 'smpp']);
const httpUrl = (what: string) =>
  optional.pipe(z.url({ protocol: /^https?$/, message: `an http(s) URL (${what})` }).nullable());

/** The SMS gateway settings; config.ts spreads these into its schema. */
export const SMS_ENV = {
  SMS_GATEWAY: Gateway.default('outbox'),
  SMS_FALLBACK_GATEWAY: optional.pipe(Gateway.nullable()),
  // How long a provider may take to accept a text; past it the send is "ambiguous" (never retried on its own).
  SMS_TIMEOUT_SECONDS: int(1, 120).default(15),
  NOTIFY_API_KEY: optional,
  NOTIFY_TEMPLATE_ID: optional.pipe(z.uuid('a template id (UUID)').nullable()),
  NOTIFY_BASE_URL: httpUrl('Notify API').transform((v) => v ?? 'https://api.notifications.service.gov.uk'),
  NOTIFY_SMS_SENDER_ID: optional.pipe(z.uuid('an SMS sender id (UUID)').nullable()),
  NOTIFY_CALLBACK_TOKEN: optional,
  TWILIO_ACCOUNT_SID: optional.pipe(
    z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'AC followed by 32 hex digits')
      .nullable(),
  ),
  TWILIO_AUTH_TOKEN: optional,
  TWILIO_FROM: optional,
  TWILIO_MESSAGING_SERVICE_SID: optional.pipe(
    z
      .string()
      .regex(/^MG[0-9a-fA-F]{32}$/, 'MG followed by 32 hex digits')
      .nullable(),
  ),
  TWILIO_API_BASE: httpUrl('tests only'),
  SMPP_URL: optional.pipe(
    z
      .string()
      .regex(/^s?smpp:\/\/[^\s/]+:\d+\/?$/, 'smpp://host:port or ssmpp://host:port')
      .nullable(),
  ),
  SMPP_SYSTEM_ID: optional.pipe(z.string().max(15, 'at most 15 characters (SMPP 3.4)').nullable()),
  SMPP_PASSWORD: optional.pipe(z.string().max(8, 'at most 8 characters (SMPP 3.4)').nullable()),
  SMPP_SYSTEM_TYPE: z.string().max(12).default(''),
  SMPP_SOURCE_ADDR: optional.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9 ]{1,11}$|^\+?\d{3,15}$/, 'an alphanumeric sender (11) or a number')
      .nullable(),
  ),
  SMPP_ENQUIRE_LINK_SECONDS: int(5, 600).default(30),
  SMPP_TLS_CA: optional,
};

type SmsEnv = { [K in keyof typeof SMS_ENV]: z.infer<(typeof SMS_ENV)[K]> };
export type GatewayName = z.infer<typeof Gateway>;

/** Each gateway's settings, present only when that gateway is in use. */
export interface SmsGatewaysConfig {
  primary: GatewayName;
  fallback: GatewayName | null;
  timeoutMs: number;
  notify: {
    apiKey: string;
    templateId: string;
    baseUrl: string;
    senderId: string | null;
    /** null: no callback configured, so statuses are polled. */
    callbackToken: string | null;
  } | null;
  twilio: {
    accountSid: string;
    authToken: string;
    from: string;
    messagingServiceSid: string | null;
    apiBase: string | null;
    statusCallback: string;
  } | null;
  smpp: {
    url: string;
    systemId: string;
    password: string;
    systemType: string;
    sourceAddr: string | null;
    enquireLinkMs: number;
    tlsCa: string | null;
  } | null;
}

/** Checks that each configured gateway has what it needs, naming the missing keys. */
export function shapeSmsGateways(
  e: SmsEnv,
  publicUrl: URL,
  fail: (message: string) => Error,
): SmsGatewaysConfig {
  if (e.SMS_FALLBACK_GATEWAY === e.SMS_GATEWAY)
    throw fail('SIGHTLINE_SMS_FALLBACK_GATEWAY: must differ from SIGHTLINE_SMS_GATEWAY');
  const used = new Set([e.SMS_GATEWAY, e.SMS_FALLBACK_GATEWAY]);
  const need = (gateway: string, keys: Array<keyof SmsEnv>) => {
    const missing = keys.filter((k) => e[k] === null || e[k] === '');
    if (missing.length)
      throw fail(
        `${missing.map((k) => `SIGHTLINE_${k}`).join(', ')}: required for the ${gateway} SMS gateway`,
      );
  };
  let notify: SmsGatewaysConfig['notify'] = null;
  if (used.has('notify')) {
    need('notify', ['NOTIFY_API_KEY', 'NOTIFY_TEMPLATE_ID']);
    // {key name}-{service id (UUID)}-{secret (UUID)}: the client reads both UUIDs from the end.
    if (!/-[0-9a-f-]{36}-[0-9a-f-]{36}$/i.test(e.NOTIFY_API_KEY!))
      throw fail('SIGHTLINE_NOTIFY_API_KEY: expected the key as Notify shows it (name-serviceid-secret)');
    notify = {
      apiKey: e.NOTIFY_API_KEY!,
      templateId: e.NOTIFY_TEMPLATE_ID!,
      baseUrl: e.NOTIFY_BASE_URL.replace(/\/$/, ''),
      senderId: e.NOTIFY_SMS_SENDER_ID,
      callbackToken: e.NOTIFY_CALLBACK_TOKEN,
    };
  }
  let twilio: SmsGatewaysConfig['twilio'] = null;
  if (used.has('twilio')) {
    need('twilio', ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN']);
    twilio = {
      accountSid: e.TWILIO_ACCOUNT_SID!,
      authToken: e.TWILIO_AUTH_TOKEN!,
      // Unset: the sender ID every gateway uses (SIGHTLINE_SMS_SENDER_ID).
      from: e.TWILIO_FROM ?? '',
      messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID,
      apiBase: e.TWILIO_API_BASE,
      // Twilio signs the exact URL it calls, so it is fixed from the public URL, never from a request.
      statusCallback: new URL('/api/sms/twilio/status', publicUrl).toString(),
    };
  }
  let smpp: SmsGatewaysConfig['smpp'] = null;
  if (used.has('smpp')) {
    need('smpp', ['SMPP_URL', 'SMPP_SYSTEM_ID', 'SMPP_PASSWORD']);
    let tlsCa: string | null = null;
    if (e.SMPP_TLS_CA) {
      try {
        tlsCa = readFileSync(e.SMPP_TLS_CA, 'utf8');
      } catch {
        throw fail(`SIGHTLINE_SMPP_TLS_CA: cannot read ${e.SMPP_TLS_CA}`);
      }
    }
    smpp = {
      url: e.SMPP_URL!,
      systemId: e.SMPP_SYSTEM_ID!,
      password: e.SMPP_PASSWORD!,
      systemType: e.SMPP_SYSTEM_TYPE,
      sourceAddr: e.SMPP_SOURCE_ADDR,
      enquireLinkMs: e.SMPP_ENQUIRE_LINK_SECONDS * 1000,
      tlsCa,
    };
  }
  return {
    primary: e.SMS_GATEWAY,
    fallback: e.SMS_FALLBACK_GATEWAY,
    timeoutMs: e.SMS_TIMEOUT_SECONDS * 1000,
    notify,
    twilio,
    smpp,
  };
}
