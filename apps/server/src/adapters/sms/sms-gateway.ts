/** One text message to send. */
export interface SmsMessage {
  to: string;
  /** Alphanumeric sender ID the phone shows (configured per force). */
  from: string;
  body: string;
  sessionId: string | null;
  /** The secret part of the body (the caller's link), so a gateway that keeps a copy can mask it. */
  secret?: string;
}

/** Sends text messages. Implementations: the outbox (no account needed); real providers later. */
export interface SmsGateway {
  readonly name: string;
  /** Resolves once the provider accepted the message; rejects with a reason otherwise. */
  send(message: SmsMessage): Promise<{ providerRef: string }>;
}
