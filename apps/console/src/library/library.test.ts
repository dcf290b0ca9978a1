import type { LibrarySession } from '@sightline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError, queryString } from '../api/api-client.js';
import { endOfLocalDay, isoDate, startOfLocalDay } from '../lib/dates.js';
import { librarySession, settle } from '../testing/fixtures.js';
import { buildLibraryQuery, EMPTY_LIBRARY_FORM, findLibrarySession, LibraryCache } from './library-query.js';
import { LibraryStore } from './library-store.js';

describe('buildLibraryQuery', () => {
  it('sends only what was filled in, trimmed', () => {
    const r = buildLibraryQuery({ ...EMPTY_LIBRARY_FORM, reference: ' CAD 12 ', state: 'ended' });
    expect(r.query).toEqual({
      reference: 'CAD 12',
      phone: undefined,
      officer: undefined,
      state: 'ended',
      policyId: undefined,
      from: undefined,
      to: undefined,
      limit: 200,
    });
    expect(queryString(r.query!)).toBe('?reference=CAD+12&state=ended&limit=200');
  });

  it('searches whole local days: from midnight to the last millisecond of the end date', () => {
    const r = buildLibraryQuery({ ...EMPTY_LIBRARY_FORM, from: '2025-11-28', to: '2025-11-28' });
    expect(r.query?.from).toBe(new Date(2025, 10, 28).getTime());
    expect(r.query?.to).toBe(new Date(2025, 10, 29).getTime() - 1);
  });

  it('rejects an end before the start and impossible dates', () => {
    expect(buildLibraryQuery({ ...EMPTY_LIBRARY_FORM, from: '2025-11-28', to: '2025-11-27' }).errors).toEqual(
      {
        to: 'The end date is before the start date.',
      },
    );
    expect(buildLibraryQuery({ ...EMPTY_LIBRARY_FORM, from: '2025-02-30' }).errors).toEqual({
      from: 'Enter a real date.',
    });
  });
});

describe('dates', () => {
  it('round-trips a local date and knows a day can be 23 or 25 hours long', () => {
    const start = startOfLocalDay('2025-03-30')!;
    expect(isoDate(start)).toBe('2025-03-30');
    expect(isoDate(endOfLocalDay('2025-03-30')!)).toBe('2025-03-30');
    expect(endOfLocalDay('2025-03-30')! + 1).toBe(new Date(2025, 2, 31).getTime());
    expect(startOfLocalDay('30/03/2025')).toBeNull();
  });
});

describe('findLibrarySession', () => {
  it('reads one session by id, and treats 404 as "no such session"', async () => {
    const lookup = vi.fn(async (id: string) => {
      if (id === 's1') return librarySession('s1', 5000);
      throw new ApiRequestError(404, 'not_found', 'session not found');
    });
    expect((await findLibrarySession({ librarySession: lookup }, 's1'))?.id).toBe('s1');
    expect(await findLibrarySession({ librarySession: lookup }, 'missing')).toBeNull();
    const broken = vi.fn(async () => {
      throw new ApiRequestError(500, 'internal', 'boom');
    });
    await expect(findLibrarySession({ librarySession: broken }, 's1')).rejects.toThrow('boom');
  });
});

describe('LibraryStore', () => {
  it('searches, remembers the results for the session page, and shows form errors without a request', async () => {
    const cache = new LibraryCache();
    const librarySessions = vi.fn(async () => [librarySession('s1', 1000)]);
    const store = new LibraryStore({ librarySessions }, cache);
    store.setField('to', '2025-13-01');
    expect(await store.search()).toBe(false);
    expect(store.get().errors.to).toBe('Enter a real date.');
    expect(librarySessions).not.toHaveBeenCalled();
    store.setField('to', '');
    expect(store.get().errors).toEqual({});
    expect(await store.search()).toBe(true);
    expect(store.get()).toMatchObject({ status: 'ready', searched: true });
    expect(cache.get('s1')?.id).toBe('s1');
  });

  it('keeps only the newest search when answers cross', async () => {
    const answers: Array<(v: LibrarySession[]) => void> = [];
    const librarySessions = vi.fn(() => new Promise<LibrarySession[]>((r) => answers.push(r)));
    const store = new LibraryStore({ librarySessions }, new LibraryCache());
    void store.search();
    void store.search();
    answers[1]?.([librarySession('new', 2)]);
    answers[0]?.([librarySession('old', 1)]);
    await settle();
    expect(store.get().results.map((s) => s.id)).toEqual(['new']);
  });

  it('updates a listed session after a retention change', () => {
    const store = new LibraryStore({ librarySessions: async () => [] }, new LibraryCache());
    store.set({ ...store.get(), results: [librarySession('s1', 1)] });
    store.upsert(librarySession('s1', 1, { legalHold: true }));
    expect(store.get().results[0]?.legalHold).toBe(true);
  });
});
