import type {
  DistressMark,
  OfficerExposure,
  ShiftExposure,
  WellbeingFlag,
  WellbeingThresholds,
} from '@sightline/protocol';
import { type ShiftPlan, shiftOf } from './shifts.js';

/** One stored interval of footage seen clearly. */
export interface SeenInterval {
  officerId: string;
  officerName: string;
  kind: 'live' | 'recorded';
  startedAt: number;
  endedAt: number;
  seenMs: number;
}

export interface OfficerMark extends DistressMark {
  officerId: string;
  officerName: string;
}

/**
 * The thresholds a shift reached. "Reached", not "passed": a force that sets one distressing
 * mark wants the first mark flagged; 60 minutes of live footage flags at the 60th.
 */
export function flagsFor(s: Pick<ShiftExposure, 'liveMs' | 'recordedMs' | 'marks'>, t: WellbeingThresholds) {
  const flags: WellbeingFlag[] = [];
  if (s.liveMs >= t.liveMinutes * 60_000) flags.push('live');
  if (s.recordedMs >= t.recordedMinutes * 60_000) flags.push('recorded');
  if (s.marks.length >= t.distressingMarks) flags.push('distressing');
  return flags;
}

/**
 * Exposure per officer per shift. An interval counts in the shift its end falls in (intervals
 * are at most two minutes, so one straddling a change of shift moves under a minute).
 */
export function summarise(
  intervals: readonly SeenInterval[],
  marks: readonly OfficerMark[],
  plan: ShiftPlan,
  thresholds: WellbeingThresholds,
): OfficerExposure[] {
  const officers = new Map<string, { name: string; shifts: Map<number, ShiftExposure> }>();
  const cell = (officerId: string, name: string, at: number): ShiftExposure => {
    let o = officers.get(officerId);
    if (!o) {
      o = { name, shifts: new Map() };
      officers.set(officerId, o);
    }
    const shift = shiftOf(at, plan);
    let s = o.shifts.get(shift.start);
    if (!s) {
      s = { start: shift.start, end: shift.end, liveMs: 0, recordedMs: 0, marks: [], flags: [] };
      o.shifts.set(shift.start, s);
    }
    return s;
  };
  for (const i of intervals) {
    const s = cell(i.officerId, i.officerName, i.endedAt);
    if (i.kind === 'live') s.liveMs += i.seenMs;
    else s.recordedMs += i.seenMs;
  }
  for (const m of marks) {
    const { officerId, officerName, ...mark } = m;
    cell(officerId, officerName, m.at).marks.push(mark);
  }
  return [...officers.entries()]
    .map(([officerId, o]) => ({
      officerId,
      name: o.name,
      shifts: [...o.shifts.values()]
        .sort((a, b) => a.start - b.start)
        .map((s) => ({ ...s, marks: s.marks.sort((a, b) => a.at - b.at), flags: flagsFor(s, thresholds) })),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
