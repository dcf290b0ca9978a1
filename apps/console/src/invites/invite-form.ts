import type { CreateInviteRequest, Language, SessionMode, SessionSummary } from '@sightline/protocol';
import { type ApiClient, ApiRequestError, type Body, errorMessage } from '../api/api-client.js';
import { LOCATION_MINUTES } from '../lib/session-options.js';
import { Store } from '../lib/store.js';
import {
  EMPTY_WORKFLOW,
  type InviteWorkflowFields,
  MISSING_PERSON_DEFAULT_MINUTES,
  MISSING_PERSON_MAX_MINUTES,
  validateWorkflow,
  type WorkflowErrors,
  workflowRequest,
} from './invite-workflow.js';

export interface InviteResult {
  session: SessionSummary;
  link: string;
  /** What was typed, so the confirmation can say who was texted. */
  phone: string;
}

export interface InviteFormState extends InviteWorkflowFields {
  phone: string;
  reference: string;
  mode: SessionMode;
  language: Language;
  /** As typed (a number input's text), checked on submit; used only for location-only links. */
  locationMinutes: string;
  /** How long the unopened link works, in minutes as typed; blank: the force's default. */
  validMinutes: string;
  sending: boolean;
  errors: {
    phone?: string;
    reference?: string;
    locationMinutes?: string;
    validMinutes?: string;
    form?: string;
  } & WorkflowErrors;
  result: InviteResult | null;
}

// Defaults are what most calls need, so a handler under pressure types a number and presses Enter.
const EMPTY: InviteFormState = {
  phone: '',
  reference: '',
  mode: 'video',
  language: 'en',
  locationMinutes: String(LOCATION_MINUTES.default),
  validMinutes: '',
  ...EMPTY_WORKFLOW,
  sending: false,
  errors: {},
  result: null,
};

