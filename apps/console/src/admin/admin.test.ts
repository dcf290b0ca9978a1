import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/api-client.js';
import { formatAuditDetail } from './audit-store.js';
import { OfficersStore, validateOfficer } from './officers-store.js';

describe('validateOfficer', () => {
  it('requires a 12-character password and at least one role', () => {
    const e = validateOfficer({ username: 'PC Smith', displayName: '', password: 'short', roles: [] });
    expect(Object.keys(e).sort()).toEqual(['displayName', 'password', 'roles', 'username']);
    expect(
      validateOfficer({
        username: 'pc.smith',
        displayName: 'PC Smith',
        password: 'x'.repeat(12),
        roles: ['admin'],
      }),
    ).toEqual({});
  });

  it('allows at most three roles, as the server does', () => {
    const ok = { username: 'dpo.one', displayName: 'DPO One', password: 'x'.repeat(12) };
    expect(validateOfficer({ ...ok, roles: ['supervisor', 'admin', 'dpo'] })).toEqual({});
    expect(validateOfficer({ ...ok, roles: ['call-handler', 'supervisor', 'admin', 'dpo'] })).toEqual({
      roles: 'Choose at most three roles.',
    });
  });
});

describe('OfficersStore', () => {
  it('shows a taken username under the username field', async () => {
    const store = new OfficersStore({
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

  it('creates the officer, clears the form and reloads the list', async () => {
    const officers = vi.fn(async () => []);
    const store = new OfficersStore({
      officers,
      createOfficer: async (b) => ({
        id: 'o9',
        username: b.username,
        displayName: b.displayName,
        roles: b.roles,
      }),
    });
    store.setField('username', 'pc.smith');
    store.setField('displayName', 'PC Smith');
    store.setField('password', 'correct horse battery');
    store.toggleRole('supervisor', true);
    expect(await store.submit()).toBe(true);
    expect(store.get().created?.roles).toEqual(['call-handler', 'supervisor']);
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
