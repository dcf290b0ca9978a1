import type { Role } from '@sightline/protocol';

export type RoleMapping =
  | { ok: true; roles: Role[]; matched: string[] }
  | { ok: false; reason: 'no_mapped_group' | 'group_overage'; seen: number };

/**
 * Sightline roles from an ID token's claims, through the configured map. The claim may hold one
 * value or a list (Entra ID: `groups` holds group object ids, `roles` holds app role values).
 * Entra ID leaves `groups` out when a user is in too many groups (over 200 in a JWT) and points
 * at Microsoft Graph instead (`_claim_names.groups`); that is refused with its own reason
 * rather than read as "no groups", so the admin knows to use app roles.
 */
export function mapRoles(
  claims: Record<string, unknown>,
  claim: string,
  map: Readonly<Record<string, readonly Role[]>>,
): RoleMapping {
  const raw = claims[claim];
  const values =
    typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((v) => typeof v === 'string') : [];
  const names = claims._claim_names;
  if (
    raw === undefined &&
    names !== null &&
    typeof names === 'object' &&
    Object.hasOwn(names as object, claim)
  )
    return { ok: false, reason: 'group_overage', seen: 0 };
  const matched = values.filter((v) => Object.hasOwn(map, v));
  const roles = [...new Set(matched.flatMap((v) => map[v] ?? []))].sort();
  return roles.length
    ? { ok: true, roles, matched }
    : { ok: false, reason: 'no_mapped_group', seen: values.length };
}
