import type { TextList, TextRoute } from '@sightline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/api-client.js';
import { textDelivery as text } from '../testing/fixtures.js';
import { TextsStore } from './texts-store.js';

const list = (texts = [text()]): TextList => ({ texts, gateways: { primary: 'notify', fallback: 'smpp' } });

function fakeApi() {
  const sent: Array<{ route: TextRoute; key: string }> = [];
  let answer: Error | null = null;
  const api = {
    texts: vi.fn(async () => list()),
    resendText: vi.fn(async (_id: string, route: TextRoute, key: string) => {
      sent.push({ route, key });
      if (answer) throw answer;
      return { session: {} as never, text: text({ id: 't2', attempt: 2, route }) };
    }),
  };
  return { api, sent, fail: (e: Error | null) => (answer = e) };
}

describe('TextsStore', () => {
  it('loads the texts and the routes a resend may take', async () => {
    const { api } = fakeApi();
    const store = new TextsStore(api, 's1');
    await store.load();
    expect(store.get()).toMatchObject({ status: 'ready', gateways: { fallback: 'smpp' } });
    expect(store.get().texts).toHaveLength(1);
  });

  it('sends again by the chosen route, announces it and reloads', async () => {
    const { api, sent } = fakeApi();
    let n = 0;
    const store = new TextsStore(api, 's1', () => `k${++n}`);
    expect(await store.resend('fallback')).toBe(true);
    expect(sent).toEqual([{ route: 'fallback', key: 'k1' }]);
    expect(store.get()).toMatchObject({ sending: null, notice: 'Text 2 is on its way.', status: 'ready' });
    await store.resend('primary');
    expect(sent[1]).toEqual({ route: 'primary', key: 'k2' });
  });

  it('retries a press whose answer was lost with the same key, and shows refusals', async () => {
    const { api, sent, fail } = fakeApi();
    let n = 0;
    const store = new TextsStore(api, 's1', () => `k${++n}`);
    fail(new ApiRequestError(0, 'network', 'No connection to the server.'));
    expect(await store.resend('primary')).toBe(false);
    expect(store.get().error).toBe('No connection to the server.');
    fail(new ApiRequestError(502, 'bad_response', 'The server had a problem (HTTP 502).'));
    await store.resend('primary');
    fail(new ApiRequestError(429, 'invite_limit_number', 'This number has already been sent 5 links.'));
    await store.resend('primary');
    await store.resend('primary');
    expect(sent.map((s) => s.key)).toEqual(['k1', 'k1', 'k1', 'k2']);
    expect(store.get().error).toContain('already been sent 5 links');
  });

  it('ignores a second press while one is on its way', async () => {
    const { api, sent } = fakeApi();
    const store = new TextsStore(api, 's1');
    const first = store.resend('primary');
    expect(await store.resend('primary')).toBe(false);
    await first;
    expect(sent).toHaveLength(1);
  });
});
