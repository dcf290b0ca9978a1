import type { EvidenceItem, ReceivedFix, Recording, TimelineEvent } from '@sightline/protocol';

// Playback synchronisation. A recording's working copy starts at media time 0, which is the
// wall-clock moment of its first video packet (`mediaStartedAt`). Every other record of the
// session (fixes, timeline, notes) is on the wall clock, so everything is mapped through that.

/** Wall-clock ms of media time 0; before `mediaStartedAt` existed the publish start is the best guess. */
export function mediaEpoch(rec: Pick<Recording, 'mediaStartedAt' | 'startedAt'>): number {
  return rec.mediaStartedAt ?? rec.startedAt;
}

/** The wall-clock moment (ms) shown at media time `t` seconds. */
export function wallClockAt(rec: Pick<Recording, 'mediaStartedAt' | 'startedAt'>, t: number): number {
  return mediaEpoch(rec) + Math.round(t * 1000);
}

/** The media time (s) at which a wall-clock moment is shown; negative before the recording. */
export function mediaTimeAt(rec: Pick<Recording, 'mediaStartedAt' | 'startedAt'>, wallMs: number): number {
  return (wallMs - mediaEpoch(rec)) / 1000;
}

/** Fixes in the order the phone took them, which is the order playback needs (the track comes by receipt). */
export function sortByFixTime(track: readonly ReceivedFix[]): ReceivedFix[] {
  return [...track].sort((a, b) => a.fixTime - b.fixTime || a.receivedAt - b.receivedAt);
}

/**
 * Index of the last fix taken at or before `wallMs` in a track sorted by fixTime; -1 before the
 * first. Deliberately not interpolated: the map shows a position the phone really reported, with
 * its accuracy, which is what an officer may later have to swear to.
 */
export function fixIndexAt(sorted: readonly ReceivedFix[], wallMs: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid]?.fixTime ?? Number.POSITIVE_INFINITY) <= wallMs) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** The fix to show at a moment, or null when the phone had not reported one yet. */
export function fixAt(sorted: readonly ReceivedFix[], wallMs: number): ReceivedFix | null {
  const i = fixIndexAt(sorted, wallMs);
  return i < 0 ? null : (sorted[i] ?? null);
}

/** The last timeline event at or before the moment (the one to highlight); -1 before the first. */
export function currentEventIndex(events: readonly TimelineEvent[], wallMs: number): number {
  let found = -1;
  for (let i = 0; i < events.length; i++) {
    if ((events[i]?.at ?? Number.POSITIVE_INFINITY) <= wallMs) found = i;
    else break;
  }
  return found;
}

/** The copy that plays for a recording: its working copy, unless disposal removed the bytes. */
export function workingCopyOf(items: readonly EvidenceItem[], recordingId: string): EvidenceItem | null {
  return (
    items.find((i) => i.kind === 'working-copy' && i.recordingId === recordingId && i.disposedAt === null) ??
    null
  );
}

/** Whether an item can be played in the evidence player. */
export function isPlayable(item: EvidenceItem): boolean {
  return (item.kind === 'working-copy' || item.kind === 'redacted-copy') && item.disposedAt === null;
}

// Browsers show these; HEIC (iPhone photos) they do not, so it is offered as a download only.
const VIEWABLE_IMAGES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);

/**
 * Media the phone made or sent (a photo or video from the caller, the phone's
 * own full-quality recording): how it shows in the evidence list, or null for
 * anything else. These are not on the recording's timeline, so they play on their own.
 */
export function ownMedia(item: EvidenceItem): 'image' | 'video' | 'unviewable' | null {
  if (item.kind !== 'caller-upload' && item.kind !== 'device-copy') return null;
  if (item.mediaType.startsWith('video/')) return 'video';
  if (VIEWABLE_IMAGES.has(item.mediaType)) return 'image';
  return 'unviewable';
}

/** How long a recording's media lasts (ms), from its working copy, else from when publishing stopped. */
export function recordingLengthMs(rec: Recording, items: readonly EvidenceItem[]): number | null {
  const copy = workingCopyOf(items, rec.id);
  if (copy?.durationMs != null) return copy.durationMs;
  return rec.endedAt === null ? null : Math.max(0, rec.endedAt - mediaEpoch(rec));
}

export interface SeekTarget {
  recordingId: string;
  /** The item to play (the recording's working copy). */
  itemId: string;
  mediaTime: number;
}

/** Where to seek to show a wall-clock moment; null if no playable recording covers it. */
export function locateMoment(
  recordings: readonly Recording[],
  items: readonly EvidenceItem[],
  wallMs: number,
): SeekTarget | null {
  for (const rec of recordings) {
    const copy = workingCopyOf(items, rec.id);
    const length = recordingLengthMs(rec, items);
    if (!copy || length === null) continue;
    const t = mediaTimeAt(rec, wallMs);
    if (t >= 0 && t * 1000 <= length) return { recordingId: rec.id, itemId: copy.id, mediaTime: t };
  }
  return null;
}

/** "0:07.4": a media position precise enough to find a frame again. */
export function formatMediaTime(t: number): string {
  const safe = Math.max(0, t);
  const m = Math.floor(safe / 60);
  const s = safe - m * 60;
  return `${m}:${s.toFixed(1).padStart(4, '0')}`;
}
