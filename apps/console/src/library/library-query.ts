import type { LibrarySession, SessionState } from '@sightline/protocol';
import { type ApiClient, ApiRequestError, type QueryParams } from '../api/api-client.js';
import { endOfLocalDay, startOfLocalDay } from '../lib/dates.js';

/** The library search form as typed. Dates are YYYY-MM-DD from date inputs. */
export interface LibraryForm {
  reference: string;
  phone: string;
  officer: string;
  state: SessionState | '';
  policyId: string;
  from: string;
  to: string;
}

export const EMPTY_LIBRARY_FORM: LibraryForm = {
  reference: '',
  phone: '',
  officer: '',
  state: '',
  policyId: '',
  from: '',
  to: '',
};

export type LibraryFormErrors = Partial<Record<'from' | 'to' | 'reference' | 'phone' | 'officer', string>>;

/** How many sessions one search returns; the server allows up to 500. */
export const LIBRARY_LIMIT = 200;

/**
 * Turns the form into the query GET /api/library/sessions takes. Dates become
 * ms on the officer's local calendar: "from" at its midnight, "to" at the end
 * of its day, so searching 28 Nov to 28 Nov finds the whole of 28 Nov.
 */
export function buildLibraryQuery(
  form: LibraryForm,
): { query: QueryParams; errors: null } | { query: null; errors: LibraryFormErrors } {
  const errors: LibraryFormErrors = {};
  const from = form.from.trim() ? startOfLocalDay(form.from) : undefined;
  const to = form.to.trim() ? endOfLocalDay(form.to) : undefined;
  if (from === null) errors.from = 'Enter a real date.';
  if (to === null) errors.to = 'Enter a real date.';
  if (typeof from === 'number' && typeof to === 'number' && to < from)
    errors.to = 'The end date is before the start date.';
  if (form.reference.trim().length > 64) errors.reference = 'Use at most 64 characters.';
  if (form.phone.trim().length > 32) errors.phone = 'That is too long for a phone number.';
  if (form.officer.trim().length > 100) errors.officer = 'Use at most 100 characters.';
  if (Object.keys(errors).length) return { query: null, errors };
  return {
    query: {
      reference: form.reference.trim() || undefined,
      phone: form.phone.trim() || undefined,
      officer: form.officer.trim() || undefined,
      state: form.state || undefined,
      policyId: form.policyId || undefined,
      from: from ?? undefined,
      to: to ?? undefined,
      limit: LIBRARY_LIMIT,
    },
    errors: null,
  };
}

/**
 * Library sessions the console has already seen (search and subject-access
 * results), so opening one from a list does not need another search.
 */
export class LibraryCache {
  readonly #byId = new Map<string, LibrarySession>();

  remember(list: readonly LibrarySession[]): void {
    for (const s of list) this.#byId.set(s.id, s);
  }
  get(id: string): LibrarySession | undefined {
    return this.#byId.get(id);
  }
  clear(): void {
    this.#byId.clear();
  }
}

/** Reads one session's library record (retention facts); null if there is no such session. */
export async function findLibrarySession(
  api: Pick<ApiClient, 'librarySession'>,
  id: string,
): Promise<LibrarySession | null> {
  try {
    return await api.librarySession(id);
  } catch (err) {
    if (err instanceof ApiRequestError && err.status === 404) return null;
    throw err;
  }
}
