import type { Role } from '@sightline/protocol';

import { can } from '@sightline/protocol/permissions';

export { can, type Permission } from '@sightline/protocol/permissions';

/** Whether the admin page has anything to show this officer. */
export function canSeeAdmin(roles: readonly Role[]): boolean {
  return can(roles, 'officer:manage') || can(roles, 'audit:read') || can(roles, 'system:read');
}

export const ROLE_LABELS: Record<Role, string> = {
  'call-handler': 'Call handler',
  supervisor: 'Supervisor',
  admin: 'Administrator',
  dpo: 'Data protection officer',
  'field-officer': 'Field officer',
};
