import type { OfficerAccount, Role, RoleGrant } from '@sightline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/api-client.js';
import { formatAuditDetail } from './audit-store.js';
import { OfficersStore, validateOfficer } from './officers-store.js';

const account = (o: Partial<OfficerAccount> = {}): OfficerAccount => ({
  id: 'o1',
  username: 'pc.smith',
  displayName: 'PC Smith',
  roles: ['call-handler'],
  disabledAt: null,
  lastLoginAt: null,
  team: null,
  ...o,
});
const grant = (g: Partial<RoleGrant> = {}): RoleGrant => ({
  id: 'g1',
  officerId: 'o1',
  officerUsername: 'pc.smith',
  roles: ['supervisor'],
  reason: 'promoted',
  requestedAt: 1,
  requestedById: 'a1',
  requestedByName: 'Admin One',
  state: 'pending',
  decidedAt: null,
  decidedById: null,
  decidedByName: null,
  decisionReason: null,
  ...g,
});
const unused = async (): Promise<never> => {
  throw new Error('not expected in this test');
};
const noControls = {
  disableOfficer: unused,
  enableOfficer: unused,
  setOfficerRoles: unused,
  resetOfficerPassword: unused,
  setOfficerTeam: unused,
  roleGrants: async () => [],
  approveRoleGrant: unused,
  refuseRoleGrant: unused,
};

describe('validateOfficer', () => {
  it('requires a 12-character password and at least one role', () => {
    const e = validateOfficer({
      username: 'PC Smith',
      displayName: '',
      password: 'short',
      roles: [],
      reason: '',
    });
    expect(Object.keys(e).sort()).toEqual(['displayName', 'password', 'roles', 'username']);
    expect(
      validateOfficer({
        username: 'pc.smith',
        displayName: 'PC Smith',
        password: 'x'.repeat(12),
        roles: ['admin'],
        reason: '',
      }),
    ).toEqual({});
  });

  it('allows at most three roles, as the server does', () => {
    const ok = { username: 'dpo.one', displayName: 'DPO One', password: 'x'.repeat(12), reason: '' };
    expect(validateOfficer({ ...ok, roles: ['supervisor', 'admin', 'dpo'] })).toEqual({});
    expect(validateOfficer({ ...ok, roles: ['call-handler', 'supervisor', 'admin', 'dpo'] })).toEqual({
      roles: 'Choose at most three roles.',
    });
  });
});

describe('OfficersStore', () => {
  it('shows a taken username under the username field', async () => {
    const store = new OfficersStore({
      ...noControls,
      officers: async () => [],
      createOfficer: async () => {
        throw new ApiRequestError(409, 'conflict', 'Username "pc.smith" is taken.', { username: 'taken' });
      },
    });
    store.setField('username', 'pc.smith');
    store.setField('displayName', 'PC Smith');
    store.setField('password', 'correct horse battery');
    expect(await store.submit()).toBe(false);
    expect(store.get().errors).toEqual({ username: 'Username "pc.smith" is taken.' });
  });

  it('creates the officer with no roles yet and says its roles wait for a second admin', async () => {
    const officers = vi.fn(async () => []);
    const createOfficer = vi.fn(async (b: { username: string; displayName: string; roles: Role[] }) => ({
      officer: account({ id: 'o9', username: b.username, displayName: b.displayName, roles: [] }),
      grant: grant({ officerId: 'o9', roles: b.roles }),
    }));
    const store = new OfficersStore({ ...noControls, officers, createOfficer });
    store.setField('username', 'pc.smith');
    store.setField('displayName', 'PC Smith');
    store.setField('password', 'correct horse battery');
    store.setField('reason', 'new starter on B shift');
    store.toggleRole('supervisor', true);
    expect(await store.submit()).toBe(true);
    expect(createOfficer.mock.calls[0]?.[0]).toMatchObject({ reason: 'new starter on B shift' });
    expect(store.get().created?.roles).toEqual([]);
    expect(store.get().createdGrant?.roles).toEqual(['call-handler', 'supervisor']);
    expect(store.get().form.username).toBe('');
    expect(officers).toHaveBeenCalled();
  });
});

describe('formatAuditDetail', () => {
  it('lists keys and values', () => {
    expect(formatAuditDetail({ reason: 'x', n: 2 })).toBe('reason: x; n: 2');
    expect(formatAuditDetail(null)).toBe('');
    expect(formatAuditDetail({ sha256: `${'a'.repeat(12)}${'0'.repeat(48)}beef` })).toBe(
      'sha256: aaaaaaaaaaaa…beef',
    );
  });
});
