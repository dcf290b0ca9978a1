import type { SessionSummary, TextDelivery, TextStatus } from '@sightline/protocol';

/** Providers by the names a control room knows them. */
const GATEWAY: Record<string, string> = {
  outbox: 'the outbox',
  notify: 'GOV.UK Notify',
  twilio: 'Twilio',
  smpp: 'the SMS centre (SMPP)',
};

export const gatewayName = (g: string): string => GATEWAY[g] ?? g;

const LABEL: Record<TextStatus, string> = {
  queued: 'Text queued',
  sent: 'Text sent',
  delivered: 'Text delivered',
  failed: 'Text failed',
};

/** The badge's words: the status itself, never colour alone. */
export function textLabel(t: TextDelivery): string {
  return t.status === 'failed' && t.uncertain ? 'Text not confirmed' : LABEL[t.status];
}

/** One line saying what happened to a text, by which route, and why it failed if it did. */
export function textDetail(t: TextDelivery): string {
  const by = `by ${gatewayName(t.gateway)}`;
  const which = t.attempt > 1 ? `Text ${t.attempt} ${by}` : `Text ${by}`;
  switch (t.status) {
    case 'queued':
      return `${which}: waiting for the provider to send it.`;
    case 'sent':
      return `${which}: sent, not yet confirmed on the phone.`;
    case 'delivered':
      return `${which}: delivered to the phone.`;
    case 'failed':
      return t.uncertain
        ? `${which}: no answer in time. It may still arrive; send again only if the caller has nothing.`
        : `${which} failed: ${t.reason ?? 'no reason given'}.`;
  }
}

/**
 * Whether the handler can send the link again: only while it is unopened and unexpired (it
 * works once), and the server agrees (it checks the same and the number's limit).
 */
export function canResend(s: SessionSummary, now: number): boolean {
  return s.state === 'sent' && s.expiresAt > now;
}

/** A text that needs the handler: failed, or failed and uncertain. */
export const needsAttention = (t: TextDelivery | null): boolean => t?.status === 'failed';

/** Changes when anything the console shows about a session's newest text changes. */
export const textVersion = (t: TextDelivery | null): string =>
  t ? `${t.id}:${t.status}:${t.updatedAt}` : '';
