import { simplifyIndices } from '@sightline/geo';
import type { ReceivedFix } from '@sightline/protocol';

/**
 * Most fixes the page keeps: a 72-hour missing-person search at one fix every 2 s. Every fix
 * is kept (the position panel and a reload need them); only the drawn line is thinned.
 */
export const MAX_TRAIL_POINTS = 130_000;
/** Most vertices the drawn trail has, however long the track: Leaflet redraws stay quick. */
export const MAX_DRAWN_VERTICES = 2_000;

const key = (f: ReceivedFix): string => `${f.fixTime}|${f.lat}|${f.lon}`;
const byReceipt = (a: ReceivedFix, b: ReceivedFix): number =>
  a.receivedAt - b.receivedAt || a.fixTime - b.fixTime;

/**
 * Adds one live fix to the track. Fixes normally arrive in order, so this is a
 * push; a duplicate (the same fix seen in a reload and live) is dropped.
 */
export function appendFix(track: readonly ReceivedFix[], fix: ReceivedFix): ReceivedFix[] {
  const last = track[track.length - 1];
  if (last && key(last) === key(fix)) return track as ReceivedFix[];
  if (!last || byReceipt(last, fix) <= 0) return cap([...track, fix]);
  return mergeTrack(track, [fix]);
}

/** Union of two tracks without duplicates, in the order the server received them. */
export function mergeTrack(a: readonly ReceivedFix[], b: readonly ReceivedFix[]): ReceivedFix[] {
  const seen = new Map<string, ReceivedFix>();
  for (const f of a) seen.set(key(f), f);
  for (const f of b) seen.set(key(f), f);
  return cap([...seen.values()].sort(byReceipt));
}

function cap(track: ReceivedFix[]): ReceivedFix[] {
  return track.length > MAX_TRAIL_POINTS ? track.slice(track.length - MAX_TRAIL_POINTS) : track;
}

/**
 * The trail as Leaflet wants it, skipping fixes too vague to draw a line through, thinned
 * to at most `maxVertices` where it runs straight; its ends (the newest fix) are exact.
 */
export function trailLatLngs(
  track: readonly ReceivedFix[],
  maxAccuracyM = 500,
  maxVertices = MAX_DRAWN_VERTICES,
): Array<[number, number]> {
  const out: ReceivedFix[] = [];
  for (const f of track) {
    if (f.accuracy > maxAccuracyM) continue;
    const prev = out[out.length - 1];
    if (prev && prev.lat === f.lat && prev.lon === f.lon) continue;
    out.push(f);
  }
  return simplifyIndices(out, maxVertices).map((i) => [out[i]!.lat, out[i]!.lon]);
}

/** A zoom level at which the accuracy circle fills a useful part of the map. */
export function zoomForAccuracy(accuracyM: number): number {
  if (accuracyM <= 40) return 17;
  if (accuracyM <= 100) return 16;
  if (accuracyM <= 250) return 15;
  if (accuracyM <= 600) return 14;
  if (accuracyM <= 1500) return 13;
  if (accuracyM <= 5000) return 11;
  return 9;
}

export interface FollowState {
  /** Keep the latest fix in view; off once the officer pans away to look at something. */
  following: boolean;
  /** Whether we have centred on a fix yet (the first fix also sets the zoom). */
  centred: boolean;
}

export const initialFollow: FollowState = { following: true, centred: false };

export type MapMove = { kind: 'none' } | { kind: 'pan'; lat: number; lon: number; zoom: number | null };

/** What the map should do when a new fix arrives. */
export function onFix(state: FollowState, fix: ReceivedFix): { state: FollowState; move: MapMove } {
  if (!state.following) return { state, move: { kind: 'none' } };
  const zoom = state.centred ? null : zoomForAccuracy(fix.accuracy);
  return {
    state: { following: true, centred: true },
    move: { kind: 'pan', lat: fix.lat, lon: fix.lon, zoom },
  };
}

/** The officer dragged or keyed the map: stop chasing the caller until asked. */
export function onUserMoved(state: FollowState): FollowState {
  return state.following ? { ...state, following: false } : state;
}

/** "Follow caller" pressed: centre again now, and keep doing so. */
export function onResume(
  state: FollowState,
  latest: ReceivedFix | null,
): { state: FollowState; move: MapMove } {
  const next = { following: true, centred: state.centred };
  return latest ? onFix(next, latest) : { state: next, move: { kind: 'none' } };
}

/** Framing several positions at once (the incident's callers, or a caller and the officer). */
export interface FitState {
  /** The officer panned or zoomed: the page leaves the view alone until asked. */
  userMoved: boolean;
  /** Who has been framed already (caller or officer keys). */
  framed: readonly string[];
}

export const initialFit: FitState = { userMoved: false, framed: [] };

/** One position to frame: its key, and whether it is inside the map's view now. */
export interface FitPoint {
  key: string;
  inView: boolean;
}

/**
 * Whether to fit the view to `points` after an update: the first time, when someone new
 * appears, and (with `refitOffScreen`) when someone has moved out of view. Never on every fix
 * and never after the officer moved the map, so the page does not fight their pan or zoom.
 */
export function fitStep(
  state: FitState,
  points: readonly FitPoint[],
  refitOffScreen = false,
): { state: FitState; fit: boolean } {
  const framed = new Set(state.framed);
  const someoneNew = points.some((p) => !framed.has(p.key));
  const offScreen = refitOffScreen && points.some((p) => !p.inView);
  const fit = !state.userMoved && points.length > 0 && (someoneNew || offScreen);
  if (!someoneNew) return { state, fit };
  return { state: { ...state, framed: [...new Set([...state.framed, ...points.map((p) => p.key)])] }, fit };
}

/** The officer moved the map: fitting stops. */
export function fitUserMoved(state: FitState): FitState {
  return state.userMoved ? state : { ...state, userMoved: true };
}

/** "Show everyone" pressed: fit now, and keep fitting as before. */
export function fitResumed(state: FitState): FitState {
  return { ...state, userMoved: false, framed: [] };
}
