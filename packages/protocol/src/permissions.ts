// No zod here on purpose: the console imports this file alone (`@sightline/protocol/permissions`).
type Role = 'call-handler' | 'supervisor' | 'admin' | 'dpo' | 'field-officer';

/**
 * Every action an officer can take, and the roles that may take it. This table
 * is the whole access policy: server routes and signalling name a permission,
 * never a role; the console uses it only to hide controls.
 */
export const PERMISSIONS = {
  'session:create': ['call-handler', 'supervisor'],
  'session:read': ['call-handler', 'supervisor', 'dpo'],
  'session:view-live': ['call-handler', 'supervisor'],
  'session:end': ['call-handler', 'supervisor'],
  'outbox:read': ['call-handler', 'supervisor'],
  'evidence:read': ['call-handler', 'supervisor', 'dpo'],
  'evidence:play': ['call-handler', 'supervisor', 'dpo'],
  'evidence:download': ['supervisor', 'dpo'],
  'evidence:annotate': ['call-handler', 'supervisor', 'dpo'],
  'evidence:export': ['supervisor', 'dpo'],
  'evidence:redact': ['supervisor', 'dpo'],
  'retention:read': ['supervisor', 'dpo'],
  'retention:manage': ['supervisor'],
  'sar:search': ['dpo'],
  'audit:read': ['supervisor', 'admin', 'dpo'],
  'officer:manage': ['admin'],
  // Approving another admin's role grant (a second person; the service refuses the requester and the subject).
  'officer:approve': ['admin'],
  'system:read': ['supervisor', 'admin'],
  // The TURN settings page and its "test from this browser" (which issues a credential).
  'turn:check': ['admin'],
  // Field officers (issue 11): a control-room officer shares one session with named field officers
  // for a while; a field officer sees nothing by role alone, only what a live share names.
  'share:manage': ['call-handler', 'supervisor'],
  'share:use': ['field-officer'],
  // Completing or stopping a live view the server already offered this officer (it checks the view is
  // theirs); starting one needs session:view-live, or share:use and a live share.
  'view:connect': ['call-handler', 'supervisor', 'field-officer'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** True if any of the roles grants the permission. */
export function can(roles: readonly Role[], permission: Permission): boolean {
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return roles.some((r) => allowed.includes(r));
}
