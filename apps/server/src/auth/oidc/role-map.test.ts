import { describe, expect, it } from 'vitest';
import { mapRoles } from './role-map.js';

const MAP = {
  'a1b2-handlers': ['call-handler'],
  'c3d4-supervisors': ['supervisor', 'call-handler'],
  'Sightline.Admin': ['admin'],
} as const;

describe('mapping identity provider claims to Sightline roles', () => {
  it('unions the roles of every mapped group and ignores unmapped ones', () => {
    expect(mapRoles({ groups: ['a1b2-handlers', 'c3d4-supervisors', 'other'] }, 'groups', MAP)).toEqual({
      ok: true,
      roles: ['call-handler', 'supervisor'],
      matched: ['a1b2-handlers', 'c3d4-supervisors'],
    });
  });

  it('reads a single string claim (an app role) as a one-element list', () => {
    expect(mapRoles({ roles: 'Sightline.Admin' }, 'roles', MAP)).toMatchObject({
      ok: true,
      roles: ['admin'],
    });
  });

  it('refuses a user none of whose groups is mapped, and one with no claim at all', () => {
    expect(mapRoles({ groups: ['x', 'y'] }, 'groups', MAP)).toEqual({
      ok: false,
      reason: 'no_mapped_group',
      seen: 2,
    });
    expect(mapRoles({}, 'groups', MAP)).toEqual({ ok: false, reason: 'no_mapped_group', seen: 0 });
  });

  it('does not match by a display name that happens to look like a key (exact values only)', () => {
    expect(mapRoles({ groups: ['A1B2-HANDLERS', ' a1b2-handlers'] }, 'groups', MAP).ok).toBe(false);
  });

  it('names Entra ID group overage (groups moved to _claim_names) instead of calling it no groups', () => {
    const claims = {
      _claim_names: { groups: 'src1' },
      _claim_sources: { src1: { endpoint: 'https://graph' } },
    };
    expect(mapRoles(claims, 'groups', MAP)).toEqual({ ok: false, reason: 'group_overage', seen: 0 });
  });

  it('ignores non-string values in the claim', () => {
    expect(mapRoles({ groups: [1, null, { id: 'a1b2-handlers' }] }, 'groups', MAP).ok).toBe(false);
  });
});
