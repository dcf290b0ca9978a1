import { createHmac, randomBytes } from 'node:crypto';
import { type Behaviour, json, listen } from './http-fake.js';

/**
 * A local stand-in for Twilio's Programmable Messaging REST API, speaking its documented wire
 * format (twilio.com/docs/messaging/api/message-resource): HTTP Basic auth with the account SID
 * and auth token; POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded To, From or
 * MessagingServiceSid, Body, StatusCallback; errors as { code, message, more_info, status }.
 * Status callbacks are POSTed form-encoded and signed as Twilio signs them
 * (twilio.com/docs/usage/security): base64 HMAC-SHA1, keyed with the auth token, of the full
 * URL followed by every POST parameter name and value, sorted by name.
 */
export const TWILIO_SID = `AC${'1a2b3c4d'.repeat(4)}`;
export const TWILIO_TOKEN = 'b7c1e2d3f4a5968778695a4b3c2d1e0f';

export interface TwilioText {
  sid: string;
  to: string;
  from: string | null;
  body: string;
  statusCallback: string | null;
}

/** Twilio's signature over a callback (what X-Twilio-Signature carries). */
export function twilioSignature(token: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, k) => acc + k + params[k], url);
  return createHmac('sha1', token).update(Buffer.from(data, 'utf8')).digest('base64');
}

export async function startTwilioFake() {
  const texts: TwilioText[] = [];
  const behaviour = new Map<string, Behaviour>();
  let unauthorised = 0;

  const http = await listen((req, body, res) => {
    const expected = `Basic ${Buffer.from(`${TWILIO_SID}:${TWILIO_TOKEN}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      unauthorised++;
      return json(res, 401, {
        code: 20003,
        message: 'Authenticate',
        more_info: 'https://www.twilio.com/docs/errors/20003',
        status: 401,
      });
    }
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'POST' || url.pathname !== `/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`)
      return json(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded'))
      return json(res, 400, { code: 20001, message: 'form-encoded body expected', status: 400 });
    const form = new URLSearchParams(body);
    const to = form.get('To') ?? '';
    const what = behaviour.get(to) ?? 'accept';
    if (what === 'hang') return;
    if (what === 'refuse')
      return json(res, 400, {
        code: 21211,
        message: `The 'To' number ${to} is not a valid phone number.`,
        more_info: 'https://www.twilio.com/docs/errors/21211',
        status: 400,
      });
    const text: TwilioText = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      to,
      from: form.get('From'),
      body: form.get('Body') ?? '',
      statusCallback: form.get('StatusCallback'),
    };
    texts.push(text);
    json(res, 201, {
      sid: text.sid,
      account_sid: TWILIO_SID,
      to: text.to,
      from: text.from,
      body: text.body,
      status: 'queued',
      num_segments: '1',
      direction: 'outbound-api',
      api_version: '2010-04-01',
      error_code: null,
      error_message: null,
      date_created: new Date().toUTCString(),
      uri: `/2010-04-01/Accounts/${TWILIO_SID}/Messages/${text.sid}.json`,
    });
  });

  return {
    url: http.url,
    texts,
    get unauthorised() {
      return unauthorised;
    },
    behave(to: string, what: Behaviour) {
      behaviour.set(to, what);
    },
    /**
     * Twilio's status callback for a message, to the URL it was given. `signWith` signs with
     * another token (a forger's); `signFor` signs another URL (a replay to a different host).
     */
    async callback(
      sid: string,
      status: string,
      opts: { errorCode?: string; signWith?: string; signFor?: string; postTo?: string } = {},
    ): Promise<number> {
      const text = texts.find((t) => t.sid === sid);
      if (!text?.statusCallback) throw new Error(`no message ${sid} with a status callback`);
      const params: Record<string, string> = {
        AccountSid: TWILIO_SID,
        ApiVersion: '2010-04-01',
        From: text.from ?? '',
        MessageSid: sid,
        MessageStatus: status,
        SmsSid: sid,
        SmsStatus: status,
        To: text.to,
        ...(opts.errorCode ? { ErrorCode: opts.errorCode } : {}),
      };
      const signature = twilioSignature(
        opts.signWith ?? TWILIO_TOKEN,
        opts.signFor ?? text.statusCallback,
        params,
      );
      const res = await fetch(opts.postTo ?? text.statusCallback, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(params).toString(),
      });
      return res.status;
    },
    close: http.close,
  };
}
