import { useSyncExternalStore } from 'react';
import type { Store } from './store.js';

/** Renders from a store: the component re-renders whenever the store's value changes. */
export function useStore<T>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, store.get);
}

/**
 * Renders from one value derived from a store, re-rendering only when that value changes.
 * The selector must return a primitive or a value kept in the store, never a new object.
 */
export function useStoreValue<T, V>(store: Store<T>, select: (state: T) => V): V {
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}
