import type { SessionState, SessionSummary } from '@sightline/protocol';
import { STATE_TEXT } from '../session/event-text.js';

/**
 * A session state as a badge. The word itself is the text (never colour alone);
 * colour and a leading shape (drawn in CSS) help scanning a long list. A live session
 * whose caller's video has stopped reads "video stopped", never "live".
 */
export function StateBadge({
  state,
  videoStopped,
  testId,
  large,
}: {
  state: SessionState;
  videoStopped?: boolean;
  testId?: string;
  large?: boolean;
}) {
  const stopped = state === 'live' && videoStopped === true;
  return (
    <span
      className={`badge badge-${stopped ? 'stopped' : state}${large ? ' badge-large' : ''}`}
      data-testid={testId}
      data-state={state}
      data-video={stopped ? 'stopped' : undefined}
      title={stopped ? "Live, but the caller's video has stopped reaching us" : STATE_TEXT[state]}
    >
      {stopped ? 'video stopped' : state}
    </span>
  );
}

/** A live session whose caller's media stopped arriving (see SessionSummary.videoStoppedAt). */
export const videoStopped = (s: SessionSummary): boolean =>
  s.state === 'live' && !s.publishing && s.videoStoppedAt !== null;
