import type { SessionSummary } from '@sightline/protocol';
import { formatTime } from '../lib/format.js';
import type { ViewerPhase } from './live-viewer.js';

/** The officer-facing line for "not reaching us": one wording everywhere, so staff learn it. */
export const VIDEO_LOST = "Caller's video is not reaching us right now";

/** What the video area reads of a session (a field officer's page has no more than this). */
export type VideoSession = Pick<
  SessionSummary,
  'state' | 'publishing' | 'videoStoppedAt' | 'videoStopReason'
>;

/**
 * "Video stopped at 14:02:11 — caller disconnected" while a live session's media has
 * stopped arriving (the phone died, lost its network); null otherwise. Shown instead of
 * LIVE so nobody mistakes the last frame for the scene now.
 */
export function videoStoppedText(session: VideoSession): string | null {
  if (session.state !== 'live' || session.publishing || session.videoStoppedAt === null) return null;
  const why = session.videoStopReason ? ` — ${session.videoStopReason}` : '';
  return `Video stopped at ${formatTime(session.videoStoppedAt)}${why}`;
}

/**
 * What to show over the video area instead of a picture; null when the
 * picture is playing. Reads the session first: its state explains most gaps.
 */
export function videoOverlay(session: VideoSession | null, phase: ViewerPhase): string | null {
  if (!session) return 'Loading…';
  switch (session.state) {
    case 'sent':
      return 'Waiting for the caller to open the link';
    case 'opened':
      return 'The caller has opened the link and is deciding whether to share';
    case 'refused':
      return 'The caller refused to share video';
    case 'expired':
      return 'The link expired before it was opened';
    case 'ended':
      return 'This session has ended';
    case 'consented':
      if (!session.publishing)
        return phase === 'interrupted' ? VIDEO_LOST : 'Caller agreed; waiting for their camera';
      break;
    case 'live':
      if (!session.publishing) return videoStoppedText(session) ?? VIDEO_LOST;
      break;
  }
  switch (phase) {
    case 'playing':
      return null;
    case 'interrupted':
      return VIDEO_LOST;
    default:
      return "Connecting to the caller's video…";
  }
}
