import { describe, expect, it } from 'vitest';
import {
  buildReport,
  type FeedbackFacts,
  figures,
  periodOf,
  quantile,
  type SessionFacts,
} from './take-up-figures.js';

const at = (iso: string) => Date.parse(iso);
const session = (over: Partial<SessionFacts>): SessionFacts => ({
  sentAt: at('2026-11-03T10:00:00Z'),
  team: 'A',
  mode: 'video',
  delivered: false,
  openedAt: null,
  consentedAt: null,
  refusedAt: null,
  liveAt: null,
  failures: new Set(),
  ...over,
});
const answer = (over: Partial<FeedbackFacts>): FeedbackFacts => ({
  sentDay: at('2026-11-03T00:00:00Z'),
  team: 'A',
  mode: 'video',
  language: 'en',
  answer: 'yes',
  text: null,
  ...over,
});

describe('periodOf', () => {
  it('starts weeks on Monday and months on the 1st, in UTC', () => {
    // Sunday 8 November 2026, late evening UTC.
    const sunday = at('2026-11-08T23:59:59Z');
    expect(periodOf(sunday, 'day')).toBe('2026-11-08');
    expect(periodOf(sunday, 'week')).toBe('2026-11-02');
    expect(periodOf(at('2026-11-09T00:00:00Z'), 'week')).toBe('2026-11-09');
    expect(periodOf(sunday, 'month')).toBe('2026-11-01');
  });
});

describe('quantile', () => {
  it('interpolates between ranks: the median of an even count is the mean of the middle two', () => {
    expect(quantile([40, 10, 30, 20], 0.5)).toBe(25);
    expect(quantile([5], 0.9)).toBe(5);
    expect(quantile([], 0.5)).toBeNull();
    // 10 values 1..10: p90 sits 0.1 of the way from 9 to 10.
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1);
  });
});

describe('figures', () => {
  it('counts each step of the funnel, a refusal then a consent as consented only (the final decision), and failures once per session', () => {
    const sent = at('2026-11-03T10:00:00Z');
    const f = figures(
      [
        session({ delivered: true, openedAt: sent + 1, consentedAt: sent + 2, liveAt: sent + 30_000 }),
        session({
          delivered: true,
          openedAt: sent + 1,
          refusedAt: sent + 2,
          consentedAt: sent + 5,
          liveAt: sent + 90_000,
        }),
        session({ delivered: true, openedAt: sent + 1, refusedAt: sent + 2 }),
        session({ failures: new Set(['inAppBrowser', 'noWebrtc']) }),
        session({ openedAt: sent + 1, consentedAt: sent + 2, failures: new Set(['cameraDenied']) }),
      ],
      [answer({}), answer({ answer: 'no' }), answer({ answer: 'unsure' }), answer({})],
    );
    expect(f).toEqual({
      sent: 5,
      delivered: 3,
      opened: 4,
      consented: 3,
      refused: 1,
      live: 2,
      sendToLiveMedianMs: 60_000,
      sendToLiveP90Ms: 84_000,
      failures: { inAppBrowser: 1, cameraDenied: 1, noWebrtc: 1, network: 0 },
      feedback: { yes: 2, no: 1, unsure: 1 },
    });
  });
});

describe('buildReport', () => {
  it('splits by period, team and mode, totals by team (no team last) and period, and keeps only texts', () => {
    const r = buildReport(
      { from: '2026-11-01', to: '2026-11-30', period: 'week' },
      [
        session({ team: null }),
        session({ team: 'B', mode: 'location' }),
        session({ sentAt: at('2026-11-10T08:00:00Z') }),
        session({}),
      ],
      [answer({ text: 'quick and kind' }), answer({ team: 'B', mode: 'location', answer: 'no' })],
    );
    expect(r.rows.map((x) => [x.period, x.team, x.mode, x.sent, x.feedback.yes + x.feedback.no])).toEqual([
      ['2026-11-02', 'A', 'video', 1, 1],
      ['2026-11-02', 'B', 'location', 1, 1],
      ['2026-11-02', null, 'video', 1, 0],
      ['2026-11-09', 'A', 'video', 1, 0],
    ]);
    expect(r.byTeam.map((t) => [t.team, t.sent])).toEqual([
      ['A', 2],
      ['B', 1],
      [null, 1],
    ]);
    expect(r.byPeriod.map((p) => [p.period, p.sent])).toEqual([
      ['2026-11-02', 3],
      ['2026-11-09', 1],
    ]);
    expect(r.total.sent).toBe(4);
    expect(r.comments).toEqual([
      {
        period: '2026-11-02',
        team: 'A',
        mode: 'video',
        language: 'en',
        answer: 'yes',
        text: 'quick and kind',
      },
    ]);
  });
});
