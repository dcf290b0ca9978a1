import type { SessionState } from '@sightline/protocol';
import { STATE_TEXT } from '../session/event-text.js';

/**
 * A session state as a badge. The word itself is the text (never colour alone);
 * colour and a leading shape (drawn in CSS) help scanning a long list.
 */
export function StateBadge({
  state,
  testId,
  large,
}: {
  state: SessionState;
  testId?: string;
  large?: boolean;
}) {
  return (
    <span
      className={`badge badge-${state}${large ? ' badge-large' : ''}`}
      data-testid={testId}
      data-state={state}
      title={STATE_TEXT[state]}
    >
      {state}
    </span>
  );
}
