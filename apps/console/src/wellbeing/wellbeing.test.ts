import type { OfficerExposure, ShiftExposure, WellbeingReport } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../api/api-client.js';
import { ExposureStore } from './exposure-store.js';
import { chartGeometry, flagText, formatMinutes, officerFlags, orderOfficers } from './wellbeing-model.js';

const T = { liveMinutes: 60, recordedMinutes: 90, distressingMarks: 1 };
const shift = (liveMin: number, recMin: number, flags: ShiftExposure['flags'] = []): ShiftExposure => ({
  start: 0,
  end: 1,
  liveMs: liveMin * 60_000,
  recordedMs: recMin * 60_000,
  marks: [],
  flags,
});
const officer = (name: string, shifts: ShiftExposure[]): OfficerExposure => ({
  officerId: name,
  name,
  shifts,
});

describe('wellbeing view model', () => {
  it('shows a short first view as a fraction of a minute, never as 0', () => {
    expect(formatMinutes(25_000)).toBe('0.4 min');
    expect(formatMinutes(95 * 60_000)).toBe('95 min');
  });

  it("puts flagged officers first and names each flag with the force's number", () => {
    const list = orderOfficers([officer('Ann', [shift(5, 0)]), officer('Zed', [shift(70, 0, ['live'])])]);
    expect(list.map((o) => o.name)).toEqual(['Zed', 'Ann']);
    expect(officerFlags(list[0]!)).toEqual(['live']);
    expect(flagText('live', T)).toBe('60+ min of clear live video');
    expect(flagText('distressing', T)).toBe('1+ distressing mark');
  });

  it('draws bars to a scale that includes the threshold, stacking recordings on live video', () => {
    const g = chartGeometry([shift(30, 0), shift(60, 30)], T);
    // Scale: the biggest total (90 min) plus a margin.
    expect(g.scaleMinutes).toBeCloseTo(99);
    expect(g.bars[1]!.liveHeight).toBeCloseTo(2 * g.bars[0]!.liveHeight);
    expect(g.bars[1]!.recordedTop + g.bars[1]!.recordedHeight).toBeCloseTo(g.bars[1]!.liveTop);
    // The 60-minute threshold line is level with the top of a 60-minute live bar.
    expect(g.thresholdY).toBeCloseTo(g.bars[1]!.liveTop);
    const small = chartGeometry([shift(1, 0)], T);
    expect(small.thresholdY).toBeGreaterThan(0);
    expect(small.bars[0]!.liveHeight).toBeLessThan(5);
  });
});

describe('exposure store', () => {
  const report: WellbeingReport = {
    from: 0,
    to: 1,
    shiftPlan: { starts: ['07:00', '19:00'], timeZone: 'Europe/London' },
    thresholds: T,
    officers: [],
  };

  it('loads the report for the days asked for, once per request', async () => {
    const asked: number[] = [];
    const s = new ExposureStore(async (d) => {
      asked.push(d);
      return report;
    });
    await s.fetch(14);
    expect(asked).toEqual([14]);
    expect(s.get()).toMatchObject({ status: 'ready', days: 14, report });
  });

  it("says why when the server refuses (e.g. a call handler's role)", async () => {
    const s = new ExposureStore(async () => {
      throw new ApiRequestError(403, 'forbidden', 'your role does not allow this');
    });
    await s.fetch();
    expect(s.get()).toMatchObject({ status: 'error', error: 'your role does not allow this' });
  });
});
