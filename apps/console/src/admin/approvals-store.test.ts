import type { IntegrationApproval } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../api/api-client.js';
import { ApprovalsStore, describeApproval } from './approvals-store.js';

const request = (id: string, over: Partial<IntegrationApproval> = {}): IntegrationApproval => ({
  id,
  kind: 'api-client',
  subjectId: `s-${id}`,
  name: 'Force CAD',
  change: 'create',
  scopes: ['sessions:read', 'sessions:all'],
  urlHost: null,
  events: null,
  requestedAt: 1,
  requestedById: 'a1',
  requestedByName: 'Admin One',
  state: 'pending',
  decidedAt: null,
  decidedById: null,
  decidedByName: null,
  decisionReason: null,
  ...over,
});

function fake(list: IntegrationApproval[]) {
  const calls: string[] = [];
  return {
    calls,
    api: {
      integrationApprovals: async () => list.map((a) => ({ ...a })),
      decideIntegration: async (id: string, decision: 'approve' | 'refuse', reason: string) => {
        calls.push(`${decision} ${id} ${reason}`);
        const a = list.find((x) => x.id === id)!;
        if (a.requestedById === 'a2')
          throw new ApiRequestError(403, 'forbidden', 'a second admin must approve');
        a.state = decision === 'approve' ? 'approved' : 'refused';
        return a;
      },
    },
  };
}

describe('ApprovalsStore', () => {
  it('lists only other admins’ pending requests of its kind, and counts the admin’s own', async () => {
    const f = fake([
      request('r1'),
      request('r2', { requestedById: 'a2' }),
      request('r3', { kind: 'webhook', urlHost: 'cad.example', events: ['session.location'] }),
      request('r4', { state: 'approved' }),
    ]);
    const store = new ApprovalsStore(f.api, 'api-client', () => 'a2');
    await store.load();
    expect(store.get().waiting.map((a) => a.id)).toEqual(['r1']);
    expect(store.get().mine).toBe(1);
  });

  it('approves with a reason, says what was approved, and drops it from the list', async () => {
    const f = fake([request('r1')]);
    const store = new ApprovalsStore(f.api, 'api-client', () => 'a2');
    await store.load();
    expect(await store.decide(store.get().waiting[0]!, 'approve', ' ')).toBe(false);
    expect(store.get().error).toMatch(/say why/i);
    expect(f.calls).toEqual([]);
    expect(await store.decide(store.get().waiting[0]!, 'approve', 'checked with the CAD team')).toBe(true);
    expect(f.calls).toEqual(['approve r1 checked with the CAD team']);
    expect(store.get().notice).toBe('Approved: API client “Force CAD” (new): sessions:read, sessions:all.');
    expect(store.get().waiting).toEqual([]);
  });

  it('shows the server’s refusal', async () => {
    const f = fake([request('r1', { requestedById: 'a2' })]);
    const store = new ApprovalsStore(f.api, 'api-client', () => 'a3');
    await store.load();
    expect(await store.decide(store.get().waiting[0]!, 'refuse', 'not ours')).toBe(false);
    expect(store.get().error).toContain('second admin');
  });

  it('describes a webhook request by its host and events, never the full URL', () => {
    const a = request('w', {
      kind: 'webhook',
      change: 'change',
      urlHost: 'cad.example',
      events: ['session.location'],
    });
    expect(describeApproval(a)).toBe('webhook to cad.example (change): session.location');
  });
});
