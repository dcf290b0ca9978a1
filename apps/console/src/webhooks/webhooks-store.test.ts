import type { WebhookDelivery, WebhookEndpoint, WebhookEndpointInput } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../api/api-client.js';
import { describeAttempt, WebhooksStore } from './webhooks-store.js';

const endpoint = (over: Partial<WebhookEndpoint> = {}): WebhookEndpoint => ({
  id: 'w1',
  url: 'https://cad.example/hook',
  description: 'CAD',
  events: ['session.opened'],
  enabled: true,
  disabledReason: null,
  createdAt: 1,
  secretRotatedAt: null,
  previousSecretUntil: null,
  ...over,
});
const delivery = (over: Partial<WebhookDelivery> = {}): WebhookDelivery => ({
  id: 'd1',
  endpointId: 'w1',
  eventId: 'e1',
  eventType: 'session.opened',
  sessionId: 's1',
  state: 'dead',
  attempts: 12,
  nextAttemptAt: null,
  lastAttemptAt: 5,
  lastStatus: 500,
  lastError: 'receiver exploded',
  createdAt: 1,
  deliveredAt: null,
  ...over,
});

/** A fake server holding endpoints and deliveries, recording what the store asked of it. */
function fakeApi() {
  const calls: string[] = [];
  let endpoints = [endpoint()];
  let deliveries = [delivery()];
  return {
    calls,
    api: {
      webhookEndpoints: async () => endpoints,
      webhookDeliveries: async (state?: string) => deliveries.filter((d) => !state || d.state === state),
      createWebhook: async (body: WebhookEndpointInput) => {
        calls.push(`create ${body.url}`);
        if (body.url.startsWith('http://'))
          throw new ApiRequestError(422, 'webhook_url_refused', 'use an https URL');
        const created = endpoint({ id: 'w2', url: body.url });
        endpoints = [...endpoints, created];
        return { endpoint: created, secret: 'whsec_new' };
      },
      updateWebhook: async (id: string, body: WebhookEndpointInput) => {
        calls.push(`update ${id} enabled=${body.enabled}`);
        endpoints = endpoints.map((e) => (e.id === id ? { ...e, enabled: body.enabled ?? true } : e));
        return endpoints.find((e) => e.id === id)!;
      },
      rotateWebhookSecret: async (id: string) => {
        calls.push(`rotate ${id}`);
        return { endpoint: endpoint({ id }), secret: 'whsec_rotated' };
      },
      retryWebhookDelivery: async (id: string) => {
        calls.push(`retry ${id}`);
        deliveries = deliveries.map((d) =>
          d.id === id ? { ...d, state: 'pending' as const, attempts: 0 } : d,
        );
        return deliveries.find((d) => d.id === id)!;
      },
    },
  };
}

describe('WebhooksStore', () => {
  it('loads endpoints, recent deliveries and the dead-letter list', async () => {
    const { api } = fakeApi();
    const store = new WebhooksStore(api);
    await store.load();
    const s = store.get();
    expect(s.status).toBe('ready');
    expect(s.endpoints.map((e) => e.id)).toEqual(['w1']);
    expect(s.dead.map((d) => d.id)).toEqual(['d1']);
  });

  it('shows a new endpoint’s secret once, until dismissed', async () => {
    const { api } = fakeApi();
    const store = new WebhooksStore(api);
    expect(
      await store.create({ url: 'https://cad2.example/hook', events: ['session.ended'], description: '' }),
    ).toBe(true);
    expect(store.get().revealed).toEqual({ endpointId: 'w2', secret: 'whsec_new' });
    expect(store.get().endpoints).toHaveLength(2);
    store.dismissSecret();
    expect(store.get().revealed).toBeNull();
    await store.load();
    expect(JSON.stringify(store.get())).not.toContain('whsec_new');
  });

  it('says why the server refused an endpoint, and keeps the list as it was', async () => {
    const { api } = fakeApi();
    const store = new WebhooksStore(api);
    await store.load();
    expect(await store.create({ url: 'http://cad.example/', events: ['session.opened'] })).toBe(false);
    expect(store.get().error).toBe('use an https URL');
    expect(store.get().revealed).toBeNull();
    expect(store.get().endpoints).toHaveLength(1);
  });

  it('disables an endpoint keeping its URL and events, and rotates its secret', async () => {
    const { api, calls } = fakeApi();
    const store = new WebhooksStore(api);
    await store.load();
    await store.setEnabled(store.get().endpoints[0]!, false);
    expect(store.get().endpoints[0]!.enabled).toBe(false);
    await store.rotate('w1');
    expect(store.get().revealed?.secret).toBe('whsec_rotated');
    expect(calls).toEqual(['update w1 enabled=false', 'rotate w1']);
  });

  it('retries a dead delivery and takes it off the dead-letter list', async () => {
    const { api, calls } = fakeApi();
    const store = new WebhooksStore(api);
    await store.load();
    expect(await store.retry('d1')).toBe(true);
    expect(calls).toEqual(['retry d1']);
    expect(store.get().dead).toEqual([]);
    expect(store.get().deliveries[0]!.state).toBe('pending');
  });

  it('saves the form as a new endpoint, or as changes to the one being edited', async () => {
    const { api, calls } = fakeApi();
    const store = new WebhooksStore(api);
    await store.load();
    expect(await store.submit()).toBe(false);
    expect(store.get().error).toBe('Choose at least one event.');
    store.setField('url', 'https://cad3.example/hook');
    store.toggleEvent('session.ended', true);
    expect(await store.submit()).toBe(true);
    expect(store.get().form.url).toBe('');
    store.edit(store.get().endpoints[0]!);
    expect(store.get().form).toMatchObject({ editing: 'w1', events: ['session.opened'] });
    store.toggleEvent('session.opened', false);
    store.toggleEvent('export.ready', true);
    expect(await store.submit()).toBe(true);
    expect(calls).toEqual(['create https://cad3.example/hook', 'update w1 enabled=true']);
  });

  it('describes a delivery’s last attempt', () => {
    expect(describeAttempt(delivery())).toBe('HTTP 500: receiver exploded');
    expect(describeAttempt(delivery({ lastStatus: null, lastError: 'no answer within 10000 ms' }))).toBe(
      'no answer: no answer within 10000 ms',
    );
    expect(describeAttempt(delivery({ state: 'delivered', attempts: 1 }))).toBe('Delivered after 1 attempt');
    expect(describeAttempt(delivery({ state: 'pending', attempts: 0 }))).toBe('Not tried yet');
  });
});
