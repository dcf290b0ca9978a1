import { useSyncExternalStore } from 'react';
import type { Store } from './store.js';

/** Renders from a store: the component re-renders whenever the store's value changes. */
export function useStore<T>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, store.get);
}
