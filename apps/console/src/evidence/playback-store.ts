import type { Recording } from '@sightline/protocol';
import { Store } from '../lib/store.js';
import { wallClockAt } from './playback.js';

export interface PlaybackState {
  /** The evidence item in the player (a working or redacted copy). */
  itemId: string | null;
  /** Its recording, which fixes the media-time-to-wall-clock mapping. */
  recordingId: string | null;
  /** Seconds, as the player last reported. */
  mediaTime: number;
  duration: number | null;
  playing: boolean;
  /** A seek the player has not applied yet; the nonce makes two seeks to the same time both happen. */
  seek: { itemId: string; t: number; nonce: number } | null;
}

const EMPTY: PlaybackState = {
  itemId: null,
  recordingId: null,
  mediaTime: 0,
  duration: null,
  playing: false,
  seek: null,
};

/**
 * What the evidence player is showing and where it is. The <video> element
 * reports into it; the map, timeline and notes read from it; seeks are
 * requests the player applies, so nothing outside React touches the element.
 */
export class PlaybackStore extends Store<PlaybackState> {
  #nonce = 0;

  constructor() {
    super(EMPTY);
  }

  /** Loads an item into the player, from the start. */
  select(itemId: string, recordingId: string | null): void {
    if (this.get().itemId === itemId) return;
    this.set({ ...EMPTY, itemId, recordingId });
  }

  /** Shows an item at a media time, loading it first if another item is in the player. */
  seekTo(itemId: string, recordingId: string | null, t: number): void {
    const cur = this.get();
    const base = cur.itemId === itemId ? cur : { ...EMPTY, itemId, recordingId };
    const clamped = Math.max(0, base.duration === null ? t : Math.min(t, base.duration));
    // Reflect the target at once, so the map and timeline follow the click before the video catches up.
    this.set({ ...base, mediaTime: clamped, seek: { itemId, t: clamped, nonce: ++this.#nonce } });
  }

  /** The player applied the seek with this nonce. */
  seekApplied(nonce: number): void {
    if (this.get().seek?.nonce === nonce) this.patch({ seek: null });
  }

  /** The player's position changed (timeupdate, seeked). */
  reportTime(itemId: string, t: number): void {
    if (this.get().itemId !== itemId || !Number.isFinite(t)) return;
    this.patch({ mediaTime: t });
  }

  reportPlaying(itemId: string, playing: boolean): void {
    if (this.get().itemId === itemId) this.patch({ playing });
  }

  reportDuration(itemId: string, duration: number): void {
    // WebM from a recorder often reports Infinity until the end is read; keep what we had.
    if (this.get().itemId === itemId && Number.isFinite(duration) && duration > 0) this.patch({ duration });
  }

  /** Empties the player (the item was disposed, or the page is leaving). */
  clear(): void {
    this.set(EMPTY);
  }
}

/** The wall-clock moment the player is showing, or null when nothing is loaded or its recording is unknown. */
export function playbackWallClock(state: PlaybackState, recordings: readonly Recording[]): number | null {
  const rec = recordings.find((r) => r.id === state.recordingId);
  return rec ? wallClockAt(rec, state.mediaTime) : null;
}
