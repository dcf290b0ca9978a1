import type { AccountChangeResult, OfficerAccount, Role, RoleGrant } from '@sightline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/api-client.js';
import { AccountControls, validateEdit } from './account-controls.js';

const officer: OfficerAccount = {
  id: 'o1',
  username: 'pc.smith',
  displayName: 'PC Smith',
  roles: ['call-handler'],
  disabledAt: null,
  lastLoginAt: null,
  team: null,
};
const pending = (g: Partial<RoleGrant> = {}): RoleGrant => ({
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

function fakeApi() {
  const fail = async (): Promise<never> => {
    throw new Error('unexpected call');
  };
  return {
    disableOfficer: vi.fn(async (_id: string, _reason: string) => ({ ...officer, disabledAt: 5 })),
    enableOfficer: vi.fn(async (_id: string, _reason: string) => officer),
    setOfficerRoles: vi.fn(
      async (_id: string, roles: Role[], _reason: string): Promise<AccountChangeResult> => ({
        officer: { ...officer, roles: roles.filter((r) => officer.roles.includes(r)) },
        grant: roles.some((r) => !officer.roles.includes(r))
          ? pending({ roles: roles.filter((r) => !officer.roles.includes(r)) })
          : null,
      }),
    ),
    resetOfficerPassword: vi.fn(
      async (): Promise<AccountChangeResult> => ({
        officer: { ...officer, roles: [] },
        grant: pending({ roles: ['call-handler'] }),
      }),
    ),
    setOfficerTeam: vi.fn(
      async (_id: string, team: string | null, _reason: string): Promise<AccountChangeResult> => ({
        officer: { ...officer, team },
        grant: null,
      }),
    ),
    roleGrants: vi.fn(async () => [pending()]),
    approveRoleGrant: vi.fn(async (id: string) => pending({ id, state: 'approved' })),
    refuseRoleGrant: fail as (id: string, reason: string) => Promise<RoleGrant>,
  };
}

describe('AccountControls', () => {
  it('will not disable an account without a reason, and says what happened once it has one', async () => {
    const api = fakeApi();
    const reload = vi.fn(async () => {});
    const c = new AccountControls(api, reload);
    c.open(officer, 'disable');
    expect(await c.submit()).toBe(false);
    expect(c.get().errors.reason).toMatch(/say why/i);
    expect(api.disableOfficer).not.toHaveBeenCalled();

    c.setField('reason', 'left the control room');
    expect(await c.submit()).toBe(true);
    expect(api.disableOfficer).toHaveBeenCalledWith('o1', 'left the control room');
    expect(c.get().edit).toBeNull();
    expect(c.get().done).toBe('Disabled PC Smith. Every sign-in of theirs has ended.');
    expect(reload).toHaveBeenCalled();
  });

  it('a role added by an admin is shown as waiting for a second administrator, not as granted', async () => {
    const api = fakeApi();
    const c = new AccountControls(api, async () => {});
    c.open(officer, 'roles');
    c.toggleRole('supervisor', true);
    c.setField('reason', 'promoted to supervisor');
    expect(await c.submit()).toBe(true);
    expect(api.setOfficerRoles).toHaveBeenCalledWith(
      'o1',
      ['call-handler', 'supervisor'],
      'promoted to supervisor',
    );
    expect(c.get().done).toBe(
      "PC Smith's roles are unchanged for now. Supervisor waits for a second administrator's approval.",
    );
  });

  it('a password reset needs 12 characters and reports that the roles wait for approval', async () => {
    const api = fakeApi();
    const c = new AccountControls(api, async () => {});
    c.open(officer, 'password');
    c.setField('reason', 'forgot it');
    c.setField('password', 'short');
    expect(await c.submit()).toBe(false);
    expect(validateEdit(c.get().edit!)).toHaveProperty('password');
    c.setField('password', 'a-much-longer-password');
    expect(await c.submit()).toBe(true);
    expect(c.get().done).toMatch(/signed out everywhere.*Call handler\) wait for a second administrator/);
  });

  it("shows the server's refusal (e.g. disabling the last admin) on the form", async () => {
    const api = fakeApi();
    api.disableOfficer.mockRejectedValueOnce(
      new ApiRequestError(409, 'conflict', 'This is the last active admin; make another admin first.'),
    );
    const c = new AccountControls(api, async () => {});
    c.open({ ...officer, roles: ['admin'] }, 'disable');
    c.setField('reason', 'testing');
    expect(await c.submit()).toBe(false);
    expect(c.get().errors.form).toBe('This is the last active admin; make another admin first.');
    expect(c.get().edit).not.toBeNull();
  });

  it('sets a team with a reason, an empty box meaning no team', async () => {
    const api = fakeApi();
    const c = new AccountControls(api, async () => {});
    c.open({ ...officer, team: 'North' }, 'team');
    expect(c.get().edit?.team).toBe('North');
    c.setField('team', '  Response, East ');
    c.setField('reason', 'moved teams');
    expect(await c.submit()).toBe(true);
    expect(api.setOfficerTeam).toHaveBeenCalledWith('o1', 'Response, East', 'moved teams');
    expect(c.get().done).toBe('PC Smith is now in team Response, East.');
    c.open(officer, 'team');
    c.setField('team', 'x'.repeat(61));
    c.setField('reason', 'typo');
    expect(await c.submit()).toBe(false);
    expect(c.get().errors.team).toMatch(/60/);
    c.setField('team', '');
    expect(await c.submit()).toBe(true);
    expect(api.setOfficerTeam).toHaveBeenLastCalledWith('o1', null, 'typo');
  });

  it('approves a waiting grant with a reason and reloads the grants', async () => {
    const api = fakeApi();
    const c = new AccountControls(api, async () => {});
    await c.loadGrants();
    expect(c.get().grants).toHaveLength(1);
    c.startDecision('g1');
    expect(await c.decide('approve')).toBe(false);
    expect(c.get().decision?.error).toMatch(/say why/i);
    c.setDecisionReason('checked with the duty inspector');
    expect(await c.decide('approve')).toBe(true);
    expect(api.approveRoleGrant).toHaveBeenCalledWith('g1', 'checked with the duty inspector');
    expect(c.get().done).toBe('Approved: Supervisor for pc.smith.');
    expect(api.roleGrants).toHaveBeenCalledTimes(2);
  });
});
