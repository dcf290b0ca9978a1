import type { IncidentSummary } from '@sightline/protocol';
import { type ApiClient, ApiRequestError, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';

export interface CreateIncidentState {
  title: string;
  cadReference: string;
  sending: boolean;
  errors: { title?: string; cadReference?: string; form?: string };
}

const EMPTY: CreateIncidentState = { title: '', cadReference: '', sending: false, errors: {} };

// Mirror IncidentTitle and IncidentReference in @sightline/protocol: the handler hears of a typo first.
const PRINTABLE = /^[^\p{C}]*$/u;
const REFERENCE_OK = /^[\p{L}\p{N} ./:#_-]*$/u;

/** Checks what the server will check, so the message sits under the field before a round trip. */
export function validateIncident(title: string, cadReference: string): CreateIncidentState['errors'] {
  const errors: CreateIncidentState['errors'] = {};
  const t = title.trim();
  if (!t) errors.title = 'Give the incident a short title.';
  else if (t.length > 120) errors.title = 'Use at most 120 characters.';
  else if (!PRINTABLE.test(t)) errors.title = 'Use printable characters only.';
  const ref = cadReference.trim();
  if (ref.length > 64) errors.cadReference = 'Use at most 64 characters.';
  else if (!REFERENCE_OK.test(ref))
    errors.cadReference = 'Use letters, numbers, spaces and . / : # _ - only.';
  return errors;
}

/**
 * "Create an incident": a title and the CAD reference if there is one yet; from a session page
 * it starts with that session in it. Resolves to the new incident (the page then opens it).
 */
export class CreateIncidentForm extends Store<CreateIncidentState> {
  constructor(
    private readonly api: Pick<ApiClient, 'createIncident'>,
    private readonly sessionId: string | null = null,
  ) {
    super(EMPTY);
  }

  setTitle(title: string): void {
    const { title: _old, ...rest } = this.get().errors;
    this.patch({ title, errors: rest });
  }

  setCadReference(cadReference: string): void {
    const { cadReference: _old, ...rest } = this.get().errors;
    this.patch({ cadReference, errors: rest });
  }

  async submit(): Promise<IncidentSummary | null> {
    const { title, cadReference, sending } = this.get();
    if (sending) return null;
    const errors = validateIncident(title, cadReference);
    if (Object.keys(errors).length) {
      this.patch({ errors });
      return null;
    }
    this.patch({ sending: true, errors: {} });
    try {
      const ref = cadReference.trim();
      const created = await this.api.createIncident({
        title: title.trim(),
        ...(ref ? { cadReference: ref } : {}),
        ...(this.sessionId ? { sessionId: this.sessionId } : {}),
      });
      this.set(EMPTY);
      return created;
    } catch (err) {
      const fields = err instanceof ApiRequestError ? err.fields : {};
      this.patch({
        sending: false,
        errors:
          fields.title || fields.cadReference
            ? {
                ...(fields.title ? { title: fields.title } : {}),
                ...(fields.cadReference ? { cadReference: fields.cadReference } : {}),
              }
            : { form: errorMessage(err) },
      });
      return null;
    }
  }

  reset(): void {
    this.set(EMPTY);
  }
}
