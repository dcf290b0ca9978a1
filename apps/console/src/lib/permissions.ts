import type { Role } from '@sightline/protocol';

/**
 * A copy of the server's policy (apps/server/src/auth/permissions.ts), used only
 * to hide controls an officer cannot use. The server enforces it regardless, so
 * if the two ever drift the worst case is a control that answers "forbidden".
 */
const PERMISSIONS = {
  'session:create': ['call-handler', 'supervisor'],
  'session:read': ['call-handler', 'supervisor'],
  'session:view-live': ['call-handler', 'supervisor'],
  'session:end': ['call-handler', 'supervisor'],
  'outbox:read': ['call-handler', 'supervisor'],
  'evidence:read': ['call-handler', 'supervisor'],
  'evidence:play': ['call-handler', 'supervisor'],
  'evidence:download': ['supervisor'],
  'audit:read': ['supervisor', 'admin'],
  'officer:manage': ['admin'],
  'system:read': ['supervisor', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** True if any of the roles grants the permission. */
export function can(roles: readonly Role[], permission: Permission): boolean {
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return roles.some((r) => allowed.includes(r));
}

/** Whether the admin page has anything to show this officer. */
export function canSeeAdmin(roles: readonly Role[]): boolean {
  return can(roles, 'officer:manage') || can(roles, 'audit:read') || can(roles, 'system:read');
}

export const ROLE_LABELS: Record<Role, string> = {
  'call-handler': 'Call handler',
  supervisor: 'Supervisor',
  admin: 'Administrator',
};
