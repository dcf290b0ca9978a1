import type { TakeUpFigures, TakeUpQuery, TakeUpReport } from '@sightline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/api-client.js';
import {
  csvHref,
  defaultQuery,
  formatDuration,
  funnelBars,
  niceMax,
  percent,
  rangeError,
  trendBars,
} from './take-up-model.js';
import { TakeUpStore } from './take-up-store.js';

const figures = (o: Partial<TakeUpFigures> = {}): TakeUpFigures => ({
  sent: 8,
  delivered: 6,
  opened: 6,
  consented: 4,
  refused: 1,
  live: 2,
  sendToLiveMedianMs: 90_000,
  sendToLiveP90Ms: 200_000,
  failures: { inAppBrowser: 1, cameraDenied: 0, noWebrtc: 0, network: 0 },
  feedback: { yes: 1, no: 0, unsure: 0 },
  ...o,
});

describe('take-up model', () => {
  it('starts on the Monday eleven weeks before this week, up to today', () => {
    // Wednesday 4 March 2026.
    expect(defaultQuery(Date.parse('2026-03-04T15:00:00Z'))).toEqual({
      from: '2025-12-15',
      to: '2026-03-04',
      period: 'week',
    });
  });

  it('refuses a backwards or over-long range before asking the server', () => {
    const q = (from: string, to: string): TakeUpQuery => ({ from, to, period: 'day' });
    expect(rangeError(q('2026-03-02', '2026-03-01'))).toMatch(/not be after/);
    expect(rangeError(q('2025-01-01', '2026-03-01'))).toMatch(/400 days/);
    expect(rangeError(q('', '2026-03-01'))).toMatch(/both dates/);
    expect(rangeError(q('2026-03-01', '2026-03-01'))).toBeNull();
  });

  it('says durations and shares as people read them', () => {
    expect(formatDuration(null)).toBe('–');
    expect(formatDuration(45_400)).toBe('45 s');
    expect(formatDuration(210_000)).toBe('3 min 30 s');
    expect(formatDuration(180_000)).toBe('3 min');
    expect(formatDuration(3_900_000)).toBe('1 h 5 min');
    expect(percent(3, 4)).toBe('75%');
    expect(percent(0, 0)).toBe('–');
  });

  it('draws each funnel step as a share of the links sent', () => {
    expect(funnelBars(figures()).map((b) => [b.label, b.value, b.fraction])).toEqual([
      ['Sent', 8, 1],
      ['Delivered', 6, 0.75],
      ['Opened', 6, 0.75],
      ['Consented', 4, 0.5],
      ['Live', 2, 0.25],
    ]);
    expect(funnelBars(figures({ sent: 0, live: 0 }))[4]!.fraction).toBe(0);
  });

  it('rounds the trend scale up to 1, 2 or 5 of a power of ten', () => {
    expect(niceMax([0])).toBe(1);
    expect(niceMax([7, 3])).toBe(10);
    expect(niceMax([13])).toBe(20);
    expect(niceMax([420])).toBe(500);
  });

  it('sums a year by day into at most 12 readable bars, and keeps a short range one bar per period', () => {
    const day = (i: number) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10);
    const year = Array.from({ length: 365 }, (_, i) => ({ period: day(i), sent: 2, live: 1 }));
    const bars = trendBars(year);
    expect(bars.length).toBeLessThanOrEqual(12);
    expect(bars[0]).toEqual({ label: '01-01', periods: 31, sent: 62, live: 31 });
    expect(bars.reduce((n, b) => n + b.sent, 0)).toBe(730);
    expect(trendBars(year.slice(0, 3)).map((b) => [b.label, b.periods])).toEqual([
      ['01-01', 1],
      ['01-02', 1],
      ['01-03', 1],
    ]);
  });

  it('links the CSV for the same query', () => {
    expect(csvHref({ from: '2026-03-02', to: '2026-03-15', period: 'week' })).toBe(
      '/api/reports/take-up.csv?from=2026-03-02&to=2026-03-15&period=week',
    );
  });
});

describe('TakeUpStore', () => {
  const report = { total: figures() } as TakeUpReport;

  it('loads the report for the chosen range and period', async () => {
    const load = vi.fn(async () => report);
    const store = new TakeUpStore(load, { from: '2026-03-02', to: '2026-03-15', period: 'week' });
    store.setPeriod('day');
    store.setDate('to', '2026-03-08');
    await store.fetch();
    expect(load).toHaveBeenCalledWith({ from: '2026-03-02', to: '2026-03-08', period: 'day' });
    expect(store.get()).toMatchObject({ status: 'ready', report, error: null });
  });

  it('does not ask the server for a range it would refuse, and shows the server’s refusal otherwise', async () => {
    const load = vi.fn(async (): Promise<TakeUpReport> => {
      throw new ApiRequestError(403, 'forbidden', 'Your role does not allow this.');
    });
    const store = new TakeUpStore(load, { from: '2026-03-15', to: '2026-03-02', period: 'week' });
    await store.fetch();
    expect(load).not.toHaveBeenCalled();
    expect(store.get().error).toMatch(/not be after/);
    store.setDate('from', '2026-03-01');
    await store.fetch();
    expect(store.get()).toMatchObject({ status: 'error', error: 'Your role does not allow this.' });
  });

  it('drops the report shown when the next load fails, so old figures are not read as the new range', async () => {
    let fail = false;
    const load = vi.fn(async (): Promise<TakeUpReport> => {
      if (fail) throw new ApiRequestError(0, 'network', 'Try again.');
      return report;
    });
    const store = new TakeUpStore(load, { from: '2026-03-02', to: '2026-03-15', period: 'week' });
    await store.fetch();
    expect(store.get().report).toBe(report);
    fail = true;
    store.setDate('to', '2026-03-20');
    await store.fetch();
    expect(store.get()).toMatchObject({ status: 'error', report: null });
  });
});
