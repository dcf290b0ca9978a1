import { createContext, useContext } from 'react';
import type { Permission } from '../lib/permissions.js';
import { can } from '../lib/permissions.js';
import { useStore } from '../lib/use-store.js';
import type { ConsoleApp } from './console-app.js';

export const AppContext = createContext<ConsoleApp | null>(null);

/** The console's stores and services. */
export function useApp(): ConsoleApp {
  const app = useContext(AppContext);
  if (!app) throw new Error('useApp outside <AppContext.Provider>');
  return app;
}

/** Whether the signed-in officer's roles allow something (for hiding controls, not for security). */
export function useCan(): (p: Permission) => boolean {
  const { auth } = useApp();
  const roles = useStore(auth).auth?.officer.roles ?? [];
  return (p) => can(roles, p);
}
