import type { LocationFix } from '@sightline/protocol';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FixStore } from './fix-store.js';

// The device copy in an in-memory IndexedDB (fake-indexeddb): what a reload must find again.

const fix = (fixTime: number): LocationFix => ({
  lat: 51.5,
  lon: -0.12,
  accuracy: 9,
  altitude: null,
  altitudeAccuracy: null,
  heading: null,
  speed: null,
  fixTime,
});

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  vi.stubGlobal('IDBKeyRange', IDBKeyRange);
});
afterEach(() => vi.unstubAllGlobals());

describe('FixStore', () => {
  it('keeps fixes across a reopen (a reload), oldest first, each once, until confirmed', async () => {
    const before = await FixStore.open('link');
    await before?.add(fix(30));
    await before?.add(fix(10));
    await before?.add(fix(20));
    await before?.add(fix(10));
    await before?.confirm(20);
    before?.close();
    const after = await FixStore.open('link');
    expect((await after?.unconfirmed())?.map((f) => f.fixTime)).toEqual([10, 30]);
    expect((await after?.unconfirmed(1))?.map((f) => f.fixTime)).toEqual([10]);
  });

  it('purges one link and leaves another alone', async () => {
    const a = await FixStore.open('a');
    const b = await FixStore.open('b');
    await a?.add(fix(1));
    await b?.add(fix(2));
    await a?.purge();
    expect(await a?.unconfirmed()).toEqual([]);
    expect((await b?.unconfirmed())?.map((f) => f.fixTime)).toEqual([2]);
  });

  it('is null where the browser has no IndexedDB, or no token was given', async () => {
    expect(await FixStore.open('')).toBeNull();
    vi.stubGlobal('indexedDB', undefined);
    expect(await FixStore.open('link')).toBeNull();
  });
});
