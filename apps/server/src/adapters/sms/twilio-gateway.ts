import twilio from 'twilio';
import type { Clock } from '../clock.js';
import { classifyHttpFailure } from './http-failure.js';
import type { DeliveryStatus, SendResult, SmsGateway, SmsMessage, StatusReport } from './sms-gateway.js';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** A Twilio number or alphanumeric sender ID; ignored when a messaging service is set. */
  from: string;
  messagingServiceSid: string | null;
  /** Where Twilio posts status callbacks: our public URL's /api/sms/twilio/status. */
  statusCallback: string;
  /** null: api.twilio.com. Set (tests), every request goes to this origin instead. */
  apiBase: string | null;
  timeoutMs: number;
}

/** Twilio's message statuses in our terms. */
const STATUS: Record<string, DeliveryStatus> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'sent',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
  canceled: 'failed',
};

/** The error codes a call handler may see, in words (twilio.com/docs/api/errors). */
const ERRORS: Record<string, string> = {
  '30003': 'the phone is switched off or out of coverage',
  '30004': 'the number has blocked texts',
  '30005': 'the number does not exist',
  '30006': 'the number is a landline or its network cannot take texts',
  '30007': 'the network filtered the text as spam',
  '30008': 'the network could not deliver it (unknown error)',
  '21211': 'not a valid mobile number',
  '21610': 'the number has replied STOP to texts from this sender',
  '21614': 'not a mobile number',
};

/** Maps a Twilio status and error code; null for a status we do not know. */
export function twilioStatus(
  word: string,
  errorCode: string | null,
): { status: DeliveryStatus; reason: string | null } | null {
  const status = STATUS[word];
  if (!status) return null;
  if (status !== 'failed') return { status, reason: null };
  const known = errorCode ? ERRORS[errorCode] : undefined;
  return {
    status,
    reason: known ?? (errorCode ? `Twilio error ${errorCode} (${word})` : `Twilio reported it ${word}`),
  };
}

/**
 * The official client's own HTTP client, sending every request to another origin. Twilio's client
 * takes an `httpClient` (its documented extension point); edge and region only change the host
 * name under twilio.com, so this is how the tests point it at a local server speaking Twilio's API.
 */
function originClient(origin: string, timeoutMs: number): twilio.RequestClient {
  const client = new twilio.RequestClient({ timeout: timeoutMs });
  const send = client.request.bind(client);
  client.request = (opts) => {
    const uri = new URL(opts.uri);
    const base = new URL(origin);
    uri.protocol = base.protocol;
    uri.host = base.host;
    return send({ ...opts, uri: uri.toString() });
  };
  return client;
}

/** Twilio Programmable Messaging through the official client; statuses arrive by signed callback. */
export class TwilioGateway implements SmsGateway {
  readonly name = 'twilio' as const;
  readonly #client: twilio.Twilio;

  constructor(
    private readonly settings: TwilioSettings,
    private readonly clock: Clock,
  ) {
    this.#client = twilio(settings.accountSid, settings.authToken, {
      // Never retried by the client: a second POST could be a second text (see SmsSendError).
      autoRetry: false,
      timeout: settings.timeoutMs,
      ...(settings.apiBase ? { httpClient: originClient(settings.apiBase, settings.timeoutMs) } : {}),
    });
  }

  async send(message: SmsMessage): Promise<SendResult> {
    const s = this.settings;
    try {
      const res = await this.#client.messages.create({
        to: message.to,
        body: message.body,
        ...(s.messagingServiceSid ? { messagingServiceSid: s.messagingServiceSid } : { from: s.from }),
        statusCallback: s.statusCallback,
      });
      return { providerRef: res.sid, status: twilioStatus(res.status, null)?.status ?? 'queued' };
    } catch (err) {
      throw classifyHttpFailure('Twilio', err, answerOf(err));
    }
  }

  /** Status from a callback already checked by verifyTwilioCallback. */
  report(params: Record<string, string>): StatusReport | null {
    const ref = params.MessageSid ?? params.SmsSid;
    const mapped = twilioStatus(params.MessageStatus ?? params.SmsStatus ?? '', params.ErrorCode || null);
    if (!ref || !mapped) return null;
    return { gateway: 'twilio', providerRef: ref, ...mapped, at: this.clock.now() };
  }

  /** True if the request carries Twilio's signature over our public callback URL and its parameters. */
  verify(signature: string | undefined, params: Record<string, string>): boolean {
    if (!signature) return false;
    return twilio.validateRequest(this.settings.authToken, signature, this.settings.statusCallback, params);
  }
}

/** A RestException carries Twilio's status and message. */
function answerOf(err: unknown): { status: number; message: string } | null {
  if (!(err instanceof twilio.RestException)) return null;
  return { status: err.status, message: `${err.code ?? ''} ${err.message}`.trim() };
}
