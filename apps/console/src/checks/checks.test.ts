import type { Check } from '@sightline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/api-client.js';
import { countdown, groupBySeries, validateSchedule } from './checks-model.js';
import { type ChecksApi, ChecksStore, EMPTY_SCHEDULE, scheduleRequest } from './checks-store.js';

const check = (id: string, seriesId: string | null, notBefore: number, status: Check['status']): Check => ({
  sessionId: id,
  seriesId,
  reference: 'BAIL 1',
  phoneMasked: '+44 •••••••456',
  subject: 'Jo Bloggs',
  notBefore,
  notAfter: notBefore + 1_800_000,
  status,
  textSentAt: null,
  result: null,
  createdBy: { id: 'o1', name: 'PC Able' },
});

describe('checks model', () => {
  it('groups a section by series, earliest window first', () => {
    const groups = groupBySeries([
      check('b', 's1', 300, 'upcoming'),
      check('c', null, 200, 'upcoming'),
      check('a', 's1', 100, 'upcoming'),
    ]);
    expect(groups.map((g) => [g.seriesId, g.checks.map((c) => c.sessionId)])).toEqual([
      ['s1', ['a', 'b']],
      ['c', ['c']],
    ]);
  });

  it('counts down to the opening, then to the closing, and says nothing for a missed check', () => {
    const c = check('a', null, 10_000_000, 'upcoming');
    expect(countdown(c, 10_000_000 - 45_000)).toBe('opens in 45 s');
    expect(countdown(c, 10_000_000 - 2 * 3_600_000 - 5 * 60_000)).toBe('opens in 2 h 5 min');
    expect(countdown({ ...c, status: 'open' }, 10_000_000 + 60_000)).toBe('closes in 29 min');
    expect(countdown({ ...c, status: 'missed' }, 20_000_000)).toBeNull();
  });

  it('asks for the number, the date and a sane window before sending', () => {
    const e = validateSchedule({ ...EMPTY_SCHEDULE, minutes: '2', subject: 'J' });
    expect(Object.keys(e).sort()).toEqual(['conditionDetail', 'firstDate', 'minutes', 'phone', 'subject']);
    expect(validateSchedule({ ...EMPTY_SCHEDULE, phone: '07911 123456', firstDate: '2026-12-01' })).toEqual(
      {},
    );
  });
});

describe('ChecksStore', () => {
  const fake = (): ChecksApi & { [k in keyof ChecksApi]: ReturnType<typeof vi.fn> } => ({
    checks: vi.fn(async () => [check('a', 's1', 100, 'missed')]),
    scheduleChecks: vi.fn(async () => ({
      seriesId: 's2',
      checks: [check('x', 's2', 1, 'upcoming'), check('y', 's2', 2, 'upcoming')],
    })),
    cancelSeries: vi.fn(async () => ({ cancelled: 13 })),
  });

  it('sends the series as a repeat rule with the check details, then reloads and says what happened', async () => {
    const api = fake();
    const store = new ChecksStore(api);
    store.setField({
      phone: ' 07911 123456 ',
      firstDate: '2026-12-01',
      subject: 'Jo Bloggs',
      conditionDetail: '1 High St',
    });
    expect(await store.schedule()).toBe(true);
    expect(api.scheduleChecks).toHaveBeenCalledWith(
      {
        phone: '07911 123456',
        language: 'en',
        details: { subject: 'Jo Bloggs', condition: 'curfew', conditionDetail: '1 High St' },
        repeat: { firstDate: '2026-12-01', start: '21:00', minutes: 30, count: 14, everyDays: 1 },
      },
      expect.any(String),
    );
    expect(store.get().notice).toBe('2 checks scheduled. Each link is texted as its window opens.');
    expect(store.get().checks.map((c) => c.status)).toEqual(['missed']);
    expect(store.get().form).toEqual(EMPTY_SCHEDULE);
  });

  it('puts a refused number under the phone box and asks for everyone’s checks only when chosen', async () => {
    const api = fake();
    api.scheduleChecks.mockRejectedValueOnce(
      new ApiRequestError(422, 'invalid_phone_number', 'not a mobile', { phone: 'not a UK mobile number' }),
    );
    const store = new ChecksStore(api);
    store.setField({ phone: '020 7946 0123', firstDate: '2026-12-01' });
    expect(await store.schedule()).toBe(false);
    expect(store.get().errors.phone).toBe('not a UK mobile number');
    await store.load({ scope: 'all', filter: 'missed' });
    expect(api.checks).toHaveBeenLastCalledWith({ scope: 'all', status: 'missed' });
    await store.cancelSeries('s1', 'bail varied');
    expect(api.cancelSeries).toHaveBeenCalledWith('s1', 'bail varied');
    expect(store.get().notice).toBe('13 checks cancelled.');
  });

  it('a press retried after no answer repeats its key; an edited form is a new series', async () => {
    const api = fake();
    api.scheduleChecks.mockRejectedValueOnce(new Error('network'));
    let n = 0;
    const store = new ChecksStore(api, () => `key-${++n}`);
    store.setField({ phone: '07911 123456', firstDate: '2026-12-01' });
    expect(await store.schedule()).toBe(false);
    expect(await store.schedule()).toBe(true);
    store.setField({ phone: '07911 123456', firstDate: '2026-12-02' });
    await store.schedule();
    expect(api.scheduleChecks.mock.calls.map((c) => c[1])).toEqual(['key-1', 'key-1', 'key-2']);
  });

  it('reads the list again once when a countdown reaches zero, so "opens in 0 s" becomes Open', async () => {
    const api = fake();
    api.checks.mockResolvedValue([check('a', 's1', 100_000, 'upcoming')]);
    const store = new ChecksStore(api);
    await store.load();
    store.refreshIfStale(99_000);
    expect(api.checks).toHaveBeenCalledTimes(1);
    api.checks.mockResolvedValue([check('a', 's1', 100_000, 'open')]);
    store.refreshIfStale(100_000);
    await vi.waitFor(() => expect(store.get().checks[0]?.status).toBe('open'));
    api.checks.mockResolvedValue([check('a', 's1', 100_000, 'upcoming')]); // a server a moment behind
    await store.load();
    store.refreshIfStale(101_000);
    expect(api.checks).toHaveBeenCalledTimes(3); // not again for the same opening
  });

  it('leaves the details out when no subject is given', () => {
    expect(scheduleRequest({ ...EMPTY_SCHEDULE, phone: '1', firstDate: '2026-12-01' })).not.toHaveProperty(
      'details',
    );
  });
});
