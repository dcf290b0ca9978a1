import { describe, expect, it } from 'vitest';
import { refusal, retryDelay } from './refusal.js';

const reply = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });

describe('a refused claim', () => {
  it('shows when a check opens, and the neutral page for a 403 without an error body', async () => {
    const notYet = {
      error: { code: 'link_not_yet_open', message: 'x', fields: { opensAt: '1800000000000' } },
    };
    expect(await refusal(reply(403, notYet))).toEqual({ screen: 'not-yet-open', opensAt: 1_800_000_000_000 });
    expect(await refusal(reply(403, { message: 'Forbidden' }))).toEqual({ screen: 'unavailable' });
    expect(await refusal(new Response('<html>', { status: 403 }))).toEqual({ screen: 'unavailable' });
    expect(await refusal(null)).toEqual({ screen: 'unavailable' });
  });

  it('claims again just after the opening, never in a tight loop, and re-arms for a far opening', () => {
    expect(retryDelay(60_000, 0)).toBe(61_000);
    expect(retryDelay(0, 60_000)).toBe(5_000);
    expect(retryDelay(40 * 86_400_000, 0)).toBe(86_400_000);
  });
});
