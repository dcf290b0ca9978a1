import type { OfficerExposure, ShiftExposure, WellbeingFlag, WellbeingThresholds } from '@sightline/protocol';
import { formatHm, shortMonth } from '../lib/format.js';

/** "0.4 min", "12.0 min", "95 min": one decimal while small, so a short first view is not "0". */
export function formatMinutes(ms: number): string {
  const m = ms / 60_000;
  return m < 10 ? `${m.toFixed(1)} min` : `${Math.round(m)} min`;
}

/** "Mon 30 Nov 07:00–19:00". */
export function shiftLabel(s: Pick<ShiftExposure, 'start' | 'end'>): string {
  const d = new Date(s.start);
  const day = d.toLocaleDateString('en-GB', { weekday: 'short' });
  return `${day} ${d.getDate()} ${shortMonth(s.start)} ${formatHm(s.start)}–${formatHm(s.end)}`;
}

const FLAG_TEXT: Record<WellbeingFlag, (t: WellbeingThresholds) => string> = {
  live: (t) => `${t.liveMinutes}+ min of clear live video`,
  recorded: (t) => `${t.recordedMinutes}+ min of clear recordings`,
  distressing: (t) => `${t.distressingMarks}+ distressing ${t.distressingMarks === 1 ? 'mark' : 'marks'}`,
};

/** What a flag means, with the force's number in it. */
export function flagText(flag: WellbeingFlag, t: WellbeingThresholds): string {
  return FLAG_TEXT[flag](t);
}

/** Every flag an officer reached in the period, once each, in a fixed order. */
export function officerFlags(o: OfficerExposure): WellbeingFlag[] {
  const all = new Set(o.shifts.flatMap((s) => s.flags));
  return (['live', 'recorded', 'distressing'] as const).filter((f) => all.has(f));
}

/** Flagged officers first, then by name: the supervisor's eye goes to who needs them. */
export function orderOfficers(list: readonly OfficerExposure[]): OfficerExposure[] {
  return [...list].sort(
    (a, b) =>
      Number(officerFlags(b).length > 0) - Number(officerFlags(a).length > 0) || a.name.localeCompare(b.name),
  );
}

export interface Bar {
  x: number;
  /** Heights and tops in chart units (0 at the top, `height` at the baseline). */
  liveTop: number;
  liveHeight: number;
  recordedTop: number;
  recordedHeight: number;
  marks: number;
  flagged: boolean;
}

export interface ChartGeometry {
  width: number;
  height: number;
  barWidth: number;
  bars: Bar[];
  /** Where the live-minutes threshold line sits. */
  thresholdY: number;
  /** The minutes the top of the chart stands for. */
  scaleMinutes: number;
}

/**
 * A stacked bar per shift (clear live video below, recordings above) against the live
 * threshold. The scale always includes the threshold, so a short bar looks short beside it.
 */
export function chartGeometry(shifts: readonly ShiftExposure[], t: WellbeingThresholds): ChartGeometry {
  const height = 100;
  const barWidth = 28;
  const gap = 12;
  const totals = shifts.map((s) => (s.liveMs + s.recordedMs) / 60_000);
  const scaleMinutes = Math.max(t.liveMinutes, ...totals) * 1.1;
  const y = (minutes: number) => (minutes / scaleMinutes) * height;
  const bars = shifts.map((s, i) => {
    const live = y(s.liveMs / 60_000);
    const rec = y(s.recordedMs / 60_000);
    return {
      x: gap + i * (barWidth + gap),
      liveTop: height - live,
      liveHeight: live,
      recordedTop: height - live - rec,
      recordedHeight: rec,
      marks: s.marks.length,
      flagged: s.flags.length > 0,
    };
  });
  return {
    width: Math.max(200, gap + shifts.length * (barWidth + gap)),
    height,
    barWidth,
    bars,
    thresholdY: height - y(t.liveMinutes),
    scaleMinutes,
  };
}
