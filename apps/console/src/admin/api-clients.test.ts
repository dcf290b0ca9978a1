import type { ApiClientKey, ApiClient as MachineClient } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../api/api-client.js';
import { ApiClientsStore } from './api-clients-store.js';

function fake() {
  const calls: string[] = [];
  const clients: MachineClient[] = [];
  let n = 0;
  const client = (id: string, name: string): MachineClient => ({
    id,
    name,
    scopes: ['sessions:read'],
    ratePerMinute: 60,
    status: 'active',
    keyPrefix: `sl_${id}`,
    keyCreatedAt: 1,
    createdAt: 1,
    createdBy: { id: 'a1', name: 'Admin' },
    lastUsedAt: null,
  });
  const key = (c: MachineClient): ApiClientKey => ({
    client: c,
    clientId: c.id,
    key: `sl_${c.id}_secret${++n}`,
  });
  return {
    calls,
    clients,
    api: {
      apiClients: async () => clients.map((c) => ({ ...c })),
      createApiClient: async (body: { name: string; scopes?: string[]; ratePerMinute?: number }) => {
        calls.push(`create ${body.name} ${body.scopes?.join(',')} ${body.ratePerMinute}`);
        const c = client(`c${clients.length + 1}`, body.name);
        clients.push(c);
        return key(c);
      },
      rotateApiClient: async (id: string) => {
        calls.push(`rotate ${id}`);
        return key(clients.find((c) => c.id === id)!);
      },
      apiClientAction: async (id: string, action: 'revoke' | 'disable' | 'enable') => {
        calls.push(`${action} ${id}`);
        const c = clients.find((x) => x.id === id)!;
        c.status = action === 'revoke' ? 'key-revoked' : action === 'disable' ? 'disabled' : 'active';
        return c;
      },
    },
  };
}

describe('ApiClientsStore', () => {
  it('refuses an incomplete form without calling the server', async () => {
    const f = fake();
    const store = new ApiClientsStore(f.api);
    expect(await store.create(' ', ['sessions:read'], 60)).toBe(false);
    expect(store.get().error).toMatch(/Name the system/);
    expect(await store.create('CAD', [], 60)).toBe(false);
    expect(store.get().error).toMatch(/at least one scope/);
    expect(await store.create('CAD', ['sessions:read'], 0)).toBe(false);
    expect(await store.create('CAD', ['sessions:read'], 1.5)).toBe(false);
    expect(f.calls).toEqual([]);
  });

  it('creates a client, lists it, and shows its key once until dismissed', async () => {
    const f = fake();
    const store = new ApiClientsStore(f.api);
    expect(await store.create(' Force CAD ', ['invites:write', 'sessions:read'], 120)).toBe(true);
    expect(f.calls).toEqual(['create Force CAD invites:write,sessions:read 120']);
    expect(store.get().clients.map((c) => c.name)).toEqual(['Force CAD']);
    expect(store.get().revealed).toEqual({ clientId: 'c1', name: 'Force CAD', key: 'sl_c1_secret1' });
    expect(store.get().notice).toMatch(/not shown again/);
    store.dismissKey();
    expect(store.get().revealed).toBeNull();
    await store.load();
    expect(JSON.stringify(store.get())).not.toContain('secret1');
  });

  it('rotates (revealing the new key), revokes and disables, refreshing the list each time', async () => {
    const f = fake();
    const store = new ApiClientsStore(f.api);
    await store.create('CAD', ['sessions:read'], 60);
    store.dismissKey();
    const c = store.get().clients[0]!;
    expect(await store.rotate(c)).toBe(true);
    expect(store.get().revealed?.key).toBe('sl_c1_secret2');
    store.dismissKey();
    expect(await store.revoke(c)).toBe(true);
    expect(store.get().revealed).toBeNull();
    expect(store.get().clients[0]!.status).toBe('key-revoked');
    expect(await store.setDisabled(c, true)).toBe(true);
    expect(store.get().clients[0]!.status).toBe('disabled');
    expect(store.get().notice).toBe('CAD is disabled.');
    expect(f.calls.slice(1)).toEqual(['rotate c1', 'revoke c1', 'disable c1']);
  });

  it('keeps the list and says why when the server refuses', async () => {
    const f = fake();
    const store = new ApiClientsStore({
      ...f.api,
      apiClientAction: async () => {
        throw new ApiRequestError(404, 'not_found', 'API client not found');
      },
    });
    await store.create('CAD', ['sessions:read'], 60);
    expect(await store.revoke(store.get().clients[0]!)).toBe(false);
    expect(store.get().error).toBe('API client not found');
    expect(store.get().busy).toBe(false);
  });
});