// Mirrors IncidentReference in @sightline/protocol, so the handler hears about a typo before sending.
const REFERENCE_OK = /^[\p{L}\p{N} ./:#_-]*$/u;

/** Checks what can be checked without the server; the server still has the last word on the number. */
export function validateInvite(
  phone: string,
  reference: string,
  locationMinutes: string | null = null,
  maxMinutes: number = LOCATION_MINUTES.max,
): InviteFormState['errors'] {
  const errors: InviteFormState['errors'] = {};
  if (!phone.trim()) errors.phone = "Enter the caller's mobile number.";
  else if (phone.trim().length > 32) errors.phone = 'That is too long for a phone number.';
  const ref = reference.trim();
  if (ref.length > 64) errors.reference = 'Use at most 64 characters.';
  else if (!REFERENCE_OK.test(ref)) errors.reference = 'Use letters, numbers, spaces and . / : # _ - only.';
  if (locationMinutes !== null && parseMinutes(locationMinutes, maxMinutes) === null) {
    errors.locationMinutes = `Enter whole minutes from ${LOCATION_MINUTES.min} to ${maxMinutes} (${maxMinutes / 60} hours).`;
  }
  return errors;
}

/** The typed minutes as a number the server accepts, or null. */
export function parseMinutes(text: string, max: number = LOCATION_MINUTES.max): number | null {
  const t = text.trim();
  if (!/^\d{1,5}$/.test(t)) return null;
  const n = Number(t);
  return n >= LOCATION_MINUTES.min && n <= max ? n : null;
}

/** The longest window the form allows: a missing-person search may run past 24 hours. */
export function maxMinutesFor(state: Pick<InviteFormState, 'mode' | 'missingPerson'>): number {
  return state.mode === 'location' && state.missingPerson ? MISSING_PERSON_MAX_MINUTES : LOCATION_MINUTES.max;
}

/** The request for the form's values; location minutes only go with a location-only link. */
export function inviteRequest(state: InviteFormState): Body<typeof CreateInviteRequest> {
  const ref = state.reference.trim();
  const minutes =
    state.mode === 'location' ? parseMinutes(state.locationMinutes, maxMinutesFor(state)) : null;
  return {
    phone: state.phone.trim(),
    ...(ref ? { reference: ref } : {}),
    mode: state.mode,
    language: state.language,
    ...(minutes !== null ? { locationMinutes: minutes } : {}),
    ...(/^\d{1,5}$/.test(state.validMinutes.trim())
      ? { validMinutes: Number(state.validMinutes.trim()) }
      : {}),
    ...workflowRequest(state.mode, state),
  };
}

/** Maps a failed invite to the field it concerns, so the message sits under the right box. */
export function inviteErrors(err: unknown): InviteFormState['errors'] {
  if (!(err instanceof ApiRequestError)) return { form: errorMessage(err) };
  // Too many texts to this number is about the number, so it sits under the phone box too.
  if (err.code === 'invalid_phone_number' || err.code === 'invite_limit_number')
    return { phone: err.fields.phone ?? err.message };
  const { phone, reference, locationMinutes, validMinutes } = err.fields;
  if (err.code === 'bad_request' && (phone || reference || locationMinutes || validMinutes)) {
    const out: InviteFormState['errors'] = {};
    if (validMinutes) out.validMinutes = sentenceCase(`Valid for ${validMinutes}`);
    if (phone) out.phone = sentenceCase(phone);
    if (reference) out.reference = sentenceCase(reference);
    if (locationMinutes) out.locationMinutes = sentenceCase(locationMinutes);
    return out;
  }
  if (err.code === 'forbidden') return { form: 'Your role does not allow sending links.' };
  return { form: err.message };
}

const sentenceCase = (m: string): string => {
  const t = m.trim();
  return t ? `${t.charAt(0).toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}` : t;
};

/**
 * True when the server may have acted on a press whose answer did not arrive: no answer at all,
 * or a 5xx (a proxy's 504 while the server was still waiting on the SMS provider, or a failure
 * after the press was claimed). Only a 4xx is the server's definite word that ends a press.
 */
export function answerMayBeLost(err: unknown): boolean {
  return !(err instanceof ApiRequestError) || err.code === 'network' || err.status >= 500;
}

/** The "send a link" form: the call handler's first action on every call. */
export class InviteForm extends Store<InviteFormState> {
  /**
   * The idempotency key of the press whose answer never came (network): pressing again retries
   * that press, so the server cannot send two texts. Any edit makes it a new press.
   */
  #unanswered: string | null = null;

  constructor(
    private readonly api: Pick<ApiClient, 'createInvite'>,
    private readonly onCreated: (s: SessionSummary) => void = () => {},
    private readonly newKey: () => string = () => crypto.randomUUID(),
  ) {
    super(EMPTY);
  }

  /** Every edit is a new press: a key is only reused for exactly the same request. */
  override patch(patch: Partial<InviteFormState>): void {
    const fields = [
      'phone',
      'reference',
      'mode',
      'language',
      'locationMinutes',
      'validMinutes',
      ...Object.keys(EMPTY_WORKFLOW),
    ];
    if (fields.some((k) => k in patch)) this.#unanswered = null;
    super.patch(patch);
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

  setMode(mode: SessionMode): void {
    const { locationMinutes: _old, ...rest } = this.get().errors;
    this.patch({ mode, errors: rest });
  }

  setLanguage(language: Language): void {
    this.patch({ language });
  }

  setLocationMinutes(locationMinutes: string): void {
    const { locationMinutes: _old, ...rest } = this.get().errors;
    this.patch({ locationMinutes, errors: rest });
  }

  setValidMinutes(validMinutes: string): void {
    const { validMinutes: _old, ...rest } = this.get().errors;
    this.patch({ validMinutes, errors: rest });
  }

  /** Changes a pilot-workflow field (missing-person search, check details), clearing its error. */
  setWorkflow(patch: Partial<InviteWorkflowFields>): void {
    const errors = { ...this.get().errors };
    for (const k of Object.keys(patch)) delete errors[k as keyof WorkflowErrors];
    const next: Partial<InviteFormState> = { ...patch, errors };
    // A search is tracked for hours: offer 12 h unless the handler already chose a time.
    if (patch.missingPerson && this.get().locationMinutes === String(LOCATION_MINUTES.default))
      next.locationMinutes = String(MISSING_PERSON_DEFAULT_MINUTES);
    if (
      patch.missingPerson === false &&
      this.get().locationMinutes === String(MISSING_PERSON_DEFAULT_MINUTES)
    )
      next.locationMinutes = String(LOCATION_MINUTES.default);
    this.patch(next);
  }

  /** Sends the link; resolves true on success. */
  async submit(): Promise<boolean> {
    const state = this.get();
    const { phone, reference, mode, sending } = state;
    if (sending) return false;
    const errors = {
      ...validateInvite(
        phone,
        reference,
        mode === 'location' ? state.locationMinutes : null,
        maxMinutesFor(state),
      ),
      ...validateWorkflow(mode, state),
      ...(state.validMinutes.trim() && !/^\d{1,5}$/.test(state.validMinutes.trim())
        ? { validMinutes: 'Enter whole minutes, or leave it blank for the usual time.' }
        : {}),
    };
    if (Object.keys(errors).length) {
      this.patch({ errors });
      return false;
    }
    this.patch({ sending: true, errors: {} });
    const key = this.#unanswered ?? this.newKey();
    this.#unanswered = key;
    try {
      const res = await this.api.createInvite(inviteRequest(state), key);
      this.#unanswered = null;
      this.onCreated(res.session);
      // The next caller most likely needs the defaults again, not this caller's choices.
      this.set({ ...EMPTY, result: { session: res.session, link: res.link, phone: phone.trim() } });
      return true;
    } catch (err) {
      if (!answerMayBeLost(err)) this.#unanswered = null;
      this.patch({ sending: false, errors: inviteErrors(err) });
      return false;
    }
  }

  /** Forgets everything (sign-out). */
  reset(): void {
    this.#unanswered = null;
    this.set(EMPTY);
  }

  /** Hides the last confirmation (e.g. "send another"). */
  clearResult(): void {
    this.patch({ result: null });
  }
}
