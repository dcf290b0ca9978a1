import type {
  IncidentCaller,
  IncidentDetail,
  IncidentSummary,
  IncidentTimelineEntry,
  ReceivedFix,
  SessionSummary,
} from '@sightline/protocol';
import { appendFix, mergeTrack } from '../location/map-state.js';

export interface IncidentPageState {
  status: 'loading' | 'ready' | 'not-found' | 'error';
  error: string | null;
  incident: IncidentSummary | null;
  callers: IncidentCaller[];
  timeline: IncidentTimelineEntry[];
}

export const initialIncidentPage: IncidentPageState = {
  status: 'loading',
  error: null,
  incident: null,
  callers: [],
  timeline: [],
};

/**
 * Callers' colours on the map, tiles and timeline: the Okabe–Ito palette, told apart with the
 * common colour-vision deficiencies. Colour is never the only cue: every marker carries its label.
 */
export const CALLER_COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000'];

/** The caller's colour by their place in the incident (wraps after seven; the labels still differ). */
export function callerColour(index: number): string {
  return CALLER_COLOURS[index % CALLER_COLOURS.length]!;
}

const entryKey = (e: IncidentTimelineEntry) => `${e.sessionId}:${e.event.id}`;
const byTime = (a: IncidentTimelineEntry, b: IncidentTimelineEntry) =>
  a.event.at - b.event.at || (a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0);

/** Union of two merged timelines, without repeats, ordered by time. */
export function mergeEntries(
  a: readonly IncidentTimelineEntry[],
  b: readonly IncidentTimelineEntry[],
): IncidentTimelineEntry[] {
  const seen = new Map<string, IncidentTimelineEntry>();
  for (const e of a) seen.set(entryKey(e), e);
  for (const e of b) seen.set(entryKey(e), e);
  return [...seen.values()].sort(byTime);
}

/** A fresh snapshot from the server, keeping live fixes and events that arrived meanwhile. */
export function applyDetail(state: IncidentPageState, d: IncidentDetail): IncidentPageState {
  const before = new Map(state.callers.map((c) => [c.session.id, c]));
  return {
    status: 'ready',
    error: null,
    incident: d.incident,
    callers: d.callers.map((c) => {
      const had = before.get(c.session.id);
      return had ? { ...c, track: mergeTrack(had.track, c.track) } : c;
    }),
    // Entries of sessions no longer in the incident go with them.
    timeline: mergeEntries(
      state.timeline.filter((e) => d.incident.sessionIds.includes(e.sessionId)),
      d.timeline,
    ),
  };
}

/** A live timeline event of one of the incident's sessions (ignored for others). */
export function addEvent(
  state: IncidentPageState,
  sessionId: string,
  event: IncidentTimelineEntry['event'],
): IncidentPageState {
  const caller = state.callers.find((c) => c.session.id === sessionId);
  if (!caller) return state;
  return { ...state, timeline: mergeEntries(state.timeline, [{ sessionId, label: caller.label, event }]) };
}

/** A live fix of one of the incident's callers. */
export function addFix(state: IncidentPageState, sessionId: string, fix: ReceivedFix): IncidentPageState {
  if (!state.callers.some((c) => c.session.id === sessionId)) return state;
  return {
    ...state,
    callers: state.callers.map((c) =>
      c.session.id === sessionId ? { ...c, track: appendFix(c.track, fix) } : c,
    ),
  };
}

/** A newer summary of one of the incident's sessions (state, publishing, last fix). */
export function updateSession(state: IncidentPageState, session: SessionSummary): IncidentPageState {
  if (!state.callers.some((c) => c.session.id === session.id)) return state;
  return {
    ...state,
    callers: state.callers.map((c) => (c.session.id === session.id ? { ...c, session } : c)),
  };
}

/** The caller's newest position: the trail's last fix, else the summary's. */
export function latestOf(c: IncidentCaller): ReceivedFix | null {
  return c.track.at(-1) ?? c.session.lastFix;
}

/** Whether the caller's live video can be asked for (publishing, not over, not location-only). */
export function videoWanted(s: SessionSummary): boolean {
  return s.publishing && s.mode !== 'location' && s.state !== 'ended' && s.state !== 'expired';
}
