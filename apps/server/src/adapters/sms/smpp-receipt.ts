import type { DeliveryStatus } from './sms-gateway.js';

/** A delivery receipt's fields (SMPP 3.4 appendix B: "id:… sub:… dlvr:… submit date:… done date:… stat:… err:… text:…"). */
export interface SmppReceipt {
  id: string;
  stat: string;
  err: string;
  status: DeliveryStatus;
  /** null when delivered or still on its way. */
  reason: string | null;
}

/** The final states of appendix B, in our terms and in words. */
const STATES: Record<string, { status: DeliveryStatus; reason?: string }> = {
  DELIVRD: { status: 'delivered' },
  ACCEPTD: { status: 'sent' },
  ENROUTE: { status: 'sent' },
  EXPIRED: { status: 'failed', reason: 'the phone could not be reached before the text expired' },
  DELETED: { status: 'failed', reason: 'the text was deleted by the network' },
  UNDELIV: { status: 'failed', reason: 'the network could not deliver it' },
  REJECTD: { status: 'failed', reason: 'the network rejected it' },
  UNKNOWN: { status: 'failed', reason: 'the network does not know what became of it' },
};

const FIELD = /(id|sub|dlvr|submit date|done date|stat|err):(\S*)/gi;

/** Parses a receipt's text; null if it is not one (a text sent to us, or garbage). */
export function parseReceipt(text: string): SmppReceipt | null {
  const fields = new Map<string, string>();
  for (const m of text.matchAll(FIELD)) {
    const key = m[1]!.toLowerCase();
    if (!fields.has(key)) fields.set(key, m[2]!);
  }
  const id = fields.get('id');
  const stat = fields.get('stat')?.toUpperCase();
  if (!id || !stat) return null;
  const err = fields.get('err') ?? '000';
  const state = STATES[stat] ?? { status: 'failed' as const, reason: `the network reported ${stat}` };
  const reason =
    state.status === 'failed' ? `${state.reason}${/^0+$/.test(err) ? '' : ` (error ${err})`}` : null;
  return { id, stat, err, status: state.status, reason };
}

/** Ids longer than this are not numbers an SMSC counts in (a UUID-like id has no other form). */
const MAX_NUMERIC_ID = 20;

/**
 * The other ways an SMSC may write a message id in a receipt: some answer submit_sm with a hex id
 * and put it in decimal in the receipt text (or the reverse), some pad with zeros or change case.
 * Tried only when the id as given matches no text (see TextDeliveries.report).
 */
export function otherIdForms(id: string): string[] {
  const forms = new Set<string>();
  if (id.length <= MAX_NUMERIC_ID) {
    if (/^[0-9]+$/.test(id)) {
      const n = BigInt(id);
      forms.add(n.toString());
      forms.add(n.toString(16));
      forms.add(n.toString(16).toUpperCase());
    }
    if (/^[0-9a-f]+$/i.test(id)) {
      const n = BigInt(`0x${id}`);
      forms.add(n.toString());
      forms.add(n.toString(16));
      forms.add(n.toString(16).toUpperCase());
    }
  }
  forms.add(id.toLowerCase());
  forms.add(id.toUpperCase());
  forms.delete(id);
  return [...forms];
}
