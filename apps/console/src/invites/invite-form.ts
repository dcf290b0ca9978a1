import type { SessionSummary } from '@sightline/protocol';
import { type ApiClient, ApiRequestError, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';

export interface InviteResult {
  session: SessionSummary;
  link: string;
  /** What was typed, so the confirmation can say who was texted. */
  phone: string;
}

export interface InviteFormState {
  phone: string;
  reference: string;
  sending: boolean;
  errors: { phone?: string; reference?: string; form?: string };
  result: InviteResult | null;
}

const EMPTY: InviteFormState = { phone: '', reference: '', sending: false, errors: {}, result: null };

// Mirrors IncidentReference in @sightline/protocol, so the handler hears about a typo before sending.
const REFERENCE_OK = /^[\p{L}\p{N} ./:#_-]*$/u;

/** Checks what can be checked without the server; the server still has the last word on the number. */
export function validateInvite(phone: string, reference: string): InviteFormState['errors'] {
  const errors: InviteFormState['errors'] = {};
  if (!phone.trim()) errors.phone = "Enter the caller's mobile number.";
  else if (phone.trim().length > 32) errors.phone = 'That is too long for a phone number.';
  const ref = reference.trim();
  if (ref.length > 64) errors.reference = 'Use at most 64 characters.';
  else if (!REFERENCE_OK.test(ref)) errors.reference = 'Use letters, numbers, spaces and . / : # _ - only.';
  return errors;
}

/** Maps a failed invite to the field it concerns, so the message sits under the right box. */
export function inviteErrors(err: unknown): InviteFormState['errors'] {
  if (!(err instanceof ApiRequestError)) return { form: errorMessage(err) };
  if (err.code === 'invalid_phone_number') return { phone: err.fields.phone ?? err.message };
  if (err.code === 'bad_request' && (err.fields.phone || err.fields.reference)) {
    const out: InviteFormState['errors'] = {};
    if (err.fields.phone) out.phone = sentenceCase(err.fields.phone);
    if (err.fields.reference) out.reference = sentenceCase(err.fields.reference);
    return out;
  }
  if (err.code === 'forbidden') return { form: 'Your role does not allow sending links.' };
  return { form: err.message };
}

const sentenceCase = (m: string): string => {
  const t = m.trim();
  return t ? `${t.charAt(0).toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}` : t;
};

/** The "send a link" form: the call handler's first action on every call. */
export class InviteForm extends Store<InviteFormState> {
  constructor(
    private readonly api: Pick<ApiClient, 'createInvite'>,
    private readonly onCreated: (s: SessionSummary) => void = () => {},
  ) {
    super(EMPTY);
  }

  setPhone(phone: string): void {
    // Typing again means the old error no longer describes what is in the box.
    const { phone: _old, ...rest } = this.get().errors;
    this.patch({ phone, errors: rest });
  }

  setReference(reference: string): void {
    const { reference: _old, ...rest } = this.get().errors;
    this.patch({ reference, errors: rest });
  }

  /** Sends the link; resolves true on success. */
  async submit(): Promise<boolean> {
    const { phone, reference, sending } = this.get();
    if (sending) return false;
    const errors = validateInvite(phone, reference);
    if (Object.keys(errors).length) {
      this.patch({ errors });
      return false;
    }
    this.patch({ sending: true, errors: {} });
    try {
      const ref = reference.trim();
      const res = await this.api.createInvite({ phone: phone.trim(), ...(ref ? { reference: ref } : {}) });
      this.onCreated(res.session);
      this.set({ ...EMPTY, result: { session: res.session, link: res.link, phone: phone.trim() } });
      return true;
    } catch (err) {
      this.patch({ sending: false, errors: inviteErrors(err) });
      return false;
    }
  }

  /** Forgets everything (sign-out). */
  reset(): void {
    this.set(EMPTY);
  }

  /** Hides the last confirmation (e.g. "send another"). */
  clearResult(): void {
    this.patch({ result: null });
  }
}
