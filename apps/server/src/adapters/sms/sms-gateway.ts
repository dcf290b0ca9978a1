/** The gateways a force can configure (SIGHTLINE_SMS_GATEWAY, SIGHTLINE_SMS_FALLBACK_GATEWAY). */
export type GatewayName = 'outbox' | 'notify' | 'twilio' | 'smpp';

/** Where a text stands: accepted by us, taken by the provider, on the phone, or not going to arrive. */
export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'failed';

/** One text message to send. */
export interface SmsMessage {
  to: string;
  /** Alphanumeric sender ID the phone shows (configured per force). */
  from: string;
  body: string;
  sessionId: string | null;
  /** The secret part of the body (the caller's link), so a gateway that keeps a copy can mask it. */
  secret?: string;
  /** Ours for this one attempt (idempotency key and try); providers that keep a client reference get it. */
  reference: string;
}

/** What a provider answered when it took a text. */
export interface SendResult {
  providerRef: string;
  /** `sent`: the provider took it; some answer `delivered` or `queued` straight away. */
  status: DeliveryStatus;
}

/**
 * Why a send failed, which decides what may happen next:
 * - `refused`: the provider answered "no" (bad number, bad credentials, rate limit): nothing was sent.
 * - `unreachable`: the request never reached the provider (connection refused, DNS, TLS, not bound).
 * - `ambiguous`: the request may have been taken (timeout after sending, connection lost, 5xx): the
 *   text may still arrive, so it is never retried on its own; see docs/deployment.md.
 */
export type SendFailureKind = 'refused' | 'unreachable' | 'ambiguous';

/** A failed send, with a reason a call handler can read. */
export class SmsSendError extends Error {
  override name = 'SmsSendError';
  constructor(
    readonly kind: SendFailureKind,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }

  /** Safe to send again, here or by the fallback: the provider certainly did not take it. */
  get definite(): boolean {
    return this.kind !== 'ambiguous';
  }
}

/** A status the provider reported later (callback, receipt or poll). */
export interface StatusReport {
  gateway: GatewayName;
  providerRef: string;
  /**
   * Our reference for the attempt (SmsMessage.reference) when the provider gives it back: it
   * finds a text whose send timed out, so the provider's id was never stored.
   */
  reference?: string | null;
  /** Other spellings of providerRef (an SMSC's hex or decimal id), tried only if it matches no text. */
  otherRefs?: string[];
  status: DeliveryStatus;
  /** For failures: the provider's reason in words. */
  reason: string | null;
  at: number;
}

/** Sends text messages. Implementations: the outbox (no account needed), Notify, Twilio, SMPP. */
export interface SmsGateway {
  readonly name: GatewayName;
  /** Resolves once the provider accepted the message; rejects with an SmsSendError otherwise. */
  send(message: SmsMessage): Promise<SendResult>;
  /** Gateways that report status on their own (SMPP receipts) call this; the others are told by routes. */
  onStatus?(listener: (report: StatusReport) => void): void;
  /** Asks the provider where a text stands (Notify without callbacks); null if it cannot say. */
  poll?(providerRef: string): Promise<StatusReport | null>;
  start?(): Promise<void>;
  close?(): Promise<void>;
}
