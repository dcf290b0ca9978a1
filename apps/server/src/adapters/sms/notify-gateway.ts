import { createRequire } from 'node:module';
import { NotifyClient } from 'notifications-node-client';
import type { Clock } from '../clock.js';
import { classifyHttpFailure } from './http-failure.js';
import type { DeliveryStatus, SendResult, SmsGateway, SmsMessage, StatusReport } from './sms-gateway.js';

export interface NotifySettings {
  /** The API key as Notify shows it: `{name}-{service id}-{secret}`. */
  apiKey: string;
  /** A template whose whole body is `((body))`: our text, in the caller's language, goes in as personalisation. */
  templateId: string;
  baseUrl: string;
  /** An SMS sender set up in Notify (its id); null uses the service's default sender. */
  senderId: string | null;
  timeoutMs: number;
  /** Set when Notify calls us back with statuses; without it they are polled. */
  callbackToken: string | null;
}

/** Notify's SMS statuses, as its API documents them, in our terms (with the reason a call handler reads). */
const STATUS: Record<string, { status: DeliveryStatus; reason?: string }> = {
  created: { status: 'queued' },
  sending: { status: 'sent' },
  pending: { status: 'sent' },
  // International texts: Notify hears nothing more from the network.
  sent: { status: 'sent' },
  delivered: { status: 'delivered' },
  'permanent-failure': { status: 'failed', reason: 'the number does not exist or cannot receive texts' },
  'temporary-failure': {
    status: 'failed',
    reason: 'the phone was off or out of coverage until the network gave up',
  },
  'technical-failure': { status: 'failed', reason: 'a technical failure at Notify or its text provider' },
  'validation-failed': { status: 'failed', reason: 'Notify refused the message' },
};

/** Maps a Notify status word; null for one we do not know (ignored rather than guessed). */
export function notifyStatus(word: string): { status: DeliveryStatus; reason: string | null } | null {
  const s = STATUS[word];
  return s ? { status: s.status, reason: s.reason ?? null } : null;
}

/**
 * GOV.UK Notify through its official client. The text goes in as the template's personalisation,
 * and our reference (idempotency key and try) as Notify's `reference`, so a text can be found by
 * it. Statuses arrive by Notify's callback (routes) or, without one, by polling.
 */
export class NotifyGateway implements SmsGateway {
  readonly name = 'notify' as const;
  readonly #client: NotifyClient;
  /** Present only without a callback: then statuses are asked for (TextDeliveries.poll). */
  readonly poll?: (providerRef: string) => Promise<StatusReport | null>;

  constructor(
    private readonly settings: NotifySettings,
    private readonly clock: Clock,
  ) {
    this.#client = new NotifyClient(settings.baseUrl, settings.apiKey);
    // The client's setClient hook takes an axios instance; this is the client's own axios, with a
    // timeout, so a hung Notify cannot hold an officer's request for ever.
    const axios = notifyAxios();
    this.#client.setClient(axios.create({ timeout: settings.timeoutMs }));
    if (!settings.callbackToken) this.poll = (ref) => this.#status(ref);
  }

  async send(message: SmsMessage): Promise<SendResult> {
    try {
      const res = await this.#client.sendSms(this.settings.templateId, message.to, {
        personalisation: { body: message.body },
        reference: message.reference,
        ...(this.settings.senderId ? { smsSenderId: this.settings.senderId } : {}),
      });
      const id = (res.data as { id?: unknown }).id;
      if (typeof id !== 'string') throw new Error('Notify answered without a notification id');
      return { providerRef: id, status: 'queued' };
    } catch (err) {
      throw classifyHttpFailure('GOV.UK Notify', err, answerOf(err));
    }
  }

  async #status(providerRef: string): Promise<StatusReport | null> {
    try {
      const res = await this.#client.getNotificationById(providerRef);
      const mapped = notifyStatus(String(res.data.status));
      if (!mapped) return null;
      return { gateway: 'notify', providerRef, ...mapped, at: this.clock.now() };
    } catch {
      return null;
    }
  }
}

/** Notify's error body: `{ status_code, errors: [{ error, message }] }`. */
function answerOf(err: unknown): { status: number; message: string } | null {
  const response = (err as { response?: { status?: number; data?: unknown } }).response;
  if (!response?.status) return null;
  const errors = (response.data as { errors?: Array<{ error?: string; message?: string }> } | undefined)
    ?.errors;
  const first = errors?.[0];
  return {
    status: response.status,
    message: first ? `${first.error ?? 'error'}: ${first.message ?? ''}`.trim() : `HTTP ${response.status}`,
  };
}

/** The axios the Notify client itself depends on (resolved from its own directory, not ours). */
function notifyAxios(): { create(config: { timeout: number }): Parameters<NotifyClient['setClient']>[0] } {
  const here = createRequire(import.meta.url);
  const fromNotify = createRequire(here.resolve('notifications-node-client'));
  const mod = fromNotify('axios') as { default?: unknown; create?: unknown };
  return (mod.default ?? mod) as ReturnType<typeof notifyAxios>;
}
